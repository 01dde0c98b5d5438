"""Talking Therapies course results and TOP change (INSTRUMENTS.md), in the pure core.

Each definition is checked on both sides of its threshold; properties check that results
never contradict one another and that a missing total is never guessed.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nowrongdoor.errors import InputError
from nowrongdoor.guidance.outcomes import (
    CHANGE_RESULTS,
    TOP_FIELDS,
    CourseOutcome,
    Session,
    check_top,
    compare_top,
    course_outcome,
)

RESULTS = ("at_caseness_start", *CHANGE_RESULTS)


def course(*totals: tuple[int | None, int | None], assessment_first: bool = False) -> CourseOutcome:
    """A course whose sessions are numbered 1.. with these (PHQ-9, GAD-7) totals."""
    return course_outcome(
        [
            Session(n, phq9, gad7, is_treatment=not (assessment_first and n == 1))
            for n, (phq9, gad7) in enumerate(totals, start=1)
        ]
    )


# --- caseness ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phq9", "gad7", "expected"),
    [(9, 7, False), (10, 0, True), (0, 8, True), (9, 0, False), (0, 7, False), (27, 21, True)],
)
def test_caseness_is_phq9_10_or_gad7_8(phq9: int, gad7: int, expected: bool) -> None:
    result = course((phq9, gad7), (phq9, gad7))
    assert result.at_caseness_start is expected
    assert result.at_caseness_end is expected


# --- finished ---------------------------------------------------------------------------


def test_finished_needs_two_treatment_sessions() -> None:
    assert not course((12, 9)).finished
    assert course((12, 9), (5, 3)).finished
    one_treatment = course((12, 9), (5, 3), assessment_first=True)
    assert (one_treatment.treatment_sessions, one_treatment.finished) == (1, False)
    assert course((12, 9), (8, 6), (5, 3), assessment_first=True).finished


def test_the_assessment_measure_is_the_first_measure() -> None:
    result = course((15, 12), (12, 9), (4, 3), assessment_first=True)
    assert (result.first_measure, result.last_measure) == (1, 3)
    assert result.recovered


def test_sessions_without_measures_count_as_sessions_but_not_as_measures() -> None:
    result = course((None, None), (14, 10), (None, None), (4, 2), (None, None))
    assert (result.treatment_sessions, result.first_measure, result.last_measure) == (5, 2, 4)
    assert result.reliable_recovery


# --- recovery ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last", "recovered"),
    [
        ((10, 0), (9, 7), True),  # at caseness, then not
        ((10, 0), (10, 0), False),  # still at caseness by PHQ-9
        ((10, 0), (0, 8), False),  # still at caseness by GAD-7
        ((9, 7), (0, 0), False),  # never at caseness: cannot recover
        ((0, 8), (9, 7), True),
    ],
)
def test_recovery(first: tuple[int, int], last: tuple[int, int], recovered: bool) -> None:
    assert course(first, last).recovered is recovered


# --- reliable change --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last", "improved", "deteriorated"),
    [
        ((15, 5), (9, 5), True, False),  # PHQ-9 -6
        ((15, 5), (10, 5), False, False),  # PHQ-9 -5
        ((5, 10), (5, 6), True, False),  # GAD-7 -4
        ((5, 10), (5, 7), False, False),  # GAD-7 -3
        ((5, 5), (11, 5), False, True),  # PHQ-9 +6
        ((5, 5), (10, 5), False, False),  # PHQ-9 +5
        ((5, 5), (5, 9), False, True),  # GAD-7 +4
        ((5, 5), (5, 8), False, False),  # GAD-7 +3
        ((15, 5), (9, 9), False, True),  # PHQ-9 fell 6 but GAD-7 rose 4: not an improvement
        ((15, 5), (9, 8), True, False),  # GAD-7 rose only 3
        ((5, 10), (11, 6), False, True),  # GAD-7 fell 4 but PHQ-9 rose 6
        ((5, 10), (10, 6), True, False),  # PHQ-9 rose only 5
    ],
)
def test_reliable_improvement_and_deterioration(
    first: tuple[int, int], last: tuple[int, int], improved: bool, deteriorated: bool
) -> None:
    result = course(first, last)
    assert result.reliable_improvement is improved
    assert result.reliable_deterioration is deteriorated


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        ((16, 5), (9, 5), True),  # recovered and PHQ-9 -7
        ((14, 5), (9, 5), False),  # recovered, PHQ-9 only -5
        ((9, 12), (9, 7), True),  # recovered by GAD-7 -5
        ((9, 10), (9, 7), False),  # recovered, GAD-7 only -3
        ((20, 5), (10, 5), False),  # reliably improved, still at caseness
        ((9, 7), (0, 0), False),  # improved a lot, never at caseness
    ],
)
def test_reliable_recovery_is_both(
    first: tuple[int, int], last: tuple[int, int], expected: bool
) -> None:
    result = course(first, last)
    assert result.reliable_recovery is expected
    assert expected == (result.recovered and result.reliable_improvement)


# --- missing measures -------------------------------------------------------------------


def test_no_measures_means_no_results_each_with_a_reason() -> None:
    result = course((None, None), (None, None))
    assert result.finished
    assert all(getattr(result, name) is None for name in RESULTS)
    assert set(result.reasons) == set(RESULTS)
    assert "no session has a PHQ-9 or GAD-7 total" in result.reasons["recovered"]


def test_one_measure_gives_the_start_and_no_change() -> None:
    result = course((14, 9), (None, None))
    assert result.at_caseness_start is True
    assert all(getattr(result, name) is None for name in CHANGE_RESULTS)
    assert "only session 1" in result.reasons["recovered"]


def test_a_missing_total_is_not_guessed() -> None:
    result = course((5, None), (3, 2))
    assert result.at_caseness_start is None  # GAD-7 could have been 8 or more
    assert result.reasons["at_caseness_start"] == "not recorded: GAD-7 at session 1"
    assert result.recovered is None
    assert result.reliable_improvement is None  # GAD-7 could have fallen by 4
    assert result.reasons["recovered"] == "not recorded: GAD-7 at session 1"
    assert result.reliable_deterioration is False  # GAD-7 ended at 2: it cannot have risen


def test_what_the_recorded_total_decides_is_given() -> None:
    start_case = course((12, None), (13, None))
    assert start_case.at_caseness_start is True
    assert start_case.at_caseness_end is True
    assert start_case.recovered is False
    worse = course((4, None), (20, None))
    assert worse.reliable_deterioration is True
    assert worse.reliable_improvement is False
    assert worse.reliable_recovery is False


# --- input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sessions", "message"),
    [
        ([Session(1, 28, 0)], r"^sessions\.0\.phq9: 28 is outside 0-27$"),
        ([Session(1, 0, 22)], r"^sessions\.0\.gad7: 22 is outside 0-21$"),
        ([Session(1, -1, 0)], r"^sessions\.0\.phq9: -1 is outside 0-27$"),
        ([Session(1, True, 0)], r"^sessions\.0\.phq9: True is not a whole number$"),
        ([Session(1, 0, 0), Session(1, 0, 0)], r"^sessions\.1\.number: session 1 does not"),
        ([Session(0, 0, 0)], r"^sessions\.0\.number: session 0 does not follow"),
    ],
)
def test_bad_sessions_name_the_field(sessions: list[Session], message: str) -> None:
    with pytest.raises(InputError, match=message):
        course_outcome(sessions)


# --- properties -------------------------------------------------------------------------

phq9 = st.one_of(st.none(), st.integers(0, 27))
gad7 = st.one_of(st.none(), st.integers(0, 21))
sessions = st.lists(st.tuples(phq9, gad7, st.booleans()), max_size=8).map(
    lambda rows: [Session(n, p, g, t) for n, (p, g, t) in enumerate(rows, start=1)]
)


@settings(max_examples=500)
@given(sessions)
def test_results_never_contradict_one_another(course_sessions: list[Session]) -> None:
    result = course_outcome(course_sessions)
    if result.reliable_recovery:
        assert result.recovered
        assert result.reliable_improvement
    if result.recovered:
        assert result.at_caseness_start
        assert result.at_caseness_end is False
    assert not (result.reliable_improvement and result.reliable_deterioration)
    assert result.finished == (sum(s.is_treatment for s in course_sessions) >= 2)
    assert set(result.reasons) == {name for name in RESULTS if getattr(result, name) is None}


@settings(max_examples=500)
@given(sessions, st.data())
def test_a_result_given_with_missing_totals_holds_whatever_they_were(
    course_sessions: list[Session], data: st.DataObject
) -> None:
    """Soundness of "never guess": fill the gaps of the measured sessions any way at all,
    and every result that was given stays the same."""
    partial = course_outcome(course_sessions)
    filled = [
        s
        if s.phq9 is None and s.gad7 is None
        else Session(
            s.number,
            data.draw(st.integers(0, 27)) if s.phq9 is None else s.phq9,
            data.draw(st.integers(0, 21)) if s.gad7 is None else s.gad7,
            s.is_treatment,
        )
        for s in course_sessions
    ]
    complete = course_outcome(filled)
    for name in RESULTS:
        if getattr(partial, name) is not None:
            assert getattr(partial, name) == getattr(complete, name), name
    if complete.first_measure is not None:
        assert complete.at_caseness_start is not None
    if complete.last_measure is not None:
        assert all(getattr(complete, name) is not None for name in CHANGE_RESULTS)


# --- TOP --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"alcohol_days": 29}, r"^alcohol_days: 29 is outside 0-28$"),
        ({"injecting_days": -1}, r"^injecting_days: -1 is outside 0-28$"),
        ({"quality_of_life": 21}, r"^quality_of_life: 21 is outside 0-20$"),
        ({"paid_work_days": 2.5}, r"^paid_work_days: 2.5 is not a whole number$"),
        ({"crack_days": True}, r"^crack_days: True is not a whole number$"),
        ({"vehicle_theft": 1}, r"^vehicle_theft: 1 is not yes \(true\) or no \(false\)$"),
        ({"alcohol_amount": -1}, r"^alcohol_amount: -1 is outside 0-9999.99$"),
        ({"alcohol_amount": "1.255"}, r"^alcohol_amount: 1.255 has more than 2 decimal"),
        ({"alcohol_amount": "lots"}, r"^alcohol_amount: 'lots' is not a number$"),
        ({"heroin_days": 3}, r"^heroin_days: unknown field$"),
    ],
)
def test_bad_top_answers_name_the_field(fields: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message):
        check_top(fields)


def test_top_answers_at_their_limits_are_kept_as_given() -> None:
    fields = {"alcohol_days": 28, "college_days": 0, "physical_health": 20, "crack_amount": 0.5}
    assert check_top({**fields, "fraud_forgery": None}) == {
        **fields,
        "crack_amount": Decimal("0.5"),
        "fraud_forgery": None,
    }


def test_top_change_is_per_item_and_knows_which_way_is_better() -> None:
    start = {"alcohol_days": 20, "psychological_health": 6, "risk_of_eviction": True}
    review = {"alcohol_days": 8, "psychological_health": 5, "risk_of_eviction": False}
    changes = {c.field: c for c in compare_top(start, review)}
    assert len(changes) == len([f for f in TOP_FIELDS if f.kind != "name"])
    assert (changes["alcohol_days"].change, changes["alcohol_days"].direction) == (-12, "better")
    assert changes["psychological_health"].direction == "worse"
    assert changes["risk_of_eviction"].direction == "better"
    assert changes["cocaine_days"].direction is None
    assert changes["cocaine_days"].reason == "not answered on the earlier and later record"


def test_top_work_and_ratings_are_better_higher_and_unchanged_is_same() -> None:
    start = {"paid_work_days": 0, "quality_of_life": 10, "alcohol_amount": Decimal("12.5")}
    exit_ = {"paid_work_days": 12, "quality_of_life": 10, "alcohol_amount": Decimal("4")}
    changes = {c.field: c for c in compare_top(start, exit_)}
    assert changes["paid_work_days"].direction == "better"
    assert changes["quality_of_life"].direction == "same"
    assert changes["alcohol_amount"].change == Decimal("-8.5")
    assert changes["alcohol_amount"].to_json()["change"] == "-8.5"


def test_a_different_other_substance_is_not_compared() -> None:
    start = {"other_substance_name": "ketamine", "other_substance_days": 10}
    same = {"other_substance_name": " Ketamine", "other_substance_days": 2}
    other = {"other_substance_name": "GHB", "other_substance_days": 2}
    assert {c.field: c for c in compare_top(start, same)}["other_substance_days"].change == -8
    changed = {c.field: c for c in compare_top(start, other)}["other_substance_days"]
    assert (changed.change, changed.reason) == (
        None,
        "the records name different other problem substances",
    )
