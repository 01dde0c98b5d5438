"""API: a person's stored assessments and what was done about each recommendation."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from record_area import Area
from test_api import assert_refused, client_for, get, post, register, therapist

from nowrongdoor.records.clinical.models import Assessment

__all__ = ["therapist"]
RISKY_CASE = {"setting": "iapt", "screens": {"phq9": [0] * 8 + [2]}}


@pytest.fixture
def assessed(therapist: Client) -> tuple[int, int]:
    person_id = register(therapist)
    status, stored = post(therapist, f"/api/people/{person_id}/assessments", RISKY_CASE)
    assert status == 201
    return person_id, stored["id"]


def test_an_assessment_is_stored_and_listed(therapist: Client, assessed: tuple[int, int]) -> None:
    person_id, assessment_id = assessed
    status, listed = get(therapist, f"/api/people/{person_id}/assessments")
    assert status == 200
    assert [a["id"] for a in listed] == [assessment_id]
    assert listed[0]["output"]["schema"] == "nowrongdoor.assessment/1"
    assert listed[0]["output"]["recommendations"][0]["code"] == "RISK-SUICIDE"


def test_a_bad_case_is_422_naming_the_field(therapist: Client) -> None:
    person_id = register(therapist)
    status, problem = post(therapist, f"/api/people/{person_id}/assessments", {"setting": "pub"})
    assert (status, problem["field"]) == (422, "setting")


def test_the_case_additions_are_taken_and_documented(therapist: Client) -> None:
    """The case contract's December 2026 fields, in both places the API takes a case."""
    additions = {
        "circumstances": {
            "children_elsewhere": 2,
            "cares_for_someone_who_uses": True,
            "needs_interpreter": True,
            "trauma_reported": True,
        },
        "engagement": {"safe_to_get_home": True, "previous_unplanned_exit": True},
        "mental_health": {"capacity_concern": False},
    }
    case = {"setting": "iapt", **additions}
    person_id = register(therapist)
    status, stored = post(therapist, f"/api/people/{person_id}/assessments", case)
    assert status == 201
    assert Assessment.objects.get(pk=stored["id"]).case == case
    assert post(therapist, "/api/assess", case)[0] == 200
    bad = {"setting": "iapt", "circumstances": {"children_elsewhere": -1}}
    status, problem = post(therapist, "/api/assess", bad)
    assert (status, problem["field"]) == (422, "circumstances.children_elsewhere")
    document = Client().get("/api/openapi.json").json()
    for path in ("/api/assess", "/api/people/{person_id}/assessments"):
        body = document["paths"][path]["post"]["requestBody"]["content"]["application/json"]
        assert body["schema"]["title"] == "Case"
    parts = document["components"]["schemas"]
    for part, fields in additions.items():
        schema = parts[part.title().replace("_", "")]  # mental_health: MentalHealth
        assert set(fields) <= set(schema["properties"])


def test_another_service_may_not_assess_or_list(area: Area, assessed: tuple[int, int]) -> None:
    person_id, _ = assessed
    gp = client_for(area.gp_doctor)
    assert_refused(
        post(gp, f"/api/people/{person_id}/assessments", RISKY_CASE), "assessment.record"
    )
    assert_refused(get(gp, f"/api/people/{person_id}/assessments"), "person.read")


def test_acting_on_a_recommendation(
    area: Area, therapist: Client, assessed: tuple[int, int]
) -> None:
    _, assessment_id = assessed
    url = f"/api/assessments/{assessment_id}/actions"
    status, action = post(therapist, url, {"code": "RISK-SUICIDE", "kind": "offered"})
    assert (status, action["kind"], action["referral_id"]) == (201, "offered", None)
    assert post(therapist, url, {"code": "RISK-SUICIDE", "kind": "maybe"})[1]["field"] == "kind"
    assert post(therapist, url, {"code": "NOPE", "kind": "offered"})[1]["field"] == "code"
    referred = post(therapist, url, {"code": "RISK-SUICIDE", "kind": "referred"})
    assert (referred[0], referred[1]["field"]) == (422, "referral")
    gp = client_for(area.gp_doctor)
    assert_refused(post(gp, url, {"code": "RISK-SUICIDE", "kind": "offered"}), "recommendation.act")
    unknown = post(therapist, "/api/assessments/999999/actions", {"code": "X", "kind": "offered"})
    assert unknown[0] == 404


def test_a_services_own_rule_applies_to_stored_assessments_too(
    therapist: Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """NWD_LOCAL_RULES is read by the one use case every caller shares, not the CLI alone."""
    (tmp_path / "local.toml").write_text(
        '[[source]]\nkey = "Local policy"\nkind = "external"\nreference = "Our policies."\n\n'
        '[[rule]]\ncode = "LOCAL-SUICIDE-LEAD"\npriority = "urgent"\noffer = true\n'
        'text = "Tell the duty lead."\nsource = "Local policy 7"\n'
        'all = [{ when = "phq9_item9 >= 1", why = "item 9 scored" }]\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("NWD_LOCAL_RULES", str(tmp_path))
    person_id = register(therapist)
    status, stored = post(therapist, f"/api/people/{person_id}/assessments", RISKY_CASE)
    assert status == 201
    assert "LOCAL-SUICIDE-LEAD" in [r["code"] for r in stored["output"]["recommendations"]]
    assert Assessment.objects.get(pk=stored["id"]).ruleset_sha256 == stored["ruleset_sha256"]
    status, direct = post(therapist, "/api/assess", RISKY_CASE)
    assert "LOCAL-SUICIDE-LEAD" in [r["code"] for r in direct["recommendations"]]
