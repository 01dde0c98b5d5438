"""The extract's shape: one Parquet file per table, pseudonymous (no names, NHS numbers,
addresses or dates of birth). `extract.py` and `synth.py` both write this layout."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

AGE_BANDS = ("18-29", "30-49", "50+")  # NDTMS bands; under 18 is "under-18"
NOT_KNOWN = "not-known"  # no value recorded (distinct from "not-stated", the person's choice)
SUBSTANCE_GROUPS = ("opiate", "non-opiate-only", "non-opiate-and-alcohol", "alcohol-only")
ETHNICITY_GROUPS = {  # NHS Data Dictionary ethnic category -> the five broad groups
    **dict.fromkeys("ABC", "white"),
    **dict.fromkeys("DEFG", "mixed"),
    **dict.fromkeys("HJKL", "asian"),
    **dict.fromkeys("MNP", "black"),
    **dict.fromkeys("RS", "other"),
    "Z": "not-stated",
}

_date = pa.date32()
SCHEMAS: dict[str, pa.Schema] = {
    "people": pa.schema(
        [
            ("person_id", pa.int64()),
            ("age_band", pa.string()),
            ("sex", pa.string()),
            ("ethnicity_group", pa.string()),
            ("disability", pa.string()),
            ("sexual_orientation", pa.string()),
        ]
    ),
    "services": pa.schema(
        [
            ("service_id", pa.int64()),
            ("service", pa.string()),
            ("setting", pa.string()),
            ("organisation", pa.string()),  # the provider; `nwd report --area` selects one
        ]
    ),
    "episodes": pa.schema(
        [
            ("episode_id", pa.int64()),
            ("person_id", pa.int64()),
            ("service_id", pa.int64()),
            ("substance_group", pa.string()),  # drug and alcohol and prison episodes
            ("referral_received", _date),
            ("treatment_started", _date),
            ("discharged", _date),
            ("discharge_type", pa.string()),  # planned, unplanned, transfer, died, ...
            ("free_of_dependence", pa.bool_()),  # left treatment successfully (PHOF C19)
        ]
    ),
    "referrals": pa.schema(
        [
            ("referral_id", pa.int64()),
            ("person_id", pa.int64()),
            ("from_service_id", pa.int64()),
            ("to_service_id", pa.int64()),
            ("status", pa.string()),  # sent, accepted, declined
            ("sent", _date),
            ("decided", _date),
            ("alternative_route", pa.bool_()),  # a decline named the route offered
        ]
    ),
    "screenings": pa.schema(
        [
            ("person_id", pa.int64()),
            ("service_id", pa.int64()),
            ("instrument", pa.string()),
            ("date", _date),
            ("total", pa.float64()),
        ]
    ),
    "tops": pa.schema(
        [
            ("person_id", pa.int64()),
            ("service_id", pa.int64()),
            ("stage", pa.string()),
            ("date", _date),
            ("alcohol_days", pa.int16()),
            ("opioids_days", pa.int16()),
            ("crack_days", pa.int16()),
            ("injecting_days", pa.int16()),
            ("quality_of_life", pa.int16()),
            ("paid_work_days", pa.int16()),
            ("acute_housing_problem", pa.bool_()),
        ]
    ),
    "discharges": pa.schema(
        [("episode_id", pa.int64()), ("date", _date), ("checklist_complete", pa.bool_())]
    ),
    "therapy_courses": pa.schema(
        [
            ("course_id", pa.int64()),
            ("person_id", pa.int64()),
            ("service_id", pa.int64()),
            ("referral_received", _date),  # of the person's Talking Therapies episode
            ("started", _date),
            ("ended", _date),
        ]
    ),
    "therapy_sessions": pa.schema(
        [
            ("course_id", pa.int64()),
            ("session_number", pa.int16()),
            ("date", _date),
            ("is_treatment", pa.bool_()),
            ("phq9_total", pa.int16()),
            ("gad7_total", pa.int16()),
        ]
    ),
    "coordinators": pa.schema(
        [
            ("person_id", pa.int64()),
            ("service_id", pa.int64()),
            ("started", _date),
            ("ended", _date),
        ]
    ),
    "care_plan_versions": pa.schema(
        [
            ("person_id", pa.int64()),
            ("number", pa.int32()),
            ("created", _date),
            ("next_review", _date),
            ("crisis_plan", pa.bool_()),
        ]
    ),
    "check_ups": pa.schema(  # recovery check-ups after treatment (UK-ALC 2.6.5)
        [
            ("person_id", pa.int64()),
            ("service_id", pa.int64()),
            ("due", _date),
            ("done", _date),
        ]
    ),
    "consents": pa.schema(  # each decision; the latest by consent_id counts
        [
            ("consent_id", pa.int64()),
            ("person_id", pa.int64()),
            ("recipient_service_id", pa.int64()),
            ("state", pa.string()),  # given, refused, withdrawn
            ("date", _date),
        ]
    ),
    "assessments": pa.schema(  # the engine's output kept to what the no wrong door monitor needs
        [
            ("assessment_id", pa.int64()),
            ("person_id", pa.int64()),
            ("service_id", pa.int64()),
            ("date", _date),
            ("suitability", pa.string()),  # suitable, not-initially-suitable, ...
        ]
    ),
    "route_actions": pa.schema(  # actions on a not-initially-suitable assessment's route
        [
            ("assessment_id", pa.int64()),
            ("kind", pa.string()),  # offered, accepted, declined, referred
            ("date", _date),
        ]
    ),
    "children": pa.schema(  # no dates of birth or whereabouts: hidden harm needs none
        [
            ("person_id", pa.int64()),
            ("lives_with_person", pa.bool_()),
            ("safeguarding_status", pa.string()),  # none, child-in-need, ..., not-known
        ]
    ),
}


def table_path(folder: Path, name: str) -> Path:
    return folder / f"{name}.parquet"
