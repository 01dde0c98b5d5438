"""Use cases: one function each, called by the web app, the API and the CLI alike.

Each runs in one database transaction that also writes its audit event, so a change and
its audit record are saved together or not at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nowrongdoor.services.actor import Actor


@contextmanager
def use_case(actor: Actor) -> Iterator[None]:
    """One transaction for a use case and its audit events; a refused attempt is rolled
    back and then audited in a transaction of its own, so the refusal is never lost."""
    from django.db import transaction

    from nowrongdoor.errors import AccessDenied
    from nowrongdoor.services import audit

    try:
        with transaction.atomic():
            yield
    except AccessDenied as denied:
        with transaction.atomic():
            audit.record(actor, denied.action, person_id=denied.person_id, outcome="denied")
        raise
