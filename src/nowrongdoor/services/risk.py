"""The risk flags shown at the top of a person's record and beside them on a caseload.

A flag is never hidden (hazard H1): it comes from the latest screening of each instrument
whose data raises a safety flag, from the urgent and safeguarding recommendations of each
service's latest assessment, and from children recorded as living with the person. The
caller has already been allowed to read the person (and that read was audited).
"""

from __future__ import annotations

from dataclasses import dataclass

from nowrongdoor.records.clinical.models import Assessment
from nowrongdoor.records.people.models import Person
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


def risk_flags(person: Person) -> list[RiskFlag]:
    flags: dict[str, RiskFlag] = {}
    for screening in latest_screens(person).values():
        for code in screening.flags:
            if code in SCREENING_FLAGS:
                flags[code] = RiskFlag(
                    SCREENING_FLAGS[code],
                    f"{screening.instrument.upper()} on {screening.recorded_at:%d %B %Y}: "
                    "assess risk today.",
                    screening.instrument,
                )
    assessments: dict[int, Assessment] = {}
    for assessment in Assessment.objects.filter(person=person).order_by("recorded_at", "pk"):
        assessments[assessment.service_id] = assessment
    for assessment in assessments.values():
        for rec in assessment.output.get("recommendations", []):
            if rec["priority"] == "urgent" or rec["code"] in SAFEGUARDING_CODES:
                flags.setdefault(
                    rec["code"], RiskFlag(rec["text"], "; ".join(rec["why"]), rec["source"])
                )
    living_with = person.children.filter(lives_with_person=True).count()
    if living_with:
        flags["children"] = RiskFlag(
            f"Lives with {living_with} child{'ren' if living_with > 1 else ''}",
            "Consider the children's safety and wellbeing at every contact.",
            "IAPT-PPG ¶14; UK-ALC 2.2.10",
        )
    return list(flags.values())
