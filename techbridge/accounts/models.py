"""Accounts: one user, one role, optionally one organisation."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from techbridge.accounts.roles import ADMIN_ROLES, MEMBER_ROLES, STAFF_ROLES, Duty, Role


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.VISITOR)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    is_reviewer = models.BooleanField(_("reviewer"), default=False)
    is_registrar = models.BooleanField(_("registrar"), default=False)
    is_statistician = models.BooleanField(_("statistician"), default=False)
    password_changed_at = models.DateTimeField(_("password changed at"), default=timezone.now)
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    # 三员分立: who opened the account, and — for administrator accounts — which second
    # administrator approved it before it could be activated.
    created_by = models.ForeignKey(
        "self", verbose_name=_("opened by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        "self", verbose_name=_("approved by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # Duties belong to bureau staff only.
            models.CheckConstraint(
                condition=Q(role=Role.BUREAU_STAFF)
                | Q(is_reviewer=False, is_registrar=False, is_statistician=False),
                name="user_duties_only_for_bureau_staff",
            ),
            # Nobody bypasses the role model: only the system administrator may be superuser.
            models.CheckConstraint(
                condition=Q(is_superuser=False) | Q(role=Role.SYSTEM_ADMIN),
                name="user_superuser_only_system_admin",
            ),
            models.CheckConstraint(
                condition=Q(role__in=[r.value for r in Role]), name="user_role_valid"
            ),
            # Members act for an organisation; a member without one could own nothing.
            models.CheckConstraint(
                condition=~Q(role__in=sorted(r.value for r in MEMBER_ROLES))
                | Q(organisation__isnull=False),
                name="user_member_has_organisation",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def is_staff_role(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_admin_role(self) -> bool:
        return self.role in ADMIN_ROLES

    @property
    def is_member(self) -> bool:
        return self.role in MEMBER_ROLES

    @property
    def awaits_approval(self) -> bool:
        """An administrator account opened by someone and not yet approved by a second
        administrator: it stays inactive until then."""
        return (
            self.role in ADMIN_ROLES and self.created_by_id is not None and self.approved_at is None
        )

    def has_duty(self, duty: Duty) -> bool:
        if self.role != Role.BUREAU_STAFF or not self.is_active:
            return False
        return bool(getattr(self, f"is_{duty.value}"))


class ApiToken(models.Model):
    """A personal API token. Only a SHA-256 digest of the key is stored (the key is shown
    once, when it is made); every token expires. A staff member's token can only be made in
    a session that passed the second factor and lives no longer than a session may, so a
    token never becomes a way around TOTP or password expiry."""

    user = models.ForeignKey(
        "accounts.User", verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("key prefix"), max_length=12)
    key_digest = models.CharField(_("key digest"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    second_factor = models.BooleanField(_("made after a second factor"), default=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")), name="api_token_expires"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
