from __future__ import annotations

from django.conf import settings
from django.db import models

from nowrongdoor.records.care.models import Consent
from nowrongdoor.records.directory.models import Service
from nowrongdoor.records.people.models import Person


class ReferralStatus(models.TextChoices):
    SENT = "sent"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class Referral(models.Model):
    """A referral from one service to another, sent only with consent (or an override).

    No wrong door applies to services too: a decline must name the alternative route
    offered (PHE-COOC action 12), which the database also enforces.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="referrals")
    from_service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="referrals_out"
    )
    to_service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="referrals_in")
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT)
    reason = models.TextField()
    recommendation_code = models.CharField(max_length=60, blank=True)
    status = models.CharField(
        max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    sent_at = models.DateTimeField(auto_now_add=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    alternative_route = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="declined", alternative_route=""),
                name="decline_needs_alternative_route",
            )
        ]


class ActionKind(models.TextChoices):
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    REFERRED = "referred"


class RecommendationAction(models.Model):
    """What the practitioner did about one recommendation of a stored assessment."""

    assessment = models.ForeignKey(
        "clinical.Assessment", on_delete=models.PROTECT, related_name="actions"
    )
    code = models.CharField(max_length=60)
    kind = models.CharField(max_length=10, choices=ActionKind.choices)
    note = models.TextField(blank=True)
    referral = models.ForeignKey(Referral, null=True, blank=True, on_delete=models.PROTECT)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(auto_now_add=True)
