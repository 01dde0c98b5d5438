"""A submit saves once: the same form or API request sent again (a double click, the back
button then submit, a retry on a slow network) gets the first answer, and nothing is saved.

Every rendered form carries a key of its own, and an API client may send one in the
`Idempotency-Key` header. `run_once` claims the key (a row under a unique constraint on user,
scope and key) *before* the submit runs, in the transaction its use cases then join, and fills
the row in with the answer and with what was saved before that transaction commits. So a key
is never kept without its record, nor a record without its key; and a second submit with the
key, even at the same moment, waits on the constraint and is then answered from the first.

A submit that saves nothing (bad input, a refusal, a lost race) gives its key back, so the
corrected submit of the same form saves once. Keys are kept for `KEEP_FOR`, then forgotten:
the same key after that is a new submit. See docs/decisions/0020-forms-that-never-save-twice.md.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from nowrongdoor.errors import Conflict
from nowrongdoor.records.audit.models import AuditEvent, AuditHead
from nowrongdoor.records.idempotency.models import IdempotencyKey
from nowrongdoor.services import audit, use_case
from nowrongdoor.services.actor import Actor

KEEP_FOR = timedelta(hours=24)
PURGE_AT_MOST = 200  # other users' expired keys deleted by one submit, so none waits long
R = TypeVar("R")


@dataclass(frozen=True)
class Submit:
    """One submit: who sent it, where (`api`, or `web <the form's page>`), with which key,
    and a digest of what was sent, to tell a repeat from a different request."""

    user: User
    scope: str
    key: str
    request_sha256: str


@dataclass(frozen=True)
class Answer:
    """What a saved submit was answered, kept for its repeats: the page a form was sent on to,
    or an API response's status and JSON body."""

    location: str = ""
    status: int | None = None
    body: str = ""


def digest(*parts: str | bytes) -> str:
    """A digest of a request's parts, each length-prefixed so no two requests share one."""
    hashed = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hashed.update(f"{len(data)}:".encode())
        hashed.update(data)
    return hashed.hexdigest()


def first_answer(submit: Submit) -> IdempotencyKey | None:
    """The saved submit with this key, while it is kept."""
    return IdempotencyKey.objects.filter(
        user=submit.user, scope=submit.scope, key=submit.key, expires_at__gt=timezone.now()
    ).first()


class _Taken(Exception):
    """Another submit with the key claimed it first (and has committed by now)."""


def run_once(
    submit: Submit, run: Callable[[], R], answered: Callable[[R], Answer | None]
) -> R | IdempotencyKey:
    """`run()` once per key: its result, or the first submit's row when this is a repeat.

    `answered` says what to keep of a result that saved something, or None if it saved
    nothing (the key is then given back). Everything `run` writes commits with the key.
    """
    found = first_answer(submit)
    if found is not None:
        return found
    try:
        with transaction.atomic():
            claim = _claim(submit)
            since = AuditHead.objects.filter(pk=1).values_list("sequence", flat=True).first()
            result = run()
            answer = answered(result)
            if answer is None:
                claim.delete()
            else:
                _keep(claim, answer, since or 0)
            return result
    except _Taken:
        pass
    found = first_answer(submit)
    if found is None:  # the winner's key expired in between: practically never
        raise Conflict("this was sent twice at the same moment: check it was saved, then resend")
    return found


def _claim(submit: Submit) -> IdempotencyKey:
    """Insert the key (waiting for any other submit holding it); forget expired keys."""
    now = timezone.now()
    expired = IdempotencyKey.objects.filter(expires_at__lte=now)
    expired.filter(user=submit.user, scope=submit.scope, key=submit.key).delete()
    # Others' expired keys (an API body may hold personal data): those no one else is
    # deleting at this moment, a few at a time.
    stale = expired.select_for_update(skip_locked=True).values_list("pk", flat=True)
    IdempotencyKey.objects.filter(pk__in=list(stale[:PURGE_AT_MOST])).delete()
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(
                user=submit.user,
                scope=submit.scope,
                key=submit.key,
                request_sha256=submit.request_sha256,
                created_at=now,
                expires_at=now + KEEP_FOR,
            )
    except IntegrityError:
        raise _Taken from None


def _keep(claim: IdempotencyKey, answer: Answer, since: int) -> None:
    """The answer, and what was saved: the last record the submit's use cases wrote, as
    their audit events name it (reads are not saves)."""
    saved = (
        AuditEvent.objects.filter(
            sequence__gt=since, actor=claim.user.get_username(), outcome="allowed"
        )
        .exclude(action__endswith=".read")
        .order_by("-sequence")
        .first()
    )
    if saved is not None:
        claim.kind, claim.record_id, claim.person_id = (
            saved.object_type,
            saved.object_id,
            saved.person_id,
        )
    claim.location, claim.status, claim.body = answer.location, answer.status, answer.body
    claim.save(update_fields=["kind", "record_id", "person_id", "location", "status", "body"])


def repeat(user: User, first: IdempotencyKey) -> None:
    """A repeat is answered from the first submit's answer: audited, as a read of what was
    saved. Not checked again for access: the repeat of a discharge that ended this
    service's care must still be told it was saved (see the decision)."""
    actor = Actor.of(user)
    with use_case(actor):
        audit.record(
            actor,
            "submission.repeat",
            person_id=first.person_id,
            obj=first,
            reason=f"first saved {first.kind} {first.record_id}".rstrip(),
        )
