"""The instruments' published scoring, transcribed by hand from ../shared/guidance/INSTRUMENTS.md.

Tests compare the engine (which reads the data files) against these independent facts, so
a wrong point, band or flag in a data file fails a test rather than being checked against
itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

F = [0, 1, 2, 3, 4]  # never .. daily or almost daily
HARM = [0, 2, 4]  # no, yes but not in the last year, yes during the last year
PHQ = [0, 1, 2, 3]  # not at all .. nearly every day
AGREE = [1, 2, 3, 4, 5, 6]  # strongly disagree .. strongly agree

Points = list[int]
FlagRule = Callable[[Points, int], bool]


@dataclass
class Facts:
    points: list[list[int]]  # per item, per option position
    bands: list[tuple[str, int, int]]
    flags: dict[str, FlagRule] = field(default_factory=dict)
    panel: str | None = None  # LOINC panel code
    total_code: str | None = None  # LOINC total score code

    def band(self, total: int) -> str:
        (code,) = [code for code, low, high in self.bands if low <= total <= high]
        return code


FACTS: dict[str, Facts] = {
    "audit": Facts(
        points=[F] * 8 + [HARM, HARM],
        bands=[
            ("lower-risk", 0, 7),
            ("increasing-risk", 8, 15),
            ("higher-risk", 16, 19),
            ("possible-dependence", 20, 40),
        ],
        flags={
            "dependence-symptoms": lambda p, t: any(x > 0 for x in p[3:6]),
            "harm-last-year": lambda p, t: p[8] == 4 or p[9] == 4,
        },
        panel="72110-0",
        total_code="75624-7",
    ),
    "audit_c": Facts(
        points=[F] * 3,
        bands=[
            ("lower-risk", 0, 4),
            ("increasing-risk", 5, 7),
            ("higher-risk", 8, 10),
            ("possible-dependence", 11, 12),
        ],
        flags={"positive": lambda p, t: t >= 5},
        panel="72109-2",
        total_code="75626-2",
    ),
    "fast": Facts(
        points=[F, F, F, HARM],
        bands=[("negative", 0, 2), ("positive", 3, 16)],
    ),
    "phq9": Facts(
        points=[PHQ] * 9,
        bands=[
            ("none-minimal", 0, 4),
            ("mild", 5, 9),
            ("moderate", 10, 14),
            ("moderately-severe", 15, 19),
            ("severe", 20, 27),
        ],
        flags={
            "self-harm-thoughts": lambda p, t: p[8] >= 1,
            "caseness": lambda p, t: t >= 10,
        },
        panel="44249-1",
        total_code="44261-6",
    ),
    "gad7": Facts(
        points=[PHQ] * 7,
        bands=[("minimal", 0, 4), ("mild", 5, 9), ("moderate", 10, 14), ("severe", 15, 21)],
        flags={"caseness": lambda p, t: t >= 8},
        panel="69737-5",
        total_code="70274-6",
    ),
    "sadq": Facts(
        points=[PHQ] * 20,
        bands=[("mild", 0, 15), ("moderate", 16, 30), ("severe", 31, 60)],
    ),
    "hsi": Facts(
        points=[[3, 2, 1, 0], [0, 1, 2, 3]],
        bands=[("low", 0, 1), ("medium", 2, 4), ("high", 5, 6)],
    ),
    "barc10": Facts(
        points=[AGREE] * 10,
        bands=[("lower", 10, 46), ("higher", 47, 60)],
    ),
}

# FAST item 1 decides on its own: "never" is negative, "weekly" or "daily" positive.
FAST_DECIDES = {0: "negative", 3: "positive", 4: "positive"}


def expected(name: str, positions: list[int]) -> dict[str, object]:
    """What `nwd score NAME` must print for these positions, from the published facts."""
    facts = FACTS[name]
    points = [facts.points[i][p] for i, p in enumerate(positions)]
    total = sum(points)
    band = facts.band(total)
    if name == "fast" and positions[0] in FAST_DECIDES:
        band = FAST_DECIDES[positions[0]]
    flags = [code for code, rule in facts.flags.items() if rule(points, total)]
    return {"instrument": name, "total": total, "band": band, "items": points, "flags": flags}


def positions_for_total(name: str, total: int) -> list[int] | None:
    """Some complete answer list whose points add up to `total`, or None if none does."""
    table = FACTS[name].points
    if name == "fast":  # keep item 1 from deciding, so the total decides the band
        table = [[p if i in (1, 2) else -99 for i, p in enumerate(F)], *table[1:]]
    remaining = total
    positions = []
    for index, options in enumerate(table):
        rest = table[index + 1 :]
        rest_min = sum(min(p for p in o if p >= 0) for o in rest)
        rest_max = sum(max(o) for o in rest)
        for position, points in sorted(enumerate(options), key=lambda pair: -pair[1]):
            if points < 0:
                continue
            if rest_min <= remaining - points <= rest_max:
                positions.append(position)
                remaining -= points
                break
        else:
            return None
    return positions
