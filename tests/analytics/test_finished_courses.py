"""finished_courses packs (session number, PHQ-9, GAD-7) into one integer to take the first
and last session's measures in one pass: the same rows as joining on the min and max
session number, at int16's edges, with null measures and null session numbers."""

from __future__ import annotations

from datetime import date

import ibis
import pyarrow as pa

from nowrongdoor.analytics.indicators import Period, finished_courses

YEAR = Period(date(2025, 4, 1), date(2026, 3, 31))
Row = tuple[int, int, int | None, int | None, int | None, int | None, int | None, int | None]


def test_first_and_last_session_measures() -> None:
    int16 = pa.int16()
    sessions = {  # course: (session number, PHQ-9, GAD-7, is treatment)
        1: [(1, None, 21, True), (3, 27, None, True), (2, 5, 4, True)],
        2: [(5, 0, 32767, True), (-7, -32768, 1, True)],
        3: [(None, 1, 1, True), (None, 2, 2, True)],  # no session number: no first or last
        4: [(None, 9, 9, True), (4, 8, 8, True), (2, 7, 7, True)],
        5: [(1, 5, 5, True), (2, 6, 6, False)],  # one treatment session
    }
    rows = [(course, *row) for course, rows in sessions.items() for row in rows]
    s = pa.table(
        {
            "course_id": [row[0] for row in rows],
            "session_number": pa.array([row[1] for row in rows], int16),
            "is_treatment": [row[4] for row in rows],
            "phq9_total": pa.array([row[2] for row in rows], int16),
            "gad7_total": pa.array([row[3] for row in rows], int16),
        }
    )
    ended = [date(2025, 6, 1)] * 5
    c = pa.table(
        {
            "course_id": [1, 2, 3, 4, 5],
            "person_id": [1, 2, 3, 4, 5],
            "service_id": [1] * 5,
            "referral_received": ended,
            "started": ended,
            "ended": ended,
        }
    )
    t = {"therapy_sessions": ibis.memtable(s), "therapy_courses": ibis.memtable(c)}
    columns = ["course_id", "sessions", "first", "last"]
    columns += ["phq9_first", "gad7_first", "phq9_last", "gad7_last"]
    got = finished_courses(t, YEAR).select(columns).order_by("course_id").to_pyarrow()
    expected: list[Row] = [
        (1, 3, 1, 3, None, 21, 27, None),
        (2, 2, -7, 5, -32768, 1, 0, 32767),
        (4, 3, 2, 4, 7, 7, 8, 8),
    ]
    assert [tuple(row.values()) for row in got.to_pylist()] == expected
