"""Pydantic models of the command-line contract, for JSON Schema and the API.

The scoring engine validates its input itself (it must not pay pydantic's import cost);
tests check that these models accept and reject exactly what the engine does.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt


class ScoreRequest(BaseModel):
    """Input of `nwd score INSTRUMENT`: the position (0-based) of each chosen option."""

    model_config = ConfigDict(extra="forbid")

    answers: list[StrictInt] = Field(
        description="for each item in order, the 0-based position of the chosen option"
    )


class ScoreResult(BaseModel):
    """Output of `nwd score`."""

    model_config = ConfigDict(extra="forbid")

    instrument: str
    total: int | float
    band: str | None = Field(description="the band the total falls in; null if none defined")
    items: list[int | float] = Field(description="the points each answer scored")
    flags: list[str] = Field(description="flags raised, e.g. self-harm-thoughts")
    ignored: list[str] | None = Field(
        default=None, description="--questionnaire: linkIds of questions without weights"
    )


class ScoreSummary(BaseModel):
    total: int | float
    band: str | None
    flags: list[str]
    items: list[int | float]


class IaptSuitability(BaseModel):
    status: Literal["suitable", "not-initially-suitable", "needs-assessment", "not-applicable"]
    because: list[str] = Field(description="rule codes or short reason codes")


CoordinatorFrom = Literal[
    "community-mental-health-team",
    "drug-alcohol-service",
    "homelessness-service",
    "primary-care",
    "social-services",
    "camhs",
]
# What a practitioner reads for each: the page and `nwd assess --format text` say it so.
COORDINATOR_WORDS: dict[str, str] = {
    "community-mental-health-team": "Community mental health team",
    "drug-alcohol-service": "Drug and alcohol service",
    "homelessness-service": "Homelessness service",
    "primary-care": "Primary care (the GP practice)",
    "social-services": "Social services",
    "camhs": "Child and adolescent mental health services (CAMHS)",
}


class CareCoordination(BaseModel):
    coordinator_from: CoordinatorFrom
    under_cpa: bool
    because: list[str]


class Recommendation(BaseModel):
    code: str
    priority: Literal["urgent", "soon", "routine"]
    text: str
    source: str = Field(min_length=1)
    why: list[str] = Field(min_length=1, description="the facts that fired it, in words")
    quote: str | None = Field(
        default=None, description="the cited passage's own words that justify the rule"
    )


class RuleSetInfo(BaseModel):
    name: str
    version: str
    sha256: str


class Assessment(BaseModel):
    """Output of `nwd assess`."""

    model_config = ConfigDict(extra="forbid")

    schema_: Literal["nowrongdoor.assessment/1"] = Field(alias="schema")
    ruleset: RuleSetInfo
    scores: dict[str, ScoreSummary]
    iapt_suitability: IaptSuitability
    care_coordination: CareCoordination | None
    recommendations: list[Recommendation]


def json_schema(name: str) -> dict[str, Any]:
    """The JSON Schemas `nwd schema NAME` prints."""
    if name == "case":
        from nowrongdoor.guidance.pathway.case import Case

        return Case.model_json_schema()
    if name == "assessment":
        return Assessment.model_json_schema(by_alias=True)
    if name == "score":
        return {
            "request": ScoreRequest.model_json_schema(),
            "result": ScoreResult.model_json_schema(),
        }
    raise KeyError(name)
