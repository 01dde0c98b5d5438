"""The one scoring engine: answers in, points, total, band and flags out.

Everything an instrument does differently (AUDIT items 9-10 scoring 0/2/4, BARC-10 scoring
1-6, HSI's reversed first item, FAST stopping after item 1) is in its data file; this module
has no instrument names in it. A total is never computed from partial answers, except where
an option's data says it decides the band on its own (FAST item 1).
"""

from __future__ import annotations

from nowrongdoor.errors import InputError
from nowrongdoor.guidance.questionnaire import Coding, Instrument, Item, Points

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: importing typing costs start-up time
    from collections.abc import Sequence
    from typing import Any


class Score:
    """The result of scoring one response.

    `positions` (answers by position) or `chosen` (answers by coding) keep what was
    answered, for FHIR output.
    """

    __slots__ = (
        "band",
        "chosen",
        "flags",
        "ignored",
        "instrument",
        "items",
        "positions",
        "total",
    )

    def __init__(
        self,
        *,
        instrument: str,
        total: Points,
        band: str | None,
        items: Sequence[Points],
        flags: list[str],
        positions: list[int] | None = None,
        chosen: tuple[tuple[Item, Coding], ...] = (),
        ignored: tuple[str, ...] | None = None,
    ) -> None:
        self.instrument, self.total, self.band = instrument, total, band
        self.items, self.flags, self.chosen = items, flags, chosen
        self.positions = positions
        self.ignored = ignored

    def to_json(self) -> dict[str, Any]:
        """The contract's shape (`nwd score`): instrument, total, band, items, flags."""
        result: dict[str, Any] = {
            "instrument": self.instrument,
            "total": self.total,
            "band": self.band,
            "items": list(self.items),
            "flags": list(self.flags),
        }
        if self.ignored is not None:
            result["ignored"] = list(self.ignored)
        return result


def _total(points: list[Points]) -> Points:
    total = sum(points)
    return int(total) if float(total).is_integer() else total


def _flags(instrument: Instrument, points: Sequence[Points | None], total: Points) -> list[str]:
    return [flag.code for flag in instrument.flags if flag.raised(points, total)]


def allowed_answer_counts(instrument: Instrument) -> tuple[int, ...]:
    """How many answers a complete response may hold: all, or up to an item that can decide."""
    counts = {
        index + 1
        for index, item in enumerate(instrument.items)
        if any(option.decides_band for option in item.options)
    }
    counts.add(len(instrument.items))
    return tuple(sorted(counts))


def _count_error(instrument: Instrument, given: int) -> InputError:
    counts = allowed_answer_counts(instrument)
    expected = " or ".join(str(c) for c in counts)
    if len(counts) > 1:
        expected += " (fewer only when an early answer decides)"
    return InputError("answers", f"{instrument.name}: {given} answers given, expected {expected}")


def score_positions(instrument: Instrument, answers: Any) -> Score:
    """Score a list of option positions (0-based), as `nwd score` takes them."""
    if type(answers) is not list:
        raise InputError(
            "answers", f"{instrument.name}: answers must be a list of option positions"
        )
    tables = instrument.tables
    if len(answers) > len(tables):
        raise _count_error(instrument, len(answers))
    points: list[Points] = []
    append = points.append
    for index, position in enumerate(answers):
        table = tables[index]
        if type(position) is not int or not 0 <= position < len(table):
            raise _position_error(instrument, index, position)
        append(table[position])
    decided = _decided_band(instrument, answers) if instrument.deciders else None
    if len(answers) < len(tables):
        stopped = len(answers) - 1
        if not answers or instrument.items[stopped].options[answers[stopped]].decides_band is None:
            raise _count_error(instrument, len(answers))
    total = _total(points)
    return Score(
        instrument=instrument.name,
        total=total,
        band=decided or instrument.band_for(total),
        items=points,
        flags=_flags(instrument, points, total),
        positions=answers,
    )


def _position_error(instrument: Instrument, index: int, position: Any) -> InputError:
    if isinstance(position, str):
        shown = f'"{position}"'
    elif position is None or isinstance(position, bool):
        shown = json_literal(position)
    else:
        shown = repr(position)
    expected = len(instrument.tables[index]) - 1
    return InputError(
        f"answers.{index + 1}",
        f"{instrument.name}: answer {index + 1} is {shown}, expected 0-{expected}",
    )


