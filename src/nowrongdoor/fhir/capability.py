"""The CapabilityStatement (`/fhir/metadata`) and the one search parameter of each type."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import version
from typing import Any

from nowrongdoor.services.exchange import KINDS

# When what this server offers last changed (CapabilityStatement.date).
CHANGED = "2026-12-07"


@dataclass(frozen=True)
class SearchParam:
    name: str
    type: str
    definition: str


PATIENT = SearchParam(
    "patient", "reference", "http://hl7.org/fhir/SearchParameter/clinical-patient"
)
SEARCH: dict[str, SearchParam] = {
    "Patient": SearchParam("_id", "token", "http://hl7.org/fhir/SearchParameter/Resource-id"),
    "QuestionnaireResponse": SearchParam(
        "patient", "reference", "http://hl7.org/fhir/SearchParameter/QuestionnaireResponse-patient"
    ),
    "Communication": SearchParam(
        "patient", "reference", "http://hl7.org/fhir/SearchParameter/Communication-patient"
    ),
}


def search_param(kind: str) -> SearchParam:
    """Search is by one person only: `_id` for Patient, `patient` for everything else."""
    return SEARCH.get(kind, PATIENT)


def capability_statement(base: str) -> dict[str, Any]:
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": CHANGED,
        "publisher": "nowrongdoor",
        "kind": "instance",
        "software": {"name": "nowrongdoor", "version": version("nowrongdoor")},
        "implementation": {
            "description": "nowrongdoor: co-occurring mental health and alcohol/drug care",
            "url": base,
        },
        "fhirVersion": "4.0.1",
        "format": ["json"],
        "rest": [
            {
                "mode": "server",
                "documentation": "Read, and search by one patient (all matches in one page). "
                "A record the caller may not see is answered 404, as one that does not exist.",
                "security": {
                    "description": "A bearer token (Authorization: Bearer nwd_...) or a "
                    "signed-in session. Staff see a person's record only through a service "
                    "with an open episode of care or the person's consent to share; without "
                    "that consent a service caring for them gets only what it recorded "
                    "itself. Every call is audited."
                },
                "resource": [_resource(kind) for kind in KINDS],
            }
        ],
    }


def _resource(kind: str) -> dict[str, Any]:
    param = search_param(kind)
    return {
        "type": kind,
        "interaction": [{"code": "read"}, {"code": "search-type"}],
        "searchParam": [{"name": param.name, "type": param.type, "definition": param.definition}],
    }
