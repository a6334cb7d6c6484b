"""Account services: creation, role and duty changes, activation, password changes."""

from __future__ import annotations

import secrets
import string
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from techbridge.accounts.models import User
from techbridge.accounts.roles import ADMIN_ROLES, MEMBER_ROLES, STAFF_ROLES, Duty, Role
from techbridge.audit.models import AuditEventType
from techbridge.audit.services import audit_record
from techbridge.core.actors import Actor
from techbridge.core.exceptions import TransitionError
from techbridge.organisations.models import Organisation


def _check_role(role: Role, organisation: Organisation | None, duties: Iterable[Duty]) -> None:
    if role in MEMBER_ROLES and organisation is None:
        raise ValidationError({"organisation": _("Members must belong to an organisation.")})
    if set(duties) and role != Role.BUREAU_STAFF:
        raise ValidationError(
            {"role": _("Only bureau staff can have reviewer, registrar or statistician duties.")}
        )


def _opened_by(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) and actor.is_authenticated else None


@transaction.atomic
def user_create(
    *,
    actor: Actor,
    username: str,
    role: Role,
    password: str | None = None,
    organisation: Organisation | None = None,
    email: str = "",
    display_name: str = "",
    duties: Iterable[Duty] = (),
) -> User:
    """Open an account.

    Without ``password`` (how administrators open accounts) nobody but the person ever knows
    one: the account gets an unusable password and the person sets their own through a
    single-use activation link sent to ``email``; staff then set up their second factor at
    first login. An administrator account opened by an administrator stays inactive until a
    second administrator approves it (:func:`user_approve`), so no administrator can open,
    and then use, an account of another administrator role (三员分立; ADR 0009).
    ``password`` is for the demo world and the command line only."""
    duties = list(duties)
    _check_role(role, organisation, duties)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This user name is already taken.")})
    opener = _opened_by(actor)
    if password is None and not email:
        raise ValidationError(
            {"email": _("An e-mail address is needed: the activation link is sent there.")}
        )
    needs_approval = opener is not None and role in ADMIN_ROLES
    user = User(
        username=username,
        email=email,
        role=role,
        organisation=organisation,
        display_name=display_name,
        is_staff=role in {Role.SYSTEM_ADMIN, Role.BUREAU_STAFF},
        is_active=not needs_approval,
        created_by=opener,
        **{f"is_{duty.value}": True for duty in duties},
    )
    if password is None:
        user.set_unusable_password()
    else:
        validate_password(password, user)
        user.set_password(password)
    user.password_changed_at = timezone.now()
    user.save()
    audit_record(
        AuditEventType.CREATE,
        actor=actor,
        obj=user,
        detail={"role": role.value, "awaits_approval": needs_approval},
    )
    if password is None and not needs_approval:
        send_activation_on_commit(user)
    return user


@transaction.atomic
def user_approve(*, actor: Actor, user: User) -> User:
    """A second administrator approves an administrator account: it becomes active and the
    activation link goes to the person. Never the administrator who opened it, never the
    account itself."""
    if not isinstance(actor, User) or actor.role not in APPROVER_ROLES or not actor.is_active:
        raise PermissionDenied(_("Only the system or security administrator approves accounts."))
    locked = User.objects.select_for_update().get(pk=user.pk)
    if not locked.awaits_approval:
        raise TransitionError(_("This account does not wait for approval."))
    if locked.created_by_id == actor.pk or locked.pk == actor.pk:
        raise TransitionError(
            _("A second administrator must approve an account you opened yourself.")
        )
    locked.approved_by = actor
    locked.approved_at = timezone.now()
    locked.is_active = True
    locked.save(update_fields=["approved_by", "approved_at", "is_active"])
    audit_record(AuditEventType.APPROVAL, actor=actor, obj=locked, detail={"role": locked.role})
    send_activation_on_commit(locked)
    return locked


def activation_link(user: User) -> str:
    """The single-use link that sets a password (Django's reset token: it dies when the
    password changes and after PASSWORD_RESET_TIMEOUT)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def send_activation_on_commit(user: User) -> None:
    def send() -> None:
        fresh = User.objects.get(pk=user.pk)
        body = render_to_string(
            "accounts/email/activation.txt",
            {"account": fresh, "link": activation_link(fresh), "site": settings.SITE_URL},
        )
        send_mail(
            _("Your techbridge account: set your password"),
            body,
            None,
            [fresh.email],
        )

    transaction.on_commit(send)


@transaction.atomic
def user_set_active(*, actor: Actor, user: User, active: bool) -> User:
    """Deactivating an account also ends its sessions: Django refuses inactive users on
    their next request (ModelBackend.get_user). An administrator account that waits for
    approval is activated only by :func:`user_approve`."""
    if active and user.awaits_approval:
        raise TransitionError(
            _("This administrator account waits for a second administrator's approval.")
        )
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit_record(AuditEventType.UPDATE, actor=actor, obj=user, detail={"is_active": active})
    return user


@transaction.atomic
def user_set_password_by_link(*, user: User, new_password: str) -> User:
    """The person sets their own password from an activation or reset link."""
    validate_password(new_password, user)
    user.set_password(new_password)
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "password_changed_at"])
    audit_record(AuditEventType.PASSWORD_RESET, actor=user, obj=user)
    return user


@transaction.atomic
def user_change_password(*, actor: Actor, user: User, new_password: str) -> User:
    validate_password(new_password, user)
    user.set_password(new_password)
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "password_changed_at"])
    audit_record(AuditEventType.PASSWORD_CHANGE, actor=actor, obj=user)
    return user


# Who may approve an administrator account opened by someone else.
APPROVER_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN})


def generate_password() -> str:
    """A random initial password that every role's rules accept (4 classes, 18 chars)."""
    alphabet = string.ascii_letters + string.digits
    body = "".join(secrets.choice(alphabet) for _ in range(14))
    return f"{body}-Tb{secrets.randbelow(90) + 10}"


def is_staff_account(user: User) -> bool:
    return user.role in STAFF_ROLES
