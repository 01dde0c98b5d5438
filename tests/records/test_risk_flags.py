"""Risk flags on the record and the caseload: from the latest screening, from urgent and
safeguarding recommendations, and from children living with the person; never hidden."""

from __future__ import annotations

from django.test import Client
from record_area import Area

from nowrongdoor.services import clinical, coordination
from nowrongdoor.services.people import register_person
from nowrongdoor.services.risk import risk_flags

CRISIS = {
    "setting": "iapt",
    "mental_health": {"conditions": ["depression"], "suicidal_thoughts": True, "in_crisis": True},
    "engagement": {"intoxicated_now": True},
}


def test_flags_come_from_screens_rules_and_children(area: Area) -> None:
    person = register_person(area.therapist, {"given_name": "Jo", "family_name": "Day"})
    assert risk_flags(person) == []
    clinical.record_screening(area.therapist, person.pk, "phq9", [1] * 8 + [2])
    clinical.record_assessment(area.therapist, person.pk, CRISIS)
    coordination.record_child(area.therapist, person.pk, 2019, True, "at home", "none")
    titles = [flag.title for flag in risk_flags(person)]
    assert titles[0] == "Thoughts of self-harm"
    assert any("crisis" in t.lower() for t in titles)
    assert "Lives with 1 child" in titles
    client = Client()
    client.force_login(area.therapist.user)
    page = client.get(f"/people/{person.pk}").content.decode()
    for title in titles:
        assert page.index("Risk: " + title.replace("'", "&#39;")) < page.index("Consent to share")
    assert "Thoughts of self-harm" in client.get("/").content.decode()


def test_a_later_screen_without_the_flag_clears_it(area: Area) -> None:
    person = register_person(area.therapist, {"given_name": "Jo", "family_name": "Day"})
    clinical.record_screening(area.therapist, person.pk, "phq9", [0] * 8 + [1])
    clinical.record_screening(area.therapist, person.pk, "phq9", [0] * 9)
    assert risk_flags(person) == []
