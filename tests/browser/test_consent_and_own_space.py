"""Consent that tells the truth, and the person's own space, in Chromium (decision 0018):

1. Talking Therapies writes two case notes about Robin, one not for Robin (third-party
   information), and refers Robin, with consent, to the drug and alcohol service;
2. that service accepts, reads Robin's record (both services' notes) and writes its own;
3. Robin stops sharing with it: the page says it still sees what it recorded itself and no
   longer what others recorded; "who has looked" names the service and role, never the
   user; Robin's printable record has the shared note and not the withheld one;
4. the drug and alcohol service now sees only its own note, and the page says why;
5. Talking Therapies still sees the withheld note, marked as not for the person.

Its own server (fresh, seeded): these steps change Robin, whom test_journeys.py walks too.
Every page on the way passes axe-core (no serious or critical violation).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_check import blocking, describe, violations
from browsing import TIMEOUT_MS, Screenshots, signed_in
from live_server import live_server
from playwright.sync_api import Browser, Page, expect

IAPT = "Riverside NHS Talking Therapies"
DRUGS = "Riverside Drug and alcohol service"
WITHHELD = "Robin's sister says she is worried about the children"
SHARED = "Robin agreed to try the Tuesday evening group"
HUB_NOTE = "First appointment booked with the keyworker"


@pytest.fixture(scope="module")
def own_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with live_server(tmp_path_factory.mktemp("consent-server")) as running:
        yield running.url


@pytest.fixture
def own_page(chromium: Browser, own_server: str) -> Iterator[Page]:
    """Named apart from pytest-playwright's `page`, whose browser parameter would reorder
    this test among the records tests (where its running event loop breaks the ORM)."""
    """A page on this module's server that lets an injected axe-core run."""
    context = chromium.new_context(base_url=own_server, bypass_csp=True)
    context.set_default_timeout(TIMEOUT_MS)
    context.route(re.compile(rf"^(?!{re.escape(own_server)}/)"), lambda route: route.abort())
    try:
        yield context.new_page()
    finally:
        context.close()


class Checked:
    """Screenshot and axe each page; the problems are reported together at the end."""

    def __init__(self, page: Page, screenshots: Screenshots) -> None:
        self.page, self.screenshots, self.problems = page, screenshots, []

    def __call__(self, label: str) -> Path:
        found = blocking(violations(self.page))
        if found:
            self.problems.append(describe(self.page.url, found))
        return self.screenshots.take(self.page, label)


def sign_out(page: Page) -> None:
    page.get_by_role("link", name="Sign out").click()


def open_robin(page: Page) -> None:
    page.get_by_role("link", name="Robin Hale").first.click()
    expect(page.locator("h1")).to_contain_text("Robin Hale")


def add_note(page: Page, text: str, not_for_robin: str = "") -> None:
    page.fill("#text", text)
    if not_for_robin:
        page.get_by_text("Not for Robin to see").click()
        page.check("input[name='withheld_reason'][value='third-party']")
        page.fill("#withheld_detail", not_for_robin)
    page.get_by_role("button", name="Add note").click()
    expect(page.locator("#notes-and-timeline")).to_contain_text(text)


def test_consent_withdrawn_from_a_treating_service_and_the_persons_own_space(
    own_page: Page, screenshots: Screenshots
) -> None:
    page = own_page
    check = Checked(page, screenshots)

    # 1. Talking Therapies: two notes, one not for Robin; refer on with consent.
    signed_in(page, "iapt-practitioner")
    open_robin(page)
    robin = page.url
    add_note(page, WITHHELD, not_for_robin="said by a family member, in confidence")
    add_note(page, SHARED)
    expect(page.locator("#notes-and-timeline")).to_contain_text("Not for the person")
    check("iapt record with a withheld note")
    page.goto(robin + "/refer")
    page.select_option("#to_service", label=DRUGS)
    page.fill("#reason", "Alcohol dependence: specialist assessment")
    page.check("input[name='consent'][value='given']")
    page.get_by_role("button", name="Send referral").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text(f"Referred to {DRUGS}")
    sign_out(page)

    # 2. The drug and alcohol service accepts, sees both services' notes, writes its own.
    signed_in(page, "drug-alcohol-service-coordinator")
    page.locator("#referrals-in + ul").get_by_role("link", name="Robin Hale").click()
    page.check("input[name='decision'][value='accept']")
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("Accepted")
    expect(page.locator("#notes-and-timeline")).to_contain_text(SHARED)
    add_note(page, HUB_NOTE)
    expect(page.locator("#consent")).to_be_visible()
    expect(page.get_by_text(f"{DRUGS} sees what every service recorded for Robin")).to_be_visible()
    check("drugs record with consent")
    sign_out(page)

    # 3. Robin stops sharing with the service that is caring for them.
    signed_in(page, "robin")
    page.get_by_role("button", name=f"Stop sharing with {DRUGS}").click()
    banner = page.locator(".nhsuk-notification-banner").first
    expect(banner).to_contain_text(
        f"{DRUGS} is caring for you, so it still sees what it recorded itself. "
        "It can no longer see what other services recorded"
    )
    row = page.locator("#sharing-table tr", has_text=DRUGS)
    expect(row).to_contain_text("Only what they recorded themselves")
    expect(row.get_by_role("button", name=f"Share with {DRUGS}")).to_be_visible()
    looked = page.locator("#looks-table")
    expect(looked).to_contain_text(DRUGS)
    expect(looked).to_contain_text("Care coordinator")
    expect(looked).to_contain_text("They are caring for you")
    expect(looked).to_contain_text("A referral about you was sent to them")
    expect(looked).not_to_contain_text("drug-alcohol-service-coordinator")
    expect(looked).not_to_contain_text("iapt-practitioner")
    check("own space after stopping sharing")
    page.get_by_role("link", name="Read or print your record").click()
    notes = page.locator("#notes")
    expect(notes).to_contain_text(SHARED)
    expect(notes).to_contain_text(HUB_NOTE)
    expect(page.locator("main")).not_to_contain_text("sister")
    check("printable record")
    page.goto("/me")
    sign_out(page)

    # 4. The drug and alcohol service sees what it recorded itself, and is told why.
    signed_in(page, "drug-alcohol-service-coordinator")
    page.goto(robin)
    expect(page.locator("#own-records-only")).to_contain_text(
        f"Robin has not agreed to share other services' records with {DRUGS}."
    )
    timeline = page.locator("#notes-and-timeline")
    expect(timeline).to_contain_text(HUB_NOTE)
    expect(timeline).not_to_contain_text(SHARED)
    expect(timeline).not_to_contain_text("sister")
    check("drugs record after withdrawal")
    sign_out(page)

    # 5. Talking Therapies still sees the note kept from Robin, marked.
    signed_in(page, "iapt-practitioner")
    page.goto(robin)
    note = page.locator("#notes-and-timeline li", has_text="sister")
    expect(note).to_contain_text("Not for the person")
    expect(note).to_contain_text("It is about someone else (third-party information)")
    check("iapt record still with the withheld note")

    assert not check.problems, "\n\n".join(check.problems)
