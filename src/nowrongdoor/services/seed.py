"""A reproducible synthetic area: services of every setting, their staff, and people whose
pathways run through them, made with the same use cases the app uses (so all is audited).

Referrals are spread over the two years before the seed's `today`, and each person's
pathway is dated from theirs: screening, assessment, referral on (accepted, or declined with
a route), drug and alcohol treatment with start, review and exit TOPs, Talking Therapies
courses with PHQ-9 and GAD-7 at each session, a named coordinator with care plan reviews,
children, discharge and recovery check-ups. Steps falling after `today` are not taken yet:
those people are still waiting or in treatment. So a past financial year has something to
report (`nwd report --period 2025-04-01:2026-03-31` on the demo area).

Names are invented; nothing here is a real person. The same `--seed` (and `today`) gives
the same area.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.db import transaction

from nowrongdoor.errors import InputError
from nowrongdoor.records.care.models import DischargeType, EpisodeOfCare
from nowrongdoor.records.clinical.models import Assessment
from nowrongdoor.records.coordination.models import DISCHARGE_CHECKLIST, SafeguardingStatus
from nowrongdoor.records.directory.models import SETTINGS, Membership, Organisation, Role, Service
from nowrongdoor.records.people.models import Person
from nowrongdoor.services import (
    clinical,
    consent,
    coordination,
    episodes,
    outcomes,
    referrals,
)
from nowrongdoor.services.actor import Actor
from nowrongdoor.services.people import register_person

GIVEN = [
    "Alex",
    "Sam",
    "Jo",
    "Priya",
    "Kwame",
    "Aisha",
    "Tom",
    "Mei",
    "Olu",
    "Kasia",
    "Liam",
    "Nia",
]
FAMILY = ["Smith", "Khan", "Jones", "Okafor", "Nowak", "Chen", "Patel", "Evans", "Ali", "Brown"]
DEMO_PASSWORD = "demo-password-change-me"


@dataclass
class SeedReport:
    services: int
    staff: int
    people: int


@functools.cache
def _demo_password_hash() -> str:
    """Hashed once: the password hasher is slow on purpose, and every demo user shares it."""
    return make_password(DEMO_PASSWORD)


# Staff are shown by name and role, never by username: invented names, one per user.
STAFF_GIVEN = ["Ruth", "Dev", "Hana", "Marcus", "Ines", "Kofi", "Lena", "Owen", "Farah", "Iwan"]
STAFF_FAMILY = ["Adeyemi", "Barker", "Costa", "Doyle", "Ennis", "Fraser", "Gill", "Hughes", "Iqbal"]


def _staff(username: str, service: Service | None, role: str) -> Actor:
    user, created = User.objects.get_or_create(username=username)
    if created:
        n = User.objects.count()
        user.first_name = STAFF_GIVEN[n % len(STAFF_GIVEN)]
        user.last_name = STAFF_FAMILY[n % len(STAFF_FAMILY)]  # 10 and 9: 90 different names
        user.password = _demo_password_hash()
        user.save()
    Membership.objects.get_or_create(user=user, service=service, role=role)
    return Actor.of(user, service=service, role=role)


@dataclass(frozen=True)
class _Staff:
    practitioner: Actor
    coordinator: Actor


def _area() -> tuple[dict[str, Service], dict[str, _Staff]]:
    with transaction.atomic():
        trust, _ = Organisation.objects.get_or_create(name="Riverside Partnership (demo)")
        services = {
            setting: Service.objects.get_or_create(
                organisation=trust, setting=setting, defaults={"name": f"Riverside {label}"}
            )[0]
            for setting, label in SETTINGS
        }
        staff = {}
        for setting, service in services.items():
            staff[setting] = _Staff(
                _staff(f"{setting}-practitioner", service, Role.PRACTITIONER),
                _staff(f"{setting}-coordinator", service, Role.CARE_COORDINATOR),
            )
            _staff(f"{setting}-manager", service, Role.SERVICE_MANAGER)
        _staff("commissioner", None, Role.COMMISSIONER)
        _staff("admin", None, Role.ADMIN)
    return services, staff


def _case(rng: random.Random, setting: str, phq9: list[int], audit: list[int]) -> dict[str, object]:
    heroin = rng.random() < 0.3
    return {
        "setting": setting,
        "age": rng.randrange(18, 75),
        "contact": "first",
        "screens": {"phq9": phq9, "audit": audit},
        "drugs": (
            [
                {
                    "substance": "heroin",
                    "days_used_past_28": 20,
                    "typical_amount": "0.5g",
                    "route": rng.choice(["smoked", "injected"]),
                    "injecting_days_past_28": None,
                    "prescribed": False,
                    "dependence_suspected": True,
                }
            ]
            if heroin
            else []
        ),
        "mental_health": {
            "conditions": rng.sample(["depression", "anxiety", "psychosis"], rng.randrange(0, 2)),
            "suicidal_thoughts": phq9[8] > 0,
            "in_crisis": False,
        },
        "treatment": {"in_drug_alcohol_service": setting == "drug-alcohol-service"},
    }


DEMO_PERSON = "robin"  # the person's own sign-in, for walking the journeys


def _demo_person(iapt: Actor, today: date) -> None:
    """Robin, just referred to Talking Therapies and not yet screened, who can sign in."""
    user, created = User.objects.get_or_create(username=DEMO_PERSON)
    if not created:
        return
    user.password = _demo_password_hash()
    user.save()
    robin = register_person(
        iapt,
        {"given_name": "Robin", "family_name": "Hale", "date_of_birth": date(1974, 3, 2)},
        referral_date=today,
    )
    robin.user = user
    robin.save(update_fields=["user"])


DRUGS, IAPT, PRISON = "drug-alcohol-service", "iapt", "prison"
# Who comes through which door: Talking Therapies and the drug and alcohol service take
# their own referrals; the rest of the area refers people on to them.
DOORS = [s for s, _ in SETTINGS if s != "other"]
WEIGHTS = [30 if s == IAPT else 14 if s == DRUGS else 7 for s in DOORS]
HISTORY_DAYS = 730  # referrals spread over the two years before the seed's today
REVIEW_EVERY = 182  # days between care plan reviews (6-monthly)
TOP_REVIEW_EVERY = 182  # NDTMS: a review TOP every 6 months in treatment
KEEPS_EPISODE = ("primary-care", "mental-health-secondary")  # shared care continues
ALL_DONE = dict.fromkeys(DISCHARGE_CHECKLIST, True)
SUBSTANCE_DAYS = (
    "alcohol_days",
    "opioids_days",
    "crack_days",
    "cocaine_days",
    "amphetamines_days",
    "cannabis_days",
)


def _days(n: int) -> timedelta:
    return timedelta(days=n)


def _top_start(rng: random.Random, opiate: bool, drinks: bool) -> dict[str, object]:
    """A start TOP: the substance pattern that sets the person's NDTMS substance group."""
    top: dict[str, object] = dict.fromkeys(SUBSTANCE_DAYS, 0)
    if opiate:
        top["opioids_days"] = rng.randrange(12, 29)
        top["crack_days"] = rng.choice([0, 0, rng.randrange(2, 21)])
        injecting = rng.random() < 0.5
        top["injecting_days"] = rng.randrange(4, 29) if injecting else 0
        top["shared_equipment"] = injecting and rng.random() < 0.3
    else:
        top["injecting_days"], top["shared_equipment"] = 0, False
        if drinks or rng.random() < 0.5:
            top["alcohol_days"] = rng.randrange(12, 29)
            top["alcohol_amount"] = rng.randrange(8, 41)
        if not drinks or rng.random() < 0.3:
            kind = rng.choice(
                ["cannabis_days", "cocaine_days", "cocaine_days", "amphetamines_days"]
            )
            top[kind] = rng.randrange(3, 29)
    if opiate and rng.random() < 0.4:
        top["alcohol_days"] = rng.randrange(2, 16)
    top["tobacco_days"] = rng.choice([0, 28, 28])
    top["shoplifting_days"] = rng.randrange(1, 11) if opiate and rng.random() < 0.3 else 0
    top["psychological_health"] = rng.randrange(3, 13)
    top["physical_health"] = rng.randrange(5, 15)
    top["quality_of_life"] = rng.randrange(3, 13)
    top["paid_work_days"] = 0 if rng.random() < 0.65 else rng.randrange(4, 21)
    top["acute_housing_problem"] = rng.random() < 0.3
    top["risk_of_eviction"] = rng.random() < 0.15
    return top


