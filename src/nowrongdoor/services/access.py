"""Who may see a person's record, and how much of it (docs/decisions/0018).

Opening the record: a practitioner sees a person only through a service that has an active
episode of care with them, or recovery check-ups still due with them after discharge, or
whose latest consent decision from the person is "given" (or a recorded safeguarding
override). Commissioners and administrators see no identifiable record. The person sees
their own.

How much of it (`Sight`): a service caring for the person always sees the rows it recorded
itself; it sees rows recorded by other services only with the person's current consent for
it (or a safeguarding override). A service with consent and no care relationship sees the
whole record. The person sees their whole record except case notes marked not for them.
Withdrawal takes effect at once: only the latest decision counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Exists, Model, OuterRef, Q, QuerySet, Subquery

from nowrongdoor.errors import AccessDenied, InputError
from nowrongdoor.records.care.models import Consent, ConsentState, EpisodeOfCare, EpisodeStatus
from nowrongdoor.records.clinical.models import Assessment, Screening
from nowrongdoor.records.coordination.models import (
    CareCoordinator,
    CarePlan,
    CarePlanVersion,
    Carer,
    CaseNote,
    Child,
    Discharge,
    RecoveryCheckUp,
    RecoveryGoal,
)
from nowrongdoor.records.directory.models import CLINICAL_ROLES, Role, Service
from nowrongdoor.records.outcomes.models import SessionMeasure, TherapyCourse, TopRecord
from nowrongdoor.records.people.models import Person
from nowrongdoor.records.referrals.models import RecommendationAction, Referral
from nowrongdoor.services import checks
from nowrongdoor.services.actor import Actor

M = TypeVar("M", bound=Model)

# What a person may do with their own record; everything else is staff work.
PERSON_ACTIONS = frozenset(
    {"person.read", "person.export", "consent.record", "recovery_goal.add", "outcome.read"}
)


def _open_episodes(person: Person | OuterRef, service: Service) -> QuerySet[EpisodeOfCare]:
    """The service's episodes of care with the person that are not discharged."""
    episodes = EpisodeOfCare.objects.filter(person=person, service=service)
    return episodes.exclude(status=EpisodeStatus.DISCHARGED)


def why_allowed(actor: Actor, person: Person, action: str = "person.read") -> str | None:
    """The ground on which `actor` may do `action` on `person`'s record, or None."""
    if actor.role == Role.PERSON:
        own = person.user_id == actor.user.pk and action in PERSON_ACTIONS
        return "own record" if own else None
    if actor.role not in CLINICAL_ROLES or actor.service is None:
        return None
    if _open_episodes(person, actor.service).exists():
        return "active episode of care"
    return _ground_without_episode(person.pk, actor.service)


def care_ground(person_id: int, service: Service) -> str | None:
    """The care relationship a service has with the person now, if any (consent aside)."""
    episodes = EpisodeOfCare.objects.filter(person_id=person_id, service=service)
    if episodes.exclude(status=EpisodeStatus.DISCHARGED).exists():
        return "active episode of care"
    return CHECK_UP_DUE if _check_up_due(person_id, service) else None


CHECK_UP_DUE = "recovery check-up due"  # care continues after discharge (UK-ALC 2.6.5)


def _check_up_due(person_id: int, service: Service) -> bool:
    return RecoveryCheckUp.objects.filter(
        person_id=person_id, service=service, done__isnull=True
    ).exists()


def _ground_without_episode(person_id: int, service: Service) -> str | None:
    """After (or without) an episode: recovery check-ups still due, then consent."""
    if _check_up_due(person_id, service):
        return CHECK_UP_DUE
    return sharing_ground(person_id, service.pk)


def _denied(actor: Actor, person: Person, action: str) -> AccessDenied:
    return AccessDenied(
        f"{actor.user.get_username()} has no care relationship or consent for this person",
        action=action,
        person_id=person.pk,
    )


def require(actor: Actor, person: Person, action: str) -> str:
    """Allow (returning the ground), or raise `AccessDenied`, which `use_case` audits."""
    ground = why_allowed(actor, person, action)
    if ground is None:
        raise _denied(actor, person, action)
    return ground


