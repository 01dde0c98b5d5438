from __future__ import annotations

from django.conf import settings
from django.db import models


class IdempotencyKey(models.Model):
    """A submit, by the key its form or API client sent, and the first answer it got.

    Claimed (inserted) before the submit runs and written in the same transaction as what
    the submit saved: both are committed or neither is, and a second submit with the key
    waits on the unique constraint, then reads this row instead of saving again. Rows are
    kept until `expires_at` (services/once.py, `KEEP_FOR`), then deleted.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=1000)  # "api", or "web /people/7/notes" (the form's page)
    key = models.CharField(max_length=255)
    request_sha256 = models.CharField(max_length=64)  # the submit's fields or body, to compare
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    # What the submit saved: the last record its use cases wrote (from their audit events).
    kind = models.CharField(max_length=60, blank=True)
    record_id = models.CharField(max_length=60, blank=True)
    person_id = models.BigIntegerField(null=True)
    # The first answer: the page a form was sent on to, or the API's status and JSON body.
    location = models.TextField(blank=True)
    status = models.PositiveSmallIntegerField(null=True)
    body = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "scope", "key"], name="one_submit_per_key")
        ]