def json_literal(value: bool | None) -> str:
    return "null" if value is None else str(value).lower()


def _decided_band(instrument: Instrument, answers: list[int]) -> str | None:
    """The band chosen by the first answered option that decides alone (FAST item 1)."""
    for index, bands in instrument.deciders:
        if index < len(answers) and bands[answers[index]] is not None:
            return bands[answers[index]]
    return None


def _response_answers(response: Any) -> dict[str, list[Any]]:
    """Answers by linkId from a QuestionnaireResponse, following groups and nested answers."""
    if not isinstance(response, dict) or response.get("resourceType") != "QuestionnaireResponse":
        raise InputError("resourceType", "response: resourceType must be 'QuestionnaireResponse'")
    found: dict[str, list[Any]] = {}
    stack = list(response.get("item", []))
    while stack:
        node = stack.pop()
        answers = node.get("answer", [])
        if answers:
            found.setdefault(str(node.get("linkId")), []).extend(answers)
        stack.extend(node.get("item", []))
        for answer in answers:
            stack.extend(answer.get("item", []))
    return found


def score_response(instrument: Instrument, response: Any) -> Score:
    """Score a FHIR QuestionnaireResponse by linkId and coding (system + code).

    Every weighted item must be answered: a total is never made of partial answers
    (INSTRUMENTS.md), and an answer to an item the questionnaire does not have is an error.
    """
    name = instrument.name
    if not instrument.items:
        raise InputError(
            "questionnaire",
            f"{name}: no answer option carries a weight (ordinalValue or itemWeight); "
            "nothing can be scored",
        )
    given = _response_answers(response)
    known = {item.link_id for item in instrument.items} | set(instrument.unweighted)
    strangers = sorted(set(given) - known)
    if strangers:
        raise InputError(
            f"item.{strangers[0]}", f"{name}: item '{strangers[0]}' is not in the questionnaire"
        )
    points: list[Points] = []
    by_item: list[Points | None] = []
    chosen: list[tuple[Item, Coding]] = []
    for item in instrument.items:
        answers = given.get(item.link_id, [])
        by_item.append(None)
        if not answers:
            raise InputError(
                f"item.{item.link_id}",
                f"{name}: item '{item.link_id}' has no answer; a total is never made of "
                "partial answers",
            )
        if len(answers) > 1 and not item.repeats:
            raise InputError(
                f"item.{item.link_id}",
                f"{name}: item '{item.link_id}' has {len(answers)} answers, expected one",
            )
        for answer in answers:
            if "valueCoding" not in answer:
                raise InputError(
                    f"item.{item.link_id}",
                    f"{name}: item '{item.link_id}' answer must be a valueCoding",
                )
            coding = Coding(answer["valueCoding"].get("system"), answer["valueCoding"].get("code"))
            option = item.option_for(coding)
            if option is None or option.points is None:
                shown = f"{coding.system}|{coding.code}" if coding.system else str(coding.code)
                raise InputError(
                    f"item.{item.link_id}",
                    f"{name}: item '{item.link_id}' answer {shown} is not among its options",
                )
            points.append(option.points)
            by_item[-1] = (by_item[-1] or 0) + option.points
            chosen.append((item, option.coding))
    total = _total(points)
    return Score(
        instrument=name,
        total=total,
        band=instrument.band_for(total),
        items=points,
        flags=_flags(instrument, by_item, total),
        chosen=tuple(chosen),
        ignored=instrument.unweighted,
    )


def score_request(instrument: Instrument, request: Any) -> Score:
    """Score the contract's input `{"answers": [...]}`; any other key is an error."""
    name = instrument.name
    if not isinstance(request, dict):
        raise InputError("answers", f'{name}: expected an object like {{"answers": [0, 1, ...]}}')
    for key in request:
        if key != "answers":
            raise InputError(key, f"{name}: {key}: unknown field, expected only 'answers'")
    if "answers" not in request:
        raise InputError("answers", f"{name}: answers: missing")
    return score_positions(instrument, request["answers"])
