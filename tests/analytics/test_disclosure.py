"""Disclosure control properties on random tables whose breakdowns add up to the area."""

from __future__ import annotations

from collections import defaultdict

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nowrongdoor.analytics.disclosure import AREA, Cell, Count, Lifting, publish

GROUP = st.tuples(st.integers(0, 60), st.integers(0, 60)).map(
    lambda pair: (min(pair), max(pair))  # (numerator, denominator), numerator <= denominator
)


@st.composite
def indicator_tables(draw: st.DrawFn) -> list[Count]:
    """One or two indicators, each with one to three breakdowns partitioning the same area."""
    counts: list[Count] = []
    for indicator in ("a", "b")[: draw(st.integers(1, 2))]:
        groups = draw(
            st.lists(GROUP, min_size=1, max_size=6).filter(lambda g: sum(d for _, d in g))
        )
        total_n, total_d = sum(n for n, _ in groups), sum(d for _, d in groups)
        counts.append(Count(indicator, AREA, "all", total_n, total_d))
        counts += [Count(indicator, "sex", f"g{i}", n, d) for i, (n, d) in enumerate(groups)]
        for breakdown in ("age", "service")[: draw(st.integers(0, 2))]:
            shuffled = draw(st.permutations(groups))
            counts += [
                Count(indicator, breakdown, f"h{i}", n, d) for i, (n, d) in enumerate(shuffled)
            ]
    return counts


@given(indicator_tables())
def test_no_published_count_is_between_1_and_7(counts: list[Count]) -> None:
    for cell in publish(counts).cells:
        for shown in (cell.numerator, cell.denominator):
            assert shown is None or shown == 0 or shown >= 8
            assert shown is None or shown % 5 == 0


@given(indicator_tables())
def test_no_rate_from_a_denominator_under_8(counts: list[Count]) -> None:
    for count, cell in zip(counts, publish(counts).cells, strict=True):
        if count.denominator < 8:
            assert cell.value is None
        if cell.value is not None:
            assert cell.numerator is not None
            assert cell.denominator is not None


@given(indicator_tables())
def test_a_suppressed_cell_cannot_be_recovered_from_the_published_total(
    counts: list[Count],
) -> None:
    """With the area total published, a breakdown hides zero cells or at least two, so the
    total minus the published cells leaves a sum of two or more unknowns."""
    cells = publish(counts).cells
    area = {c.indicator: c for c in cells if c.breakdown == AREA}
    breakdowns: dict[tuple[str, str], list[Cell]] = defaultdict(list)
    for cell in cells:
        if cell.breakdown != AREA:
            breakdowns[(cell.indicator, cell.breakdown)].append(cell)
    for (indicator, _), members in breakdowns.items():
        for part in ("numerator", "denominator"):
            if getattr(area[indicator], part) is None:
                continue
            assert sum(getattr(m, part) is None for m in members) != 1


@given(indicator_tables())
def test_a_numerator_whose_complement_is_small_is_hidden(counts: list[Count]) -> None:
    for count, cell in zip(counts, publish(counts).cells, strict=True):
        if 1 <= count.denominator - count.numerator <= 7:
            assert cell.numerator is None
            assert cell.value is None


def test_worked_example() -> None:
    counts = [
        Count("x", AREA, "all", 40, 100),
        Count("x", "sex", "female", 3, 30),  # primary: 3
        Count("x", "sex", "male", 17, 40),  # smallest other numerator: secondary
        Count("x", "sex", "not-stated", 20, 30),
    ]
    cells = publish(counts).cells
    assert [(c.numerator, c.denominator, c.value) for c in cells] == [
        (40, 100, 40.0),
        (None, 30, None),
        (None, 40, None),
        (20, 30, 66.7),
    ]
    assert cells[3].gap == 26.7


def test_national_totals_are_not_rounded_but_breakdowns_are() -> None:
    counts = [Count("x", AREA, "all", 41, 102), Count("x", "sex", "f", 41, 102)]
    area, group = publish(counts, national=True).cells
    assert (area.numerator, area.denominator) == (41, 102)
    assert (group.numerator, group.denominator) == (40, 100)


def test_lifting_needs_a_purpose_and_user_and_says_so() -> None:
    with pytest.raises(ValueError, match="purpose and a user"):
        Lifting(purpose=" ", user="analyst")
    counts = [Count("x", AREA, "all", 3, 9)]
    publication = publish(counts, lifting=Lifting("clinical audit 2026-01", "a.analyst"))
    assert publication.cells[0].numerator == 3
    assert "LIFTED" in publication.note
    assert "clinical audit 2026-01" in publication.note
    assert "a.analyst" in publication.note
