"""The person's own space: their care plan as agreed with them, their recovery goals in
their own words, what is coming up, who can see their record and how much (given and
withdrawn per service, taking effect at once), who has looked at it, questionnaires waiting
for them, and their record to print or download (UK-ALC 2.2.4, 2.2.5; decision 0018)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from nowrongdoor.errors import InputError
from nowrongdoor.records.care.models import ConsentState
from nowrongdoor.records.people.models import Person
from nowrongdoor.services import consent, coordination, exchange, own_space, self_completion
from nowrongdoor.services.actor import Actor
from nowrongdoor.services.people import read_record
from nowrongdoor.web.forms import Form
from nowrongdoor.web.pages import actor_of, signed_in


def _own_id(actor: Actor) -> int:
    """The signed-in person's own record (staff have no own space here)."""
    own = Person.objects.filter(user=actor.user).values_list("pk", flat=True).first()
    if own is None:
        raise Http404("no record of your own")
    return own


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


def _page(request: HttpRequest, goal: Form | None = None) -> HttpResponse:
    actor = actor_of(request)
    sight = read_record(actor, _own_id(actor), reason="own space")
    person = sight.person
    context = {
        "person": person,
        "plan": own_space.agreed_plan(person),
        "goals": sight.rows(person.recovery_goals.all()).order_by("created_at"),
        "goal_form": goal or Form(),
        "sharing": own_space.what_they_see(person),
        "questionnaires": self_completion.open_links(actor),
        "coming_up": _coming_up(person),
        "looks": own_space.who_looked(actor, person.pk),
    }
    return render(request, "web/me.jinja", context, status=422 if goal and goal.errors else 200)


@signed_in
def me(request: HttpRequest) -> HttpResponse:
    return _page(request)


@signed_in
@require_POST
def add_goal(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    person_id = _own_id(actor)
    form = Form(request.POST)
    if form.attempt(
        lambda: coordination.add_recovery_goal(actor, person_id, form.value("in_their_words")),
        fields={"in_their_words": "in_their_words"},
    ):
        messages.success(request, "Your goal was added to your recovery plan")
        return redirect("web:me")
    return _page(request, goal=form)


@signed_in
@require_POST
def share(request: HttpRequest) -> HttpResponse:
    """Give or withdraw consent for one service; withdrawal takes effect at once, and its
    open questionnaires are cancelled. The message says what the service now sees."""
    actor = actor_of(request)
    person_id = _own_id(actor)
    chosen = request.POST.get("service", "")
    state = request.POST.get("state", "")
    if not chosen.isdigit():
        raise InputError("service", "service: choose a service")
    if state not in (ConsentState.GIVEN, ConsentState.WITHDRAWN):
        raise InputError("state", "state: give or withdraw")
    decision = consent.decide(actor, person_id, int(chosen), state)
    now = next(
        s
        for s in own_space.what_they_see(decision.consent.person)
        if s.service.pk == decision.consent.recipient_id
    )
    messages.success(request, own_space.sharing_message(now))
    if decision.links_cancelled:
        count = decision.links_cancelled
        messages.success(
            request,
            f"{count} questionnaire{'s' if count > 1 else ''} from {now.service.name} "
            f"{'were' if count > 1 else 'was'} cancelled",
        )
    return redirect("web:me")


@signed_in
def my_record(request: HttpRequest) -> HttpResponse:
    """The person's record as they may see it, on one page to read or print."""
    actor = actor_of(request)
    record = own_space.own_record(actor, _own_id(actor))
    context = {
        "record": record,
        "person": record.person,
        "words": own_space.PLAN_WORDS,
        "today": timezone.localdate(),
    }
    return render(request, "web/my_record.jinja", context)


@signed_in
def my_record_download(request: HttpRequest) -> HttpResponse:
    """The person's record as a FHIR R4 Bundle (the export, as they may see it)."""
    actor = actor_of(request)
    bundle = exchange.export_person(actor, _own_id(actor))
    response = HttpResponse(
        json.dumps(bundle, indent=2), content_type="application/fhir+json; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="my-record.json"'
    return response
