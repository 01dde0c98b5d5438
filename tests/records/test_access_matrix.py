"""Every role against every kind of record: who may act, who may not, and that refusals are audited.

The person was registered at Talking Therapies (an active episode there) and consented to
share with the Recovery Hub; nobody else has a care relationship or consent.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from record_area import Area

from nowrongdoor.errors import AccessDenied
from nowrongdoor.records.audit.models import AuditEvent
from nowrongdoor.records.people.models import Person
from nowrongdoor.services import clinical, consent, coordination, exchange, outcomes
from nowrongdoor.services.actor import Actor
from nowrongdoor.services.people import read_person, register_person

RECORD_KINDS: dict[str, Callable[[Actor, Person, Area], Any]] = {
    "person": lambda a, p, area: read_person(a, p.pk),
    "screening": lambda a, p, area: clinical.record_screening(a, p.pk, "gad7", [1] * 7),
    "assessment": lambda a, p, area: clinical.record_assessment(a, p.pk, {"setting": "iapt"}),
    "consent": lambda a, p, area: consent.record_consent(a, p.pk, area.gp.pk, "refused"),
    "case note": lambda a, p, area: coordination.add_case_note(a, p.pk, "note"),
    "care plan": lambda a, p, area: coordination.revise_care_plan(
        a, p.pk, 0, {"needs": "x"}, date.today() + timedelta(days=7), False
    ),
    "recovery goal": lambda a, p, area: coordination.add_recovery_goal(a, p.pk, "my goal"),
    "outcome (TOP)": lambda a, p, area: outcomes.record_top(a, p.pk, "start", {}),
    "export": lambda a, p, area: exchange.export_person(a, p.pk),
}

# Who may act on the record, by kind: the person may read, consent and write goals only.
ALLOWED: dict[str, set[str]] = {
    "therapist": set(RECORD_KINDS),
    "keyworker": set(RECORD_KINDS),
    "gp_doctor": set(),
    "commissioner": set(),
    "admin": set(),
    "the person": {"person", "consent", "recovery goal", "export"},
    "another person": set(),
}


def actor_for(who: str, area: Area, person: Person) -> Actor:
    if who in ("the person", "another person"):
        user = User.objects.create(username=who.replace(" ", "-"))
        if who == "the person":
            person.user = user
            person.save()
        return Actor.of(user)
    actor: Actor = getattr(area, who)
    return actor


@pytest.mark.parametrize("kind", sorted(RECORD_KINDS))
@pytest.mark.parametrize("who", sorted(ALLOWED))
def test_access_matrix(area: Area, who: str, kind: str) -> None:
    person = register_person(area.therapist, {"given_name": "Rae", "family_name": "Lee"})
    consent.record_consent(area.therapist, person.pk, area.drugs.pk, "given")
    actor = actor_for(who, area, person)
    denied_before = AuditEvent.objects.filter(outcome="denied").count()
    if kind in ALLOWED[who]:
        RECORD_KINDS[kind](actor, person, area)  # must succeed: no refusal, no error
        assert AuditEvent.objects.filter(outcome="denied").count() == denied_before
    else:
        with pytest.raises(AccessDenied):
            RECORD_KINDS[kind](actor, person, area)
        assert AuditEvent.objects.filter(outcome="denied").count() == denied_before + 1


def test_withdrawn_consent_mid_way_stops_the_next_action(area: Area) -> None:
    person = register_person(area.therapist, {"given_name": "Rae", "family_name": "Lee"})
    consent.record_consent(area.therapist, person.pk, area.drugs.pk, "given")
    coordination.add_case_note(area.keyworker, person.pk, "first contact")
    consent.withdraw_consent(area.therapist, person.pk, area.drugs.pk)
    for kind in sorted(RECORD_KINDS):
        with pytest.raises(AccessDenied):
            RECORD_KINDS[kind](area.keyworker, person, area)
