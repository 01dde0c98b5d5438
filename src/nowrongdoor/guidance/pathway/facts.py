"""The named facts rule triggers are written in, derived once per case.

Each fact is True, False, a number or a word — or None when the case does not say
(invariant N4: unknown is not no). Aggregates over several answers follow three-valued
logic: any True makes "any" True; it is False only when every answer is known to be False.
Every fact is listed in `FACTS` with the words used in `why` and the `ASK-*` code that asks
for it when it is unknown and a rule needs it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from nowrongdoor.guidance.pathway.case import Case
from nowrongdoor.guidance.scoring import Score

COMMON_CONDITIONS = frozenset(
    {"depression", "anxiety", "panic", "social-anxiety", "phobia", "ocd", "ptsd"}
)
SEVERE_CONDITIONS = frozenset({"psychosis", "bipolar"})
OPIOIDS = frozenset({"heroin", "other-opioid"})
NO_ABRUPT_STOP = frozenset({"benzodiazepine", "gbl-ghb"})
# Depressants that raise the risk of opioid overdose when used with opioids (RULES.md v2).
OVERDOSE_MIXES = frozenset({"benzodiazepine", "gbl-ghb", "gabapentinoid"})
# Settings of planned therapy or keywork sessions, where "reschedule" can apply (IAPT-PPG ¶20).
PLANNED_SESSION_SETTINGS = ("iapt", "drug-alcohol-service", "mental-health-secondary")


class Fact(NamedTuple):
    """What a fact means in words, and which ASK code asks for it when unknown."""

    words: str
    ask: str


FACTS: dict[str, Fact] = {
    "setting": Fact("the setting", "ASK-SETTING"),
    "age": Fact("age", "ASK-AGE"),
    "follow_up": Fact("whether this is a follow-up contact", "ASK-CONTACT"),
    "audit_total": Fact("AUDIT total", "ASK-ALCOHOL"),
    "audit_c_positive": Fact("AUDIT-C result", "ASK-ALCOHOL"),
    "full_audit_done": Fact("whether the full AUDIT was done", "ASK-ALCOHOL"),
    "sadq_total": Fact("SADQ total", "ASK-ALCOHOL"),
    "fast_positive": Fact("FAST result", "ASK-ALCOHOL"),
    "hsi_total": Fact("HSI total", "ASK-TOBACCO"),
    "hsi_band": Fact("HSI band", "ASK-TOBACCO"),
    "barc10_total": Fact("BARC-10 total", ""),
    "units_per_day": Fact("units of alcohol a day", "ASK-ALCOHOL"),
    "drinks_on_waking": Fact("drinking on waking to stop the shakes", "ASK-ALCOHOL"),
    "withdrawal_seizures_or_dts": Fact(
        "any history of withdrawal seizures or delirium tremens", "ASK-ALCOHOL"
    ),
    "alcohol_use": Fact("whether the person drinks", "ASK-ALCOHOL"),
    "alcohol_dependence": Fact("alcohol dependence", "ASK-ALCOHOL"),
    "alcohol_dependence_signs": Fact("the signs of alcohol dependence, in words", ""),
    "abstinent": Fact("whether now abstinent", "ASK-ALCOHOL"),
    "recorded_abstinent": Fact("abstinence recorded", "ASK-ALCOHOL"),
    "alcohol_screened": Fact("an alcohol screen", "ASK-ALCOHOL"),
    "drug_answers": Fact("drug-use answers", "ASK-DRUGS"),
    "drug_use": Fact("current drug use other than as prescribed", "ASK-DRUGS"),
    "drug_details_missing": Fact("details of each drug used", "ASK-DRUG-DETAILS"),
    "drug_days_max": Fact("days a drug was used in the past 28", "ASK-DRUG-DETAILS"),
    "drug_dependence": Fact("dependence on an illicit drug", "ASK-DRUGS"),
    "non_dependent_drug_use": Fact("drug use without dependence", "ASK-DRUGS"),
    "no_abrupt_stop_dependence": Fact("dependence on alcohol, GBL/GHB or benzodiazepines", ""),
    "injecting": Fact("injecting", "ASK-DRUG-DETAILS"),
    "opioid_use": Fact("opioid use (including substitute medication)", ""),
    "opioid_history": Fact("opioid use, now or in the past", ""),
    "benzodiazepine_use": Fact("benzodiazepine use", "ASK-DRUGS"),
    "overdose_mix": Fact(
        "use of benzodiazepines, GBL/GHB or gabapentinoids with opioids", "ASK-DRUGS"
    ),
    "benzodiazepine_dependence": Fact("dependence on benzodiazepines", "ASK-DRUGS"),
    "sedative_dependence": Fact("dependence on GBL/GHB or benzodiazepines", "ASK-DRUGS"),
    "prescribed_dependence": Fact(
        "dependence on a prescribed benzodiazepine or opioid", "ASK-DRUGS"
    ),
    "prescribed_medication": Fact("prescribed or substitute medication", "ASK-TREATMENT"),
    "on_ost": Fact("opioid substitution treatment", "ASK-TREATMENT"),
    "ost_using_on_top": Fact("illicit opioid use on top of substitute medication", "ASK-TREATMENT"),
    "substance_use": Fact("any alcohol or drug use", ""),
    "substance_problem": Fact("a substance use problem", ""),
    "dependence": Fact("dependence on illicit drugs or alcohol", ""),
    "mental_health_known": Fact("a mental health screen or diagnosis", "ASK-MENTAL-HEALTH"),
    "common_mental_health": Fact("depression or an anxiety disorder", "ASK-MENTAL-HEALTH"),
    "severe_mental_illness": Fact("psychosis or bipolar disorder", "ASK-MENTAL-HEALTH"),
    "personality_disorder": Fact("personality disorder", "ASK-MENTAL-HEALTH"),
    "mental_health_problem": Fact("a mental health problem", ""),
    "other_mental_health": Fact(
        "a mental health problem outside talking therapies' usual criteria", "ASK-MENTAL-HEALTH"
    ),
    "cognitive_impairment": Fact("dementia or alcohol-related brain damage", "ASK-MENTAL-HEALTH"),
    "phq9_item9": Fact("PHQ-9 item 9", "ASK-SUICIDE-RISK"),
    "suicidal_thoughts": Fact("suicidal thoughts", "ASK-SUICIDE-RISK"),
    "suicide_risk": Fact("thoughts of suicide or self-harm", "ASK-SUICIDE-RISK"),
    "in_crisis": Fact("whether in mental health crisis", "ASK-SUICIDE-RISK"),
    "capacity_concern": Fact("any doubt about capacity for this decision", ""),
    "withdrawal_comorbidity": Fact(
        "psychosis, bipolar disorder, personality disorder or cognitive impairment",
        "ASK-MENTAL-HEALTH",
    ),
    "may_need_withdrawal": Fact("whether assisted withdrawal may be needed", "ASK-ALCOHOL"),
    "smokes": Fact("smoking", "ASK-TOBACCO"),
    "in_treatment": Fact("contact with a drug and alcohol service", "ASK-TREATMENT"),
    "unable_to_change": Fact(
        "being unable to change use because of mental health problems", "ASK-TREATMENT"
    ),
    "able_to_attend": Fact("being able to attend sessions", "ASK-ENGAGEMENT"),
    "motivated": Fact("motivation to limit use", "ASK-ENGAGEMENT"),
    "confined": Fact("use confined to circumscribed contexts", "ASK-ENGAGEMENT"),
    "intoxicated_now": Fact("intoxication at this contact", "ASK-ENGAGEMENT"),
    "intoxicated_sessions": Fact("sessions in a row attended intoxicated", "ASK-ENGAGEMENT"),
    "declines_help": Fact("whether help is declined", "ASK-ENGAGEMENT"),
    "safe_to_get_home": Fact("whether the person can get home safely", "ASK-SAFE-HOME"),
    "planned_session": Fact("whether this is a planned therapy or keywork session", "ASK-SETTING"),
    "previous_unplanned_exit": Fact(
        "whether past contact with services ended unplanned", "ASK-ENGAGEMENT"
    ),
    "children": Fact("children in the household", "ASK-CIRCUMSTANCES"),
    "recorded_under_18": Fact("an age under 18 recorded", ""),
    "recorded_pregnant": Fact("pregnancy or recent birth recorded", ""),
    "children_elsewhere": Fact("children who do not live with the person", "ASK-CIRCUMSTANCES"),
    "cares_for_someone_who_uses": Fact(
        "being a carer of someone who uses alcohol or drugs", "ASK-CIRCUMSTANCES"
    ),
    "needs_interpreter": Fact(
        "need for an interpreter or accessible information", "ASK-CIRCUMSTANCES"
    ),
    "trauma_reported": Fact("trauma or abuse reported", ""),
    "barc10_done": Fact("a BARC-10 recorded", ""),
    "has_carer": Fact("a carer or family member involved", "ASK-CIRCUMSTANCES"),
    "housing": Fact("housing", "ASK-CIRCUMSTANCES"),
    "housing_need": Fact("housing need", "ASK-CIRCUMSTANCES"),
    "released_days_ago": Fact("days since release from prison", "ASK-CIRCUMSTANCES"),
    "released_recently": Fact("days since release from prison", "ASK-CIRCUMSTANCES"),
    "recent_detox": Fact("recent detox or abstinence", "ASK-CIRCUMSTANCES"),
    "pregnant_or_postnatal": Fact("pregnancy or recent birth", "ASK-CIRCUMSTANCES"),
    "domestic_abuse": Fact("domestic abuse", "ASK-CIRCUMSTANCES"),
    "sells_sex": Fact("selling sex", "ASK-CIRCUMSTANCES"),
    "refugee": Fact("refugee or asylum seeker status", "ASK-CIRCUMSTANCES"),
    "no_recourse": Fact("no recourse to public funds", "ASK-CIRCUMSTANCES"),
    "money_or_work_needs": Fact("debt, benefit or employment needs", "ASK-CIRCUMSTANCES"),
    "mental_health_act_concern": Fact("a Mental Health Act concern", "ASK-CIRCUMSTANCES"),
    "iapt_status": Fact("suitability for NHS Talking Therapies", "ASK-MENTAL-HEALTH"),
}


# Facts made of other facts: when one is unknown, ask for its unknown parts.
PARTS: dict[str, tuple[str, ...]] = {
    "substance_use": ("alcohol_use", "drug_use", "on_ost"),
    "may_need_withdrawal": ("alcohol_dependence", "units_per_day"),
    "overdose_mix": ("drug_use",),
    "benzodiazepine_dependence": ("drug_use",),
    "substance_problem": (
        "units_per_day",
        "audit_total",
        "audit_c_positive",
        "alcohol_dependence",
        "drug_dependence",
        "drug_days_max",
        "injecting",
        "ost_using_on_top",
    ),
    "dependence": ("alcohol_dependence", "drug_dependence"),
    "no_abrupt_stop_dependence": ("alcohol_dependence", "sedative_dependence"),
    "mental_health_problem": ("common_mental_health", "suicidal_thoughts"),
    "opioid_use": ("drug_use", "on_ost"),
    "opioid_history": ("drug_use", "on_ost"),
    "injecting": ("drug_use",),
    "drug_days_max": ("drug_use",),
}


def asks_for(name: str, facts: dict[str, Any]) -> list[tuple[str, str]]:
    """The (ASK code, words) pairs that would settle an unknown fact."""
    parts = [p for p in PARTS.get(name, ()) if facts.get(p) is None]
    if not parts:
        fact = FACTS.get(name)
        return [(fact.ask, fact.words)] if fact and fact.ask else []
    return [pair for part in parts for pair in asks_for(part, facts)]


def any3(values: Iterable[bool | None]) -> bool | None:
    """Three-valued OR: True if any is True, False only if all are known False."""
    unknown = False
    for value in values:
        if value:
            return True
        if value is None:
            unknown = True
    return None if unknown else False


def all3(values: Iterable[bool | None]) -> bool | None:
    """Three-valued AND: False if any is False, True only if all are known True."""
    unknown = False
    for value in values:
        if value is False:
            return False
        if value is None:
            unknown = True
    return None if unknown else True


def _not(value: bool | None) -> bool | None:
    return None if value is None else not value


def _at_least(value: float | None, threshold: float) -> bool | None:
    return None if value is None else value >= threshold


def derive(case: Case, scores: dict[str, Score]) -> dict[str, Any]:
    """All facts of one case, by name (see `FACTS`)."""
    alcohol, mh = case.alcohol, case.mental_health
    drugs = case.drugs
    ost = case.opioid_substitution
    treatment, engagement, circumstances = case.treatment, case.engagement, case.circumstances
    audit = scores.get("audit")
    audit_c = scores.get("audit_c")
    sadq = scores.get("sadq")
    fast = scores.get("fast")
    hsi = scores.get("hsi")
    barc10 = scores.get("barc10")
    phq9 = scores.get("phq9")
    gad7 = scores.get("gad7")

    def a(name: str) -> Any:
        return getattr(alcohol, name) if alcohol else None

    def e(name: str) -> Any:
        return getattr(engagement, name) if engagement else None

    def c(name: str) -> Any:
        return getattr(circumstances, name) if circumstances else None

    facts: dict[str, Any] = {
        "setting": case.setting,
        "age": case.age,
        "follow_up": None if case.contact is None else case.contact == "follow-up",
        "audit_total": audit.total if audit else None,
        # A full AUDIT contains AUDIT-C (items 1-3): positive at 5 or more.
        "audit_c_positive": (
            ("positive" in audit_c.flags)
            if audit_c
            else (sum(audit.items[:3]) >= 5 if audit else None)
        ),
        "full_audit_done": audit is not None,
        "sadq_total": sadq.total if sadq else None,
        "fast_positive": fast.band == "positive" if fast else None,
        "hsi_total": hsi.total if hsi else None,
        "hsi_band": hsi.band if hsi else None,
        "barc10_total": barc10.total if barc10 else None,
        "barc10_done": barc10 is not None,
        "units_per_day": a("units_per_day"),
        "drinks_on_waking": a("drinks_on_waking"),
        "withdrawal_seizures_or_dts": a("withdrawal_seizures_or_dts"),
        "abstinent": a("abstinent"),
        "phq9_item9": phq9.items[8] if phq9 else None,
        "suicidal_thoughts": mh.suicidal_thoughts if mh else None,
        "in_crisis": mh.in_crisis if mh else None,
        # Mental Capacity Act 2005 s1(2): capacity is assumed unless doubt is recorded.
        "capacity_concern": bool(mh and mh.capacity_concern),
        # Answering the heaviness of smoking index means the person smokes.
        "smokes": True if hsi else (case.tobacco.smokes if case.tobacco else None),
        # Being seen at a drug and alcohol service is contact with one, unless told otherwise
        # (substitute medication counts too: see below).
        "in_treatment": (
            treatment.in_drug_alcohol_service
            if treatment and treatment.in_drug_alcohol_service is not None
            else (True if case.setting == "drug-alcohol-service" else None)
        ),
        "unable_to_change": treatment.unable_to_change_due_to_mental_health if treatment else None,
        "able_to_attend": e("able_to_attend"),
        "motivated": e("motivated_to_limit_use"),
        "confined": e("use_confined_to_contexts"),
        "intoxicated_now": e("intoxicated_now"),
        "intoxicated_sessions": e("consecutive_intoxicated_sessions"),
        "declines_help": e("declines_help"),
        # Asked only of someone intoxicated: otherwise getting home is not in question.
        "safe_to_get_home": (
            e("safe_to_get_home")
            if e("intoxicated_now") or e("safe_to_get_home") is not None
            else True
        ),
        "planned_session": case.setting in PLANNED_SESSION_SETTINGS,
        "previous_unplanned_exit": e("previous_unplanned_exit"),
        "children": c("children_in_household"),
        "children_elsewhere": c("children_elsewhere"),
        "cares_for_someone_who_uses": c("cares_for_someone_who_uses"),
        "needs_interpreter": c("needs_interpreter"),
        # Trauma is acted on when reported; no rule makes disclosure a condition (UK-ALC 2.2.8).
        "trauma_reported": bool(c("trauma_reported")),
        "recorded_under_18": case.age is not None and case.age < 18,
        "recorded_pregnant": c("pregnant_or_postnatal") is True,
        "has_carer": c("has_carer"),
        "housing": c("housing"),
        "released_days_ago": c("released_from_prison_days_ago"),
        "recent_detox": c("recent_detox_or_abstinence"),
        "pregnant_or_postnatal": c("pregnant_or_postnatal"),
        "domestic_abuse": c("domestic_abuse"),
        "sells_sex": c("sells_sex"),
        "refugee": c("refugee_or_asylum_seeker"),
        "no_recourse": c("no_recourse_to_public_funds"),
        "mental_health_act_concern": c("mental_health_act_concern"),
        "money_or_work_needs": any3([c("debt_or_benefit_needs"), c("employment_needs")]),
    }
    # Released in the past 28 days; someone seen in prison is in custody, not released,
    # unless a release is recorded (a pre-release contact still asks nothing of the kind).
    released = facts["released_days_ago"]
    facts["released_recently"] = (
        released <= 28 if released is not None else (False if case.setting == "prison" else None)
    )
    housing = facts["housing"]
    facts["housing_need"] = None if housing is None else housing in ("unstable", "homeless")

    # Alcohol: AUDIT, AUDIT-C, SADQ and the alcohol answers, each of which may be missing.
    audit_item1 = audit.items[0] if audit else (audit_c.items[0] if audit_c else None)
    units = facts["units_per_day"]
    facts["alcohol_screened"] = bool(audit or audit_c or scores.get("fast"))
    facts["alcohol_screened"] = facts["alcohol_screened"] or alcohol is not None
    facts["alcohol_use"] = any3(
        [
            None if audit_item1 is None else audit_item1 > 0,
            None if units is None else units > 0,
            True if fast and (fast.items[0] > 0 or fast.band == "positive") else None,
        ]
    )
    if audit_item1 == 0 or units == 0:
        facts["alcohol_use"] = facts["alcohol_use"] or False
    if a("abstinent") is True:
        facts["alcohol_use"] = False
    if facts["alcohol_use"] is False and units is None:
        facts["units_per_day"] = units = 0  # does not drink: no units
    # IAPT-PPG ¶27: "drinking alcohol every morning to stop the shakes" is dependence too.
    signs = [a("dependence_suspected"), a("drinks_on_waking")]
    dependence_signs = any3(
        [_at_least(facts["audit_total"], 20), _at_least(facts["sadq_total"], 16), *signs]
    )
    if dependence_signs is None and (
        audit is not None or facts["alcohol_use"] is False or a("dependence_suspected") is False
    ):
        dependence_signs = False  # a full AUDIT under 20, or no drinking, settles it
    # Now abstinent (IAPT-PPG ¶26): past-year scores describe the past, not current use.
    recorded_abstinent = a("abstinent") is True
    facts["recorded_abstinent"] = recorded_abstinent
    facts["alcohol_dependence"] = False if recorded_abstinent else dependence_signs
    facts["alcohol_dependence_signs"] = ", ".join(
        words
        for holds, words in (
            (_at_least(facts["audit_total"], 20), f"AUDIT total {facts['audit_total']}"),
            (_at_least(facts["sadq_total"], 16), f"SADQ total {facts['sadq_total']}"),
            (a("drinks_on_waking"), "drinks on waking to stop the shakes"),
            (a("dependence_suspected"), "dependence suspected"),
        )
        if holds
    )

    # Drugs: one entry per substance; prescribed use as directed is not misuse, and a drug
    # used on none of the past 28 days is past use, not current use (RULES.md v2).
    if drugs is None:
        misuse: list[Any] = []
        facts["drug_answers"] = False
        facts["drug_use"] = None
        facts["drug_details_missing"] = False
    else:
        misuse = [d for d in drugs if d.prescribed is not True and d.days_used_past_28 != 0]
        facts["drug_answers"] = True
        facts["drug_use"] = bool(misuse)
        facts["drug_details_missing"] = any(
            d.substance is None
            or d.route is None
            or d.days_used_past_28 is None
            or d.typical_amount is None
            for d in drugs
        )
    known_drugs = drugs or []
    current = [d for d in known_drugs if d.days_used_past_28 != 0]
    days = [d.days_used_past_28 for d in misuse]
    facts["drug_days_max"] = (
        None
        if drugs is None or (days and all(n is None for n in days))
        else max((n for n in days if n is not None), default=0)
    )
    facts["drug_dependence"] = (
        None if drugs is None else any3(d.dependence_suspected for d in misuse)
    )
    facts["non_dependent_drug_use"] = (
        None if drugs is None else any3(_not(d.dependence_suspected) for d in misuse)
    )
    facts["injecting"] = (
        None
        if drugs is None
        else any3(
            True
            if d.route == "injected" or (d.injecting_days_past_28 or 0) > 0
            else (None if d.route is None and d.injecting_days_past_28 is None else False)
            for d in current
        )
    )
    # On substitution treatment when a medication is named or use on top of it is recorded;
    # a substitution block with neither leaves it unknown (asked). With drug answers recorded
    # and no substitution block, the person is taken not to be on it (it is a drug answer).
    if ost is not None:
        on_ost: bool | None = True if ost.medication or ost.using_on_top else None
    else:
        on_ost = None if drugs is None else False
    facts["on_ost"] = on_ost
    # Heroin, or another opioid not prescribed, used in the past 28 days is use on top,
    # whatever the flag says; another opioid whose prescription is not recorded may be the
    # substitute medication itself, so it is not taken as use on top.
    illicit_opioid = any(
        d.substance == "heroin" or (d.substance == "other-opioid" and d.prescribed is False)
        for d in misuse
    )
    on_top = True if illicit_opioid else (ost.using_on_top if ost else None)
    facts["ost_using_on_top"] = on_top if on_ost else on_ost
    # IAPT-PPG ¶25-30 and RULES.md v2: a substitute prescription is contact with treatment.
    if on_ost:
        facts["in_treatment"] = True
    opioid_drug = None if drugs is None else any(d.substance in OPIOIDS for d in current)
    facts["opioid_use"] = any3([opioid_drug, on_ost])
    facts["opioid_history"] = any3(
        [None if drugs is None else any(d.substance in OPIOIDS for d in known_drugs), on_ost]
    )
    facts["prescribed_medication"] = any3(
        [on_ost, None if drugs is None else any(d.prescribed is True for d in known_drugs)]
    )
    facts["prescribed_dependence"] = (
        None
        if drugs is None
        else any3(
            d.dependence_suspected
            for d in known_drugs
            if d.prescribed is True and d.substance in {"benzodiazepine", "other-opioid"}
        )
    )
    facts["benzodiazepine_use"] = (
        None if drugs is None else any(d.substance == "benzodiazepine" for d in current)
    )
    facts["overdose_mix"] = (
        None if drugs is None else any(d.substance in OVERDOSE_MIXES for d in current)
    )
    facts["sedative_dependence"] = (
        None
        if drugs is None
        else any3(d.dependence_suspected for d in current if d.substance in NO_ABRUPT_STOP)
    )
    facts["benzodiazepine_dependence"] = (
        None
        if drugs is None
        else any3(d.dependence_suspected for d in current if d.substance == "benzodiazepine")
    )
    facts["no_abrupt_stop_dependence"] = any3(
        [facts["alcohol_dependence"], facts["sedative_dependence"]]
    )
    facts["dependence"] = any3([facts["alcohol_dependence"], facts["drug_dependence"]])
    # NICE CG115: who may need assisted withdrawal from alcohol.
    facts["may_need_withdrawal"] = (
        False
        if recorded_abstinent
        else any3([facts["alcohol_dependence"], None if units is None else units > 15])
    )
    facts["substance_use"] = any3([facts["alcohol_use"], facts["drug_use"], on_ost])
    if facts["in_treatment"] is None and facts["substance_use"] is False and not recorded_abstinent:
        facts["in_treatment"] = False  # uses nothing and not in recovery: not in drug treatment
    facts["substance_problem"] = any3(
        [
            None if units is None else units > 15,
            _at_least(facts["audit_total"], 8),
            facts["audit_c_positive"],
            *([facts["fast_positive"]] if fast else []),  # FAST only counts when done
            facts["alcohol_dependence"],
            facts["drug_dependence"],
            None if facts["drug_use"] is None else _at_least(facts["drug_days_max"] or 0, 8),
            facts["injecting"],
            facts["ost_using_on_top"],
        ]
    )

    # Mental health: a diagnosis, or caseness on PHQ-9 / GAD-7.
    conditions = set(mh.conditions) if mh and mh.conditions is not None else None
    caseness = [("caseness" in score.flags) for score in (phq9, gad7) if score is not None]
    facts["mental_health_known"] = conditions is not None or phq9 is not None or gad7 is not None
    common = None if conditions is None else bool(conditions & COMMON_CONDITIONS)
    facts["common_mental_health"] = any3([common, *caseness])
    facts["severe_mental_illness"] = (
        None if conditions is None else bool(conditions & SEVERE_CONDITIONS)
    )
    facts["personality_disorder"] = (
        None if conditions is None else "personality-disorder" in conditions
    )
    facts["cognitive_impairment"] = (
        None
        if conditions is None
        else bool(conditions & {"dementia", "alcohol-related-brain-damage"})
    )
    facts["withdrawal_comorbidity"] = any3(
        [
            facts["severe_mental_illness"],
            facts["personality_disorder"],
            facts["cognitive_impairment"],
        ]
    )
    item9 = facts["phq9_item9"]
    risk = any3([None if item9 is None else item9 >= 1, facts["suicidal_thoughts"]])
    if risk is None and (item9 == 0 or facts["suicidal_thoughts"] is False):
        risk = False  # asked one way and denied, with nothing positive the other way
    facts["suicide_risk"] = risk
    facts["other_mental_health"] = (
        None
        if conditions is None
        else bool(conditions - COMMON_CONDITIONS - SEVERE_CONDITIONS - {"personality-disorder"})
    )
    facts["mental_health_problem"] = any3(
        [None if conditions is None else bool(conditions), *caseness, facts["suicidal_thoughts"]]
    )
    return facts
