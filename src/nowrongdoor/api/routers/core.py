"""The CLI contract over HTTP: score one instrument, assess one case. Nothing is stored."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Router
from ninja.params import functions as param_functions

from nowrongdoor.api.acting import JSON_BODY
from nowrongdoor.api.schemas.common import ERRORS, CaseBody
from nowrongdoor.guidance import instruments
from nowrongdoor.guidance.pathway.assess import assess as assess_case
from nowrongdoor.guidance.pathway.assess import parse_case
from nowrongdoor.guidance.schemas import Assessment, ScoreResult
from nowrongdoor.guidance.scoring import score_request
from nowrongdoor.services.rules import active_rules

router = Router(tags=["core"])
InstrumentName = Annotated[str, param_functions.Path(pattern=r"^[a-z0-9-]{1,40}$")]


@router.post("/score/{instrument}", response={200: ScoreResult, **ERRORS})
def score(
    request: HttpRequest, instrument: InstrumentName, payload: dict[str, Any] = JSON_BODY
) -> Any:
    """Score one response, `{"answers": [positions]}` (schema ScoreRequest), as `nwd score`
    does; the engine checks the body itself so its errors name the item, as on the CLI."""
    return score_request(instruments.load(instrument), payload).to_json()


@router.post("/assess", response={200: Assessment, **ERRORS}, by_alias=True)
def assess(request: HttpRequest, payload: CaseBody = JSON_BODY) -> Any:
    """Assess one case (schema: `nwd schema case`) against the pathway rules, as `nwd assess`."""
    return assess_case(parse_case(payload), active_rules())
