"""The one error hierarchy of nowrongdoor, mapped once to exit codes and HTTP statuses.

Every error a user can cause is an `InputError`: it names the field at fault and says
what was expected, so the person can fix it without reading code. Anything else is a
defect in the product or its data and is reported as such.
"""

from __future__ import annotations


class NwdError(Exception):
    """Base of every error nowrongdoor raises on purpose."""

    exit_code = 1
    http_status = 500


class InputError(NwdError):
    """Bad input from a person or another system: exit 2 on the CLI, 422 on the API.

    `field` is the dotted path of what is wrong (`answers.9`, `alcohol.units_per_day`);
    `str(error)` is the one line shown to the user.
    """

    exit_code = 2
    http_status = 422

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class DataError(NwdError):
    """A data file shipped with (or added to) the product is inconsistent.

    Raised when an instrument or rule file is loaded, so a broken file can never score or
    decide anything: the bands must partition the range, flags must name real items.
    """


class AccessDenied(NwdError):
    """No care relationship, consent or safeguarding override allows this record to be seen.

    The attempt is audited by `services.use_case` once the use case's changes are rolled
    back. Exit 3 on the CLI, 403 on the API.
    """

    exit_code = 3
    http_status = 403

    def __init__(self, message: str, action: str = "", person_id: int | None = None) -> None:
        super().__init__(message)
        self.action, self.person_id = action, person_id


class Conflict(NwdError):
    """Someone else changed the record first (e.g. a care plan): reload and try again.

    Exit 4 on the CLI, 409 on the API; nothing of the losing change is saved.
    """

    exit_code = 4
    http_status = 409


class DuplicatePerson(Conflict):
    """The person may already be recorded: their NHS number is (always refused), or someone
    with the same name and date of birth is and the caller has not confirmed this is a
    different person. 409 on the API, naming `field`; nothing is saved.

    `matches` are the ids of the records the caller may see; a record it may not see is
    never named, so the refusal tells no more than that the NHS number is already known.
    """

    def __init__(self, field: str, message: str, matches: tuple[int, ...] = ()) -> None:
        super().__init__(message)
        self.field, self.matches = field, matches
