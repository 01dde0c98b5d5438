"""Indicator values on the tiny extract (conftest.py), each worked out by hand from the rows.

People 1-3 are in drug and alcohol treatment in the year; person 4 left before it. Mental
health need: person 1 (PHQ-9 12) and person 3 (a Talking Therapies episode); person 2's PHQ-9
is 5. Person 3's sex is not recorded.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from analytics.conftest import DA, TINY, D, _episode, _plan, write_extract
from nowrongdoor.analytics.engine import count_all, count_indicator, open_extract
from nowrongdoor.analytics.indicators import BY_ID, Period

YEAR = Period(date(2025, 4, 1), date(2026, 3, 31))


def counts(folder: Path, indicator: str) -> dict[tuple[str, str], tuple[int, int]]:
    """By breakdown and group; the same with the shared tables materialised (count_all)."""
    rows = count_indicator(open_extract(folder), YEAR, BY_ID[indicator])
    assert count_all(open_extract(folder), YEAR, [BY_ID[indicator]]) == rows
    return {(c.breakdown, c.group): (c.numerator, c.denominator) for c in rows}


@pytest.mark.parametrize(
    ("indicator", "area"),
    [
        # persons 1 (need), 2 (no need), 3 (need; two episodes, one group): 2 of 3
        ("co_occurring_in_treatment", (2, 3)),
        # started in the year: episode 2 waited 14 days, 3 waited 30, 4 waited 4
        ("wait_drug_alcohol_3_weeks", (2, 3)),
        # person 2 completed; person 3 completed but re-presented 61 days later
        ("successful_completion", (1, 3)),
        # courses 1 and 2 finished at caseness; only course 1 ended below it (8, 6)
        ("therapy_recovery", (1, 2)),
        # course 1 also fell reliably (PHQ-9 15 -> 8, GAD-7 10 -> 6)
        ("therapy_reliable_recovery", (1, 2)),
        # finished with both measures: courses 1, 2, 4, 5; only course 1 fell by 6 / 4
        ("therapy_reliable_improvement", (1, 4)),
        # course 5's PHQ-9 rose from 8 to 15
        ("therapy_reliable_deterioration", (1, 4)),
        # finished in the year: courses 1 (19 days), 2 (59), 4 (31), 5 (130); 3 had one session
        ("wait_therapy_6_weeks", (2, 4)),
        ("wait_therapy_18_weeks", (3, 4)),
        # declined in the year: referral 1 with a route, 2 without; 4 was declined in 2024-25
        ("declined_without_route", (1, 2)),
        # the same two: person 1 started at the community service on 2025-06-20, after
        # referral 1's decline (06-01) but before referral 2's (07-01)
        ("declined_started_elsewhere", (1, 2)),
        # co-occurring: persons 1 (coordinator from April) and 3 (coordinator ended in March)
        ("named_coordinator", (1, 2)),
        # in treatment: 1 (started 2025-03-10), 2 (started May), 3 (started July): 2 new of 3
        ("new_presentations", (2, 3)),
        # person 1's episode ended in February 2026: died
        ("deaths_in_treatment", (1, 3)),
        # released after treatment in prison in the year: person 2 (community start 14 days
        # later), 3 (34 days), 4 (none); 5 had no treatment there, 1 was released in 2024-25
        ("continuity_after_prison", (1, 3)),
        # co-occurring 1 and 3. Person 1: TT withdrawn, community mental health given (shares).
        # Person 3: their own service only, TT withdrawn, community mental health after the year
        ("consent_coverage", (1, 2)),
        # not initially suitable in the year: assessments 1, 2, 5 (4 was in 2024-25)
        ("not_suitable_offered_route", (2, 3)),  # 1 (offered, accepted), 2 (offered, declined)
        ("not_suitable_accepted_route", (1, 3)),  # 1 only
        # 2: person 3 in treatment at drugs until 08-01, the assessment's day; 1: TT only;
        # 5: person 4's treatment ended before the assessment
        ("not_suitable_started_route", (1, 3)),
        # TT referrals in the year: episodes 7, 8 (both started), 9 (not); 6 was in 2024-25
        ("therapy_entering_treatment", (2, 3)),
        # ended in the year: courses 1-5; course 3 had one treatment session
        ("therapy_finished_course", (4, 5)),
        # TOP pairs in the year (person 4's exit was in 2024-25): person 1 start -> review,
        # person 2 start -> exit (the later of review and exit), person 3 start (June) -> exit
        # (its October start is after the exit; the 2026-06 review is after the period).
        # Using at the start: 1, 2, 3; abstinent at follow-up: person 1 only
        ("top_abstinence", (1, 3)),
        # days used: person 1 30 -> 0, person 2 20 -> 8, person 3 15 -> 15
        ("top_reduced_use", (2, 3)),
        # injecting at the start: person 1 only (12 -> 0)
        ("top_stopped_injecting", (1, 1)),
        # acute housing problem at the start: 1 (resolved), 3 (not); person 2's arose later
        ("top_housing", (1, 2)),
        # no paid work at the start: 1 (0 -> 5 days), 3 (0 -> 0); person 2 worked 8 days
        ("top_employment", (1, 2)),
        # quality of life at both: 1 (6 -> 12), 2 (10 -> 9); person 3's start is missing
        ("top_quality_of_life", (1, 2)),
        # co-occurring 1 and 3 with reviews due in the year. Person 1: v1 due 07-15, v2 made
        # 07-10 (on time); v2 due 10-10, v3 made 10-20 (late); v3 due 01-20, v4 made 01-15.
        # Person 3: v1 due 09-01, v2 made 09-01 (on time). Person 2 (late) is not co-occurring
        ("care_plan_reviewed_on_time", (1, 2)),
        # latest version by 2026-03-31: person 1's v4 (crisis plan; v5 is after the period),
        # person 3's v2 (none, though v1 had one)
        ("crisis_plan", (1, 2)),
        # due in the year: person 2's of 2025-10-01 (done), person 3's 2025-09-01 (not done),
        # person 2's 2026-02-01 (done after the period); person 4's was due in 2024-25
        ("check_ups_done", (1, 3)),
        # in treatment 1, 2, 3: persons 1 and 2 have a child living with them (person 4 is
        # not in treatment)
        ("living_with_children", (2, 3)),
        # person 1's child living with them has a status (the one living elsewhere does not
        # count); one of person 2's two is not known
        ("children_safeguarding_known", (1, 2)),
    ],
)
def test_area_values_match_the_hand_count(
    tiny_extract: Path, indicator: str, area: tuple[int, int]
) -> None:
    assert counts(tiny_extract, indicator)[("area", "all")] == area


def test_breakdowns_split_the_area_including_not_known(tiny_extract: Path) -> None:
    got = counts(tiny_extract, "co_occurring_in_treatment")
    assert got[("sex", "male")] == (1, 1)
    assert got[("sex", "female")] == (0, 1)
    assert got[("sex", "not-known")] == (1, 1)
    assert got[("substance_group", "opiate")] == (1, 1)
    assert got[("substance_group", "alcohol-only")] == (1, 2)
    assert got[("service", "drugs")] == (2, 3)


def test_new_presentations_and_children_by_substance_group(tiny_extract: Path) -> None:
    new = counts(tiny_extract, "new_presentations")
    assert new[("substance_group", "opiate")] == (0, 1)
    assert new[("substance_group", "alcohol-only")] == (2, 2)
    children = counts(tiny_extract, "living_with_children")
    assert children[("substance_group", "opiate")] == (1, 1)
    assert children[("substance_group", "alcohol-only")] == (1, 2)


def test_completion_by_substance_group(tiny_extract: Path) -> None:
    got = counts(tiny_extract, "successful_completion")
    assert got[("substance_group", "alcohol-only")] == (1, 2)
    assert got[("substance_group", "opiate")] == (0, 1)


def test_top_change_by_substance_group(tiny_extract: Path) -> None:
    # person 1 (opiate episode) 30 -> 0 days; persons 2 and 3 (alcohol only) 20 -> 8, 15 -> 15
    got = counts(tiny_extract, "top_reduced_use")
    assert got[("substance_group", "opiate")] == (1, 1)
    assert got[("substance_group", "alcohol-only")] == (1, 2)


def test_a_review_due_after_leaving_treatment_is_not_expected(tmp_path: Path) -> None:
    """Person 1's review fell due after their treatment ended; person 2's before it, and no
    newer plan followed: 0 of 1 on time, not 0 of 2."""
    rows = {
        "services": TINY["services"],
        "people": TINY["people"][:2],
        "episodes": [
            _episode(1, 1, DA, "opiate", "2025-04-01", "2025-04-10", "2025-06-01"),
            _episode(2, 2, DA, "opiate", "2025-04-01", "2025-04-10", "2025-09-01"),
        ],
        "screenings": [
            {
                "person_id": i,
                "service_id": DA,
                "instrument": "phq9",
                "date": D("2025-04-01"),
                "total": 15.0,
            }
            for i in (1, 2)
        ],
        "care_plan_versions": [
            _plan(1, 1, "2025-04-15", "2025-07-15", True),
            _plan(2, 1, "2025-04-15", "2025-07-15", True),
        ],
    }
    folder = write_extract(tmp_path / "left", rows)
    assert counts(folder, "care_plan_reviewed_on_time")[("area", "all")] == (0, 1)
