from __future__ import annotations

from django.conf import settings
from django.db import models

SETTINGS = [
    ("iapt", "NHS Talking Therapies"),
    ("drug-alcohol-service", "Drug and alcohol service"),
    ("primary-care", "Primary care"),
    ("emergency-department", "Emergency department"),
    ("sexual-health", "Sexual health"),
    ("mental-health-secondary", "Secondary mental health"),
    ("criminal-justice", "Criminal justice"),
    ("prison", "Prison"),
    ("homelessness-service", "Homelessness service"),
    ("social-care", "Social care"),
    ("other", "Other"),
]


class Role(models.TextChoices):
    PRACTITIONER = "practitioner"
    CARE_COORDINATOR = "care-coordinator"
    SERVICE_MANAGER = "service-manager"
    COMMISSIONER = "commissioner"
    ADMIN = "admin"
    PERSON = "person"


CLINICAL_ROLES = (Role.PRACTITIONER, Role.CARE_COORDINATOR, Role.SERVICE_MANAGER)


class Organisation(models.Model):
    name = models.CharField(max_length=200)
    ods_code = models.CharField("ODS code", max_length=10, blank=True)

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="services"
    )
    name = models.CharField(max_length=200)
    setting = models.CharField(max_length=40, choices=SETTINGS)

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's role in one service (or area-wide, for commissioners and admins)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.PROTECT)
    role = models.CharField(max_length=20, choices=Role.choices)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "service", "role"], name="one_role_per_service")
        ]


class ApiToken(models.Model):
    """A bearer token for another system acting as a user; only its sha256 is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    key_sha256 = models.CharField(max_length=64, unique=True)
    label = models.CharField(max_length=100, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    active = models.BooleanField(default=True)
