"""The API: thin handlers over `services/` and the pure core; errors as one line naming the field.

Access is the services' own (care relationship or consent); a refused attempt is audited
there and answered 404, and so is a record named in the URL that does not exist, so the API
never confirms that a record exists (no IDOR oracle).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import django_auth

from nowrongdoor.api.auth import BearerToken
from nowrongdoor.api.docs import SameOriginSwagger
from nowrongdoor.api.idempotency import IdempotentAPI
from nowrongdoor.api.routers import (
    clinical,
    coordination,
    core,
    episodes,
    figures,
    outcomes,
    people,
    referrals,
)
from nowrongdoor.errors import AccessDenied, Conflict, InputError

api = IdempotentAPI(  # every POST documents the Idempotency-Key header it honours
    title="nowrongdoor",
    version="1",
    description="Screen, assess and coordinate care for co-occurring mental health and "
    "alcohol/drug use conditions. Same use cases and access rules as the command line.",
    docs=SameOriginSwagger(),
    docs_url="/docs",
    auth=[BearerToken(), django_auth],
    urls_namespace="api",
)
for domain in (core, people, clinical, referrals, coordination, episodes, outcomes):
    api.add_router("", domain.router)
api.add_router("", figures.router)  # the area's figures (commissioners, service managers)


def _problem(request: HttpRequest, status: int, detail: str, field: str | None) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "field": field}, status=status)


def _names_unknown_url_record(request: HttpRequest, error: InputError) -> bool:
    """The use cases say `<record>: <id> not found`; for the record in the URL that is
    answered like a refusal, so probing ids tells nothing."""
    url_ids = request.resolver_match.kwargs if request.resolver_match else {}
    return f"{error.field}_id" in url_ids and str(error).endswith(" not found")


@api.exception_handler(InputError)
def _input_error(request: HttpRequest, error: InputError) -> HttpResponse:
    if _names_unknown_url_record(request, error):
        return _problem(request, 404, "not found", None)
    return _problem(request, 422, str(error), error.field)


@api.exception_handler(AccessDenied)
def _access_denied(request: HttpRequest, error: AccessDenied) -> HttpResponse:
    return _problem(request, 404, "not found", None)


@api.exception_handler(Conflict)
def _conflict(request: HttpRequest, error: Conflict) -> HttpResponse:
    return _problem(request, 409, str(error), getattr(error, "field", None))  # DuplicatePerson


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    return _problem(request, 401, "sign in, or send a bearer token", None)


@api.exception_handler(HttpError)
def _unreadable(request: HttpRequest, error: HttpError) -> HttpResponse:
    """Ninja's own 400 is a body that is not JSON: bad input, answered like any other."""
    if error.status_code == 400:
        return _problem(request, 422, "body: not valid JSON", "body")
    return _problem(request, error.status_code, str(error), None)


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, error: NinjaValidationError) -> HttpResponse:
    first = error.errors[0]
    where = ("body", "payload", "path", "query")
    location = [str(p) for p in first.get("loc", ()) if p not in where]
    field = ".".join(location) or "body"
    message = "unknown field" if first.get("type") == "extra_forbidden" else first.get("msg", "")
    return _problem(request, 422, f"{field}: {message}", field)
