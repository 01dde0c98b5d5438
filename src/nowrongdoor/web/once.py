"""Forms that never save twice. Every form the `csrf()` macro draws carries a key of its own
(`idempotency_key`); a submit that saved something (answered with a redirect) keeps its key
with where it went, in the same transaction (services/once.py). The same form sent again,
by a double click or after the back button, saves nothing and gets the "already saved" page,
which links to what was saved.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from ninja.utils import check_csrf

from nowrongdoor.records.idempotency.models import IdempotencyKey
from nowrongdoor.services import once

FIELD = "idempotency_key"
NOT_FORMS = ("/api/", "/fhir/")  # the API honours its own header (api/idempotency.py)
# `<page key>.<n>`: the page key is drawn once per page, n counts the forms on it.
KEY = re.compile(r"(?P<page>[A-Za-z0-9_-]{22})\.(?P<n>[1-9][0-9]{0,3})")
NOT_KEYED = ("csrfmiddlewaretoken", FIELD)
SENT_ON = (301, 302, 303)
LONGEST_PATH = 900


def form_key(request: Any) -> str:
    """The key for the next form drawn on this page: `<page key>.<n>` for the n-th form.

    A page drawn again after a failed submit keeps the page key it was sent with, so each of
    its forms keeps its key (the same page draws the same forms in the same order) and the
    corrected submit still saves once, however often the back button is pressed after.
    """
    if not isinstance(request, HttpRequest):
        return f"{secrets.token_urlsafe(16)}.1"
    drawn: list[Any] | None = getattr(request, "_form_keys", None)
    if drawn is None:
        posted = KEY.fullmatch(request.POST.get(FIELD, "")) if request.method == "POST" else None
        drawn = [posted["page"] if posted else secrets.token_urlsafe(16), 0]
        request._form_keys = drawn  # type: ignore[attr-defined]
    drawn[1] += 1
    return f"{drawn[0]}.{drawn[1]}"


def _submit(request: HttpRequest) -> once.Submit | None:
    """The submit a POST to a page is, if it carries a key and someone is signed in."""
    if request.method != "POST" or request.path.startswith(NOT_FORMS):
        return None
    if len(request.path) > LONGEST_PATH:
        return None  # no form of ours is sent there (the scope column holds 1,000)
    key = request.POST.get(FIELD, "")
    user = request.user
    if not key or not user.is_authenticated:
        return None  # a form drawn before keys, or the sign-in and self-completion pages
    fields = sorted(
        (name, values) for name, values in request.POST.lists() if name not in NOT_KEYED
    )
    sent = once.digest(*(part for name, values in fields for part in (name, *values)))
    return once.Submit(user, f"web {request.path}", key, sent)


def _sent_on(response: HttpResponse) -> once.Answer | None:
    """A page's submit saved something when it sends the browser on (post, redirect, get)."""
    if response.status_code in SENT_ON and response.has_header("Location"):
        return once.Answer(location=response["Location"])
    return None


def already_saved(request: HttpRequest, submit: once.Submit, first: IdempotencyKey) -> HttpResponse:
    """What a repeat is shown: saved once, when, a link to it, and that nothing more was."""
    refused = check_csrf(request)
    if refused is not None:
        return refused
    once.repeat(submit.user, first)
    context = {
        "location": first.location,
        "saved_at": timezone.localtime(first.created_at),
        "changed": first.request_sha256 != submit.request_sha256,
    }
    response = render(request, "web/already_saved.jinja", context)
    if request.headers.get("HX-Request"):
        # A form htmx sent: the message replaces the page's main content, not the fragment.
        response["HX-Retarget"] = response["HX-Reselect"] = "#maincontent"
        response["HX-Reswap"] = "outerHTML"
    return response


class FormsSaveOnce:
    """Middleware: each keyed page submit runs through `services.once.run_once`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        submit = _submit(request)
        if submit is None:
            return self.get_response(request)
        if not KEY.fullmatch(submit.key):
            problem = f"{FIELD}: not a key this form was drawn with; open the form again"
            return render(request, "web/problem.jinja", {"problem": problem}, status=400)
        outcome = once.run_once(submit, lambda: self.get_response(request), _sent_on)
        if isinstance(outcome, IdempotencyKey):
            return already_saved(request, submit, outcome)
        return outcome
