"""Referrals between services: sent with consent, accepted, or declined with a route."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from nowrongdoor.errors import AccessDenied, InputError
from nowrongdoor.records.care.models import Consent, EpisodeOfCare, EpisodeStatus
from nowrongdoor.records.clinical.models import Assessment
from nowrongdoor.records.directory.models import Service
from nowrongdoor.records.referrals.models import (
    ActionKind,
    RecommendationAction,
    Referral,
    ReferralStatus,
)
from nowrongdoor.services import access, audit, backdating, checks, use_case
from nowrongdoor.services.actor import Actor


def _consent_for(person_id: int, service: Service) -> Consent:
    latest = access.latest_consent(person_id, service.pk)
    if latest is None or access.ground_of(latest) is None:
        raise InputError(
            "consent",
            f"consent: no recorded consent to share with {service.name}; record the person's "
            "consent (or a safeguarding reason) first",
        )
    return latest


def refer(
    actor: Actor,
    person_id: int,
    to_service_id: int,
    reason: str,
    recommendation_code: str = "",
    on: date | None = None,
) -> Referral:
    """Send a referral; the person's consent to share with the receiving service is checked.
    `on`, when given, is the day it was sent (not in the future), for one recorded later."""
    reason = checks.some_text(reason, "reason")
    if on is not None:
        checks.a_past_date(on, "sent")
    recommendation_code = checks.some_text(
        recommendation_code, "recommendation_code", required=False, max_length=60
    )
    to_service = Service.objects.filter(pk=checks.an_id(to_service_id, "to_service")).first()
    if to_service is None:
        raise InputError("to_service", f"to_service: {to_service_id} not found")
    with use_case(actor):
        person = access.person_for(actor, person_id, "referral.send")
        if actor.service is None or actor.service == to_service:
            raise InputError("to_service", "to_service: refer to another service")
        referral = Referral.objects.create(
            person=person,
            from_service=actor.service,
            to_service=to_service,
            consent=_consent_for(person_id, to_service),
            reason=reason,
            recommendation_code=recommendation_code,
            sent_by=actor.user,
        )
        backdating.stamp(referral, "sent_at", on)
        audit.record(actor, "referral.send", person_id=person.pk, obj=referral)
    return referral


def _decided(referral: Referral, on: date | None) -> None:
    """Mark the decision as made now, or on `on` (not in the future, nor before it was sent)."""
    if on is not None:
        sent = timezone.localdate(referral.sent_at)
        checks.a_past_date(
            on, "decided", not_before=sent, after=f"the referral was sent ({sent.isoformat()})"
        )
    referral.decided_at = backdating.moment(on)


def _incoming(actor: Actor, referral_id: int) -> Referral:
    referral = (
        Referral.objects.select_related("person", "to_service")
        .filter(pk=checks.an_id(referral_id, "referral"))
        .first()
    )
    if referral is None:
        raise InputError("referral", f"referral: {referral_id} not found")
    if actor.service != referral.to_service:
        raise AccessDenied(
            "only the receiving service decides a referral",
            action="referral.decide",
            person_id=referral.person_id,
        )
    if referral.status != ReferralStatus.SENT:
        raise InputError("referral", f"referral: already {referral.status}")
    _consent_for(referral.person_id, referral.to_service)  # withdrawn since it was sent?
    return referral


def accept(actor: Actor, referral_id: int, on: date | None = None) -> EpisodeOfCare:
    """Accept: the receiving service opens an episode, dated from the referral. `on`, when
    given, is the day of the decision, for one recorded later."""
    with use_case(actor):
        referral = _incoming(actor, referral_id)
        _decided(referral, on)
        referral.status = ReferralStatus.ACCEPTED
        referral.decided_by = actor.user
        referral.save()
        episode = EpisodeOfCare.objects.create(
            person=referral.person,
            service=referral.to_service,
            status=EpisodeStatus.REFERRAL_RECEIVED,
            referral_received=referral.sent_at.date(),
        )
        audit.record(actor, "referral.accept", person_id=referral.person_id, obj=referral)
    return episode


def decline(
    actor: Actor, referral_id: int, alternative_route: str, on: date | None = None
) -> Referral:
    """Decline only with the route that is suitable: no wrong door applies to services too.
    `on`, when given, is the day of the decision, for one recorded later."""
    if not alternative_route.strip():
        raise InputError(
            "alternative_route",
            "alternative_route: required - name the service or route that can help (no wrong door)",
        )
    with use_case(actor):
        referral = _incoming(actor, referral_id)
        _decided(referral, on)
        referral.status = ReferralStatus.DECLINED
        referral.alternative_route = alternative_route.strip()
        referral.decided_by = actor.user
        referral.save()
        audit.record(actor, "referral.decline", person_id=referral.person_id, obj=referral)
    return referral


def inbox(actor: Actor) -> list[Referral]:
    """Referrals waiting for the actor's service; listing them is audited."""
    if actor.service is None:
        return []
    with use_case(actor):
        waiting = [
            referral
            for referral in Referral.objects.filter(
                to_service=actor.service, status=ReferralStatus.SENT
            )
            .select_related("person", "from_service")
            .order_by("sent_at")
            if access.sharing_ground(referral.person_id, referral.to_service_id)
        ]
        for referral in waiting:  # each name shown is a read of that person's record
            audit.record(actor, "referral.inbox", person_id=referral.person_id, obj=referral)
    return waiting


def act_on_recommendation(
    actor: Actor,
    assessment_id: int,
    code: str,
    kind: str,
    note: str = "",
    referral_id: int | None = None,
    on: date | None = None,
) -> RecommendationAction:
    """Record what was offered, accepted, declined or referred for one recommendation; `on`,
    for one recorded later, not before the assessment."""
    if kind not in ActionKind.values:
        raise InputError("kind", f"kind: must be one of {', '.join(ActionKind.values)}")
    if (kind == ActionKind.REFERRED) != (referral_id is not None):
        raise InputError("referral", "referral: give the referral exactly when kind is referred")
    assessment = Assessment.objects.filter(pk=checks.an_id(assessment_id, "assessment")).first()
    if assessment is None:
        raise InputError("assessment", f"assessment: {assessment_id} not found")
    with use_case(actor):
        # Access first: what an assessment holds is not told to someone who may not see it.
        sight = access.person_sight(actor, assessment.person_id, "recommendation.act")
        access.require_row(actor, sight, assessment, "recommendation.act")
        codes = {r["code"] for r in assessment.output["recommendations"]}
        if code not in codes:
            raise InputError("code", f"code: {code} is not a recommendation of this assessment")
        if on is not None:
            checks.a_past_date(
                on,
                "date",
                not_before=timezone.localdate(assessment.recorded_at),
                after="the assessment",
            )
        if (
            referral_id is not None
            and not Referral.objects.filter(
                pk=checks.an_id(referral_id, "referral"), person_id=assessment.person_id
            ).exists()
        ):
            raise InputError("referral", f"referral: {referral_id} is not this person's")
        action = RecommendationAction.objects.create(
            assessment=assessment,
            code=code,
            kind=kind,
            note=note,
            referral_id=referral_id,
            recorded_by=actor.user,
        )
        backdating.stamp(action, "recorded_at", on)
        audit.record(actor, f"recommendation.{kind}", person_id=assessment.person_id, obj=action)
    return action


def read_incoming(actor: Actor, referral_id: int) -> Referral:
    """A referral waiting for the actor's service to decide, read (and audited) to decide it."""
    with use_case(actor):
        referral = _incoming(actor, referral_id)
        audit.record(actor, "referral.read", person_id=referral.person_id, obj=referral)
    return referral
