from __future__ import annotations

from django.conf import settings
from django.db import models

from nowrongdoor.records.directory.models import Service
from nowrongdoor.records.people.models import Person


class EpisodeStatus(models.TextChoices):
    REFERRAL_RECEIVED = "referral-received"
    ASSESSED = "assessed"
    IN_TREATMENT = "in-treatment"
    DISCHARGED = "discharged"


class DischargeType(models.TextChoices):
    PLANNED = "planned"
    UNPLANNED = "unplanned"
    TRANSFER = "transfer"  # care continues at another service (PHE-COOC App5 §6)
    # NDTMS discharge reasons that are neither completion nor drop-out (INDICATORS.md):
    DIED = "died"  # deaths in treatment, a local measure
    PRISON = "prison"  # went into custody; care should follow into the prison's service
    RELEASED = "released"  # left a prison service on release (continuity of care after prison)


class EpisodeOfCare(models.Model):
    """A person's time with one service, dated at each step so waits can be computed."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="episodes")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="episodes")
    status = models.CharField(max_length=20, choices=EpisodeStatus.choices)
    referral_received = models.DateField()
    assessed = models.DateField(null=True, blank=True)
    treatment_started = models.DateField(null=True, blank=True)
    discharged = models.DateField(null=True, blank=True)
    discharge_type = models.CharField(max_length=10, choices=DischargeType.choices, blank=True)
    discharge_reason = models.TextField(blank=True)

    @property
    def active(self) -> bool:
        return self.status != EpisodeStatus.DISCHARGED


class ConsentState(models.TextChoices):
    GIVEN = "given"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


class Consent(models.Model):
    """One decision about sharing with one service for one purpose; the latest one counts.

    Rows are never edited: withdrawing is a new row. A safeguarding override is recorded
    with its reason and flagged for review (UK-ALC 2.2.4).
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="consents")
    recipient = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="consents_in")
    purpose = models.CharField(max_length=40, default="care")
    state = models.CharField(max_length=10, choices=ConsentState.choices)
    safeguarding_override = models.BooleanField(default=False)
    override_reason = models.TextField(blank=True)
    flagged_for_review = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    # The service whose staff recorded it (null: the person, in their own space): a service
    # always sees the decisions it recorded and those about itself (docs/decisions/0018).
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(safeguarding_override=True, override_reason=""),
                name="override_needs_reason",
            )
        ]
