"""The API's `Idempotency-Key`: a POST sent again with its key gets the first response and
saves nothing; the same key with another request is refused; two at the same moment save
once (the unique constraint, and the loser answered from the winner); keys expire."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db.models import Model
from django.test import Client
from django.utils import timezone
from record_area import Area
from test_api import client_for

from browser.live_server import fresh_database
from helpers import NWD, ROOT, free_port
from nowrongdoor.api.idempotency import HEADER, REPLAYED
from nowrongdoor.api.main import api
from nowrongdoor.errors import InputError
from nowrongdoor.records.audit.models import AuditEvent
from nowrongdoor.records.care.models import Consent
from nowrongdoor.records.clinical.models import Assessment, Screening
from nowrongdoor.records.coordination.models import (
    DISCHARGE_CHECKLIST,
    CareCoordinator,
    CarePlanVersion,
    CaseNote,
    Discharge,
    RecoveryCheckUp,
    RecoveryGoal,
)
from nowrongdoor.records.idempotency.models import IdempotencyKey
from nowrongdoor.records.outcomes.models import SessionMeasure, TherapyCourse, TopRecord
from nowrongdoor.records.people.models import Person
from nowrongdoor.records.referrals.models import Referral
from nowrongdoor.services import consent, coordination, once, outcomes
from nowrongdoor.services.people import register_person

TODAY = date.today().isoformat()
SOON = (date.today() + timedelta(days=28)).isoformat()


def send(client: Client, url: str, body: Any, key: str | None = None, **headers: str) -> Any:
    """POST JSON, with the key when given."""
    if key is not None:
        headers[HEADER] = key
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


@pytest.fixture
def person(area: Area) -> Person:
    return register_person(area.therapist, {"given_name": "Kit", "family_name": "Moss"})


@pytest.fixture
def therapist(area: Area) -> Client:
    return client_for(area.therapist)


@dataclass
class Post:
    url: str
    body: Any
    saved: type[Model] | None  # None: the operation stores nothing (score)


def _posts(area: Area, p: Person) -> dict[str, Callable[[], Post]]:
    """A valid request for each kind of POST, made ready on demand."""
    pid = p.pk

    def referral() -> Post:
        consent.record_consent(area.therapist, pid, area.drugs.pk, "given")
        body = {"to_service": area.drugs.pk, "reason": "specialist help"}
        return Post(f"/api/people/{pid}/referrals", body, Referral)

    def session() -> Post:
        course = outcomes.start_course(area.therapist, pid)
        body = {"session_number": 1, "phq9_total": 12, "gad7_total": 9}
        return Post(f"/api/courses/{course.pk}/sessions", body, SessionMeasure)

    checklist = dict.fromkeys(DISCHARGE_CHECKLIST, True)
    discharge = {"on": TODAY, "kind": "planned", "reason": "finished", "checklist": checklist}
    plan = {"expected_version": 0, "sections": {"needs": "Housing"}, "next_review": SOON}
    named = {"coordinator": area.therapist.user.pk, "basis": "case-manager"}
    return {
        "person": lambda: Post("/api/people", {"given_name": "Jo", "family_name": "Ray"}, Person),
        "screening": lambda: Post(
            f"/api/people/{pid}/screenings", {"instrument": "phq9", "answers": [1] * 9}, Screening
        ),
        "assessment": lambda: Post(
            f"/api/people/{pid}/assessments", {"setting": "iapt"}, Assessment
        ),
        "consent": lambda: Post(
            f"/api/people/{pid}/consents",
            {"recipient_service": area.drugs.pk, "state": "given"},
            Consent,
        ),
        "referral": referral,
        "coordinator": lambda: Post(f"/api/people/{pid}/coordinator", named, CareCoordinator),
        "care plan": lambda: Post(f"/api/people/{pid}/care-plan", plan, CarePlanVersion),
        "case note": lambda: Post(f"/api/people/{pid}/case-notes", {"text": "Phoned"}, CaseNote),
        "recovery goal": lambda: Post(
            f"/api/people/{pid}/recovery-goals", {"in_their_words": "Work"}, RecoveryGoal
        ),
        "TOP": lambda: Post(
            f"/api/people/{pid}/top-records", {"stage": "start", "answers": {}}, TopRecord
        ),
        "course": lambda: Post(f"/api/people/{pid}/courses", {}, TherapyCourse),
        "session": session,
        "check-up": lambda: Post(f"/api/people/{pid}/check-ups", {"due": SOON}, RecoveryCheckUp),
        "discharge": lambda: Post(
            f"/api/episodes/{p.episodes.get().pk}/discharge", discharge, Discharge
        ),
        "score (nothing stored)": lambda: Post("/api/score/phq9", {"answers": [1] * 9}, None),
    }


KINDS = [
    "person",
    "screening",
    "assessment",
    "consent",
    "referral",
    "coordinator",
    "care plan",
    "case note",
    "recovery goal",
    "TOP",
    "course",
    "session",
    "check-up",
    "discharge",
    "score (nothing stored)",
]


def _rows(post: Post) -> int:
    return post.saved.objects.count() if post.saved else 0


@pytest.mark.parametrize("kind", KINDS)
def test_a_repeat_returns_the_first_response_and_saves_nothing(
    area: Area, person: Person, therapist: Client, kind: str
) -> None:
    post = _posts(area, person)[kind]()
    before = _rows(post)
    first = send(therapist, post.url, post.body, "retry-1")
    assert 200 <= first.status_code < 300, first.content
    assert REPLAYED not in first
    after_first = _rows(post)
    assert after_first == before + (1 if post.saved else 0)
    repeat = send(therapist, post.url, post.body, "retry-1")
    assert (repeat.status_code, repeat.json()) == (first.status_code, first.json())
    assert repeat[REPLAYED] == "true"
    assert _rows(post) == after_first


def test_without_the_header_each_post_saves(person: Person, therapist: Client) -> None:
    for _ in range(2):
        assert (
            send(therapist, f"/api/people/{person.pk}/case-notes", {"text": "x"}).status_code == 201
        )
    assert CaseNote.objects.count() == 2


def test_the_same_key_with_another_body_is_refused(person: Person, therapist: Client) -> None:
    url = f"/api/people/{person.pk}/case-notes"
    assert send(therapist, url, {"text": "Phoned"}, "k-1").status_code == 201
    refused = send(therapist, url, {"text": "Phoned twice"}, "k-1")
    assert refused.status_code == 422
    assert refused.json()["field"] == HEADER
    assert refused.json()["detail"].startswith(f"{HEADER}: already used for another request")
    assert CaseNote.objects.count() == 1


def test_the_same_key_on_another_path_is_refused(
    area: Area, person: Person, therapist: Client
) -> None:
    body = {"in_their_words": "Work"}
    assert (
        send(therapist, f"/api/people/{person.pk}/recovery-goals", body, "k-2").status_code == 201
    )
    other = register_person(area.therapist, {"given_name": "Al", "family_name": "Ng"})
    refused = send(therapist, f"/api/people/{other.pk}/recovery-goals", body, "k-2")
    assert (refused.status_code, refused.json()["field"]) == (422, HEADER)
    assert RecoveryGoal.objects.count() == 1


def test_the_same_body_spaced_or_ordered_otherwise_is_the_same_request(
    area: Area, person: Person, therapist: Client
) -> None:
    url = f"/api/people/{person.pk}/consents"
    first = therapist.post(
        url,
        f'{{"recipient_service": {area.drugs.pk}, "state": "given"}}',
        content_type="application/json",
        headers={HEADER: "k-3"},
    )
    again = therapist.post(
        url,
        f'{{ "state":"given",\n  "recipient_service":{area.drugs.pk} }}',
        content_type="application/json",
        headers={HEADER: "k-3"},
    )
    assert (again.status_code, again.json(), again[REPLAYED]) == (201, first.json(), "true")
    assert Consent.objects.count() == 1


def test_a_refused_request_frees_its_key(person: Person, therapist: Client) -> None:
    """A 4xx saved nothing: the corrected request with the same key saves once."""
    url = f"/api/people/{person.pk}/case-notes"
    assert send(therapist, url, {"text": ""}, "k-4").status_code == 422
    assert not IdempotencyKey.objects.exists()
    assert send(therapist, url, {"text": "Phoned"}, "k-4").status_code == 201
    assert send(therapist, url, {"text": "Phoned"}, "k-4")[REPLAYED] == "true"
    assert CaseNote.objects.count() == 1


def test_an_expired_key_is_a_new_request(person: Person, therapist: Client) -> None:
    url = f"/api/people/{person.pk}/case-notes"
    assert send(therapist, url, {"text": "Phoned"}, "k-5").status_code == 201
    IdempotencyKey.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    again = send(therapist, url, {"text": "Phoned"}, "k-5")
    assert again.status_code == 201
    assert REPLAYED not in again
    assert CaseNote.objects.count() == 2


def test_keys_are_kept_a_day(person: Person, therapist: Client) -> None:
    send(therapist, f"/api/people/{person.pk}/case-notes", {"text": "Phoned"}, "k-6")
    row = IdempotencyKey.objects.get()
    note = CaseNote.objects.get()
    assert timedelta(hours=24) == once.KEEP_FOR
    assert row.expires_at - row.created_at == once.KEEP_FOR
    assert (row.scope, row.status, json.loads(row.body)["id"]) == ("api", 201, note.pk)
    assert (row.kind, row.record_id, row.person_id) == ("CaseNote", str(note.pk), person.pk)


def test_another_user_s_same_key_is_their_own(
    area: Area, person: Person, therapist: Client
) -> None:
    url = "/api/people"
    body = {"given_name": "Jo", "family_name": "Ray"}
    assert send(therapist, url, body, "shared").status_code == 201
    keyworker = send(client_for(area.keyworker), url, body | {"family_name": "Lee"}, "shared")
    assert keyworker.status_code == 201
    assert REPLAYED not in keyworker


@pytest.mark.parametrize("key", ["", "has space", "x" * 256, "caf\u00e9"])
def test_a_malformed_key_is_refused_naming_the_header(
    person: Person, therapist: Client, key: str
) -> None:
    response = send(therapist, f"/api/people/{person.pk}/case-notes", {"text": "x"}, key)
    assert (response.status_code, response.json()["field"]) == (422, HEADER)
    assert not CaseNote.objects.exists()


def test_a_replay_under_a_session_needs_the_csrf_token(area: Area, person: Person) -> None:
    url = f"/api/people/{person.pk}/case-notes"
    assert send(client_for(area.therapist), url, {"text": "x"}, "k-7").status_code == 201
    session = Client(enforce_csrf_checks=True)
    session.force_login(area.therapist.user, backend="django.contrib.auth.backends.ModelBackend")
    assert send(session, url, {"text": "x"}, "k-7").status_code == 403


def test_a_replay_is_audited(person: Person, therapist: Client) -> None:
    url = f"/api/people/{person.pk}/case-notes"
    for _ in range(2):
        send(therapist, url, {"text": "x"}, "k-8")
    event = AuditEvent.objects.get(action="submission.repeat")
    assert (event.actor, event.person_id) == ("therapist", person.pk)


def test_every_post_documents_the_header() -> None:
    document = api.get_openapi_schema()
    posts = [(path, ops["post"]) for path, ops in document["paths"].items() if "post" in ops]
    assert len(posts) > 10
    for path, operation in posts:
        headers = [p for p in operation.get("parameters", []) if p["in"] == "header"]
        assert [h["name"] for h in headers] == [HEADER], path
        assert headers[0]["required"] is False
    gets = [ops["get"] for ops in document["paths"].values() if "get" in ops]
    assert all(HEADER not in json.dumps(op) for op in gets)


# ---- two at the same moment


def test_the_loser_of_a_race_is_answered_from_the_winner(
    person: Person, therapist: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The constraint path, made to happen: a request that looked before the first had
    committed claims the key, meets the unique constraint, and runs nothing."""
    url = f"/api/people/{person.pk}/case-notes"
    first = send(therapist, url, {"text": "Phoned"}, "race")
    looked = once.first_answer
    calls: list[once.Submit] = []

    def too_early(submit: once.Submit) -> IdempotencyKey | None:
        calls.append(submit)
        return None if len(calls) == 1 else looked(submit)

    monkeypatch.setattr(once, "first_answer", too_early)
    ran: list[str] = []
    monkeypatch.setattr(coordination, "add_case_note", lambda *a: ran.append("ran"))
    loser = send(therapist, url, {"text": "Phoned"}, "race")
    assert len(calls) == 2  # missed it, then read the winner after the constraint
    assert ran == []
    assert (loser.status_code, loser.json(), loser[REPLAYED]) == (201, first.json(), "true")
    assert CaseNote.objects.count() == 1


