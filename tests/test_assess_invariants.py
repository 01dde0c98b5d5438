"""Invariants N1-N4 of RULES.md, as Hypothesis properties over 10,000 generated cases."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from nowrongdoor.guidance import instruments
from nowrongdoor.guidance.pathway import ruleset
from nowrongdoor.guidance.pathway.assess import assess, parse_case
from nowrongdoor.guidance.pathway.case import Condition, Setting, Substance
from nowrongdoor.guidance.pathway.facts import derive
from nowrongdoor.guidance.pathway.ruleset import evaluate
from nowrongdoor.guidance.scoring import score_positions

maybe_bool = st.one_of(st.none(), st.booleans())


def optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


def answers(name: str) -> st.SearchStrategy[list[int]]:
    items = instruments.load(name).items
    return st.tuples(*[st.integers(0, len(i.options) - 1) for i in items]).map(list)


def drug() -> st.SearchStrategy[dict[str, Any]]:
    return st.builds(
        lambda substance, days, route, injecting, prescribed, dependent: {
            "substance": substance,
            "days_used_past_28": days,
            "typical_amount": "some",
            "route": route,
            "injecting_days_past_28": consistent_injecting(route, days, injecting),
            "prescribed": prescribed,
            "dependence_suspected": dependent,
        },
        optional(st.sampled_from(Substance.__args__)),
        optional(st.integers(0, 28)),
        optional(st.sampled_from(["oral", "smoked", "snorted", "injected", "other"])),
        optional(st.integers(0, 28)),
        maybe_bool,
        maybe_bool,
    )


def consistent_injecting(route: str | None, days: int | None, injecting: int | None) -> int | None:
    """Injecting days within days used, and at least one when the route is injected."""
    if days is None or injecting is None:
        return None
    if route == "injected" and days:
        return max(1, min(injecting, days))
    return min(injecting, days)


def with_matching_audit_c(screens: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """AUDIT-C, when given with AUDIT, is its first three answers (the case refuses otherwise)."""
    if "audit" in screens:
        return st.sampled_from([screens, {**screens, "audit_c": screens["audit"][:3]}])
    return st.one_of(st.just(screens), answers("audit_c").map(lambda a: {**screens, "audit_c": a}))


def section(fields: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    return optional(st.fixed_dictionaries({}, optional=fields))


CASES = st.fixed_dictionaries(
    {"setting": st.sampled_from(Setting.__args__)},
    optional={
        "age": st.integers(12, 90),
        "contact": st.sampled_from(["first", "follow-up"]),
        "screens": st.fixed_dictionaries(
            {}, optional={n: answers(n) for n in ("audit", "phq9", "gad7", "sadq")}
        ).flatmap(with_matching_audit_c),
        "alcohol": section(
            {
                "units_per_day": st.integers(0, 40),
                "drinks_on_waking": maybe_bool,
                "withdrawal_seizures_or_dts": maybe_bool,
                "dependence_suspected": maybe_bool,
            }
        ),
        "drugs": optional(st.lists(drug(), max_size=3)),
        "opioid_substitution": section(
            {
                "medication": st.sampled_from(["methadone", "buprenorphine"]),
                "using_on_top": maybe_bool,
            }
        ),
        "mental_health": section(
            {
                "conditions": optional(st.lists(st.sampled_from(Condition.__args__), max_size=3)),
                "suicidal_thoughts": maybe_bool,
                "in_crisis": maybe_bool,
            }
        ),
        "tobacco": section({"smokes": maybe_bool}),
        "treatment": section(
            {
                "in_drug_alcohol_service": maybe_bool,
                "unable_to_change_due_to_mental_health": maybe_bool,
            }
        ),
        "engagement": section(
            {
                "able_to_attend": maybe_bool,
                "motivated_to_limit_use": maybe_bool,
                "use_confined_to_contexts": maybe_bool,
                "intoxicated_now": maybe_bool,
                "consecutive_intoxicated_sessions": st.integers(0, 5),
                "declines_help": maybe_bool,
            }
        ),
        "circumstances": section(
            {
                "children_in_household": st.integers(0, 4),
                "has_carer": maybe_bool,
                "housing": st.sampled_from(["stable", "unstable", "homeless", "hostel"]),
                "released_from_prison_days_ago": st.integers(0, 90),
                "recent_detox_or_abstinence": maybe_bool,
                "pregnant_or_postnatal": maybe_bool,
                "domestic_abuse": maybe_bool,
                "mental_health_act_concern": maybe_bool,
                "debt_or_benefit_needs": maybe_bool,
            }
        ),
    },
)

EXCLUDING_WORDS = (
    "exclude from",
    "discharge because",
    "not eligible",
    "refuse treatment",
    "decline the referral",
)


@settings(max_examples=10_000)
@given(CASES)
def test_invariants_hold_for_any_case(data: dict[str, Any]) -> None:
    rules = ruleset.default()
    case = parse_case(data)
    result = assess(case, rules)
    recommendations = result["recommendations"]
    found = {r["code"]: r for r in recommendations}

    # N3 explainable: code, source and why on every recommendation; each code once.
    assert len(found) == len(recommendations)
    for r in recommendations:
        assert r["code"]
        assert r["source"]
        assert r["why"]
        assert all(r["why"])

    # N1 no wrong door: nothing recommends exclusion; "not initially suitable" names its route.
    for r in recommendations:
        assert not any(word in r["text"].lower() for word in EXCLUDING_WORDS)
    status = result["iapt_suitability"]
    if status["status"] == "not-initially-suitable":
        assert set(status["because"]) & {"DRUG-SPECIALIST-REFERRAL", "OST-CONTINUE-KEYWORK"}
        assert all(code in found for code in status["because"])
        assert "IAPT-REASSESS" in found

    # N2 always an offer: any identified need brings at least one offer of help.
    scores = {n: score_positions(instruments.load(n), a) for n, a in (case.screens or {}) if a}
    facts = derive(case, dict(scores))
    need = any(
        facts[n] is True for n in ("substance_problem", "mental_health_problem", "dependence")
    )
    if need:
        assert any(
            rules.rule(code).offer for code in found if code in {r.code for r in rules.rules}
        )

    # N4 unknown is not no: every rule that cannot be decided is answered by an ASK naming it.
    facts["iapt_status"] = status["status"]
    asked = " ".join(w for r in recommendations if r["code"].startswith("ASK-") for w in r["why"])
    for rule in rules.rules:
        outcome = evaluate(rule.all, rule.any, facts)
        facts[rule.fact_name] = outcome.value
        if outcome.value is None:
            assert rule.code in asked, f"{rule.code} undecided but no ASK names it"
