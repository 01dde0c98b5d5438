"""Bearer tokens for other systems; sessions for the browser. Only token hashes are stored."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest
from ninja.security import HttpBearer

from nowrongdoor.records.directory.models import ApiToken


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(user: User, label: str = "") -> str:
    """A new token for `user`; shown once, stored only as its hash."""
    token = "nwd_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, key_sha256=_hash(token), label=label)
    return token


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = (
            ApiToken.objects.select_related("user")
            .filter(key_sha256=_hash(token), active=True, user__is_active=True)
            .first()
        )
        if found is None:
            return None
        request.user = found.user
        return found.user
