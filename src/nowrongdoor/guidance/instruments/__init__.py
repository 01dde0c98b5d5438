"""The shipped screening instruments: one FHIR R4 Questionnaire JSON file each.

Reading these files is the only file access in `guidance/`: they are the core's own
read-only data, bundled in the package, read once and cached. Adding an instrument is
adding a file here (see docs/adding-an-instrument.md).
"""

from __future__ import annotations

import json
import os
from functools import cache

from nowrongdoor.errors import InputError
from nowrongdoor.guidance.questionnaire import Instrument, read_questionnaire

# A plain path rather than importlib.resources, which costs ~10 ms to import (start-up).
_FOLDER = os.path.dirname(__file__)


def names() -> tuple[str, ...]:
    """The instruments shipped with the product, by the name `nwd score` takes."""
    return tuple(
        sorted(
            entry.removesuffix(".json") for entry in os.listdir(_FOLDER) if entry.endswith(".json")
        )
    )


@cache
def raw(name: str) -> dict[str, object]:
    """The Questionnaire resource of a shipped instrument, as published in FHIR output."""
    if name not in names():
        raise InputError(
            "instrument", f"{name}: unknown instrument, expected one of {', '.join(names())}"
        )
    with open(os.path.join(_FOLDER, f"{name}.json"), encoding="utf-8") as handle:
        data: dict[str, object] = json.load(handle)
    return data


@cache
def load(name: str) -> Instrument:
    """A shipped instrument, ready to score."""
    return read_questionnaire(raw(name))
