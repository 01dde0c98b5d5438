"""The error pages, in the NHS.UK style, each with a way back (Django's handler404,
handler403 and handler500, and the CSRF failure view).

"Not found" is one page, the same for a record that does not exist and for one the user may
not see (`pages.signed_in` turns a refusal into a 404), so it never tells them apart. The
server error page draws no header that needs the database, since the fault may be there.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render

log = logging.getLogger(__name__)
PLAIN_500 = (
    "<!DOCTYPE html><html lang='en'><title>Sorry, there is a problem with the service</title>"
    "<h1>Sorry, there is a problem with the service</h1><p>Try again later.</p>"
    "<p><a href='/'>Go to your home page</a></p></html>"
)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/errors/404.jinja", status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/errors/403.jinja", {"expired_form": False}, status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its security token (or with an old one): say what to do."""
    return render(request, "web/errors/403.jinja", {"expired_form": True}, status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    try:
        return render(request, "web/errors/500.jinja", status=500)
    except Exception:  # the page itself failed: still answer, plainly
        log.exception("the server error page could not be drawn")
        return HttpResponseServerError(PLAIN_500)
