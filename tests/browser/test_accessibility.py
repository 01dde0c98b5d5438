"""Every page a user can reach passes axe-core's WCAG 2.2 AA rules: no serious or critical
violation. Pages are found by following links, so pages added later are checked too."""

from __future__ import annotations

import pytest
from axe_check import blocking, describe, violations
from browsing import Kinds, Screenshots, crawl, show_sign_in_error, signed_in
from playwright.sync_api import Page

# The demo's sign-ins (`nwd demo`): one of each role, in three settings.
ROLES = [
    "iapt-practitioner",
    "drug-alcohol-service-coordinator",
    "primary-care-manager",
    "commissioner",
    "admin",
    "robin",  # a person, in their own space
]
CLINICAL = {"iapt-practitioner", "drug-alcohol-service-coordinator", "primary-care-manager"}


def check(page: Page, screenshots: Screenshots, label: str = "") -> str:
    """Screenshot the page, run axe; the blocking violations as text ("" if none)."""
    screenshots.take(page, label)
    found = blocking(violations(page))
    return describe(page.url, found) if found else ""


@pytest.fixture(scope="module")
def checked() -> Kinds:
    return Kinds()


@pytest.mark.parametrize("username", ROLES)
def test_every_page_a_role_reaches_passes_axe(
    axe_page: Page, server_url: str, screenshots: Screenshots, checked: Kinds, username: str
) -> None:
    """Each role's home page is checked; other kinds of page once in the session, by the first
    role to reach them (pages of a kind share a template), which keeps the run short."""
    signed_in(axe_page, username)
    problems, visited = [], []
    for url, status in crawl(axe_page, server_url):
        if status != 200:
            problems.append(f"{url}: HTTP {status} (a link leads here)")
        if checked.first_time(url) or not visited:
            problems.append(check(axe_page, screenshots))
        visited.append(url)
    if username in CLINICAL:  # a caseload links to people: the crawl went past the home page
        assert any("/people/" in url for url in visited), visited
    found = "\n\n".join(p for p in problems if p)
    if found:
        pytest.fail(f"{username}, {len(visited)} pages:\n{found}", pytrace=False)


def test_sign_in_page_passes_axe(axe_page: Page, screenshots: Screenshots) -> None:
    axe_page.goto("/sign-in")
    problem = check(axe_page, screenshots)
    assert not problem, problem


def test_a_form_error_passes_axe(axe_page: Page, screenshots: Screenshots) -> None:
    """The error summary and the message beside the field: what a screen reader announces."""
    show_sign_in_error(axe_page)
    problem = check(axe_page, screenshots, "sign-in-error")
    assert not problem, problem


def test_pages_behind_forms_pass_axe(axe_page: Page, screenshots: Screenshots) -> None:
    """Pages no link leads to: a form shown again with its errors, the self-completion link
    just made, and the page the person opens from it (no sign-in)."""
    page = axe_page
    signed_in(page, "primary-care-manager")
    page.locator("#my-people + table a").first.click()
    person = page.url
    page.goto(person + "/assess")
    page.fill("#age", "many")
    page.get_by_role("button", name="Assess").click()
    page.get_by_text("There is a problem").wait_for()
    problems = [check(page, screenshots, "assess-with-error")]
    page.goto(person + "/screen")
    page.select_option("#instrument", "phq9")
    page.get_by_role("button", name="Make a link").click()
    link = page.locator("#self-link").inner_text()
    problems.append(check(page, screenshots, "self-completion-link"))
    page.goto(link)
    problems.append(check(page, screenshots, "self-completion-answer"))
    found = "\n\n".join(p for p in problems if p)
    assert not found, found
