"""The TOP form, drawn from the pure core's list of TOP items (`guidance.outcomes.TOP_FIELDS`)
and labelled with the record model's plain-words help text, so a new item needs no page change.

Every answer may be left blank: on TOP "not answered" is distinct from 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.db.models import Field

from nowrongdoor.errors import InputError
from nowrongdoor.guidance.outcomes import DAYS_MAX, RATING_MAX, TOP_FIELDS, TopField
from nowrongdoor.records.outcomes.models import TopRecord, TopStage
from nowrongdoor.web.forms import Form
from nowrongdoor.web.typed import whole_number

STAGES: dict[str, str] = {
    TopStage.START: "Start of treatment",
    TopStage.REVIEW: "Review during treatment",
    TopStage.EXIT: "Exit, at the end of treatment",
    TopStage.POST_EXIT: "Post-exit, after treatment",
}
SUBSTANCES = {
    "alcohol": "Alcohol",
    "opioids": "Illicit opiates or opioids",
    "crack": "Crack cocaine",
    "cocaine": "Powder cocaine",
    "amphetamines": "Amphetamines",
    "cannabis": "Cannabis",
    "other_substance": "Other problem substance",
    "tobacco": "Tobacco",
}
UNITS = {"g": "grams"}
YES_NO = (("yes", "Yes"), ("no", "No"), ("", "Not answered"))
BLANK = "Leave blank if not answered."
HINTS = {
    "days": f"In the 28 days before the interview, 0 to {DAYS_MAX}. {BLANK}",
    "rating": f"0 is poor, {RATING_MAX} is good. {BLANK}",
    "amount": f"For example 2.5. {BLANK}",
    "name": "Leave blank if there is none.",
    "yes-no": "In the 28 days before the interview.",
}


@dataclass(frozen=True)
class Input:
    name: str
    label: str
    kind: str
    hint: str


@dataclass(frozen=True)
class Group:
    legend: str
    inputs: tuple[Input, ...]


def _label(spec: TopField) -> str:
    if spec.kind == "amount":
        return f"Typical amount on a using day, in {UNITS.get(spec.unit, spec.unit)}"
    if spec.kind == "name":
        return "Which substance"
    field = TopRecord._meta.get_field(spec.name)
    assert isinstance(field, Field)
    text = str(field.help_text)
    return text[:1].upper() + text[1:]


def _legend(spec: TopField) -> str:
    if spec.domain == "substance use":
        return SUBSTANCES[spec.name.rsplit("_", 1)[0]]
    return spec.domain[:1].upper() + spec.domain[1:]


@cache
def groups() -> tuple[Group, ...]:
    """Fieldsets in the order of the TOP form: each substance, then each other domain."""
    found: dict[str, list[Input]] = {}
    for spec in TOP_FIELDS:
        found.setdefault(_legend(spec), []).append(
            Input(spec.name, _label(spec), spec.kind, HINTS[spec.kind])
        )
    return tuple(Group(legend, tuple(inputs)) for legend, inputs in found.items())


@cache
def labels() -> dict[str, str]:
    """Each item's label with its fieldset's, for a table of changes."""
    return {
        i.name: f"{g.legend}: {i.label[:1].lower()}{i.label[1:]}"
        for g in groups()
        for i in g.inputs
    }


def answers_from(form: Form) -> dict[str, object]:
    """The answers as `record_top` takes them; blanks are left out (not answered)."""
    answers: dict[str, object] = {}
    for spec in TOP_FIELDS:
        typed = form.value(spec.name).strip()
        if typed == "":
            continue
        if spec.kind in ("days", "rating"):
            answers[spec.name] = whole_number(form, spec.name)
        elif spec.kind == "yes-no":
            if typed not in ("yes", "no"):
                raise InputError(spec.name, f"{spec.name}: choose yes, no or not answered")
            answers[spec.name] = typed == "yes"
        else:  # an amount or the substance's name: the core checks them
            answers[spec.name] = typed
    return answers
