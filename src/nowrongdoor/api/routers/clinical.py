"""Stored assessments of a person and what was done about each recommendation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.responses import Status

from nowrongdoor.api.acting import JSON_BODY, actor_of, readable_record
from nowrongdoor.api.schemas.clinical import (
    AssessmentPublic,
    RecommendationActionCreate,
    RecommendationActionPublic,
)
from nowrongdoor.api.schemas.common import ERRORS, CaseBody, PathId
from nowrongdoor.services import clinical, referrals

router = Router(tags=["assessments"])


@router.post(
    "/people/{person_id}/assessments", response={201: AssessmentPublic, **ERRORS}, by_alias=True
)
def record_assessment(request: HttpRequest, person_id: PathId, case: CaseBody = JSON_BODY) -> Any:
    """Assess the person's case (the body, as for `POST /api/assess`) and store it with the
    rule-set version that judged it."""
    return Status(201, clinical.record_assessment(actor_of(request), person_id, case))


@router.get(
    "/people/{person_id}/assessments",
    response={200: list[AssessmentPublic], **ERRORS},
    by_alias=True,
)
def list_assessments(request: HttpRequest, person_id: PathId) -> Any:
    """The person's stored assessments you see, newest first."""
    sight = readable_record(request, person_id)
    return sight.rows(sight.person.assessments.all()).order_by("-recorded_at", "-pk")


@router.post(
    "/assessments/{assessment_id}/actions",
    response={201: RecommendationActionPublic, **ERRORS},
)
def act_on_recommendation(
    request: HttpRequest, assessment_id: PathId, body: RecommendationActionCreate
) -> Any:
    """Record a recommendation as offered, accepted, declined or referred (with the referral)."""
    action = referrals.act_on_recommendation(
        actor_of(request), assessment_id, body.code, body.kind, body.note, body.referral
    )
    return Status(201, action)
