"""Episodes of care: assessed, in treatment, discharged with the App5 §6 checklist; and the
recovery check-ups after treatment (UK-ALC 2.6.5)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.responses import Status

from nowrongdoor.api.acting import actor_of, readable_record
from nowrongdoor.api.schemas.common import ERRORS, PathId
from nowrongdoor.api.schemas.episodes import (
    CheckUpCreate,
    CheckUpDone,
    CheckUpPublic,
    DischargeCreate,
    DischargePublic,
    EpisodePublic,
    EpisodeStep,
)
from nowrongdoor.services import episodes

router = Router(tags=["episodes"])


@router.get("/people/{person_id}/episodes", response={200: list[EpisodePublic], **ERRORS})
def list_episodes(request: HttpRequest, person_id: PathId) -> Any:
    """The person's episodes of care at every service you see, oldest first."""
    sight = readable_record(request, person_id)
    return sight.rows(sight.person.episodes.all()).order_by("referral_received", "pk")


@router.post("/episodes/{episode_id}/assessed", response={200: EpisodePublic, **ERRORS})
def mark_assessed(request: HttpRequest, episode_id: PathId, body: EpisodeStep) -> Any:
    """Record the date your service assessed the person."""
    return episodes.mark_assessed(actor_of(request), episode_id, body.on)


@router.post("/episodes/{episode_id}/treatment", response={200: EpisodePublic, **ERRORS})
def start_treatment(request: HttpRequest, episode_id: PathId, body: EpisodeStep) -> Any:
    """Record the date treatment started."""
    return episodes.start_treatment(actor_of(request), episode_id, body.on)


@router.post("/episodes/{episode_id}/discharge", response={201: DischargePublic, **ERRORS})
def discharge(request: HttpRequest, episode_id: PathId, body: DischargeCreate) -> Any:
    """Discharge or transfer: every checklist item done, or `incomplete_reason` says why not.
    A planned discharge after treatment schedules the recovery check-ups."""
    record = episodes.discharge(
        actor_of(request),
        episode_id,
        body.on,
        body.kind,
        body.reason,
        body.checklist.model_dump(),
        body.incomplete_reason,
    )
    return Status(201, record)


@router.get("/people/{person_id}/check-ups", response={200: list[CheckUpPublic], **ERRORS})
def check_ups(request: HttpRequest, person_id: PathId) -> Any:
    """The person's recovery check-ups you see, by due date."""
    sight = readable_record(request, person_id)
    return sight.rows(sight.person.check_ups.all()).order_by("due", "pk")


@router.post("/people/{person_id}/check-ups", response={201: CheckUpPublic, **ERRORS})
def schedule_check_up(request: HttpRequest, person_id: PathId, body: CheckUpCreate) -> Any:
    """Schedule an extra recovery check-up agreed with the person."""
    return Status(201, episodes.schedule_check_up(actor_of(request), person_id, body.due))


@router.post("/check-ups/{check_up_id}/done", response={200: CheckUpPublic, **ERRORS})
def check_up_done(request: HttpRequest, check_up_id: PathId, body: CheckUpDone) -> Any:
    """Record that a check-up took place."""
    return episodes.record_check_up_done(actor_of(request), check_up_id, body.on)
