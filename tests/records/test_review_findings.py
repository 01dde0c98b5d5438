"""Regressions from review: consent order and purpose, referrals after withdrawal, the audit
head, refused registrations, partial care plan revisions, and bad values naming the field."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.db import DatabaseError, connection, transaction
from record_area import Area

from helpers import run_nwd
from nowrongdoor.errors import AccessDenied, InputError
from nowrongdoor.records.audit.models import AuditEvent, AuditHead
from nowrongdoor.records.care.models import Consent, EpisodeOfCare
from nowrongdoor.records.people.models import Person
from nowrongdoor.services import audit, coordination, episodes, referrals
from nowrongdoor.services.consent import record_consent, withdraw_consent
from nowrongdoor.services.people import read_person, register_person


@pytest.fixture
def person(area: Area) -> Person:
    return register_person(area.therapist, {"given_name": "Ana", "family_name": "Silva"})


def test_a_back_or_future_dated_consent_never_outranks_a_later_withdrawal(
    area: Area, person: Person
) -> None:
    given = record_consent(area.therapist, person.pk, area.drugs.pk, "given")
    Consent.objects.filter(pk=given.pk).update(recorded_at=given.recorded_at + timedelta(days=9999))
    withdraw_consent(area.therapist, person.pk, area.drugs.pk)
    with pytest.raises(AccessDenied):
        read_person(area.keyworker, person.pk)


def test_consent_for_another_purpose_does_not_open_the_care_record(
    area: Area, person: Person
) -> None:
    record_consent(area.therapist, person.pk, area.drugs.pk, "given", purpose="research")
    with pytest.raises(AccessDenied):
        read_person(area.keyworker, person.pk)


def test_a_referral_cannot_be_accepted_after_consent_is_withdrawn(
    area: Area, person: Person
) -> None:
    record_consent(area.therapist, person.pk, area.drugs.pk, "given")
    referral = referrals.refer(area.therapist, person.pk, area.drugs.pk, "heroin")
    withdraw_consent(area.therapist, person.pk, area.drugs.pk)
    assert referrals.inbox(area.keyworker) == []
    with pytest.raises(InputError, match=r"^consent: no recorded consent"):
        referrals.accept(area.keyworker, referral.pk)
    assert not EpisodeOfCare.objects.filter(person=person, service=area.drugs).exists()


def test_the_audit_head_cannot_be_deleted_and_its_absence_is_found(
    area: Area, person: Person
) -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditHead.objects.all().delete()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER audit_head_no_delete")
        else:
            cursor.execute("ALTER TABLE audit_audithead DISABLE TRIGGER USER")
        cursor.execute("DELETE FROM audit_audithead")
    verdict = audit.verify()
    assert not verdict.intact
    assert verdict.problem == "the head row is missing"


def test_a_refused_registration_is_audited(area: Area) -> None:
    with pytest.raises(AccessDenied):
        register_person(area.commissioner, {"given_name": "X", "family_name": "Y"})
    assert AuditEvent.objects.filter(action="person.register", outcome="denied").count() == 1


def test_a_partial_care_plan_revision_keeps_the_other_sections(area: Area, person: Person) -> None:
    review = date.today() + timedelta(days=14)
    coordination.revise_care_plan(area.therapist, person.pk, 0, {"needs": "housing"}, review, True)
    second = coordination.revise_care_plan(
        area.therapist, person.pk, 1, {"crisis_plan": "crisis line"}, review, True
    )
    assert second.sections["needs"] == "housing"
    assert second.change_summary == "crisis_plan"


def test_handing_over_to_the_same_coordinator_or_an_unrelated_service_is_refused(
    area: Area, person: Person
) -> None:
    coordination.name_coordinator(area.therapist, person.pk, area.therapist.user.pk, "case-manager")
    with pytest.raises(InputError, match=r"^coordinator: already"):
        coordination.hand_over(area.therapist, person.pk, area.therapist.user.pk, "again")
    with pytest.raises(InputError, match=r"^coordinator: their service has no care relationship"):
        coordination.hand_over(area.therapist, person.pk, area.gp_doctor.user.pk, "to the GP")


def test_episode_steps_only_move_forward(area: Area, person: Person) -> None:
    episode = EpisodeOfCare.objects.get(person=person)
    today = date.today()
    episodes.mark_assessed(area.therapist, episode.pk, today)
    episodes.start_treatment(area.therapist, episode.pk, today)
    with pytest.raises(InputError, match=r"^episode: already in-treatment"):
        episodes.mark_assessed(area.therapist, episode.pk, today)
    with pytest.raises(InputError, match=r"^discharged: before"):
        episodes.discharge(
            area.therapist, episode.pk, today - timedelta(days=1), "planned", "x", {}, "n/a"
        )


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda a, p: read_person(a.therapist, "abc"), "person"),  # type: ignore[arg-type]
        (lambda a, p: referrals.refer(a.therapist, p.pk, "abc", "x"), "to_service"),  # type: ignore[arg-type]
        (
            lambda a, p: record_consent(a.therapist, p.pk, a.drugs.pk, "given", purpose=None),
            "purpose",
        ),  # type: ignore[arg-type]
        (
            lambda a, p: coordination.revise_care_plan(
                a.therapist, p.pk, 0, {}, "2030-01-01", True
            ),  # type: ignore[arg-type]
            "next_review",
        ),
        (
            lambda a, p: coordination.revise_care_plan(
                a.therapist, p.pk, 0, [], date.today(), True
            ),
            "sections",
        ),  # type: ignore[arg-type]
        (lambda a, p: coordination.record_child(a.therapist, p.pk, "2015", True), "year_of_birth"),  # type: ignore[arg-type]
        (
            lambda a, p: register_person(
                a.therapist,
                {"given_name": "A", "family_name": "B", "date_of_birth": date(2099, 1, 1)},
            ),
            "date_of_birth",
        ),
    ],
)
def test_bad_values_are_input_errors_naming_the_field(
    area: Area, person: Person, call: object, field: str
) -> None:
    with pytest.raises(InputError) as error:
        call(area, person)  # type: ignore[operator]
    assert error.value.field == field


def test_nhs_number_with_spaces_is_stored_without_them(area: Area) -> None:
    person = register_person(
        area.therapist, {"given_name": "A", "family_name": "B", "nhs_number": "943 476 5919"}
    )
    assert person.nhs_number == "9434765919"


def test_audit_verify_cannot_read_is_exit_2_not_a_broken_chain(tmp_path: Path) -> None:
    done = run_nwd("audit", "verify", database=tmp_path / "empty.sqlite3")
    assert done.returncode == 2
    assert done.stderr.startswith("audit verify: cannot read the audit trail")
