"""The person's own space: who can see their record and how much (docs/decisions/0018),
their care plan as agreed with them, their record to print or download, and who has looked
at it (UK-ALC 2.2.4, 2.2.5).

Every function here is for the signed-in person about their own record: staff get
`AccessDenied`. What the person is told a service sees is worked out by the same rules
`access.Sight` enforces (`what_they_see`), so the page cannot drift from the code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone

from nowrongdoor.errors import AccessDenied
from nowrongdoor.records.audit.models import AuditEvent
from nowrongdoor.records.coordination.models import CARE_PLAN_SECTIONS, CarePlanVersion
from nowrongdoor.records.directory.models import CLINICAL_ROLES, Role, Service
from nowrongdoor.records.people.models import Person
from nowrongdoor.services import access, audit, use_case
from nowrongdoor.services.actor import Actor
from nowrongdoor.services.people import read_record

# What a service sees of the person's record, in the person's words, by (caring, shared).
WHAT_THEY_SEE = {
    (True, True): "Your whole record",
    (True, False): "Only what they recorded themselves",
    (False, True): "Your whole record",
    (False, False): "Nothing",
}

# The care plan's sections in the person's words, the crisis plan first.
PLAN_WORDS = {
    "crisis_plan": "Your crisis plan",
    "needs": "What you need help with",
    "barriers_to_self_care": "What makes looking after yourself harder",
    "recovery_capital_and_support": "Your strengths and the support around you",
    "wellbeing_activities": "Things that help your wellbeing",
    "other_behaviours": "Other things affecting your health",
    "discharge_and_transition": "When you leave or move between services",
}
assert set(PLAN_WORDS) == set(CARE_PLAN_SECTIONS)

# The audit actions that are someone looking at the record, in the person's words.
LOOKS = {
    "person.read": "Looked at your record",
    "person.export": "Downloaded your record",
    "fhir.read": "Looked at your record from another computer system",
    "fhir.search": "Looked at your record from another computer system",
    "assessment.read": "Looked at an assessment",
    "episode.read": "Looked at your time with a service",
    "outcome.read": "Looked at your progress measures",
    "check_up.read": "Looked at your recovery check-ups",
    "care_plan.read": "Looked at your care plan",
    "coordinator.read": "Looked at who coordinates your care",
    "referral.read": "Read a referral about you",
    "referral.inbox": "Saw a referral about you waiting for them",
}
# Why they could, in the person's words, from the ground the audit event records.
GROUNDS = {
    "active episode of care": "They are caring for you",
    access.CHECK_UP_DUE: "A recovery check-up with them is due",
    "consent to share": "You agreed to share your record with them",
    "safeguarding override": "A safeguarding concern: shared without your agreement",
}
ROLE_WORDS: dict[str, str] = {
    Role.PRACTITIONER: "Practitioner",
    Role.CARE_COORDINATOR: "Care coordinator",
    Role.SERVICE_MANAGER: "Service manager",
}


def _only_the_person(actor: Actor, person_id: int, action: str) -> None:
    if actor.role != Role.PERSON:
        raise AccessDenied("only the person sees their own space", action, person_id)


@dataclass(frozen=True)
class Sharing:
    """One service: whether it is caring for the person, shares their record, and so what
    it sees."""

    service: Service
    caring: bool
    shared: bool
    ground: str | None  # the sharing ground ("consent to share", "safeguarding override")

    @property
    def sees(self) -> str:
        return WHAT_THEY_SEE[(self.caring, self.shared)]


def what_they_see(person: Person) -> list[Sharing]:
    """Every service, by name, with what it sees of the person's record now."""
    found = []
    for service in Service.objects.order_by("name"):
        ground = access.sharing_ground(person.pk, service.pk)
        caring = access.care_ground(person.pk, service) is not None
        found.append(Sharing(service, caring, ground is not None, ground))
    return found


def sharing_message(sharing: Sharing) -> str:
    """What a decision just made means, said back to the person."""
    name = sharing.service.name
    if sharing.shared:
        if sharing.caring:
            return f"{name} can now see what other services recorded, as well as its own"
        return f"{name} can now see your record"
    if sharing.caring:
        return (
            f"{name} is caring for you, so it still sees what it recorded itself. "
            "It can no longer see what other services recorded"
        )
    return f"{name} can no longer see your record"


