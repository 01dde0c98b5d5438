"""A service's caseload: its people with their risk flags, who is waiting, whose care plan
review is due, who still needs a named coordinator, and the referrals waiting to be decided.

"Needs a coordinator" is the prompt the coordination rule asks for: the service's latest
assessment recommended COORD-NAMED and no one is named yet (PHE-COOC App5 §2).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from nowrongdoor.records.care.models import EpisodeOfCare, EpisodeStatus
from nowrongdoor.records.clinical.models import Assessment
from nowrongdoor.records.coordination.models import CareCoordinator
from nowrongdoor.records.people.models import Person
from nowrongdoor.records.referrals.models import Referral
from nowrongdoor.services import access, audit, referrals, use_case
from nowrongdoor.services.actor import Actor
from nowrongdoor.services.coordination import current_care_plan, current_coordinator
from nowrongdoor.services.risk import RiskFlag, risk_flags
from nowrongdoor.services.staff import staff_label

REVIEW_SOON_DAYS = 7


@dataclass
class Row:
    person: Person
    episode: EpisodeOfCare
    flags: list[RiskFlag]
    coordinator: str
    needs_coordinator: bool
    review_due: date | None
    waiting_days: int | None


@dataclass
class Caseload:
    rows: list[Row] = field(default_factory=list)
    referrals_in: list[Referral] = field(default_factory=list)

    @property
    def waiting(self) -> list[Row]:
        return [r for r in self.rows if r.waiting_days is not None]

    @property
    def reviews_due(self) -> list[Row]:
        return [r for r in self.rows if r.review_due is not None]

    @property
    def without_coordinator(self) -> list[Row]:
        return [r for r in self.rows if r.needs_coordinator]


def _review_due(person: Person, today: date, sight: access.Sight) -> date | None:
    latest = current_care_plan(person)
    if latest is None or not sight.sees(latest):
        return None
    if (latest.next_review - today).days > REVIEW_SOON_DAYS:
        return None
    return latest.next_review


def _needs_coordinator(person: Person, actor: Actor, named: CareCoordinator | None) -> bool:
    if named is not None:
        return False
    latest = Assessment.objects.filter(person=person, service=actor.service).order_by("-pk").first()
    codes = {r["code"] for r in latest.output["recommendations"]} if latest else set()
    return "COORD-NAMED" in codes


def caseload(actor: Actor) -> Caseload:
    """The actor's service's people with an open episode; listing them is audited."""
    found = Caseload()
    if actor.service is None:
        return found
    today = timezone.localdate()
    episodes = (
        EpisodeOfCare.objects.filter(service=actor.service)
        .exclude(status=EpisodeStatus.DISCHARGED)
        .select_related("person")
        .order_by("referral_received", "pk")
    )
    with use_case(actor):
        for episode in episodes:
            person = episode.person
            # What the service sees of each person: its own records, or all with consent.
            sight = access.sight_of(actor, person, "active episode of care")
            named = current_coordinator(person)
            waiting = episode.status != EpisodeStatus.IN_TREATMENT
            found.rows.append(
                Row(
                    person=person,
                    episode=episode,
                    flags=risk_flags(person, sight),
                    coordinator=staff_label(named.coordinator, named.service) if named else "",
                    needs_coordinator=_needs_coordinator(person, actor, named),
                    review_due=_review_due(person, today, sight),
                    waiting_days=(today - episode.referral_received).days if waiting else None,
                )
            )
        audit.record(actor, "caseload.read", reason=f"{len(found.rows)} people listed")
    found.referrals_in = referrals.inbox(actor)
    return found
