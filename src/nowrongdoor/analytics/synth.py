"""A synthetic nation in the extract's layout, streamed in batches of people (bounded memory).

Every person is an adult in contact with drug and alcohol treatment, NHS Talking Therapies, or
both, during one financial year. The shares below come from published national figures where
there is one (cited beside each) and are marked ASSUMPTION where there is not; docs/analytics.md
lists them. Output is reproducible: batch k draws from SeedSequence([seed, k]).

- OHID, Adult substance misuse treatment statistics 2023 to 2024: 310,863 adults in treatment;
  by substance group about 43% opiate, 30% alcohol only, 14% non-opiate only, 13% non-opiate
  and alcohol; about 70% of adults starting treatment had a mental health treatment need;
  about 68% men; 98-99% waited 3 weeks or less.
- NHS Talking Therapies annual report 2023-24: about 1.83 million referrals, about 1.22 million
  entered treatment (67%), about 0.67 million finished a course; 89% waited 6 weeks or less,
  98% 18 weeks or less; recovery rate about 48%.
- PHOF C19a-c England 2024-25 (../shared/guidance/INDICATORS.md): successful completion
  without re-presentation 5.3% opiate, 29.1% non-opiate, 34.6% alcohol.
- Census 2021 England and Wales: ethnic group, sexual orientation, disability shares.
- OHID, Adult substance misuse treatment statistics 2022 to 2023: 4,166 deaths in treatment,
  1.4% of all adults in treatment.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from nowrongdoor.analytics.tables import SCHEMAS, SUBSTANCE_GROUPS, table_path

IN_DRUG_ALCOHOL = 310_863 / (310_863 + 1_830_000)  # OHID 2023-24 vs Talking Therapies 2023-24
MENTAL_HEALTH_NEED = 0.70  # OHID 2023-24, share starting treatment with a MH treatment need
ALSO_TALKING_THERAPIES = 0.20  # ASSUMPTION: of co-occurring people, share also referred to TT
SUBSTANCE_SHARES = (0.43, 0.14, 0.13, 0.30)  # OHID 2023-24, in SUBSTANCE_GROUPS order
MEAN_WAIT_DAYS_DRUG_ALCOHOL = 5.5  # fitted so ~98% wait 21 days or less (OHID: 98-99%)
MEAN_TREATMENT_DAYS = (900.0, 200.0, 220.0, 180.0)  # ASSUMPTION: opiate treatment is long
LEFT_FREE_OF_DEPENDENCE = (0.22, 0.51, 0.51, 0.57)  # ASSUMPTION: of discharges; fitted to C19
RE_PRESENTED = 0.08  # ASSUMPTION: completers back in treatment within 6 months
ENTERED_THERAPY = 0.67  # Talking Therapies 2023-24: 1.22M of 1.83M referrals
MEAN_WAIT_DAYS_THERAPY = 19.0  # fitted so ~89% within 6 weeks and ~99% within 18
ONE_SESSION_ONLY = 0.45  # fitted so ~55% of starters finish a course (0.67M of 1.22M)
RECOVERED = 0.50  # ASSUMPTION near the 48% national rate, of courses at caseness
DECLINED = 0.15  # ASSUMPTION: referrals from drug and alcohol services to TT declined
DECLINED_WITH_ROUTE = 0.98  # ASSUMPTION: legacy data; our records enforce a route (1.0)
NAMED_COORDINATOR = 0.60  # ASSUMPTION: co-occurring people with a named coordinator
CRISIS_PLAN = 0.80  # ASSUMPTION: care plans with a crisis plan
CARE_PLAN_REVIEW_DAYS = 90  # ASSUMPTION: reviews every 3 months
REVIEWED_ON_TIME = 0.90  # ASSUMPTION: each review done by its date (the rest 30 days late)
CHECKLIST_COMPLETE = 0.85  # ASSUMPTION: discharges with the checklist complete
PAID_WORK = 0.20  # ASSUMPTION: in paid work in the 28 days at start; doubled at a successful exit
DIED_IN_TREATMENT = 0.014  # OHID 2022-23: 1.4% of adults in treatment died in treatment
RELEASED_FROM_PRISON = 0.08  # ASSUMPTION: ~25,000 releases with a treatment need a year
ENGAGED_AFTER_RELEASE = 0.40  # ASSUMPTION: PHE secure-settings figures, about a third to a half
CONSENT_TO_SHARE = 0.80  # ASSUMPTION: co-occurring people consenting to share with TT
CONSENT_WITHDRAWN = 0.03  # ASSUMPTION: of those, later withdrawn
ROUTE_OFFERED, ROUTE_ACCEPTED = 0.95, 0.75  # ASSUMPTION: not initially suitable, then
CHECK_UP_DONE = 0.60  # ASSUMPTION: recovery check-ups done when due
LIVING_WITH_CHILDREN = 0.20  # ASSUMPTION: about a fifth of adults in treatment (NDTMS)
SAFEGUARDING_KNOWN = 0.85  # ASSUMPTION: children with a safeguarding status recorded
CHECK_UPS_AFTER_DAYS = (30, 91, 182)  # as the records schedule them (services/episodes.py)
PEOPLE_PER_AREA = 20_000  # ASSUMPTION: ~150 upper-tier areas for ~3 million people

AGE_BANDS = ("18-29", "30-49", "50+")
AGE_DRUG_ALCOHOL = (0.12, 0.55, 0.33)  # OHID 2023-24, rounded
AGE_THERAPY = (0.35, 0.40, 0.25)  # ASSUMPTION from TT annual report age profile
SEXES = ("male", "female", "not-stated")
SEX_DRUG_ALCOHOL = (0.68, 0.315, 0.005)  # OHID 2023-24
SEX_THERAPY = (0.34, 0.655, 0.005)  # Talking Therapies 2023-24, about two thirds women
ETHNICITY = ("white", "asian", "black", "mixed", "other", "not-stated")
ETHNICITY_SHARES = (0.79, 0.09, 0.04, 0.03, 0.02, 0.03)  # Census 2021, 3% not stated assumed
DISABILITY = ("yes", "no", "not-stated")
DISABILITY_SHARES = (0.22, 0.73, 0.05)  # Census 2021 ~18% disabled; higher in services assumed
ORIENTATION = ("heterosexual", "gay-lesbian", "bisexual", "other", "not-stated")
ORIENTATION_SHARES = (0.894, 0.015, 0.013, 0.003, 0.075)  # Census 2021

SETTINGS = ("drug-alcohol-service", "iapt", "primary-care", "prison")


@dataclass(frozen=True)
class SynthReport:
    people: int
    rows: dict[str, int]


def _days(values: np.ndarray, origin: date) -> pa.Array:
    """Day offsets from `origin` as a date32 array; NaT-like negatives are not used."""
    epoch = (origin - date(1970, 1, 1)).days
    return pa.array(values.astype(np.int32) + epoch, pa.int32()).cast(pa.date32())


def _nullable_days(values: np.ndarray, known: np.ndarray, origin: date) -> pa.Array:
    epoch = (origin - date(1970, 1, 1)).days
    return pa.array(values.astype(np.int32) + epoch, pa.int32(), mask=~known).cast(pa.date32())


def _only(values: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """`values` where `keep`, None (null) elsewhere."""
    out = np.full(len(values), None, dtype=object)
    out[keep] = values[keep]
    return out


def _pick(
    rng: np.random.Generator, labels: tuple[str, ...], p: tuple[float, ...], n: int
) -> np.ndarray:
    """`n` labels drawn with probabilities `p` (normalised, so shares may be rounded)."""
    return np.asarray(
        np.asarray(labels, dtype=object)[rng.choice(len(labels), size=n, p=np.asarray(p) / sum(p))]
    )


class _Batch:
    """One batch of people and everything recorded about them, as Arrow tables."""

    def __init__(
        self, rng: np.random.Generator, first_id: int, n: int, year_start: date, areas: int
    ):
        self.rng, self.start, self.n = rng, year_start, n
        self.year_days = (year_start.replace(year=year_start.year + 1) - year_start).days
        self.ids = np.arange(first_id, first_id + n, dtype=np.int64)
        self.area = rng.integers(0, areas, n)
        self.in_da = rng.random(n) < IN_DRUG_ALCOHOL
        self.need = np.where(self.in_da, rng.random(n) < MENTAL_HEALTH_NEED, True)
        self.in_tt = np.where(
            self.in_da, self.need & (rng.random(n) < ALSO_TALKING_THERAPIES), True
        )
        self.tables: dict[str, pa.Table] = {}

    def service(self, setting: str, mask: np.ndarray) -> np.ndarray:
        return np.asarray(self.area[mask] * len(SETTINGS) + SETTINGS.index(setting) + 1, np.int64)

    def build(self) -> dict[str, pa.Table]:
        self._people()
        self._drug_alcohol()
        self._therapy()
        return self.tables

    def _people(self) -> None:
        rng, n, da = self.rng, self.n, self.in_da
        self.tables["people"] = pa.table(
            {
                "person_id": self.ids,
                "age_band": np.where(
                    da,
                    _pick(rng, AGE_BANDS, AGE_DRUG_ALCOHOL, n),
                    _pick(rng, AGE_BANDS, AGE_THERAPY, n),
                ),
                "sex": np.where(
                    da, _pick(rng, SEXES, SEX_DRUG_ALCOHOL, n), _pick(rng, SEXES, SEX_THERAPY, n)
                ),
                "ethnicity_group": _pick(rng, ETHNICITY, ETHNICITY_SHARES, n),
                "disability": _pick(rng, DISABILITY, DISABILITY_SHARES, n),
                "sexual_orientation": _pick(rng, ORIENTATION, ORIENTATION_SHARES, n),
            },
            schema=SCHEMAS["people"],
        )

    def _drug_alcohol(self) -> None:
        rng, mask, as_of = self.rng, self.in_da, self.year_days - 1
        m = int(mask.sum())
        person, service, need = (
            self.ids[mask],
            self.service("drug-alcohol-service", mask),
            self.need[mask],
        )
        group_ix = rng.choice(len(SUBSTANCE_GROUPS), size=m, p=SUBSTANCE_SHARES)
        group = np.asarray(SUBSTANCE_GROUPS, dtype=object)[group_ix]
        referral = rng.integers(-365, self.year_days, m)
        started = referral + np.ceil(rng.exponential(MEAN_WAIT_DAYS_DRUG_ALCOHOL, m)).astype(int)
        ended = started + np.ceil(rng.exponential(np.take(MEAN_TREATMENT_DAYS, group_ix))).astype(
            int
        )
        in_treatment, discharged = started <= as_of, ended <= as_of
        died = in_treatment & (rng.random(m) < DIED_IN_TREATMENT)
        ended = np.where(died, np.minimum(ended, as_of), ended)
        discharged = discharged | died
        free = discharged & ~died & (rng.random(m) < np.take(LEFT_FREE_OF_DEPENDENCE, group_ix))
        how = np.where(free, "planned", np.where(rng.random(m) < 0.8, "unplanned", "transfer"))
        how = np.where(died, "died", how)
        back = free & (rng.random(m) < RE_PRESENTED)
        back_referral = ended + rng.integers(7, 183, m)
        back = back & (back_referral <= as_of)
        back_started = back_referral + np.ceil(
            rng.exponential(MEAN_WAIT_DAYS_DRUG_ALCOHOL, m)
        ).astype(int)
        self._append_episodes(
            person * 4,
            person,
            service,
            group,
            referral,
            started,
            in_treatment,
            ended,
            discharged,
            _only(how, discharged),
            _only(free, discharged),
        )
        b = back
        self._append_episodes(
            person[b] * 4 + 1,
            person[b],
            service[b],
            group[b],
            back_referral[b],
            back_started[b],
            back_started[b] <= as_of,
            back_started[b],
            np.zeros(int(b.sum()), bool),
            np.full(int(b.sum()), None),
            np.full(int(b.sum()), None),
        )
        self._prison(person, service, group, started, in_treatment)
        self._add(
            "screenings",
            {
                "person_id": person,
                "service_id": service,
                "instrument": np.full(m, "phq9"),
                "date": _days(referral, self.start),
                "total": np.where(need, rng.integers(10, 28, m), rng.integers(0, 10, m)).astype(
                    float
                ),
            },
        )
        self._tops(
            person[in_treatment],
            service[in_treatment],
            group_ix[in_treatment],
            started[in_treatment],
            "start",
        )
        left = discharged & ~died  # no exit TOP after a death
        self._tops(person[left], service[left], group_ix[left], ended[left], "exit", free[left])
        self._add(
            "discharges",
            {
                "episode_id": person[discharged] * 4,
                "date": _days(ended[discharged], self.start),
                "checklist_complete": rng.random(int(discharged.sum())) < CHECKLIST_COMPLETE,
            },
        )
        self._check_ups(person[free], service[free], ended[free])
        self._children(person[in_treatment])
        self._referrals(person, service, started, in_treatment & self.in_tt[mask])
        self._consents(person, service, started, in_treatment & need)
        self._coordination(person, service, started, ended, discharged, in_treatment & need)

    def _prison(
        self,
        person: np.ndarray,
        service: np.ndarray,
        group: np.ndarray,
        started: np.ndarray,
        in_treatment: np.ndarray,
    ) -> None:
        """Some people came to community treatment from treatment in prison: released within
        3 weeks of their community start (engaged) or longer before it."""
        rng, m = self.rng, len(person)
        who = in_treatment & (rng.random(m) < RELEASED_FROM_PRISON)
        engaged = rng.random(m) < ENGAGED_AFTER_RELEASE
        released = started - np.where(engaged, rng.integers(0, 22, m), rng.integers(22, 120, m))
        received = released - rng.integers(30, 300, m)
        k = int(who.sum())
        self._append_episodes(
            person[who] * 4 + 3,
            person[who],
            service[who] + SETTINGS.index("prison"),
            group[who],
            received[who],
            received[who] + 1,
            np.ones(k, bool),
            released[who],
            np.ones(k, bool),
            np.full(k, "released"),
            np.full(k, None),
        )

    def _check_ups(self, person: np.ndarray, service: np.ndarray, ended: np.ndarray) -> None:
        rng, as_of = self.rng, self.year_days - 1
        after = np.asarray(CHECK_UPS_AFTER_DAYS)
        due = (ended[:, None] + after[None, :]).ravel()
        k = len(due)
        done = due + rng.integers(0, 15, k)
        known = (rng.random(k) < CHECK_UP_DONE) & (done <= as_of)
        self._add(
            "check_ups",
            {
                "person_id": np.repeat(person, len(after)),
                "service_id": np.repeat(service, len(after)),
                "due": _days(due, self.start),
                "done": _nullable_days(done, known, self.start),
            },
        )

    def _children(self, person: np.ndarray) -> None:
        rng = self.rng
        parents = person[rng.random(len(person)) < LIVING_WITH_CHILDREN]
        kids = rng.integers(1, 4, len(parents))
        k = int(kids.sum())
        self._add(
            "children",
            {
                "person_id": np.repeat(parents, kids),
                "lives_with_person": np.ones(k, bool),
                "safeguarding_status": np.where(
                    rng.random(k) < SAFEGUARDING_KNOWN,
                    _pick(rng, ("none", "child-in-need", "child-protection"), (0.8, 0.15, 0.05), k),
                    "not-known",
                ),
            },
        )

    def _consents(
        self, person: np.ndarray, service: np.ndarray, started: np.ndarray, who: np.ndarray
    ) -> None:
        """Co-occurring people's consent to share with Talking Therapies (every referral there
        has it: `_referrals` only refers people who consented)."""
        rng, as_of, m = self.rng, self.year_days - 1, len(person)
        also_therapy = self.in_tt[self.in_da]  # referred there, so consent stands
        given = who & ((rng.random(m) < CONSENT_TO_SHARE) | also_therapy)
        withdrawn = given & (rng.random(m) < CONSENT_WITHDRAWN) & ~also_therapy
        withdrawn_on = np.minimum(started + rng.integers(30, 200, m), as_of)
        for mask, offset, state, day in (
            (given, 0, "given", started),
            (withdrawn, 1, "withdrawn", withdrawn_on),
        ):
            self._add(
                "consents",
                {
                    "consent_id": person[mask] * 4 + offset,
                    "person_id": person[mask],
                    "recipient_service_id": service[mask] + 1,
                    "state": np.full(int(mask.sum()), state),
                    "date": _days(day[mask], self.start),
                },
            )

    def _tops(
        self,
        person: np.ndarray,
        service: np.ndarray,
        group_ix: np.ndarray,
        day: np.ndarray,
        stage: str,
        free: np.ndarray | None = None,
    ) -> None:
        rng, k = self.rng, len(person)
        scale = np.ones(k) if free is None else np.where(free, 0.0, 0.7)
        opiate, alcohol = group_ix == 0, np.isin(group_ix, (2, 3))

        def days(used: np.ndarray) -> np.ndarray:
            return np.where(used, np.round(rng.integers(4, 29, k) * scale), 0).astype(np.int16)

        self._add(
            "tops",
            {
                "person_id": person,
                "service_id": service,
                "stage": np.full(k, stage),
                "date": _days(day, self.start),
                "alcohol_days": days(alcohol),
                "opioids_days": days(opiate),
                "crack_days": days((group_ix < 3) & (rng.random(k) < 0.35)),
                "injecting_days": days(opiate & (rng.random(k) < 0.3)),
                "quality_of_life": np.clip(rng.integers(4, 15, k) + (1 - scale) * 5, 0, 20).astype(
                    np.int16
                ),
                "paid_work_days": np.where(
                    rng.random(k) < PAID_WORK + PAID_WORK * (1 - scale), rng.integers(1, 21, k), 0
                ).astype(np.int16),
                "acute_housing_problem": rng.random(k) < 0.15 * scale + 0.03,
            },
        )

    def _referrals(
        self, person: np.ndarray, service: np.ndarray, started: np.ndarray, who: np.ndarray
    ) -> None:
        rng, as_of = self.rng, self.year_days - 1
        sent = started + rng.integers(0, 60, len(person))
        who = who & (sent + 14 <= as_of)
        k = int(who.sum())
        declined = rng.random(k) < DECLINED
        decided = sent[who] + rng.integers(1, 15, k)
        self._add(
            "referrals",
            {
                "referral_id": person[who] * 4,
                "person_id": person[who],
                "from_service_id": service[who],
                "to_service_id": service[who] + 1,
                "status": np.where(declined, "declined", "accepted"),
                "sent": _days(sent[who], self.start),
                "decided": _days(decided, self.start),
                "alternative_route": np.where(declined, rng.random(k) < DECLINED_WITH_ROUTE, False),
            },
        )
        # Talking Therapies assesses each referral: a decline is "not initially suitable"
        assessment = person[who] * 4
        self._add(
            "assessments",
            {
                "assessment_id": assessment,
                "person_id": person[who],
                "service_id": service[who] + 1,
                "date": _days(decided, self.start),
                "suitability": np.where(declined, "not-initially-suitable", "suitable"),
            },
        )
        offered = declined & (rng.random(k) < ROUTE_OFFERED)
        accepted = offered & (rng.random(k) < ROUTE_ACCEPTED)
        for mask, kind in ((offered, "offered"), (accepted, "accepted")):
            self._add(
                "route_actions",
                {
                    "assessment_id": assessment[mask],
                    "kind": np.full(int(mask.sum()), kind),
                    "date": _days(decided[mask], self.start),
                },
            )

    def _coordination(
        self,
        person: np.ndarray,
        service: np.ndarray,
        started: np.ndarray,
        ended: np.ndarray,
        discharged: np.ndarray,
        who: np.ndarray,
    ) -> None:
        rng, as_of = self.rng, self.year_days - 1
        began = started + rng.integers(0, 30, len(person))
        named = who & (rng.random(len(person)) < NAMED_COORDINATOR) & (began <= as_of)
        self._add(
            "coordinators",
            {
                "person_id": person[named],
                "service_id": service[named],
                "started": _days(began[named], self.start),
                "ended": _nullable_days(ended[named], discharged[named], self.start),
            },
        )
        created = began + rng.integers(0, 14, len(person))
        planned = named & (created <= as_of)
        until = np.where(discharged, ended, as_of)
        day, number, current = created, 1, planned
        while current.any():  # a new version at each review, on time or 30 days late
            k = int(current.sum())
            self._add(
                "care_plan_versions",
                {
                    "person_id": person[current],
                    "number": np.full(k, number, np.int32),
                    "created": _days(day[current], self.start),
                    "next_review": _days(day[current] + CARE_PLAN_REVIEW_DAYS, self.start),
                    "crisis_plan": rng.random(k) < CRISIS_PLAN,
                },
            )
            early = rng.integers(0, 15, len(day))
            late = np.where(rng.random(len(day)) < REVIEWED_ON_TIME, -early, 30)
            day = day + CARE_PLAN_REVIEW_DAYS + late
            number, current = number + 1, current & (day <= until)

    def _therapy(self) -> None:
        rng, mask, as_of = self.rng, self.in_tt, self.year_days - 1
        m = int(mask.sum())
        person, service = self.ids[mask], self.service("iapt", mask)
        referral = rng.integers(-120, self.year_days, m)
        started = referral + np.ceil(rng.exponential(MEAN_WAIT_DAYS_THERAPY, m)).astype(int)
        entered = (rng.random(m) < ENTERED_THERAPY) & (started <= as_of)
        sessions = np.where(rng.random(m) < ONE_SESSION_ONLY, 1, 2 + rng.poisson(5, m))
        last_day = started + 7 * (sessions - 1)
        ended = entered & (last_day <= as_of)
        self._append_episodes(
            person * 4 + 2,
            person,
            service,
            np.full(m, None),
            referral,
            started,
            entered,
            last_day,
            ended,
            _only(np.full(m, "planned"), ended),
            np.full(m, None),
        )
        c = entered
        self._add(
            "therapy_courses",
            {
                "course_id": person[c] * 4 + 2,
                "person_id": person[c],
                "service_id": service[c],
                "referral_received": _days(referral[c], self.start),
                "started": _days(started[c], self.start),
                "ended": _nullable_days(last_day[c], ended[c], self.start),
            },
        )
        self._sessions(person[c] * 4 + 2, started[c], sessions[c])

    def _sessions(self, course: np.ndarray, started: np.ndarray, sessions: np.ndarray) -> None:
        rng, k, as_of = self.rng, len(course), self.year_days - 1
        phq_first = np.clip(np.round(rng.normal(15, 5, k)), 0, 27)
        gad_first = np.clip(np.round(rng.normal(13, 4, k)), 0, 21)
        caseness = (phq_first >= 10) | (gad_first >= 8)
        recovered = caseness & (rng.random(k) < RECOVERED)
        drop = rng.integers(0, 6, k)
        phq_last = np.where(
            recovered,
            rng.integers(0, 10, k),
            np.where(phq_first >= 10, np.maximum(10, phq_first - drop), phq_first),
        )
        gad_last = np.where(
            recovered,
            rng.integers(0, 8, k),
            np.where(
                phq_first < 10, np.maximum(8, gad_first - drop), np.minimum(gad_first, 7 + drop)
            ),
        )
        row = np.repeat(np.arange(k), sessions)
        number = np.arange(len(row)) - np.repeat(np.cumsum(sessions) - sessions, sessions)
        share = number / np.maximum(sessions[row] - 1, 1)
        day = started[row] + 7 * number
        keep = day <= as_of

        def score(first: np.ndarray, last: np.ndarray) -> np.ndarray:
            return np.asarray(
                np.round(first[row] + (last[row] - first[row]) * share)[keep], np.int16
            )

        self._add(
            "therapy_sessions",
            {
                "course_id": course[row][keep],
                "session_number": (number + 1).astype(np.int16)[keep],
                "date": _days(day[keep], self.start),
                "is_treatment": np.ones(int(keep.sum()), bool),
                "phq9_total": score(phq_first, phq_last),
                "gad7_total": score(gad_first, gad_last),
            },
        )

    def _append_episodes(
        self,
        episode_id: np.ndarray,
        person: np.ndarray,
        service: np.ndarray,
        group: np.ndarray,
        referral: np.ndarray,
        started: np.ndarray,
        in_treatment: np.ndarray,
        ended: np.ndarray,
        discharged: np.ndarray,
        how: np.ndarray,
        free: np.ndarray,
    ) -> None:
        self._add(
            "episodes",
            {
                "episode_id": episode_id,
                "person_id": person,
                "service_id": service,
                "substance_group": pa.array(group, pa.string()),
                "referral_received": _days(referral, self.start),
                "treatment_started": _nullable_days(started, in_treatment, self.start),
                "discharged": _nullable_days(ended, discharged, self.start),
                "discharge_type": pa.array(how, pa.string()),
                "free_of_dependence": pa.array(free, pa.bool_()),
            },
        )

    def _add(self, name: str, columns: dict[str, object]) -> None:
        table = pa.table(columns).cast(SCHEMAS[name])
        previous = self.tables.get(name)
        self.tables[name] = table if previous is None else pa.concat_tables([previous, table])


def services_table(areas: int) -> pa.Table:
    ids = [area * len(SETTINGS) + i + 1 for area in range(areas) for i in range(len(SETTINGS))]
    names = [f"area {area + 1:03d} {setting}" for area in range(areas) for setting in SETTINGS]
    organisations = [f"area {area + 1:03d}" for area in range(areas) for _ in SETTINGS]
    return pa.table(
        {
            "service_id": ids,
            "service": names,
            "setting": list(SETTINGS) * areas,
            "organisation": organisations,
        },
        schema=SCHEMAS["services"],
    )


def synthesise(
    people: int,
    seed: int,
    out: Path,
    *,
    year_start: date = date(2025, 4, 1),
    batch_size: int = 100_000,
    on_batch: Callable[[int], None] = lambda done: None,
) -> SynthReport:
    """Write `people` synthetic people's records under `out`, `batch_size` people at a time."""
    out.mkdir(parents=True, exist_ok=True)
    areas = max(1, people // PEOPLE_PER_AREA)
    pq.write_table(services_table(areas), table_path(out, "services"))
    rows = {"services": len(SETTINGS) * areas}
    writers = {
        name: pq.ParquetWriter(table_path(out, name), schema)
        for name, schema in SCHEMAS.items()
        if name != "services"
    }
    try:
        for number, first in enumerate(range(0, people, batch_size)):
            rng = np.random.default_rng(np.random.SeedSequence([seed, number]))
            size = min(batch_size, people - first)
            for name, table in _Batch(rng, first + 1, size, year_start, areas).build().items():
                writers[name].write_table(table)
                rows[name] = rows.get(name, 0) + table.num_rows
            on_batch(size)
    finally:
        for writer in writers.values():
            writer.close()
    return SynthReport(people, rows)
