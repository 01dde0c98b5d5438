"""A practitioner's day in Chromium: add someone new (their NHS number checked), find them
again by NHS number and by name typed without accents, and be stopped from adding them a
second time; every page on the way passes axe-core (no serious or critical violation)."""

from __future__ import annotations

from axe_check import blocking, describe, violations
from browsing import Screenshots, signed_in
from playwright.sync_api import Page, expect

NHS_NUMBER = "943 476 5919"  # valid (modulus 11); the demo area's people have none
GIVEN, FAMILY, BORN = "Zoë", "O'Brien-Quennell", "1981-06-14"


def axe(page: Page, screenshots: Screenshots, label: str, problems: list[str]) -> None:
    screenshots.take(page, label)
    found = blocking(violations(page))
    if found:
        problems.append(describe(page.url, found))


def header_link(page: Page, name: str) -> None:
    page.locator("header").get_by_role("link", name=name, exact=True).click()


def fill_person(page: Page, nhs_number: str = "") -> None:
    page.fill("#given_name", GIVEN)
    page.fill("#family_name", FAMILY)
    page.fill("#date_of_birth", BORN)
    page.fill("#nhs_number", nhs_number)


def test_add_find_and_not_add_twice(axe_page: Page, screenshots: Screenshots) -> None:
    page, problems = axe_page, []
    signed_in(page, "iapt-practitioner")

    # Add: a wrong NHS number is caught beside the field, with what was typed kept.
    header_link(page, "Add a person")
    fill_person(page, "943 476 5918")
    page.get_by_role("button", name="Add person").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("not a valid NHS number")
    expect(page.locator("#given_name")).to_have_value(GIVEN)
    axe(page, screenshots, "add with a wrong nhs number", problems)
    page.fill("#nhs_number", NHS_NUMBER)
    page.get_by_role("button", name="Add person").click()
    banner = page.locator("#person-banner")
    expect(banner).to_contain_text("O'BRIEN-QUENNELL, Zoë")
    expect(banner).to_contain_text(NHS_NUMBER)
    expect(banner).to_contain_text("14 June 1981")
    record = page.url
    axe(page, screenshots, "the new record with its banner", problems)

    # Find them by NHS number (typed without spaces), then by name typed without accents.
    header_link(page, "Find a person")
    axe(page, screenshots, "find a person", problems)
    page.fill("#nhs_number", NHS_NUMBER.replace(" ", ""))
    page.get_by_role("button", name="Search").click()
    results = page.locator("table")
    expect(results).to_contain_text(f"{GIVEN} {FAMILY}")
    expect(results).to_contain_text(NHS_NUMBER)
    expect(results).to_contain_text("Riverside NHS Talking Therapies")
    axe(page, screenshots, "found by nhs number", problems)
    page.fill("#nhs_number", "")
    page.fill("#q", "zoe obrien qu")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=f"{GIVEN} {FAMILY}").click()
    assert page.url == record
    header_link(page, "Find a person")
    page.fill("#nhs_number", "943 476 5918")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#nhs_number-error")).to_contain_text("not a valid NHS number")
    axe(page, screenshots, "search with a wrong nhs number", problems)

    # Adding them again: by name and date of birth, asked to check; by NHS number, refused.
    header_link(page, "Add a person")
    fill_person(page)
    page.get_by_role("button", name="Add person").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Someone with this name and date of birth is already recorded"
    )
    expect(page.locator("table")).to_contain_text(NHS_NUMBER)  # the possible match
    axe(page, screenshots, "possible duplicate by name and birth", problems)
    page.fill("#nhs_number", NHS_NUMBER)
    page.get_by_role("button", name="Add person").click()
    expect(page.locator("#nhs_number-error")).to_contain_text(
        f"This NHS number is already recorded for {GIVEN} {FAMILY}"
    )
    axe(page, screenshots, "nhs number already recorded", problems)
    page.locator("table").get_by_role("link", name=f"{GIVEN} {FAMILY}").click()
    assert page.url == record

    # A record that is not there: the styled page, with a way back.
    response = page.goto("/people/999999999")
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    axe(page, screenshots, "not found", problems)
    page.get_by_role("link", name="Go to your home page").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Caseload")

    assert not problems, "\n\n".join(problems)
