"""Outcome measures: NHS Talking Therapies course results and TOP change, as pure functions.

Talking Therapies (INSTRUMENTS.md): caseness is PHQ-9 >= 10 or GAD-7 >= 8; a course is
finished with at least 2 treatment sessions; recovery, reliable improvement (PHQ-9 -6,
GAD-7 -4, neither rising by that much), reliable deterioration and reliable recovery compare
the first measure with the last. A missing total is never guessed: a result is given only
when every value the missing total could take gives the same answer, otherwise it is None
with a reason (decision 0007). TOP has no total, so its change is reported field by field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Literal

from nowrongdoor.errors import InputError

PHQ9_MAX, GAD7_MAX = 27, 21
PHQ9_CASENESS, GAD7_CASENESS = 10, 8
PHQ9_RELIABLE_CHANGE, GAD7_RELIABLE_CHANGE = 6, 4
FINISHED_TREATMENT_SESSIONS = 2

Tri = bool | None  # three-valued: None is "cannot be told from what was recorded"


def check_total(name: str, value: object, maximum: int) -> int | None:
    """A questionnaire total as given, or an error naming `name`: no rounding, no clamping."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(name, f"{name}: {value!r} is not a whole number")
    if not 0 <= value <= maximum:
        raise InputError(name, f"{name}: {value} is outside 0-{maximum}")
    return value


@dataclass(frozen=True)
class Session:
    """One attended session of a course and the totals recorded at it (None: not recorded)."""

    number: int
    phq9: int | None
    gad7: int | None
    is_treatment: bool = True


