"""One case in, one assessment out: scores, IAPT suitability, coordination, recommendations.

Pure: the same case and rule set always give the same assessment. Screens are scored by the
scoring engine (never re-implemented here); facts are derived once; then every rule, the
IAPT status and the coordinator choice are evaluated from the rule data. Rules that cannot
be decided for want of a fact become `ASK-*` recommendations naming that fact (N4).
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from nowrongdoor.errors import InputError
from nowrongdoor.guidance import instruments
from nowrongdoor.guidance.pathway.case import Case
from nowrongdoor.guidance.pathway.facts import asks_for, derive
from nowrongdoor.guidance.pathway.ruleset import PRIORITIES, Ask, Choice, Rule, RuleSet, evaluate
from nowrongdoor.guidance.scoring import Score, score_positions

SCHEMA = "nowrongdoor.assessment/1"
STATUS_NEED = "IAPT suitability"
RANK = {priority: rank for rank, priority in enumerate(PRIORITIES)}

_MESSAGES = {
    "extra_forbidden": "unknown field",
    "missing": "required",
    "bool_type": "must be true or false",
    "int_type": "must be an integer",
    "float_type": "must be a number",
    "string_type": "must be a string",
    "list_type": "must be a list",
    "model_type": "must be an object",
    "dict_type": "must be an object",
}


def _error_line(error: ValidationError) -> InputError:
    """Turn pydantic's first error into one line that names the field."""
    first = error.errors()[0]
    location = [str(part) for part in first["loc"]]
    kind = first["type"]
    context = first.get("ctx", {})
    if kind == "value_error":  # our own cross-field checks name their field first
        field, _, message = str(context.get("error", first["msg"])).partition(": ")
        location.append(field)
    elif kind == "literal_error":
        message = f"must be one of {context.get('expected')}"
    elif kind in ("greater_than_equal", "less_than_equal"):
        bound = "or more" if kind == "greater_than_equal" else "or less"
        limit = context.get("ge", context.get("le"))
        message = f"must be {limit:g} {bound}"
    else:
        message = _MESSAGES.get(kind, first["msg"])
    path = ".".join(location) or "case"
    return InputError(path, f"{path}: {message}")


def parse_case(data: Any) -> Case:
    """Validate a case (parsed JSON); `InputError` naming the field on failure."""
    if not isinstance(data, dict):
        raise InputError("case", "case: must be a JSON object")
    try:
        return Case.model_validate(data)
    except ValidationError as error:
        raise _error_line(error) from None


def parse_case_json(text: str | bytes) -> Case:
    """Validate a case straight from JSON text (faster: one pass in pydantic-core)."""
    try:
        return Case.model_validate_json(text)
    except ValidationError as error:
        kind = error.errors()[0]["type"]
        if kind == "json_invalid":
            detail = error.errors()[0].get("ctx", {}).get("error", "invalid JSON")
            raise InputError("case", f"case: malformed JSON: {detail}") from None
        if kind in ("model_type", "model_attributes_type") and not error.errors()[0]["loc"]:
            raise InputError("case", "case: must be a JSON object") from None
        raise _error_line(error) from None


def _scores(case: Case) -> dict[str, Score]:
    scores: dict[str, Score] = {}
    if case.screens is None:
        return scores
    for name, answers in case.screens:
        if answers is None:
            continue
        try:
            scores[name] = score_positions(instruments.load(name), answers)
        except InputError as error:
            raise InputError(f"screens.{name}", f"screens.{error}") from None
    return scores


def _choose(
    choices: tuple[Choice, ...], facts: dict[str, Any], unknown: set[str]
) -> tuple[Choice | None, list[str]]:
    """The first choice whose trigger holds; an undecided `stop_if_unknown` choice stops."""
    for choice in choices:
        if choice.check(facts) is False:
            continue
        outcome = evaluate(choice.all, choice.any, facts)
        if outcome.value:
            return choice, outcome.why
        if outcome.value is None:
            unknown.update(outcome.unknown)
            if choice.stop_if_unknown:
                return None, []
    return None, []


Asked = dict[str, dict[str, list[str]]]  # ASK code -> missing fact (words) -> what it decides


