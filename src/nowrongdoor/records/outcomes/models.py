"""Outcome records: TOP interviews, and Talking Therapies courses with their session measures.

Every answer is nullable: on the TOP form "NA" (not disclosed, not answered) is distinct
from zero, and a session without a PHQ-9 is not a session scoring 0. Ranges are checked by
validators for friendly errors and by database constraints so no path around the use cases
can store an impossible value.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from nowrongdoor.guidance.outcomes import (
    DAYS_MAX,
    GAD7_MAX,
    PHQ9_MAX,
    RATING_MAX,
    TOP_FIELDS,
)
from nowrongdoor.records.directory.models import Service
from nowrongdoor.records.people.models import Person


class TopStage(models.TextChoices):
    START = "start"
    REVIEW = "review"
    EXIT = "exit"
    POST_EXIT = "post-exit"


def _range(maximum: int) -> list[MinValueValidator | MaxValueValidator]:
    return [MinValueValidator(0), MaxValueValidator(maximum)]


def _days(help_text: str) -> models.PositiveSmallIntegerField[int | None, int | None]:
    return models.PositiveSmallIntegerField(
        null=True, blank=True, validators=_range(DAYS_MAX), help_text=help_text
    )


def _amount(unit: str) -> models.DecimalField[Decimal | int | None, Decimal | None]:
    return models.DecimalField(
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=f"typical amount on a using day, {unit}",
    )


def _rating(help_text: str) -> models.PositiveSmallIntegerField[int | None, int | None]:
    return models.PositiveSmallIntegerField(
        null=True, blank=True, validators=_range(RATING_MAX), help_text=help_text
    )


def _yes_no(help_text: str) -> models.BooleanField[bool | None, bool | None]:
    return models.BooleanField(null=True, blank=True, help_text=help_text)


def _in_range(name: str, maximum: int) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{name}__isnull": True})
        | Q(**{f"{name}__gte": 0, f"{name}__lte": maximum}),
        name=f"%(app_label)s_%(class)s_{name}_range",
    )


class TopRecord(models.Model):
    """One Treatment Outcomes Profile interview: the 28 days before `date` (NDTMS TOP)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="top_records")
    service = models.ForeignKey(Service, on_delete=models.PROTECT)
    stage = models.CharField(max_length=10, choices=TopStage.choices)
    date = models.DateField(help_text="interview date; answers cover the 28 days before it")

    alcohol_days = _days("days drank alcohol")
    alcohol_amount = _amount("units")
    opioids_days = _days("days used illicit opiates/opioids")
    opioids_amount = _amount("g")
    crack_days = _days("days used crack")
    crack_amount = _amount("g")
    cocaine_days = _days("days used cocaine")
    cocaine_amount = _amount("g")
    amphetamines_days = _days("days used amphetamines")
    amphetamines_amount = _amount("g")
    cannabis_days = _days("days used cannabis")
    cannabis_amount = _amount("spliffs")
    other_substance_name = models.CharField(max_length=80, blank=True)
    other_substance_days = _days("days used the other problem substance")
    other_substance_amount = _amount("g")
    tobacco_days = _days("days used tobacco")
    tobacco_amount = _amount("cigarettes")

    injecting_days = _days("days injected non-prescribed drugs")
    shared_equipment = _yes_no("injected with a needle, syringe, spoon, water or filter shared")

    shoplifting_days = _days("days shoplifting")
    drug_selling_days = _days("days selling drugs")
    vehicle_theft = _yes_no("theft from or of a vehicle")
    other_theft_burglary = _yes_no("other property theft or burglary")
    fraud_forgery = _yes_no("fraud, forgery or handling stolen goods")
    assault_violence = _yes_no("committed assault or violence")

    psychological_health = _rating("self-rated psychological health, 0 poor to 20 good")
    physical_health = _rating("self-rated physical health, 0 poor to 20 good")
    quality_of_life = _rating("self-rated overall quality of life, 0 poor to 20 good")
    paid_work_days = _days("days of paid work")
    college_days = _days("days at college or school")
    acute_housing_problem = _yes_no("acute housing problem")
    risk_of_eviction = _yes_no("at risk of eviction")

    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(stage__in=TopStage.values), name="outcomes_toprecord_stage"
            ),
            *(
                _in_range(f.name, DAYS_MAX if f.kind == "days" else RATING_MAX)
                for f in TOP_FIELDS
                if f.kind in ("days", "rating")
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{f.name}__isnull": True}) | Q(**{f"{f.name}__gte": 0}),
                    name=f"outcomes_toprecord_{f.name}_range",
                )
                for f in TOP_FIELDS
                if f.kind == "amount"
            ),
        ]


class TherapyCourse(models.Model):
    """One NHS Talking Therapies course of treatment at one service."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="therapy_courses")
    service = models.ForeignKey(Service, on_delete=models.PROTECT)
    started = models.DateField()
    ended = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(ended__isnull=True) | Q(ended__gte=models.F("started")),
                name="outcomes_therapycourse_ends_after_start",
            )
        ]


class SessionMeasure(models.Model):
    """One attended session of a course and the PHQ-9 and GAD-7 totals taken at it."""

    course = models.ForeignKey(TherapyCourse, on_delete=models.PROTECT, related_name="sessions")
    session_number = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    date = models.DateField()
    is_treatment = models.BooleanField(
        default=True, help_text="a treatment session; false for assessment or review only"
    )
    phq9_total = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=_range(PHQ9_MAX)
    )
    gad7_total = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=_range(GAD7_MAX)
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["course", "session_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "session_number"], name="outcomes_session_once_per_course"
            ),
            models.CheckConstraint(
                condition=Q(session_number__gte=1), name="outcomes_session_number_positive"
            ),
            _in_range("phq9_total", PHQ9_MAX),
            _in_range("gad7_total", GAD7_MAX),
        ]
