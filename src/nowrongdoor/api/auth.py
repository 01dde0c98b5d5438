"""Bearer tokens for other systems; sessions for the browser. Only token hashes are stored."""

from __future__ import annotations

import hashlib
import re
import secrets
from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.security.session import SessionAuth

from nowrongdoor.records.directory.models import ApiToken

# What Django's session keys are made of (get_random_string over a-z0-9; the column holds 40).
SESSION_KEY = re.compile(r"[a-z0-9]{8,40}")


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


class SessionCookie(SessionAuth):
    """Django's session, for the browser; a cookie that cannot be a session key is refused
    before the database is asked (PostgreSQL answers a NUL byte with a server error)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if key is None or not SESSION_KEY.fullmatch(key):
            return None
        return super().authenticate(request, key)
