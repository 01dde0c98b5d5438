"""The risk flags shown at the top of a person's record and beside them on a caseload.

A flag is never hidden (hazard H1): it comes from the latest screening of each instrument
whose data raises a safety flag, from the urgent and safeguarding recommendations of each
service's latest assessment, and from children recorded as living with the person. The
caller has already been allowed to read the person (and that read was audited).

A service that sees only what it recorded itself (no consent to see other services'
records: docs/decisions/0018) gets the flags from its own records, and, if the rest of the
record raises any flag, one flag saying that a safety concern is recorded where it cannot
see (never what it is), so it asks the person today.
"""

from __future__ import annotations

from dataclasses import dataclass

from nowrongdoor.records.clinical.models import Assessment
from nowrongdoor.records.people.models import Person
from nowrongdoor.services.access import Sight
from nowrongdoor.services.clinical import latest_screens

# Screening flags that are about safety (the others, like caseness, are about need).
SCREENING_FLAGS = {"self-harm-thoughts": "Thoughts of self-harm"}
# Recommendations that mean danger to the person or to a child, whatever their priority.
SAFEGUARDING_CODES = {"CHILDREN-CONSIDER", "SAFE-DECLINED-CHILDREN", "SAFE-MEDICINES-CHILDREN"}


@dataclass(frozen=True)
class RiskFlag:
    title: str
    detail: str
    source: str


NOT_SHARED = RiskFlag(
    "A safety concern is recorded in a part of the record not shared with your service",
    "The person has not agreed to share other services' records with yours, so what it is "
    "is not shown. Ask them about their safety today; if there is a safeguarding concern, "
    "record a safeguarding reason to share.",
    "UK-ALC 2.2.4",
)


def risk_flags(person: Person, sight: Sight | None = None) -> list[RiskFlag]:
    """The flags `sight` covers (all of them without one), and `NOT_SHARED` if others exist."""
    seen = _flags(person, sight)
    if sight is not None and not sight.whole and set(_flags(person, None)) - set(seen):
        seen["not-shared"] = NOT_SHARED
    return list(seen.values())


def _flags(person: Person, sight: Sight | None) -> dict[str, RiskFlag]:
    flags: dict[str, RiskFlag] = {}
    for screening in latest_screens(person, sight).values():
        for code in screening.flags:
            if code in SCREENING_FLAGS:
                flags[code] = RiskFlag(
                    SCREENING_FLAGS[code],
                    f"{screening.instrument.upper()} on {screening.recorded_at:%d %B %Y}: "
                    "assess risk today.",
                    screening.instrument,
                )
    assessments: dict[int, Assessment] = {}
    rows = Assessment.objects.filter(person=person)
    for assessment in (sight.rows(rows) if sight else rows).order_by("recorded_at", "pk"):
        assessments[assessment.service_id] = assessment
    for assessment in assessments.values():
        for rec in assessment.output.get("recommendations", []):
            if rec["priority"] == "urgent" or rec["code"] in SAFEGUARDING_CODES:
                flags.setdefault(
                    rec["code"], RiskFlag(rec["text"], "; ".join(rec["why"]), rec["source"])
                )
    children = person.children.filter(lives_with_person=True)
    living_with = (sight.rows(children) if sight else children).count()
    if living_with:
        flags["children"] = RiskFlag(
            f"Lives with {living_with} child{'ren' if living_with > 1 else ''}",
            "Consider the children's safety and wellbeing at every contact.",
            "IAPT-PPG ¶14; UK-ALC 2.2.10",
        )
    return flags
