"""Under the app's real Content-Security-Policy (no bypass): its own scripts run, with no
console error on any page, and a script injected into a page is refused."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from browsing import crawl, show_sign_in_error, signed_in
from playwright.sync_api import ConsoleMessage, Page

# Before any page script: note every policy violation the browser reports.
WATCH_POLICY = """window.violations = [];
document.addEventListener("securitypolicyviolation",
  e => window.violations.push(`${e.violatedDirective} ${e.blockedURI}`));"""

# NHS.UK frontend marks each component it initialised with data-<module>-init; the inline
# script in its page template (which carries the nonce) adds nhsuk-frontend-supported.
UNINITIALISED = """() => [...document.querySelectorAll("[data-module]")]
  .filter(e => !e.hasAttribute(`data-${e.dataset.module}-init`))
  .map(e => e.dataset.module)"""


@pytest.fixture
def console_errors(app_page: Page, server_url: str) -> list[str]:
    """Console errors and uncaught exceptions from our own origin (the refused web-font
    requests to the NHS host are expected, see conftest.py)."""
    errors: list[str] = []

    def note(message: ConsoleMessage) -> None:
        url = message.location.get("url", "")
        if message.type != "error" or not url.startswith(server_url):
            return
        if url == app_page.url and message.text.startswith("Failed to load resource"):
            return  # the page's own HTTP status (400 for a form error): the tests check it
        errors.append(f"{url}: {message.text}")

    app_page.on("console", note)
    app_page.on("pageerror", lambda error: errors.append(f"{app_page.url}: {error}"))
    app_page.add_init_script(WATCH_POLICY)
    return errors


def assert_scripts_ran(page: Page) -> None:
    assert page.evaluate("document.body.classList.contains('nhsuk-frontend-supported')"), page.url
    assert page.locator("[data-module]").count() > 0, page.url  # the header, at least
    assert page.evaluate(UNINITIALISED) == [], page.url
    assert page.evaluate("window.violations") == [], page.url


def test_the_apps_scripts_run_on_every_page(
    app_page: Page, server_url: str, console_errors: list[str]
) -> None:
    app_page.goto("/sign-in")
    assert_scripts_ran(app_page)
    signed_in(app_page, "iapt-practitioner")
    visited = []
    for url, _status in crawl(app_page, server_url):
        assert_scripts_ran(app_page)
        visited.append(url)
    assert any(urlparse(url).path.startswith("/people/") for url in visited), visited
    assert console_errors == []


def test_a_form_error_takes_the_focus(app_page: Page, console_errors: list[str]) -> None:
    """The error summary's script moves focus to it, so a screen reader announces it."""
    show_sign_in_error(app_page)
    assert_scripts_ran(app_page)
    assert app_page.evaluate("document.activeElement.classList.contains('nhsuk-error-summary')")
    assert console_errors == []


def test_the_policy_refuses_an_injected_script(app_page: Page, console_errors: list[str]) -> None:
    app_page.goto("/sign-in")
    ran = app_page.evaluate("""() => {
      const script = document.createElement("script");
      script.textContent = "window.injected = true";
      document.head.append(script);
      return window.injected === true;
    }""")
    assert ran is False
    app_page.wait_for_function("window.violations.length > 0")
    assert app_page.evaluate("window.violations")[0].startswith("script-src")
