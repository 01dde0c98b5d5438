"""A score as FHIR R4: a Bundle of the QuestionnaireResponse and an Observation of the total.

The Observation carries the instrument's LOINC total code, the total as its value, the band
as interpretation text and every flag as a component, so a receiving system cannot show the
score without its risk flags. Identifiers are UUIDs derived from the content (no clock, no
randomness), so the same response always gives the same Bundle.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from nowrongdoor.guidance.questionnaire import Instrument
from nowrongdoor.guidance.scoring import Score

FLAG_SYSTEM = "https://nowrongdoor.org/fhir/CodeSystem/score-flag"
BAND_SYSTEM = "https://nowrongdoor.org/fhir/CodeSystem/score-band"
NAMESPACE = uuid.UUID("6f6e6f77-726f-6e67-646f-6f7200000001")


def _value(points: int | float) -> dict[str, Any]:
    return {"valueInteger": points} if isinstance(points, int) else {"valueDecimal": points}


def score_bundle(instrument: Instrument, score: Score) -> dict[str, Any]:
    """Build and validate the Bundle for one scored response."""
    canonical = instrument.url
    if canonical and instrument.version:
        canonical += f"|{instrument.version}"
    chosen = score.chosen or tuple(
        (instrument.items[i], instrument.items[i].options[p].coding)
        for i, p in enumerate(score.positions or ())
    )
    response: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "item": [
            {"linkId": item.link_id, "answer": [{"valueCoding": c.to_fhir()}]}
            | ({"text": item.text} if item.text else {})
            for item, c in chosen
        ],
    }
    if canonical:
        response["questionnaire"] = canonical
    seed = json.dumps([instrument.name, score.to_json(), response], sort_keys=True)
    response_id = f"urn:uuid:{uuid.uuid5(NAMESPACE, 'response:' + seed)}"
    code = instrument.total_code or instrument.code
    observation: dict[str, Any] = {
        "resourceType": "Observation",
        "status": "final",
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                        "code": "survey",
                    }
                ]
            }
        ],
        "code": {"coding": [code.to_fhir()], "text": f"{instrument.title} total score"}
        if code
        else {"text": f"{instrument.title} total score"},
        **_value(score.total),
        "derivedFrom": [{"reference": response_id}],
        "component": [
            {
                "code": {"coding": [{"system": FLAG_SYSTEM, "code": flag}], "text": flag},
                "valueBoolean": True,
            }
            for flag in score.flags
        ],
    }
    if score.band is not None:
        observation["interpretation"] = [
            {
                "coding": [{"system": BAND_SYSTEM, "code": score.band}],
                "text": score.band,
            }
        ]
    if not observation["component"]:
        del observation["component"]
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"fullUrl": response_id, "resource": response},
            {
                "fullUrl": f"urn:uuid:{uuid.uuid5(NAMESPACE, 'observation:' + seed)}",
                "resource": observation,
            },
        ],
    }
    from fhir.resources.R4B.bundle import Bundle  # heavy import: only when FHIR is asked for

    Bundle.model_validate(bundle)
    return bundle
