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
