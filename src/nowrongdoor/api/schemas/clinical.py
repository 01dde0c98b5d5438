"""Stored assessments and what was done about their recommendations."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from ninja import Schema
from pydantic import Field

from nowrongdoor.api.schemas.common import NO_NUL, Input, RecordId, Text
from nowrongdoor.guidance.schemas import Assessment
from nowrongdoor.records.referrals.models import ActionKind


class AssessmentPublic(Schema):
    id: int
    person_id: int
    service_id: int
    ruleset_sha256: str
    recorded_at: datetime
    output: Assessment


class RecommendationActionCreate(Input):
    code: Annotated[str, Field(min_length=1, max_length=60, pattern=NO_NUL)]
    kind: ActionKind
    note: Text = ""
    referral: RecordId | None = Field(None, description="the referral made; only when referred")


class RecommendationActionPublic(Schema):
    id: int
    assessment_id: int
    code: str
    kind: str
    note: str
    referral_id: int | None
    recorded_at: datetime
