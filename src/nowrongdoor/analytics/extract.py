"""The records database to an extract folder, through the Django ORM (call after `boot()`).

The ORM rather than SQL on the URL: the same code reads SQLite and PostgreSQL, and the
records' meaning (choices, the TOP's fields) stays in one place. Names, NHS numbers, contact
details and dates of birth never leave: people get an age band at `as_of`. One area's
records fit in memory; a nation's come from `synth.py` (or, later, a batched extract).

Derived on the way (docs/analytics.md):
- substance group: from the latest start TOP at the episode's service, by the NDTMS
  hierarchy (opiates; else non-opiates with or without alcohol; else alcohol only), for
  episodes at drug and alcohol and prison services;
- route actions: only the actions on the codes that make up an assessment's alternative
  route (`iapt_suitability.because`), which is what the no wrong door funnel follows;
- free of dependence: a planned discharge (ASSUMPTION until the records carry the NDTMS
  discharge reason codes).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from nowrongdoor.analytics.tables import ETHNICITY_GROUPS, NOT_KNOWN, SCHEMAS, table_path

SUBSTANCE_SETTINGS = ("drug-alcohol-service", "prison")
NON_OPIATES = (
    "crack_days",
    "cocaine_days",
    "amphetamines_days",
    "cannabis_days",
    "other_substance_days",
)


def age_band(born: date | None, as_of: date) -> str:
    if born is None:
        return NOT_KNOWN
    age = as_of.year - born.year - ((as_of.month, as_of.day) < (born.month, born.day))
    return "under-18" if age < 18 else "18-29" if age < 30 else "30-49" if age < 50 else "50+"


def substance_group(top: Mapping[str, Any]) -> str | None:
    """The NDTMS substance group of a start TOP's 28 days, or None when nothing was used."""
    used = {
        name: (top.get(name) or 0) > 0 for name in ("opioids_days", "alcohol_days", *NON_OPIATES)
    }
    if used["opioids_days"]:
        return "opiate"
    non_opiate = any(used[name] for name in NON_OPIATES)
    if non_opiate:
        return "non-opiate-and-alcohol" if used["alcohol_days"] else "non-opiate-only"
    return "alcohol-only" if used["alcohol_days"] else None


def _day(value: datetime | date | None) -> date | None:
    return value.date() if isinstance(value, datetime) else value


def _write(out: Path, name: str, rows: Iterable[dict[str, Any]]) -> int:
    table = pa.Table.from_pylist(list(rows), schema=SCHEMAS[name])
    pq.write_table(table, table_path(out, name))
    return int(table.num_rows)


