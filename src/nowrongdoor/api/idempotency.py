"""The `Idempotency-Key` header, honoured on every POST of the API: a request sent again with
the same key (a retry after a timeout) gets the first response, status and body, with
`Idempotent-Replayed: true`, and nothing is saved again. The same key with another request
(path or body) is refused, 422 naming `Idempotency-Key`. Keys are kept 24 hours
(services/once.py); a response that saved nothing (4xx) gives its key back.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.utils import check_csrf

from nowrongdoor.api.auth import BearerToken
from nowrongdoor.records.idempotency.models import IdempotencyKey
from nowrongdoor.services import once

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
VALID = re.compile(r"[\x21-\x7e]{1,255}")  # visible ASCII, no spaces: a UUID, for example
PARAMETER = {
    "name": HEADER,
    "in": "header",
    "required": False,
    "description": (
        "Any unique value (a UUID, say) for this request. Sent again with the same key within "
        f"{once.KEEP_FOR.total_seconds() / 3600:g} hours, the request saves nothing and gets "
        f"the first response again (with `{REPLAYED}: true`); the same key with another path "
        "or body is refused (422). A response that saved nothing (4xx) frees the key."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": r"^[!-~]+$"},
}


class IdempotentAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document lists the `Idempotency-Key` header on every POST."""

    def get_openapi_schema(self, **kwargs: Any) -> OpenAPISchema:
        schema = super().get_openapi_schema(**kwargs)
        for operations in schema.get("paths", {}).values():
            post = operations.get("post")
            if post is not None:
                parameters = post.setdefault("parameters", [])
                if all(p.get("name") != HEADER for p in parameters):
                    parameters.append(dict(PARAMETER))
        return schema


def _problem(detail: str, status: int = 422) -> HttpResponse:
    return JsonResponse({"detail": detail, "field": HEADER}, status=status)


def _caller(request: HttpRequest) -> tuple[User | None, bool]:
    """Who sends the request, as the API will authenticate them (a bearer token, else the
    browser session), and whether by session (which needs a CSRF token)."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token:
        user = BearerToken().authenticate(request, token.strip())
        if isinstance(user, User):
            return user, False
    if request.user.is_authenticated and isinstance(request.user, User):
        return request.user, True
    return None, False


def _canonical(body: bytes) -> bytes:
    """The body as JSON with sorted keys, so spacing or key order is not another request."""
    try:
        parsed = json.loads(body)
    except ValueError:
        return body
    return json.dumps(parsed, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _saved(response: HttpResponse) -> once.Answer | None:
    if 200 <= response.status_code < 300:
        return once.Answer(status=response.status_code, body=response.content.decode("utf-8"))
    return None


class PostsSaveOnce:
    """Middleware: each API POST with an `Idempotency-Key` runs through `run_once`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if request.method != "POST" or not request.path.startswith("/api/") or key is None:
            return self.get_response(request)
        if not VALID.fullmatch(key):
            return _problem(f"{HEADER}: 1-255 visible ASCII characters, e.g. a UUID")
        user, by_session = _caller(request)
        if user is None:
            return self.get_response(request)  # answered 401 by the API
        sent = once.digest("POST", request.get_full_path(), _canonical(request.body))
        submit = once.Submit(user, "api", key, sent)
        outcome = once.run_once(submit, lambda: self.get_response(request), _saved)
        if not isinstance(outcome, IdempotencyKey):
            return outcome
        refused = check_csrf(request) if by_session else None
        if refused is not None:
            return refused
        if outcome.request_sha256 != sent:
            return _problem(
                f"{HEADER}: already used for another request (path or body); "
                "send a new key with a new request"
            )
        once.repeat(user, outcome)
        replay = HttpResponse(
            outcome.body,
            status=outcome.status or 200,
            content_type="application/json; charset=utf-8",
        )
        replay[REPLAYED] = "true"
        return replay
