"""Outcome pages: TOP interviews and their change, and Talking Therapies courses with the
session measures, the recovery chart and the course's results."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from nowrongdoor.errors import InputError
from nowrongdoor.records.outcomes.models import SessionMeasure
from nowrongdoor.services import outcomes
from nowrongdoor.services.actor import Actor
from nowrongdoor.services.people import read_person
from nowrongdoor.web import recovery_chart, top_form
from nowrongdoor.web.forms import Form
from nowrongdoor.web.pages import actor_of, signed_in
from nowrongdoor.web.typed import a_date, today, whole_number

RESULTS = (
    ("at_caseness_start", "At caseness at the first measure"),
    ("at_caseness_end", "At caseness at the last measure"),
    ("recovered", "Recovery"),
    ("reliable_improvement", "Reliable improvement"),
    ("reliable_recovery", "Reliable recovery"),
    ("reliable_deterioration", "Reliable deterioration"),
)
SESSION_KINDS = [("yes", "Treatment session"), ("no", "Assessment or review only")]


def results(outcome: dict[str, Any]) -> list[tuple[str, str]]:
    """A course's results in words; an unknown result says why it cannot be told."""
    rows = [
        (
            "Finished course (2 or more treatment sessions)",
            f"{'Yes' if outcome['finished'] else 'No'}: {outcome['treatment_sessions']} so far",
        )
    ]
    for key, label in RESULTS:
        value = outcome[key]
        if value is None:
            rows.append((label, "Cannot tell: " + outcome["reasons"][key]))
        else:
            rows.append((label, "Yes" if value else "No"))
    return rows


def _shown(value: object) -> str:
    if value is None:
        return "Not answered"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def _signed(change: object) -> str:
    if change is None:
        return ""
    text = str(change)
    return text if text.startswith("-") or not text.strip("0.") else "+" + text


def _changes(actor: Actor, earlier: int, later: int) -> list[dict[str, str]]:
    """Items answered on either record; those answered on neither would only be noise."""
    labels = top_form.labels()
    return [
        {
            "label": labels[str(row["field"])],
            "before": _shown(row["before"]),
            "after": _shown(row["after"]),
            "change": _signed(row["change"]),
            "direction": str(row["direction"] or row["reason"]),
        }
        for row in outcomes.top_change(actor, earlier, later)
        if row["before"] is not None or row["after"] is not None
    ]


def _overview(request: HttpRequest, person_id: int, start_form: Form) -> HttpResponse:
    actor = actor_of(request)
    person = read_person(actor, person_id)
    tops, courses = outcomes.person_outcomes(actor, person_id)
    context = {
        "person": person,
        "tops": tops,
        "stages": top_form.STAGES,
        "changes": _changes(actor, tops[0].pk, tops[-1].pk) if len(tops) > 1 else [],
        "courses": [(c, results(c.outcome)) for c in courses],
        "form": start_form,
    }
    status = 422 if start_form.errors else 200
    return render(request, "web/outcomes/overview.jinja", context, status=status)


@signed_in
def overview(request: HttpRequest, person_id: int) -> HttpResponse:
    """The person's TOP interviews and Talking Therapies courses, with links to each form."""
    return _overview(request, person_id, Form({"started": today()}))


@signed_in
@require_http_methods(["GET", "POST"])
def top(request: HttpRequest, person_id: int) -> HttpResponse:
    actor = actor_of(request)
    person = read_person(actor, person_id)
    if request.method == "POST":
        form = Form(request.POST)
        saved = form.attempt(
            lambda: outcomes.record_top(
                actor,
                person_id,
                form.value("stage"),
                top_form.answers_from(form),
                a_date(form, "date"),
            )
        )
        if saved is not None:
            messages.success(request, f"TOP recorded: {top_form.STAGES[saved.stage]}, {saved.date}")
            return redirect("web:outcomes", person_id)
    else:
        form = Form({"date": today()})
    context = {"person": person, "form": form, "groups": top_form.groups()}
    context["stages"] = list(top_form.STAGES.items())
    context["yes_no"] = top_form.YES_NO
    return render(request, "web/outcomes/top.jinja", context, status=422 if form.errors else 200)


@signed_in
@require_POST
def start_course(request: HttpRequest, person_id: int) -> HttpResponse:
    actor = actor_of(request)
    form = Form(request.POST)
    course = form.attempt(
        lambda: outcomes.start_course(actor, person_id, a_date(form, "started")),
        {"course": "started"},
    )
    if course is None:
        return _overview(request, person_id, form)
    messages.success(request, f"Course started on {course.started}")
    return redirect("web:course", course.pk)


def _course_page(
    request: HttpRequest,
    course_id: int,
    session_form: Form | None = None,
    end_form: Form | None = None,
) -> HttpResponse:
    actor = actor_of(request)
    record = outcomes.read_course(actor, course_id)
    numbers = [s.session_number for s in record.sessions]
    start = {
        "session_number": str(max(numbers, default=0) + 1),
        "date": today(),
        "is_treatment": "yes",
    }
    session_form = session_form or Form(start)
    end_form = end_form or Form({"ended": today()})
    context = {
        "course": record.course,
        "person": record.course.person,
        "sessions": record.sessions,
        "results": results(record.outcome),
        "chart": recovery_chart.draw(record.sessions) if record.sessions else None,
        "ours": record.course.service == actor.service,
        "session_form": session_form,
        "end_form": end_form,
        "session_kinds": SESSION_KINDS,
        "measures": [(m, recovery_chart.maximum(m.instrument)) for m in recovery_chart.MEASURES],
    }
    status = 422 if session_form.errors or end_form.errors else 200
    return render(request, "web/outcomes/course.jinja", context, status=status)


def _session(actor: Actor, form: Form, course_id: int) -> SessionMeasure:
    number = whole_number(form, "session_number")
    if number is None:
        raise InputError("session_number", "session_number: enter the session's number")
    return outcomes.record_session(
        actor,
        course_id,
        number,
        whole_number(form, "phq9_total"),
        whole_number(form, "gad7_total"),
        form.value("is_treatment") != "no",
        a_date(form, "date"),
    )


@signed_in
@require_http_methods(["GET", "POST"])
def course(request: HttpRequest, course_id: int) -> HttpResponse:
    """The course, its recovery chart and results; a session's measures are recorded here."""
    if request.method != "POST":
        return _course_page(request, course_id)
    form = Form(request.POST)
    if form.attempt(lambda: _session(actor_of(request), form, course_id)) is None:
        return _course_page(request, course_id, session_form=form)
    messages.success(request, f"Session {form.value('session_number')} recorded")
    return redirect(reverse("web:course", args=[course_id]) + "#sessions")


@signed_in
@require_POST
def end_course(request: HttpRequest, course_id: int) -> HttpResponse:
    form = Form(request.POST)
    ended = form.attempt(
        lambda: outcomes.end_course(actor_of(request), course_id, a_date(form, "ended")),
        {"course": "ended"},
    )
    if ended is None:
        return _course_page(request, course_id, end_form=form)
    messages.success(request, f"Course ended on {ended.ended}")
    return redirect("web:course", course_id)
