"""The OpenAPI docs page: Swagger UI from django-ninja's own static files (same origin, no
CDN), served under the app's Content-Security-Policy."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from ninja.openapi.docs import Swagger

from nowrongdoor.web.security import POLICY

if TYPE_CHECKING:
    from ninja import NinjaAPI


class SameOriginSwagger(Swagger):
    """Ninja's page loads `swagger-ui-bundle.js` and its start-up script from /static/ and
    keeps its settings in a JSON data block, so the app's policy (no inline script, nothing
    from another origin) holds on the docs page too."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        response = super().render_page(request, api, **kwargs)
        nonce = getattr(request, "csp_nonce", "")
        response.headers["Content-Security-Policy"] = POLICY.format(nonce=nonce)
        return response
