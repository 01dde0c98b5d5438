"""The FHIR R4 REST API at /fhir: read and search-by-patient over the exchange builders
(docs/decisions/0010-fhir-rest-api.md)."""
