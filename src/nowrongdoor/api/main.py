"""The API: thin handlers over `services/` and the pure core; errors as one line naming the field.

Access is the services' own (care relationship or consent); a refused attempt is audited
there and answered 404, so the API never confirms that a record exists (no IDOR oracle).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from ninja import Body, NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.responses import Status
from ninja.security import django_auth

from nowrongdoor.api.auth import BearerToken
from nowrongdoor.api.schemas import (
    ConsentCreate,
    ConsentPublic,
    PersonCreate,
    PersonPublic,
    Problem,
    ScreeningCreate,
    ScreeningPublic,
)
from nowrongdoor.errors import AccessDenied, Conflict, InputError
from nowrongdoor.guidance import instruments
from nowrongdoor.guidance.pathway import ruleset
from nowrongdoor.guidance.pathway.assess import assess as assess_case
from nowrongdoor.guidance.pathway.assess import parse_case
from nowrongdoor.guidance.schemas import Assessment, ScoreResult
from nowrongdoor.guidance.scoring import score_request
from nowrongdoor.services import clinical, consent, people
from nowrongdoor.services.actor import Actor

api = NinjaAPI(
    title="nowrongdoor",
    version="1",
    description="Screen, assess and coordinate care for co-occurring mental health and "
    "alcohol/drug use conditions. Same use cases and access rules as the command line.",
    docs_url="/docs",
    auth=[BearerToken(), django_auth],
    urls_namespace="api",
)
ERRORS: dict[int, type[Problem]] = {401: Problem, 404: Problem, 409: Problem, 422: Problem}
JSON_BODY: Any = Body(...)  # type: ignore[type-arg]  # ninja.Body is generic only for typing


def _problem(request: HttpRequest, status: int, detail: str, field: str | None) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "field": field}, status=status)


@api.exception_handler(InputError)
def _input_error(request: HttpRequest, error: InputError) -> HttpResponse:
    return _problem(request, 422, str(error), error.field)


@api.exception_handler(AccessDenied)
def _access_denied(request: HttpRequest, error: AccessDenied) -> HttpResponse:
    return _problem(request, 404, "not found", None)


@api.exception_handler(Conflict)
def _conflict(request: HttpRequest, error: Conflict) -> HttpResponse:
    return _problem(request, 409, str(error), None)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    return _problem(request, 401, "sign in, or send a bearer token", None)


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, error: NinjaValidationError) -> HttpResponse:
    first = error.errors[0]
    location = [str(p) for p in first.get("loc", ()) if p not in ("body", "payload", "path")]
    field = ".".join(location) or "body"
    message = "unknown field" if first.get("type") == "extra_forbidden" else first.get("msg", "")
    return _problem(request, 422, f"{field}: {message}", field)


def _actor(request: HttpRequest) -> Actor:
    user = request.user
    assert isinstance(user, User)
    return Actor.of(user)


@api.post("/score/{instrument}", response={200: ScoreResult, **ERRORS}, tags=["core"])
def score(request: HttpRequest, instrument: str, payload: dict[str, Any] = JSON_BODY) -> Any:
    """Score one response, `{"answers": [positions]}` (schema ScoreRequest), as `nwd score`
    does; the engine checks the body itself so its errors name the item, as on the CLI."""
    return score_request(instruments.load(instrument), payload).to_json()


@api.post("/assess", response={200: Assessment, **ERRORS}, tags=["core"], by_alias=True)
def assess(request: HttpRequest, payload: dict[str, Any] = JSON_BODY) -> Any:
    """Assess one case (schema: `nwd schema case`) against the pathway rules, as `nwd assess`."""
    return assess_case(parse_case(payload), ruleset.default())


@api.post("/people", response={201: PersonPublic, **ERRORS}, tags=["people"])
def register(request: HttpRequest, body: PersonCreate) -> Any:
    """Register a person at your service (this opens their first episode of care)."""
    person = people.register_person(_actor(request), body.model_dump(exclude_defaults=True))
    return Status(201, person)


@api.get("/people/{person_id}", response={200: PersonPublic, **ERRORS}, tags=["people"])
def read(request: HttpRequest, person_id: int) -> Any:
    """A person's record, if your service cares for them or holds their consent."""
    return people.read_person(_actor(request), person_id)


@api.post("/people/{person_id}/consents", response={201: ConsentPublic, **ERRORS}, tags=["people"])
def record_consent(request: HttpRequest, person_id: int, body: ConsentCreate) -> Any:
    """Record a consent decision (the latest for a service counts; withdrawal is at once)."""
    row = consent.record_consent(
        _actor(request),
        person_id,
        body.recipient_service,
        body.state,
        body.purpose,
        body.safeguarding_reason,
    )
    return Status(
        201,
        {
            "id": row.pk,
            "recipient_service": row.recipient_id,
            "state": row.state,
            "purpose": row.purpose,
            "safeguarding_override": row.safeguarding_override,
        },
    )


@api.post(
    "/people/{person_id}/screenings", response={201: ScreeningPublic, **ERRORS}, tags=["people"]
)
def record_screening(request: HttpRequest, person_id: int, body: ScreeningCreate) -> Any:
    """Score and store a screening for the person."""
    screening = clinical.record_screening(_actor(request), person_id, body.instrument, body.answers)
    return Status(201, screening)
