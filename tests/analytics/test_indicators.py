"""Indicator values on the tiny extract (conftest.py), each worked out by hand from the rows.

People 1-3 are in drug and alcohol treatment in the year; person 4 left before it. Mental
health need: person 1 (PHQ-9 12) and person 3 (a Talking Therapies episode); person 2's PHQ-9
is 5. Person 3's sex is not recorded.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

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
        # co-occurring: persons 1 (coordinator from April) and 3 (coordinator ended in March)
        ("named_coordinator", (1, 2)),
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


def test_completion_by_substance_group(tiny_extract: Path) -> None:
    got = counts(tiny_extract, "successful_completion")
    assert got[("substance_group", "alcohol-only")] == (1, 2)
    assert got[("substance_group", "opiate")] == (0, 1)
