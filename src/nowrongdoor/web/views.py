"""Sign-in, the role-aware home (caseload) and a person's record; each reads through
`services/`, so access rules and audit are the same as the API's."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from nowrongdoor.records.care.models import Consent
from nowrongdoor.records.coordination.models import WithheldReason
from nowrongdoor.records.directory.models import Role
from nowrongdoor.services.access import Sight
from nowrongdoor.services.caseload import caseload
from nowrongdoor.services.coordination import current_care_plan, current_coordinator
from nowrongdoor.services.dashboard import MAY_SEE
from nowrongdoor.services.people import read_record
from nowrongdoor.services.risk import risk_flags
from nowrongdoor.services.staff import staff_label
from nowrongdoor.web.forms import Form
from nowrongdoor.web.pages import actor_of, signed_in


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
    """Role-aware: the person goes to their own space, a commissioner to the area's figures,
    staff to their service's caseload."""
    actor = actor_of(request)
    if actor.role == Role.PERSON:
        return redirect("web:me")
    if actor.role == Role.COMMISSIONER:
        return redirect("web:dashboard")
    if actor.service is None:
        return render(request, "web/no_records.jinja", {"role": actor.role})
    context = {
        "caseload": caseload(actor),
        "service_name": actor.service.name,
        "sees_figures": actor.role in MAY_SEE,
    }
    return render(request, "web/caseload.jinja", context)


def _timeline(sight: Sight) -> list[dict[str, Any]]:
    """Every contact the actor sees, newest first: what happened, where, and where to read
    more."""
    person = sight.person
    events: list[dict[str, Any]] = []
    for s in sight.rows(person.screenings.select_related("service")):
        events.append(
            {
                "at": s.recorded_at,
                "service": s.service.name,
                "text": f"Screened: {s.instrument.upper()} {s.total:g} ({s.band})",
            }
        )
    for a in sight.rows(person.assessments.select_related("service")):
        status = a.output["iapt_suitability"]["status"]
        events.append(
            {
                "at": a.recorded_at,
                "service": a.service.name,
                "text": f"Assessed ({status.replace('-', ' ')})",
                "href": reverse("web:assessment", args=[a.pk]),
            }
        )
    for r in sight.rows(person.referrals.select_related("from_service", "to_service")):
        outcome = (
            f"; declined, route: {r.alternative_route}" if r.alternative_route else f" ({r.status})"
        )
        events.append(
            {
                "at": r.sent_at,
                "service": r.from_service.name,
                "text": f"Referred to {r.to_service.name}{outcome}",
            }
        )
    for n in sight.rows(person.case_notes.select_related("service", "author")):
        events.append(
            {
                "at": n.created_at,
                "service": n.service.name,
                "text": f"Case note by {staff_label(n.author, n.service)}: {n.text}",
                "withheld": n.get_withheld_reason_display() if n.not_for_person else "",
            }
        )
    return sorted(events, key=lambda e: e["at"], reverse=True)


def _consents(sight: Sight) -> list[dict[str, Any]]:
    latest: dict[int, Consent] = {}
    for decision in sight.rows(sight.person.consents.select_related("recipient")).order_by("pk"):
        latest[decision.recipient_id] = decision
    return [{"service": c.recipient.name, "decision": c} for c in latest.values()]


def person_page(request: HttpRequest, person_id: int, note: Form | None = None) -> HttpResponse:
    """A person's record, risk first; `note` is a case note that failed, shown with its error."""
    actor = actor_of(request)
    sight = read_record(actor, person_id)
    record = sight.person
    plan = current_care_plan(record)
    context = {
        "person": record,
        "sight": sight,
        "service_name": actor.service.name if actor.service else "",
        "risk_flags": risk_flags(record, sight),
        "consents": _consents(sight),
        "episodes": sight.rows(record.episodes.select_related("service")).order_by(
            "-referral_received"
        ),
        "coordinator": current_coordinator(record),  # every service caring for them sees it
        "timeline": _timeline(sight),
        # A plan last changed by a service this one may not see: said, never shown.
        "plan": plan if plan and sight.sees(plan) else None,
        "plan_elsewhere": plan is not None and not sight.sees(plan),
        "goals": sight.rows(record.recovery_goals.all()).order_by("created_at"),
        "withheld_reasons": WithheldReason.choices,
        "note": note or Form(),
    }
    status = 422 if note is not None and note.errors else 200
    return render(request, "web/person.jinja", context, status=status)


@signed_in
def person(request: HttpRequest, person_id: int) -> HttpResponse:
    """A person's record; 404 where the user may not see it (and the attempt is audited)."""
    return person_page(request, person_id)
