"""Access control helpers: deny by default, 404 for objects a user may not see, and an
audit row for every denial. Domain selectors decide *what* is visible; these helpers
turn the decision into an HTTP answer the same way everywhere."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, NoReturn, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse

from techbridge.accounts.roles import Duty, Role
from techbridge.audit.models import AuditEventType, AuditResult
from techbridge.audit.services import audit_record
from techbridge.core.actors import is_active_user

M = TypeVar("M", bound=models.Model)


def deny(user: Any, *, object_type: str, object_id: Any = "", reason: str = "") -> NoReturn:
    """Audit the denial and answer 404, so a probe cannot tell 'hidden' from 'absent'."""
    audit_record(
        AuditEventType.ACCESS_DENIED,
        actor=user,
        result=AuditResult.DENIED,
        object_type=object_type,
        object_id=str(object_id),
        detail={"reason": reason} if reason else None,
    )
    raise Http404()


def get_visible_or_404(visible: models.QuerySet[M], pk: Any, user: Any) -> M:
    """The object with ``pk`` from the user's ``visible`` queryset. If it exists but is not
    visible the denial is audited; either way the answer is 404."""
    try:
        return visible.get(pk=pk)
    except (ValueError, TypeError):
        raise Http404() from None
    except ObjectDoesNotExist:
        if visible.model._base_manager.filter(pk=pk).exists():
            deny(user, object_type=visible.model._meta.label_lower, object_id=pk)
        raise Http404() from None


def has_role(user: Any, roles: Iterable[Role]) -> bool:
    return is_active_user(user) and user.role in set(roles)


def role_required(
    *roles: Role,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """View decorator: anonymous → login page; other roles → 403 (audited)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, roles):
                audit_record(
                    AuditEventType.ACCESS_DENIED,
                    actor=request.user,
                    result=AuditResult.DENIED,
                    object_type="page",
                    object_repr=request.path[:200],
                )
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def duty_required(
    duty: Duty,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.has_duty(duty):  # type: ignore[union-attr]
                audit_record(
                    AuditEventType.ACCESS_DENIED,
                    actor=request.user,
                    result=AuditResult.DENIED,
                    object_type="page",
                    object_repr=request.path[:200],
                )
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def same_organisation(user: Any, organisation_id: int | None) -> bool:
    return bool(
        user.is_authenticated
        and organisation_id is not None
        and getattr(user, "organisation_id", None) == organisation_id
    )
