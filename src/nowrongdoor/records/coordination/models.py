from __future__ import annotations

from django.conf import settings
from django.db import models

from nowrongdoor.records.directory.models import Service
from nowrongdoor.records.people.models import Person


class CoordinationBasis(models.TextChoices):
    CPA = "cpa", "Care Programme Approach"
    CASE_MANAGER = "case-manager", "Case manager"


class CareCoordinator(models.Model):
    """The named care coordinator (PHE-COOC App5 §2). At most one active per person;
    a handover ends one row and starts the next, so the history is kept."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="coordinators")
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT)
    basis = models.CharField(max_length=20, choices=CoordinationBasis.choices)
    started = models.DateTimeField(auto_now_add=True)
    ended = models.DateTimeField(null=True, blank=True)
    handover_note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(ended__isnull=True),
                name="one_active_coordinator",
            )
        ]


# The sections of a care plan (PHE-COOC App5 §3).
CARE_PLAN_SECTIONS = (
    "needs",  # physical health, social care and other support needs
    "barriers_to_self_care",
    "crisis_plan",  # agreed with the person
    "discharge_and_transition",
    "recovery_capital_and_support",
    "other_behaviours",  # other behaviours affecting health
    "wellbeing_activities",
)


class CarePlan(models.Model):
    """One shared care plan per person; its content lives in versions, never overwritten."""

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="care_plan")
    version = models.PositiveIntegerField(default=0)  # the optimistic-lock counter


class CarePlanVersion(models.Model):
    plan = models.ForeignKey(CarePlan, on_delete=models.PROTECT, related_name="versions")
    # The service that wrote this version: what it recorded itself, whatever the person's
    # consent (docs/decisions/0018). Null only for versions whose service is not known.
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.PROTECT)
    number = models.PositiveIntegerField()
    sections = models.JSONField()
    next_review = models.DateField()
    agreed_with_person = models.BooleanField(default=False)
    change_summary = models.TextField(blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="one_number_per_version")
        ]


class WithheldReason(models.TextChoices):
    """Why a case note is not for the person: the grounds on which a subject access request
    may leave information out (information about someone else; serious harm)."""

    THIRD_PARTY = "third-party", "It is about someone else (third-party information)"
    SERIOUS_HARM = "serious-harm", "Seeing it would be likely to cause serious harm"


class CaseNote(models.Model):
    """Communication between reviews (PHE-COOC App5 §5).

    A note may be marked not for the person, with the reason: it is then left out of
    everything the person sees of their record (their space, the API, their download).
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="case_notes")
    service = models.ForeignKey(Service, on_delete=models.PROTECT)
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)
    withheld_reason = models.CharField(max_length=20, choices=WithheldReason.choices, blank=True)
    withheld_detail = models.TextField(blank=True)

    @property
    def not_for_person(self) -> bool:
        return bool(self.withheld_reason)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(withheld_reason="") | ~models.Q(withheld_detail=""),
                name="withheld_note_says_why",
            )
        ]


class RecoveryGoal(models.Model):
    """The person's own goal, in their words (DS-BRIC "key components of recovery planning")."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="recovery_goals")
    in_their_words = models.TextField()
    written_by_person = models.BooleanField(default=False)
    # The service that wrote it down with the person; null when the person wrote it in their
    # own space (then every service caring for them sees it: docs/decisions/0018).
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.PROTECT)
    last_reviewed = models.DateField(null=True, blank=True)
    achieved = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)


# Before discharge or transfer (PHE-COOC App5 §6).
DISCHARGE_CHECKLIST = (
    "housing_support",
    "safety_plan_and_how_to_get_back_in_touch",
    "crisis_and_contingency_plan_including_suicide_and_overdose_risk",
    "information_shared_with_receiving_service",
)


class Discharge(models.Model):
    episode = models.OneToOneField(
        "care.EpisodeOfCare", on_delete=models.PROTECT, related_name="discharge_record"
    )
    checklist = models.JSONField()  # item -> bool, for DISCHARGE_CHECKLIST
    incomplete_reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(auto_now_add=True)


class RecoveryCheckUp(models.Model):
    """A scheduled check-up after treatment (UK-ALC 2.6.5)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="check_ups")
    service = models.ForeignKey(Service, on_delete=models.PROTECT)
    due = models.DateField()
    done = models.DateField(null=True, blank=True)


class Carer(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="carers")
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.PROTECT)
    name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=100)
    consent_to_involve = models.BooleanField(default=False)
    offered_carer_assessment = models.BooleanField(default=False)


class SafeguardingStatus(models.TextChoices):
    NONE = "none"
    CHILD_IN_NEED = "child-in-need"
    CHILD_PROTECTION = "child-protection"
    LOOKED_AFTER = "looked-after"
    NOT_KNOWN = "not-known"


class Child(models.Model):
    """Number, ages and whereabouts of children (DS-BRIC "safeguard children")."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="children")
    # The service that recorded them (what it sees whatever the consent: decision 0018).
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.PROTECT)
    year_of_birth = models.PositiveIntegerField()
    lives_with_person = models.BooleanField()
    whereabouts = models.CharField(max_length=200, blank=True)
    safeguarding_status = models.CharField(
        max_length=20, choices=SafeguardingStatus.choices, default=SafeguardingStatus.NOT_KNOWN
    )
