"""The issue's four journeys through the pages, in Django's test client (the browser suite
walks the same journeys in Chromium): screen, assess, refer with consent; accept, name a
coordinator, start the care plan; the person writes a goal and withdraws consent; the
practitioner is refused from then on, and the refusal is audited."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from record_area import Area, browser_for

from nowrongdoor.records.audit.models import AuditEvent
from nowrongdoor.records.care.models import EpisodeOfCare
from nowrongdoor.records.clinical.models import Assessment, Screening
from nowrongdoor.records.coordination.models import DISCHARGE_CHECKLIST, CareCoordinator
from nowrongdoor.records.people.models import Person
from nowrongdoor.records.referrals.models import RecommendationAction, Referral
from nowrongdoor.services import episodes
from nowrongdoor.services.people import register_person

HEAVY_DRINKER_AUDIT = [4, 4, 3, 2, 2, 2, 1, 1, 0, 2]


@pytest.fixture
def person(area: Area) -> Person:
    found = register_person(area.therapist, {"given_name": "Robin", "family_name": "Hale"})
    found.user = User.objects.create(username="robin")
    found.save()
    return found


def screen(client: Client, person: Person, instrument: str, answers: list[int]) -> None:
    data = {f"answers.{i}": str(a) for i, a in enumerate(answers, start=1)}
    response = client.post(f"/people/{person.pk}/screen/{instrument}", data)
    assert response.status_code == 302, response.content.decode()[:2000]


def test_the_four_journeys(area: Area, person: Person) -> None:
    # (1) IAPT screens and assesses a heavy drinker: not initially suitable, with the route.
    therapist = browser_for(area.therapist.user)
    screen(therapist, person, "audit", HEAVY_DRINKER_AUDIT)
    screen(therapist, person, "gad7", [2, 2, 2, 2, 1, 1, 1])
    form = therapist.get(f"/people/{person.pk}/assess").content.decode()
    assert 'value="audit"' in form
    assert "Units per day" in form
    response = therapist.post(
        f"/people/{person.pk}/assess",
        {
            "screens": ["audit", "gad7"],
            "age": "52",
            "contact": "first",
            "alcohol.units_per_day": "19",
            "alcohol.drinks_on_waking": "no",
            "alcohol.dependence_suspected": "yes",
            "mental_health.conditions": ["anxiety"],
            "mental_health.suicidal_thoughts": "no",
            "treatment.in_drug_alcohol_service": "no",
        },
    )
    assert response.status_code == 302
    assessment = Assessment.objects.get(person=person)
    assert assessment.case["screens"]["audit"] == HEAVY_DRINKER_AUDIT
    page = therapist.get(response["Location"]).content.decode()
    assert "Not initially suitable for NHS Talking Therapies" in page
    route = page[page.index("The route that is suitable") :]
    assert "drug and alcohol service" in route[:600]
    response = therapist.post(
        f"/people/{person.pk}/refer",
        {
            "to_service": str(area.drugs.pk),
            "reason": "Alcohol dependence; needs specialist assessment first",
            "consent": "given",
            "assessment": str(assessment.pk),
            "code": "DRUG-SPECIALIST-REFERRAL",
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get(person=person)
    assert RecommendationAction.objects.get(referral=referral).kind == "referred"
    iapt_episode = EpisodeOfCare.objects.get(person=person, service=area.iapt)
    episodes.discharge(
        area.therapist,
        iapt_episode.pk,
        date.today(),
        "transfer",
        "to the drug and alcohol service",
        dict.fromkeys(DISCHARGE_CHECKLIST, True),
    )
    assert therapist.get(f"/people/{person.pk}").status_code == 200  # by consent now

    # (2) The drug and alcohol service accepts, names a coordinator, starts the care plan.
    keyworker = browser_for(area.keyworker.user)
    assert f"/referrals/{referral.pk}" in keyworker.get("/").content.decode()
    response = keyworker.post(f"/referrals/{referral.pk}", {"decision": "accept"})
    assert response.status_code == 302
    response = keyworker.post(
        f"/people/{person.pk}/coordinator",
        {"coordinator": str(area.keyworker.user.pk), "basis": "case-manager"},
    )
    assert response.status_code == 302
    assert CareCoordinator.objects.get(person=person).coordinator == area.keyworker.user
    review = (date.today() + timedelta(days=28)).isoformat()
    response = keyworker.post(
        f"/people/{person.pk}/care-plan",
        {
            "version": "0",
            "sections.needs": "Alcohol dependence; anxiety",
            "sections.crisis_plan": "Call the keyworker; out of hours NHS 111 option 2",
            "next_review": review,
            "agreed": "yes",
        },
    )
    assert response.status_code == 302
    plan = keyworker.get(f"/people/{person.pk}/care-plan").content.decode()
    assert "needs, crisis plan" in plan

    # (3) The person writes a recovery goal and withdraws consent for Talking Therapies.
    own = browser_for(person.user)
    assert own.get("/")["Location"] == "/me"
    response = own.post("/me/goals", {"in_their_words": "To be there for my daughter"})
    assert response.status_code == 302
    assert "To be there for my daughter" in own.get("/me").content.decode()
    response = own.post("/me/consent", {"service": str(area.iapt.pk), "state": "withdrawn"})
    assert response.status_code == 302

    # (4) Talking Therapies can no longer open the record; the refusal is audited.
    assert therapist.get(f"/people/{person.pk}").status_code == 404
    assert AuditEvent.objects.filter(
        action="person.read", person_id=person.pk, actor="therapist", outcome="denied"
    ).exists()


def test_a_screen_left_incomplete_points_at_the_question(area: Area, person: Person) -> None:
    therapist = browser_for(area.therapist.user)
    response = therapist.post(
        f"/people/{person.pk}/screen/phq9", {f"answers.{i}": "1" for i in range(1, 6)}
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert 'href="#answers-6"' in html  # the summary links to the first unanswered question
    assert 'id="answers-6-error"' in html
    assert html.count("checked") == 5  # nothing answered is lost
    assert not Screening.objects.filter(person=person).exists()
