"""URL map: the API under /api/ (OpenAPI and docs at /api/docs), FHIR R4 under /fhir/, the
pages at /."""

from __future__ import annotations

from django.urls import include, path

from nowrongdoor.api.main import api

urlpatterns = [
    path("api/", api.urls),
    path("fhir/", include("nowrongdoor.fhir.urls")),
    path("", include("nowrongdoor.web.urls")),
]
