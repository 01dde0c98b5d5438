"""Page views: each reads through `services/`, so access rules and audit are the same as the API."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from nowrongdoor.errors import AccessDenied
from nowrongdoor.records.care.models import EpisodeOfCare, EpisodeStatus
from nowrongdoor.records.clinical.models import Screening
from nowrongdoor.records.coordination.models import CareCoordinator
from nowrongdoor.services import audit, referrals
from nowrongdoor.services.actor import Actor
from nowrongdoor.services.people import read_person

RISK_FLAGS = {
    "self-harm-thoughts": (
        "thoughts of self-harm",
        "PHQ-9 item 9 was answered above 0: assess risk today.",
    ),
}


def _actor(request: HttpRequest) -> Actor:
    assert isinstance(request.user, User)
    return Actor.of(request.user)


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    error, username = "", ""
    if request.method == "POST":
        username = request.POST.get("username", "")
        user = authenticate(request, username=username, password=request.POST.get("password", ""))
        if user is not None:
            login(request, user)
            return redirect("web:home")
        error = "Enter a correct username and password"
    context = {"error": error, "username": username, "csrf_token": get_token(request)}
    return render(request, "web/sign_in.jinja", context, status=400 if error else 200)


def locked_out(
    request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """After repeated failures (django-axes): the sign-in page, with the reason beside the field."""
    context = {
        "error": "Too many failed attempts. Try again in 15 minutes.",
        "username": request.POST.get("username", ""),
        "csrf_token": get_token(request),
    }
    return render(request, "web/sign_in.jinja", context, status=429)


def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("web:sign-in")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The caseload: people with an open episode at my service, and referrals waiting."""
    actor = _actor(request)
    rows = []
    if actor.service is not None:
        episodes = (
            EpisodeOfCare.objects.filter(service=actor.service)
            .exclude(status=EpisodeStatus.DISCHARGED)
            .select_related("person")
            .order_by("referral_received")
        )
        for episode in episodes:
            flags = sorted(
                {
                    flag
                    for screening in Screening.objects.filter(person=episode.person)
                    for flag in screening.flags
                    if flag in RISK_FLAGS
                }
            )
            rows.append(
                {
                    "person": episode.person,
                    "status": episode.status,
                    "since": episode.referral_received,
                    "flags": flags,
                }
            )
        audit.record(actor, "caseload.read", reason=f"{len(rows)} people listed")
    waiting = referrals.inbox(actor)
    name = actor.service.name if actor.service else "no service"
    return render(
        request, "web/caseload.jinja", {"rows": rows, "referrals": waiting, "service_name": name}
    )


@login_required
def person(request: HttpRequest, person_id: int) -> HttpResponse:
    """A person's record; risk flags first. 404 where the user may not see it (audited)."""
    actor = _actor(request)
    try:
        record = read_person(actor, person_id)
    except AccessDenied:
        raise Http404("not found") from None
    screenings = list(Screening.objects.filter(person=record).order_by("-recorded_at"))
    flags = sorted({f for s in screenings for f in s.flags if f in RISK_FLAGS})
    coordinator = (
        CareCoordinator.objects.filter(person=record, ended__isnull=True)
        .select_related("coordinator")
        .first()
    )
    context = {
        "person": record,
        "risk_flags": [{"title": RISK_FLAGS[f][0], "detail": RISK_FLAGS[f][1]} for f in flags],
        "consents": record.consents.select_related("recipient").order_by("-pk"),
        "episodes": record.episodes.select_related("service"),
        "screenings": screenings,
        "coordinator": coordinator.coordinator.get_username() if coordinator else "",
    }
    return render(request, "web/person.jinja", context)
