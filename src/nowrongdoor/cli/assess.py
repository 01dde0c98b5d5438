"""`nwd assess` and `nwd rules`: the pathway engine on the command line."""

from __future__ import annotations

import gc
import json
import sys
from typing import Any, TextIO

from nowrongdoor.cli.io import open_text, parse_json, read_json
from nowrongdoor.errors import InputError
from nowrongdoor.guidance.pathway.assess import assess, parse_case, parse_case_json
from nowrongdoor.guidance.pathway.case import Case
from nowrongdoor.guidance.schemas import COORDINATOR_WORDS
from nowrongdoor.services.rules import active_rules


def case_of(data: Any) -> Any:
    """The case, or a vignette's (`{"case": {...}, "expect": ...}`, no `setting` beside it):
    worked cases are assessed as written, their other keys ignored."""
    if isinstance(data, dict) and "case" in data and "setting" not in data:
        return data["case"]
    return data


def case_of_line(line: str) -> Case:
    """A batch line: straight into pydantic (the fast path) unless it may be a vignette."""
    if '"case"' in line:
        return parse_case(case_of(parse_json(line, "case")))
    return parse_case_json(line)


def assess_one(path: str, stdin: TextIO) -> dict[str, Any]:
    return assess(parse_case(case_of(read_json(path, stdin, "case"))), active_rules())


def assess_lines(path: str, stdin: TextIO, out: TextIO, err: TextIO) -> int:
    """One assessment per line; bad lines reported by number, the rest still assessed."""
    import orjson

    rules = active_rules()
    # Rules, instruments and imports live for the whole batch: move them out of the
    # garbage collector's sight, and raise the threshold, so collections stay rare and
    # small (an assessment makes no reference cycles; reference counting frees it).
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)
    bad = 0
    out.flush()
    binary = getattr(out, "buffer", None)  # bytes straight out, no decode and re-encode
    write = binary.write if binary is not None else (lambda b: out.write(b.decode()))
    newline = orjson.OPT_APPEND_NEWLINE
    with open_text(path, stdin) as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                write(orjson.dumps(assess(case_of_line(line), rules), option=newline))
            except InputError as error:
                bad += 1
                err.write(f"line {number}: {error}\n")
    if binary is not None:
        binary.flush()
    return 2 if bad else 0


def as_text(assessment: dict[str, Any]) -> str:
    """A summary for a practitioner at a terminal: risk first, then actions, with sources."""
    lines = []
    flags = [
        f"{name}: {flag}" for name, score in assessment["scores"].items() for flag in score["flags"]
    ]
    urgent = [r for r in assessment["recommendations"] if r["priority"] == "urgent"]
    lines.append("RISK")
    if not urgent and not flags:
        lines.append("  no risk flag raised by the facts recorded")
    lines.extend(f"  ! flag {flag}" for flag in flags)
    for priority in ("urgent", "soon", "routine"):
        chosen = [r for r in assessment["recommendations"] if r["priority"] == priority]
        if not chosen:
            continue
        lines.append("")
        lines.append("RISK - SAME DAY" if priority == "urgent" else f"ACTIONS - {priority.upper()}")
        for r in chosen:
            lines.append(f"  {r['code']}: {r['text']}")
            lines.extend(f"      because {why}" for why in r["why"])
            lines.append(f"      source: {r['source']}")
    lines.append("")
    lines.append("SCORES")
    for name, score in assessment["scores"].items():
        lines.append(f"  {name}: {score['total']} ({score['band']})")
    status = assessment["iapt_suitability"]
    lines.append("")
    lines.append(f"TALKING THERAPIES: {status['status']} ({', '.join(status['because'])})")
    coordination = assessment["care_coordination"]
    if coordination:
        cpa = ", under CPA" if coordination["under_cpa"] else ""
        words = COORDINATOR_WORDS[coordination["coordinator_from"]]
        lines.append(f"CARE COORDINATOR: from {words}{cpa}")
    rules = assessment["ruleset"]
    lines.append(f"rules: {rules['name']} {rules['version']} ({rules['sha256'][:12]})")
    return "\n".join(lines) + "\n"


def rules_table(code: str | None, as_json: bool, out: TextIO) -> None:
    rules = active_rules()
    rows = [
        {
            "code": r.code,
            "group": r.group,
            "priority": r.priority,
            "when": r.when(),
            "text": r.text,
            "source": r.source,
        }
        for r in rules.rules
    ] + [
        {
            "code": a.code,
            "group": "identification",
            "priority": a.priority,
            "when": "a fact another rule needs is not recorded (invariant N4)",
            "text": a.text,
            "source": a.source,
        }
        for a in rules.asks.values()
    ]
    if code:
        rows = [row for row in rows if row["code"] == code.upper()]
        if not rows:
            raise InputError("code", f"rules: {code}: unknown rule code")
    if as_json:
        out.write(json.dumps(rows, indent=1, ensure_ascii=False) + "\n")
        return
    from rich.console import Console
    from rich.table import Table

    console = Console(file=out, width=160)
    if code:
        row = rows[0]
        for key in ("code", "group", "priority", "when", "text", "source"):
            console.print(f"[bold]{key}[/bold]: {row[key]}", highlight=False, markup=True)
        return
    table = Table("code", "priority", "when", "source")
    for row in rows:
        table.add_row(row["code"], row["priority"], row["when"], row["source"])
    console.print(table)


def fail(error: InputError) -> None:
    sys.stderr.write(f"{error}\n")
    raise SystemExit(error.exit_code)
