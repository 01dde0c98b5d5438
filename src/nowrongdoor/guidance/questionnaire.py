"""Read a FHIR R4 Questionnaire (parsed JSON) into the facts that scoring needs.

Records are plain slotted classes, not dataclasses or NamedTuples, for the same
start-up reason as below.

A plain reader rather than the `fhir.resources` models: scoring must start in a few
milliseconds and score 100,000 responses a second, and the pydantic FHIR models take
~200 ms to import. The tests validate every shipped file with `fhir.resources` instead.

Points come from the standard extensions on each answer option: `ordinalValue` (R4) or
`itemWeight` (SDC / R5), on `answerOption` or on the concepts of a contained ValueSet
named by `answerValueSet`. Bands, flags and early stops are this project's extensions
(see docs/decisions/0003-bands-and-flags-as-extensions.md).
"""

from __future__ import annotations

from nowrongdoor.errors import DataError, InputError

TYPE_CHECKING = False

WEIGHT_EXTENSIONS = (
    "http://hl7.org/fhir/StructureDefinition/ordinalValue",
    "http://hl7.org/fhir/StructureDefinition/itemWeight",
)
NWD_EXTENSION = "https://nowrongdoor.org/fhir/StructureDefinition/"
BAND_EXTENSION = NWD_EXTENSION + "score-band"
FLAG_EXTENSION = NWD_EXTENSION + "score-flag"
DECIDES_BAND_EXTENSION = NWD_EXTENSION + "decides-band"
TOTAL_CODE_EXTENSION = NWD_EXTENSION + "total-score-code"

Points = int | float

if TYPE_CHECKING:  # annotations only: importing typing costs start-up time
    from collections.abc import Sequence
    from typing import Any

    JSON = dict[str, Any]


class Coding:
    __slots__ = ("code", "display", "system")

    def __init__(self, system: str | None, code: str, display: str | None = None) -> None:
        self.system, self.code, self.display = system, code, display

    def to_fhir(self) -> JSON:
        coding: JSON = {"code": self.code}
        if self.system:
            coding["system"] = self.system
        if self.display:
            coding["display"] = self.display
        return coding


class Option:
    """One answer option: its coding, the points it scores, and any band it decides."""

    __slots__ = ("coding", "decides_band", "points")

    def __init__(self, coding: Coding, points: Points | None, decides_band: str | None) -> None:
        self.coding, self.points, self.decides_band = coding, points, decides_band


class Item:
    """A question that can be answered with one of a list of options."""

    __slots__ = ("link_id", "options", "points", "repeats", "required", "text")

    def __init__(
        self, link_id: str, text: str, options: tuple[Option, ...], required: bool, repeats: bool
    ) -> None:
        self.link_id, self.text, self.options = link_id, text, options
        self.required, self.repeats = required, repeats
        self.points = tuple(o.points for o in options if o.points is not None)

    @property
    def weighted(self) -> bool:
        return bool(self.options) and all(o.points is not None for o in self.options)

    def option_for(self, coding: Coding) -> Option | None:
        """The option a response coding chose: the same system and the same code."""
        for option in self.options:
            if option.coding.code == coding.code and option.coding.system == coding.system:
                return option
        return None


class Band:
    __slots__ = ("code", "display", "high", "low")

    def __init__(self, code: str, low: Points, high: Points, display: str) -> None:
        self.code, self.low, self.high, self.display = code, low, high, display


class Flag:
    """A flag raised when any named item (or, with no items, the total) reaches `min_points`."""

    __slots__ = ("code", "description", "item_indexes", "min_points")

    def __init__(
        self, code: str, item_indexes: tuple[int, ...], min_points: Points, description: str
    ) -> None:
        self.code, self.item_indexes = code, item_indexes
        self.min_points, self.description = min_points, description

    def raised(self, points: Sequence[Points | None], total: Points) -> bool:
        """Items beyond an early stop, or left unanswered, cannot raise a flag."""
        if not self.item_indexes:
            return total >= self.min_points
        return any(
            i < len(points) and (points[i] or 0) >= self.min_points for i in self.item_indexes
        )


