"""Browser tests: the real server (`nwd serve`) on a fresh database, driven by Debian's Chromium.

Playwright's browser is never downloaded (`playwright install` cannot reach its host here):
Chromium comes from apt, at /usr/bin/chromium or `NWD_CHROMIUM`. Without it the tests skip,
except under CI (`CI` set), where a missing browser is a failure.

Playwright's sync API keeps an asyncio loop running while it is started, and Django refuses
ORM calls under a running loop; so the browser lives only while this package's tests run, and
they reach the app over HTTP only.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from browsing import TIMEOUT_MS, Screenshots
from live_server import LiveServer, live_server
from playwright.sync_api import Browser, Page, Route, sync_playwright

CHROMIUM = os.environ.get("NWD_CHROMIUM", "/usr/bin/chromium")
# docs/shared TOOLCHAIN.md: no sandbox (root in a container), nothing fetched in the background.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("live-server")) as running:
        yield running


@pytest.fixture(scope="session")
def server_url(server: LiveServer) -> str:
    return server.url


@pytest.fixture(scope="session")
def server_database_url(server: LiveServer) -> str:
    return server.database_url


@pytest.fixture(scope="package")
def chromium() -> Iterator[Browser]:
    if not Path(CHROMIUM).is_file():
        reason = f"no Chromium at {CHROMIUM}: apt-get install chromium, or set NWD_CHROMIUM"
        if os.environ.get("CI"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def _refuse(route: Route) -> None:
    route.abort()


def _page(browser: Browser, origin: str, bypass_csp: bool) -> Iterator[Page]:
    """A page in a fresh context (no cookies) whose requests off our origin are refused: the
    NHS.UK stylesheet asks for web fonts from a host these machines cannot reach."""
    context = browser.new_context(base_url=origin, bypass_csp=bypass_csp)
    context.set_default_timeout(TIMEOUT_MS)
    context.route(re.compile(rf"^(?!{re.escape(origin)}/)"), _refuse)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def app_page(chromium: Browser, server_url: str) -> Iterator[Page]:
    """A page under the app's real Content-Security-Policy."""
    yield from _page(chromium, server_url, bypass_csp=False)


@pytest.fixture
def axe_page(chromium: Browser, server_url: str) -> Iterator[Page]:
    """A page that lets an injected axe-core run despite the app's Content-Security-Policy."""
    yield from _page(chromium, server_url, bypass_csp=True)


@pytest.fixture
def screenshots(request: pytest.FixtureRequest) -> Screenshots:
    return Screenshots(request.node.name)
