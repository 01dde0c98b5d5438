"""Reading the command line's inputs: a file path, or `-` for standard input.

Every failure becomes an `InputError` naming the input, so the user sees one line
(`phq9: malformed JSON at line 1, column 12: Expecting value`) and exit status 2.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

from nowrongdoor.errors import InputError

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: importing typing costs start-up time
    from typing import Any, TextIO


@contextmanager
def open_text(path: str, stdin: TextIO) -> Iterator[TextIO]:
    """Open a file for reading as UTF-8, or hand back standard input for `-`."""
    if path == "-":
        yield stdin
        return
    try:
        handle = open(path, encoding="utf-8")  # noqa: SIM115 - closed below
    except OSError as error:
        raise InputError("file", f"{path}: cannot read: {error.strerror}") from None
    with handle:
        yield handle


def read_text(path: str, stdin: TextIO) -> str:
    with open_text(path, stdin) as handle:
        try:
            return handle.read()
        except UnicodeDecodeError:
            raise InputError("file", f"{path}: not UTF-8 text") from None


def _no_duplicate_keys(what: str) -> Any:
    """JSON allows a key twice and keeps the last: for clinical input that hides a typo."""

    def pairs_to_dict(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                raise InputError(key, f"{what}: {key}: given twice")
            result[key] = value
        return result

    return pairs_to_dict


def read_json(path: str, stdin: TextIO, what: str) -> Any:
    """Parse one JSON document; `what` names it in the error (an instrument, `case`...)."""
    return parse_json(read_text(path, stdin), what)


def parse_json(text: str, what: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_no_duplicate_keys(what))
    except json.JSONDecodeError as error:
        raise InputError(
            what,
            f"{what}: malformed JSON at line {error.lineno}, column {error.colno}: {error.msg}",
        ) from None
