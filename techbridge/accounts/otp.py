"""TOTP second factor for staff: setup (show the secret once, confirm with a code) and
verification after each password login. django-otp refuses a code that was already used
(``last_t``) and throttles repeated failures."""

from __future__ import annotations

import base64
from typing import Any

from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from techbridge.audit.models import AuditEventType, AuditResult
from techbridge.audit.services import audit_record


def confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user: Any) -> TOTPDevice:
    """The unconfirmed device being set up (created on first call)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def secret_base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode("ascii")


def verify(request: Any, device: TOTPDevice, token: str) -> bool:
    """Check the code; on success mark the session verified (and confirm a new device)."""
    token = (token or "").strip().replace(" ", "")
    ok = token.isdigit() and device.verify_token(token)
    if ok:
        if not device.confirmed:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
        otp_login(request, device)
        audit_record(
            AuditEventType.LOGIN,
            actor=request.user,
            object_type="accounts.user",
            object_id=str(request.user.pk),
            detail={"factor": "totp"},
        )
    else:
        audit_record(
            AuditEventType.LOGIN_FAILED,
            actor=request.user,
            result=AuditResult.FAILURE,
            object_type="accounts.user",
            object_id=str(request.user.pk),
            detail={"factor": "totp"},
        )
    return bool(ok)
