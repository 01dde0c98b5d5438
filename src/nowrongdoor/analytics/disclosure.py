"""Disclosure control, applied in the engine before any writer sees a figure.

Rules (../shared/guidance/INDICATORS.md): a count of 1-7 is suppressed; other sub-national
counts are rounded to the nearest 5 (0 is shown); rates come from the rounded counts and never
from a denominator under 8. A numerator whose complement (denominator - numerator) is 1-7 is
suppressed too, since the complement is itself a count of people. Secondary suppression:
within each breakdown of an indicator, whose groups add up to the area total, a lone hidden
cell could be recovered by subtraction, so the next-smallest cell is hidden with it.

Lifting control needs a named purpose and user; the result carries a note saying so, and
`services.area_report.lifting` records it in the audit trail first (decision 0015).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

SMALLEST_SHOWN = 8
ROUND_TO = 5
AREA = "area"  # the breakdown holding each indicator's total


@dataclass(frozen=True)
class Count:
    indicator: str
    breakdown: str
    group: str
    numerator: int
    denominator: int


@dataclass(frozen=True)
class Cell:
    """A published figure; None means suppressed ("*")."""

    indicator: str
    breakdown: str
    group: str
    numerator: int | None
    denominator: int | None
    value: float | None  # percentage
    gap: float | None  # percentage points from the area's value


@dataclass(frozen=True)
class Lifting:
    """A named, audited internal use for which counts are shown unsuppressed and unrounded."""

    purpose: str
    user: str

    def __post_init__(self) -> None:
        if not self.purpose.strip() or not self.user.strip():
            raise ValueError("lifting disclosure control needs a purpose and a user")


@dataclass(frozen=True)
class Publication:
    cells: list[Cell]
    note: str
    lifted: bool = False  # disclosure control lifted: the note says for what and by whom


def _small(count: int) -> bool:
    return 1 <= count < SMALLEST_SHOWN


def _round(count: int) -> int:
    return (count + ROUND_TO // 2) // ROUND_TO * ROUND_TO


def _hidden(counts: Sequence[Count]) -> tuple[set[int], set[int]]:
    """Indexes of counts whose numerator, and whose denominator, are suppressed."""
    denominators = {i for i, c in enumerate(counts) if _small(c.denominator)}
    numerators = denominators | {
        i
        for i, c in enumerate(counts)
        if _small(c.numerator) or _small(c.denominator - c.numerator)
    }
    totals: dict[str, int] = {c.indicator: i for i, c in enumerate(counts) if c.breakdown == AREA}
    breakdowns: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, c in enumerate(counts):
        if c.breakdown != AREA:
            breakdowns[(c.indicator, c.breakdown)].append(i)
    changed = True
    while changed:
        changed = False
        for (indicator, _), members in breakdowns.items():
            total = totals.get(indicator)
            for hidden, size in (
                (denominators, lambda i: counts[i].denominator),
                (numerators, lambda i: counts[i].numerator),
            ):
                if total is None or total in hidden:
                    continue
                if sum(i in hidden for i in members) == 1:
                    shown = [i for i in members if i not in hidden]
                    if not shown:
                        raise ValueError(f"{indicator}: a breakdown does not add up to the area")
                    extra = min(shown, key=size)
                    hidden.add(extra)
                    if hidden is denominators:
                        numerators.add(extra)
                    changed = True
    return numerators, denominators


def _rate(numerator: int | None, denominator: int | None, true_denominator: int) -> float | None:
    if numerator is None or denominator is None or true_denominator < SMALLEST_SHOWN:
        return None
    return round(100 * numerator / denominator, 1) if denominator else None


def publish(
    counts: Iterable[Count], *, national: bool = False, lifting: Lifting | None = None
) -> Publication:
    """Counts to published cells: suppressed, rounded and with the gap to the area's value.
    `national`: the area total is a national one and is not rounded."""
    counts = list(counts)
    if lifting is not None:
        numerators: set[int] = set()
        denominators: set[int] = set()
        note = (
            f"DISCLOSURE CONTROL LIFTED for {lifting.purpose!r} by {lifting.user!r} at "
            f"{datetime.now(UTC).isoformat(timespec='seconds')}: internal use only"
        )
    else:
        numerators, denominators = _hidden(counts)
        note = "counts 1-7 suppressed (*), others rounded to the nearest 5; secondary suppression"

    def shown(i: int, count: int, hidden: set[int]) -> int | None:
        if i in hidden:
            return None
        keep_exact = lifting is not None or (national and counts[i].breakdown == AREA)
        return count if keep_exact else _round(count)

    cells = []
    for i, c in enumerate(counts):
        numerator = shown(i, c.numerator, numerators)
        denominator = shown(i, c.denominator, denominators)
        cells.append((c, numerator, denominator, _rate(numerator, denominator, c.denominator)))
    area_value = {c.indicator: value for c, _, _, value in cells if c.breakdown == AREA}
    published = [
        Cell(
            c.indicator,
            c.breakdown,
            c.group,
            numerator,
            denominator,
            value,
            _gap(value, area_value.get(c.indicator)),
        )
        for c, numerator, denominator, value in cells
    ]
    return Publication(published, note, lifted=lifting is not None)


def _gap(value: float | None, area: float | None) -> float | None:
    return None if value is None or area is None else round(value - area, 1)
