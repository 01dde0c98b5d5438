"""The assessment form, drawn from the case contract's JSON Schema (`nwd schema case`).

A new fact added to the case model appears on the form with no page change: yes/no facts
become "Yes / No / Not asked" (not asked stays unknown, so the engine asks for it, N4),
numbers become number boxes, vocabularies become lists. Screens come from the person's
recorded screenings rather than being typed again.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from nowrongdoor.errors import InputError
from nowrongdoor.guidance.pathway.case import Case
from nowrongdoor.web.forms import Form

DRUG_ROWS = 3  # substances a practitioner can record on one form
SKIPPED = {"setting", "screens", "drugs"}  # set from the service, screenings and rows
YES_NO = [("yes", "Yes"), ("no", "No"), ("", "Not asked")]
# Label and hint where the field's own name would not read plainly on the form.
WORDING = {
    "circumstances.children_elsewhere": (
        "Children who do not live with them",
        "For example, living with family, with a former partner or in care",
    ),
    "circumstances.cares_for_someone_who_uses": (
        "Cares for someone who uses alcohol or drugs",
        "A carer or family member of someone with an alcohol or drug problem, "
        "whatever their own use",
    ),
    "circumstances.needs_interpreter": (
        "Needs an interpreter or accessible information",
        "For example, another spoken language, British Sign Language or easy read",
    ),
    "circumstances.trauma_reported": ("Trauma or abuse reported", "Now or in the past"),
    "engagement.safe_to_get_home": (
        "Safe to get home (if intoxicated)",
        "Answer if they are intoxicated now: can they get home safely from here?",
    ),
    "engagement.previous_unplanned_exit": (
        "A past contact with a service ended unplanned",
        "For example, they stopped coming or were discharged without a plan",
    ),
    "mental_health.capacity_concern": (
        "Doubt about capacity for this decision",
        "Doubt about their mental capacity to make the decision in hand",
    ),
}


@dataclass(frozen=True)
class Field:
    name: str  # dotted, as `parse_case` names it in errors
    label: str
    kind: str  # yes-no | integer | number | one-of | any-of | text
    options: tuple[tuple[str, str], ...] = ()
    hint: str = ""


@dataclass(frozen=True)
class Section:
    name: str
    label: str
    fields: tuple[Field, ...]


def _words(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """The non-null branch of an optional, with `$ref` followed."""
    for branch in node.get("anyOf", [node]):
        if branch.get("type") != "null":
            node = branch
            break
    ref = node.get("$ref")
    return schema["$defs"][ref.rsplit("/", 1)[1]] if ref else node


def _field(schema: dict[str, Any], name: str, node: dict[str, Any]) -> Field:
    node = _resolve(schema, node)
    label, hint = WORDING.get(name, (_words(name.rsplit(".", 1)[-1]), ""))
    kind = node.get("type")
    if kind == "boolean":
        return Field(name, label, "yes-no", tuple(YES_NO), hint)
    if "enum" in node:
        return Field(name, label, "one-of", tuple((v, _words(v)) for v in node["enum"]), hint)
    if kind == "array":
        items = _resolve(schema, node["items"])
        return Field(name, label, "any-of", tuple((v, _words(v)) for v in items["enum"]), hint)
    return Field(name, label, kind if kind in ("integer", "number") else "text", hint=hint)


def _fields(schema: dict[str, Any], prefix: str, part: dict[str, Any]) -> tuple[Field, ...]:
    return tuple(
        _field(schema, f"{prefix}{name}", node) for name, node in part["properties"].items()
    )


@cache
def sections() -> tuple[Section, ...]:
    schema = Case.model_json_schema()
    top = {k: v for k, v in schema["properties"].items() if k not in SKIPPED}
    plain = {k: v for k, v in top.items() if "$ref" not in str(v)}
    found = [Section("about", "About this contact", _fields(schema, "", {"properties": plain}))]
    for name, node in top.items():
        if name not in plain:
            part = _resolve(schema, node)
            found.append(Section(name, _words(name), _fields(schema, f"{name}.", part)))
    drug = _resolve(schema, _resolve(schema, schema["properties"]["drugs"])["items"])
    for row in range(DRUG_ROWS):
        found.append(
            Section(f"drugs.{row}", f"Drug {row + 1}", _fields(schema, f"drugs.{row}.", drug))
        )
    return tuple(found)


def _value(form: Form, field: Field) -> Any:
    if field.kind == "any-of":
        return form.values_of(field.name) or None
    raw = form.value(field.name).strip()
    if raw == "":
        return None
    if field.kind == "yes-no":
        return {"yes": True, "no": False}.get(raw, raw)
    if field.kind in ("integer", "number"):
        try:
            return int(raw) if field.kind == "integer" else float(raw)
        except ValueError:
            what = "a whole number" if field.kind == "integer" else "a number"
            raise InputError(field.name, f"{field.name}: must be {what}") from None
    return raw


def case_from(form: Form, setting: str, screens: dict[str, list[int]]) -> dict[str, Any]:
    """The case as `nwd assess` takes it; blank answers stay unknown."""
    case: dict[str, Any] = {"setting": setting}
    if screens:
        case["screens"] = screens
    drugs: list[dict[str, Any]] = []
    for section in sections():
        values = {}
        for field in section.fields:
            value = _value(form, field)
            if value is not None:
                values[field.name.rsplit(".", 1)[-1]] = value
        if section.name == "about":
            case.update(values)
        elif section.name.startswith("drugs."):
            if values and len(drugs) < int(section.name.split(".")[1]):
                name = f"drugs.{len(drugs)}.substance"
                raise InputError(name, f"{name}: fill in the drugs from the first row down")
            if values:
                drugs.append(values)
        elif values:
            case[section.name] = values
    if drugs:
        case["drugs"] = drugs
    return case


def form_from(case: dict[str, Any]) -> dict[str, Any]:
    """The form's values for a case already recorded (to start a new contact from it)."""
    flat: dict[str, Any] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}{key}.", inner)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            for index, inner in enumerate(value):
                walk(f"{prefix}{index}.", inner)
        elif isinstance(value, bool):
            flat[prefix[:-1]] = "yes" if value else "no"
        elif isinstance(value, list):
            flat[prefix[:-1]] = [str(v) for v in value]
        else:
            flat[prefix[:-1]] = str(value)

    walk("", {k: v for k, v in case.items() if k not in ("setting", "screens")})
    return flat
