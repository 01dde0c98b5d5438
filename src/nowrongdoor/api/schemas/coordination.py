"""The care coordinator, the shared care plan, case notes and recovery goals."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from nowrongdoor.api.schemas.common import (
    Day,
    Flag,
    Input,
    RecordId,
    RequiredText,
    Text,
    input_from,
)
from nowrongdoor.records.coordination.models import (
    CARE_PLAN_SECTIONS,
    CoordinationBasis,
    WithheldReason,
)


class CoordinatorName(Input):
    coordinator: RecordId = Field(description="the user id of a clinician")
    basis: CoordinationBasis


class CoordinatorHandOver(Input):
    coordinator: RecordId = Field(description="the user id of the next coordinator")
    note: RequiredText


class CoordinatorPublic(Schema):
    id: int
    person_id: int
    coordinator_id: int
    service_id: int
    basis: str
    started: datetime
    ended: datetime | None
    handover_note: str


# One optional text per section of the plan (PHE-COOC App5 §3); a revision names the
# sections it changes and the others carry forward.
CarePlanSections: Any = input_from(
    "CarePlanSections", dict.fromkeys(CARE_PLAN_SECTIONS, (Text, ""))
)


class CarePlanRevise(Input):
    expected_version: int = Field(
        ge=0, le=2**31, strict=True, description="the version you started from (0 for none)"
    )
    sections: CarePlanSections
    next_review: Day
    agreed_with_person: Flag = False


class CarePlanVersionPublic(Schema):
    number: int
    sections: dict[str, str]
    next_review: date
    agreed_with_person: bool
    change_summary: str
    author_id: int
    service_id: int | None = Field(description="the service that wrote this version")
    created_at: datetime


class CaseNoteCreate(Input):
    text: RequiredText
    withheld_reason: WithheldReason | Literal[""] = Field(
        "", description="set when the note is not for the person: why"
    )
    withheld_detail: Text = Field("", description="what in it is not for the person, and why")


class CaseNoteWithhold(Input):
    withheld_reason: WithheldReason
    withheld_detail: RequiredText


class CaseNotePublic(Schema):
    id: int
    person_id: int
    service_id: int
    text: str
    author_id: int
    created_at: datetime
    withheld_reason: str = Field(description="empty, or why the person does not see it")
    withheld_detail: str


class RecoveryGoalCreate(Input):
    in_their_words: RequiredText


class RecoveryGoalReview(Input):
    achieved: Flag
    on: Day


class RecoveryGoalPublic(Schema):
    id: int
    person_id: int
    in_their_words: str
    written_by_person: bool
    service_id: int | None = Field(description="who wrote it down; null: the person themselves")
    last_reviewed: date | None
    achieved: bool
    created_at: datetime