def latest_consent(person_id: int, service_id: int, purpose: str = "care") -> Consent | None:
    """The decision that counts: the last one recorded (row order, not a stated time, so an
    imported or back-dated decision can never outrank a later withdrawal) for the purpose."""
    return (
        Consent.objects.filter(person_id=person_id, recipient_id=service_id, purpose=purpose)
        .order_by("-pk")
        .first()
    )


def sharing_ground(person_id: int, service_id: int) -> str | None:
    """Why the person's record may be shared with a service (its latest decision), or None."""
    return ground_of(latest_consent(person_id, service_id))


def ground_of(decision: Consent | None) -> str | None:
    """The ground a consent decision gives for sharing: consent, an override, or none."""
    if decision is None:
        return None
    if decision.safeguarding_override:
        return "safeguarding override"
    return "consent to share" if decision.state == ConsentState.GIVEN else None


def visible_people(actor: Actor) -> QuerySet[Person]:
    """Everyone whose record `actor` may open for "person.read" (`why_allowed`'s rules as
    one query, for searching): none for commissioners and administrators."""
    if actor.role == Role.PERSON:
        return Person.objects.filter(user_id=actor.user.pk)
    if actor.role not in CLINICAL_ROLES or actor.service is None:
        return Person.objects.none()
    service = actor.service
    latest = Consent.objects.filter(
        person=OuterRef("pk"), recipient=service, purpose="care"
    ).order_by("-pk")
    check_up_due = RecoveryCheckUp.objects.filter(
        person=OuterRef("pk"), service=service, done__isnull=True
    )
    return Person.objects.annotate(
        latest_state=Subquery(latest.values("state")[:1]),
        latest_override=Subquery(latest.values("safeguarding_override")[:1]),
    ).filter(
        Exists(_open_episodes(OuterRef("pk"), service))
        | Exists(check_up_due)
        | Q(latest_override=True)
        | Q(latest_state=ConsentState.GIVEN)
    )


def person_for(actor: Actor, person_id: int, action: str) -> Person:
    """The person, if they exist and `actor` may act on their record for `action`."""
    return person_with_ground(actor, person_id, action)[0]


def person_with_ground(actor: Actor, person_id: int, action: str) -> tuple[Person, str]:
    """The person and the ground `require` gives (see `person_sight`)."""
    sight = person_sight(actor, person_id, action)
    return sight.person, sight.ground


# ------------------------------------------------------------------ how much of the record

# What every service caring for the person sees, consent or not: who the person is, and who
# coordinates their care (the central point of contact for the other services, PHE-COOC
# "Collaborative delivery of care").
SHARED_WITH_CARE: tuple[type[Model], ...] = (Person, CareCoordinator)

# The service (or services) whose own record each kind of row is, by field: a referral
# belongs to both ends, a consent decision to the service it is about and the one that
# recorded it.
RECORDED_BY: dict[type[Model], tuple[str, ...]] = {
    EpisodeOfCare: ("service",),
    Consent: ("recipient", "service"),
    Screening: ("service",),
    Assessment: ("service",),
    RecommendationAction: ("assessment__service",),
    Referral: ("from_service", "to_service"),
    CaseNote: ("service",),
    CarePlanVersion: ("service",),
    Carer: ("service",),
    Child: ("service",),
    RecoveryGoal: ("service",),
    RecoveryCheckUp: ("service",),
    Discharge: ("episode__service",),
    TopRecord: ("service",),
    TherapyCourse: ("service",),
    SessionMeasure: ("course__service",),
}


def _value(row: Any, path: str) -> Any:
    *hops, last = path.split("__")
    for hop in hops:
        row = getattr(row, hop)
    return getattr(row, f"{last}_id")


