"""`nwd assess`: the vignettes, every rule firing and nearly firing, bad input, invariants."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from helpers import SHARED, run_nwd
from nowrongdoor.errors import InputError
from nowrongdoor.guidance.pathway import ruleset
from nowrongdoor.guidance.pathway.assess import assess, parse_case
from nowrongdoor.guidance.schemas import Assessment

VIGNETTES = sorted((SHARED / "vignettes").glob("*.json"))


def run(case: dict[str, Any]) -> dict[str, Any]:
    result = assess(parse_case(case), ruleset.default())
    Assessment.model_validate(result)
    return result


def codes(case: dict[str, Any]) -> list[str]:
    return [r["code"] for r in run(case)["recommendations"]]


def test_the_shared_vignettes_are_there() -> None:
    """CI runs with ../shared beside the clone; never pass by finding no vignette."""
    assert len(VIGNETTES) >= 6


@pytest.mark.parametrize("path", VIGNETTES, ids=[p.stem for p in VIGNETTES])
def test_vignette(path: Path) -> None:
    from vignette_check import check_vignette

    check_vignette(json.loads(path.read_text(encoding="utf-8")))


BASE: dict[str, Any] = {"setting": "primary-care", "age": 40, "contact": "first"}


def case(**parts: Any) -> dict[str, Any]:
    return {**BASE, **parts}


DEPRESSED = {"conditions": ["depression"], "suicidal_thoughts": False, "in_crisis": False}
DEPENDENT_DRINKER = {
    "units_per_day": 20,
    "dependence_suspected": True,
    "drinks_on_waking": False,
    "withdrawal_seizures_or_dts": False,
    "abstinent": False,
}
HEROIN = {
    "substance": "heroin",
    "days_used_past_28": 20,
    "typical_amount": "0.5g",
    "route": "smoked",
    "injecting_days_past_28": 0,
    "prescribed": False,
    "dependence_suspected": True,
}
CANNABIS = {
    "substance": "cannabis",
    "days_used_past_28": 4,
    "typical_amount": "1g",
    "route": "smoked",
    "injecting_days_past_28": 0,
    "prescribed": False,
    "dependence_suspected": False,
}
SUITABLE = {"able_to_attend": True, "motivated_to_limit_use": True}
INTOXICATED_SAFE = {"intoxicated_now": True, "safe_to_get_home": True}
DECLINES_SOBER = {"declines_help": True, "intoxicated_now": False}
WELL = {"conditions": [], "suicidal_thoughts": False, "in_crisis": False}
# Circumstances in which none of DECLINED-FOLLOW-UP's exceptions holds (RULES.md v2).
NO_EXCEPTION = {
    "children_in_household": 0,
    "children_elsewhere": 0,
    "pregnant_or_postnatal": False,
    "mental_health_act_concern": False,
}
LIGHT_DRINKER = {"units_per_day": 2, "dependence_suspected": False}

# (rule code, a case where it fires, a case where it nearly fires but must not)
FIRES_AND_NEARLY: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    (
        "SESSION-CONFIDENTIALITY",
        case(contact="first", drugs=[CANNABIS]),
        case(contact="follow-up", drugs=[CANNABIS]),
    ),
    (
        "RISK-CUSTODY-TRANSITION",
        {**case(drugs=[CANNABIS]), "setting": "prison"},
        {**case(drugs=[CANNABIS], contact="follow-up"), "setting": "prison"},
    ),
    (
        "ALC-BRAIN-INJURY-PREVENTION",
        case(
            alcohol=DEPENDENT_DRINKER,
            mental_health={"conditions": ["alcohol-related-brain-damage"]},
        ),
        case(alcohol=DEPENDENT_DRINKER, mental_health={"conditions": ["depression"]}),
    ),
    (
        "DRUG-PRESCRIBED-MEDICINE-REVIEW",
        case(
            drugs=[
                {
                    **CANNABIS,
                    "substance": "benzodiazepine",
                    "prescribed": True,
                    "dependence_suspected": True,
                }
            ]
        ),
        case(
            drugs=[
                {
                    **CANNABIS,
                    "substance": "benzodiazepine",
                    "prescribed": False,
                    "dependence_suspected": True,
                }
            ]
        ),
    ),
    (
        "REC-AFTERCARE-CHECKUPS",
        case(alcohol={"abstinent": True}, circumstances={"recent_detox_or_abstinence": False}),
        case(alcohol={"abstinent": False}, circumstances={"recent_detox_or_abstinence": False}),
    ),
    (
        "COORD-ED-PATHWAY",
        {**case(drugs=[HEROIN]), "setting": "emergency-department"},
        {**case(drugs=[], alcohol={"units_per_day": 0}), "setting": "emergency-department"},
    ),
    (
        "MH-ROUTE-BY-NEED",
        case(mental_health={"conditions": ["eating-disorder"]}),
        case(mental_health={"conditions": ["depression"]}),
    ),
    (
        "RISK-SUICIDE",
        case(screens={"phq9": [0, 0, 0, 0, 0, 0, 0, 0, 1]}),
        case(
            screens={"phq9": [3, 3, 3, 3, 3, 3, 3, 3, 0]},
            mental_health={"suicidal_thoughts": False},
        ),
    ),
    (
        "RISK-INTOXICATED-CRISIS",
        case(engagement={"intoxicated_now": True}, mental_health={"in_crisis": True}),
        case(engagement={"intoxicated_now": True}, mental_health={"in_crisis": False}),
    ),
    (
        "RISK-CRISIS-PLAN",
        case(mental_health={"in_crisis": True}),
        case(mental_health={"in_crisis": False}),
    ),
    (
        "RISK-MHA-ASSESSMENT",
        case(circumstances={"mental_health_act_concern": True}),
        case(circumstances={"mental_health_act_concern": False}),
    ),
    (
        "DRUG-OVERDOSE-RISK",
        case(drugs=[HEROIN], circumstances={"released_from_prison_days_ago": 28}),
        case(
            drugs=[HEROIN],
            alcohol={"units_per_day": 0},
            circumstances={
                "released_from_prison_days_ago": 29,
                "recent_detox_or_abstinence": False,
            },
        ),
    ),
    (
        "CHILDREN-CONSIDER",
        case(circumstances={"children_in_household": 1}),
        case(circumstances={"children_in_household": 0}),
    ),
    (
        "SAFE-DECLINED-CHILDREN",
        case(engagement={"declines_help": True}, circumstances={"children_in_household": 2}),
        case(engagement={"declines_help": False}, circumstances={"children_in_household": 2}),
    ),
    (
        "SAFE-MEDICINES-CHILDREN",
        case(
            opioid_substitution={"medication": "methadone"},
            circumstances={"children_in_household": 1},
        ),
        case(
            opioid_substitution={"medication": "methadone"},
            circumstances={"children_in_household": 0},
        ),
    ),
    (
        "VULNERABLE-ENGAGE",
        case(circumstances={"housing": "homeless"}),
        case(
            circumstances={
                "housing": "hostel",
                "domestic_abuse": False,
                "pregnant_or_postnatal": False,
                "sells_sex": False,
                "refugee_or_asylum_seeker": False,
                "no_recourse_to_public_funds": False,
            }
        ),
    ),
    ("ASK-SUBSTANCE-USE", case(), case(drugs=[])),
    ("ASK-DRUG-DETAILS", case(drugs=[{"substance": "cocaine"}]), case(drugs=[CANNABIS])),
    (
        "ASK-MENTAL-HEALTH",
        case(drugs=[CANNABIS]),
        case(
            drugs=[CANNABIS],
            mental_health={"conditions": [], "suicidal_thoughts": False, "in_crisis": False},
        ),
    ),
    (
        "ASK-RELATIONSHIP",
        case(drugs=[CANNABIS], mental_health=DEPRESSED),
        case(drugs=[], alcohol={"units_per_day": 0}, mental_health=DEPRESSED),
    ),
    (
        "ALC-LOWER-RISK-ADVICE",
        case(screens={"audit": [2, 2, 1, 1, 0, 0, 1, 1, 0, 0]}),  # total 8
        case(screens={"audit": [2, 1, 1, 1, 0, 0, 1, 1, 0, 0]}),  # total 7
    ),
    (
        "ALC-BRIEF-INTERVENTION",
        case(screens={"audit": [4, 4, 4, 1, 1, 0, 1, 1, 0, 0]}),
        case(screens={"audit": [4, 4, 4, 1, 1, 1, 1, 1, 1, 1]}),
    ),
    (
        "ALC-ASSISTED-WITHDRAWAL",
        case(alcohol={"units_per_day": 16}),
        case(alcohol={"units_per_day": 15}, screens={"audit": [4, 4, 4, 1, 1, 0, 1, 1, 0, 0]}),
    ),
    (
        "ALC-SPECIALIST-WITHDRAWAL",
        case(alcohol={**DEPENDENT_DRINKER, "withdrawal_seizures_or_dts": True}),
        case(alcohol=DEPENDENT_DRINKER),
    ),
    (
        "ALC-TREAT-FIRST",
        case(alcohol=DEPENDENT_DRINKER, mental_health=DEPRESSED),
        case(alcohol=DEPENDENT_DRINKER, mental_health={**DEPRESSED, "conditions": ["psychosis"]}),
    ),
    (
        "SUB-NO-ABRUPT-STOP",
        case(drugs=[{**CANNABIS, "substance": "gbl-ghb", "dependence_suspected": True}]),
        case(drugs=[{**CANNABIS, "substance": "gbl-ghb"}], alcohol={"units_per_day": 0}),
    ),
    (
        "DRUG-ADVICE",
        case(drugs=[CANNABIS]),
        case(drugs=[{**CANNABIS, "dependence_suspected": True}]),
    ),
    (
        "DRUG-SPECIALIST-REFERRAL",
        case(drugs=[HEROIN], treatment={"in_drug_alcohol_service": False}),
        case(drugs=[HEROIN], treatment={"in_drug_alcohol_service": True}),
    ),
    (
        "DRUG-BBV",
        case(drugs=[{**HEROIN, "route": "injected", "injecting_days_past_28": 5}]),
        case(drugs=[HEROIN]),
    ),
    (
        "OST-CONTINUE-KEYWORK",
        case(opioid_substitution={"medication": "methadone", "using_on_top": True}),
        case(
            opioid_substitution={"medication": "methadone", "using_on_top": False},
            treatment={
                "in_drug_alcohol_service": True,
                "unable_to_change_due_to_mental_health": False,
            },
        ),
    ),
    (
        "IAPT-OFFER",
        case(mental_health=DEPRESSED, drugs=[], alcohol={"units_per_day": 0}),
        case(mental_health={**DEPRESSED, "conditions": ["psychosis"]}),
    ),
    (
        "IAPT-REASSESS",
        case(
            mental_health=DEPRESSED,
            alcohol=DEPENDENT_DRINKER,
            treatment={"in_drug_alcohol_service": False},
        ),
        case(
            mental_health=DEPRESSED,
            alcohol=DEPENDENT_DRINKER,
            treatment={
                "in_drug_alcohol_service": True,
                "unable_to_change_due_to_mental_health": False,
            },
            engagement=SUITABLE,
        ),
    ),
    (
        "IAPT-MOTIVATION",
        case(
            mental_health=DEPRESSED,
            drugs=[{**CANNABIS, "days_used_past_28": 8}],
            engagement=SUITABLE,
            alcohol=LIGHT_DRINKER,
        ),
        case(
            mental_health=DEPRESSED,
            drugs=[{**CANNABIS, "days_used_past_28": 7}],
            engagement=SUITABLE,
            alcohol=LIGHT_DRINKER,
            screens={"audit": [1, 1, 0, 0, 0, 0, 0, 0, 0, 0]},
        ),
    ),
    (
        "IAPT-CONTRACT",
        case(mental_health=DEPRESSED, drugs=[CANNABIS], engagement=SUITABLE, alcohol=LIGHT_DRINKER),
        case(mental_health=DEPRESSED, drugs=[], alcohol={"units_per_day": 0}),
    ),
    (
        "MH-SECONDARY-REFERRAL",
        case(mental_health={"conditions": ["personality-disorder"]}),
        case(mental_health=DEPRESSED),
    ),
    (
        "SESSION-RESCHEDULE",
        {
            **case(engagement=INTOXICATED_SAFE, mental_health={"in_crisis": False}),
            "setting": "iapt",
        },
        case(engagement=INTOXICATED_SAFE, mental_health={"in_crisis": False}),
    ),
    (
        "RISK-INTOXICATED-SAFETY",
        case(engagement=INTOXICATED_SAFE, mental_health={"in_crisis": False}),
        {
            **case(engagement=INTOXICATED_SAFE, mental_health={"in_crisis": False}),
            "setting": "iapt",
        },
    ),
    (
        "SESSION-CONTRACT-REVIEW",
        case(engagement={"consecutive_intoxicated_sessions": 2}),
        case(engagement={"consecutive_intoxicated_sessions": 1}),
    ),
    (
        "SESSION-REVIEW-USE",
        case(contact="follow-up", drugs=[CANNABIS]),
        case(contact="first", drugs=[CANNABIS]),
    ),
    (
        "DECLINED-FOLLOW-UP",
        case(engagement=DECLINES_SOBER, circumstances=NO_EXCEPTION, mental_health=WELL),
        case(
            engagement=DECLINES_SOBER,
            circumstances={**NO_EXCEPTION, "children_elsewhere": 1},
            mental_health=WELL,
        ),
    ),
    (
        "DECLINED-WITH-EXCEPTION",
        case(
            engagement={"declines_help": True},
            circumstances={**NO_EXCEPTION, "pregnant_or_postnatal": True},
            mental_health=WELL,
        ),
        case(engagement=DECLINES_SOBER, circumstances=NO_EXCEPTION, mental_health=WELL),
    ),
    (
        "IAPT-ENGAGE-DECLINER",
        case(
            alcohol=DEPENDENT_DRINKER,
            mental_health=DEPRESSED,
            treatment={"in_drug_alcohol_service": False},
            engagement={"declines_help": True},
        ),
        case(
            alcohol=DEPENDENT_DRINKER,
            mental_health=DEPRESSED,
            treatment={"in_drug_alcohol_service": True},
            engagement={"declines_help": True},
        ),
    ),
    (
        "COORD-NAMED",
        case(mental_health=DEPRESSED, drugs=[HEROIN]),
        case(mental_health=DEPRESSED, drugs=[CANNABIS], alcohol={"units_per_day": 0}),
    ),
    (
        "COORD-CPA",
        case(mental_health={"conditions": ["bipolar"]}, drugs=[HEROIN]),
        case(
            mental_health={"conditions": ["bipolar"]},
            drugs=[CANNABIS],
            alcohol={"units_per_day": 0},
        ),
    ),
    (
        "COORD-CASE-MANAGER",
        case(mental_health=DEPRESSED, drugs=[HEROIN]),
        case(mental_health={"conditions": ["psychosis", "depression"]}, drugs=[HEROIN]),
    ),
    (
        "CARER-SUPPORT",
        case(circumstances={"has_carer": True}),
        case(circumstances={"has_carer": False}),
    ),
    ("MUTUAL-AID", case(drugs=[HEROIN]), case(drugs=[CANNABIS], alcohol={"units_per_day": 0})),
    (
        "RECOVERY-CAPITAL",
        case(treatment={"in_drug_alcohol_service": True}),
        case(treatment={"in_drug_alcohol_service": False}, drugs=[CANNABIS]),
    ),
    (
        "SOCIAL-NEEDS",
        case(circumstances={"housing": "unstable"}),
        case(
            circumstances={
                "housing": "stable",
                "debt_or_benefit_needs": False,
                "employment_needs": False,
            }
        ),
    ),
    (
        "COORD-PRISON-RELEASE",
        case(drugs=[CANNABIS], circumstances={"released_from_prison_days_ago": 10}),
        case(drugs=[CANNABIS], circumstances={"released_from_prison_days_ago": 60}),
    ),
    (
        "COORD-LIAISON-DIVERSION",
        {**case(drugs=[HEROIN]), "setting": "criminal-justice"},
        case(drugs=[HEROIN]),
    ),
    ("YP-PATHWAY", case(age=17, drugs=[CANNABIS]), case(age=18, drugs=[CANNABIS])),
    ("COORD-YOUNG-PERSON", case(age=17, drugs=[CANNABIS]), case(age=18, drugs=[CANNABIS])),
    (
        "PREG-ALCOHOL-DRUGS",
        case(drugs=[CANNABIS], circumstances={"pregnant_or_postnatal": True}),
        case(
            drugs=[{**CANNABIS, "days_used_past_28": 0}],
            circumstances={"pregnant_or_postnatal": True},
        ),
    ),
    (
        "CARER-OWN-NEEDS",
        case(circumstances={"cares_for_someone_who_uses": True}),
        case(circumstances={"cares_for_someone_who_uses": False, "has_carer": True}),
    ),
    (
        "ALC-FAST-FOLLOW-UP",
        case(screens={"fast": [3]}),
        case(screens={"fast": [3], "audit": [3, 0, 0, 0, 0, 0, 0, 0, 0, 0]}),
    ),
    (
        "ASK-CAPACITY",
        case(mental_health={"capacity_concern": True}),
        case(
            mental_health={**WELL, "capacity_concern": False}, engagement={"intoxicated_now": False}
        ),
    ),
    (
        "COMMUNICATION-NEEDS",
        case(circumstances={"needs_interpreter": True}),
        case(circumstances={"needs_interpreter": False}),
    ),
    (
        "ASK-PAST-DISENGAGEMENT",
        case(engagement={"previous_unplanned_exit": True}),
        case(engagement={"previous_unplanned_exit": False}),
    ),
    (
        "TRAUMA-INFORMED",
        case(circumstances={"trauma_reported": True}),
        case(circumstances={"trauma_reported": False, "domestic_abuse": False}),
    ),
    ("TOB-VBA", case(tobacco={"smokes": True}), case(tobacco={"smokes": False})),
]


@pytest.mark.parametrize(
    ("code", "fires", "nearly"), FIRES_AND_NEARLY, ids=[c for c, _, _ in FIRES_AND_NEARLY]
)
def test_rule_fires_and_nearly_fires(
    code: str, fires: dict[str, Any], nearly: dict[str, Any]
) -> None:
    assert code in codes(fires)
    assert code not in codes(nearly)


def test_every_rule_has_a_firing_and_a_near_miss_case() -> None:
    tested = {code for code, _, _ in FIRES_AND_NEARLY}
    assert {rule.code for rule in ruleset.default().rules} == tested


def test_opioid_substitution_never_excludes_from_iapt() -> None:
    result = run(
        case(
            mental_health=DEPRESSED,
            drugs=[],
            opioid_substitution={"medication": "methadone", "using_on_top": False},
            alcohol={"units_per_day": 0},
        )
    )
    assert result["iapt_suitability"]["status"] == "suitable"


def test_dependent_and_not_in_treatment_is_not_initially_suitable_with_the_route_that_is() -> None:
    result = run(
        case(mental_health=DEPRESSED, drugs=[HEROIN], treatment={"in_drug_alcohol_service": False})
    )
    assert result["iapt_suitability"] == {
        "status": "not-initially-suitable",
        "because": ["DRUG-SPECIALIST-REFERRAL"],
    }
    assert {"DRUG-SPECIALIST-REFERRAL", "IAPT-REASSESS"} <= {
        r["code"] for r in result["recommendations"]
    }


def test_unknown_engagement_means_needs_assessment_never_screened_out() -> None:
    result = run(case(mental_health=DEPRESSED, drugs=[CANNABIS], alcohol=LIGHT_DRINKER))
    assert result["iapt_suitability"]["status"] == "needs-assessment"
    assert "ASK-ENGAGEMENT" in result["iapt_suitability"]["because"]
    assert "IAPT-OFFER" in codes(case(mental_health=DEPRESSED, drugs=[CANNABIS]))


def test_declining_help_with_a_mental_health_act_concern_still_gets_an_offer() -> None:
    found = codes(
        case(engagement={"declines_help": True}, circumstances={"mental_health_act_concern": True})
    )
    assert "DECLINED-FOLLOW-UP" not in found
    assert "RISK-MHA-ASSESSMENT" in found


def test_drinking_on_waking_counts_as_dependence() -> None:
    result = run(
        case(
            mental_health=DEPRESSED,
            alcohol={"drinks_on_waking": True},
            treatment={"in_drug_alcohol_service": False},
        )
    )
    assert result["iapt_suitability"]["status"] == "not-initially-suitable"


def test_specialist_withdrawal_under_18() -> None:
    assert "ALC-SPECIALIST-WITHDRAWAL" in codes(case(age=17, alcohol={"units_per_day": 16}))


def test_homeless_person_with_depression_and_heroin_gets_a_homelessness_case_manager() -> None:
    result = run(
        case(
            mental_health=DEPRESSED,
            drugs=[HEROIN],
            circumstances={"housing": "homeless"},
            treatment={"in_drug_alcohol_service": False},
        )
    )
    assert result["care_coordination"]["coordinator_from"] == "homelessness-service"


def test_recommendations_are_urgent_first_and_each_code_once() -> None:
    result = run(
        case(screens={"phq9": [2] * 9}, drugs=[HEROIN], circumstances={"children_in_household": 1})
    )
    order = {"urgent": 0, "soon": 1, "routine": 2}
    ranks = [order[r["priority"]] for r in result["recommendations"]]
    assert ranks == sorted(ranks)
    found = [r["code"] for r in result["recommendations"]]
    assert len(found) == len(set(found))


def test_why_names_the_facts_a_practitioner_can_check() -> None:
    result = run(
        case(screens={"audit": [4, 4, 3, 2, 2, 2, 1, 1, 0, 2]}, alcohol={"units_per_day": 18})
    )
    why = {r["code"]: r["why"] for r in result["recommendations"]}["ALC-ASSISTED-WITHDRAWAL"]
    assert why == ["more than 15 units a day (18)", "AUDIT total 23 is 20 or more"]


BAD = [
    ({"setting": "iapt", "scrrens": {}}, "scrrens: unknown field"),
    (
        {"setting": "iapt", "alcohol": {"units_per_day": -1}},
        "alcohol.units_per_day: must be 0 or more",
    ),
    ({"setting": "iapt", "age": "forty"}, "age: must be an integer"),
    ({"setting": "pub"}, "setting: must be one of"),
    ({}, "setting: required"),
    ({"setting": "iapt", "drugs": [{"substance": "tea"}]}, "drugs.0.substance: must be one of"),
    (
        {"setting": "iapt", "drugs": [{"days_used_past_28": 10, "injecting_days_past_28": 20}]},
        "drugs.0.injecting_days_past_28: 20 is more than days_used_past_28 (10)",
    ),
    (
        {"setting": "iapt", "circumstances": {"children_in_household": -2}},
        "circumstances.children_in_household: must be 0 or more",
    ),
    (
        {"setting": "iapt", "screens": {"phq9": [0, 0, 0, 0, 0, 0, 0, 0, 4]}},
        "screens.phq9: answer 9 is 4, expected 0-3",
    ),
    ({"setting": "iapt", "screens": {"phq10": [0]}}, "screens.phq10: unknown field"),
    (
        {"setting": "iapt", "mental_health": {"suicidal_thoughts": "no"}},
        "mental_health.suicidal_thoughts: must be true or false",
    ),
]


@pytest.mark.parametrize(("data", "message"), BAD, ids=[m.split(":")[0] for _, m in BAD])
def test_bad_case_exits_2_naming_the_field(data: dict[str, Any], message: str) -> None:
    done = run_nwd("assess", "-", stdin=json.dumps(data))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith(message), done.stderr
    assert done.stderr.count("\n") == 1


def test_malformed_case_json_exits_2() -> None:
    done = run_nwd("assess", "-", stdin="{")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith("case: malformed JSON")


def test_parse_case_rejects_a_list() -> None:
    with pytest.raises(InputError, match="case: must be a JSON object"):
        parse_case([])


def test_text_format_puts_risk_first_with_sources() -> None:
    done = run_nwd(
        "assess",
        "--format",
        "text",
        "-",
        stdin=json.dumps(case(screens={"phq9": [0] * 8 + [2]}, drugs=[HEROIN])),
    )
    assert done.returncode == 0
    text = done.stdout
    assert text.index("RISK-SUICIDE") < text.index("DRUG-SPECIALIST-REFERRAL")
    assert "source: PHE-COOC" in text


def test_batch_reports_bad_lines_by_number() -> None:
    lines = [json.dumps(case()), json.dumps({"setting": "pub"}), json.dumps(case(drugs=[HEROIN]))]
    done = run_nwd("assess", "--batch", "-", stdin="\n".join(lines) + "\n")
    assert done.returncode == 2
    assert len(done.stdout.splitlines()) == 2
    assert done.stderr.startswith("line 2: setting: must be one of")


def test_rules_lists_the_catalogue_and_one_rule() -> None:
    listing = json.loads(run_nwd("rules", "--json").stdout)
    rules = ruleset.default()
    assert len(listing) == len(rules.rules) + len(rules.asks)
    assert {row["code"] for row in listing} >= {"RISK-SUICIDE", "ASK-ALCOHOL"}
    one = run_nwd("rules", "IAPT-REASSESS")
    assert "IAPT-PPG ¶30" in one.stdout
    assert run_nwd("rules", "NO-SUCH").returncode == 2


def test_schemas_of_case_and_assessment() -> None:
    case_schema = json.loads(run_nwd("schema", "case").stdout)
    assert case_schema["additionalProperties"] is False
    assert case_schema["required"] == ["setting"]
    assessment_schema = json.loads(run_nwd("schema", "assessment").stdout)
    assert "recommendations" in assessment_schema["properties"]


def test_ruleset_identity_is_reported() -> None:
    info = run(case())["ruleset"]
    assert info["name"] == "nowrongdoor-pathway"
    assert len(info["sha256"]) == 64


def test_a_service_adds_a_local_rule_without_editing_the_engine(tmp_path: Path) -> None:
    (tmp_path / "local.toml").write_text(
        """
