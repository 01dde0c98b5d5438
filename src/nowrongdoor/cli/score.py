"""`nwd score`: the scoring command, on the standard library alone.

It is not a Typer command so that scoring one response starts in a few tens of
milliseconds (Typer and pydantic cost ~0.1-0.2 s to import; see
docs/decisions/0004-fast-start-for-nwd-score.md). Typer lists it in `nwd --help` and hands
its arguments here, so there is one implementation.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable

from nowrongdoor.cli.io import open_text, read_json
from nowrongdoor.errors import DataError, InputError
from nowrongdoor.guidance import instruments
from nowrongdoor.guidance.questionnaire import Instrument, read_questionnaire
from nowrongdoor.guidance.scoring import Score, score_request, score_response

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: importing typing costs start-up time
    from typing import Any, TextIO


USAGE = """usage: nwd score [--list [--json]]
       nwd score INSTRUMENT [FILE|-] [--fhir]
       nwd score INSTRUMENT --batch IN.jsonl
       nwd score --questionnaire Q.json [RESPONSE.json|-] [--fhir]

Score a screening instrument from answer positions (0-based): {"answers": [i0, i1, ...]},
or a FHIR QuestionnaireResponse against any weighted FHIR Questionnaire.

options:
  --list               list the instruments (--json for machines)
  --fhir               print a FHIR R4 Bundle (QuestionnaireResponse + Observation)
  --batch IN.jsonl     one response per line; bad lines reported on stderr by number
  --questionnaire Q    score the response file against this FHIR Questionnaire
  -h, --help           show this help
"""
FLAGS = ("--list", "--json", "--fhir")
VALUED = ("--questionnaire", "--batch")


class Arguments:
    """What `nwd score` was asked to do."""

    __slots__ = ("batch", "fhir", "file", "help", "instrument", "json", "list", "questionnaire")

    def __init__(self) -> None:
        self.instrument: str | None = None
        self.file = "-"
        self.list = self.json = self.fhir = self.help = False
        self.questionnaire: str | None = None
        self.batch: str | None = None


def parse_arguments(argv: list[str]) -> Arguments:
    """A small hand parser: argparse's gettext, locale and shutil imports cost ~10 ms of
    start-up, a third of the budget (docs/decisions/0004-fast-start-for-nwd-score.md)."""
    parsed = Arguments()
    positional: list[str] = []
    words = iter(argv)
    for word in words:
        name, has_value, value = word.partition("=")
        if word in ("-h", "--help"):
            parsed.help = True
        elif word in FLAGS:
            setattr(parsed, word[2:], True)
        elif name in VALUED:
            if not has_value:
                value = next(words, "")
            if not value:
                raise InputError("arguments", f"score: {name} needs a file name")
            setattr(parsed, name[2:], value)
        elif word.startswith("-") and word != "-":
            raise InputError("arguments", f"score: unknown option {word} (nwd score --help)")
        else:
            positional.append(word)
    if len(positional) > 2:
        raise InputError("arguments", f"score: unexpected argument {positional[2]!r}")
    if positional:
        parsed.instrument = positional[0]
    if len(positional) == 2:
        parsed.file = positional[1]
    return parsed


def _list(as_json: bool, out: TextIO) -> None:
    rows: list[dict[str, Any]] = []
    for name in instruments.names():
        instrument = instruments.load(name)
        rows.append(
            {
                "instrument": name,
                "title": instrument.title,
                "items": len(instrument.items),
                "total": [instrument.min_total, instrument.max_total],
                "bands": [band.code for band in instrument.bands],
                "flags": [flag.code for flag in instrument.flags],
                "version": instrument.version,
            }
        )
    if as_json:
        out.write(json.dumps(rows, indent=1) + "\n")
        return
    for row in rows:
        low, high = row["total"]
        out.write(
            f"{row['instrument']:<8} {row['title']:<58} {row['items']:>2} items  "
            f"total {low}-{high}\n"
        )


def _emit(instrument: Instrument, score: Score, fhir: bool, out: TextIO) -> None:
    if fhir:
        from nowrongdoor.guidance.fhir_export import score_bundle

        out.write(json.dumps(score_bundle(instrument, score), indent=1) + "\n")
    else:
        out.write(json.dumps(score.to_json()) + "\n")


def score_lines(instrument: Instrument, lines: Iterable[str], out: TextIO, err: TextIO) -> int:
    """Score one JSON response per line; report bad lines by number and keep going.

    Uses orjson (several times faster than the standard json module) because a batch is
    where throughput matters; it is imported here only, as it costs start-up time.
    """
    import orjson

    bad = 0
    dumps, loads, write = orjson.dumps, orjson.loads, out.write
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            try:
                request = loads(line)
            except orjson.JSONDecodeError as error:
                raise InputError("line", f"{instrument.name}: malformed JSON: {error}") from None
            write(dumps(score_request(instrument, request).to_json()).decode() + "\n")
        except InputError as error:
            bad += 1
            err.write(f"line {number}: {error}\n")
    return 2 if bad else 0


def run(argv: list[str], stdin: TextIO, out: TextIO, err: TextIO) -> int:
    """Run `nwd score` with these arguments; returns the exit code."""
    args = parse_arguments(argv)
    if args.help:
        out.write(USAGE)
        return 0
    if args.list:
        _list(args.json, out)
        return 0
    if args.questionnaire:
        response_path = args.instrument or "-"
        if args.instrument and args.file != "-":
            raise InputError("arguments", "score: with --questionnaire give one response file")
        try:
            instrument = read_questionnaire(read_json(args.questionnaire, stdin, "questionnaire"))
        except DataError as error:
            raise InputError("questionnaire", f"questionnaire: {error}") from None
        score = score_response(instrument, read_json(response_path, stdin, "response"))
        _emit(instrument, score, args.fhir, out)
        return 0
    if not args.instrument:
        raise InputError("instrument", "score: name an instrument (nwd score --list)")
    instrument = instruments.load(args.instrument)
    if args.batch:
        if args.fhir or args.file != "-":
            raise InputError("arguments", "score: --batch prints JSON lines; drop FILE/--fhir")
        with open_text(args.batch, stdin) as lines:
            return score_lines(instrument, lines, out, err)
    request: Any = read_json(args.file, stdin, instrument.name)
    _emit(instrument, score_request(instrument, request), args.fhir, out)
    return 0


def main(argv: list[str]) -> int:
    """Entry point: exit 2 with one line on stderr for bad input, nothing on stdout."""
    try:
        return run(argv, sys.stdin, sys.stdout, sys.stderr)
    except InputError as error:
        sys.stderr.write(f"{error}\n")
        return error.exit_code
