"""FHIR responses: `application/fhir+json`, and every failure as an OperationOutcome."""

from __future__ import annotations

from typing import Any

from django.http import JsonResponse

FHIR_JSON = "application/fhir+json"


def fhir_response(resource: dict[str, Any], status: int = 200) -> JsonResponse:
    return JsonResponse(resource, status=status, content_type=f"{FHIR_JSON}; charset=utf-8")


class Problem(Exception):
    """A request answered with an OperationOutcome: HTTP status, FHIR issue type, one line
    saying what is wrong and, for a bad parameter, its name (`expression`)."""

    def __init__(
        self,
        status: int,
        code: str,
        diagnostics: str,
        expression: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(diagnostics)
        self.status, self.code, self.diagnostics = status, code, diagnostics
        self.expression, self.headers = expression, headers or {}

    def response(self) -> JsonResponse:
        issue: dict[str, Any] = {
            "severity": "error",
            "code": self.code,
            "diagnostics": self.diagnostics,
        }
        if self.expression is not None:
            issue["expression"] = [self.expression]
        response = fhir_response(
            {"resourceType": "OperationOutcome", "issue": [issue]}, self.status
        )
        for name, value in self.headers.items():
            response[name] = value
        return response


def not_found(what: str) -> Problem:
    """The same answer whether the record is missing or the caller may not see it, so the
    API never confirms that a record exists."""
    return Problem(404, "not-found", f"{what}: not found")
