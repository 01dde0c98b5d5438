"""Staff as the pages show them: by name and role, never by the username they sign in with
(a username is a credential, and means nothing to the person or a colleague reading)."""

from __future__ import annotations

from django.contrib.auth.models import User

from nowrongdoor.records.directory.models import Membership, Role, Service
from nowrongdoor.records.people.models import Person

ROLE_WORDS: dict[str, str] = {
    Role.PRACTITIONER: "practitioner",
    Role.CARE_COORDINATOR: "care coordinator",
    Role.SERVICE_MANAGER: "service manager",
    Role.COMMISSIONER: "commissioner",
    Role.ADMIN: "administrator",
    Role.PERSON: "",
}


def name_of(user: User) -> str:
    """Their full name; the person's own name for a person signed in to their space; for a
    user created without a name, a label that says so (never the username)."""
    full = user.get_full_name().strip()
    if full:
        return full
    person = Person.objects.filter(user=user).only("given_name", "family_name").first()
    if person is not None:
        return str(person)
    return f"Name not recorded (user {user.pk})"


def role_of(user: User, service: Service | None = None) -> str:
    """Their role in `service` (or their first active role), in words; "" for a person."""
    memberships = Membership.objects.filter(user=user, active=True)
    if service is not None:
        memberships = memberships.filter(service=service)
    role = memberships.order_by("pk").values_list("role", flat=True).first()
    return ROLE_WORDS.get(role, role) if role else ""


def staff_label(user: User, service: Service | None = None) -> str:
    """ "Ruth Barker, care coordinator": who did something, as every page says it."""
    role = role_of(user, service)
    return f"{name_of(user)}, {role}" if role else name_of(user)