@dataclass(frozen=True)
class CourseOutcome:
    """The Talking Therapies results of one course; `reasons` explains every None result."""

    treatment_sessions: int
    finished: bool
    first_measure: int | None  # session numbers the results compare
    last_measure: int | None
    at_caseness_start: Tri
    at_caseness_end: Tri
    recovered: Tri
    reliable_improvement: Tri
    reliable_deterioration: Tri
    reliable_recovery: Tri
    reasons: Mapping[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        return {
            "treatment_sessions": self.treatment_sessions,
            "finished": self.finished,
            "first_measure": self.first_measure,
            "last_measure": self.last_measure,
            "at_caseness_start": self.at_caseness_start,
            "at_caseness_end": self.at_caseness_end,
            "recovered": self.recovered,
            "reliable_improvement": self.reliable_improvement,
            "reliable_deterioration": self.reliable_deterioration,
            "reliable_recovery": self.reliable_recovery,
            "reasons": dict(self.reasons),
        }


# Kleene's three-valued logic: a None operand matters only if the others do not decide.
def _and(*values: Tri) -> Tri:
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True


def _or(*values: Tri) -> Tri:
    if any(v is True for v in values):
        return True
    return None if any(v is None for v in values) else False


def _not(value: Tri) -> Tri:
    return None if value is None else not value


# A total is an interval: exact when recorded, its whole range when not. Each comparison
# below is decided exactly over that interval.
Span = tuple[int, int]


def _span(value: int | None, maximum: int) -> Span:
    return (0, maximum) if value is None else (value, value)


def _at_least(span: Span, threshold: int) -> Tri:
    if span[0] >= threshold:
        return True
    return False if span[1] < threshold else None


def _change(first: Span, last: Span) -> Span:
    return (last[0] - first[1], last[1] - first[0])


def _fell_by(change: Span, amount: int) -> Tri:
    if change[1] <= -amount:
        return True
    return False if change[0] > -amount else None


def _rose_by(change: Span, amount: int) -> Tri:
    if change[0] >= amount:
        return True
    return False if change[1] < amount else None


def _caseness(session: Session) -> Tri:
    return _or(
        _at_least(_span(session.phq9, PHQ9_MAX), PHQ9_CASENESS),
        _at_least(_span(session.gad7, GAD7_MAX), GAD7_CASENESS),
    )


def _missing(*sessions: Session) -> str:
    gaps = []
    for session in dict.fromkeys(sessions):  # first and last may be one session
        if session.phq9 is None:
            gaps.append(f"PHQ-9 at session {session.number}")
        if session.gad7 is None:
            gaps.append(f"GAD-7 at session {session.number}")
    return "not recorded: " + ", ".join(gaps)


def _checked(sessions: Sequence[Session]) -> None:
    previous = 0
    for index, session in enumerate(sessions):
        where = f"sessions.{index}"
        if isinstance(session.number, bool) or not isinstance(session.number, int):
            raise InputError(f"{where}.number", f"{where}.number: not a whole number")
        if session.number <= previous:
            raise InputError(
                f"{where}.number",
                f"{where}.number: session {session.number} does not follow session {previous}",
            )
        previous = session.number
        check_total(f"{where}.phq9", session.phq9, PHQ9_MAX)
        check_total(f"{where}.gad7", session.gad7, GAD7_MAX)


CHANGE_RESULTS = (
    "at_caseness_end",
    "recovered",
    "reliable_improvement",
    "reliable_deterioration",
    "reliable_recovery",
)


def course_outcome(sessions: Sequence[Session]) -> CourseOutcome:
    """The course's results from its attended sessions, in session order.

    The first measure is the first session with any total recorded (an assessment counts),
    the last measure the last such session; with fewer than two there is no change to judge.
    """
    _checked(sessions)
    treatment = sum(1 for s in sessions if s.is_treatment)
    finished = treatment >= FINISHED_TREATMENT_SESSIONS
    measured = [s for s in sessions if s.phq9 is not None or s.gad7 is not None]
    if not measured:
        why = "no session has a PHQ-9 or GAD-7 total"
        return _without_change(
            treatment, None, None, dict.fromkeys(("at_caseness_start", *CHANGE_RESULTS), why)
        )
    first = measured[0]
    start = _caseness(first)
    reasons: dict[str, str] = {}
    if start is None:
        reasons["at_caseness_start"] = _missing(first)
    if len(measured) == 1:
        why = f"only session {first.number} has a PHQ-9 or GAD-7 total: no change to judge"
        return _without_change(
            treatment, first, start, reasons | dict.fromkeys(CHANGE_RESULTS, why)
        )
    last = measured[-1]
    end = _caseness(last)
    phq9 = _change(_span(first.phq9, PHQ9_MAX), _span(last.phq9, PHQ9_MAX))
    gad7 = _change(_span(first.gad7, GAD7_MAX), _span(last.gad7, GAD7_MAX))
    deteriorated = _or(_rose_by(phq9, PHQ9_RELIABLE_CHANGE), _rose_by(gad7, GAD7_RELIABLE_CHANGE))
    improved = _and(
        _or(_fell_by(phq9, PHQ9_RELIABLE_CHANGE), _fell_by(gad7, GAD7_RELIABLE_CHANGE)),
        _not(deteriorated),
    )
    recovered = _and(start, _not(end))
    outcome = CourseOutcome(
        treatment_sessions=treatment,
        finished=finished,
        first_measure=first.number,
        last_measure=last.number,
        at_caseness_start=start,
        at_caseness_end=end,
        recovered=recovered,
        reliable_improvement=improved,
        reliable_deterioration=deteriorated,
        reliable_recovery=_and(recovered, improved),
        reasons=reasons,
    )
    why = _missing(first, last)
    reasons.update({name: why for name in CHANGE_RESULTS if getattr(outcome, name) is None})
    return outcome


def _without_change(
    treatment: int, first: Session | None, start: Tri, reasons: dict[str, str]
) -> CourseOutcome:
    return CourseOutcome(
        treatment_sessions=treatment,
        finished=treatment >= FINISHED_TREATMENT_SESSIONS,
        first_measure=None if first is None else first.number,
        last_measure=None,
        at_caseness_start=start,
        at_caseness_end=None,
        recovered=None,
        reliable_improvement=None,
        reliable_deterioration=None,
        reliable_recovery=None,
        reasons=reasons,
    )


# --- TOP -----------------------------------------------------------------------------

TopValue = int | bool | Decimal | str | None
Kind = Literal["days", "amount", "yes-no", "rating", "name"]
Better = Literal["lower", "higher"]
DAYS_MAX, RATING_MAX = 28, 20
AMOUNT_MAX = Decimal("9999.99")


@dataclass(frozen=True)
class TopField:
    """One TOP item: its domain, what kind of answer it takes, and which way is better."""

    name: str
    domain: str
    kind: Kind
    better: Better | None = "lower"
    unit: str = ""


SUBSTANCES = {  # typical amount on a using day, in the unit the TOP form asks for
    "alcohol": "units",
    "opioids": "g",
    "crack": "g",
    "cocaine": "g",
    "amphetamines": "g",
    "cannabis": "spliffs",
    "other_substance": "g",
    "tobacco": "cigarettes",
}


def _top_fields() -> tuple[TopField, ...]:
    fields: list[TopField] = []
    for substance, unit in SUBSTANCES.items():
        if substance == "other_substance":
            fields.append(TopField("other_substance_name", "substance use", "name", None))
        fields.append(TopField(f"{substance}_days", "substance use", "days"))
        fields.append(TopField(f"{substance}_amount", "substance use", "amount", unit=unit))
    fields += [
        TopField("injecting_days", "injecting risk", "days"),
        TopField("shared_equipment", "injecting risk", "yes-no"),
        TopField("shoplifting_days", "crime", "days"),
        TopField("drug_selling_days", "crime", "days"),
        TopField("vehicle_theft", "crime", "yes-no"),
        TopField("other_theft_burglary", "crime", "yes-no"),
        TopField("fraud_forgery", "crime", "yes-no"),
        TopField("assault_violence", "crime", "yes-no"),
        TopField("psychological_health", "health and social functioning", "rating", "higher"),
        TopField("physical_health", "health and social functioning", "rating", "higher"),
        TopField("quality_of_life", "health and social functioning", "rating", "higher"),
        TopField("paid_work_days", "health and social functioning", "days", "higher"),
        TopField("college_days", "health and social functioning", "days", "higher"),
        TopField("acute_housing_problem", "health and social functioning", "yes-no"),
        TopField("risk_of_eviction", "health and social functioning", "yes-no"),
    ]
    return tuple(fields)


TOP_FIELDS = _top_fields()
TOP_FIELD_BY_NAME = {f.name: f for f in TOP_FIELDS}
TOP_STAGES = ("start", "review", "exit", "post-exit")


def _amount(name: str, value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise InputError(name, f"{name}: {value!r} is not a number")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise InputError(name, f"{name}: {value!r} is not a number") from None
    if not amount.is_finite() or not 0 <= amount <= AMOUNT_MAX:
        raise InputError(name, f"{name}: {value} is outside 0-{AMOUNT_MAX}")
    if amount != amount.quantize(Decimal("0.01")):
        raise InputError(name, f"{name}: {value} has more than 2 decimal places")
    return amount


def check_top(fields: Mapping[str, object]) -> dict[str, TopValue]:
    """TOP answers as given, or an error naming the first bad field; absent or None is
    "not disclosed or not answered" (the form's NA), never zero."""
    checked: dict[str, TopValue] = {}
    for name in sorted(fields):
        value = fields[name]
        spec = TOP_FIELD_BY_NAME.get(name)
        if spec is None:
            raise InputError(name, f"{name}: unknown field")
        if value is None:
            checked[name] = None
        elif spec.kind in ("days", "rating"):
            checked[name] = check_total(
                name, value, DAYS_MAX if spec.kind == "days" else RATING_MAX
            )
        elif spec.kind == "amount":
            checked[name] = _amount(name, value)
        elif spec.kind == "yes-no":
            if not isinstance(value, bool):
                raise InputError(name, f"{name}: {value!r} is not yes (true) or no (false)")
            checked[name] = value
        else:
            if not isinstance(value, str) or len(value) > 80:
                raise InputError(name, f"{name}: expected text of at most 80 characters")
            checked[name] = value.strip()
    return checked


@dataclass(frozen=True)
class TopChange:
    """How one TOP item moved between two records; `direction` is None when unknown."""

    field: str
    domain: str
    before: TopValue
    after: TopValue
    change: int | Decimal | None  # after - before, for counts, amounts and ratings
    direction: Literal["better", "worse", "same"] | None
    reason: str = ""

    def to_json(self) -> dict[str, object]:
        def plain(value: object) -> object:
            return str(value) if isinstance(value, Decimal) else value

        return {
            "field": self.field,
            "domain": self.domain,
            "before": plain(self.before),
            "after": plain(self.after),
            "change": plain(self.change),
            "direction": self.direction,
            "reason": self.reason,
        }


def _direction(delta: int | Decimal, better: Better | None) -> Literal["better", "worse", "same"]:
    if delta == 0:
        return "same"
    return "better" if (delta < 0) == (better == "lower") else "worse"


def compare_top(earlier: Mapping[str, TopValue], later: Mapping[str, TopValue]) -> list[TopChange]:
    """Per-item change from an earlier TOP (usually start) to a later one (review or exit).

    An item not answered on either record has no change; the other problem substance is
    compared only when both records name the same substance.
    """
    names = [
        str(earlier.get("other_substance_name") or "").strip().casefold(),
        str(later.get("other_substance_name") or "").strip().casefold(),
    ]
    changes = []
    for spec in TOP_FIELDS:
        if spec.kind == "name":
            continue
        before, after = earlier.get(spec.name), later.get(spec.name)
        reason = ""
        if before is None or after is None:
            missing = " and ".join(
                w for w, v in (("earlier", before), ("later", after)) if v is None
            )
            reason = f"not answered on the {missing} record"
        elif spec.name.startswith("other_substance_") and names[0] != names[1]:
            reason = "the records name different other problem substances"
        if reason:
            changes.append(TopChange(spec.name, spec.domain, before, after, None, None, reason))
        elif isinstance(before, bool) and isinstance(after, bool):
            direction = _direction(int(after) - int(before), spec.better)
            changes.append(TopChange(spec.name, spec.domain, before, after, None, direction))
        elif isinstance(before, int | Decimal) and isinstance(after, int | Decimal):
            delta: int | Decimal = after - before
            direction = _direction(delta, spec.better)
            changes.append(TopChange(spec.name, spec.domain, before, after, delta, direction))
        else:
            raise InputError(spec.name, f"{spec.name}: {before!r} and {after!r} do not compare")
    return changes
