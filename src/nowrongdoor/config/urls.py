"""URL map: the API under /api/ (its OpenAPI document and docs at /api/docs)."""

from __future__ import annotations

from django.urls import path

from nowrongdoor.api.main import api

urlpatterns = [path("api/", api.urls)]
