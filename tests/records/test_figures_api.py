"""`GET /api/figures?from=&to=`: the dashboard's figures as JSON for other tools, for
commissioners and service managers only, each call audited, bad dates named."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from record_area import Area, staff

from nowrongdoor.analytics.disclosure import Count, publish
from nowrongdoor.analytics.indicators import REGISTRY, Period
from nowrongdoor.analytics.report import long_rows
from nowrongdoor.api.auth import issue_token
from nowrongdoor.api.main import api
from nowrongdoor.records.audit.models import AuditEvent
from nowrongdoor.records.directory.models import Role
from nowrongdoor.services import area_report, episodes
from nowrongdoor.services.area_report import Figures
from nowrongdoor.services.people import register_person

TODAY = date.today()
YEAR = Period(TODAY - timedelta(days=364), TODAY)
QUERY = {"from": YEAR.start.isoformat(), "to": YEAR.end.isoformat()}


def api_client(area: Area, who: str) -> Client:
    user = getattr(area, who).user
    return Client(headers={"Authorization": f"Bearer {issue_token(user)}"})


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[Period]:
    """A stand-in for the engine (who may call, and how, does not need real counting)."""
    asked: list[Period] = []

    def computing(period: Period, **options: Any) -> Figures:
        asked.append(period)
        counts = [Count("co_occurring_in_treatment", "area", "all", 20, 40)]
        return Figures(publish(counts), [(period, publish(counts))])

    monkeypatch.setattr(area_report, "figures", computing)
    return asked


def test_the_figures_are_the_reports_cells_suppressed_ones_included(area: Area) -> None:
    """Twelve people in drug treatment, three of them female, so some cells are shown and
    others suppressed; the JSON holds every cell `nwd report` writes, null where it writes
    "*"."""
    for n in range(12):
        sex = "female" if n < 3 else "male"
        details = {"given_name": "Sam", "family_name": f"R{n}", "sex": sex}
        person = register_person(area.keyworker, details)
        episodes.start_treatment(area.keyworker, person.episodes.get().pk, TODAY)
    response = api_client(area, "commissioner").get("/api/figures", QUERY)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["from"], body["to"]) == (QUERY["from"], QUERY["to"])
    assert body["note"].startswith("counts 1-7 suppressed")
    assert body["counted_at"]
    assert [i["id"] for i in body["indicators"]] == [i.id for i in REGISTRY]
    report = area_report.figures(YEAR, quarterly=True)  # as `nwd report` counts, uncached
    shown = [{k: "*" if v is None else str(v) for k, v in cell.items()} for cell in body["cells"]]
    assert shown == long_rows(report.publication)
    assert any(c["numerator"] is None for c in body["cells"])  # suppressed
    assert any(c["denominator"] for c in body["cells"])  # shown
    assert [(q["from"], q["to"]) for q in body["quarters"]] == [
        (q.start.isoformat(), q.end.isoformat()) for q, _ in report.quarterly
    ]
    assert [q["cells"] for q in body["quarters"]] == [
        [vars(c) for c in p.cells] for _, p in report.quarterly
    ]
    assert "Sam" not in response.content.decode()


def test_commissioners_and_service_managers_may_read_them(
    area: Area, counted: list[Period]
) -> None:
    staff("manager", area.gp, Role.SERVICE_MANAGER)
    manager = Client(headers={"Authorization": f"Bearer {issue_token(_user('manager'))}"})
    assert manager.get("/api/figures", QUERY).status_code == 200
    assert api_client(area, "commissioner").get("/api/figures", QUERY).status_code == 200
    assert counted == [YEAR]  # counted once, then kept


def _user(username: str) -> Any:
    from django.contrib.auth.models import User

    return User.objects.get(username=username)


@pytest.mark.parametrize("who", ["therapist", "keyworker", "gp_doctor", "admin"])
def test_anyone_else_is_answered_404_and_the_refusal_audited(
    area: Area, counted: list[Period], who: str
) -> None:
    response = api_client(area, who).get("/api/figures", QUERY)
    assert (response.status_code, response.json()) == (404, {"detail": "not found", "field": None})
    event = AuditEvent.objects.get()
    assert (event.action, event.outcome, event.person_id) == ("report.read", "denied", None)
    assert counted == []


def test_the_anonymous_are_answered_401(db: None) -> None:
    assert Client().get("/api/figures", QUERY).status_code == 401


def test_each_call_is_audited(area: Area, counted: list[Period]) -> None:
    client = api_client(area, "commissioner")
    for _ in range(2):
        assert client.get("/api/figures", QUERY).status_code == 200
    events = AuditEvent.objects.filter(action="report.read")
    assert [(e.actor, e.outcome, e.person_id, e.reason) for e in events] == [
        ("commissioner", "allowed", None, f"{YEAR.start}:{YEAR.end}")
    ] * 2


@pytest.mark.parametrize(
    ("query", "field", "says"),
    [
        ({"from": "soon", "to": "2026-03-31"}, "from", "must be a date as YYYY-MM-DD"),
        ({"from": "2025-04-01", "to": "2026-02-30"}, "to", "to:"),
        ({"from": "2025-04-01T00:00", "to": "2026-03-31"}, "from", "YYYY-MM-DD"),
        ({"to": "2026-03-31"}, "from", "required"),
        ({"from": "2025-04-01"}, "to", "required"),
        ({"from": "2026-03-31", "to": "2025-04-01"}, "to", "must not be before the start"),
        ({"from": "2020-01-01", "to": "2026-03-31"}, "to", "at most three years"),
    ],
)
def test_bad_or_reversed_dates_are_422_naming_the_field(
    area: Area, counted: list[Period], query: dict[str, str], field: str, says: str
) -> None:
    response = api_client(area, "commissioner").get("/api/figures", query)
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["field"] == field
    assert body["detail"].startswith(f"{field}:")
    assert says in body["detail"]
    assert counted == []


def test_the_endpoint_is_documented(db: None) -> None:
    operation = api.get_openapi_schema()["paths"]["/api/figures"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert set(parameters) == {"from", "to"}
    assert all(p["required"] and p["schema"]["format"] == "date" for p in parameters.values())
    assert set(operation["responses"]) >= {200, 401, 404, 422}
    assert "commissioners and service managers" in operation["description"]
