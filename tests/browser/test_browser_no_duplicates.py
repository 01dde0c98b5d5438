"""Forms that never save twice, in Chromium against the real server: a real double click on
a form's button, and the back button then the same button again, each save once, and the
repeat shows "already saved" with a link to what was saved. Two forms: a PHQ-9 screening
and a TOP interview (plain forms, no htmx; neither button holds back a second click)."""

from __future__ import annotations

import json
import os
import re
import subprocess
from dataclasses import dataclass
from datetime import date

import pytest
from browsing import signed_in
from playwright.sync_api import Page, Request, expect

from helpers import NWD, ROOT

PHQ9 = [1, 2, 1, 0, 1, 1, 0, 1, 0]
ALREADY = "This form was already saved"


@dataclass(frozen=True)
class Form:
    path: str  # under /people/<id>/
    button: str
    action: str  # the audit action of one save

    def fill(self, page: Page) -> None:
        if self.action == "screening.record":
            for number, position in enumerate(PHQ9, start=1):
                page.check(f"input[name='answers.{number}'][value='{position}']")
        else:
            page.check("input[name='stage'][value='start']")
            page.fill("#date", date.today().isoformat())
            page.fill("#alcohol_days", "12")


FORMS = {
    "phq9": Form("screen/phq9", "Score and save", "screening.record"),
    "top": Form("top", "Save TOP interview", "top.record"),
}


def saves(database_url: str, person_id: int, action: str) -> int:
    """How many times the action was saved for the person, from the audit trail."""
    done = subprocess.run(
        [str(NWD), "audit", "list", "--person", str(person_id)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, "NWD_DATABASE_URL": database_url},
    )
    events = [json.loads(line) for line in done.stdout.splitlines()]
    return sum(e["action"] == action and e["outcome"] == "allowed" for e in events)


def someone_in_the_caseload(page: Page) -> int:
    """A person on the practitioner's home page (not Robin, whom the journeys move on)."""
    signed_in(page, "iapt-practitioner")
    links = page.locator("a[href^='/people/']")
    links.first.wait_for()
    for link in links.all():
        found = re.fullmatch(r"/people/(\d+)", link.get_attribute("href") or "")
        if found and "Robin" not in link.inner_text():
            return int(found.group(1))
    raise AssertionError("no one in the caseload")


def posts_to(page: Page, path: str) -> list[Request]:
    """Every POST the browser sends to `path` from now on."""
    sent: list[Request] = []
    page.on("request", lambda r: sent.append(r) if r.method == "POST" and path in r.url else None)
    return sent


def told_already_saved(page: Page, person_id: int) -> None:
    banner = page.locator("#already-saved")
    expect(banner).to_contain_text(ALREADY)
    banner.get_by_role("link", name="View what was saved").click()
    page.wait_for_url(re.compile(rf"/people/{person_id}"))


def double_click(page: Page, name: str, path: str) -> None:
    """A double click as a person makes it: the second click lands once the first has sent
    the form, while its answer is on the way (Playwright's `dblclick` is quicker than any
    hand, and the browser merges two submits made before the first has left)."""
    button = page.get_by_role("button", name=name)
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    with page.expect_request(lambda r: r.method == "POST" and r.url.endswith(path)):
        page.mouse.click(x, y)
    page.mouse.click(x, y, click_count=2)


@pytest.mark.parametrize("name", FORMS)
def test_a_double_click_saves_once(app_page: Page, server_database_url: str, name: str) -> None:
    form, page = FORMS[name], app_page
    person_id = someone_in_the_caseload(page)
    before = saves(server_database_url, person_id, form.action)
    path = f"/people/{person_id}/{form.path}"
    for attempt in range(1, 4):  # until the browser sends the form twice (it nearly always does)
        page.goto(path)
        form.fill(page)
        sent = posts_to(page, path)
        double_click(page, form.button, path)
        shown = page.locator("#already-saved, .nhsuk-notification-banner--success")
        expect(shown.first).to_be_visible()  # the repeat's answer, or the first's if it came last
        assert saves(server_database_url, person_id, form.action) == before + attempt
        if len(sent) == 2:
            break
    assert len(sent) == 2, "the double click never sent the form twice"
    if page.locator("#already-saved").count():
        told_already_saved(page, person_id)


@pytest.mark.parametrize("name", FORMS)
def test_back_then_submit_again_saves_once(
    app_page: Page, server_database_url: str, name: str
) -> None:
    form, page = FORMS[name], app_page
    person_id = someone_in_the_caseload(page)
    before = saves(server_database_url, person_id, form.action)
    path = f"/people/{person_id}/{form.path}"
    page.goto(path)
    form.fill(page)
    page.get_by_role("button", name=form.button).click()
    page.wait_for_url(lambda url: not url.endswith(path))  # saved, and sent on
    assert saves(server_database_url, person_id, form.action) == before + 1
    page.go_back()
    page.wait_for_url(lambda url: url.endswith(path))
    form.fill(page)  # as the back button left it, or filled in again the same
    page.get_by_role("button", name=form.button).click()
    told_already_saved(page, person_id)
    assert saves(server_database_url, person_id, form.action) == before + 1
