"""Who is acting, in which service and role: every use case takes one."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User

from nowrongdoor.records.directory.models import Membership, Role, Service


@dataclass(frozen=True)
class Actor:
    user: User
    role: str
    service: Service | None

    @classmethod
    def of(cls, user: User, service: Service | None = None, role: str | None = None) -> Actor:
        """The actor for a user's active membership (in `service`, if given)."""
        memberships = Membership.objects.filter(user=user, active=True).select_related("service")
        if service is not None:
            memberships = memberships.filter(service=service)
        if role is not None:
            memberships = memberships.filter(role=role)
        membership = memberships.first()
        if membership is None:
            return cls(user=user, role=Role.PERSON, service=None)
        return cls(user=user, role=membership.role, service=membership.service)
