"""Outcome measures: TOP interviews and NHS Talking Therapies courses, with their results."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.responses import Status

from nowrongdoor.api.acting import actor_of, readable_record
from nowrongdoor.api.schemas.common import ERRORS, PathId
from nowrongdoor.api.schemas.outcomes import (
    CourseEnd,
    CourseOutcomePublic,
    CoursePublic,
    CourseStart,
    SessionCreate,
    SessionPublic,
    TopChangePublic,
    TopRecordCreate,
    TopRecordPublic,
)
from nowrongdoor.services import outcomes

router = Router(tags=["outcomes"])


@router.get("/people/{person_id}/top-records", response={200: list[TopRecordPublic], **ERRORS})
def top_records(request: HttpRequest, person_id: PathId) -> Any:
    """The person's TOP interviews you see, oldest first."""
    sight = readable_record(request, person_id)
    return sight.rows(sight.person.top_records.all()).order_by("date", "pk")


@router.post("/people/{person_id}/top-records", response={201: TopRecordPublic, **ERRORS})
def record_top(request: HttpRequest, person_id: PathId, body: TopRecordCreate) -> Any:
    """Store a TOP interview; an answer left out or null is "not answered", never 0."""
    answers = body.answers.model_dump(exclude_unset=True)
    record = outcomes.record_top(actor_of(request), person_id, body.stage, answers, body.on)
    return Status(201, record)


@router.get(
    "/top-records/{earlier_id}/change/{later_id}",
    response={200: list[TopChangePublic], **ERRORS},
)
def top_change(request: HttpRequest, earlier_id: PathId, later_id: PathId) -> Any:
    """How each TOP item moved between two records of one person (TOP has no total)."""
    return outcomes.top_change(actor_of(request), earlier_id, later_id)


@router.get("/people/{person_id}/courses", response={200: list[CoursePublic], **ERRORS})
def courses(request: HttpRequest, person_id: PathId) -> Any:
    """The person's Talking Therapies courses you see, oldest first."""
    sight = readable_record(request, person_id)
    return sight.rows(sight.person.therapy_courses.all()).order_by("started", "pk")


@router.post("/people/{person_id}/courses", response={201: CoursePublic, **ERRORS})
def start_course(request: HttpRequest, person_id: PathId, body: CourseStart) -> Any:
    """Open a Talking Therapies course at your service (one open course at a time)."""
    return Status(201, outcomes.start_course(actor_of(request), person_id, body.started))


@router.post("/courses/{course_id}/sessions", response={201: SessionPublic, **ERRORS})
def record_session(request: HttpRequest, course_id: PathId, body: SessionCreate) -> Any:
    """Store one attended session and its PHQ-9 and GAD-7 totals (null: not taken)."""
    session = outcomes.record_session(
        actor_of(request),
        course_id,
        body.session_number,
        body.phq9_total,
        body.gad7_total,
        body.is_treatment,
        body.on,
    )
    return Status(201, session)


@router.post("/courses/{course_id}/end", response={200: CoursePublic, **ERRORS})
def end_course(request: HttpRequest, course_id: PathId, body: CourseEnd) -> Any:
    """Close the course; its outcome then counts as a completed course."""
    return outcomes.end_course(actor_of(request), course_id, body.ended)


@router.get("/courses/{course_id}/outcome", response={200: CourseOutcomePublic, **ERRORS})
def course_outcome(request: HttpRequest, course_id: PathId) -> Any:
    """The course's results, computed from its sessions on every read."""
    return outcomes.course_outcome(actor_of(request), course_id)
