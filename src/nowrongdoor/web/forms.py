"""What was typed and what was wrong with it, so a failed submit comes back with nothing lost
and each error beside its field (and in the summary at the top, linked to the field).

Use cases raise `InputError` naming a dotted field (`answers.3`, `alcohol.units_per_day`);
a form field carries the same name, so the error lands beside it without a mapping table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from nowrongdoor.errors import Conflict, InputError

T = TypeVar("T")
FORM = "form"  # errors that belong to no one field (e.g. someone else saved first)


def field_id(name: str) -> str:
    """An element id for a field name: dots become dashes, so `#answers-3` is a plain link."""
    return name.replace(".", "-")


class Form:
    def __init__(self, values: Mapping[str, Any] | None = None) -> None:
        self.values: Mapping[str, Any] = values if values is not None else {}
        self.errors: dict[str, str] = {}

    def value(self, name: str, default: str = "") -> str:
        found = self.values.get(name, default)
        return found if isinstance(found, str) else default

    def values_of(self, name: str) -> list[str]:
        """Every value of a repeated field (checkboxes), from a QueryDict or a plain dict."""
        getlist = getattr(self.values, "getlist", None)
        if getlist is not None:
            return list(getlist(name))
        found = self.values.get(name, [])
        return list(found) if isinstance(found, list | tuple) else [found]

    def fail(self, field: str, message: str) -> None:
        self.errors.setdefault(field, message)

    def fail_with(self, error: InputError, as_field: str | None = None) -> None:
        """Beside the field: the message without the field name the CLI puts first."""
        text = str(error)
        prefix = f"{error.field}: "
        message = text[len(prefix) :] if text.startswith(prefix) else text
        self.fail(as_field or error.field, message)

    def error(self, name: str) -> dict[str, str] | bool:
        """The `errorMessage` parameter of an NHS.UK macro for this field."""
        message = self.errors.get(name)
        return {"text": message} if message else False

    @property
    def summary(self) -> list[dict[str, str]]:
        """The error summary's list, each linked to its field."""
        return [
            {"text": message, "href": "#" + field_id(field if field != FORM else "main-content")}
            for field, message in self.errors.items()
        ]

    def attempt(self, action: Callable[[], T], fields: Mapping[str, str] | None = None) -> T | None:
        """Run a use case; on bad input or a lost race, keep the error and return None.

        `fields` renames a use case's field to the form's, where one form holds several
        (`kind` of the recommendation on this card is `kind.CODE`).
        """
        try:
            return action()
        except InputError as error:
            self.fail_with(error, (fields or {}).get(error.field))
        except Conflict as error:
            self.fail(FORM, str(error))
        return None
