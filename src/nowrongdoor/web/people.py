"""Finding a person, and adding one who is not yet recorded (after checking they are not).

Both go through `services.people`: the search sees only people the user's service may see
and is audited; adding refuses a second record for an NHS number, and asks the user to
check anyone of the same name and date of birth first (docs/decisions, "find and add").
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from nowrongdoor.errors import DuplicatePerson, InputError
from nowrongdoor.records.directory.models import CLINICAL_ROLES
from nowrongdoor.records.people.models import Person
from nowrongdoor.services.actor import Actor
from nowrongdoor.services.people import (
    Found,
    Search,
    possible_matches,
    register_person,
    search_people,
)
from nowrongdoor.web.forms import Form
from nowrongdoor.web.pages import actor_of, signed_in
from nowrongdoor.web.typed import a_date

SEARCH_FIELDS = ("q", "nhs_number", "birth_date")
# What the form asks (the rest of a person's details are added on their record).
PERSON_FIELDS = ("given_name", "family_name", "date_of_birth", "nhs_number", "phone", "email")
REQUIRED = {"given_name": "Enter their given name", "family_name": "Enter their family name"}


def _may_find(actor: Actor) -> bool:
    return actor.role in CLINICAL_ROLES and actor.service is not None


@signed_in
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Search by name, NHS number or date of birth; a search is made once the form is sent."""
    actor = actor_of(request)
    form = Form(request.GET)
    result: Search | None = None
    if _may_find(actor) and any(name in request.GET for name in SEARCH_FIELDS):
        result = form.attempt(
            lambda: search_people(
                actor,
                q=form.value("q"),
                nhs_number=form.value("nhs_number"),
                birth_date=form.value("birth_date").strip() or None,
            )
        )
    context = {"form": form, "result": result, "may_find": _may_find(actor)}
    return render(request, "web/people/search.jinja", context, status=422 if form.errors else 200)


def _details(form: Form) -> dict[str, Any]:
    details: dict[str, Any] = {}
    for name in PERSON_FIELDS:
        typed = form.value(name).strip()
        if typed and name != "date_of_birth":
            details[name] = typed
    for name, message in REQUIRED.items():
        if name not in details:
            raise InputError(name, f"{name}: {message}")
    if form.value("date_of_birth").strip():
        details["date_of_birth"] = a_date(form, "date_of_birth")
    return details


def _refusal(form: Form, refused: DuplicatePerson, matches: list[Found]) -> None:
    """The refusal beside its field, in words; a record the user may not see is not named."""
    if refused.field == "nhs_number":
        if matches:
            form.fail(
                "nhs_number",
                f"This NHS number is already recorded for {matches[0].person}. A person has "
                "one record: open theirs below instead of adding another",
            )
        else:
            form.fail(
                "nhs_number",
                "This NHS number is already recorded for someone whose record your service "
                "cannot see. A person has one record: check the number, or ask the service "
                "caring for them to refer them to yours",
            )
    else:
        form.fail(
            "confirmed_different",
            "Someone with this name and date of birth is already recorded. Open their record "
            "if it is them, or confirm this is a different person",
        )


@signed_in
@require_http_methods(["GET", "POST"])
def add(request: HttpRequest) -> HttpResponse:
    """Add a person referred to the user's service; possible duplicates are shown first."""
    actor = actor_of(request)
    form = Form(request.POST if request.method == "POST" else None)
    matches: list[Found] = []
    if request.method == "POST" and _may_find(actor):
        confirmed = form.value("confirmed_different") == "yes"
        person: Person | None = None
        try:
            person = register_person(actor, _details(form), confirmed_different=confirmed)
        except InputError as error:
            form.fail_with(error)
        except DuplicatePerson as refused:
            matches = possible_matches(actor, refused.matches) if refused.matches else []
            _refusal(form, refused, matches)
        if person is not None:
            assert actor.service is not None
            messages.success(request, f"{person} added: referral received by {actor.service}")
            return redirect("web:person", person.pk)
    context = {
        "form": form,
        "matches": matches,
        "asks_confirmation": "confirmed_different" in form.errors
        or form.value("confirmed_different") == "yes",
        "may_find": _may_find(actor),
        "service_name": actor.service.name if actor.service else "",
    }
    return render(request, "web/people/new.jinja", context, status=422 if form.errors else 200)