class Instrument:
    """Everything needed to score one questionnaire, read once from its data file."""

    __slots__ = (
        "band_of_total",
        "bands",
        "code",
        "copyright",
        "deciders",
        "flags",
        "items",
        "name",
        "tables",
        "title",
        "total_code",
        "unweighted",
        "url",
        "version",
    )

    def __init__(
        self,
        *,
        name: str,
        url: str | None,
        version: str | None,
        title: str,
        code: Coding | None,
        total_code: Coding | None,
        copyright: str | None,
        items: tuple[Item, ...],
        unweighted: tuple[str, ...],
        bands: tuple[Band, ...],
        flags: tuple[Flag, ...],
    ) -> None:
        self.name, self.url, self.version, self.title = name, url, version, title
        self.code, self.total_code, self.copyright = code, total_code, copyright
        self.items, self.unweighted = items, unweighted
        self.bands, self.flags = bands, flags
        # Precomputed for the hot path: points by position per item, the items whose
        # options can decide the band alone, and the band of every integer total.
        self.tables = tuple(item.points for item in items)
        self.deciders = tuple(
            (index, tuple(option.decides_band for option in item.options))
            for index, item in enumerate(items)
            if any(option.decides_band for option in item.options)
        )
        self.band_of_total: dict[Points, str] = {
            total: band.code
            for band in bands
            if isinstance(band.low, int) and isinstance(band.high, int)
            for total in range(band.low, band.high + 1)
        }

    @property
    def min_total(self) -> Points:
        return sum(min(item.points) for item in self.items)

    @property
    def max_total(self) -> Points:
        return sum(max(item.points) for item in self.items)

    def band_for(self, total: Points) -> str | None:
        code = self.band_of_total.get(total)
        if code is not None:
            return code
        for band in self.bands:
            if band.low <= total <= band.high:
                return band.code
        return None


def _extensions(element: JSON, url: str) -> list[JSON]:
    return [e for e in element.get("extension", ()) if e.get("url") == url]


def _sub(extension: JSON, name: str) -> list[Any]:
    """The values of the sub-extensions called `name` of a complex extension."""
    values: list[Any] = []
    for sub in extension.get("extension", ()):
        if sub.get("url") == name:
            values.extend(v for k, v in sub.items() if k.startswith("value"))
    return values


def _number(value: Any) -> Points:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise DataError(f"expected a number, found {value!r}")
    return int(value) if float(value).is_integer() else float(value)


def _weight(element: JSON) -> Points | None:
    for url in WEIGHT_EXTENSIONS:
        for extension in _extensions(element, url):
            for key in ("valueDecimal", "valueInteger"):
                if key in extension:
                    return _number(extension[key])
    return None


def _coding(data: JSON) -> Coding:
    return Coding(data.get("system"), str(data.get("code", "")), data.get("display"))


def _contained_value_sets(questionnaire: JSON) -> dict[str, list[JSON]]:
    """Concepts of each contained ValueSet, by local reference (`#id`), with their systems.

    A concept listed both in `compose` and in a pre-computed `expansion` is one option;
    its weight is taken from whichever of the two carries one.
    """
    value_sets: dict[str, list[JSON]] = {}
    for resource in questionnaire.get("contained", ()):
        if resource.get("resourceType") != "ValueSet":
            continue
        concepts: dict[tuple[str | None, str], JSON] = {}
        listed = [
            {**concept, "system": include.get("system")}
            for include in resource.get("compose", {}).get("include", ())
            for concept in include.get("concept", ())
        ]
        listed.extend(resource.get("expansion", {}).get("contains", ()))
        for concept in listed:
            key = (concept.get("system"), str(concept.get("code")))
            if key not in concepts or _weight(concepts[key]) is None:
                concepts[key] = concept
        value_sets["#" + str(resource.get("id"))] = list(concepts.values())
    return value_sets


def _options(item: JSON, value_sets: dict[str, list[JSON]]) -> tuple[Option, ...]:
    options = []
    for answer in item.get("answerOption", ()):
        if "valueCoding" not in answer:
            continue
        decides = _extensions(answer, DECIDES_BAND_EXTENSION)
        # R4 allows ordinalValue on the option or on its Coding; both are seen in the wild.
        points = _weight(answer)
        options.append(
            Option(
                _coding(answer["valueCoding"]),
                points if points is not None else _weight(answer["valueCoding"]),
                decides[0].get("valueCode") if decides else None,
            )
        )
    reference = item.get("answerValueSet")
    if not options and reference in value_sets:
        options = [Option(_coding(c), _weight(c), None) for c in value_sets[reference]]
    return tuple(options)


