"""The rule catalogue as data: one TOML file per rule group, read by one evaluator.

A rule is a code, a priority, the text of what it recommends, its source (with a `quote`:
the cited passage's own words, which a test finds in the seed), and its trigger
as clauses: it fires when every `all` clause holds and at least one `any` clause does.
Each clause carries the words of its `why`, so the output says exactly which facts fired
it. A clause that cannot be decided because a fact is unknown makes the rule undecided,
and the evaluator asks for that fact instead (invariant N4). A service adds a local rule
by adding a file to a rules folder; the engine is not edited.
"""

from __future__ import annotations

import functools
import hashlib
import os
import tomllib
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from nowrongdoor.errors import DataError
from nowrongdoor.guidance.pathway.expressions import Trigger, compile_trigger, names_in
from nowrongdoor.guidance.pathway.facts import FACTS

PRIORITIES = ("urgent", "soon", "routine")
GROUPS = (
    "safety",
    "identification",
    "alcohol",
    "drugs",
    "iapt",
    "session",
    "populations",
    "coordination",
)
RULES_FOLDER = os.path.join(os.path.dirname(__file__), "rules")


class Clause(NamedTuple):
    source: str
    trigger: Trigger
    why: str
    names: tuple[str, ...]


class Rule(NamedTuple):
    code: str
    group: str
    priority: str
    text: str
    source: str
    quote: str
    offer: bool
    all: tuple[Clause, ...]
    any: tuple[Clause, ...]
    subsumes: tuple[str, ...]
    fact_name: str  # the fact other rules use to say "this rule fired"
    check: Trigger  # the whole trigger as one expression: a fast first test

    def when(self) -> str:
        """The trigger in one line, for listings."""
        return _when(self.all, self.any)

    def why(self, facts: Mapping[str, Any]) -> list[str]:
        """For a fired rule: the words of every clause that holds."""
        if not self.any:  # every `all` clause holds, or the rule would not have fired
            return [_format(clause.why, facts) for clause in self.all if clause.why]
        return evaluate(self.all, self.any, facts).why

    def unknown_facts(self, facts: Mapping[str, Any]) -> list[str]:
        """For an undecided rule: the unknown facts of the clauses that are undecided."""
        unknown: list[str] = []
        if len(self.all) + len(self.any) == 1:  # the one clause is the undecided one
            return [name for name in (self.all + self.any)[0].names if facts.get(name) is None]
        for clause in self.all + self.any:
            missing = [name for name in clause.names if facts.get(name) is None]
            if missing and clause.trigger(facts) is None:
                unknown.extend(missing)
        return unknown


class Outcome(NamedTuple):
    """A rule, status or coordinator choice evaluated against one case's facts."""

    value: bool | None
    why: list[str]
    unknown: set[str]


class Ask(NamedTuple):
    code: str
    priority: str
    text: str
    source: str
    quote: str


class Choice(NamedTuple):
    """A first-match choice (IAPT status, coordinator), with clauses like a rule's."""

    value: str
    stop_if_unknown: bool
    under_cpa: bool
    all: tuple[Clause, ...]
    any: tuple[Clause, ...]
    check: Trigger


class Source(NamedTuple):
    """A citable document: a seed (rules citing it carry a quote) or an external source."""

    key: str
    kind: str  # seed | external
    reference: str


class RuleSet(NamedTuple):
    name: str
    version: str
    sha256: str
    rules: tuple[Rule, ...]
    asks: dict[str, Ask]
    sources: dict[str, Source]
    statuses: tuple[Choice, ...]
    coordinators: tuple[Choice, ...]
    by_code: dict[str, Rule]

    def rule(self, code: str) -> Rule:
        return self.by_code[code]


def _when(all_clauses: Sequence[Clause], any_clauses: Sequence[Clause]) -> str:
    parts = [
        f"({c.source})" if len(all_clauses) + bool(any_clauses) > 1 else c.source
        for c in all_clauses
    ]
    if any_clauses:
        alternatives = " or ".join(f"({c.source})" for c in any_clauses)
        parts.append(f"({alternatives})" if all_clauses else alternatives)
    return " and ".join(parts)


def _format(template: str, facts: Mapping[str, Any]) -> str:
    try:
        return template.format_map(facts)
    except (KeyError, ValueError, IndexError):
        return template


def evaluate(
    all_clauses: Sequence[Clause], any_clauses: Sequence[Clause], facts: Mapping[str, Any]
) -> Outcome:
    """Three-valued: False if any `all` clause is False or every `any` clause is; else
    True when decided, None (with the unknown facts) when not."""
    why: list[str] = []
    unknown: set[str] = set()
    result: bool | None = True
    for clause in all_clauses:
        value = clause.trigger(facts)
        if value is False:
            return Outcome(False, [], set())
        if value is None:
            result = None
            unknown.update(n for n in clause.names if facts.get(n) is None)
        elif clause.why:
            why.append(_format(clause.why, facts))
    if any_clauses:
        matched: bool | None = False
        for clause in any_clauses:
            value = clause.trigger(facts)
            if value:
                matched = True
                if clause.why:
                    why.append(_format(clause.why, facts))
            elif value is None:
                if matched is False:
                    matched = None
                unknown.update(n for n in clause.names if facts.get(n) is None)
        if matched is False:
            return Outcome(False, [], set())
        if matched is None:
            result = None
    if result is True:
        return Outcome(True, why, set())
    return Outcome(None, why, unknown)


