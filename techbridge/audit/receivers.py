"""Authentication events → audit rows. Receivers write the trail and nothing else."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from techbridge.audit.models import AuditEventType, AuditResult
from techbridge.audit.services import audit_record


def _user_ref(user: Any) -> dict[str, Any]:
    return {"object_type": "accounts.user", "object_id": str(user.pk), "object_repr": str(user)}


@receiver(user_logged_in, dispatch_uid="audit_login")
def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(AuditEventType.LOGIN, actor=user, **_user_ref(user))


@receiver(user_logged_out, dispatch_uid="audit_logout")
def on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(AuditEventType.LOGOUT, actor=user, **_user_ref(user))


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kw: Any
) -> None:
    # Django has already replaced the password with asterisks; only the name is kept.
    username = str(credentials.get("username", ""))[:150]
    audit_record(
        AuditEventType.LOGIN_FAILED,
        result=AuditResult.FAILURE,
        object_type="accounts.user",
        object_repr=username,
        detail={"username": username},
    )


@receiver(user_locked_out, dispatch_uid="audit_lockout")
def on_locked_out(sender: Any, request: Any, username: str, ip_address: str, **kw: Any) -> None:
    audit_record(
        AuditEventType.LOCKOUT,
        result=AuditResult.DENIED,
        object_type="accounts.user",
        object_repr=str(username)[:150],
        detail={"username": str(username)[:150]},
    )
