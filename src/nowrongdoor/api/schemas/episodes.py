"""Episodes of care moving along, discharge with its checklist, recovery check-ups."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Schema

from nowrongdoor.api.schemas.common import Day, Flag, Input, Text, input_from
from nowrongdoor.records.care.models import DischargeType
from nowrongdoor.records.coordination.models import DISCHARGE_CHECKLIST


class EpisodePublic(Schema):
    id: int
    person_id: int
    service_id: int
    status: str
    referral_received: date
    assessed: date | None
    treatment_started: date | None
    discharged: date | None
    discharge_type: str
    discharge_reason: str


class EpisodeStep(Input):
    on: Day


# Each item of the App5 §6 checklist, done or not; an item left out is not done.
DischargeChecklist: Any = input_from(
    "DischargeChecklist", dict.fromkeys(DISCHARGE_CHECKLIST, (Flag, False))
)


class DischargeCreate(Input):
    on: Day
    kind: DischargeType
    reason: Text
    checklist: DischargeChecklist
    incomplete_reason: Text = ""


class DischargePublic(Schema):
    id: int
    episode_id: int
    checklist: dict[str, bool]
    incomplete_reason: str
    recorded_at: datetime


class CheckUpCreate(Input):
    due: Day


class CheckUpDone(Input):
    on: Day


class CheckUpPublic(Schema):
    id: int
    person_id: int
    service_id: int
    due: date
    done: date | None