@dataclass(frozen=True)
class AgreedPlan:
    """The latest care plan version agreed with the person, and whether it changed since."""

    version: CarePlanVersion
    changed_since: bool

    @property
    def sections(self) -> list[tuple[str, str]]:
        return [
            (words, text)
            for name, words in PLAN_WORDS.items()
            if (text := self.version.sections.get(name, ""))
        ]


def agreed_plan(person: Person) -> AgreedPlan | None:
    """The care plan as last agreed with the person (PHE-COOC App5 §3: the crisis plan is
    agreed with them); None if no version was agreed."""
    versions = CarePlanVersion.objects.filter(plan__person=person)
    agreed = versions.filter(agreed_with_person=True).order_by("-number").first()
    if agreed is None:
        return None
    return AgreedPlan(agreed, versions.filter(number__gt=agreed.number).exists())


@dataclass(frozen=True)
class Look:
    """One time someone looked at the record: the service and role, never the person."""

    at: datetime
    service: str
    role: str
    what: str
    why: str


def _why(action: str, event_reason: str) -> str:
    if action.startswith("referral."):
        return "A referral about you was sent to them"
    ground = event_reason.rsplit("; ", 1)[-1]  # FHIR events: "Type; ground"
    return GROUNDS.get(ground, "")


def who_looked(actor: Actor, person_id: int, limit: int = 100) -> list[Look]:
    """The latest `limit` times staff looked at the person's record, newest first, from the
    audit trail: service, role, when and why; never who by name (the person asks the
    service for that). Reading the list is itself audited."""
    with use_case(actor):
        _only_the_person(actor, person_id, "access_log.read")
        sight = access.person_sight(actor, person_id, "person.read")
        events = (
            AuditEvent.objects.filter(
                person_id=sight.person.pk,
                outcome="allowed",
                role__in=CLINICAL_ROLES,
                action__in=LOOKS,
            )
            .order_by("-sequence")
            .values("at", "service_id", "role", "action", "reason")[:limit]
        )
        names: dict[int | None, str] = dict(Service.objects.values_list("pk", "name"))
        found = [
            Look(
                at=timezone.localtime(e["at"]),
                service=names.get(e["service_id"], "A service no longer listed"),
                role=ROLE_WORDS.get(e["role"], "Staff"),
                what=LOOKS[e["action"]],
                why=_why(e["action"], e["reason"]),
            )
            for e in events
        ]
        audit.record(actor, "access_log.read", person_id=sight.person.pk, obj=sight.person)
    return found


@dataclass
class OwnRecord:
    """Everything in the person's record that is for them, for their printable copy."""

    person: Person
    parts: dict[str, list[Any]] = field(default_factory=dict)
    plan: CarePlanVersion | None = None


def own_record(actor: Actor, person_id: int) -> OwnRecord:
    """The person's whole record as they may see it (no case note marked not for them),
    read once and audited as such."""
    with use_case(actor):
        _only_the_person(actor, person_id, "person.read")
    sight = read_record(actor, person_id, reason="own record, in full")
    person = sight.person
    found = OwnRecord(person)
    found.parts = {
        "episodes": list(sight.rows(person.episodes.select_related("service")).order_by("pk")),
        "screenings": list(
            sight.rows(person.screenings.select_related("service")).order_by("recorded_at")
        ),
        "assessments": list(
            sight.rows(person.assessments.select_related("service")).order_by("recorded_at")
        ),
        "referrals": list(
            sight.rows(person.referrals.select_related("from_service", "to_service")).order_by(
                "sent_at"
            )
        ),
        "notes": list(
            sight.rows(person.case_notes.select_related("service")).order_by("created_at")
        ),
        "goals": list(sight.rows(person.recovery_goals.all()).order_by("created_at")),
        "consents": list(
            sight.rows(person.consents.select_related("recipient")).order_by("recorded_at")
        ),
        "check_ups": list(sight.rows(person.check_ups.select_related("service")).order_by("due")),
    }
    versions = CarePlanVersion.objects.filter(plan__person=person)
    found.plan = sight.rows(versions).order_by("-number").first()
    return found
