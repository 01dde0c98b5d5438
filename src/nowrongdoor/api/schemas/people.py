"""API models named by role (PersonCreate, PersonPublic...), beside the contract's own."""

from __future__ import annotations

from datetime import date

from ninja import Schema
from pydantic import ConfigDict, Field


class PersonCreate(Schema):
    model_config = ConfigDict(extra="forbid")

    given_name: str = Field(min_length=1, max_length=100)
    family_name: str = Field(min_length=1, max_length=100)
    nhs_number: str | None = None
    date_of_birth: date | None = None
    phone: str = ""
    email: str = ""
    address: str = ""
    ethnicity: str = ""
    sex: str = ""
    gender_identity: str = ""
    sexual_orientation: str = ""
    religion: str = ""
    disability: str = ""


class PersonPublic(Schema):
    id: int
    given_name: str
    family_name: str
    nhs_number: str | None
    date_of_birth: date | None


class ConsentCreate(Schema):
    model_config = ConfigDict(extra="forbid")

    recipient_service: int
    state: str
    purpose: str = "care"
    safeguarding_reason: str = ""


class ConsentPublic(Schema):
    id: int
    recipient_service: int
    state: str
    purpose: str
    safeguarding_override: bool


class ScreeningCreate(Schema):
    model_config = ConfigDict(extra="forbid")

    instrument: str
    answers: list[int]


class ScreeningPublic(Schema):
    id: int
    instrument: str
    instrument_version: str
    total: float
    band: str | None
    flags: list[str]


class Problem(Schema):
    """Every error: one line naming the field, as on the command line."""

    detail: str
    field: str | None = None
