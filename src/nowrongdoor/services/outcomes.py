"""Recording outcome measures (TOP, Talking Therapies sessions) and reading their results.

Answers are checked by the pure core before anything is written; reads are audited like
writes, since an outcome is part of the person's record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from nowrongdoor.errors import AccessDenied, InputError
from nowrongdoor.guidance import outcomes
from nowrongdoor.records.outcomes.models import SessionMeasure, TherapyCourse, TopRecord
from nowrongdoor.records.people.models import Person
from nowrongdoor.services import access, audit, use_case
from nowrongdoor.services.actor import Actor


def _person(actor: Actor, person_id: int, action: str) -> tuple[Person, str]:
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise InputError("person", f"person: {person_id} not found")
    return person, access.require(actor, person, action)


def _course(actor: Actor, course_id: int, action: str, *, write: bool) -> tuple[TherapyCourse, str]:
    """The course, if the actor sees it; only the course's own service writes."""
    course = TherapyCourse.objects.select_related("person", "service").filter(pk=course_id).first()
    if course is None:
        raise InputError("course", f"course: {course_id} not found")
    sight = access.require_sight(actor, course.person, action)
    access.require_row(actor, sight, course, action)
    ground = sight.ground
    if write and actor.service != course.service:
        raise AccessDenied(
            f"course {course_id} belongs to {course.service.name}: only that service records it",
            action=action,
            person_id=course.person_id,
        )
    return course, ground


def record_top(
    actor: Actor, person_id: int, stage: str, fields: dict[str, Any], on: date | None = None
) -> TopRecord:
    """Store one TOP interview at the actor's service; `on` is the interview date."""
    if stage not in outcomes.TOP_STAGES:
        raise InputError(
            "stage", f"stage: {stage!r} is not one of {', '.join(outcomes.TOP_STAGES)}"
        )
    answers = outcomes.check_top(fields)  # InputError before anything is written
    with use_case(actor):
        person, _ = _person(actor, person_id, "top.record")
        assert actor.service is not None  # access.require guarantees a service for staff
        name = str(answers.pop("other_substance_name", None) or "")
        record = TopRecord.objects.create(
            person=person,
            service=actor.service,
            stage=stage,
            date=on or date.today(),
            other_substance_name=name,
            recorded_by=actor.user,
            **answers,
        )
        audit.record(actor, "top.record", person_id=person.pk, obj=record)
    return record


def top_change(actor: Actor, earlier_id: int, later_id: int) -> list[dict[str, object]]:
    """Per-item change between two TOP records of one person (TOP has no total)."""
    with use_case(actor):
        records = {r.pk: r for r in TopRecord.objects.filter(pk__in=[earlier_id, later_id])}
        for field, pk in (("earlier", earlier_id), ("later", later_id)):
            if pk not in records:
                raise InputError(field, f"{field}: TOP record {pk} not found")
        earlier, later = records[earlier_id], records[later_id]
        # Access to both first: nothing about a record is told to someone who may not see it.
        sight = access.require_sight(actor, earlier.person, "outcome.read")
        access.require(actor, later.person, "outcome.read")
        access.require_row(actor, sight, earlier, "outcome.read")
        access.require_row(actor, sight, later, "outcome.read")
        ground = sight.ground
        if earlier.person_id != later.person_id:
            raise InputError("later", "later: the two TOP records are of different people")
        audit.record(actor, "outcome.read", person_id=earlier.person_id, obj=later, reason=ground)
    changes = outcomes.compare_top(_top_values(earlier), _top_values(later))
    return [change.to_json() for change in changes]


def _top_values(record: TopRecord) -> dict[str, outcomes.TopValue]:
    return {spec.name: getattr(record, spec.name) for spec in outcomes.TOP_FIELDS}


def start_course(actor: Actor, person_id: int, started: date | None = None) -> TherapyCourse:
    """Open a Talking Therapies course at the actor's service; one open course at a time."""
    with use_case(actor):
        person, _ = _person(actor, person_id, "course.start")
        assert actor.service is not None
        open_course = TherapyCourse.objects.filter(
            person=person, service=actor.service, ended__isnull=True
        ).first()
        if open_course is not None:
            raise InputError("course", f"course: course {open_course.pk} is still open")
        course = TherapyCourse.objects.create(
            person=person, service=actor.service, started=started or date.today()
        )
        audit.record(actor, "course.start", person_id=person.pk, obj=course)
    return course


