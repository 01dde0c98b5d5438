"""The case: what is known about one person at one contact (contract case-v1).

Every field but `setting` is optional, and absent means *not known*, never *no*
(invariant N4). Unknown keys are errors so that typos are caught (`engagment: unknown
field`). Vocabularies are the contract's, and so are the impossible combinations refused.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Setting = Literal[
    "iapt",
    "drug-alcohol-service",
    "primary-care",
    "emergency-department",
    "sexual-health",
    "mental-health-secondary",
    "criminal-justice",
    "prison",
    "homelessness-service",
    "social-care",
    "other",
]
Substance = Literal[
    "cannabis",
    "cocaine",
    "crack",
    "ecstasy",
    "amphetamine",
    "ketamine",
    "heroin",
    "other-opioid",
    "benzodiazepine",
    "gbl-ghb",
    "gabapentinoid",
    "nps",
    "other",
]
Route = Literal["oral", "smoked", "snorted", "injected", "other"]
Condition = Literal[
    "depression",
    "anxiety",
    "panic",
    "social-anxiety",
    "phobia",
    "ocd",
    "ptsd",
    "psychosis",
    "bipolar",
    "personality-disorder",
    "eating-disorder",
    "dementia",
    "alcohol-related-brain-damage",
    "other",
]
Housing = Literal["stable", "unstable", "homeless", "hostel"]
Medication = Literal["methadone", "buprenorphine", "buprenorphine-naloxone", "other"]

Days = int | None


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Screens(_Part):
    """Answer positions per instrument, as `nwd score` takes them."""

    audit: list[int] | None = None
    audit_c: list[int] | None = None
    fast: list[int] | None = None
    phq9: list[int] | None = None
    gad7: list[int] | None = None
    sadq: list[int] | None = None
    hsi: list[int] | None = None
    barc10: list[int] | None = None

    @model_validator(mode="after")
    def _audit_c_agrees_with_audit(self) -> Screens:
        """AUDIT-C is AUDIT's first three questions: both given, they must agree."""
        if self.audit is not None and self.audit_c is not None and self.audit[:3] != self.audit_c:
            raise ValueError("audit_c: differs from the first three answers of audit")
        return self


class Alcohol(_Part):
    units_per_day: float | None = Field(default=None, ge=0, le=200)
    drinks_on_waking: bool | None = None
    withdrawal_seizures_or_dts: bool | None = None
    dependence_suspected: bool | None = None
    abstinent: bool | None = None

    @model_validator(mode="after")
    def _abstinent_means_no_drinking(self) -> Alcohol:
        if self.abstinent and self.units_per_day:
            raise ValueError(
                f"units_per_day: is {self.units_per_day} but abstinent is true; "
                "record current drinking or abstinence, not both"
            )
        if self.abstinent and self.drinks_on_waking:
            raise ValueError("drinks_on_waking: is true but abstinent is true")
        return self


class DrugUse(_Part):
    substance: Substance | None = None
    days_used_past_28: Days = Field(default=None, ge=0, le=28)
    typical_amount: str | None = None
    route: Route | None = None
    injecting_days_past_28: Days = Field(default=None, ge=0, le=28)
    prescribed: bool | None = None
    dependence_suspected: bool | None = None

    @model_validator(mode="after")
    def _injecting_within_use(self) -> DrugUse:
        used, injected = self.days_used_past_28, self.injecting_days_past_28
        if used is not None and injected is not None and injected > used:
            raise ValueError(
                f"injecting_days_past_28: {injected} is more than days_used_past_28 ({used})"
            )
        if self.route == "injected" and injected == 0 and used:
            raise ValueError(
                f"injecting_days_past_28: is 0 but the route is injected on {used} days used"
            )
        return self


class OpioidSubstitution(_Part):
    medication: Medication | None = None
    using_on_top: bool | None = None


class MentalHealth(_Part):
    conditions: list[Condition] | None = None
    suicidal_thoughts: bool | None = None
    in_crisis: bool | None = None
    capacity_concern: bool | None = None  # doubt about capacity for the decision in hand


class Tobacco(_Part):
    smokes: bool | None = None


class Treatment(_Part):
    in_drug_alcohol_service: bool | None = None
    unable_to_change_due_to_mental_health: bool | None = None


class Engagement(_Part):
    able_to_attend: bool | None = None
    motivated_to_limit_use: bool | None = None
    use_confined_to_contexts: bool | None = None
    intoxicated_now: bool | None = None
    consecutive_intoxicated_sessions: int | None = Field(default=None, ge=0)
    declines_help: bool | None = None
    safe_to_get_home: bool | None = None
    previous_unplanned_exit: bool | None = None  # a past contact with a service ended unplanned


class Circumstances(_Part):
    children_in_household: int | None = Field(default=None, ge=0, le=30)
    has_carer: bool | None = None
    housing: Housing | None = None
    released_from_prison_days_ago: int | None = Field(default=None, ge=0)
    recent_detox_or_abstinence: bool | None = None
    pregnant_or_postnatal: bool | None = None
    domestic_abuse: bool | None = None
    sells_sex: bool | None = None
    refugee_or_asylum_seeker: bool | None = None
    no_recourse_to_public_funds: bool | None = None
    debt_or_benefit_needs: bool | None = None
    employment_needs: bool | None = None
    mental_health_act_concern: bool | None = None
    children_elsewhere: int | None = Field(default=None, ge=0, le=30)  # not living with them
    cares_for_someone_who_uses: bool | None = None  # their own use may be none
    needs_interpreter: bool | None = None  # or accessible information
    trauma_reported: bool | None = None


class Case(_Part):
    """One person at one contact, in any setting."""

    setting: Setting
    age: int | None = Field(default=None, ge=0, le=120)
    contact: Literal["first", "follow-up"] | None = None
    screens: Screens | None = None
    alcohol: Alcohol | None = None
    drugs: list[DrugUse] | None = None
    opioid_substitution: OpioidSubstitution | None = None
    mental_health: MentalHealth | None = None
    tobacco: Tobacco | None = None
    treatment: Treatment | None = None
    engagement: Engagement | None = None
    circumstances: Circumstances | None = None
