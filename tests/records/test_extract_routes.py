"""The extract keeps what the no wrong door funnel and consent coverage need, and no more."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
from record_area import Area

from helpers import SHARED
from nowrongdoor.analytics.extract import extract_records
from nowrongdoor.analytics.tables import table_path
from nowrongdoor.services.clinical import record_assessment
from nowrongdoor.services.consent import record_consent
from nowrongdoor.services.people import register_person
from nowrongdoor.services.referrals import act_on_recommendation


def test_only_actions_on_the_alternative_route_are_extracted(area: Area, tmp_path: Path) -> None:
    case = json.loads((SHARED / "vignettes" / "v01.json").read_text())["case"]
    person = register_person(area.therapist, {"given_name": "Sam", "family_name": "Lee"})
    assessment = record_assessment(area.therapist, person.pk, case)
    suitability = assessment.output["iapt_suitability"]
    assert suitability["status"] == "not-initially-suitable"
    route = suitability["because"][0]
    elsewhere = next(
        r["code"]
        for r in assessment.output["recommendations"]
        if r["code"] not in suitability["because"]
    )
    act_on_recommendation(area.therapist, assessment.pk, route, "offered")
    act_on_recommendation(area.therapist, assessment.pk, elsewhere, "accepted")
    record_consent(area.therapist, person.pk, area.drugs.pk, "given")
    record_consent(area.therapist, person.pk, area.drugs.pk, "withdrawn")

    extract_records(tmp_path, date.today())

    def rows(name: str) -> list[dict[str, object]]:
        return pq.read_table(table_path(tmp_path, name)).to_pylist()

    assert [(a["person_id"], a["suitability"]) for a in rows("assessments")] == [
        (person.pk, "not-initially-suitable")
    ]
    assert [(a["assessment_id"], a["kind"]) for a in rows("route_actions")] == [
        (assessment.pk, "offered")
    ]
    consents = sorted(rows("consents"), key=lambda c: int(str(c["consent_id"])))
    assert [(c["recipient_service_id"], c["state"]) for c in consents] == [
        (area.drugs.pk, "given"),
        (area.drugs.pk, "withdrawn"),
    ]
