"""The issue's four journeys, walked in Chromium against the real server and database:

1. a Talking Therapies practitioner screens Robin, who drinks heavily; the assessment says
   "not initially suitable" and shows the route that is; they refer to the drug and alcohol
   service with Robin's consent, and close their episode as a transfer;
2. that service accepts, names a care coordinator and starts the care plan;
3. Robin signs in, writes a recovery goal and withdraws consent for Talking Therapies;
4. the practitioner can no longer open Robin's record, and the refusal is audited.

One test, because each journey starts where the last one ended. Each page is screenshotted.
"""

from __future__ import annotations

import json
import os
import subprocess
from datetime import date, timedelta

from browsing import Screenshots, signed_in
from playwright.sync_api import Page, expect

from helpers import NWD, ROOT

AUDIT_ANSWERS = [4, 4, 3, 2, 2, 2, 1, 1, 0, 2]  # total 23 with item 10 "yes, in the last year"
IAPT = "Riverside NHS Talking Therapies"
DRUGS = "Riverside Drug and alcohol service"


def sign_out(page: Page) -> None:
    page.get_by_role("link", name="Sign out").click()


def answer(page: Page, answers: list[int]) -> None:
    for number, position in enumerate(answers, start=1):
        page.check(f"input[name='answers.{number}'][value='{position}']")


def denied_reads(database_url: str, person_id: int) -> list[dict[str, object]]:
    done = subprocess.run(
        [str(NWD), "audit", "list", "--person", str(person_id), "--outcome", "denied"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, "NWD_DATABASE_URL": database_url},
    )
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_the_four_journeys(
    app_page: Page, server_database_url: str, screenshots: Screenshots
) -> None:
    page = app_page
    # 1. Talking Therapies: screen, assess, refer with consent, transfer out.
    signed_in(page, "iapt-practitioner")
    screenshots.take(page, "iapt caseload")
    page.get_by_role("link", name="Robin Hale").first.click()
    robin = page.url
    person_id = int(robin.rstrip("/").rsplit("/", 1)[1])
    page.get_by_role("link", name="Screen").click()
    screenshots.take(page, "choose instrument")
    page.get_by_role("link", name="Alcohol Use Disorders Identification Test (AUDIT)").click()
    answer(page, AUDIT_ANSWERS[:5])
    page.get_by_role("button", name="Score and save").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("answer this question")
    screenshots.take(page, "audit left incomplete")
    answer(page, AUDIT_ANSWERS)
    page.get_by_role("button", name="Score and save").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("23 (possible-dependence)")
    page.get_by_role("link", name="Assess").click()
    page.fill("#alcohol-units_per_day", "19")
    page.check("input[name='alcohol.drinks_on_waking'][value='no']")
    page.check("input[name='alcohol.dependence_suspected'][value='yes']")
    page.check("input[name='mental_health.conditions'][value='anxiety']")
    page.check("input[name='mental_health.suicidal_thoughts'][value='no']")
    page.check("input[name='treatment.in_drug_alcohol_service'][value='no']")
    screenshots.take(page, "assess form")
    page.get_by_role("button", name="Assess").click()
    status = page.get_by_role("heading", name="Not initially suitable for NHS Talking Therapies")
    expect(status).to_be_visible()
    expect(page.locator("a[href='#DRUG-SPECIALIST-REFERRAL']")).to_contain_text(
        "drug and alcohol service"
    )  # the route that is suitable, shown with the status
    screenshots.take(page, "assessment not initially suitable")
    card = page.locator("#DRUG-SPECIALIST-REFERRAL")
    card.get_by_role("link", name="Refer for this").click()
    page.select_option("#to_service", label=DRUGS)
    page.check("input[name='consent'][value='given']")
    screenshots.take(page, "refer with consent")
    page.get_by_role("button", name="Send referral").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text(f"Referred to {DRUGS}")
    page.get_by_role("link", name=IAPT).click()  # the episode, from the record
    page.get_by_role("link", name="Discharge or transfer").click()
    boxes = page.locator("input[name^='checklist.']")
    boxes.first.wait_for()  # `.all()` does not wait for the page to arrive
    for box in boxes.all():
        box.check()
    page.fill("#discharged", date.today().isoformat())
    page.check("input[name='kind'][value='transfer']")
    page.fill("#reason", "Not initially suitable: alcohol treatment first, then reassess")
    screenshots.take(page, "transfer checklist")
    page.get_by_role("button", name="Discharge", exact=True).click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("transfer")
    sign_out(page)

    # 2. The drug and alcohol service: accept, name a coordinator, start the care plan.
    signed_in(page, "drug-alcohol-service-coordinator")
    screenshots.take(page, "drugs caseload with referral")
    page.locator("#referrals-in + ul").get_by_role("link", name="Robin Hale").click()
    page.check("input[name='decision'][value='accept']")
    screenshots.take(page, "referral decision")
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("Accepted")
    page.get_by_role("link", name="Name care coordinator").click()
    keyworker = f"Kofi Fraser (care coordinator, {DRUGS})"
    page.select_option("#coordinator", label=keyworker)
    page.check("input[name='basis'][value='case-manager']")
    page.get_by_role("button", name="Name coordinator").click()
    expect(page.locator(".nhsuk-summary-list")).to_contain_text("Kofi Fraser, care coordinator")
    page.get_by_role("link", name="Start care plan").click()
    page.fill("#sections-needs", "Alcohol dependence with anxiety; housing is stable")
    page.fill("#sections-crisis_plan", "Call the keyworker; out of hours NHS 111, option 2")
    page.fill("#next_review", (date.today() + timedelta(days=28)).isoformat())
    page.check("input[name='agreed'][value='yes']")
    page.get_by_role("button", name="Save new version").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("version 1 saved")
    screenshots.take(page, "care plan version 1")
    sign_out(page)

    # 3. Robin: a recovery goal in their own words; consent for Talking Therapies withdrawn.
    signed_in(page, "robin")
    page.fill("#in_their_words", "To walk my daughter to school every day")
    page.get_by_role("button", name="Add goal").click()
    expect(page.locator("#recovery-plan + ul")).to_contain_text("walk my daughter to school")
    page.get_by_role("button", name=f"Stop sharing with {IAPT}").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("can no longer see")
    screenshots.take(page, "own space after withdrawing")
    sign_out(page)

    # 4. Talking Therapies can no longer open the record; the refusal is audited.
    signed_in(page, "iapt-practitioner")
    response = page.goto(robin)
    assert response is not None
    assert response.status == 404
    screenshots.take(page, "record refused")
    refused = denied_reads(server_database_url, person_id)
    assert any(e["actor"] == "iapt-practitioner" and e["action"] == "person.read" for e in refused)
