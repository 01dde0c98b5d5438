from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from nowrongdoor.records.people.names import fold_name
from nowrongdoor.records.people.nhs_number import is_valid_nhs_number

NOT_STATED = "not-stated"  # the person chose not to say: distinct from not known (blank)

# NHS Data Dictionary ethnic category codes (2001 census based), plus Z "not stated".
ETHNICITY = [
    ("A", "White - British"),
    ("B", "White - Irish"),
    ("C", "White - any other White background"),
    ("D", "Mixed - White and Black Caribbean"),
    ("E", "Mixed - White and Black African"),
    ("F", "Mixed - White and Asian"),
    ("G", "Mixed - any other mixed background"),
    ("H", "Asian or Asian British - Indian"),
    ("J", "Asian or Asian British - Pakistani"),
    ("K", "Asian or Asian British - Bangladeshi"),
    ("L", "Asian or Asian British - any other Asian background"),
    ("M", "Black or Black British - Caribbean"),
    ("N", "Black or Black British - African"),
    ("P", "Black or Black British - any other Black background"),
    ("R", "Other ethnic groups - Chinese"),
    ("S", "Other ethnic groups - any other ethnic group"),
    ("Z", "Not stated"),
]
SEX = [("female", "Female"), ("male", "Male"), ("intersex", "Intersex"), (NOT_STATED, "Not stated")]
GENDER_IDENTITY = [
    ("same-as-birth", "Same as sex registered at birth"),
    ("different", "Different from sex registered at birth"),
    (NOT_STATED, "Not stated"),
]
SEXUAL_ORIENTATION = [
    ("heterosexual", "Heterosexual or straight"),
    ("gay-lesbian", "Gay or lesbian"),
    ("bisexual", "Bisexual"),
    ("other", "Other sexual orientation"),
    (NOT_STATED, "Not stated"),
]
RELIGION = [
    ("none", "No religion"),
    ("christian", "Christian"),
    ("buddhist", "Buddhist"),
    ("hindu", "Hindu"),
    ("jewish", "Jewish"),
    ("muslim", "Muslim"),
    ("sikh", "Sikh"),
    ("other", "Any other religion"),
    (NOT_STATED, "Not stated"),
]
DISABILITY = [("yes", "Yes"), ("no", "No"), (NOT_STATED, "Not stated")]


def validate_nhs_number(value: str) -> None:
    if value and not is_valid_nhs_number(value):
        raise ValidationError("not a valid NHS number (10 digits with a modulus-11 check digit)")


class Person(models.Model):
    nhs_number = models.CharField(
        max_length=10, null=True, blank=True, unique=True, validators=[validate_nhs_number]
    )
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True)
    # Equality fields: blank = not known; "not-stated" = asked and the person chose not to say.
    ethnicity = models.CharField(max_length=1, choices=ETHNICITY, blank=True)
    sex = models.CharField(max_length=20, choices=SEX, blank=True)
    gender_identity = models.CharField(max_length=20, choices=GENDER_IDENTITY, blank=True)
    sexual_orientation = models.CharField(max_length=20, choices=SEXUAL_ORIENTATION, blank=True)
    religion = models.CharField(max_length=20, choices=RELIGION, blank=True)
    disability = models.CharField(max_length=20, choices=DISABILITY, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The name as `fold_name` makes it, kept by `save`: what a search by name compares.
    search_name = models.TextField(blank=True, default="", editable=False)

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_name = fold_name(f"{self.given_name} {self.family_name}")
        fields = kwargs.get("update_fields")
        if fields is not None and {"given_name", "family_name"} & set(fields):
            kwargs["update_fields"] = {*fields, "search_name"}
        super().save(*args, **kwargs)