def assess(case: Case, ruleset: RuleSet) -> dict[str, Any]:
    """The assessment of one case, as the contract's JSON object."""
    scores = _scores(case)
    facts = derive(case, scores)
    status_unknown: set[str] = set()
    status, because = _choose(ruleset.statuses, facts, status_unknown)
    facts["iapt_status"] = status.value if status else "needs-assessment"
    asked: Asked = {}
    for name in sorted(status_unknown) if status is None else ():
        for code, words in asks_for(name, facts):
            asked.setdefault(code, {}).setdefault(words, []).append(STATUS_NEED)
    fired = _evaluate_rules(ruleset, facts, asked)
    for code in fired:
        for subsumed in ruleset.rule(code).subsumes:
            for words, codes in asked.pop(subsumed, {}).items():
                asked.setdefault(code, {}).setdefault(words, []).extend(codes)
    if status is None:
        because = sorted(
            code
            for code, missing in asked.items()
            if any(STATUS_NEED in codes for codes in missing.values())
        ) or ["unknown"]
    return {
        "schema": SCHEMA,
        "ruleset": {"name": ruleset.name, "version": ruleset.version, "sha256": ruleset.sha256},
        "scores": {
            name: {
                "total": score.total,
                "band": score.band,
                "flags": list(score.flags),
                "items": list(score.items),
            }
            for name, score in scores.items()
        },
        "iapt_suitability": {"status": facts["iapt_status"], "because": because},
        "care_coordination": _coordination(ruleset, facts) if "COORD-NAMED" in fired else None,
        "recommendations": _recommendations(ruleset, fired, asked),
    }


def _evaluate_rules(ruleset: RuleSet, facts: dict[str, Any], asked: Asked) -> dict[str, list[str]]:
    """Every rule in order: fired ones with their why; undecided ones ask for what they lack."""
    fired: dict[str, list[str]] = {}
    waiting_on: dict[str, list[str]] = {}
    known_asks: dict[str, list[tuple[str, str]]] = {}
    for rule in ruleset.rules:
        value = rule.check(facts)
        facts[rule.fact_name] = value
        if value:
            fired[rule.code] = rule.why(facts)
            continue
        if value is not None:
            continue
        # A rule waiting on an undecided rule waits on that rule's unknown facts.
        missing: list[str] = []
        for name in rule.unknown_facts(facts):
            missing.extend(waiting_on.get(name, (name,)))
        waiting_on[rule.fact_name] = missing
        for name in dict.fromkeys(missing) if len(missing) > 1 else missing:
            pairs = known_asks.get(name)
            if pairs is None:
                pairs = known_asks[name] = asks_for(name, facts)
            for code, words in pairs:
                asked.setdefault(code, {}).setdefault(words, []).append(rule.code)
    return fired


def _recommendations(
    ruleset: RuleSet, fired: dict[str, list[str]], asked: Asked
) -> list[dict[str, Any]]:
    """Fired rules (with any asks that would complete them), then the asks; urgent first."""
    recommendations = []
    for code, why in fired.items():
        rule = ruleset.rule(code)
        extra = [_ask_line(words, codes) for words, codes in asked.pop(code, {}).items()]
        recommendations.append(_recommendation(rule, why + extra))
    for code, needed in asked.items():
        lines = [_ask_line(words, codes) for words, codes in needed.items()]
        recommendations.append(
            _recommendation(ruleset.by_code.get(code) or ruleset.asks[code], lines)
        )
    recommendations.sort(key=lambda r: RANK[r["priority"]])
    return recommendations


def _ask_line(words: str, codes: list[str]) -> str:
    decides = ", ".join(dict.fromkeys(codes))
    return f"{words} not recorded (it decides {decides})"


def _recommendation(rule: Rule | Ask, why: list[str]) -> dict[str, Any]:
    """A recommendation; `quote` (the cited passage's words) only where the source has one."""
    made = {
        "code": rule.code,
        "priority": rule.priority,
        "text": rule.text,
        "source": rule.source,
        "why": why,
    }
    if rule.quote:
        made["quote"] = rule.quote
    return made


def _coordination(ruleset: RuleSet, facts: dict[str, Any]) -> dict[str, Any]:
    unknown: set[str] = set()
    choice, because = _choose(ruleset.coordinators, facts, unknown)
    if choice is None:  # the data ends with an unconditional choice; this is a data error
        raise LookupError("no coordinator choice matched: the last must always hold")
    return {"coordinator_from": choice.value, "under_cpa": choice.under_cpa, "because": because}