def end_course(actor: Actor, course_id: int, ended: date | None = None) -> TherapyCourse:
    """Close a course; its outcome then counts as a completed course in the indicators."""
    with use_case(actor):
        course, _ = _course(actor, course_id, "course.end", write=True)
        when = ended or date.today()
        if course.ended is not None:
            raise InputError("course", f"course: ended on {course.ended.isoformat()} already")
        if when < course.started:
            raise InputError("ended", f"ended: {when.isoformat()} is before the course started")
        course.ended = when
        course.save(update_fields=["ended"])
        audit.record(actor, "course.end", person_id=course.person_id, obj=course)
    return course


def record_session(
    actor: Actor,
    course_id: int,
    session_number: int,
    phq9_total: int | None,
    gad7_total: int | None,
    is_treatment: bool = True,
    on: date | None = None,
) -> SessionMeasure:
    """Store one attended session and its totals; None means the measure was not taken."""
    outcomes.check_total("phq9_total", phq9_total, outcomes.PHQ9_MAX)
    outcomes.check_total("gad7_total", gad7_total, outcomes.GAD7_MAX)
    if isinstance(session_number, bool) or not isinstance(session_number, int):
        raise InputError("session_number", "session_number: not a whole number")
    if session_number < 1:
        raise InputError("session_number", f"session_number: {session_number} is below 1")
    with use_case(actor):
        course, _ = _course(actor, course_id, "session.record", write=True)
        when = on or date.today()
        if when < course.started or (course.ended is not None and when > course.ended):
            raise InputError("date", f"date: {when.isoformat()} is outside the course's dates")
        if course.sessions.filter(session_number=session_number).exists():
            raise InputError(
                "session_number", f"session_number: session {session_number} is already recorded"
            )
        session = SessionMeasure.objects.create(
            course=course,
            session_number=session_number,
            date=when,
            is_treatment=bool(is_treatment),
            phq9_total=phq9_total,
            gad7_total=gad7_total,
            recorded_by=actor.user,
        )
        audit.record(actor, "session.record", person_id=course.person_id, obj=session)
    return session


@dataclass(frozen=True)
class CourseRecord:
    """A course, its sessions in order and its results as `course_outcome` gives them."""

    course: TherapyCourse
    sessions: list[SessionMeasure]
    outcome: dict[str, Any]


def _record_of(course: TherapyCourse) -> CourseRecord:
    """Results computed from the sessions on every read, never stored."""
    measures = list(course.sessions.order_by("session_number"))
    sessions = [
        outcomes.Session(s.session_number, s.phq9_total, s.gad7_total, s.is_treatment)
        for s in measures
    ]
    result = outcomes.course_outcome(sessions).to_json()
    outcome = {
        "course": course.pk,
        "started": course.started.isoformat(),
        "ended": course.ended.isoformat() if course.ended else None,
        **result,
    }
    return CourseRecord(course, measures, outcome)


def read_course(actor: Actor, course_id: int) -> CourseRecord:
    """One course with its sessions and results (the course page and its recovery chart)."""
    with use_case(actor):
        course, ground = _course(actor, course_id, "outcome.read", write=False)
        record = _record_of(course)
        audit.record(actor, "outcome.read", person_id=course.person_id, obj=course, reason=ground)
    return record


def course_outcome(actor: Actor, course_id: int) -> dict[str, Any]:
    """The course's Talking Therapies results, computed from its sessions on every read."""
    return read_course(actor, course_id).outcome


def person_outcomes(actor: Actor, person_id: int) -> tuple[list[TopRecord], list[CourseRecord]]:
    """A person's TOP interviews and courses (every service's the actor sees), oldest first;
    one audited read."""
    with use_case(actor):
        sight = access.person_sight(actor, person_id, "outcome.read")
        person, ground = sight.person, sight.ground
        tops = list(sight.rows(person.top_records.select_related("service")).order_by("date", "pk"))
        courses = [
            _record_of(course)
            for course in sight.rows(person.therapy_courses.select_related("service")).order_by(
                "started", "pk"
            )
        ]
        audit.record(actor, "outcome.read", person_id=person.pk, obj=person, reason=ground)
    return tops, courses
