"""Registering people, and who may see them: care relationship, consent, override, nobody else."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from record_area import Area

from nowrongdoor.errors import AccessDenied, InputError
from nowrongdoor.records.audit.models import AuditEvent
from nowrongdoor.records.care.models import Consent, EpisodeOfCare
from nowrongdoor.records.people.models import Person
from nowrongdoor.records.people.nhs_number import is_valid_nhs_number
from nowrongdoor.services import audit
from nowrongdoor.services.actor import Actor
from nowrongdoor.services.clinical import record_assessment, record_screening
from nowrongdoor.services.consent import record_consent, withdraw_consent
from nowrongdoor.services.people import read_person, register_person


def test_nhs_number_modulus_11() -> None:
    assert is_valid_nhs_number("9434765919")
    assert is_valid_nhs_number("943 476 5919")
    assert not is_valid_nhs_number("9434765918")  # wrong check digit
    assert not is_valid_nhs_number("943476591")  # nine digits
    assert not is_valid_nhs_number("943476591X")


def register(area: Area, **details: str) -> Person:
    return register_person(area.therapist, {"given_name": "Sam", "family_name": "Jones", **details})


def test_registering_opens_an_episode_and_audits_both(area: Area) -> None:
    person = register(area, nhs_number="9434765919")
    assert EpisodeOfCare.objects.get(person=person).service == area.iapt
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions == ["person.register", "episode.open"]


def test_people_without_an_nhs_number_are_registered(area: Area) -> None:
    assert register(area).nhs_number is None
    assert register(area).nhs_number is None  # two people without one do not collide


def test_bad_nhs_number_names_the_field_and_writes_nothing(area: Area) -> None:
    with pytest.raises(InputError, match=r"^nhs_number: not a valid NHS number"):
        register(area, nhs_number="9434765918")
    assert not Person.objects.exists()
    assert not AuditEvent.objects.exists()


def test_unknown_field_is_refused(area: Area) -> None:
    with pytest.raises(InputError, match=r"^nickname: unknown field"):
        register(area, nickname="S")


def test_a_failure_after_the_first_write_leaves_nothing(
    area: Area, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        register(area)
    assert not Person.objects.exists()
    assert not EpisodeOfCare.objects.exists()


def test_the_registering_service_sees_the_person_and_the_read_is_audited(area: Area) -> None:
    person = register(area)
    assert read_person(area.therapist, person.pk) == person
    last = AuditEvent.objects.order_by("-sequence").first()
    assert last is not None
    assert (last.action, last.outcome, last.reason) == (
        "person.read",
        "allowed",
        "active episode of care",
    )


@pytest.mark.parametrize("who", ["keyworker", "gp_doctor", "commissioner", "admin"])
def test_no_relationship_no_consent_means_no_record_and_an_audited_attempt(
    area: Area, who: str
) -> None:
    person = register(area)
    actor = getattr(area, who)
    with pytest.raises(AccessDenied):
        read_person(actor, person.pk)
    with pytest.raises(AccessDenied):
        record_screening(actor, person.pk, "phq9", [0] * 9)
    denied = AuditEvent.objects.filter(outcome="denied", actor=actor.user.username)
    assert list(denied.values_list("action", flat=True)) == ["person.read", "screening.record"]


def test_consent_opens_the_record_to_that_service_only(area: Area) -> None:
    person = register(area)
    record_consent(area.therapist, person.pk, area.drugs.pk, "given")
    assert read_person(area.keyworker, person.pk) == person
    with pytest.raises(AccessDenied):
        read_person(area.gp_doctor, person.pk)


def test_withdrawing_consent_takes_effect_at_once(area: Area) -> None:
    person = register(area)
    record_consent(area.therapist, person.pk, area.drugs.pk, "given")
    read_person(area.keyworker, person.pk)
    withdraw_consent(area.therapist, person.pk, area.drugs.pk)
    with pytest.raises(AccessDenied):
        read_person(area.keyworker, person.pk)
    with pytest.raises(AccessDenied):
        record_assessment(area.keyworker, person.pk, {"setting": "drug-alcohol-service"})


def test_refused_consent_gives_no_access(area: Area) -> None:
    person = register(area)
    record_consent(area.therapist, person.pk, area.gp.pk, "refused")
    with pytest.raises(AccessDenied):
        read_person(area.gp_doctor, person.pk)


def test_safeguarding_override_needs_a_reason_and_is_flagged_for_review(area: Area) -> None:
    person = register(area)
    consent = record_consent(
        area.therapist,
        person.pk,
        area.gp.pk,
        "refused",
        safeguarding_reason="child at risk: MASH referral 42",
    )
    assert consent.flagged_for_review
    assert read_person(area.gp_doctor, person.pk) == person
    last = AuditEvent.objects.filter(action="person.read").last()
    assert last is not None
    assert last.reason == "safeguarding override"


def test_the_person_sees_their_own_record_and_nobody_elses(area: Area) -> None:
    person = register(area)
    other = register(area)
    user = User.objects.create(username="sam")
    person.user = user
    person.save()
    me = Actor.of(user)
    assert read_person(me, person.pk) == person
    with pytest.raises(AccessDenied):
        read_person(me, other.pk)


def test_discharged_episode_ends_the_care_relationship(area: Area) -> None:
    person = register(area)
    EpisodeOfCare.objects.filter(person=person).update(status="discharged")
    with pytest.raises(AccessDenied):
        read_person(area.therapist, person.pk)


def test_screening_and_assessment_are_stored_as_the_engines_made_them(area: Area) -> None:
    person = register(area)
    screening = record_screening(area.therapist, person.pk, "phq9", [0] * 8 + [2])
    assert (screening.total, screening.band, screening.flags) == (
        2,
        "none-minimal",
        ["self-harm-thoughts"],
    )
    assert screening.points == [0] * 8 + [2]
    assessment = record_assessment(
        area.therapist, person.pk, {"setting": "iapt", "screens": {"phq9": [0] * 8 + [2]}}
    )
    assert "RISK-SUICIDE" in [r["code"] for r in assessment.output["recommendations"]]
    assert len(assessment.ruleset_sha256) == 64


def test_bad_screening_answers_write_nothing(area: Area) -> None:
    person = register(area)
    before = AuditEvent.objects.count()
    with pytest.raises(InputError, match="phq9: answer 9 is 4"):
        record_screening(area.therapist, person.pk, "phq9", [0] * 8 + [4])
    assert AuditEvent.objects.count() == before
    assert not Consent.objects.exists()
