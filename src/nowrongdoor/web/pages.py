"""What every signed-in page shares: who is acting, and a refused record shown as 404.

A page never says whether a record it refuses exists (the refusal is audited by the use
case), the same as the API.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from nowrongdoor.errors import AccessDenied, InputError
from nowrongdoor.services.actor import Actor

View = Callable[..., HttpResponse]
# An unknown record id in the address: answered like a refused one, "not found".
NOT_FOUND = frozenset({"person", "referral", "assessment", "link", "course", "episode", "goal"})


def actor_of(request: HttpRequest) -> Actor:
    assert isinstance(request.user, User)
    return Actor.of(request.user)


def signed_in(view: View) -> View:
    """Sign-in required; a refused or unknown record is 'not found', a tampered field 400."""

    @login_required
    @wraps(view)
    def page(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except AccessDenied:
            raise Http404("not found") from None
        except InputError as error:
            if error.field in NOT_FOUND:
                raise Http404("not found") from None
            # Only a tampered request gets here: every form catches its own fields' errors.
            return render(request, "web/problem.jinja", {"problem": str(error)}, status=400)

    return page
