"""Personal API tokens: made, used and revoked with an audit row each; stored as digests.

The key is 32 random bytes (``tb_`` + URL-safe base64); with that much entropy a plain
SHA-256 digest is the right storage (a slow password hash would only slow every API call).
Use is audited at most once per token per ``USE_AUDIT_INTERVAL`` so an integration polling
every second does not flood the trail; ``last_used_at`` shows the latest use.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from techbridge.accounts.middleware import password_expired
from techbridge.accounts.models import ApiToken
from techbridge.accounts.roles import STAFF_ROLES
from techbridge.audit.models import AuditEventType, AuditResult
from techbridge.audit.services import audit_record

PREFIX = "tb_"
USE_AUDIT_INTERVAL = timedelta(minutes=5)


def digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def max_lifetime(user: Any) -> timedelta:
    """Staff: one session's absolute limit; everyone else: API_TOKEN_MAX_DAYS."""
    if getattr(user, "role", None) in STAFF_ROLES:
        return timedelta(seconds=settings.SESSION_COOKIE_AGE)
    return timedelta(days=settings.API_TOKEN_MAX_DAYS)


@transaction.atomic
def token_create(
    *, actor: Any, name: str, days: int | None = None, second_factor: bool = False
) -> tuple[ApiToken, str]:
    """Make a token for ``actor`` and return it with its key (shown once, never stored).
    ``second_factor``: the caller's session passed TOTP (required for staff when TOTP is on)."""
    name = (name or "").strip()[:100]
    if not name:
        raise ValidationError({"name": _("Give the token a name, e.g. the system that uses it.")})
    staff = getattr(actor, "role", None) in STAFF_ROLES
    if staff and settings.STAFF_REQUIRE_TOTP and not second_factor:
        raise PermissionDenied(_("Staff make API tokens only after confirming a one-time code."))
    if staff and password_expired(actor):
        raise PermissionDenied(_("Your password has expired; change it first."))
    limit = max_lifetime(actor)
    lifetime = limit if days is None else min(timedelta(days=days), limit)
    if lifetime <= timedelta(0):
        raise ValidationError({"days": _("The lifetime must be at least one day.")})
    key = PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=actor,
        name=name,
        prefix=key[:10],
        key_digest=digest(key),
        created_at=now,
        expires_at=now + lifetime,
        second_factor=second_factor,
    )
    audit_record(
        AuditEventType.TOKEN_CREATE,
        actor=actor,
        obj=token,
        detail={"expires_at": token.expires_at.isoformat()},
    )
    return token, key


@transaction.atomic
def token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    if token.user_id != actor.pk:
        raise PermissionDenied
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(AuditEventType.TOKEN_REVOKE, actor=actor, obj=token)
    return token


def _refuse(token: ApiToken | None, reason: str, message: str) -> exceptions.AuthenticationFailed:
    audit_record(
        AuditEventType.TOKEN_USE,
        actor=token.user if token else None,
        obj=token,
        result=AuditResult.FAILURE,
        detail={"reason": reason},
    )
    return exceptions.AuthenticationFailed(message)


def _note_use(token: ApiToken) -> None:
    """Stamp the use; the conditional update lets exactly one request per interval write
    the audit row, however many arrive at once."""
    now = timezone.now()
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - USE_AUDIT_INTERVAL)
    if ApiToken.objects.filter(stale, pk=token.pk).update(last_used_at=now):
        audit_record(AuditEventType.TOKEN_USE, actor=token.user, obj=token)


class HashedTokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <key>`` (or ``Bearer <key>``) against stored digests, with the
    same gates as a staff login: an expired password or a token made without the second
    factor is refused."""

    def authenticate(self, request: Any) -> tuple[Any, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() not in (b"token", b"bearer"):
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from exc
        return self.authenticate_credentials(key)

    def authenticate_credentials(self, key: str) -> tuple[Any, ApiToken]:
        token = (
            ApiToken.objects.select_related("user").filter(key_digest=digest(key)).first()
        )
        if token is None:
            raise _refuse(None, "unknown", _("Invalid token."))
        user = token.user
        if token.revoked_at is not None:
            raise _refuse(token, "revoked", _("This token has been revoked."))
        if token.expires_at <= timezone.now():
            raise _refuse(token, "expired", _("This token has expired; make a new one."))
        if not user.is_active:
            raise _refuse(token, "inactive", _("This account is deactivated."))
        if user.role in STAFF_ROLES:
            if settings.STAFF_REQUIRE_TOTP and not token.second_factor:
                raise _refuse(
                    token,
                    "no_second_factor",
                    _("Staff tokens must be made after confirming a one-time code."),
                )
            if password_expired(user):
                raise _refuse(
                    token, "password_expired", _("Your password has expired; change it first.")
                )
        _note_use(token)
        return user, token
