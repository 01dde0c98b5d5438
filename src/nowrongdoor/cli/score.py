"""`nwd score`: the scoring command, on the standard library alone.

It is parsed with argparse rather than Typer so that scoring one response starts in a few
tens of milliseconds (Typer and pydantic cost ~0.1-0.2 s to import; see
docs/decisions/0004-fast-start-for-nwd-score.md). Typer lists it in `nwd --help` and hands
its arguments here, so there is one implementation.
"""

from __future__ import annotations

import argparse
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
    from typing import Any, NoReturn, TextIO


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """One line on stderr and exit 2, like every other bad input."""
        raise InputError("arguments", f"score: {message}")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="nwd score",
        description="Score a screening instrument from answer positions (0-based), "
        "or a FHIR QuestionnaireResponse against any weighted FHIR Questionnaire.",
    )
    parser.add_argument("instrument", nargs="?", help="instrument name (see --list)")
    parser.add_argument("file", nargs="?", default="-", help="JSON input, or - for stdin")
    parser.add_argument("--list", action="store_true", help="list the instruments")
    parser.add_argument("--json", action="store_true", help="with --list: JSON for machines")
    parser.add_argument(
        "--questionnaire",
        metavar="Q.json",
        help="score a QuestionnaireResponse (the positional argument) against this Questionnaire",
    )
    parser.add_argument("--batch", metavar="IN.jsonl", help="one response per line")
    parser.add_argument(
        "--fhir", action="store_true", help="print a FHIR R4 Bundle (response + Observation)"
    )
    return parser


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
    args = _parser().parse_args(argv)
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
