"""A tiny extract whose indicator values are worked out by hand in test_indicators.py."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from nowrongdoor.analytics.tables import SCHEMAS, table_path

D = date.fromisoformat
DA, TT, MH, PRISON = 1, 2, 3, 4


Row = dict[str, object]


def _episode(
    eid: int,
    person: int,
    service: int,
    group: str | None,
    referral: str,
    started: str | None,
    discharged: str | None = None,
    free: bool | None = None,
    kind: str = "planned",
) -> Row:
    return {
        "episode_id": eid,
        "person_id": person,
        "service_id": service,
        "substance_group": group,
        "referral_received": D(referral),
        "treatment_started": started and D(started),
        "discharged": discharged and D(discharged),
        "discharge_type": kind if discharged else None,
        "free_of_dependence": free,
    }


def _session(course: int, number: int, phq9: int, gad7: int) -> Row:
    return {
        "course_id": course,
        "session_number": number,
        "date": D("2025-05-01"),
        "is_treatment": True,
        "phq9_total": phq9,
        "gad7_total": gad7,
    }


def _course(course: int, person: int, referral: str, started: str, ended: str) -> Row:
    return {
        "course_id": course,
        "person_id": person,
        "service_id": TT,
        "referral_received": D(referral),
        "started": D(started),
        "ended": D(ended),
    }


def _top(person: int, stage: str, day: str, **domains: int | bool | None) -> Row:
    """A TOP at the drug and alcohol service; unnamed domains are 0 / False."""
    zero: Row = dict.fromkeys(
        ("alcohol_days", "opioids_days", "crack_days", "injecting_days", "paid_work_days"), 0
    )
    return {
        "person_id": person,
        "service_id": DA,
        "stage": stage,
        "date": D(day),
        **zero,
        "quality_of_life": 10,
        "acute_housing_problem": False,
        **domains,
    }


def _consent(cid: int, person: int, recipient: int, state: str, day: str) -> Row:
    return {
        "consent_id": cid,
        "person_id": person,
        "recipient_service_id": recipient,
        "state": state,
        "date": D(day),
    }


def _assessment(aid: int, person: int, day: str, suitability: str) -> Row:
    return {
        "assessment_id": aid,
        "person_id": person,
        "service_id": TT,
        "date": D(day),
        "suitability": suitability,
    }


def _plan(person: int, number: int, created: str, review: str, crisis: bool) -> Row:
    return {
        "person_id": person,
        "number": number,
        "created": D(created),
        "next_review": D(review),
        "crisis_plan": crisis,
    }


def _check_up(person: int, due: str, done: str | None) -> Row:
    return {"person_id": person, "service_id": DA, "due": D(due), "done": done and D(done)}


def _child(person: int, lives: bool, status: str) -> Row:
    return {"person_id": person, "lives_with_person": lives, "safeguarding_status": status}


def _referral(rid: int, status: str, decided: str, route: bool) -> Row:
    return {
        "referral_id": rid,
        "person_id": 1,
        "from_service_id": DA,
        "to_service_id": TT,
        "status": status,
        "sent": D(decided),
        "decided": D(decided),
        "alternative_route": route,
    }


R = "released"  # from a prison service
TINY: dict[str, list[Row]] = {
    "services": [
        {"service_id": DA, "service": "drugs", "setting": "drug-alcohol-service"},
        {"service_id": TT, "service": "talking", "setting": "iapt"},
        {"service_id": MH, "service": "community", "setting": "mental-health-secondary"},
        {"service_id": PRISON, "service": "prison", "setting": "prison"},
    ],
    "people": [
        {
            "person_id": i,
            "age_band": "30-49",
            "sex": sex,
            "ethnicity_group": "white",
            "disability": "no",
            "sexual_orientation": "heterosexual",
        }
        for i, sex in enumerate(("male", "female", None, "male", "female", "male"), start=1)
    ],
    "episodes": [
        _episode(1, 1, DA, "opiate", "2025-03-01", "2025-03-10", "2026-02-01", kind="died"),
        _episode(2, 2, DA, "alcohol-only", "2025-05-01", "2025-05-15", "2025-09-01", True),
        _episode(3, 3, DA, "alcohol-only", "2025-06-01", "2025-07-01", "2025-08-01", True),
        _episode(4, 3, DA, "alcohol-only", "2025-10-01", "2025-10-05"),
        _episode(5, 4, DA, "non-opiate-only", "2024-01-01", "2024-01-10", "2025-02-01", True),
        _episode(6, 3, TT, None, "2025-01-01", "2025-03-01"),
        _episode(7, 5, TT, None, "2025-04-01", "2025-04-20"),
        _episode(8, 6, TT, None, "2025-05-01", "2025-05-10"),
        _episode(9, 4, TT, None, "2026-01-10", None),
        _episode(10, 1, MH, None, "2025-06-10", "2025-06-20"),
        _episode(11, 2, PRISON, "alcohol-only", "2025-01-01", "2025-01-05", "2025-05-01", kind=R),
        _episode(12, 3, PRISON, "alcohol-only", "2025-08-05", "2025-08-06", "2025-09-01", kind=R),
        _episode(13, 4, PRISON, "opiate", "2025-06-01", "2025-06-02", "2025-12-01", kind=R),
        _episode(14, 5, PRISON, None, "2025-05-01", None, "2025-06-01", kind=R),
        _episode(15, 1, PRISON, "opiate", "2024-06-01", "2024-06-02", "2025-02-01", kind=R),
    ],
    "consents": [
        _consent(1, 1, TT, "given", "2025-04-01"),
        _consent(2, 1, MH, "given", "2025-04-02"),
        _consent(3, 1, TT, "withdrawn", "2025-09-01"),
        _consent(4, 3, DA, "given", "2025-05-01"),
        _consent(5, 3, TT, "given", "2025-05-01"),
        _consent(6, 3, TT, "withdrawn", "2025-06-01"),
        _consent(7, 3, MH, "given", "2026-05-01"),
        _consent(8, 2, TT, "given", "2025-05-01"),
    ],
    "assessments": [
        _assessment(1, 5, "2025-05-01", "not-initially-suitable"),
        _assessment(2, 3, "2025-08-01", "not-initially-suitable"),
        _assessment(3, 6, "2025-06-01", "suitable"),
        _assessment(4, 1, "2025-02-01", "not-initially-suitable"),
        _assessment(5, 4, "2026-01-15", "not-initially-suitable"),
    ],
    "route_actions": [
        {"assessment_id": aid, "kind": kind, "date": D(day)}
        for aid, kind, day in (
            (1, "offered", "2025-05-01"),
            (1, "accepted", "2025-05-02"),
            (2, "offered", "2025-08-01"),
            (2, "declined", "2025-08-02"),
            (4, "accepted", "2025-02-01"),
        )
    ],
    "tops": [
        _top(
            1,
            "start",
            "2025-03-05",
            alcohol_days=10,
            opioids_days=20,
            injecting_days=12,
            quality_of_life=6,
            acute_housing_problem=True,
        ),
        _top(1, "review", "2025-09-05", paid_work_days=5, quality_of_life=12),
        _top(2, "start", "2025-05-10", alcohol_days=20, paid_work_days=8),
        _top(2, "review", "2025-07-10", alcohol_days=25),
        _top(
            2,
            "exit",
            "2025-09-01",
            alcohol_days=8,
            paid_work_days=10,
            quality_of_life=9,
            acute_housing_problem=True,
        ),
        _top(
            3,
            "start",
            "2025-06-15",
            alcohol_days=15,
            quality_of_life=None,
            acute_housing_problem=True,
        ),
        _top(
            3, "exit", "2025-08-01", alcohol_days=15, quality_of_life=14, acute_housing_problem=True
        ),
        _top(3, "start", "2025-10-03", alcohol_days=28),
        _top(3, "review", "2026-06-01"),
        _top(4, "start", "2024-01-05", crack_days=10, injecting_days=3),
        _top(4, "exit", "2025-02-01"),
    ],
    "care_plan_versions": [
        _plan(1, 1, "2025-04-15", "2025-07-15", False),
        _plan(1, 2, "2025-07-10", "2025-10-10", True),
        _plan(1, 3, "2025-10-20", "2026-01-20", True),
        _plan(1, 4, "2026-01-15", "2026-04-15", True),
        _plan(1, 5, "2026-05-01", "2026-08-01", False),
        _plan(2, 1, "2025-05-20", "2025-06-20", False),
        _plan(3, 1, "2025-07-01", "2025-09-01", True),
        _plan(3, 2, "2025-09-01", "2026-06-01", False),
    ],
    "check_ups": [
        _check_up(2, "2025-10-01", "2025-10-03"),
        _check_up(3, "2025-09-01", None),
        _check_up(2, "2026-02-01", "2026-04-10"),
        _check_up(4, "2025-03-01", "2025-03-01"),
    ],
    "children": [
        _child(1, True, "child-in-need"),
        _child(1, False, "not-known"),
        _child(2, True, "not-known"),
        _child(2, True, "none"),
        _child(4, True, "none"),
    ],
    "screenings": [
        {
            "person_id": 1,
            "service_id": DA,
            "instrument": "phq9",
            "date": D("2025-03-01"),
            "total": 12.0,
        },
        {
            "person_id": 2,
            "service_id": DA,
            "instrument": "phq9",
            "date": D("2025-05-01"),
            "total": 5.0,
        },
        {
            "person_id": 4,
            "service_id": DA,
            "instrument": "gad7",
            "date": D("2024-01-01"),
            "total": 9.0,
        },
    ],
    "coordinators": [
        {"person_id": 1, "service_id": DA, "started": D("2025-04-10"), "ended": None},
        {"person_id": 3, "service_id": DA, "started": D("2024-12-01"), "ended": D("2025-03-01")},
    ],
    "therapy_courses": [
        _course(1, 5, "2025-04-01", "2025-04-20", "2025-06-01"),
        _course(2, 3, "2025-01-01", "2025-03-01", "2025-05-01"),
        _course(3, 6, "2025-05-01", "2025-05-10", "2025-05-10"),
        _course(4, 6, "2025-05-01", "2025-06-01", "2025-08-01"),
        _course(5, 6, "2025-05-01", "2025-09-08", "2025-10-01"),
    ],
    "therapy_sessions": [
        _session(1, 1, 15, 10),
        _session(1, 2, 12, 9),
        _session(1, 3, 8, 6),
        _session(2, 1, 12, 4),
        _session(2, 2, 11, 4),
        _session(3, 1, 20, 15),
        _session(4, 1, 5, 3),
        _session(4, 2, 3, 2),
        _session(5, 1, 8, 5),
        _session(5, 2, 15, 6),
    ],
    "referrals": [
        _referral(1, "declined", "2025-06-01", True),
        _referral(2, "declined", "2025-07-01", False),
        _referral(3, "accepted", "2025-07-01", False),
        _referral(4, "declined", "2025-01-01", False),
    ],
}


def write_extract(folder: Path, rows: dict[str, list[Row]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, schema in SCHEMAS.items():
        pq.write_table(
            pa.Table.from_pylist(rows.get(name, []), schema=schema), table_path(folder, name)
        )
    return folder


@pytest.fixture(scope="session")
def tiny_extract(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_extract(tmp_path_factory.mktemp("tiny"), TINY)