def _clauses(raw: Any, known: Mapping[str, object], where: str) -> tuple[Clause, ...]:
    clauses = []
    for index, entry in enumerate(raw or ()):
        if isinstance(entry, str):
            entry = {"when": entry}
        source = entry["when"]
        clauses.append(
            Clause(
                source,
                compile_trigger(source, known, f"{where}[{index}]"),
                str(entry.get("why", "")),
                names_in(source),
            )
        )
    return tuple(clauses)


def cited(source: str, sources: Mapping[str, Source]) -> list[str]:
    """The source keys a citation names, one per `;`-separated part; a part may open with a
    label (`thiamine: NICE CG100`). DataError for a part that names no known source."""
    keys = []
    for part in source.split(";"):
        text = part.strip()
        found = [key for key in sources if text.startswith(key) or f": {key}" in text]
        if not found:
            raise DataError(f"source part {text!r} names no known source (see sources.toml)")
        keys.append(max(found, key=len))
    return keys


def _required(entry: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in entry or entry[key] in ("", None):
        raise DataError(f"{where}: {key} is required")
    return entry[key]


@functools.cache
def default() -> RuleSet:
    """The shipped rule set, read once."""
    return load()


def load(folder: str = RULES_FOLDER, extra_folders: Sequence[str] = ()) -> RuleSet:
    """Read every rule file: the sources, the shipped groups in order, then any local
    folders (whose files may add `[[source]]` entries of their own)."""
    paths = [os.path.join(folder, f"{group}.toml") for group in ("sources", *GROUPS)]
    for extra in extra_folders:
        paths.extend(
            os.path.join(extra, name)
            for name in sorted(os.listdir(extra))
            if name.endswith(".toml")
        )
    digest = hashlib.sha256()
    known: dict[str, object] = dict(FACTS)
    known["iapt_status"] = FACTS["iapt_status"]
    rules: list[Rule] = []
    asks: dict[str, Ask] = {}
    statuses: list[Choice] = []
    coordinators: list[Choice] = []
    sources: dict[str, Source] = {}
    header: dict[str, Any] = {}
    for path in paths:
        with open(path, "rb") as handle:
            content = handle.read()
        digest.update(content)
        try:
            data = tomllib.loads(content.decode("utf-8"))
        except tomllib.TOMLDecodeError as error:
            raise DataError(f"{path}: {error}") from None
        if os.path.dirname(path) == folder:  # a local file never renames the rule set
            header = data.get("ruleset", header)
        group = os.path.basename(path).removesuffix(".toml")
        for entry in data.get("source", ()):
            where = f"{group}.toml source {entry.get('key')}"
            sources[entry["key"]] = Source(
                _required(entry, "key", where),
                _required(entry, "kind", where),
                _required(entry, "reference", where),
            )
        for entry in data.get("ask", ()):
            where = f"{group}.toml ask {entry.get('code')}"
            asks[entry["code"]] = Ask(
                _required(entry, "code", where),
                _required(entry, "priority", where),
                _required(entry, "text", where),
                _required(entry, "source", where),
                str(entry.get("quote", "")),
            )
        for entry in data.get("rule", ()):
            code = entry.get("code", "?")
            where = f"{group}.toml rule {code}"
            priority = _required(entry, "priority", where)
            if priority not in PRIORITIES:
                raise DataError(f"{where}: priority {priority!r}, expected one of {PRIORITIES}")
            if any(rule.code == code for rule in rules):  # load time only
                raise DataError(f"{where}: code {code} is defined twice")
            all_clauses = _clauses(entry.get("all"), known, where + " all")
            any_clauses = _clauses(entry.get("any"), known, where + " any")
            if not all_clauses and not any_clauses:
                raise DataError(f"{where}: a rule needs a trigger (all or any)")
            rule = Rule(
                code=_required(entry, "code", where),
                group=str(entry.get("group", group)),
                priority=priority,
                text=_required(entry, "text", where),
                source=_required(entry, "source", where),
                quote=str(entry.get("quote", "")),
                offer=bool(entry.get("offer", False)),
                all=all_clauses,
                any=any_clauses,
                subsumes=tuple(entry.get("subsumes", ())),
                fact_name="fired_" + str(code).lower().replace("-", "_"),
                check=compile_trigger(_when(all_clauses, any_clauses), known, where),
            )
            rules.append(rule)
            known[rule.fact_name] = rule
        for key, target in (("status", statuses), ("coordinator", coordinators)):
            for entry in data.get(key, ()):
                where = f"{group}.toml {key} {entry.get('value')}"
                all_clauses = _clauses(entry.get("all"), known, where + " all")
                any_clauses = _clauses(entry.get("any"), known, where + " any")
                target.append(
                    Choice(
                        _required(entry, "value", where),
                        bool(entry.get("stop_if_unknown", False)),
                        bool(entry.get("under_cpa", False)),
                        all_clauses,
                        any_clauses,
                        compile_trigger(_when(all_clauses, any_clauses), known, where),
                    )
                )
    citations: list[tuple[str, str]] = [(r.code, r.source) for r in rules]
    citations += [(a.code, a.source) for a in asks.values()]
    for code, source in citations:
        try:
            cited(source, sources)
        except DataError as error:
            raise DataError(f"rule {code}: {error}") from None
    for ask in {FACTS[name].ask for name in FACTS}:
        if ask and ask not in asks and not any(rule.code == ask for rule in rules):
            raise DataError(f"ASK code {ask} has no text: add an [[ask]] entry")
    return RuleSet(
        name=str(header.get("name", "nowrongdoor-pathway")),
        version=str(header.get("version", "0")),
        sha256=digest.hexdigest(),
        rules=tuple(rules),
        asks=asks,
        sources=sources,
        statuses=tuple(statuses),
        coordinators=tuple(coordinators),
        by_code={rule.code: rule for rule in rules},
    )
