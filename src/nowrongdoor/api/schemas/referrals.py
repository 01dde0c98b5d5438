"""Referrals between services."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from ninja import Schema
from pydantic import Field

from nowrongdoor.api.schemas.common import NO_NUL, Input, RecordId, RequiredText


class ReferralCreate(Input):
    to_service: RecordId
    reason: RequiredText
    recommendation_code: Annotated[str, Field(max_length=60, pattern=NO_NUL)] = ""


class ReferralDecline(Input):
    alternative_route: RequiredText = Field(
        description="the service or route that can help instead (no wrong door)"
    )


class ReferralPublic(Schema):
    id: int
    person_id: int
    from_service_id: int
    to_service_id: int
    reason: str
    recommendation_code: str
    status: str
    sent_at: datetime
    decided_at: datetime | None
    alternative_route: str
