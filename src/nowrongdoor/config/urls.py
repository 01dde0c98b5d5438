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

# The error pages, in the NHS.UK style with a way back (a refused record's 404 is the same page).
handler403 = "nowrongdoor.web.errors.forbidden"
handler404 = "nowrongdoor.web.errors.not_found"
handler500 = "nowrongdoor.web.errors.server_error"
