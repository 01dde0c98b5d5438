"""An area to test records against: three services, their staff, a commissioner, an admin."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.test import Client

from nowrongdoor.records.directory.models import Membership, Organisation, Role, Service
from nowrongdoor.services.actor import Actor


@dataclass
class Area:
    iapt: Service
    drugs: Service
    gp: Service
    therapist: Actor
    keyworker: Actor
    gp_doctor: Actor
    commissioner: Actor
    admin: Actor


def staff(username: str, service: Service | None, role: str) -> Actor:
    user = User.objects.create(username=username)
    Membership.objects.create(user=user, service=service, role=role)
    return Actor.of(user)


def make_area() -> Area:
    trust = Organisation.objects.create(name="Riverside NHS Trust")
    iapt = Service.objects.create(organisation=trust, name="Talking Therapies", setting="iapt")
    drugs = Service.objects.create(
        organisation=trust, name="Recovery Hub", setting="drug-alcohol-service"
    )
    gp = Service.objects.create(
        organisation=trust, name="Elm Street Surgery", setting="primary-care"
    )
    return Area(
        iapt=iapt,
        drugs=drugs,
        gp=gp,
        therapist=staff("therapist", iapt, Role.PRACTITIONER),
        keyworker=staff("keyworker", drugs, Role.CARE_COORDINATOR),
        gp_doctor=staff("gp", gp, Role.PRACTITIONER),
        commissioner=staff("commissioner", None, Role.COMMISSIONER),
        admin=staff("admin", None, Role.ADMIN),
    )


def browser_for(user: User) -> Client:
    """A test client signed in as `user` (a session, as the pages use)."""
    client = Client()
    client.force_login(user)
    return client
