"""Assessment pages: the case form, then the recommendations with why and source, urgent
first, each with what was offered, accepted, declined or referred.

"Not initially suitable" is never shown alone: the recommendations it rests on (the route
that is suitable) are shown with it, each with a way to refer (no wrong door).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from nowrongdoor.guidance.schemas import COORDINATOR_WORDS
from nowrongdoor.records.people.models import Person
from nowrongdoor.records.referrals.models import ActionKind
from nowrongdoor.services import clinical, referrals
from nowrongdoor.services.people import read_record
from nowrongdoor.web import case_form
from nowrongdoor.web.forms import Form
from nowrongdoor.web.pages import actor_of, signed_in

STATUS_WORDS = {
    "suitable": "Suitable for NHS Talking Therapies",
    "not-initially-suitable": "Not initially suitable for NHS Talking Therapies",
    "needs-assessment": "Talking Therapies suitability needs more information",
    "not-applicable": "",
}


def _age(person: Person) -> str:
    born = person.date_of_birth
    if born is None:
        return ""
    today = timezone.localdate()
    return str(today.year - born.year - ((today.month, today.day) < (born.month, born.day)))


@signed_in
@require_http_methods(["GET", "POST"])
def assess(request: HttpRequest, person_id: int) -> HttpResponse:
    actor = actor_of(request)
    sight = read_record(actor, person_id)
    person = sight.person
    screens = clinical.latest_screens(person, sight)  # only screenings the service sees
    setting = actor.service.setting if actor.service else ""
    if request.method == "POST":
        form = Form(request.POST)
        used = {
            name: screens[name].answers for name in form.values_of("screens") if name in screens
        }
        saved = form.attempt(
            lambda: clinical.record_assessment(
                actor, person_id, case_form.case_from(form, setting, used)
            )
        )
        if saved is not None:
            return redirect("web:assessment", saved.pk)
    else:
        form = Form({"age": _age(person), "contact": "first", "screens": list(screens)})
    context = {
        "person": person,
        "form": form,
        "sections": case_form.sections(),
        "screens": [
            (name, f"{s.instrument.upper()} {s.total:g} ({s.band}), {s.recorded_at:%d %b %Y}")
            for name, s in screens.items()
        ],
    }
    return render(request, "web/assess.jinja", context, status=422 if form.errors else 200)


@signed_in
@require_http_methods(["GET", "POST"])
def assessment(request: HttpRequest, assessment_id: int) -> HttpResponse:
    actor = actor_of(request)
    found = clinical.read_assessment(actor, assessment_id)
    form = Form(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        code = form.value("code")
        done = form.attempt(
            lambda: referrals.act_on_recommendation(
                actor, assessment_id, code, form.value(f"kind.{code}"), form.value(f"note.{code}")
            ),
            fields={"kind": f"kind.{code}", "note": f"note.{code}"},
        )
        if done is not None:
            return redirect(reverse("web:assessment", args=[assessment_id]) + f"#{code}")
    output = found.output
    suitability = output["iapt_suitability"]
    actions: dict[str, list[Any]] = {}
    for action in found.actions.order_by("recorded_at"):
        actions.setdefault(action.code, []).append(action)
    context = {
        "assessment": found,
        "person": found.person,
        "status": STATUS_WORDS[suitability["status"]],
        "not_suitable": suitability["status"] == "not-initially-suitable",
        "route": [r for r in output["recommendations"] if r["code"] in suitability["because"]],
        "recommendations": output["recommendations"],  # urgent first, as the engine orders them
        "coordination": output.get("care_coordination"),
        "coordinator_words": COORDINATOR_WORDS,
        "actions": actions,
        "kinds": [(k, k.capitalize()) for k in ActionKind.values if k != ActionKind.REFERRED],
        "form": form,
    }
    return render(request, "web/assessment.jinja", context, status=422 if form.errors else 200)
