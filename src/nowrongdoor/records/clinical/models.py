from __future__ import annotations

from django.conf import settings
from django.db import models

from nowrongdoor.records.directory.models import Service
from nowrongdoor.records.people.models import Person


class Screening(models.Model):
    """A scored instrument: the answers as given and what the scoring engine made of them."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="screenings")
    service = models.ForeignKey(Service, on_delete=models.PROTECT)
    instrument = models.CharField(max_length=40)
    instrument_version = models.CharField(max_length=20)
    answers = models.JSONField()
    points = models.JSONField()
    total = models.FloatField()
    band = models.CharField(max_length=40, null=True)
    flags = models.JSONField(default=list)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(auto_now_add=True)


class Assessment(models.Model):
    """A pathway assessment: the case as known, the rule set that judged it, the output."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="assessments")
    service = models.ForeignKey(Service, on_delete=models.PROTECT)
    case = models.JSONField()
    ruleset_name = models.CharField(max_length=80)
    ruleset_version = models.CharField(max_length=20)
    ruleset_sha256 = models.CharField(max_length=64)
    output = models.JSONField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(auto_now_add=True)


class SelfCompletionLink(models.Model):
    """A single-use, expiring link the person opens (on their phone) to answer a questionnaire.

    Only the token's sha256 is stored, so the database alone cannot be used to answer for
    someone; the link is spent when answered, and refused after `expires_at`.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="self_links")
    service = models.ForeignKey(Service, on_delete=models.PROTECT)
    instrument = models.CharField(max_length=40)
    token_sha256 = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    screening = models.OneToOneField(
        Screening, null=True, blank=True, on_delete=models.PROTECT, related_name="self_link"
    )