def test_run_once_gives_the_key_back_when_nothing_is_saved(area: Area) -> None:
    submit = once.Submit(area.therapist.user, "api", "k-9", once.digest("x"))

    def bad() -> None:
        raise InputError("text", "text: required")

    with pytest.raises(InputError):
        once.run_once(submit, bad, lambda _r: once.Answer(status=201))
    assert once.run_once(submit, lambda: "refused", lambda _r: None) == "refused"
    assert not IdempotencyKey.objects.exists()
    assert once.run_once(submit, lambda: "saved", lambda _r: once.Answer(status=201)) == "saved"
    assert isinstance(once.run_once(submit, lambda: "again", lambda _r: None), IdempotencyKey)


def _api(url: str, token: str, body: Any, key: str = "") -> tuple[int, Any, bool]:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if key:
        headers[HEADER] = key
    request = urllib.request.Request(url, json.dumps(body).encode(), headers, method="POST")
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status, json.load(response), response.headers.get(REPLAYED) == "true"


@contextmanager
def served(folder: Path) -> Iterator[tuple[str, str]]:
    """`nwd serve` on a fresh database with one seeded area: its URL and a practitioner's
    API token."""
    with fresh_database(folder) as database_url:
        env = {**os.environ, "NWD_DATABASE_URL": database_url}

        def nwd(*args: str) -> str:
            done = subprocess.run(
                [str(NWD), *args], capture_output=True, text=True, cwd=ROOT, env=env, check=True
            )
            return done.stdout.strip()

        nwd("seed", "--people", "1", "--seed", "1")
        token = nwd("token", "create", "--as", "iapt-practitioner")
        url = f"http://127.0.0.1:{free_port()}"
        port = url.rsplit(":", 1)[1]
        server = subprocess.Popen(
            [str(NWD), "serve", "--port", port], cwd=ROOT, env=env, stderr=subprocess.DEVNULL
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(f"{url}/sign-in", timeout=2).close()
                    break
                except (OSError, urllib.error.URLError):
                    assert time.monotonic() < deadline, "nwd serve did not answer in 60 s"
                    time.sleep(0.1)
            yield url, token
        finally:
            server.terminate()
            server.wait(timeout=10)


def test_requests_at_the_same_moment_save_once(tmp_path: Path) -> None:
    """The real server (waitress threads, each its own connection; a fresh SQLite file, or
    a fresh PostgreSQL database when NWD_DATABASE_URL names a server): ten keys, each sent
    twice at the same moment. A second that looked before the first committed waits on the
    key's unique constraint (or SQLite's one writer) and is answered from the first."""
    with served(tmp_path) as (base, token):
        status, person, _ = _api(
            f"{base}/api/people", token, {"given_name": "Sam", "family_name": "Oduya"}
        )
        assert status == 201
        notes = f"{base}/api/people/{person['id']}/case-notes"
        sends = [(f"note {n}", f"key-{n}") for n in range(10) for _ in range(2)]
        together = threading.Barrier(len(sends))

        def send_at_once(sent: tuple[str, str]) -> tuple[str, tuple[int, Any, bool]]:
            together.wait()
            return sent[1], _api(notes, token, {"text": sent[0]}, sent[1])

        with ThreadPoolExecutor(max_workers=len(sends)) as pool:
            answers = list(pool.map(send_at_once, sends))
        by_key: dict[str, list[tuple[int, Any, bool]]] = {}
        for key, answer in answers:
            by_key.setdefault(key, []).append(answer)
        for key, (one, other) in by_key.items():
            assert one[0] == other[0] == 201, key
            assert one[1] == other[1], key  # the same note: saved once
            assert sorted([one[2], other[2]]) == [False, True], key  # one of them a replay
        listing = urllib.request.Request(notes, headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(listing, timeout=60) as response:
            assert sorted(n["text"] for n in json.load(response)) == [
                f"note {n}" for n in range(10)
            ]
