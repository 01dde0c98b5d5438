"""Security, endpoint by endpoint. Pages come from the URL resolver and API operations from the
OpenAPI document, so a page or operation added later is covered without editing this file:

- the anonymous are sent to sign in (pages) or answered 401 (API);
- staff with no care relationship, commissioners and admins get 404 for a record they may not
  see, the same answer as for a record that does not exist (no IDOR oracle), and the refusal
  is audited;
- a POST without a CSRF token is refused (pages, and the API under a session);
- every answer carries the security headers, pages a Content-Security-Policy with a nonce;
- the session cookie is HttpOnly and SameSite, and Secure in production.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from record_area import Area

from helpers import ROOT
from nowrongdoor.api.auth import issue_token
from nowrongdoor.api.main import api
from nowrongdoor.records.audit.models import AuditEvent
from nowrongdoor.services import clinical, consent, coordination, episodes, outcomes, referrals
from nowrongdoor.services.people import register_person
from nowrongdoor.services.self_completion import create_link

PUBLIC_PAGES = {"sign-in", "self-complete"}  # self-complete: the person's own single-use link
MISSING = 10**9  # an id no record has
WORDS = {"instrument": "phq9", "token": "not-a-real-token"}  # path parameters that are not ids
SAFE = ("get", "head")
NOT_PAGES = {"api", "fhir"}  # the API is listed from its OpenAPI document, FHIR below
FHIR_READS = ["/fhir/Patient/{person_id}"]  # read-only; its own tests cover each resource type


@dataclass(frozen=True)
class Endpoint:
    """One page or API operation, with its URL for the record under test and for no record."""

    method: str
    url: str
    missing_url: str
    has_ids: bool
    body: Any = None
    name: str = ""  # a page's view name

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.url}"


@pytest.fixture
def record(area: Area) -> dict[str, int]:
    """A person cared for at Talking Therapies, with one record of each kind a URL names by id;
    consent to share with the Recovery Hub (the GP surgery has neither care nor consent)."""
    therapist = area.therapist
    person = register_person(therapist, {"given_name": "Kit", "family_name": "Moss"})
    pid = person.pk
    clinical.record_screening(therapist, pid, "phq9", [0] * 8 + [1])
    consent.record_consent(therapist, pid, area.drugs.pk, "given")
    soon = date.today() + timedelta(days=7)
    coordination.name_coordinator(therapist, pid, therapist.user.pk, "case-manager")
    coordination.revise_care_plan(therapist, pid, 0, {"needs": "housing"}, soon, True)
    return {
        "person_id": pid,
        "episode_id": person.episodes.get().pk,
        "assessment_id": clinical.record_assessment(therapist, pid, {"setting": "iapt"}).pk,
        "referral_id": referrals.refer(therapist, pid, area.drugs.pk, "specialist assessment").pk,
        "goal_id": coordination.add_recovery_goal(therapist, pid, "back to work").pk,
        "note_id": coordination.add_case_note(therapist, pid, "spoke on the phone").pk,
        "check_up_id": episodes.schedule_check_up(therapist, pid, soon).pk,
        "course_id": outcomes.start_course(therapist, pid).pk,
        "earlier_id": outcomes.record_top(therapist, pid, "start", {}).pk,
        "later_id": outcomes.record_top(therapist, pid, "review", {}).pk,
        "link_id": create_link(therapist, pid, "phq9")[0].pk,
    }


def _values(names: list[str], record: dict[str, int], missing: bool) -> dict[str, Any]:
    unknown = [n for n in names if n not in record and n not in WORDS]
    assert not unknown, f"add how to make a record for path parameter(s) {unknown} to `record`"
    return {n: WORDS[n] if n in WORDS else (MISSING if missing else record[n]) for n in names}


def _web_patterns(
    patterns: list[URLPattern | URLResolver], namespace: str = ""
) -> Iterator[tuple[str, URLPattern]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace not in NOT_PAGES:
                yield from _web_patterns(entry.url_patterns, entry.namespace or namespace)
        else:
            yield f"{namespace}:{entry.name}", entry


def pages(record: dict[str, int], method: str = "get") -> list[Endpoint]:
    """Every page, public ones included (callers filter by name)."""
    found = []
    for name, pattern in _web_patterns(get_resolver().url_patterns):
        names = list(pattern.pattern.converters)  # type: ignore[attr-defined]
        url = reverse(name, kwargs=_values(names, record, missing=False))
        missing = reverse(name, kwargs=_values(names, record, missing=True))
        has_ids = any(n not in WORDS for n in names)
        found.append(Endpoint(method, url, missing, has_ids, name=name.split(":")[-1]))
    return found


def _example(schema: dict[str, Any], parts: dict[str, Any]) -> Any:
    """The smallest value the schema accepts, so a request gets past validation to the
    access check (ids in a body are 1: the check must not depend on them)."""
    if "$ref" in schema:
        return _example(parts[schema["$ref"].rsplit("/", 1)[1]], parts)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            return _example(next(s for s in schema[key] if s.get("type") != "null"), parts)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        props = schema.get("properties", {})
        return {name: _example(props[name], parts) for name in schema.get("required", [])}
    if kind == "array":
        return [_example(schema.get("items", {}), parts)] * schema.get("minItems", 0)
    if kind == "string":
        return {"date": "2026-01-05", "date-time": "2026-01-05T09:00:00Z"}.get(
            schema.get("format", ""), "x"
        )
    simple = {"integer": 1, "number": 1, "boolean": False}
    return schema.get("default", simple.get(kind or ""))


def operations(record: dict[str, int]) -> list[Endpoint]:
    """Every API operation, with a body its schema accepts, and the FHIR reads."""
    document = api.get_openapi_schema()
    parts = document.get("components", {}).get("schemas", {})
    found = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
            schema = (
                operation.get("requestBody", {})
                .get("content", {})
                .get("application/json", {})
                .get("schema")
            )
            found.append(
                Endpoint(
                    method,
                    path.format(**_values(names, record, missing=False)),
                    path.format(**_values(names, record, missing=True)),
                    any(n not in WORDS for n in names),
                    _example(schema, parts) if schema else None,
                )
            )
    for path in FHIR_READS:
        names = ["person_id"]
        real, missing = (path.format(**_values(names, record, m)) for m in (False, True))
        found.append(Endpoint("get", real, missing, True))
    return found


def call(client: Client, endpoint: Endpoint, url: str | None = None) -> HttpResponse:
    url = url or endpoint.url
    if endpoint.url.startswith("/api/"):
        body = json.dumps(endpoint.body) if endpoint.body is not None else None
        return client.generic(endpoint.method.upper(), url, body or "", "application/json")
    return client.generic(endpoint.method.upper(), url)


def failures(endpoints: list[Endpoint], check: Callable[[Endpoint], str | None]) -> list[str]:
    """Run `check` on each endpoint; the problems it names, one line each."""
    return [f"{e}: {problem}" for e in endpoints if (problem := check(e))]


def api_client(user: User) -> Client:
    return Client(headers={"Authorization": f"Bearer {issue_token(user)}"})


def session_client(user: User, enforce_csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=enforce_csrf)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


# ---- the anonymous


def test_the_anonymous_are_sent_to_sign_in_from_every_page(record: dict[str, int]) -> None:
    def check(page: Endpoint) -> str | None:
        for method in ("get", "post"):
            response = call(Client(), Endpoint(method, page.url, "", False))
            if response.status_code != 302 or not response["Location"].startswith("/sign-in"):
                return f"{method.upper()} answered {response.status_code}, not sign-in"
        return None

    private = [p for p in pages(record) if p.name not in PUBLIC_PAGES]
    assert len(private) > 3
    assert failures(private, check) == []


def test_the_anonymous_get_401_from_every_api_operation(record: dict[str, int]) -> None:
    def check(operation: Endpoint) -> str | None:
        status = call(Client(), operation).status_code
        return None if status == 401 else f"answered {status}"

    assert failures(operations(record), check) == []


# ---- people with no right to the record


OUTSIDERS = ["gp_doctor", "commissioner", "admin"]


def _denials(user: User) -> int:
    return AuditEvent.objects.filter(actor=user.username, outcome="denied").count()


def _refused_like_missing(client: Client, user: User, endpoint: Endpoint) -> str | None:
    """The same answer as for a missing record; for a read 404, and the refusal audited."""
    before = _denials(user)
    real = call(client, endpoint).status_code
    audited = _denials(user) > before
    missing = call(client, endpoint, endpoint.missing_url).status_code
    if real != missing:
        return f"answered {real} for the record, {missing} for none: it tells them apart"
    if real < 400 or (endpoint.method in SAFE and real != 404):
        return f"answered {real}, not 404"
    return None if audited or real != 404 else "refusal not audited"


def _named(client: Client, endpoints: list[Endpoint]) -> list[Endpoint]:
    """The endpoints naming a record, each with the method it answers (some pages are forms
    that only take a POST)."""
    found = []
    for e in endpoints:
        if e.has_ids and e.name not in PUBLIC_PAGES:
            answers_get = call(client, e, e.missing_url).status_code != 405
            found.append(e if answers_get else replace(e, method="post"))
    return found


def _outsider_failures(client: Client, user: User, endpoints: list[Endpoint]) -> list[str]:
    named = _named(client, endpoints)
    assert named
    return failures(named, lambda e: _refused_like_missing(client, user, e))


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_get_404_from_every_page_and_operation_naming_a_record(
    area: Area, record: dict[str, int], who: str
) -> None:
    user = getattr(area, who).user
    found = _outsider_failures(session_client(user), user, pages(record))
    found += _outsider_failures(api_client(user), user, operations(record))
    assert found == []


def test_those_caring_for_the_person_open_every_record_read(
    area: Area, record: dict[str, int]
) -> None:
    """The control for the test above: each read answers someone who may see the record (the
    therapist, or the Recovery Hub that has the person's consent and the referral); the
    person's own pages (/me) answer only the person."""
    unread = []
    for make, endpoints in ((session_client, pages(record)), (api_client, operations(record))):
        clients = [make(area.therapist.user), make(area.keyworker.user)]
        for e in _named(clients[0], endpoints):
            answers = [call(c, e).status_code for c in clients]
            if e.method in SAFE and not e.url.startswith("/me/") and 200 not in answers:
                unread.append(f"{e}: {answers}")
    assert unread == []


# ---- CSRF


def test_every_page_refuses_a_post_without_a_csrf_token(area: Area, record: dict[str, int]) -> None:
    client = session_client(area.therapist.user, enforce_csrf=True)

    def check(page: Endpoint) -> str | None:
        status = call(client, Endpoint("post", page.url, "", False)).status_code
        return None if status == 403 else f"answered {status}"

    assert failures(pages(record), check) == []


def test_the_api_under_a_session_refuses_a_post_without_a_csrf_token(
    area: Area, record: dict[str, int]
) -> None:
    client = session_client(area.therapist.user, enforce_csrf=True)
    writes = [o for o in operations(record) if o.method not in SAFE]

    def check(operation: Endpoint) -> str | None:
        status = call(client, operation).status_code
        return None if status == 403 else f"answered {status}"

    assert writes
    assert failures(writes, check) == []
    # The control: with the token the same session is let through.
    client.get("/sign-in")
    token = client.cookies["csrftoken"].value
    scored = client.post(
        "/api/score/phq9", {"answers": [0] * 9}, "application/json", headers={"X-CSRFToken": token}
    )
    assert scored.status_code == 200


# ---- headers and cookies


def test_every_answer_carries_the_security_headers(area: Area, record: dict[str, int]) -> None:
    client = session_client(area.therapist.user)

    def check(endpoint: Endpoint) -> str | None:
        response = call(client, endpoint)
        headers = response.headers
        wanted = {
            "X-Content-Type-Options": "nosniff",
            "X-Frame-Options": "DENY",
            "Referrer-Policy": "same-origin",
        }
        wrong = [k for k, v in wanted.items() if headers.get(k) != v]
        if response.get("Content-Type", "").startswith("text/html"):
            policy = headers.get("Content-Security-Policy", "")
            if "'nonce-" not in policy or "frame-ancestors 'none'" not in policy:
                wrong.append(f"Content-Security-Policy {policy!r}")
            elif "'unsafe-inline'" in policy:
                wrong.append("Content-Security-Policy allows inline scripts")
        return ", ".join(wrong) or None

    assert failures([*pages(record), *operations(record)], check) == []


def test_the_session_cookie_is_httponly_and_samesite(area: Area) -> None:
    user = area.therapist.user
    user.set_password("correct horse battery staple")
    user.save()
    client = Client()
    client.get("/sign-in")
    response = client.post(
        "/sign-in", {"username": user.username, "password": "correct horse battery staple"}
    )
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] in ("Lax", "Strict")


def test_production_cookies_are_secure() -> None:
    """Settings as `NWD_ENV=production` loads them (a fresh process: settings load once)."""
    code = (
        "import json\nfrom django.conf import settings as s\n"
        "print(json.dumps([s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE]))"
    )
    env = {
        **os.environ,
        "NWD_ENV": "production",
        "NWD_SECRET_KEY": "x" * 50,
        "DJANGO_SETTINGS_MODULE": "nowrongdoor.config.settings",
    }
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, check=True
    )
    assert json.loads(done.stdout) == [True, True, True, "Lax"]
