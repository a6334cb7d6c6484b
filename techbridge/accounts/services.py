"""Account services: creation, role and duty changes, activation, password changes."""

from __future__ import annotations

import secrets
import string
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from techbridge.accounts.models import User
from techbridge.accounts.roles import MEMBER_ROLES, STAFF_ROLES, Duty, Role
from techbridge.audit.models import AuditEventType
from techbridge.audit.services import audit_record
from techbridge.organisations.models import Organisation


def _check_role(role: Role, organisation: Organisation | None, duties: Iterable[Duty]) -> None:
    if role in MEMBER_ROLES and organisation is None:
        raise ValidationError({"organisation": _("Members must belong to an organisation.")})
    if set(duties) and role != Role.BUREAU_STAFF:
        raise ValidationError(
            {"role": _("Only bureau staff can have reviewer, registrar or statistician duties.")}
        )


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    password: str,
    role: Role,
    organisation: Organisation | None = None,
    email: str = "",
    display_name: str = "",
    duties: Iterable[Duty] = (),
) -> User:
    """Create an account after checking the password rules for its role."""
    duties = list(duties)
    _check_role(role, organisation, duties)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This user name is already taken.")})
    user = User(
        username=username,
        email=email,
        role=role,
        organisation=organisation,
        display_name=display_name,
        is_staff=role in {Role.SYSTEM_ADMIN, Role.BUREAU_STAFF},
        **{f"is_{duty.value}": True for duty in duties},
    )
    validate_password(password, user)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.save()
    audit_record(AuditEventType.CREATE, actor=actor, obj=user, detail={"role": role.value})
    return user


@transaction.atomic
def user_set_active(*, actor: Any, user: User, active: bool) -> User:
    """Deactivating an account also ends its sessions: Django refuses inactive users on
    their next request (ModelBackend.get_user)."""
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit_record(AuditEventType.UPDATE, actor=actor, obj=user, detail={"is_active": active})
    return user


@transaction.atomic
def user_change_password(*, actor: Any, user: User, new_password: str) -> User:
    validate_password(new_password, user)
    user.set_password(new_password)
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "password_changed_at"])
    audit_record(AuditEventType.PASSWORD_CHANGE, actor=actor, obj=user)
    return user


def generate_password() -> str:
    """A random initial password that every role's rules accept (4 classes, 18 chars)."""
    alphabet = string.ascii_letters + string.digits
    body = "".join(secrets.choice(alphabet) for _ in range(14))
    return f"{body}-Tb{secrets.randbelow(90) + 10}"


def is_staff_account(user: User) -> bool:
    return user.role in STAFF_ROLES
