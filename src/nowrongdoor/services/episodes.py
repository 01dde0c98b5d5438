"""Moving an episode of care along: assessed, in treatment, discharged (with the App5 §6
checklist), and recovery check-ups scheduled after treatment (UK-ALC 2.6.5)."""

from __future__ import annotations

from datetime import date, timedelta

from nowrongdoor.errors import InputError
from nowrongdoor.records.care.models import DischargeType, EpisodeOfCare, EpisodeStatus
from nowrongdoor.records.coordination.models import DISCHARGE_CHECKLIST, Discharge, RecoveryCheckUp
from nowrongdoor.services import access, audit, checks, use_case
from nowrongdoor.services.actor import Actor

# Check-ups at 1, 3 and 6 months after a planned discharge: UK-ALC 2.6.5 asks for an agreed
# series without fixing the intervals; these are our default (docs/decisions/0006).
CHECK_UPS_AFTER_DAYS = (30, 91, 182)


def _episode(actor: Actor, episode_id: int, action: str) -> EpisodeOfCare:
    episode = (
        EpisodeOfCare.objects.select_related("person", "service")
        .filter(pk=checks.an_id(episode_id, "episode"))
        .first()
    )
    if episode is None:
        raise InputError("episode", f"episode: {episode_id} not found")
    access.require(actor, episode.person, action)
    if actor.service != episode.service:
        raise InputError("episode", "episode: belongs to another service")
    if episode.status == EpisodeStatus.DISCHARGED:
        raise InputError("episode", "episode: already discharged")
    return episode


def mark_assessed(actor: Actor, episode_id: int, on: date) -> EpisodeOfCare:
    checks.a_date(on, "assessed")
    with use_case(actor):
        episode = _episode(actor, episode_id, "episode.assessed")
        if episode.status != EpisodeStatus.REFERRAL_RECEIVED:
            raise InputError("episode", f"episode: already {episode.status}")
        if on < episode.referral_received:
            raise InputError("assessed", "assessed: before the referral was received")
        episode.status, episode.assessed = EpisodeStatus.ASSESSED, on
        episode.save()
        audit.record(actor, "episode.assessed", person_id=episode.person_id, obj=episode)
    return episode


def start_treatment(actor: Actor, episode_id: int, on: date) -> EpisodeOfCare:
    checks.a_date(on, "treatment_started")
    with use_case(actor):
        episode = _episode(actor, episode_id, "episode.treatment")
        if episode.status == EpisodeStatus.IN_TREATMENT:
            raise InputError("episode", "episode: already in treatment")
        if on < (episode.assessed or episode.referral_received):
            raise InputError("treatment_started", "treatment_started: before assessment")
        episode.status, episode.treatment_started = EpisodeStatus.IN_TREATMENT, on
        episode.save()
        audit.record(actor, "episode.treatment", person_id=episode.person_id, obj=episode)
    return episode


