"""The recovery chart of a Talking Therapies course: PHQ-9 and GAD-7 totals over sessions
against their caseness lines, drawn server-side as SVG geometry (no script, no inline style).

Caseness comes from each instrument's data (its `caseness` flag), so the line drawn is the
threshold the outcome is judged on. A measure not taken is a gap in its line, never a
guessed point; the page shows the same numbers in a table beside the chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nowrongdoor.guidance import instruments
from nowrongdoor.records.outcomes.models import SessionMeasure

WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 80  # room for the axis labels and the legend
TICK_EVERY = 5


@dataclass(frozen=True)
class Measure:
    """One line of the chart: which instrument, which session field, how it is drawn."""

    instrument: str
    label: str
    field: str
    colour: str
    dashes: str  # stroke-dasharray; "" for a solid line
    marker: str  # circle or square, so the lines differ without colour


MEASURES = (
    Measure("phq9", "PHQ-9", "phq9_total", "#005eb8", "", "circle"),
    Measure("gad7", "GAD-7", "gad7_total", "#d5281b", "6 4", "square"),
)


def caseness(instrument: str) -> int:
    """The total at or above which a person is at caseness, from the instrument's data."""
    (flag,) = [f for f in instruments.load(instrument).flags if f.code == "caseness"]
    return int(flag.min_points)


def maximum(instrument: str) -> int:
    """The highest total the instrument allows."""
    return int(instruments.load(instrument).max_total)


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    session: int
    value: int


@dataclass(frozen=True)
class Line:
    measure: Measure
    caseness: int
    caseness_y: float
    points: tuple[Point, ...]
    segments: tuple[str, ...]  # polyline `points`, broken where a measure was not taken


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    y_ticks: tuple[tuple[int, float], ...]
    x_ticks: tuple[tuple[int, float], ...]
    lines: tuple[Line, ...]
    description: str


def _segments(points: Sequence[Point | None]) -> tuple[str, ...]:
    runs: list[list[Point]] = [[]]
    for point in points:
        if point is None:
            runs.append([])
        else:
            runs[-1].append(point)
    return tuple(" ".join(f"{p.x:g},{p.y:g}" for p in run) for run in runs if len(run) > 1)


def _described(line: Line) -> str:
    name = f"{line.measure.label} (caseness {line.caseness} or more)"
    if not line.points:
        return f"{name}: not taken."
    first, last = line.points[0], line.points[-1]
    if first is last:
        return f"{name}: {first.value} at session {first.session}."
    return (
        f"{name}: {first.value} at session {first.session}, {last.value} at session {last.session}."
    )


def draw(sessions: Sequence[SessionMeasure]) -> Chart:
    """The chart of a course's sessions in order, one x position per session."""
    highest = max(maximum(m.instrument) for m in MEASURES)
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y_of(value: float) -> float:
        return round(TOP + plot_height * (1 - value / highest), 1)

    step = plot_width / max(len(sessions), 1)
    xs = [round(LEFT + step * (index + 0.5), 1) for index in range(len(sessions))]
    lines = []
    for measure in MEASURES:
        threshold = caseness(measure.instrument)
        values: list[int | None] = [getattr(s, measure.field) for s in sessions]
        placed = [
            None if v is None else Point(x, y_of(v), s.session_number, v)
            for x, v, s in zip(xs, values, sessions, strict=True)
        ]
        lines.append(
            Line(
                measure,
                threshold,
                y_of(threshold),
                tuple(p for p in placed if p is not None),
                _segments(placed),
            )
        )
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=WIDTH - RIGHT,
        top=TOP,
        bottom=HEIGHT - BOTTOM,
        y_ticks=tuple((v, y_of(v)) for v in range(0, highest + 1, TICK_EVERY)),
        x_ticks=tuple((s.session_number, x) for s, x in zip(sessions, xs, strict=True)),
        lines=tuple(lines),
        description=" ".join(_described(line) for line in lines),
    )
