"""TOP interviews and NHS Talking Therapies courses, and the results computed from them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field

from nowrongdoor.api.schemas.common import NO_NUL, Day, Flag, Input, input_from
from nowrongdoor.guidance.outcomes import (
    AMOUNT_MAX,
    DAYS_MAX,
    GAD7_MAX,
    PHQ9_MAX,
    RATING_MAX,
    TOP_FIELDS,
)
from nowrongdoor.records.outcomes.models import TopRecord, TopStage


def _total(maximum: int) -> Any:
    return Annotated[int, Field(ge=0, le=maximum, strict=True)]


TOP_TYPES: dict[str, Any] = {
    "days": _total(DAYS_MAX),
    "rating": _total(RATING_MAX),
    "amount": Annotated[Decimal, Field(ge=0, le=AMOUNT_MAX, decimal_places=2)],
    "yes-no": Flag,
    "name": Annotated[str, Field(max_length=80, pattern=NO_NUL)],
}
# Every TOP item, each optional: absent or null is "not answered" (the form's NA), never 0.
TopAnswers: Any = input_from(
    "TopAnswers", {spec.name: (TOP_TYPES[spec.kind] | None, None) for spec in TOP_FIELDS}
)


class TopRecordCreate(Input):
    stage: TopStage
    on: Day | None = Field(None, description="the interview date; today if left out")
    answers: TopAnswers


class TopRecordPublic(Schema):
    id: int
    person_id: int
    service_id: int
    stage: str
    date: Day
    answers: TopAnswers

    @staticmethod
    def resolve_answers(record: TopRecord) -> dict[str, Any]:
        return {spec.name: getattr(record, spec.name) for spec in TOP_FIELDS}


TopValue = int | bool | Decimal | str | None


class TopChangePublic(Schema):
    field: str
    domain: str
    before: TopValue
    after: TopValue
    change: int | Decimal | None
    direction: str | None
    reason: str


class CourseStart(Input):
    started: Day | None = Field(None, description="today if left out")


class CourseEnd(Input):
    ended: Day | None = Field(None, description="today if left out")


class CoursePublic(Schema):
    id: int
    person_id: int
    service_id: int
    started: date
    ended: date | None


class SessionCreate(Input):
    session_number: int = Field(ge=1, le=32_767, strict=True)
    phq9_total: Annotated[int, Field(ge=0, le=PHQ9_MAX, strict=True)] | None
    gad7_total: Annotated[int, Field(ge=0, le=GAD7_MAX, strict=True)] | None
    is_treatment: Flag = True
    on: Day | None = Field(None, description="the session date; today if left out")


class SessionPublic(Schema):
    id: int
    course_id: int
    session_number: int
    date: Day
    is_treatment: bool
    phq9_total: int | None
    gad7_total: int | None


class CourseOutcomePublic(Schema):
    course: int
    started: date
    ended: date | None
    treatment_sessions: int
    finished: bool
    first_measure: int | None
    last_measure: int | None
    at_caseness_start: bool | None
    at_caseness_end: bool | None
    recovered: bool | None
    reliable_improvement: bool | None
    reliable_deterioration: bool | None
    reliable_recovery: bool | None
    reasons: dict[str, str]
