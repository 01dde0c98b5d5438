"""A reproducible synthetic area: services of every setting, their staff, and people whose
pathways run through them, made with the same use cases the app uses (so all is audited).

Names are invented; nothing here is a real person. The same `--seed` gives the same area.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.db import transaction

from nowrongdoor.records.care.models import EpisodeOfCare
from nowrongdoor.records.coordination.models import DISCHARGE_CHECKLIST
from nowrongdoor.records.directory.models import SETTINGS, Membership, Organisation, Role, Service
from nowrongdoor.services import clinical, consent, coordination, episodes, referrals
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


def _staff(username: str, service: Service | None, role: str) -> Actor:
    user, created = User.objects.get_or_create(username=username)
    if created:
        user.password = _demo_password_hash()
        user.save()
    Membership.objects.get_or_create(user=user, service=service, role=role)
    return Actor.of(user, service=service, role=role)


def _area() -> tuple[dict[str, Service], dict[str, Actor]]:
    with transaction.atomic():
        trust, _ = Organisation.objects.get_or_create(name="Riverside Partnership (demo)")
        services = {
            setting: Service.objects.get_or_create(
                organisation=trust, setting=setting, defaults={"name": f"Riverside {label}"}
            )[0]
            for setting, label in SETTINGS
        }
        actors = {
            setting: _staff(f"{setting}-practitioner", service, Role.PRACTITIONER)
            for setting, service in services.items()
        }
        for setting, service in services.items():
            _staff(f"{setting}-coordinator", service, Role.CARE_COORDINATOR)
            _staff(f"{setting}-manager", service, Role.SERVICE_MANAGER)
        _staff("commissioner", None, Role.COMMISSIONER)
        _staff("admin", None, Role.ADMIN)
    return services, actors


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


def _demo_person(iapt: Actor) -> None:
    """Robin, just referred to Talking Therapies and not yet screened, who can sign in."""
    user, created = User.objects.get_or_create(username=DEMO_PERSON)
    if not created:
        return
    user.password = _demo_password_hash()
    user.save()
    robin = register_person(
        iapt, {"given_name": "Robin", "family_name": "Hale", "date_of_birth": date(1974, 3, 2)}
    )
    robin.user = user
    robin.save(update_fields=["user"])


def seed_area(people: int, seed: int) -> SeedReport:
    """Create (or top up) the demo area with `people` synthetic people, and Robin."""
    rng = random.Random(seed)
    services, actors = _area()
    _demo_person(actors["iapt"])
    settings = [s for s, _ in SETTINGS if s != "other"]
    for _ in range(people):
        setting = rng.choice(settings)
        actor = actors[setting]
        born = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 55))
        person = register_person(
            actor,
            {
                "given_name": rng.choice(GIVEN),
                "family_name": rng.choice(FAMILY),
                "date_of_birth": born,
                "ethnicity": rng.choice("ABCHJKMNRSZ"),
                "sex": rng.choice(["female", "male", "not-stated"]),
            },
            referral_date=date.today() - timedelta(days=rng.randrange(10, 300)),
        )
        phq9 = [rng.randrange(4) for _ in range(8)] + [rng.choice([0, 0, 0, 1])]
        audit = [rng.randrange(5) for _ in range(8)] + [
            rng.choice([0, 2, 4]) // 2 for _ in range(2)
        ]
        clinical.record_screening(actor, person.pk, "phq9", phq9)
        clinical.record_screening(actor, person.pk, "audit", audit)
        assessment = clinical.record_assessment(actor, person.pk, _case(rng, setting, phq9, audit))
        codes = [r["code"] for r in assessment.output["recommendations"]]
        episode = EpisodeOfCare.objects.get(person=person, service=actor.service)
        # Steps are dated in order and never in the future (the use cases refuse otherwise).
        assessed = min(
            episode.referral_received + timedelta(days=rng.randrange(1, 21)), date.today()
        )
        episodes.mark_assessed(actor, episode.pk, assessed)
        if "DRUG-SPECIALIST-REFERRAL" in codes and setting != "drug-alcohol-service":
            drugs = services["drug-alcohol-service"]
            consent.record_consent(actor, person.pk, drugs.pk, "given")
            referral = referrals.refer(
                actor,
                person.pk,
                drugs.pk,
                "dependent use; specialist assessment",
                "DRUG-SPECIALIST-REFERRAL",
            )
            referrals.accept(actors["drug-alcohol-service"], referral.pk)
        if "COORD-NAMED" in codes:
            coordination.name_coordinator(actor, person.pk, actor.user.pk, "case-manager")
            coordination.revise_care_plan(
                actor,
                person.pk,
                0,
                {
                    "needs": "housing and debt advice",
                    "crisis_plan": "crisis line; named coordinator",
                },
                date.today() + timedelta(days=28),
                True,
            )
        if rng.random() < 0.2:
            treated = max(assessed, date.today() - timedelta(days=5))
            episodes.start_treatment(actor, episode.pk, treated)
            episodes.discharge(
                actor,
                episode.pk,
                date.today(),
                "planned",
                "treatment completed",
                dict.fromkeys(DISCHARGE_CHECKLIST, True),
            )
    return SeedReport(len(services), 3 * len(actors) + 2, people)
