"""The assessment page: each recommendation in plain words, its rule code, source and quote
under "Why and where from"; the coordinator's service named in words."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from record_area import Area, browser_for

from nowrongdoor.guidance.pathway import ruleset
from nowrongdoor.records.clinical.models import Assessment
from nowrongdoor.records.people.models import Person
from nowrongdoor.services.clinical import record_assessment
from nowrongdoor.services.people import register_person

RISKY = {"setting": "iapt", "screens": {"phq9": [0] * 8 + [2]}}


class Card(HTMLParser):
    """The text a reader sees on the card with id `code`: outside its details, and inside."""

    def __init__(self, html: str, code: str) -> None:
        super().__init__()
        self.code, self.divs, self.in_details = code, 0, 0
        self.main: list[str] = []
        self.details: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.divs:
            self.divs += tag == "div"
            self.in_details += tag == "details"
        elif tag == "div" and ("id", self.code) in attrs:
            self.divs = 1

    def handle_endtag(self, tag: str) -> None:
        if self.divs:
            self.divs -= tag == "div"
            self.in_details -= tag == "details"

    def handle_data(self, data: str) -> None:
        if self.divs:
            (self.details if self.in_details else self.main).append(data)


@pytest.fixture
def person(area: Area) -> Person:
    return register_person(area.therapist, {"given_name": "Ash", "family_name": "Lee"})


def page(area: Area, assessment: Assessment) -> str:
    return browser_for(area.therapist.user).get(f"/assessments/{assessment.pk}").content.decode()


def test_a_card_says_what_to_do_in_plain_words_and_why_under_details(
    area: Area, person: Person
) -> None:
    assessment = record_assessment(area.therapist, person.pk, RISKY)
    html = page(area, assessment)
    rules = ruleset.default()
    codes = {rule.code for rule in rules.rules} | set(rules.asks)
    for rec in assessment.output["recommendations"]:
        card = Card(html, rec["code"])
        main, details = "".join(card.main), "".join(card.details)
        assert rec["text"] in main
        assert not [code for code in codes if code in main], rec["code"]
        assert "Why and where from" in details
        assert rec["code"] in details
        assert rec["source"] in details
        assert all(why in details for why in rec["why"])
    assert html.index('id="RISK-SUICIDE"') < html.index("Record what happened")  # risk first


def test_a_quote_and_a_camhs_coordinator_are_shown_in_words(area: Area, person: Person) -> None:
    """As a stored assessment from a rule set that quotes its sources shows them."""
    assessment = record_assessment(area.therapist, person.pk, RISKY)
    output = assessment.output
    output["recommendations"][0]["quote"] = "The cited passage, in its own words."
    output["care_coordination"] = {
        "coordinator_from": "camhs",
        "under_cpa": False,
        "because": ["COORD-NAMED"],
    }
    Assessment.objects.filter(pk=assessment.pk).update(output=output)
    html = page(area, assessment)
    details = "".join(Card(html, output["recommendations"][0]["code"]).details)
    assert "“The cited passage, in its own words.”" in details
    camhs = "Child and adolescent mental health services (CAMHS)"
    assert f"Care coordinator from: <strong>{camhs}</strong>" in html
