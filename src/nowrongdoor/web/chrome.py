"""What every page shows around its content: the header's navigation for the user's role,
who is signed in (by name and role), and the banner of the person a page is about."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest
from django.urls import reverse

from nowrongdoor.records.directory.models import CLINICAL_ROLES, Role
from nowrongdoor.records.people.models import Person
from nowrongdoor.services.actor import Actor
from nowrongdoor.services.dashboard import MAY_SEE
from nowrongdoor.services.people import Banner, person_banner
from nowrongdoor.services.staff import name_of, staff_label


def _actor(request: HttpRequest) -> Actor | None:
    """The signed-in user's actor, worked out once per request."""
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_authenticated:
        return None
    cached: Actor | None = getattr(request, "_nwd_actor", None)
    if cached is None:
        cached = Actor.of(user)
        request._nwd_actor = cached  # type: ignore[attr-defined]
    return cached


def _links(actor: Actor) -> list[tuple[str, str]]:
    """(text, address) of the places the role works in."""
    if actor.role == Role.PERSON:
        return [("My space", reverse("web:me"))]
    links = []
    if actor.role in CLINICAL_ROLES and actor.service is not None:
        links += [
            ("Caseload", reverse("web:home")),
            ("Find a person", reverse("web:people-search")),
            ("Add a person", reverse("web:person-new")),
            ("Referrals in", reverse("web:home") + "#referrals-in"),
        ]
    if actor.role in MAY_SEE:
        links.append(("Area figures", reverse("web:dashboard")))
    return links


def navigation(request: HttpRequest) -> list[dict[str, Any]]:
    """The header's navigation items (NHS.UK header macro), the current page marked."""
    actor = _actor(request)
    if actor is None:
        return []
    items = []
    for text, href in _links(actor):
        current = "#" not in href and request.path == href
        items.append({"text": text, "href": href, "current": current})
    return items


def account(request: HttpRequest) -> list[dict[str, Any]]:
    """The header's account items: who is signed in, by name and role, and signing out."""
    actor = _actor(request)
    if actor is None:
        return []
    who = staff_label(actor.user, actor.service) if actor.role != Role.PERSON else None
    return [
        {"text": who or name_of(actor.user), "icon": True},
        {"text": "Sign out", "href": reverse("web:sign-out")},
    ]


def banner(request: HttpRequest, person: Person) -> Banner | None:
    """The banner for a page about `person` (read, and the read audited, by the view);
    none on the person's own pages."""
    actor = _actor(request)
    if actor is None or actor.role not in CLINICAL_ROLES or actor.service is None:
        return None
    return person_banner(actor, person)
