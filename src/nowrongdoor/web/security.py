"""A Content-Security-Policy with a per-request nonce for the one inline script the NHS.UK
page template needs (everything else comes from our own origin); and a session cookie that
cannot be a session key is dropped before anything asks the database for it."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

# What Django's session keys are made of (get_random_string over a-z0-9; the column holds 40).
SESSION_KEY = re.compile(r"[a-z0-9]{8,40}")

POLICY = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; "
    "img-src 'self' data:; font-src 'self' https://assets.nhs.uk; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


class ContentSecurityPolicy:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        nonce = secrets.token_urlsafe(16)
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", POLICY.format(nonce=nonce))
        return response


class SessionKeyGuard:
    """Forget a session cookie no session could have (a NUL byte in it is a server error on
    PostgreSQL): the request goes on as signed out. Before SessionMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        if key is not None and not SESSION_KEY.fullmatch(key):
            del request.COOKIES[settings.SESSION_COOKIE_NAME]
        return self.get_response(request)


def csp_nonce(request: HttpRequest) -> dict[str, Any]:
    """Template context: `cspNonce`, which the NHS.UK page template puts on its script."""
    return {"cspNonce": getattr(request, "csp_nonce", "")}
