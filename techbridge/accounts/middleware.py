"""Session limits (30 min idle, 12 h absolute) and the staff password maximum age."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from techbridge.accounts.roles import STAFF_ROLES
from techbridge.audit.models import AuditEventType
from techbridge.audit.services import audit_record

# Writing the session on every request would cost a write per page; a minute of slack on a
# 30-minute idle limit is harmless.
_TOUCH_INTERVAL = 60


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    # Load-balancer probes neither end a session nor count as its activity.
    _probes = ("/healthz", "/readyz")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if request.path in self._probes:
            return self.get_response(request)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = time.time()
            session = request.session
            started = session.setdefault("_auth_at", now)
            last = session.get("_last_seen", now)
            idle = now - last > settings.SESSION_IDLE_SECONDS
            absolute = now - started > settings.SESSION_COOKIE_AGE
            if idle or absolute:
                audit_record(
                    AuditEventType.SESSION_EXPIRED,
                    actor=user,
                    object_type="accounts.user",
                    object_id=str(user.pk),
                    detail={"reason": "idle" if idle else "absolute"},
                )
                logout(request)
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {
                            "error": {
                                "status": 401,
                                "code": "session_expired",
                                "message": _("Your session has expired. Please log in again."),
                            }
                        },
                        status=401,
                    )
                messages.info(request, _("Your session has expired. Please log in again."))
                return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.path}")
            if now - last >= _TOUCH_INTERVAL or "_last_seen" not in session:
                session["_last_seen"] = now
        return self.get_response(request)


def password_expired(user: Any) -> bool:
    """A staff account whose password is older than the configured maximum age."""
    if getattr(user, "role", None) not in STAFF_ROLES:
        return False
    max_age = timedelta(days=settings.STAFF_PASSWORD_MAX_AGE_DAYS)
    return bool(timezone.now() - user.password_changed_at > max_age)


def second_factor_missing(user: Any) -> bool:
    """A staff account that has not confirmed a one-time code in this session."""
    return bool(
        settings.STAFF_REQUIRE_TOTP
        and getattr(user, "role", None) in STAFF_ROLES
        and not user.is_verified()
    )


def _api_refusal(code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"status": 403, "code": code, "message": message}}, status=403)


class AccountGateMiddleware:
    """The gates a signed-in person passes, in this order, before anything else answers:

    1. staff and administrators confirm a TOTP code (setting it up on first login);
    2. then an expired staff password is changed.

    One middleware with one order, so each gate lets through the pages of the gates before
    it: the password page is reachable only after the second factor (a stolen password
    alone cannot change it), and the code pages never bounce to the password page. Two
    separate middlewares that each refused the other's page sent staff round in a loop.
    """

    _always_allowed = ("/accounts/logout/", "/static/", "/i18n/", "/healthz", "/readyz")
    _otp_pages = ("/accounts/otp/",)
    _password_pages = ("/accounts/password/",)

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        path = request.path
        if path.startswith(self._always_allowed):
            return self.get_response(request)
        if second_factor_missing(user):
            if path.startswith(self._otp_pages):
                return self.get_response(request)
            if path.startswith("/api/"):
                return _api_refusal("otp_required", _("Confirm your one-time code first."))
            return redirect(f"{reverse('accounts:otp_verify')}?next={path}")
        if password_expired(user) and not path.startswith(self._otp_pages + self._password_pages):
            if path.startswith("/api/"):
                return _api_refusal(
                    "password_expired", _("Your password has expired; change it first.")
                )
            messages.warning(request, _("Your password has expired; please change it first."))
            return redirect("accounts:password_change")
        return self.get_response(request)
