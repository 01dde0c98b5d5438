"""Recording screenings and assessments made by the pure core, with their audit events."""

from __future__ import annotations

from typing import Any

from nowrongdoor.guidance import instruments
from nowrongdoor.guidance.pathway import ruleset
from nowrongdoor.guidance.pathway.assess import assess, parse_case
from nowrongdoor.guidance.scoring import score_positions
from nowrongdoor.records.clinical.models import Assessment, Screening
from nowrongdoor.services import access, audit, use_case
from nowrongdoor.services.actor import Actor


def record_screening(
    actor: Actor, person_id: int, instrument: str, answers: list[int]
) -> Screening:
    """Score with the instrument engine and store answers, points, total, band and flags."""
    loaded = instruments.load(instrument)
    score = score_positions(loaded, answers)  # InputError before anything is written
    with use_case(actor):
        person = access.person_for(actor, person_id, "screening.record")
        assert actor.service is not None  # access.require guarantees a service for staff
        screening = Screening.objects.create(
            person=person,
            service=actor.service,
            instrument=instrument,
            instrument_version=loaded.version or "",
            answers=list(answers),
            points=list(score.items),
            total=score.total,
            band=score.band,
            flags=list(score.flags),
            recorded_by=actor.user,
        )
        audit.record(actor, "screening.record", person_id=person.pk, obj=screening)
    return screening


def record_assessment(actor: Actor, person_id: int, case: dict[str, Any]) -> Assessment:
    """Assess a case with the pathway engine and store it with the rule-set version."""
    rules = ruleset.default()
    output = assess(parse_case(case), rules)
    with use_case(actor):
        person = access.person_for(actor, person_id, "assessment.record")
        assert actor.service is not None
        assessment = Assessment.objects.create(
            person=person,
            service=actor.service,
            case=case,
            ruleset_name=rules.name,
            ruleset_version=rules.version,
            ruleset_sha256=rules.sha256,
            output=output,
            recorded_by=actor.user,
        )
        audit.record(actor, "assessment.record", person_id=person.pk, obj=assessment)
    return assessment
