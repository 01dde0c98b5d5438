"""The FHIR endpoints: plain Django views over `services.exchange`, GET only.

Authentication is the REST API's (a bearer token, else the session); access and audit are
the services' own. Bad input is a 400 naming the parameter, an unknown type a 404
(`not-supported`), a record the caller may not see the same 404 as one that does not exist.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from nowrongdoor.api.auth import BearerToken
from nowrongdoor.errors import AccessDenied, InputError
from nowrongdoor.fhir.capability import capability_statement, search_param
from nowrongdoor.fhir.outcome import Problem, fhir_response, not_found
from nowrongdoor.services import exchange
from nowrongdoor.services.actor import Actor

JSON = dict[str, Any]
View = Callable[..., JSON]

# Our ids are primary keys; 18 digits stay inside a 64-bit key whatever the database.
RECORD_ID = re.compile(r"[1-9][0-9]{0,17}")
PATIENT_REFERENCE = re.compile(rf"(?:Patient/)?({RECORD_ID.pattern})")
FORMATS = frozenset({"json", "application/json", "application/fhir+json"})
_bearer = BearerToken()


def endpoint(view: View) -> Callable[..., HttpResponse]:
    """GET only, JSON only; a `Problem` becomes its OperationOutcome."""

    @csrf_exempt  # nothing here changes anything, and other methods are refused below
    @wraps(view)
    def answer(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            if request.method != "GET":
                raise Problem(
                    405,
                    "not-supported",
                    f"{request.method}: this server is read-only",
                    headers={"Allow": "GET"},
                )
            wanted = request.GET.get("_format")
            if wanted is not None and wanted not in FORMATS:
                raise Problem(400, "not-supported", "_format: only json", "_format")
            return fhir_response(view(request, *args, **kwargs))
        except Problem as problem:
            return problem.response()

    return answer


def _actor(request: HttpRequest) -> Actor:
    """A bearer token first (other systems), else the signed-in session (the browser)."""
    user = _bearer(request) or request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise Problem(
            401,
            "login",
            "sign in, or send a bearer token",
            headers={"WWW-Authenticate": 'Bearer realm="fhir"'},
        )
    return Actor.of(user)


def _kind(name: str) -> str:
    if name not in exchange.KINDS:
        raise Problem(404, "not-supported", f"{name}: not a resource type served here")
    return name


def _ids(request: HttpRequest) -> exchange.ServerIds:
    base = request.build_absolute_uri(reverse("fhir:metadata")).removesuffix("/metadata")
    return exchange.ServerIds(base)


def _person_id(query: QueryDict, kind: str) -> int:
    """The one person a search is about, from its one parameter (`patient` or `_id`)."""
    name = search_param(kind).name
    unknown = sorted(set(query) - {name, "_format"})
    if unknown:
        raise Problem(
            400,
            "not-supported",
            f"{unknown[0]}: not a search parameter of {kind}; search by {name}",
            unknown[0],
        )
    values = query.getlist(name)
    if not values:
        raise Problem(400, "required", f"{name}: required (search is by one patient)", name)
    match = PATIENT_REFERENCE.fullmatch(values[0]) if len(values) == 1 else None
    if match is None:
        raise Problem(400, "value", f"{name}: expected one patient id, as 12 or Patient/12", name)
    return int(match.group(1))


@endpoint
def metadata(request: HttpRequest) -> JSON:
    """Public, as FHIR servers conventionally serve it: it names no record."""
    return capability_statement(_ids(request).base)


@endpoint
def read(request: HttpRequest, type_name: str, resource_id: str) -> JSON:
    actor, kind = _actor(request), _kind(type_name)
    if RECORD_ID.fullmatch(resource_id) is None:
        raise not_found(f"{kind}/{resource_id}")
    try:
        return exchange.read_resource(actor, kind, int(resource_id), _ids(request))
    except (InputError, AccessDenied):
        raise not_found(f"{kind}/{resource_id}") from None


@endpoint
def search(request: HttpRequest, type_name: str) -> JSON:
    actor, kind = _actor(request), _kind(type_name)
    person_id = _person_id(request.GET, kind)
    try:
        return exchange.search_resources(actor, kind, person_id, _ids(request))
    except (InputError, AccessDenied):
        raise not_found(f"Patient/{person_id}") from None


@endpoint
def unsupported(request: HttpRequest, rest: str) -> JSON:
    """Anything else under /fhir (history, operations, the base itself) is not offered."""
    raise Problem(404, "not-supported", f"/fhir/{rest}: not offered by this server")
