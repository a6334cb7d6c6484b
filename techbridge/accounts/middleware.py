"""Session limits (30 min idle, 12 h absolute) and the staff password maximum age."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

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

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
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


class PasswordExpiryMiddleware:
    """Staff whose password is older than the configured age must change it first."""

    _allowed_prefixes = ("/accounts/password/", "/accounts/logout/", "/static/", "/i18n/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "role", None) in STAFF_ROLES
            and not request.path.startswith(self._allowed_prefixes)
        ):
            max_age = timedelta(days=settings.STAFF_PASSWORD_MAX_AGE_DAYS)
            if timezone.now() - user.password_changed_at > max_age:
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {
                            "error": {
                                "status": 403,
                                "code": "password_expired",
                                "message": _("Your password has expired; change it first."),
                            }
                        },
                        status=403,
                    )
                messages.warning(request, _("Your password has expired; please change it first."))
                return redirect("accounts:password_change")
        return self.get_response(request)


class StaffTwoFactorMiddleware:
    """Staff and administrators reach nothing but the TOTP pages (and logout) until they
    have confirmed a one-time code in this session."""

    _allowed_prefixes = ("/accounts/otp/", "/accounts/logout/", "/static/", "/i18n/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            settings.STAFF_REQUIRE_TOTP
            and user is not None
            and user.is_authenticated
            and getattr(user, "role", None) in STAFF_ROLES
            and not user.is_verified()
            and not request.path.startswith(self._allowed_prefixes)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {
                        "error": {
                            "status": 403,
                            "code": "otp_required",
                            "message": _("Confirm your one-time code first."),
                        }
                    },
                    status=403,
                )
            return redirect(f"{reverse('accounts:otp_verify')}?next={request.path}")
        return self.get_response(request)
