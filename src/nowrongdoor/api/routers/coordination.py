"""The named care coordinator, the shared care plan, case notes and recovery goals."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.responses import Status

from nowrongdoor.api.acting import actor_of, readable_record
from nowrongdoor.api.schemas.common import ERRORS, PathId, Problem
from nowrongdoor.api.schemas.coordination import (
    CarePlanRevise,
    CarePlanVersionPublic,
    CaseNoteCreate,
    CaseNotePublic,
    CaseNoteWithhold,
    CoordinatorHandOver,
    CoordinatorName,
    CoordinatorPublic,
    RecoveryGoalCreate,
    RecoveryGoalPublic,
    RecoveryGoalReview,
)
from nowrongdoor.records.coordination.models import CarePlanVersion
from nowrongdoor.services import coordination

router = Router(tags=["coordination"])


@router.get("/people/{person_id}/coordinator", response={200: CoordinatorPublic, **ERRORS})
def current_coordinator(request: HttpRequest, person_id: PathId) -> Any:
    """The person's named care coordinator now (404 where named at a service whose records
    the person has not agreed to share with yours)."""
    _, current = coordination.read_coordinator(actor_of(request), person_id)
    if current is None:
        return Status(404, Problem(detail="coordinator: none is named yet", field="coordinator"))
    return current


@router.post("/people/{person_id}/coordinator", response={201: CoordinatorPublic, **ERRORS})
def name_coordinator(request: HttpRequest, person_id: PathId, body: CoordinatorName) -> Any:
    """Name the one care coordinator (PHE-COOC App5 §2); to change them, hand over."""
    named = coordination.name_coordinator(
        actor_of(request), person_id, body.coordinator, body.basis
    )
    return Status(201, named)


@router.post(
    "/people/{person_id}/coordinator/hand-over", response={201: CoordinatorPublic, **ERRORS}
)
def hand_over(request: HttpRequest, person_id: PathId, body: CoordinatorHandOver) -> Any:
    """End the current coordinator and name the next, with a handover note."""
    named = coordination.hand_over(actor_of(request), person_id, body.coordinator, body.note)
    return Status(201, named)


def _versions(request: HttpRequest, person_id: int) -> list[CarePlanVersion]:
    """The versions you see, newest first; a plan last changed by a service whose records
    the person has not agreed to share with yours is 404 (nor can you revise it)."""
    return coordination.read_care_plan(actor_of(request), person_id)[1]


@router.get("/people/{person_id}/care-plan", response={200: CarePlanVersionPublic, **ERRORS})
def current_care_plan(request: HttpRequest, person_id: PathId) -> Any:
    """The care plan's latest version; revise it with its `number` as `expected_version`."""
    versions = _versions(request, person_id)
    latest = versions[0] if versions else None
    if latest is None:
        return Status(
            404, Problem(detail="care_plan: none yet; revise from expected_version 0", field=None)
        )
    return latest


@router.get(
    "/people/{person_id}/care-plan/versions",
    response={200: list[CarePlanVersionPublic], **ERRORS},
)
def care_plan_versions(request: HttpRequest, person_id: PathId) -> Any:
    """Every version of the care plan, newest first: none is ever overwritten."""
    return _versions(request, person_id)


@router.post("/people/{person_id}/care-plan", response={201: CarePlanVersionPublic, **ERRORS})
def revise_care_plan(request: HttpRequest, person_id: PathId, body: CarePlanRevise) -> Any:
    """Save a new version; 409 if someone saved since `expected_version` (nothing is saved)."""
    version = coordination.revise_care_plan(
        actor_of(request),
        person_id,
        body.expected_version,
        body.sections.model_dump(exclude_unset=True),
        body.next_review,
        body.agreed_with_person,
    )
    return Status(201, version)


@router.get("/people/{person_id}/case-notes", response={200: list[CaseNotePublic], **ERRORS})
def case_notes(request: HttpRequest, person_id: PathId) -> Any:
    """Case notes between care plan reviews you see, newest first (the person never gets a
    note marked not for them)."""
    sight = readable_record(request, person_id)
    return sight.rows(sight.person.case_notes.all()).order_by("-created_at", "-pk")


@router.post("/people/{person_id}/case-notes", response={201: CaseNotePublic, **ERRORS})
def add_case_note(request: HttpRequest, person_id: PathId, body: CaseNoteCreate) -> Any:
    """Add a case note (PHE-COOC App5 §5); with `withheld_reason` and `withheld_detail` it
    is not for the person (left out of everything they see of their record)."""
    note = coordination.add_case_note(
        actor_of(request), person_id, body.text, body.withheld_reason, body.withheld_detail
    )
    return Status(201, note)


@router.post("/case-notes/{note_id}/withhold", response={200: CaseNotePublic, **ERRORS})
def withhold_case_note(request: HttpRequest, note_id: PathId, body: CaseNoteWithhold) -> Any:
    """Mark a case note not for the person, saying why (third-party information, or a
    serious-harm judgement); audited."""
    return coordination.withhold_case_note(
        actor_of(request), note_id, body.withheld_reason, body.withheld_detail
    )


@router.get(
    "/people/{person_id}/recovery-goals", response={200: list[RecoveryGoalPublic], **ERRORS}
)
def recovery_goals(request: HttpRequest, person_id: PathId) -> Any:
    """The person's recovery goals you see, in their own words, oldest first."""
    sight = readable_record(request, person_id)
    return sight.rows(sight.person.recovery_goals.all()).order_by("created_at", "pk")


@router.post("/people/{person_id}/recovery-goals", response={201: RecoveryGoalPublic, **ERRORS})
def add_recovery_goal(request: HttpRequest, person_id: PathId, body: RecoveryGoalCreate) -> Any:
    """Add a goal in the person's own words (the person may add their own)."""
    goal = coordination.add_recovery_goal(actor_of(request), person_id, body.in_their_words)
    return Status(201, goal)


@router.post("/recovery-goals/{goal_id}/review", response={200: RecoveryGoalPublic, **ERRORS})
def review_recovery_goal(request: HttpRequest, goal_id: PathId, body: RecoveryGoalReview) -> Any:
    """Record a review of the goal with the person: achieved or not, and when."""
    return coordination.review_recovery_goal(actor_of(request), goal_id, body.achieved, body.on)
