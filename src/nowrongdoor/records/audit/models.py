from __future__ import annotations

from django.db import models


class AuditEvent(models.Model):
    """Who did what to whose record, when and why; `hash` chains it to the event before.

    hash = sha256(previous hash + the canonical JSON of this event's fields). Rows are never
    updated or deleted: database triggers refuse both (migration 0002).
    """

    sequence = models.BigIntegerField(unique=True)
    at = models.DateTimeField()
    actor = models.CharField(max_length=150)
    role = models.CharField(max_length=20)
    service_id = models.BigIntegerField(null=True)
    action = models.CharField(max_length=60)
    person_id = models.BigIntegerField(null=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=60, blank=True)
    outcome = models.CharField(max_length=10, default="allowed")
    reason = models.TextField(blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["sequence"]


class AuditHead(models.Model):
    """The latest sequence and hash, kept beside the chain so a cut-off tail is detected."""

    sequence = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)