def extract_records(out: Path, as_of: date) -> dict[str, int]:
    """Write every extract table from the records database; returns rows per table."""
    from nowrongdoor.records.care.models import Consent, EpisodeOfCare
    from nowrongdoor.records.clinical.models import Assessment, Screening
    from nowrongdoor.records.coordination.models import (
        CareCoordinator,
        CarePlanVersion,
        Child,
        Discharge,
        RecoveryCheckUp,
    )
    from nowrongdoor.records.directory.models import Service
    from nowrongdoor.records.outcomes.models import SessionMeasure, TherapyCourse, TopRecord
    from nowrongdoor.records.people.models import Person
    from nowrongdoor.records.referrals.models import RecommendationAction, Referral

    out.mkdir(parents=True, exist_ok=True)
    tops: list[dict[str, Any]] = [
        dict(top) for top in TopRecord.objects.order_by("date", "pk").values()
    ]
    start_group = {
        (top["person_id"], top["service_id"]): substance_group(top)
        for top in tops
        if top["stage"] == "start"
    }
    latest_referral = {
        (e.person_id, e.service_id): e.referral_received
        for e in EpisodeOfCare.objects.order_by("referral_received")
    }
    rows: dict[str, Iterable[dict[str, Any]]] = {
        "people": (
            {
                "person_id": p.pk,
                "age_band": age_band(p.date_of_birth, as_of),
                "sex": p.sex or NOT_KNOWN,
                "ethnicity_group": ETHNICITY_GROUPS.get(p.ethnicity, NOT_KNOWN),
                "disability": p.disability or NOT_KNOWN,
                "sexual_orientation": p.sexual_orientation or NOT_KNOWN,
            }
            for p in Person.objects.all()
        ),
        "services": (
            {
                "service_id": s.pk,
                "service": s.name,
                "setting": s.setting,
                "organisation": s.organisation.name,
            }
            for s in Service.objects.select_related("organisation")
        ),
        "episodes": (
            {
                "episode_id": e.pk,
                "person_id": e.person_id,
                "service_id": e.service_id,
                "substance_group": start_group.get((e.person_id, e.service_id))
                if e.service.setting in SUBSTANCE_SETTINGS
                else None,
                "referral_received": e.referral_received,
                "treatment_started": e.treatment_started,
                "discharged": e.discharged,
                "discharge_type": e.discharge_type or None,
                "free_of_dependence": e.discharge_type == "planned" if e.discharged else None,
            }
            for e in EpisodeOfCare.objects.select_related("service")
        ),
        "referrals": (
            {
                "referral_id": r.pk,
                "person_id": r.person_id,
                "from_service_id": r.from_service_id,
                "to_service_id": r.to_service_id,
                "status": r.status,
                "sent": _day(r.sent_at),
                "decided": _day(r.decided_at),
                "alternative_route": bool(r.alternative_route.strip()),
            }
            for r in Referral.objects.all()
        ),
        "screenings": (
            {
                "person_id": s.person_id,
                "service_id": s.service_id,
                "instrument": s.instrument,
                "date": _day(s.recorded_at),
                "total": s.total,
            }
            for s in Screening.objects.all()
        ),
        "tops": ({name: top[name] for name in SCHEMAS["tops"].names} for top in tops),
        "discharges": (
            {
                "episode_id": d.episode_id,
                "date": _day(d.recorded_at),
                "checklist_complete": all(d.checklist.values()),
            }
            for d in Discharge.objects.all()
        ),
        "therapy_courses": (
            {
                "course_id": c.pk,
                "person_id": c.person_id,
                "service_id": c.service_id,
                "referral_received": latest_referral.get((c.person_id, c.service_id)),
                "started": c.started,
                "ended": c.ended,
            }
            for c in TherapyCourse.objects.all()
        ),
        "therapy_sessions": (
            {
                "course_id": m.course_id,
                "session_number": m.session_number,
                "date": m.date,
                "is_treatment": m.is_treatment,
                "phq9_total": m.phq9_total,
                "gad7_total": m.gad7_total,
            }
            for m in SessionMeasure.objects.all()
        ),
        "coordinators": (
            {
                "person_id": c.person_id,
                "service_id": c.service_id,
                "started": _day(c.started),
                "ended": _day(c.ended),
            }
            for c in CareCoordinator.objects.all()
        ),
        "care_plan_versions": (
            {
                "person_id": v.plan.person_id,
                "number": v.number,
                "created": _day(v.created_at),
                "next_review": v.next_review,
                "crisis_plan": bool(str(v.sections.get("crisis_plan") or "").strip()),
            }
            for v in CarePlanVersion.objects.select_related("plan")
        ),
        "check_ups": (
            {"person_id": c.person_id, "service_id": c.service_id, "due": c.due, "done": c.done}
            for c in RecoveryCheckUp.objects.all()
        ),
        "consents": (
            {
                "consent_id": c.pk,
                "person_id": c.person_id,
                "recipient_service_id": c.recipient_id,
                "state": c.state,
                "date": _day(c.recorded_at),
            }
            for c in Consent.objects.all()
        ),
        "assessments": (
            {
                "assessment_id": a.pk,
                "person_id": a.person_id,
                "service_id": a.service_id,
                "date": _day(a.recorded_at),
                "suitability": a.output["iapt_suitability"]["status"],
            }
            for a in Assessment.objects.all()
        ),
        "route_actions": (
            {"assessment_id": a.assessment_id, "kind": a.kind, "date": _day(a.recorded_at)}
            for a in RecommendationAction.objects.select_related("assessment")
            if a.code in a.assessment.output["iapt_suitability"]["because"]
        ),
        "children": (
            {
                "person_id": c.person_id,
                "lives_with_person": c.lives_with_person,
                "safeguarding_status": c.safeguarding_status,
            }
            for c in Child.objects.all()
        ),
    }
    return {name: _write(out, name, table_rows) for name, table_rows in rows.items()}
