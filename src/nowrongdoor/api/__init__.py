"""The REST API (django-ninja): the same use cases as the CLI and pages, OpenAPI at /api/docs."""