@dataclass(frozen=True)
class Sight:
    """How much of one person's record an actor sees, once allowed to open it.

    `service_id` None: the whole record (the person's consent or a safeguarding override for
    the actor's service, or the person themselves). Otherwise only the rows that service
    recorded itself, the goals the person wrote in their own space, and `SHARED_WITH_CARE`
    (who they are, who coordinates their care). `for_person`: the
    person, who never sees a case note marked not for them. Filter every list with `rows`
    and check every single row with `sees`; a row kind missing from `RECORDED_BY` is refused.
    """

    person: Person
    ground: str
    service_id: int | None = None
    for_person: bool = False

    @property
    def whole(self) -> bool:
        """Everything other services recorded is seen too."""
        return self.service_id is None

    def rows(self, rows: QuerySet[M]) -> QuerySet[M]:
        """The rows of `rows` this sight covers."""
        model = rows.model
        if self.for_person and model is CaseNote:
            rows = rows.filter(withheld_reason="")
        if self.service_id is None or model in SHARED_WITH_CARE:
            return rows
        if model is CarePlan:  # seen when its current version is the service's own
            latest = CarePlanVersion.objects.filter(plan=OuterRef("pk")).order_by("-number")
            written_by = Subquery(latest.values("service_id")[:1])
            plans = rows.annotate(written_by=written_by).filter(written_by=self.service_id)
            return plans  # type: ignore[return-value]  # annotate() widens the row type
        own = Q()
        for path in RECORDED_BY[model]:
            own |= Q(**{f"{path}_id": self.service_id})
        if model is RecoveryGoal:
            own |= Q(service__isnull=True, written_by_person=True)
        return rows.filter(own)

    def sees(self, row: Model) -> bool:
        """Whether this one row is covered (the same rule as `rows`, without a query)."""
        if self.for_person and isinstance(row, CaseNote) and row.not_for_person:
            return False
        if self.service_id is None or isinstance(row, SHARED_WITH_CARE):
            return True
        if isinstance(row, RecoveryGoal) and row.service_id is None and row.written_by_person:
            return True
        if isinstance(row, CarePlan):
            latest = row.versions.order_by("-number").first()
            return latest is not None and latest.service_id == self.service_id
        paths = RECORDED_BY.get(type(row), ())
        return any(_value(row, path) == self.service_id for path in paths)


def _shared_with(decision_state: str | None, override: bool | None) -> bool:
    return bool(override) or decision_state == ConsentState.GIVEN


def sight_of(actor: Actor, person: Person, ground: str) -> Sight:
    """How much of `person`'s record `actor` sees, given it may open it on `ground`."""
    if actor.role == Role.PERSON:
        return Sight(person, ground, for_person=True)
    assert actor.service is not None, "only staff of a service get a ground"
    if sharing_ground(person.pk, actor.service.pk) is not None:
        return Sight(person, ground)
    return Sight(person, ground, service_id=actor.service.pk)


def require_sight(actor: Actor, person: Person, action: str) -> Sight:
    """`require`, then how much of the record the actor sees."""
    return sight_of(actor, person, require(actor, person, action))


def require_row(actor: Actor, sight: Sight, row: Model, action: str) -> None:
    """Refuse (audited, as any refusal) a single row the actor's sight does not cover."""
    if not sight.sees(row):
        raise AccessDenied(
            f"{type(row).__name__} {row.pk} was recorded by another service and the person "
            "has not agreed to share it with this one",
            action=action,
            person_id=sight.person.pk,
        )


def person_sight(actor: Actor, person_id: int, action: str) -> Sight:
    """The person and how much of their record `actor` may see for `action`; for staff the
    care check and the consent check are made in the same query as the fetch."""
    people = Person.objects.filter(pk=checks.an_id(person_id, "person"))
    service = actor.service if actor.role in CLINICAL_ROLES else None
    if service is not None:
        latest = Consent.objects.filter(
            person=OuterRef("pk"), recipient=service, purpose="care"
        ).order_by("-pk")
        people = people.annotate(
            in_care=Exists(_open_episodes(OuterRef("pk"), service)),
            consent_state=Subquery(latest.values("state")[:1]),
            consent_override=Subquery(latest.values("safeguarding_override")[:1]),
        )
    person = people.first()
    if person is None:
        raise InputError("person", f"person: {person_id} not found")
    if service is None:
        return sight_of(actor, person, require(actor, person, action))
    shared = _shared_with(person.consent_state, person.consent_override)  # type: ignore[attr-defined]
    in_care: bool = person.in_care  # type: ignore[attr-defined]  # the annotations above
    ground = "active episode of care" if in_care else _ground_without_episode(person.pk, service)
    if ground is None:
        raise _denied(actor, person, action)
    return Sight(person, ground, service_id=None if shared else service.pk)
