"""Referral pages: refer with the person's consent; the receiving service accepts, or
declines only by naming the route that can help (no wrong door applies to services too)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from nowrongdoor.errors import InputError
from nowrongdoor.records.care.models import ConsentState
from nowrongdoor.records.directory.models import Service
from nowrongdoor.records.referrals.models import ActionKind, Referral
from nowrongdoor.services import access, clinical, consent, referrals
from nowrongdoor.services.actor import Actor
from nowrongdoor.services.people import read_person
from nowrongdoor.web.forms import Form
from nowrongdoor.web.pages import actor_of, signed_in


def _send(actor: Actor, form: Form, person_id: int) -> Referral:
    """Consent first (if the person gave it just now), then the referral, then the action.

    Each is its own audited use case: a consent the person gave stands even if the
    referral is then refused, since the decision itself was real.
    """
    to_service = form.value("to_service")
    if not to_service.isdigit():
        raise InputError("to_service", "to_service: choose the service to refer to")
    service_id = int(to_service)
    if form.value("consent") == "given":
        # Both services, so the referrer can follow the referral up once its own care ends.
        assert actor.service is not None
        for sharing_with in (service_id, actor.service.pk):
            if access.sharing_ground(person_id, sharing_with) is None:
                consent.record_consent(actor, person_id, sharing_with, ConsentState.GIVEN)
    referral = referrals.refer(
        actor, person_id, service_id, form.value("reason"), form.value("code")
    )
    assessment = form.value("assessment")
    if assessment.isdigit() and form.value("code"):
        referrals.act_on_recommendation(
            actor,
            int(assessment),
            form.value("code"),
            ActionKind.REFERRED,
            f"referred to {referral.to_service.name}",
            referral.pk,
        )
    return referral


@signed_in
@require_http_methods(["GET", "POST"])
def refer(request: HttpRequest, person_id: int) -> HttpResponse:
    actor = actor_of(request)
    person = read_person(actor, person_id)
    if request.method == "POST":
        form = Form(request.POST)
        sent = form.attempt(lambda: _send(actor, form, person_id))
        if sent is not None:
            messages.success(request, f"Referred to {sent.to_service.name}")
            return redirect("web:person", person_id)
    else:
        start = {
            "assessment": request.GET.get("assessment", ""),
            "code": request.GET.get("code", ""),
        }
        if start["assessment"].isdigit() and start["code"]:
            found = clinical.read_assessment(actor, int(start["assessment"]))
            texts = {r["code"]: r["text"] for r in found.output["recommendations"]}
            start["reason"] = texts.get(start["code"], "")
        form = Form(start)
    services = Service.objects.exclude(pk=actor.service.pk) if actor.service else Service.objects
    services = services.order_by("name")
    context = {
        "person": person,
        "form": form,
        "services": [
            (
                str(s.pk),
                s.name + (" (consent recorded)" if access.sharing_ground(person_id, s.pk) else ""),
            )
            for s in services
        ],
    }
    return render(request, "web/refer.jinja", context, status=422 if form.errors else 200)


@signed_in
@require_http_methods(["GET", "POST"])
def decide(request: HttpRequest, referral_id: int) -> HttpResponse:
    """Accept, or decline with the alternative route; only the receiving service decides."""
    actor = actor_of(request)
    referral = referrals.read_incoming(actor, referral_id)
    form = Form(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.value("decision") == "accept":
            episode = form.attempt(lambda: referrals.accept(actor, referral_id))
            if episode is not None:
                messages.success(request, f"Accepted: {referral.person} is in your care")
                return redirect("web:person", referral.person_id)
        elif form.value("decision") == "decline":
            declined = form.attempt(
                lambda: referrals.decline(actor, referral_id, form.value("alternative_route"))
            )
            if declined is not None:
                messages.success(request, f"Declined, with the route: {declined.alternative_route}")
                return redirect("web:home")
        else:
            form.fail("decision", "choose accept or decline")
    return render(
        request,
        "web/referral.jinja",
        {"referral": referral, "form": form},
        status=422 if form.errors else 200,
    )
