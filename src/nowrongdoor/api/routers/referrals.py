"""Referrals: sent with consent, listed in the receiving service's inbox, accepted or
declined with the route that can help instead."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.responses import Status

from nowrongdoor.api.acting import actor_of
from nowrongdoor.api.schemas.common import ERRORS, PathId
from nowrongdoor.api.schemas.episodes import EpisodePublic
from nowrongdoor.api.schemas.referrals import ReferralCreate, ReferralDecline, ReferralPublic
from nowrongdoor.services import referrals

router = Router(tags=["referrals"])


@router.post("/people/{person_id}/referrals", response={201: ReferralPublic, **ERRORS})
def refer(request: HttpRequest, person_id: PathId, body: ReferralCreate) -> Any:
    """Refer the person to another service; their consent to share with it must be recorded."""
    referral = referrals.refer(
        actor_of(request), person_id, body.to_service, body.reason, body.recommendation_code
    )
    return Status(201, referral)


@router.get("/referrals/inbox", response={200: list[ReferralPublic], **ERRORS})
def inbox(request: HttpRequest) -> Any:
    """Referrals waiting for your service, oldest first."""
    return referrals.inbox(actor_of(request))


@router.post("/referrals/{referral_id}/accept", response={200: EpisodePublic, **ERRORS})
def accept(request: HttpRequest, referral_id: PathId) -> Any:
    """Accept a referral to your service: this opens an episode of care, dated from it."""
    return referrals.accept(actor_of(request), referral_id)


@router.post("/referrals/{referral_id}/decline", response={200: ReferralPublic, **ERRORS})
def decline(request: HttpRequest, referral_id: PathId, body: ReferralDecline) -> Any:
    """Decline a referral, naming the service or route that can help instead."""
    return referrals.decline(actor_of(request), referral_id, body.alternative_route)
