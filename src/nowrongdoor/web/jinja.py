"""The Jinja2 environment for the pages: NHS.UK component macros, `url`, `static`, CSRF."""

from __future__ import annotations

from typing import Any

from django.templatetags.static import static
from django.urls import reverse
from jinja2 import ChainableUndefined, Environment


def environment(**options: Any) -> Environment:
    # nhsuk-frontend-jinja's macros read optional parameters as attributes of undefined values.
    options["undefined"] = ChainableUndefined
    env = Environment(**options)
    env.globals.update({"static": static, "url": reverse})
    return env