def discharge(
    actor: Actor,
    episode_id: int,
    on: date,
    kind: str,
    reason: str,
    checklist: dict[str, bool],
    incomplete_reason: str = "",
) -> Discharge:
    """Discharge or transfer. Every App5 §6 item done, or a reason why not; a reason for
    every discharge; planned discharges from treatment get recovery check-ups."""
    if kind not in DischargeType.values:
        raise InputError("kind", f"kind: must be one of {', '.join(DischargeType.values)}")
    reason = checks.some_text(reason, "reason")
    checks.a_date(on, "discharged")
    if not isinstance(checklist, dict):
        raise InputError("checklist", "checklist: must be an object of item: true/false")
    unknown = sorted(set(checklist) - set(DISCHARGE_CHECKLIST))
    if unknown:
        raise InputError(f"checklist.{unknown[0]}", f"checklist.{unknown[0]}: unknown item")
    missing = [item for item in DISCHARGE_CHECKLIST if not checklist.get(item)]
    if missing and not incomplete_reason.strip():
        raise InputError(
            f"checklist.{missing[0]}",
            f"checklist.{missing[0]}: not done; complete it or give incomplete_reason",
        )
    with use_case(actor):
        episode = _episode(actor, episode_id, "episode.discharge")
        if on < (episode.treatment_started or episode.assessed or episode.referral_received):
            raise InputError("discharged", "discharged: before the episode's last step")
        if kind == DischargeType.RELEASED and episode.service.setting != "prison":
            # a release date outside a prison would be counted in continuity of care after
            # prison, which commissioners report (docs/analytics.md)
            raise InputError("kind", "kind: released is for a prison service's episodes")
        episode.status, episode.discharged = EpisodeStatus.DISCHARGED, on
        episode.discharge_type, episode.discharge_reason = kind, reason.strip()
        episode.save()
        record = Discharge.objects.create(
            episode=episode,
            checklist={item: bool(checklist.get(item)) for item in DISCHARGE_CHECKLIST},
            incomplete_reason=incomplete_reason.strip(),
            recorded_by=actor.user,
        )
        if kind == DischargeType.PLANNED and episode.treatment_started is not None:
            for days in CHECK_UPS_AFTER_DAYS:
                RecoveryCheckUp.objects.create(
                    person=episode.person, service=episode.service, due=on + timedelta(days=days)
                )
        audit.record(
            actor, "episode.discharge", person_id=episode.person_id, obj=record, reason=reason
        )
    return record


def schedule_check_up(actor: Actor, person_id: int, due: date) -> RecoveryCheckUp:
    """An extra recovery check-up agreed with the person (UK-ALC 2.6.5)."""
    checks.a_date(due, "due")
    with use_case(actor):
        person = access.person_for(actor, person_id, "check_up.schedule")
        assert actor.service is not None
        check_up = RecoveryCheckUp.objects.create(person=person, service=actor.service, due=due)
        audit.record(actor, "check_up.schedule", person_id=person.pk, obj=check_up)
    return check_up


def record_check_up_done(actor: Actor, check_up_id: int, on: date) -> RecoveryCheckUp:
    checks.a_date(on, "done")
    check_up = RecoveryCheckUp.objects.filter(pk=checks.an_id(check_up_id, "check_up")).first()
    if check_up is None:
        raise InputError("check_up", f"check_up: {check_up_id} not found")
    with use_case(actor):
        sight = access.person_sight(actor, check_up.person_id, "check_up.done")
        access.require_row(actor, sight, check_up, "check_up.done")
        if check_up.done is not None:
            raise InputError("check_up", "check_up: already done")
        check_up.done = on
        check_up.save()
        audit.record(actor, "check_up.done", person_id=check_up.person_id, obj=check_up)
    return check_up


def read_episode(actor: Actor, episode_id: int) -> EpisodeOfCare:
    """An episode, discharged or not, for anyone who may see its person; the read is audited."""
    with use_case(actor):
        episode = (
            EpisodeOfCare.objects.select_related("person", "service")
            .filter(pk=checks.an_id(episode_id, "episode"))
            .first()
        )
        if episode is None:
            raise InputError("episode", f"episode: {episode_id} not found")
        sight = access.require_sight(actor, episode.person, "episode.read")
        access.require_row(actor, sight, episode, "episode.read")
        ground = sight.ground
        audit.record(actor, "episode.read", person_id=episode.person_id, obj=episode, reason=ground)
    return episode


def check_ups(actor: Actor, person_id: int) -> list[RecoveryCheckUp]:
    """The person's recovery check-ups at every service the actor sees, due first; the read
    is audited."""
    with use_case(actor):
        sight = access.person_sight(actor, person_id, "check_up.read")
        person = sight.person
        rows = sight.rows(person.check_ups.select_related("service"))
        found = list(rows.order_by("due", "pk"))
        audit.record(actor, "check_up.read", person_id=person.pk, obj=person)
    return found