def _top_later(rng: random.Random, start: dict[str, object], progress: float) -> dict[str, object]:
    """A review or exit TOP: `progress` 0 (no change) to 1 (all that could get better did)."""
    top = dict(start)
    abstinent = rng.random() < progress - 0.25
    for name in (*SUBSTANCE_DAYS, "injecting_days", "shoplifting_days"):
        before = int(start[name] or 0)  # type: ignore[call-overload]
        after = round(before * (1 - progress) * rng.uniform(0.7, 1.3))
        top[name] = 0 if abstinent else min(after, 28)
    if not top["alcohol_days"]:
        top.pop("alcohol_amount", None)
    top["shared_equipment"] = bool(start["shared_equipment"]) and rng.random() > progress
    for name in ("psychological_health", "physical_health", "quality_of_life"):
        before = int(start[name])  # type: ignore[call-overload]
        top[name] = max(0, min(20, before + round(progress * 7 + rng.uniform(-2.5, 2.5))))
    if start["acute_housing_problem"]:
        top["acute_housing_problem"] = rng.random() > progress
    if start["paid_work_days"] == 0 and rng.random() < progress * 0.4:
        top["paid_work_days"] = rng.randrange(4, 21)
    return top


class _Seeding:
    """One pass over the people, each pathway dated from their referral and cut at today."""

    def __init__(
        self,
        rng: random.Random,
        today: date,
        services: dict[str, Service],
        staff: dict[str, _Staff],
    ) -> None:
        self.rng, self.today, self.services, self.staff = rng, today, services, staff
        # A coordinator to name at the person's own service, before it discharges them.
        self.pending: tuple[Person, Actor, date] | None = None

    def person(self, number: int) -> None:
        rng, today = self.rng, self.today
        # The first of each door is referred lately, so every service has people waiting.
        recent = number < len(DOORS)
        setting = DOORS[number] if recent else rng.choices(DOORS, WEIGHTS)[0]
        actor = self.staff[setting].practitioner
        referred = today - _days(
            rng.randrange(3, 40) if recent else rng.randrange(10, HISTORY_DAYS)
        )
        person = register_person(
            actor,
            {
                "given_name": rng.choice(GIVEN),
                "family_name": rng.choice(FAMILY),
                "date_of_birth": date(1950, 1, 1) + _days(rng.randrange(0, 365 * 55)),
                "ethnicity": rng.choice("ABCHJKMNRSZ"),
                "sex": rng.choice(["female", "male", "not-stated"]),
            },
            referral_date=referred,
            confirmed_different=True,  # invented names: two alike are two people
        )
        phq9 = [rng.choice([0, 0, 1, 1, 2, 3]) for _ in range(8)] + [rng.choice([0, 0, 0, 1])]
        audit = [rng.randrange(5) for _ in range(8)] + [
            rng.choice([0, 2, 4]) // 2 for _ in range(2)
        ]
        clinical.record_screening(actor, person.pk, "phq9", phq9, on=referred)
        clinical.record_screening(actor, person.pk, "audit", audit, on=referred)
        case = _case(rng, setting, phq9, audit)
        assessment = clinical.record_assessment(actor, person.pk, case, on=referred)
        codes = {r["code"] for r in assessment.output["recommendations"]}
        self.act_on_route(actor, assessment, referred)
        episode = EpisodeOfCare.objects.get(person=person, service=actor.service)
        assessed = min(referred + _days(rng.randrange(1, 15)), today)
        episode = episodes.mark_assessed(actor, episode.pk, assessed)
        opiate = bool(case["drugs"])
        conditions: list[str] = case["mental_health"]["conditions"]  # type: ignore[index]
        coordinate = "COORD-NAMED" in codes
        if setting == DRUGS:
            self.drug_treatment(person, episode, opiate, sum(audit) >= 16, coordinate, conditions)
            return
        drugs: EpisodeOfCare | None = None
        decided, declined = assessed, False
        if "DRUG-SPECIALIST-REFERRAL" in codes and (setting != IAPT or rng.random() < 0.5):
            drugs, decided, declined = self.refer_to_drugs(person, actor, assessed)
        if coordinate and drugs is None:
            self.pending = (person, self.staff[setting].coordinator, assessed)
        if setting == IAPT:
            self.therapy(person, episode, assessed, sum(phq9))
        else:
            treat = declined or setting in KEEPS_EPISODE
            self.own_service(person, episode, setting, drugs, decided, treat=treat, recent=recent)
        if drugs is not None:
            self.drug_treatment(person, drugs, opiate, sum(audit) >= 16, coordinate, conditions)
            if setting == PRISON and not recent:
                self.release(episode, drugs)
        self.coordinate_pending(None)

    def act_on_route(self, actor: Actor, assessment: Assessment, on: date) -> None:
        """Not initially suitable: the route that is suitable offered, and mostly accepted."""
        suitability = assessment.output["iapt_suitability"]
        if suitability["status"] != "not-initially-suitable":
            return
        kinds = ["offered"] + (["accepted"] if self.rng.random() < 0.75 else [])
        for code in suitability["because"]:
            for kind in kinds:
                referrals.act_on_recommendation(actor, assessment.pk, code, kind, on=on)

    def refer_to_drugs(
        self, person: Person, actor: Actor, on: date
    ) -> tuple[EpisodeOfCare | None, date, bool]:
        """Refer on with consent; the drug and alcohol service accepts, or declines with the
        route that suits. Returns the new episode (if accepted), the decision's date and
        whether it was declined."""
        rng, drugs = self.rng, self.services[DRUGS]
        consent.record_consent(actor, person.pk, drugs.pk, "given", on=on)
        referral = referrals.refer(
            actor,
            person.pk,
            drugs.pk,
            "dependent use; specialist assessment",
            "DRUG-SPECIALIST-REFERRAL",
            on=on,
        )
        decided = on + _days(rng.randrange(1, 8))
        if decided > self.today:
            return None, on, False  # still in the service's inbox
        receiver = self.staff[DRUGS].practitioner
        if rng.random() < 0.85:
            return referrals.accept(receiver, referral.pk, on=decided), decided, False
        referrals.decline(
            receiver,
            referral.pk,
            "alcohol brief intervention with the referring service; "
            "self-referral to the drug and alcohol service stays open",
            on=decided,
        )
        return None, decided, True

    def own_service(
        self,
        person: Person,
        episode: EpisodeOfCare,
        setting: str,
        drugs: EpisodeOfCare | None,
        decided: date,
        *,
        treat: bool,
        recent: bool,
    ) -> None:
        """The referring service's own episode: advice, shared care or treatment of its own
        (a brief intervention when the drug and alcohol service declined), or transfer."""
        rng, today, actor = self.rng, self.today, self.staff[setting].practitioner
        if recent:
            return  # still on the caseload
        if setting == PRISON and drugs is not None:
            episodes.start_treatment(actor, episode.pk, decided)  # treated until released
            return
        if drugs is not None and setting not in KEEPS_EPISODE:
            reason = "care continues at the drug and alcohol service"
            self.discharge(actor, episode, decided, DischargeType.TRANSFER, reason)
            return
        if not treat:
            left = decided + _days(rng.randrange(0, 31))
            if left <= today:
                self.discharge(actor, episode, left, "planned", "advice and brief intervention")
            return
        started = decided + _days(rng.randrange(3, 22))
        if started > today:
            return
        episodes.start_treatment(actor, episode.pk, started)
        ended = started + _days(rng.randrange(30, 360))
        if ended <= today and setting != "primary-care":
            self.discharge(actor, episode, ended, "planned", "goals met")
            self.check_ups(person, actor)

    def release(self, prison: EpisodeOfCare, community: EpisodeOfCare) -> None:
        """Released from prison once community treatment is arranged: most start it within
        3 weeks of release (continuity of care), some later."""
        rng = self.rng
        prison = EpisodeOfCare.objects.get(pk=prison.pk)
        started = EpisodeOfCare.objects.get(pk=community.pk).treatment_started
        if started is None or prison.treatment_started is None:
            return  # still in prison
        gap = rng.randrange(0, 22) if rng.random() < 0.6 else rng.randrange(22, 60)
        released = max(prison.treatment_started, started - _days(gap))
        actor = self.staff[PRISON].practitioner
        reason = "released; community treatment arranged before release"
        self.discharge(actor, prison, released, DischargeType.RELEASED, reason)

    def drug_treatment(
        self,
        person: Person,
        episode: EpisodeOfCare,
        opiate: bool,
        drinks: bool,
        coordinate: bool,
        conditions: list[str],
    ) -> None:
        """Assessment, treatment with start, review and exit TOPs, and discharge."""
        rng, today, staff = self.rng, self.today, self.staff[DRUGS]
        actor = staff.practitioner
        referred = episode.referral_received
        if episode.assessed is None:
            assessed = referred + _days(rng.randrange(1, 10))
            if assessed > today:
                return
            episode = episodes.mark_assessed(actor, episode.pk, assessed)
        assessed = episode.assessed or referred
        waited = rng.randrange(2, 22) if rng.random() < 0.92 else rng.randrange(22, 60)
        started = max(assessed, referred + _days(waited))
        if started > today:
            return
        episodes.start_treatment(actor, episode.pk, started)
        start = _top_start(rng, opiate, drinks)
        outcomes.record_top(actor, person.pk, "start", start, on=started)
        if rng.random() < 0.35:
            self.children(person, actor)
        length = rng.randrange(60, 420)
        ended = started + _days(length)
        kind = rng.choices(["planned", "unplanned", "transfer", "died"], [55, 34, 10, 1])[0]
        progress = {"planned": rng.uniform(0.6, 1), "unplanned": rng.uniform(0, 0.5)}.get(
            kind, rng.uniform(0.3, 0.7)
        )
        if coordinate:
            self.coordinate(person, staff.coordinator, started, ended)
        if ("depression" in conditions or "anxiety" in conditions) and rng.random() < 0.7:
            self.refer_to_therapy(person, actor, started + _days(rng.randrange(14, 60)))
        review = started + _days(TOP_REVIEW_EVERY)
        while review < ended and review <= today:
            later = _top_later(rng, start, progress * (review - started).days / length)
            outcomes.record_top(actor, person.pk, "review", later, on=review)
            review += _days(TOP_REVIEW_EVERY)
        if ended > today:
            return  # still in treatment
        exit_top = kind != DischargeType.UNPLANNED or rng.random() < 0.3  # some drop-outs
        if exit_top and kind != DischargeType.DIED:
            outcomes.record_top(
                actor, person.pk, "exit", _top_later(rng, start, progress), on=ended
            )
        reason = {
            "planned": "treatment completed, free of dependence",
            "unplanned": "dropped out: did not attend and could not be contacted",
            "transfer": "moved out of the area; care continues at the new service",
            "died": "died while in treatment",
        }[kind]
        self.discharge(actor, episode, ended, kind, reason)
        self.check_ups(person, actor)

    def discharge(
        self, actor: Actor, episode: EpisodeOfCare, on: date, kind: str, reason: str
    ) -> None:
        """Discharge with the App5 §6 checklist done, after any coordination still due."""
        self.coordinate_pending(on)
        episodes.discharge(actor, episode.pk, on, kind, reason, ALL_DONE)

    def coordinate_pending(self, until: date | None) -> None:
        if self.pending is not None:
            person, coordinator, named = self.pending
            self.pending = None
            self.coordinate(person, coordinator, named, until)

    def check_ups(self, person: Person, actor: Actor) -> None:
        """Most recovery check-ups due by today were done, within two weeks of the date."""
        due = person.check_ups.filter(service=actor.service, done__isnull=True)
        for check_up in due.order_by("due", "pk"):
            done = check_up.due + _days(self.rng.randrange(0, 15))
            if self.rng.random() < 0.75 and done <= self.today:
                episodes.record_check_up_done(actor, check_up.pk, done)

    def children(self, person: Person, actor: Actor) -> None:
        rng = self.rng
        for _ in range(rng.choice([1, 1, 2, 3])):
            lives = rng.random() < 0.7
            status = rng.choices(
                SafeguardingStatus.values,  # none, in need, protection, looked after, not known
                [50, 15, 10, 0, 20] if lives else [15, 10, 15, 40, 20],
            )[0]
            coordination.record_child(
                actor,
                person.pk,
                self.today.year - rng.randrange(0, 17),
                lives,
                "" if lives else "lives with grandparents",
                status,
            )

    def coordinate(
        self, person: Person, coordinator: Actor, named: date, until: date | None
    ) -> None:
        """Name the coordinator and agree a care plan, reviewed every 6 months (mostly on
        time) while the episode lasts."""
        rng, today = self.rng, self.today
        if rng.random() < 0.15:
            return  # recommended, but no coordinator named (yet)
        coordination.name_coordinator(
            coordinator, person.pk, coordinator.user.pk, "case-manager", on=named
        )
        crisis = rng.random() < 0.85
        sections = {
            "needs": "housing and debt advice",
            "crisis_plan": "crisis line; named coordinator" if crisis else "",
        }
        due = named + _days(REVIEW_EVERY)
        coordination.revise_care_plan(coordinator, person.pk, 0, sections, due, True, on=named)
        version, last = 1, named
        end = min(until or today, today)
        while due <= end:
            made = (
                due - _days(rng.randrange(0, 14))
                if rng.random() < 0.9
                else due + _days(rng.randrange(1, 21))
            )
            made = max(made, last)
            if made > end:
                break
            review = {"wellbeing_activities": f"reviewed with the person ({version})"}
            if not crisis and rng.random() < 0.5:
                crisis, review["crisis_plan"] = True, "crisis line; named coordinator"
            due = made + _days(REVIEW_EVERY)
            coordination.revise_care_plan(
                coordinator, person.pk, version, review, due, True, on=made
            )
            version, last = version + 1, made

    def refer_to_therapy(self, person: Person, actor: Actor, on: date) -> None:
        """A co-occurring common mental health problem: refer to Talking Therapies."""
        if on > self.today:
            return
        rng, iapt = self.rng, self.services[IAPT]
        consent.record_consent(actor, person.pk, iapt.pk, "given", on=on)
        referral = referrals.refer(
            actor, person.pk, iapt.pk, "low mood and anxiety alongside treatment", on=on
        )
        decided = on + _days(rng.randrange(2, 15))
        if decided > self.today:
            return
        receiver = self.staff[IAPT].practitioner
        if rng.random() < 0.2:
            referrals.decline(
                receiver,
                referral.pk,
                "secondary mental health: needs beyond Talking Therapies",
                on=decided,
            )
            return
        episode = referrals.accept(receiver, referral.pk, on=decided)
        if decided + _days(7) <= self.today:
            episodes.mark_assessed(receiver, episode.pk, decided + _days(rng.randrange(0, 8)))
            episode.refresh_from_db()
            phq9 = rng.randrange(8, 22)
            self.therapy(person, episode, episode.assessed or decided, phq9)

    def therapy(self, person: Person, episode: EpisodeOfCare, assessed: date, phq9: int) -> None:
        """A Talking Therapies course: weekly sessions with PHQ-9 and GAD-7 each time."""
        rng, today, actor = self.rng, self.today, self.staff[IAPT].practitioner
        referred = episode.referral_received
        if rng.random() < 0.12:
            left = assessed + _days(rng.randrange(14, 40))
            if left <= today:
                reason = "did not attend the first appointment; opted out"
                self.discharge(actor, episode, left, "unplanned", reason)
            return
        draw = rng.random()
        waited = (
            rng.randrange(7, 36) if draw < 0.82 else rng.randrange(42, 120) if draw < 0.96 else 140
        )
        started = max(assessed, referred + _days(waited))
        if started > today:
            return
        episodes.start_treatment(actor, episode.pk, started)
        course = outcomes.start_course(actor, person.pk, started)
        sessions = 1 if rng.random() < 0.15 else rng.randrange(2, 10)
        draw = rng.random()
        factor = (
            rng.uniform(0.2, 0.55)
            if draw < 0.5
            else rng.uniform(0.6, 0.95)
            if draw < 0.93
            else rng.uniform(1.1, 1.5)
        )
        gad7 = max(0, min(21, round(phq9 * 0.75 + rng.uniform(-3, 3))))
        on = started
        for number in range(1, sessions + 1):
            on = started + _days(7 * (number - 1) + (rng.randrange(0, 3) if number > 1 else 0))
            if on > today:
                return  # the course goes on
            step = (number - 1) / max(1, sessions - 1)
            scores = [
                max(0, min(top, round(first * (1 + (factor - 1) * step) + rng.uniform(-1.5, 1.5))))
                for first, top in ((phq9, 27), (gad7, 21))
            ]
            taken = [None if rng.random() < 0.03 else score for score in scores]
            outcomes.record_session(actor, course.pk, number, taken[0], taken[1], True, on=on)
        outcomes.end_course(actor, course.pk, on)
        kind, reason = (
            ("planned", "course of treatment completed")
            if sessions >= 2
            else ("unplanned", "stopped after one session")
        )
        self.discharge(actor, episode, on, kind, reason)
        self.check_ups(person, actor)


def seed_area(people: int, seed: int, today: date | None = None) -> SeedReport:
    """Create (or top up) the demo area with `people` synthetic people, and Robin; their
    pathways are dated over the two years before `today` (default: the real today)."""
    today = today or date.today()
    if today > date.today():
        raise InputError("today", f"today: {today.isoformat()} is in the future")
    rng = random.Random(seed)
    services, staff = _area()
    _demo_person(staff[IAPT].practitioner, today)
    seeding = _Seeding(rng, today, services, staff)
    for number in range(people):
        with transaction.atomic():  # one commit per person: the seed stays quick
            seeding.person(number)
    return SeedReport(len(services), 3 * len(staff) + 2, people)
