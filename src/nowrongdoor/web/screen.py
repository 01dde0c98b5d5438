"""Screening pages: any instrument, drawn from its Questionnaire data and scored on submit;
and the single-use link a person opens on their own phone to answer one themselves."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from nowrongdoor.errors import InputError
from nowrongdoor.guidance import instruments
from nowrongdoor.guidance.questionnaire import Instrument
from nowrongdoor.records.clinical.models import Screening
from nowrongdoor.services import clinical, self_completion
from nowrongdoor.services.people import read_person
from nowrongdoor.web.forms import Form
from nowrongdoor.web.pages import actor_of, signed_in


def answers_from(form: Form, loaded: Instrument) -> list[int]:
    """Answers in question order, up to the first left blank (an early stop may end there)."""
    answers: list[int] = []
    for number, item in enumerate(loaded.items, start=1):
        chosen = form.value(f"answers.{number}")
        if chosen == "":
            break
        if not chosen.isdigit() or int(chosen) >= len(item.options):
            raise InputError(f"answers.{number}", f"answers.{number}: choose one of the answers")
        answers.append(int(chosen))
    return answers


def submit(
    form: Form, loaded: Instrument, save: Callable[[list[int]], Screening]
) -> Screening | None:
    """Score and save; too few answers points at the first question left blank."""

    def run() -> Screening:
        answers = answers_from(form, loaded)
        try:
            return save(answers)
        except InputError as error:
            if error.field != "answers":
                raise
            number = len(answers) + 1
            raise InputError(
                f"answers.{number}", f"answers.{number}: answer this question"
            ) from None

    return form.attempt(run)


def _questions(loaded: Instrument) -> list[dict[str, Any]]:
    return [
        {
            "name": f"answers.{number}",
            "text": item.text,
            "options": [
                (str(i), o.coding.display or o.coding.code) for i, o in enumerate(item.options)
            ],
        }
        for number, item in enumerate(loaded.items, start=1)
    ]


def _questionnaire(
    request: HttpRequest, loaded: Instrument, form: Form, heading: str, **extra: Any
) -> HttpResponse:
    context = {"instrument": loaded, "questions": _questions(loaded), "form": form}
    context.update(heading=heading, **extra)
    return render(request, "web/questionnaire.jinja", context, status=422 if form.errors else 200)


@signed_in
def choose(request: HttpRequest, person_id: int) -> HttpResponse:
    """Which instrument to use, or a link for the person to answer it on their phone."""
    person = read_person(actor_of(request), person_id)
    shipped = [(name, instruments.load(name).title) for name in instruments.names()]
    return render(request, "web/screen_choose.jinja", {"person": person, "instruments": shipped})


@signed_in
@require_http_methods(["GET", "POST"])
def screen(request: HttpRequest, person_id: int, instrument: str) -> HttpResponse:
    actor = actor_of(request)
    loaded = instruments.load(instrument)
    person = read_person(actor, person_id)
    form = Form(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        saved = submit(
            form,
            loaded,
            lambda answers: clinical.record_screening(actor, person_id, instrument, answers),
        )
        if saved is not None:
            messages.success(request, f"{loaded.title}: {saved.total:g} ({saved.band})")
            return redirect(reverse("web:person", args=[person_id]) + "#screenings")
    return _questionnaire(request, loaded, form, f"{loaded.title} for {person}", person=person)


@signed_in
@require_http_methods(["POST"])
def make_link(request: HttpRequest, person_id: int) -> HttpResponse:
    """A single-use link for the person; the address is shown once, here."""
    actor = actor_of(request)
    person = read_person(actor, person_id)
    link, token = self_completion.create_link(actor, person_id, request.POST.get("instrument", ""))
    address = request.build_absolute_uri(reverse("web:self-complete", args=[token]))
    return render(
        request, "web/screen_link.jinja", {"person": person, "link": link, "address": address}
    )


@require_http_methods(["GET", "POST"])
def self_complete(request: HttpRequest, token: str) -> HttpResponse:
    """The person's own link: no sign-in, no name shown, spent when answered."""
    try:
        link = self_completion.link_for_token(token)
    except InputError as error:
        return render(
            request, "web/self_done.jinja", {"problem": str(error).partition(": ")[2]}, status=410
        )
    loaded = instruments.load(link.instrument)
    form = Form(request.POST if request.method == "POST" else None)
    if request.method == "POST" and submit(
        form, loaded, lambda answers: self_completion.answer(link, answers)
    ):
        return render(request, "web/self_done.jinja", {"problem": ""})
    return _questionnaire(request, loaded, form, loaded.title, service=link.service)


@signed_in
@require_http_methods(["GET", "POST"])
def my_questionnaire(request: HttpRequest, link_id: int) -> HttpResponse:
    """A questionnaire waiting in the person's own space."""
    actor = actor_of(request)
    link = self_completion.link_of_person(actor, link_id)
    loaded = instruments.load(link.instrument)
    form = Form(request.POST if request.method == "POST" else None)
    if request.method == "POST" and submit(
        form, loaded, lambda answers: self_completion.answer(link, answers, by=actor)
    ):
        messages.success(request, f"Thank you: your answers to {loaded.title} were sent")
        return redirect("web:me")
    return _questionnaire(request, loaded, form, loaded.title, service=link.service)
