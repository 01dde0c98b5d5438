"""The person's own space: their recovery plan in their own words, who may see their
record (given and withdrawn per service, taking effect at once), questionnaires waiting
for them, and what is coming up (care plan review, recovery check-ups)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from nowrongdoor.errors import InputError
from nowrongdoor.records.care.models import ConsentState
from nowrongdoor.records.directory.models import Service
from nowrongdoor.records.people.models import Person
from nowrongdoor.services import access, consent, coordination, self_completion
from nowrongdoor.services.actor import Actor
from nowrongdoor.services.people import read_person
from nowrongdoor.web.forms import Form
from nowrongdoor.web.pages import actor_of, signed_in


def _own(actor: Actor) -> Person:
    """The signed-in person's own record (staff have no own space here)."""
    own = Person.objects.filter(user=actor.user).first()
    if own is None:
        raise Http404("no record of your own")
    return read_person(actor, own.pk, reason="own space")


def _coming_up(person: Person) -> list[dict[str, Any]]:
    today = timezone.localdate()
    found = [
        {"when": c.due, "what": f"Recovery check-up with {c.service.name}"}
        for c in person.check_ups.filter(done__isnull=True, due__gte=today).select_related(
            "service"
        )
    ]
    plan = coordination.current_care_plan(person)
    if plan is not None and plan.next_review >= today:
        found.append({"when": plan.next_review, "what": "Review of your care plan"})
    return sorted(found, key=lambda item: item["when"])


def _sharing(person: Person) -> list[dict[str, Any]]:
    return [
        {"service": s, "shared": access.sharing_ground(person.pk, s.pk) is not None}
        for s in Service.objects.order_by("name")
    ]


def _page(request: HttpRequest, goal: Form | None = None) -> HttpResponse:
    actor = actor_of(request)
    person = _own(actor)
    context = {
        "person": person,
        "goals": person.recovery_goals.order_by("created_at"),
        "goal_form": goal or Form(),
        "sharing": _sharing(person),
        "questionnaires": self_completion.open_links(actor),
        "coming_up": _coming_up(person),
    }
    return render(request, "web/me.jinja", context, status=422 if goal and goal.errors else 200)


@signed_in
def me(request: HttpRequest) -> HttpResponse:
    return _page(request)


@signed_in
@require_POST
def add_goal(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    person = _own(actor)
    form = Form(request.POST)
    if form.attempt(
        lambda: coordination.add_recovery_goal(actor, person.pk, form.value("in_their_words")),
        fields={"in_their_words": "in_their_words"},
    ):
        messages.success(request, "Your goal was added to your recovery plan")
        return redirect("web:me")
    return _page(request, goal=form)


@signed_in
@require_POST
def share(request: HttpRequest) -> HttpResponse:
    """Give or withdraw consent for one service; withdrawal takes effect at once."""
    actor = actor_of(request)
    person = _own(actor)
    chosen = request.POST.get("service", "")
    state = request.POST.get("state", "")
    if not chosen.isdigit():
        raise InputError("service", "service: choose a service")
    if state not in (ConsentState.GIVEN, ConsentState.WITHDRAWN):
        raise InputError("state", "state: give or withdraw")
    decision = consent.record_consent(actor, person.pk, int(chosen), state)
    word = "can now see" if state == ConsentState.GIVEN else "can no longer see"
    messages.success(request, f"{decision.recipient.name} {word} your record")
    return redirect("web:me")
