"""People, their consent decisions and screenings."""

from __future__ import annotations

from typing import Annotated

from ninja import Schema
from pydantic import Field

from nowrongdoor.api.schemas.common import NO_NUL, Day, Flag, Input, RecordId, Text
from nowrongdoor.records.care.models import ConsentState

Short = Annotated[str, Field(max_length=100, pattern=NO_NUL)]


class PersonCreate(Input):
    given_name: Annotated[str, Field(min_length=1, max_length=100, pattern=NO_NUL)]
    family_name: Annotated[str, Field(min_length=1, max_length=100, pattern=NO_NUL)]
    nhs_number: Short | None = None
    date_of_birth: Day | None = None
    phone: Short = ""
    email: Short = ""
    address: Text = ""
    ethnicity: Short = ""
    sex: Short = ""
    gender_identity: Short = ""
    sexual_orientation: Short = ""
    religion: Short = ""
    disability: Short = ""
    confirmed_different: Flag = Field(
        default=False,
        description="you checked the people of the same name and date of birth your service "
        "may see (a 409 lists them) and this is someone else",
    )


class PersonPublic(Schema):
    id: int
    given_name: str
    family_name: str
    nhs_number: str | None
    date_of_birth: Day | None


class ServiceInvolvedPublic(Schema):
    id: int
    name: str
    open: bool = Field(description="an episode of care there not yet discharged")


class PersonFoundPublic(PersonPublic):
    """A person a search found, with the services involved that your service may see."""

    services: list[ServiceInvolvedPublic]


class PeopleFoundPublic(Schema):
    people: list[PersonFoundPublic]
    more: bool = Field(description="more matched than are listed: narrow the search")


class ConsentCreate(Input):
    recipient_service: RecordId
    state: ConsentState
    purpose: Annotated[str, Field(max_length=40, pattern=NO_NUL)] = "care"
    safeguarding_reason: Text = ""


class ConsentPublic(Schema):
    id: int
    recipient_service: int = Field(validation_alias="recipient_id")
    state: str
    purpose: str
    safeguarding_override: bool


class ScreeningCreate(Input):
    instrument: Annotated[str, Field(min_length=1, max_length=40, pattern=NO_NUL)]
    answers: list[Annotated[int, Field(strict=True)]] = Field(max_length=200)


class ScreeningPublic(Schema):
    id: int
    instrument: str
    instrument_version: str
    total: float
    band: str | None
    flags: list[str]
