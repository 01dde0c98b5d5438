"""Recording screenings and assessments made by the pure core, with their audit events."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.models import User

from nowrongdoor.errors import InputError
from nowrongdoor.guidance import instruments
from nowrongdoor.guidance.pathway.assess import assess, parse_case
from nowrongdoor.guidance.questionnaire import Instrument
from nowrongdoor.guidance.scoring import Score, score_positions
from nowrongdoor.records.clinical.models import Assessment, Screening
from nowrongdoor.records.directory.models import Service
from nowrongdoor.records.people.models import Person
from nowrongdoor.services import access, audit, backdating, checks, use_case
from nowrongdoor.services.actor import Actor
from nowrongdoor.services.rules import active_rules


def record_screening(
    actor: Actor, person_id: int, instrument: str, answers: list[int], on: date | None = None
) -> Screening:
    """Score with the instrument engine and store answers, points, total, band and flags;
    `on`, when given, is the day it was done (not in the future), for one recorded later."""
    loaded = instruments.load(instrument)
    score = score_positions(loaded, answers)  # InputError before anything is written
    if on is not None:
        checks.a_past_date(on, "date")
    with use_case(actor):
        person = access.person_for(actor, person_id, "screening.record")
        assert actor.service is not None  # access.require guarantees a service for staff
        screening = store_screening(person, actor.service, loaded, answers, score, actor.user)
        backdating.stamp(screening, "recorded_at", on)
        audit.record(actor, "screening.record", person_id=person.pk, obj=screening)
    return screening


def store_screening(
    person: Person,
    service: Service,
    loaded: Instrument,
    answers: list[int],
    score: Score,
    by: User,
) -> Screening:
    """The one way a scored response is saved; call inside a use case, after its checks."""
    return Screening.objects.create(
        person=person,
        service=service,
        instrument=loaded.name,
        instrument_version=loaded.version or "",
        answers=list(answers),
        points=list(score.items),
        total=score.total,
        band=score.band,
        flags=list(score.flags),
        recorded_by=by,
    )


def record_assessment(
    actor: Actor, person_id: int, case: dict[str, Any], on: date | None = None
) -> Assessment:
    """Assess a case with the pathway engine and store it with the rule-set version; `on`,
    when given, is the day it was done (not in the future)."""
    rules = active_rules()
    output = assess(parse_case(case), rules)
    if on is not None:
        checks.a_past_date(on, "date")
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
        backdating.stamp(assessment, "recorded_at", on)
        audit.record(actor, "assessment.record", person_id=person.pk, obj=assessment)
    return assessment


def read_assessment(actor: Actor, assessment_id: int) -> Assessment:
    """One assessment with its recommendations, for someone who may read the person."""
    found = (
        Assessment.objects.filter(pk=checks.an_id(assessment_id, "assessment"))
        .select_related("person", "service")
        .first()
    )
    if found is None:
        raise InputError("assessment", f"assessment: {assessment_id} not found")
    with use_case(actor):
        sight = access.require_sight(actor, found.person, "person.read")
        access.require_row(actor, sight, found, "assessment.read")
        audit.record(actor, "assessment.read", person_id=found.person_id, obj=found)
    return found


def latest_screens(person: Person, sight: access.Sight | None = None) -> dict[str, Screening]:
    """The latest screening of each instrument (of those `sight` covers), to put into an
    assessment's case."""
    latest: dict[str, Screening] = {}
    rows = Screening.objects.filter(person=person)
    for screening in (sight.rows(rows) if sight else rows).order_by("recorded_at", "pk"):
        latest[screening.instrument] = screening
    return latest
