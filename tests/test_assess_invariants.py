"""Invariants N1-N5 of RULES.md v2, as Hypothesis properties over 10,000 generated cases each."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from nowrongdoor.guidance import instruments
from nowrongdoor.guidance.pathway import ruleset
from nowrongdoor.guidance.pathway.assess import assess, parse_case
from nowrongdoor.guidance.pathway.case import Condition, Setting, Substance
from nowrongdoor.guidance.pathway.facts import PLANNED_SESSION_SETTINGS, derive
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
            {},
            optional={
                n: answers(n) for n in ("audit", "phq9", "gad7", "sadq", "fast", "hsi", "barc10")
            },
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
                "capacity_concern": maybe_bool,
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
                "safe_to_get_home": maybe_bool,
                "previous_unplanned_exit": maybe_bool,
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
                "children_elsewhere": st.integers(0, 3),
                "cares_for_someone_who_uses": maybe_bool,
                "needs_interpreter": maybe_bool,
                "trauma_reported": maybe_bool,
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


NOT_PLANNED = tuple(s for s in Setting.__args__ if s not in PLANNED_SESSION_SETTINGS)
SENDING_AWAY = ("reschedule", "come back", "return when sober", "another day")
EXCEPTIONS = st.sampled_from(
    [
        {"circumstances": {"pregnant_or_postnatal": True}},
        {"circumstances": {"children_in_household": 1}},
        {"circumstances": {"children_elsewhere": 2}},
        {"circumstances": {"mental_health_act_concern": True}},
        {"mental_health": {"conditions": ["psychosis"]}},
        {"mental_health": {"suicidal_thoughts": True}},
        {"mental_health": {"capacity_concern": True}},
        {"age": 16},
    ]
)


def merged(data: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """The case with extra facts laid over it, section by section."""
    out = dict(data)
    for key, value in extra.items():
        out[key] = {**(out.get(key) or {}), **value} if isinstance(value, dict) else value
    return out


# Cases pushed into the places the clinical review found unsafe: intoxicated outside a
# planned session, under 18, pregnant, declining help with an exception, on substitute
# medication with or without use on top.
SPECIAL = st.one_of(
    st.tuples(CASES, st.sampled_from(NOT_PLANNED)).map(
        lambda p: merged({**p[0], "setting": p[1]}, {"engagement": {"intoxicated_now": True}})
    ),
    st.tuples(CASES, st.integers(10, 17)).map(lambda p: {**p[0], "age": p[1]}),
    CASES.map(lambda d: merged(d, {"circumstances": {"pregnant_or_postnatal": True}})),
    st.tuples(CASES, EXCEPTIONS).map(
        lambda p: merged(merged(p[0], {"engagement": {"declines_help": True}}), p[1])
    ),
    st.tuples(CASES, st.sampled_from(["methadone", "buprenorphine"]), maybe_bool).map(
        lambda p: {**p[0], "opioid_substitution": {"medication": p[1], "using_on_top": p[2]}}
    ),
)


@settings(max_examples=10_000)
@given(SPECIAL)
def test_right_for_the_setting_and_the_person(data: dict[str, Any]) -> None:
    """N1 over every setting and N5: the same facts give advice that fits where the person is,
    their age and pregnancy; an exception in a seed beats the general rule."""
    case = parse_case(data)
    result = assess(case, ruleset.default())
    found = {r["code"]: r for r in result["recommendations"]}
    texts = " ".join(r["text"].lower() for r in result["recommendations"])
    engagement, circumstances = case.engagement, case.circumstances
    intoxicated = bool(engagement and engagement.intoxicated_now)
    pregnant = bool(circumstances and circumstances.pregnant_or_postnatal)
    under_18 = case.age is not None and case.age < 18

    # N1: outside a planned therapy or keywork session nobody is told to come back later,
    # and someone intoxicated there gets care now.
    if case.setting not in PLANNED_SESSION_SETTINGS:
        assert "SESSION-RESCHEDULE" not in found
        assert not any(phrase in texts for phrase in SENDING_AWAY)
        if intoxicated:
            assert found["RISK-INTOXICATED-SAFETY"]["priority"] == "urgent"
    if intoxicated and case.mental_health and case.mental_health.in_crisis:
        assert "SESSION-RESCHEDULE" not in found
        assert "RISK-INTOXICATED-SAFETY" in found

    # N5: no adult drinking limit or adult pathway for under-18s; none in pregnancy.
    if under_18 or pregnant:
        assert "ALC-LOWER-RISK-ADVICE" not in found
        assert "14 units" not in texts
    if under_18:
        assert "YP-PATHWAY" in found or not _uses_something(case)
        assert not {"MUTUAL-AID", "IAPT-OFFER", "IAPT-CONTRACT", "RECOVERY-CAPITAL"} & set(found)
        assert not {"COORD-CPA", "COORD-CASE-MANAGER"} & set(found)
        if result["care_coordination"]:
            assert result["care_coordination"]["coordinator_from"] == "camhs"
    if pregnant and "ASK-SUBSTANCE-USE" not in found and _uses_something(case):
        assert "PREG-ALCOHOL-DRUGS" in found

    # N5: a decline with any exception never yields plain DECLINED-FOLLOW-UP.
    if engagement and engagement.declines_help and _an_exception_holds(case):
        assert "DECLINED-FOLLOW-UP" not in found
        assert "DECLINED-WITH-EXCEPTION" in found

    # Substitute medication is contact with treatment; use on top is an overdose risk.
    ost = case.opioid_substitution
    if ost and ost.medication:
        assert "DRUG-SPECIALIST-REFERRAL" not in found
        if ost.using_on_top:
            assert found["DRUG-OVERDOSE-RISK"]["priority"] == "urgent"


def _uses_something(case: Any) -> bool:
    """Current use the case states outright (a drug used on some of the past 28 days, or
    drinking units), the facts PREG-ALCOHOL-DRUGS fires on."""
    drinks = bool(case.alcohol and case.alcohol.units_per_day)
    drugs = any(d.prescribed is False and d.days_used_past_28 for d in case.drugs or ())
    return drinks or drugs


def _an_exception_holds(case: Any) -> bool:
    """Any of DECLINED-FOLLOW-UP's exceptions (RULES.md v2), read straight from the case."""
    mh, c = case.mental_health, case.circumstances
    return any(
        [
            bool(mh and (mh.conditions or mh.suicidal_thoughts or mh.in_crisis)),
            bool(mh and mh.capacity_concern),
            bool(case.engagement and case.engagement.intoxicated_now),
            bool(c and (c.pregnant_or_postnatal or c.mental_health_act_concern)),
            bool(c and ((c.children_in_household or 0) + (c.children_elsewhere or 0))),
            case.age is not None and case.age < 18,
        ]
    )