def _walk(items: list[JSON], value_sets: dict[str, list[JSON]]) -> tuple[list[Item], list[str]]:
    """Question items in document order, nested groups followed; plus unweighted questions."""
    scored: list[Item] = []
    unweighted: list[str] = []
    for data in items:
        link_id = str(data.get("linkId", ""))
        kind = data.get("type")
        if kind not in ("group", "display"):
            options = _options(data, value_sets)
            item = Item(
                link_id,
                str(data.get("text", "")),
                options,
                bool(data.get("required", False)),
                bool(data.get("repeats", False)),
            )
            if item.weighted:
                scored.append(item)
            else:
                unweighted.append(link_id)
        child_scored, child_unweighted = _walk(data.get("item", []), value_sets)
        scored.extend(child_scored)
        unweighted.extend(child_unweighted)
    return scored, unweighted


def _bands(questionnaire: JSON) -> tuple[Band, ...]:
    bands = []
    for extension in _extensions(questionnaire, BAND_EXTENSION):
        (code,) = _sub(extension, "code")
        (low,) = _sub(extension, "low")
        (high,) = _sub(extension, "high")
        display = _sub(extension, "display")
        bands.append(Band(code, _number(low), _number(high), display[0] if display else code))
    return tuple(sorted(bands, key=lambda b: b.low))


def _flags(questionnaire: JSON, items: list[Item]) -> tuple[Flag, ...]:
    index = {item.link_id: i for i, item in enumerate(items)}
    flags = []
    for extension in _extensions(questionnaire, FLAG_EXTENSION):
        (code,) = _sub(extension, "code")
        (min_points,) = _sub(extension, "minPoints")
        link_ids = _sub(extension, "item")
        unknown = [link for link in link_ids if link not in index]
        if unknown:
            raise DataError(f"flag {code!r} names items not in the questionnaire: {unknown}")
        description = _sub(extension, "description")
        flags.append(
            Flag(
                code,
                tuple(index[link] for link in link_ids),
                _number(min_points),
                description[0] if description else code,
            )
        )
    return tuple(flags)


def _check_bands_partition(instrument: Instrument) -> None:
    """Bands must cover every possible total exactly once, or a score could fall in none."""
    bands = instrument.bands
    if not bands or not instrument.items:
        return
    all_points = [p for item in instrument.items for p in item.points]
    if not all(isinstance(p, int) for p in all_points):
        return
    expected_low = instrument.min_total
    for band in bands:
        if band.low != expected_low or band.high < band.low:
            raise DataError(
                f"{instrument.name}: band {band.code!r} starts at {band.low}, "
                f"expected {expected_low} (bands must partition the possible totals)"
            )
        expected_low = band.high + 1
    if bands[-1].high != instrument.max_total:
        raise DataError(
            f"{instrument.name}: bands end at {bands[-1].high}, "
            f"but the highest possible total is {instrument.max_total}"
        )


def read_questionnaire(questionnaire: Any) -> Instrument:
    """Build an `Instrument` from a FHIR R4 Questionnaire; `InputError` if it is not one."""
    if not isinstance(questionnaire, dict) or questionnaire.get("resourceType") != "Questionnaire":
        raise InputError("resourceType", "questionnaire: resourceType must be 'Questionnaire'")
    value_sets = _contained_value_sets(questionnaire)
    items, unweighted = _walk(questionnaire.get("item", []), value_sets)
    name = questionnaire.get("name") or questionnaire.get("id") or "questionnaire"
    codes = questionnaire.get("code") or []
    total_codes = _extensions(questionnaire, TOTAL_CODE_EXTENSION)
    try:
        instrument = Instrument(
            name=str(name),
            url=questionnaire.get("url"),
            version=questionnaire.get("version"),
            title=str(questionnaire.get("title") or name),
            code=_coding(codes[0]) if codes else None,
            total_code=_coding(total_codes[0]["valueCoding"]) if total_codes else None,
            copyright=questionnaire.get("copyright"),
            items=tuple(items),
            unweighted=tuple(unweighted),
            bands=_bands(questionnaire),
            flags=_flags(questionnaire, items),
        )
    except ValueError as error:  # a complex extension missing or repeating a part
        raise DataError(f"{name}: malformed band or flag extension ({error})") from error
    _check_bands_partition(instrument)
    return instrument
