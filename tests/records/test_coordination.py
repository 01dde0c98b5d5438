"""Referrals, coordinator, care plan, notes, recovery plan, discharge: one person, many services."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from record_area import Area

from nowrongdoor.errors import AccessDenied, Conflict, InputError
from nowrongdoor.records.audit.models import AuditEvent
from nowrongdoor.records.care.models import EpisodeOfCare
from nowrongdoor.records.coordination.models import (
    DISCHARGE_CHECKLIST,
    CareCoordinator,
    CarePlanVersion,
    Discharge,
    RecoveryCheckUp,
)
from nowrongdoor.records.people.models import Person
from nowrongdoor.records.referrals.models import Referral
from nowrongdoor.services import audit, coordination, episodes, exchange, outcomes, referrals
from nowrongdoor.services.actor import Actor
from nowrongdoor.services.clinical import record_assessment, record_screening
from nowrongdoor.services.consent import record_consent
from nowrongdoor.services.people import register_person


@pytest.fixture
def person(area: Area) -> Person:
    return register_person(area.therapist, {"given_name": "Ali", "family_name": "Khan"})


def test_a_referral_needs_the_persons_consent_to_share(area: Area, person: Person) -> None:
    with pytest.raises(
        InputError, match=r"^consent: no recorded consent to share with Recovery Hub"
    ):
        referrals.refer(area.therapist, person.pk, area.drugs.pk, "alcohol dependence")
    assert not Referral.objects.exists()


def test_referral_accepted_opens_an_episode_at_the_receiving_service(
    area: Area, person: Person
) -> None:
    record_consent(area.therapist, person.pk, area.drugs.pk, "given")
    referral = referrals.refer(
        area.therapist, person.pk, area.drugs.pk, "alcohol dependence", "DRUG-SPECIALIST-REFERRAL"
    )
    assert [r.pk for r in referrals.inbox(area.keyworker)] == [referral.pk]
    episode = referrals.accept(area.keyworker, referral.pk)
    assert episode.service == area.drugs
    assert referrals.inbox(area.keyworker) == []


def test_a_decline_must_name_the_route_that_is_suitable(area: Area, person: Person) -> None:
    record_consent(area.therapist, person.pk, area.drugs.pk, "given")
    referral = referrals.refer(area.therapist, person.pk, area.drugs.pk, "cannabis")
    with pytest.raises(InputError, match=r"^alternative_route: required"):
        referrals.decline(area.keyworker, referral.pk, "  ")
    declined = referrals.decline(
        area.keyworker, referral.pk, "Young people's service, self-referral"
    )
    assert declined.alternative_route.startswith("Young people's")


def test_the_database_refuses_a_decline_without_a_route(area: Area, person: Person) -> None:
    record_consent(area.therapist, person.pk, area.drugs.pk, "given")
    referral = referrals.refer(area.therapist, person.pk, area.drugs.pk, "cannabis")
    referral.status = "declined"
    with pytest.raises(IntegrityError), transaction.atomic():
        referral.save()


def test_only_the_receiving_service_decides_and_the_attempt_is_audited(
    area: Area, person: Person
) -> None:
    record_consent(area.therapist, person.pk, area.drugs.pk, "given")
    referral = referrals.refer(area.therapist, person.pk, area.drugs.pk, "heroin")
    with pytest.raises(AccessDenied):
        referrals.accept(area.gp_doctor, referral.pk)
    assert AuditEvent.objects.filter(action="referral.decide", outcome="denied").count() == 1


def test_actions_are_recorded_only_for_the_assessments_own_recommendations(
    area: Area, person: Person
) -> None:
    assessment = record_assessment(
        area.therapist, person.pk, {"setting": "iapt", "tobacco": {"smokes": True}}
    )
    action = referrals.act_on_recommendation(area.therapist, assessment.pk, "TOB-VBA", "offered")
    assert action.kind == "offered"
    with pytest.raises(InputError, match=r"^code: RISK-SUICIDE is not a recommendation"):
        referrals.act_on_recommendation(area.therapist, assessment.pk, "RISK-SUICIDE", "offered")
    with pytest.raises(InputError, match=r"^kind: must be one of"):
        referrals.act_on_recommendation(area.therapist, assessment.pk, "TOB-VBA", "ignored")


def test_exactly_one_named_coordinator_with_handover_history(area: Area, person: Person) -> None:
    record_consent(area.therapist, person.pk, area.drugs.pk, "given")
    coordination.name_coordinator(area.therapist, person.pk, area.keyworker.user.pk, "case-manager")
    with pytest.raises(InputError, match=r"^coordinator: one is already named"):
        coordination.name_coordinator(
            area.therapist, person.pk, area.therapist.user.pk, "case-manager"
        )
    coordination.hand_over(
        area.keyworker, person.pk, area.therapist.user.pk, "moved to IAPT-led care"
    )
    history = list(CareCoordinator.objects.filter(person=person).order_by("started"))
    assert [c.coordinator.username for c in history] == ["keyworker", "therapist"]
    assert history[0].ended is not None
    assert history[1].ended is None


def test_the_database_allows_only_one_active_coordinator(area: Area, person: Person) -> None:
    CareCoordinator.objects.create(
        person=person, coordinator=area.therapist.user, service=area.iapt, basis="cpa"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        CareCoordinator.objects.create(
            person=person, coordinator=area.keyworker.user, service=area.drugs, basis="cpa"
        )


def review() -> date:
    return date.today() + timedelta(days=28)


def test_care_plan_versions_are_kept_with_what_changed(area: Area, person: Person) -> None:
    first = coordination.revise_care_plan(
        area.therapist, person.pk, 0, {"crisis_plan": "call the crisis line"}, review(), True
    )
    second = coordination.revise_care_plan(
        area.therapist,
        person.pk,
        1,
        {"crisis_plan": "call the crisis line", "needs": "housing"},
        review(),
        True,
    )
    assert (first.number, second.number) == (1, 2)
    assert second.change_summary == "needs"
    assert CarePlanVersion.objects.filter(plan__person=person).count() == 2


def test_concurrent_care_plan_edits_lose_no_update(area: Area, person: Person) -> None:
    coordination.revise_care_plan(area.therapist, person.pk, 0, {"needs": "a"}, review(), False)
    coordination.revise_care_plan(area.therapist, person.pk, 1, {"needs": "b"}, review(), False)
    with pytest.raises(Conflict, match="changed by someone else since version 1"):
        coordination.revise_care_plan(area.therapist, person.pk, 1, {"needs": "c"}, review(), False)
    latest = CarePlanVersion.objects.filter(plan__person=person).order_by("-number").first()
    assert latest is not None
    assert latest.sections["needs"] == "b"


def test_unknown_care_plan_section_is_named(area: Area, person: Person) -> None:
    with pytest.raises(InputError, match=r"^sections.hobbies: unknown section"):
        coordination.revise_care_plan(
            area.therapist, person.pk, 0, {"hobbies": "x"}, review(), False
        )


def test_the_person_writes_their_own_recovery_goal(area: Area, person: Person) -> None:
    user = User.objects.create(username="ali")
    person.user = user
    person.save()
    goal = coordination.add_recovery_goal(
        Actor.of(user), person.pk, "Be at my daughter's wedding sober"
    )
    assert goal.written_by_person
    note = coordination.add_case_note(area.therapist, person.pk, "Phoned: agreed review date")
    assert note.service == area.iapt


CHECKLIST_DONE = dict.fromkeys(DISCHARGE_CHECKLIST, True)


def test_discharge_without_the_checklist_needs_a_reason_and_writes_nothing(
    area: Area, person: Person
) -> None:
    episode = EpisodeOfCare.objects.get(person=person)
    partial = {**CHECKLIST_DONE, "housing_support": False}
    with pytest.raises(InputError, match=r"^checklist.housing_support: not done"):
        episodes.discharge(
            area.therapist, episode.pk, date.today(), "planned", "completed", partial
        )
    assert not Discharge.objects.exists()
    episode.refresh_from_db()
    assert episode.status == "referral-received"
    done = episodes.discharge(
        area.therapist,
        episode.pk,
        date.today(),
        "unplanned",
        "moved away",
        partial,
        "left the area",
    )
    assert done.checklist["housing_support"] is False


def test_planned_discharge_after_treatment_schedules_recovery_check_ups(
    area: Area, person: Person
) -> None:
    episode = EpisodeOfCare.objects.get(person=person)
    today = date.today()
    episodes.mark_assessed(area.therapist, episode.pk, today)
    episodes.start_treatment(area.therapist, episode.pk, today)
    episodes.discharge(
        area.therapist, episode.pk, today, "planned", "completed treatment", CHECKLIST_DONE
    )
    due = sorted(c.due for c in RecoveryCheckUp.objects.filter(person=person))
    assert due == [today + timedelta(days=d) for d in (30, 91, 182)]


def test_released_is_only_for_a_prison_service_and_died_schedules_no_check_ups(
    area: Area, person: Person
) -> None:
    episode = EpisodeOfCare.objects.get(person=person)
    today = date.today()
    episodes.start_treatment(area.therapist, episode.pk, today)
    with pytest.raises(InputError, match=r"^kind: released is for a prison service"):
        episodes.discharge(area.therapist, episode.pk, today, "released", "out", CHECKLIST_DONE)
    episode.refresh_from_db()
    assert episode.status == "in-treatment"
    assert not Discharge.objects.exists()
    episodes.discharge(area.therapist, episode.pk, today, "died", "died", CHECKLIST_DONE)
    episode.refresh_from_db()
    assert episode.discharge_type == "died"
    assert not RecoveryCheckUp.objects.filter(person=person).exists()


def test_children_carers_and_goal_reviews(area: Area, person: Person) -> None:
    year = date.today().year
    child = coordination.record_child(area.therapist, person.pk, year - 6, True)
    assert child.safeguarding_status == "not-known"
    with pytest.raises(InputError, match=r"^whereabouts: required"):
        coordination.record_child(area.therapist, person.pk, year - 9, False)
    with pytest.raises(InputError, match=r"^year_of_birth: must be"):
        coordination.record_child(area.therapist, person.pk, year + 1, True)
    carer = coordination.record_carer(area.therapist, person.pk, "Pat", "mother", True)
    assert carer.consent_to_involve
    goal = coordination.add_recovery_goal(area.therapist, person.pk, "Get back to work")
    reviewed = coordination.review_recovery_goal(area.therapist, goal.pk, False, date.today())
    assert reviewed.last_reviewed == date.today()
    assert reviewed.in_their_words == "Get back to work"
    with pytest.raises(AccessDenied):
        coordination.record_child(area.gp_doctor, person.pk, year - 6, True)


USE_CASES = {
    "register": lambda a, p: register_person(a.therapist, {"given_name": "X", "family_name": "Y"}),
    "consent": lambda a, p: record_consent(a.therapist, p.pk, a.drugs.pk, "given"),
    "care_plan": lambda a, p: coordination.revise_care_plan(
        a.therapist, p.pk, 0, {"needs": "x"}, review(), True
    ),
    "case_note": lambda a, p: coordination.add_case_note(a.therapist, p.pk, "note"),
    "coordinator": lambda a, p: coordination.name_coordinator(
        a.therapist, p.pk, a.therapist.user.pk, "cpa"
    ),
    "assessment": lambda a, p: record_assessment(a.therapist, p.pk, {"setting": "iapt"}),
    "child": lambda a, p: coordination.record_child(a.therapist, p.pk, date.today().year - 3, True),
    "carer": lambda a, p: coordination.record_carer(a.therapist, p.pk, "Pat", "sister", False),
    "goal": lambda a, p: coordination.add_recovery_goal(a.therapist, p.pk, "sleep better"),
    "screening": lambda a, p: record_screening(a.therapist, p.pk, "phq9", [1] * 9),
    "top": lambda a, p: outcomes.record_top(a.therapist, p.pk, "start", {}),
    "course": lambda a, p: outcomes.start_course(a.therapist, p.pk),
    "refer": lambda a, p: (
        record_consent(a.therapist, p.pk, a.gp.pk, "given"),
        referrals.refer(a.therapist, p.pk, a.gp.pk, "GP review of medication"),
    ),
    "export": lambda a, p: exchange.export_person(a.therapist, p.pk),
    "discharge": lambda a, p: episodes.discharge(
        a.therapist,
        EpisodeOfCare.objects.get(person=p).pk,
        date.today(),
        "planned",
        "done",
        CHECKLIST_DONE,
    ),
}


@pytest.mark.parametrize("name", sorted(USE_CASES))
def test_a_failure_after_the_first_write_leaves_nothing_behind(
    area: Area, person: Person, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.apps import apps

    counts = {m._meta.label: m.objects.count() for m in apps.get_models()}

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(audit, "record", fail)
    with pytest.raises(RuntimeError):
        USE_CASES[name](area, person)
    assert {m._meta.label: m.objects.count() for m in apps.get_models()} == counts


def test_recovery_check_ups_are_scheduled_and_done(area: Area, person: Person) -> None:
    due = date.today() + timedelta(days=60)
    check_up = episodes.schedule_check_up(area.therapist, person.pk, due)
    done = episodes.record_check_up_done(area.therapist, check_up.pk, date.today())
    assert done.done == date.today()
    with pytest.raises(InputError, match=r"^check_up: already done"):
        episodes.record_check_up_done(area.therapist, check_up.pk, date.today())
    with pytest.raises(AccessDenied):
        episodes.schedule_check_up(area.gp_doctor, person.pk, due)
