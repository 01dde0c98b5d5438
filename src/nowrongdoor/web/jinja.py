"""The Jinja2 environment for the pages: NHS.UK component macros, `url`, `static`, messages."""

from __future__ import annotations

from typing import Any

from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import reverse
from jinja2 import ChainableUndefined, Environment

Option = tuple[str, str]  # (value, label)


def radio_item(option: Option, current: str) -> dict[str, Any]:
    return {"value": option[0], "text": option[1], "checked": option[0] == current}


def check_item(option: Option, chosen: list[str]) -> dict[str, Any]:
    return {"value": option[0], "text": option[1], "checked": option[0] in chosen}


def select_item(option: Option, current: str) -> dict[str, Any]:
    return {"value": option[0], "text": option[1], "selected": option[0] == current}


def environment(**options: Any) -> Environment:
    # nhsuk-frontend-jinja's macros read optional parameters as attributes of undefined values.
    options["undefined"] = ChainableUndefined
    from nowrongdoor.web.once import form_key  # models: only once the apps are ready

    env = Environment(**options)
    env.globals.update({"static": static, "url": reverse, "messages": get_messages})
    env.globals["form_key"] = form_key  # each form's idempotency key (the `csrf()` macro)
    from nowrongdoor.records.people.nhs_number import spaced_nhs_number
    from nowrongdoor.services.staff import staff_label
    from nowrongdoor.web import chrome  # the header and the person banner (models too)

    env.globals.update(
        {
            "navigation": chrome.navigation,
            "account": chrome.account,
            "person_banner": chrome.banner,
            "staff": staff_label,
        }
    )
    env.filters["nhs_number"] = spaced_nhs_number
    env.filters.update(
        {"radio_item": radio_item, "check_item": check_item, "select_item": select_item}
    )
    return env
