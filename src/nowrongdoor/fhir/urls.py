"""/fhir: the CapabilityStatement, read and search; everything else an OperationOutcome."""

from __future__ import annotations

from django.urls import path, re_path

from nowrongdoor.fhir import views

app_name = "fhir"
urlpatterns = [
    path("metadata", views.metadata, name="metadata"),
    path("<str:type_name>", views.search, name="search"),
    path("<str:type_name>/<str:resource_id>", views.read, name="read"),
    re_path(r"^(?P<rest>.*)$", views.unsupported),
]
