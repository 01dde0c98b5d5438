"""Coordination pages: name or hand over the one care coordinator, edit the shared care
plan (PHE-COOC App5 §3 sections, every version kept, what changed), add case notes."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from nowrongdoor.errors import InputError
from nowrongdoor.records.coordination.models import (
    CARE_PLAN_SECTIONS,
    CoordinationBasis,
)
from nowrongdoor.records.directory.models import CLINICAL_ROLES, Membership
from nowrongdoor.services import access, coordination
from nowrongdoor.services.access import Sight
from nowrongdoor.services.actor import Actor
from nowrongdoor.services.staff import ROLE_WORDS, name_of, staff_label
from nowrongdoor.web.forms import Form
from nowrongdoor.web.pages import actor_of, signed_in
from nowrongdoor.web.typed import a_date
from nowrongdoor.web.views import person_page

SECTION_WORDS = {
    "needs": "Needs: physical health, social care and other support",
    "barriers_to_self_care": "Barriers to self-care",
    "crisis_plan": "Crisis plan, agreed with the person",
    "discharge_and_transition": "Discharge and transition",
    "recovery_capital_and_support": "Recovery capital and support",
    "other_behaviours": "Other behaviours affecting health",
    "wellbeing_activities": "Wellbeing activities",
}


def _candidates(sight: Sight) -> list[tuple[str, str]]:
    """Staff whose service may see the person: only they can be named (App5 §2). A service
    that sees only its own records is not told which other services are involved."""
    person = sight.person
    memberships = Membership.objects.filter(
        active=True, role__in=CLINICAL_ROLES, service__isnull=False
    )
    if sight.service_id is not None:
        memberships = memberships.filter(service_id=sight.service_id)
    found = []
    for membership in memberships.select_related("user", "service").order_by(
        "service__name", "user__last_name", "user__first_name", "user__pk"
    ):
        candidate = Actor(user=membership.user, role=membership.role, service=membership.service)
        if access.why_allowed(candidate, person) is not None:
            role = ROLE_WORDS.get(membership.role, membership.role)
            label = f"{name_of(membership.user)} ({role}, {membership.service})"
            found.append((str(membership.user.pk), label))
    return found


def _user_id(form: Form) -> int:
    chosen = form.value("coordinator")
    if not chosen.isdigit():
        raise InputError("coordinator", "coordinator: choose who will coordinate care")
    return int(chosen)


@signed_in
@require_http_methods(["GET", "POST"])
def coordinator(request: HttpRequest, person_id: int) -> HttpResponse:
    actor = actor_of(request)
    sight, current = coordination.read_coordinator(actor, person_id)
    person = sight.person
    form = Form(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if current is None:
            done = form.attempt(
                lambda: coordination.name_coordinator(
                    actor, person_id, _user_id(form), form.value("basis")
                )
            )
        else:
            done = form.attempt(
                lambda: coordination.hand_over(actor, person_id, _user_id(form), form.value("note"))
            )
        if done is not None:
            named = staff_label(done.coordinator, done.service)
            messages.success(request, f"{named} is the care coordinator")
            return redirect("web:person", person_id)
    context = {
        "person": person,
        "current": current,
        "form": form,
        "candidates": _candidates(sight),
        "bases": CoordinationBasis.choices,
    }
    return render(request, "web/coordinator.jinja", context, status=422 if form.errors else 200)


@signed_in
@require_http_methods(["GET", "POST"])
def care_plan(request: HttpRequest, person_id: int) -> HttpResponse:
    """The editor starts from the latest version; saving makes a new one (optimistic lock)."""
    actor = actor_of(request)
    sight, versions = coordination.read_care_plan(actor, person_id)
    person = sight.person
    latest = versions[0] if versions else None
    if request.method == "POST":
        form = Form(request.POST)
        expected = form.value("version")
        saved = form.attempt(
            lambda: coordination.revise_care_plan(
                actor,
                person_id,
                int(expected) if expected.isdigit() else -1,
                {s: form.value(f"sections.{s}") for s in CARE_PLAN_SECTIONS},
                a_date(form, "next_review"),
                form.value("agreed") == "yes",
            )
        )
        if saved is not None:
            messages.success(
                request, f"Care plan version {saved.number} saved: {saved.change_summary}"
            )
            return redirect(reverse("web:care-plan", args=[person_id]))
    else:
        start = {
            f"sections.{s}": (latest.sections.get(s, "") if latest else "")
            for s in CARE_PLAN_SECTIONS
        }
        start["version"] = str(latest.number if latest else 0)
        start["next_review"] = latest.next_review.isoformat() if latest else ""
        form = Form(start)
    context = {
        "person": person,
        "form": form,
        "sections": [(f"sections.{s}", SECTION_WORDS[s]) for s in CARE_PLAN_SECTIONS],
        "versions": versions,
    }
    return render(request, "web/care_plan.jinja", context, status=422 if form.errors else 200)


@signed_in
@require_POST
def add_note(request: HttpRequest, person_id: int) -> HttpResponse:
    """A case note from the person's page; a failed note comes back there with its text."""
    actor = actor_of(request)
    form = Form(request.POST)
    if form.attempt(
        lambda: coordination.add_case_note(
            actor,
            person_id,
            form.value("text"),
            form.value("withheld_reason"),
            form.value("withheld_detail"),
        )
    ):
        messages.success(request, "Case note added")
        return redirect(reverse("web:person", args=[person_id]) + "#notes")
    return person_page(request, person_id, form)


@signed_in
@require_POST
def review_goal(request: HttpRequest, goal_id: int) -> HttpResponse:
    """Review one of the person's goals with them today; their words stay as written."""
    actor = actor_of(request)
    achieved = request.POST.get("achieved")
    if achieved not in ("yes", "no"):
        raise InputError("achieved", "achieved: say whether the goal was achieved")
    goal = coordination.review_recovery_goal(
        actor, goal_id, achieved == "yes", timezone.localdate()
    )
    messages.success(request, "Goal reviewed")
    return redirect(reverse("web:person", args=[goal.person_id]) + "#recovery-plan")
