"""Driving the app as a user does: sign in, follow links, keep a screenshot of each page."""

from __future__ import annotations

import re
import shutil
from collections import Counter, deque
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urldefrag, urlparse

from playwright.sync_api import Page

from helpers import ROOT
from nowrongdoor.services.seed import DEMO_PASSWORD

SCREENSHOTS = ROOT / "artifacts" / "screenshots"
TIMEOUT_MS = 15_000  # for each page action; the machine is shared and may be slow
# Signing out would end the crawl; the person's record download is a file, not a page.
NOT_PAGES = ("/sign-out", "/static/", "/api/", "/me/record.json")
MAX_PAGES = 40
PER_SHAPE = 1  # /people/1 and /people/2 share a template: one of each is enough


def signed_in(page: Page, username: str) -> None:
    """Sign in through the sign-in page, with the demo password (services/seed.py)."""
    page.goto("/sign-in")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: urlparse(url).path != "/sign-in")


def show_sign_in_error(page: Page) -> None:
    """A failed sign-in: the form shown again with an error summary and a field error."""
    page.goto("/sign-in")
    page.fill("#username", "nobody-by-this-name")
    page.fill("#password", "not the password")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("There is a problem").wait_for()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


class Screenshots:
    """Full-page screenshots in artifacts/screenshots/<test>/<nn>-<slug>.png, for CI to keep."""

    def __init__(self, test_name: str) -> None:
        self.folder = SCREENSHOTS / _slug(test_name)
        shutil.rmtree(self.folder, ignore_errors=True)  # only this run's pages
        self.folder.mkdir(parents=True)
        self.taken = 0

    def take(self, page: Page, label: str = "") -> Path:
        self.taken += 1
        slug = _slug(label or urlparse(page.url).path) or "home"
        path = self.folder / f"{self.taken:02d}-{slug}.png"
        page.screenshot(path=path, full_page=True)
        return path


def shape(url: str) -> str:
    """The page kind a URL shows: numbers in the path and query values don't matter."""
    parts = urlparse(url)
    path = re.sub(r"/\d+(?=/|$)", "/<n>", parts.path)
    keys = sorted(pair.split("=")[0] for pair in parts.query.split("&") if pair)
    return f"{path}?{'&'.join(keys)}"


class Kinds:
    """The kinds of page (see `shape`) already checked in this test session."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def first_time(self, url: str) -> bool:
        kind = shape(url)
        new = kind not in self.seen
        self.seen.add(kind)
        return new


def _same_site_pages(page: Page, origin: str) -> list[str]:
    hrefs: list[str] = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    pages = [urldefrag(href).url for href in hrefs if href.startswith(origin + "/")]
    return [url for url in pages if not urlparse(url).path.startswith(NOT_PAGES)]


def crawl(page: Page, origin: str) -> Iterator[tuple[str, int]]:
    """Breadth-first over the links a user can follow from the home page; yields (url, HTTP
    status) with `page` showing that URL. Bounded: MAX_PAGES in all, PER_SHAPE of each kind."""
    home = origin + "/"
    queue, seen, kinds = deque([home]), {home}, Counter([shape(home)])
    visited = 0
    while queue and visited < MAX_PAGES:
        url = queue.popleft()
        response = page.goto(url)
        visited += 1
        yield url, response.status if response else 0
        for link in _same_site_pages(page, origin):
            if link not in seen and kinds[shape(link)] < PER_SHAPE:
                seen.add(link)
                kinds[shape(link)] += 1
                queue.append(link)