[[source]]
key = "Local policy"
kind = "external"
reference = "Our service's policies, by number and year."

[[rule]]
code = "LOCAL-SMOKING-CLINIC"
priority = "routine"
offer = true
text = "Offer the Tuesday stop-smoking clinic at this service."
source = "Local policy 2026/4"
all = [{ when = "smokes", why = "smokes" }]
""",
        encoding="utf-8",
    )
    from helpers import NWD, ROOT

    done = subprocess.run(
        [str(NWD), "assess", "-"],
        input=json.dumps(case(tobacco={"smokes": True})),
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "NWD_LOCAL_RULES": str(tmp_path)},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    found = {r["code"]: r for r in json.loads(done.stdout)["recommendations"]}
    assert found["LOCAL-SMOKING-CLINIC"]["source"] == "Local policy 2026/4"
    assert "TOB-VBA" in found


def test_a_broken_local_rule_is_refused_at_load(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text(
        '[[rule]]\ncode = "X"\npriority = "routine"\ntext = "t"\nsource = "s"\n'
        'all = [{ when = "__import__(1)" }]\n',
        encoding="utf-8",
    )
    from nowrongdoor.errors import DataError

    with pytest.raises(DataError, match="uses Call"):
        ruleset.load(extra_folders=[str(tmp_path)])


def test_a_local_rule_citing_an_undeclared_source_is_refused(tmp_path: Path) -> None:
    """Every citation names a declared source: a local file declares its own."""
    (tmp_path / "local.toml").write_text(
        '[[rule]]\ncode = "X"\npriority = "routine"\ntext = "t"\n'
        'source = "A blog post"\nall = [{ when = "smokes" }]\n',
        encoding="utf-8",
    )
    from nowrongdoor.errors import DataError

    with pytest.raises(DataError, match="rule X: source part 'A blog post' names no known"):
        ruleset.load(extra_folders=[str(tmp_path)])
    from helpers import NWD, ROOT

    done = subprocess.run(
        [str(NWD), "assess", "-"],
        input=json.dumps(case()),
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "NWD_LOCAL_RULES": str(tmp_path)},
        check=False,
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith("NWD_LOCAL_RULES: rule X: source part")
    assert done.stderr.count("\n") == 1


def test_an_intoxicated_refusal_is_an_exception_and_capacity_is_asked() -> None:
    found = codes(
        case(
            engagement={"declines_help": True, "intoxicated_now": True},
            circumstances=NO_EXCEPTION,
            mental_health=WELL,
        )
    )
    assert "DECLINED-FOLLOW-UP" not in found
    assert {"DECLINED-WITH-EXCEPTION", "ASK-CAPACITY", "RISK-INTOXICATED-SAFETY"} <= set(found)


@pytest.mark.parametrize(("age", "fires"), [(64, False), (65, True)])
def test_specialist_withdrawal_for_older_adults_from_65(age: int, fires: bool) -> None:
    drinker = {**DEPENDENT_DRINKER, "units_per_day": 12}
    found = run(
        case(
            age=age,
            alcohol=drinker,
            screens={"sadq": [1] * 20},
            drugs=[],
            mental_health=WELL,
            circumstances={"pregnant_or_postnatal": False},
        )
    )
    codes_found = [r["code"] for r in found["recommendations"]]
    assert ("ALC-SPECIALIST-WITHDRAWAL" in codes_found) is fires
    if fires:
        why = next(r for r in found["recommendations"] if r["code"] == "ALC-SPECIALIST-WITHDRAWAL")
        assert "an older adult (65; 65 or over)" in why["why"]


@pytest.mark.parametrize(
    ("barc10", "words"),
    [
        ([3] * 10, "BARC-10 total 40 is under 47 (lower recovery capital)"),
        ([5] * 10, "BARC-10 total 60 is 47 or more (higher recovery capital)"),
        (None, "recovery capital not yet measured: BARC-10"),
    ],
)
def test_a_recorded_barc10_informs_recovery_capital(barc10: list[int] | None, words: str) -> None:
    screens = {"barc10": barc10} if barc10 else {}
    found = {
        r["code"]: r
        for r in run({**case(drugs=[HEROIN], screens=screens), "setting": "drug-alcohol-service"})[
            "recommendations"
        ]
    }
    assert any(line.startswith(words) for line in found["RECOVERY-CAPITAL"]["why"])


def test_an_hsi_means_the_person_smokes_and_a_high_score_says_so() -> None:
    found = {r["code"]: r for r in run(case(screens={"hsi": [0, 3]}))["recommendations"]}
    assert found["TOB-VBA"]["why"][0] == "smokes"
    assert found["TOB-VBA"]["why"][1].startswith("HSI 6 (high heaviness of smoking)")
    low = {r["code"]: r for r in run(case(screens={"hsi": [3, 0]}))["recommendations"]}
    assert low["TOB-VBA"]["why"] == ["smokes"]


def test_use_on_top_without_the_medication_named_is_still_on_substitution() -> None:
    found = codes(case(opioid_substitution={"using_on_top": True}, drugs=[]))
    assert {"DRUG-OVERDOSE-RISK", "OST-CONTINUE-KEYWORK"} <= set(found)
    assert "DRUG-SPECIALIST-REFERRAL" not in found


def test_a_substitute_medication_entered_as_a_drug_is_not_use_on_top() -> None:
    methadone_as_drug = {**HEROIN, "substance": "other-opioid", "prescribed": None}
    result = run(
        case(
            opioid_substitution={"medication": "methadone", "using_on_top": False},
            drugs=[methadone_as_drug],
            mental_health=DEPRESSED,
            engagement=SUITABLE,
            alcohol={"units_per_day": 0},
        )
    )
    found = [r["code"] for r in result["recommendations"]]
    assert "OST-CONTINUE-KEYWORK" not in found
    assert result["iapt_suitability"]["status"] != "not-initially-suitable"


def test_under_18s_are_not_offered_adult_talking_therapies() -> None:
    daily = {**CANNABIS, "days_used_past_28": 20}
    result = run(case(age=16, mental_health=DEPRESSED, drugs=[daily], engagement=SUITABLE))
    assert result["iapt_suitability"] == {"status": "not-applicable", "because": ["under-18"]}
    found = [r["code"] for r in result["recommendations"]]
    assert "YP-PATHWAY" in found
    assert not {"IAPT-OFFER", "IAPT-CONTRACT", "IAPT-MOTIVATION"} & set(found)
    assert result["care_coordination"]["coordinator_from"] == "camhs"


def test_a_young_carer_who_uses_nothing_is_not_sent_to_a_substance_service() -> None:
    found = codes(
        case(
            age=14,
            circumstances={"cares_for_someone_who_uses": True},
            alcohol={"units_per_day": 0},
            drugs=[],
            opioid_substitution={"medication": None},
            mental_health=WELL,
        )
    )
    assert "CARER-OWN-NEEDS" in found
    assert "YP-PATHWAY" not in found


def test_a_local_rule_file_cannot_rename_the_rule_set(tmp_path: Path) -> None:
    (tmp_path / "local.toml").write_text(
        '[ruleset]\nname = "ours"\nversion = "9"\n', encoding="utf-8"
    )
    rules = ruleset.load(extra_folders=[str(tmp_path)])
    assert (rules.name, rules.version) == (ruleset.default().name, ruleset.default().version)


def test_someone_in_prison_is_not_asked_when_they_left_prison() -> None:
    in_custody = {**case(drugs=[HEROIN]), "setting": "prison"}
    asks = " ".join(w for r in run(in_custody)["recommendations"] for w in r["why"])
    assert "days since release from prison not recorded" not in asks
    elsewhere = case(drugs=[HEROIN])
    asks = " ".join(w for r in run(elsewhere)["recommendations"] for w in r["why"])
    assert "days since release from prison not recorded" in asks


def test_an_under_18_who_declines_is_not_offered_adult_talking_therapies() -> None:
    result = run(
        case(
            age=16,
            alcohol=DEPENDENT_DRINKER,
            mental_health=DEPRESSED,
            treatment={"in_drug_alcohol_service": False},
            engagement={"declines_help": True},
        )
    )
    found = [r["code"] for r in result["recommendations"]]
    assert "IAPT-ENGAGE-DECLINER" not in found
    assert {"YP-PATHWAY", "DECLINED-WITH-EXCEPTION", "DRUG-SPECIALIST-REFERRAL"} <= set(found)
    referral = next(r for r in result["recommendations"] if r["code"] == "DRUG-SPECIALIST-REFERRAL")
    assert "young people's service" in referral["text"]
