"""Reads about accounts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from techbridge.audit.models import AuditEvent


def personal_data(user: Any) -> dict[str, Any]:
    """Everything the platform keeps about a person as an account holder: the account
    itself (never the password hash) and what they did (their audit trail)."""
    events = AuditEvent.objects.filter(actor=user).order_by("at", "id")
    return {
        "account": {
            "username": user.username,
            "display_name": user.display_name,
            "email": user.email,
            "role": user.role,
            "organisation": str(user.organisation) if user.organisation_id else None,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "password_changed_at": user.password_changed_at.isoformat(),
        },
        "activity": [
            {
                "at": e.at.isoformat(),
                "event": e.event,
                "object": f"{e.object_type} {e.object_id}".strip(),
                "result": e.result,
                "source_address": e.source_address,
            }
            for e in events.iterator()
        ],
    }


def recent_login_failures(username: str, *, within: timedelta = timedelta(hours=1)) -> int:
    """Failed logins for ``username`` (any address) in the last hour, from the audit trail."""
    from techbridge.audit.models import AuditEvent, AuditEventType

    return AuditEvent.objects.filter(
        event=AuditEventType.LOGIN_FAILED,
        object_type="accounts.user",
        object_repr__iexact=username[:150],
        at__gte=timezone.now() - within,
    ).count()
