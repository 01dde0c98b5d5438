"""Steps recorded after the fact: the optional dates of screening, referral, decision,
coordinator and care plan are stored, and refused in the future or before an earlier step."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.utils import timezone
from record_area import Area

from helpers import SHARED
from nowrongdoor.errors import InputError
from nowrongdoor.records.audit.models import AuditEvent
from nowrongdoor.records.care.models import Consent
from nowrongdoor.records.clinical.models import Assessment, Screening
from nowrongdoor.records.coordination.models import CarePlanVersion
from nowrongdoor.records.people.models import Person
from nowrongdoor.records.referrals.models import RecommendationAction, Referral
from nowrongdoor.services import clinical, coordination, referrals
from nowrongdoor.services.consent import record_consent
from nowrongdoor.services.people import register_person


def ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


def day(value: object) -> date:
    return timezone.localdate(value)  # type: ignore[arg-type]


@pytest.fixture
def person(area: Area) -> Person:
    found = register_person(
        area.therapist, {"given_name": "Ali", "family_name": "Khan"}, referral_date=ago(400)
    )
    record_consent(area.therapist, found.pk, area.drugs.pk, "given")
    return found


def test_a_screening_is_dated_on_the_day_given_never_a_future_one(
    area: Area, person: Person
) -> None:
    with pytest.raises(InputError, match=r"^date: .* is in the future"):
        clinical.record_screening(area.therapist, person.pk, "phq9", [1] * 9, on=ago(-1))
    assert not Screening.objects.exists()
    screening = clinical.record_screening(area.therapist, person.pk, "phq9", [1] * 9, on=ago(300))
    assert day(Screening.objects.get().recorded_at) == ago(300) == day(screening.recorded_at)
    today = clinical.record_screening(area.therapist, person.pk, "phq9", [1] * 9, on=ago(0))
    assert day(today.recorded_at) == ago(0)


def test_a_referral_and_its_decision_are_dated_in_order(area: Area, person: Person) -> None:
    with pytest.raises(InputError, match=r"^sent: .* is in the future"):
        referrals.refer(area.therapist, person.pk, area.drugs.pk, "heroin", on=ago(-1))
    referral = referrals.refer(area.therapist, person.pk, area.drugs.pk, "heroin", on=ago(300))
    assert day(Referral.objects.get().sent_at) == ago(300)
    with pytest.raises(InputError, match=r"^decided: .* is before the referral was sent"):
        referrals.accept(area.keyworker, referral.pk, on=ago(301))
    with pytest.raises(InputError, match=r"^decided: .* is in the future"):
        referrals.accept(area.keyworker, referral.pk, on=ago(-2))
    with pytest.raises(InputError, match=r"^decided: .* is before the referral was sent"):
        referrals.decline(area.keyworker, referral.pk, "primary care", on=ago(305))
    assert Referral.objects.get().status == "sent"
    episode = referrals.accept(area.keyworker, referral.pk, on=ago(295))
    assert episode.referral_received == ago(300)
    assert day(Referral.objects.get().decided_at) == ago(295)
    assert AuditEvent.objects.filter(action="referral.accept").count() == 1


def test_a_declined_referral_is_dated_on_the_decision(area: Area, person: Person) -> None:
    referral = referrals.refer(area.therapist, person.pk, area.drugs.pk, "cannabis", on=ago(50))
    declined = referrals.decline(area.keyworker, referral.pk, "young people's service", on=ago(50))
    assert day(declined.decided_at) == ago(50)
    assert day(Referral.objects.get().decided_at) == ago(50)


def test_a_coordinator_is_named_on_the_day_given_never_a_future_one(
    area: Area, person: Person
) -> None:
    with pytest.raises(InputError, match=r"^started: .* is in the future"):
        coordination.name_coordinator(
            area.therapist, person.pk, area.keyworker.user.pk, "case-manager", on=ago(-1)
        )
    named = coordination.name_coordinator(
        area.therapist, person.pk, area.keyworker.user.pk, "case-manager", on=ago(200)
    )
    assert day(named.started) == ago(200)
    named.refresh_from_db()
    assert day(named.started) == ago(200)


def test_care_plan_versions_are_dated_in_order_with_reviews_after_them(
    area: Area, person: Person
) -> None:
    plan = {"crisis_plan": "crisis line"}

    def revise(version: int, review: date, on: date) -> CarePlanVersion:
        return coordination.revise_care_plan(
            area.therapist, person.pk, version, plan, review, True, on=on
        )

    with pytest.raises(InputError, match=r"^date: .* is in the future"):
        revise(0, ago(-30), ago(-1))
    with pytest.raises(InputError, match=r"^next_review: must not be before the version's date"):
        revise(0, ago(301), ago(300))
    first = revise(0, ago(120), ago(300))  # a review date now past is fine for an old version
    assert day(CarePlanVersion.objects.get().created_at) == ago(300) == day(first.created_at)
    with pytest.raises(InputError, match=r"^date: .* is before the last version"):
        revise(1, ago(100), ago(301))
    second = revise(1, ago(10), ago(125))
    assert [v.number for v in CarePlanVersion.objects.order_by("created_at")] == [1, 2]
    assert day(second.created_at) == ago(125)
    # Without a date, a version is made today and its review must not be in the past.
    with pytest.raises(InputError, match=r"^next_review: must not be in the past"):
        coordination.revise_care_plan(area.therapist, person.pk, 2, plan, ago(1), True)


def test_an_assessment_and_its_route_actions_are_dated_in_order(area: Area, person: Person) -> None:
    case = json.loads((SHARED / "vignettes" / "v01.json").read_text())["case"]
    with pytest.raises(InputError, match=r"^date: .* is in the future"):
        clinical.record_assessment(area.therapist, person.pk, case, on=ago(-1))
    assert not Assessment.objects.exists()
    assessment = clinical.record_assessment(area.therapist, person.pk, case, on=ago(200))
    assert day(Assessment.objects.get().recorded_at) == ago(200)
    route = assessment.output["iapt_suitability"]["because"][0]
    with pytest.raises(InputError, match=r"^date: .* is before the assessment"):
        referrals.act_on_recommendation(
            area.therapist, assessment.pk, route, "offered", on=ago(201)
        )
    assert not RecommendationAction.objects.exists()
    action = referrals.act_on_recommendation(
        area.therapist, assessment.pk, route, "offered", on=ago(199)
    )
    assert day(RecommendationAction.objects.get(pk=action.pk).recorded_at) == ago(199)


def test_a_consent_decision_is_not_dated_before_the_latest_one(area: Area, person: Person) -> None:
    """The latest row counts, so a later row may not carry an earlier date than it."""
    with pytest.raises(InputError, match=r"^date: .* is before the latest decision"):
        record_consent(area.therapist, person.pk, area.drugs.pk, "withdrawn", on=ago(10))
    assert Consent.objects.filter(person=person).count() == 1
    first_iapt = record_consent(area.therapist, person.pk, area.iapt.pk, "given", on=ago(30))
    assert day(Consent.objects.get(pk=first_iapt.pk).recorded_at) == ago(30)
    later = record_consent(area.therapist, person.pk, area.iapt.pk, "withdrawn", on=ago(5))
    assert day(later.recorded_at) == ago(5)
