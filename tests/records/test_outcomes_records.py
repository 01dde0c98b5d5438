"""Recording TOP and Talking Therapies sessions: checked before writing, access, audit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from record_area import Area

from nowrongdoor.errors import AccessDenied, InputError
from nowrongdoor.guidance.outcomes import TOP_FIELDS
from nowrongdoor.records.audit.models import AuditEvent
from nowrongdoor.records.outcomes.models import SessionMeasure, TherapyCourse, TopRecord
from nowrongdoor.records.people.models import Person
from nowrongdoor.services import audit
from nowrongdoor.services.consent import record_consent
from nowrongdoor.services.outcomes import (
    course_outcome,
    end_course,
    record_session,
    record_top,
    start_course,
    top_change,
)
from nowrongdoor.services.people import register_person

START = {
    "alcohol_days": 24,
    "alcohol_amount": 18.5,
    "crack_days": 4,
    "crack_amount": "0.5",
    "injecting_days": 0,
    "shared_equipment": False,
    "shoplifting_days": 3,
    "assault_violence": True,
    "psychological_health": 5,
    "physical_health": 8,
    "quality_of_life": 4,
    "paid_work_days": 0,
    "acute_housing_problem": True,
}


def client(area: Area) -> Person:
    """Someone registered at the drug and alcohol service (so its keyworker sees them)."""
    return register_person(area.keyworker, {"given_name": "Alex", "family_name": "Reed"})


def patient(area: Area) -> Person:
    """Someone registered at Talking Therapies."""
    return register_person(area.therapist, {"given_name": "Sam", "family_name": "Jones"})


def actions() -> list[str]:
    return list(AuditEvent.objects.order_by("sequence").values_list("action", flat=True))


def test_the_model_has_every_top_item_of_the_pure_core() -> None:
    names = {f.name for f in TopRecord._meta.get_fields()}
    assert {f.name for f in TOP_FIELDS} <= names


def test_a_top_is_recorded_at_the_actors_service_and_audited(area: Area) -> None:
    person = client(area)
    record = record_top(area.keyworker, person.pk, "start", START, on=date(2026, 3, 2))
    record.refresh_from_db()
    assert (record.service, record.stage, record.date) == (area.drugs, "start", date(2026, 3, 2))
    assert (record.alcohol_days, str(record.alcohol_amount)) == (24, "18.50")
    assert (record.assault_violence, record.vehicle_theft, record.cocaine_days) == (
        True,
        None,
        None,
    )
    assert actions()[-1] == "top.record"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("alcohol_days", 29, r"^alcohol_days: 29 is outside 0-28$"),
        ("college_days", -1, r"^college_days: -1 is outside 0-28$"),
        ("physical_health", 21, r"^physical_health: 21 is outside 0-20$"),
        ("risk_of_eviction", "maybe", r"^risk_of_eviction: 'maybe' is not yes"),
        ("alcohol_amount", 10000, r"^alcohol_amount: 10000 is outside 0-9999.99$"),
        ("units_per_week", 40, r"^units_per_week: unknown field$"),
    ],
)
def test_a_bad_top_answer_names_the_field_and_writes_nothing(
    area: Area, field: str, value: object, message: str
) -> None:
    person = client(area)
    before = AuditEvent.objects.count()
    with pytest.raises(InputError, match=message) as raised:
        record_top(area.keyworker, person.pk, "review", {**START, field: value})
    assert raised.value.field == field
    assert not TopRecord.objects.exists()
    assert AuditEvent.objects.count() == before


def test_an_unknown_stage_is_refused(area: Area) -> None:
    with pytest.raises(InputError, match=r"^stage: 'middle' is not one of start, review"):
        record_top(area.keyworker, client(area).pk, "middle", {})


def test_the_database_refuses_an_impossible_top_however_it_is_written(area: Area) -> None:
    record = record_top(area.keyworker, client(area).pk, "start", START)
    with pytest.raises(IntegrityError), transaction.atomic():
        TopRecord.objects.filter(pk=record.pk).update(quality_of_life=21)
    with pytest.raises(IntegrityError), transaction.atomic():
        TopRecord.objects.filter(pk=record.pk).update(stage="middle")


def test_top_change_between_start_and_review_is_per_item_and_audited(area: Area) -> None:
    person = client(area)
    start = record_top(area.keyworker, person.pk, "start", START)
    review = record_top(
        area.keyworker,
        person.pk,
        "review",
        {**START, "alcohol_days": 10, "quality_of_life": 9, "acute_housing_problem": False},
    )
    changes = {c["field"]: c for c in top_change(area.keyworker, start.pk, review.pk)}
    assert (changes["alcohol_days"]["change"], changes["alcohol_days"]["direction"]) == (
        -14,
        "better",
    )
    assert changes["quality_of_life"]["direction"] == "better"
    assert changes["acute_housing_problem"]["direction"] == "better"
    assert changes["alcohol_amount"]["direction"] == "same"
    assert changes["cocaine_days"]["direction"] is None
    last = AuditEvent.objects.order_by("-sequence").first()
    assert last is not None
    assert (last.action, last.outcome, last.reason) == (
        "outcome.read",
        "allowed",
        "active episode of care",
    )


def test_talking_therapies_course_from_start_to_outcome(area: Area) -> None:
    person = patient(area)
    started = date(2026, 1, 5)
    course = start_course(area.therapist, person.pk, started=started)
    for number, (phq9, gad7, treatment) in enumerate(
        [(16, 13, False), (14, 11, True), (9, 8, True), (6, 5, True)], start=1
    ):
        record_session(
            area.therapist,
            course.pk,
            number,
            phq9,
            gad7,
            is_treatment=treatment,
            on=started + timedelta(weeks=number),
        )
    end_course(area.therapist, course.pk, ended=date(2026, 3, 1))
    result = course_outcome(area.therapist, course.pk)
    assert result == {
        "course": course.pk,
        "started": "2026-01-05",
        "ended": "2026-03-01",
        "treatment_sessions": 3,
        "finished": True,
        "first_measure": 1,
        "last_measure": 4,
        "at_caseness_start": True,
        "at_caseness_end": False,
        "recovered": True,
        "reliable_improvement": True,
        "reliable_deterioration": False,
        "reliable_recovery": True,
        "reasons": {},
    }
    assert actions()[-7:] == [
        "course.start",
        *["session.record"] * 4,
        "course.end",
        "outcome.read",
    ]


def test_a_session_without_a_measure_is_recorded_and_not_guessed(area: Area) -> None:
    person = patient(area)
    course = start_course(area.therapist, person.pk)
    record_session(area.therapist, course.pk, 1, 7, None)
    record_session(area.therapist, course.pk, 2, 6, 3)
    result = course_outcome(area.therapist, course.pk)
    assert result["at_caseness_start"] is None
    assert result["reasons"]["at_caseness_start"] == "not recorded: GAD-7 at session 1"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((1, 28, 0), r"^phq9_total: 28 is outside 0-27$"),
        ((1, 0, 22), r"^gad7_total: 22 is outside 0-21$"),
        ((0, 0, 0), r"^session_number: 0 is below 1$"),
    ],
)
def test_a_bad_session_names_the_field_and_writes_nothing(
    area: Area, args: tuple[int, int, int], message: str
) -> None:
    course = start_course(area.therapist, patient(area).pk)
    before = AuditEvent.objects.count()
    with pytest.raises(InputError, match=message):
        record_session(area.therapist, course.pk, *args)
    assert not SessionMeasure.objects.exists()
    assert AuditEvent.objects.count() == before


def test_a_session_is_recorded_once_and_within_the_course(area: Area) -> None:
    course = start_course(area.therapist, patient(area).pk, started=date(2026, 1, 5))
    record_session(area.therapist, course.pk, 1, 12, 9, on=date(2026, 1, 5))
    with pytest.raises(InputError, match=r"^session_number: session 1 is already recorded"):
        record_session(area.therapist, course.pk, 1, 11, 9, on=date(2026, 1, 12))
    with pytest.raises(InputError, match=r"^date: 2026-01-04 is outside the course's dates"):
        record_session(area.therapist, course.pk, 2, 11, 9, on=date(2026, 1, 4))
    assert SessionMeasure.objects.count() == 1


def test_one_open_course_at_a_time(area: Area) -> None:
    person = patient(area)
    course = start_course(area.therapist, person.pk)
    with pytest.raises(InputError, match=rf"^course: course {course.pk} is still open"):
        start_course(area.therapist, person.pk)
    end_course(area.therapist, course.pk)
    start_course(area.therapist, person.pk)
    assert TherapyCourse.objects.count() == 2


@pytest.mark.parametrize("who", ["keyworker", "gp_doctor", "commissioner", "admin"])
def test_an_unrelated_service_is_refused_and_the_attempt_audited(area: Area, who: str) -> None:
    person = patient(area)
    course = start_course(area.therapist, person.pk)
    actor = getattr(area, who)
    with pytest.raises(AccessDenied):
        record_top(actor, person.pk, "start", START)
    with pytest.raises(AccessDenied):
        start_course(actor, person.pk)
    with pytest.raises(AccessDenied):
        record_session(actor, course.pk, 1, 12, 9)
    with pytest.raises(AccessDenied):
        course_outcome(actor, course.pk)
    assert not TopRecord.objects.exists()
    assert not SessionMeasure.objects.exists()
    assert TherapyCourse.objects.count() == 1
    denied = AuditEvent.objects.filter(outcome="denied", actor=actor.user.username)
    assert list(denied.order_by("sequence").values_list("action", flat=True)) == [
        "top.record",
        "course.start",
        "session.record",
        "outcome.read",
    ]
    assert set(denied.values_list("person_id", flat=True)) == {person.pk}


def test_with_consent_another_service_reads_the_outcome_but_does_not_write_the_course(
    area: Area,
) -> None:
    person = patient(area)
    course = start_course(area.therapist, person.pk)
    record_session(area.therapist, course.pk, 1, 12, 9)
    record_consent(area.therapist, person.pk, area.drugs.pk, "given")
    assert course_outcome(area.keyworker, course.pk)["at_caseness_start"] is True
    read = AuditEvent.objects.order_by("-sequence").first()
    assert read is not None
    assert (read.action, read.actor, read.reason) == (
        "outcome.read",
        "keyworker",
        "consent to share",
    )
    with pytest.raises(AccessDenied, match="only that service records it"):
        record_session(area.keyworker, course.pk, 2, 8, 6)
    assert SessionMeasure.objects.count() == 1
    denied = AuditEvent.objects.order_by("-sequence").first()
    assert denied is not None
    assert (denied.action, denied.outcome) == ("session.record", "denied")


def test_a_failed_audit_leaves_no_record(area: Area, monkeypatch: pytest.MonkeyPatch) -> None:
    person = client(area)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        record_top(area.keyworker, person.pk, "start", START)
    assert not TopRecord.objects.exists()
