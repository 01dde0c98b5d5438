"""Field types every API schema shares: bounded ids, text and dates, and the error shape.

Bounds are the storage's (a 64-bit id, no NUL byte, which PostgreSQL cannot store) so bad
input is a 422 naming the field, never a database error.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

from ninja import Schema
from ninja.params import functions as param_functions
from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    SkipValidation,
    StrictBool,
    StrictInt,
    create_model,
)

from nowrongdoor.guidance.pathway.case import Case

MAX_ID = 2**63 - 1  # the largest id SQLite and PostgreSQL (bigint) hold
NO_NUL = r"^[^\x00]*$"
EARLIEST, LATEST = date(1900, 1, 1), date(2199, 12, 31)


def _iso_date(value: Any) -> Any:
    """Dates as `YYYY-MM-DD` text only: no timestamps, no times, no guessing."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or len(value) != 10:
        raise ValueError("must be a date as YYYY-MM-DD")
    return value


def _plausible(value: date) -> date:
    """A date of care, which also keeps date arithmetic (check-ups months on) in range."""
    if not EARLIEST <= value <= LATEST:
        raise ValueError(f"must be in {EARLIEST.year}-{LATEST.year}")
    return value


PathId = Annotated[int, param_functions.Path(ge=1, le=MAX_ID)]
RecordId = Annotated[StrictInt, Field(ge=1, le=MAX_ID)]
Flag = StrictBool
Text = Annotated[str, Field(max_length=10_000, pattern=NO_NUL)]
RequiredText = Annotated[str, Field(min_length=1, max_length=10_000, pattern=NO_NUL)]
Day = Annotated[
    date,
    BeforeValidator(_iso_date),
    AfterValidator(_plausible),
    Field(description=f"YYYY-MM-DD, {EARLIEST.year}-{LATEST.year}"),
]


if TYPE_CHECKING:  # what the handler receives: the body as sent
    CaseBody = dict[str, Any]
else:
    # Documented as the case contract (`nwd schema case`) but passed on as sent, for
    # `parse_case` to check, so its errors read as on the command line.
    CaseBody = SkipValidation[Case]


class Input(Schema):
    """A request body: an unknown field is an error, never silently dropped."""

    model_config = ConfigDict(extra="forbid")


def input_from(name: str, fields: dict[str, Any]) -> Any:
    """A request body whose fields are a list kept in the domain (care plan sections, the
    discharge checklist, TOP items), so the API cannot drift from it."""
    return create_model(name, __base__=Input, **fields)


class Problem(Schema):
    """Every error: one line naming the field, as on the command line."""

    detail: str
    field: str | None = None


ERRORS: dict[int, type[Problem]] = {401: Problem, 404: Problem, 409: Problem, 422: Problem}
