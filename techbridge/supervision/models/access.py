"""Credentials that are not user accounts: a project contact's personal link (the mobile
page a WeChat menu opens) and an Open311 client system's API key.

Only a SHA-256 digest of each secret is stored, as for accounts.ApiToken: 32 random bytes
need no slow hash. ApiToken itself does not fit: it belongs to a user, and a staff token
lives no longer than a session, while a client system is no person and its key must last
until it is revoked."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ContactLink(models.Model):
    """A personal link for one contact person of one project: whoever holds it may report
    problems of that project and follow the ones reported through it, without an account.
    Issued by bureau staff; revocable; expires."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="contact_links",
    )
    # Personal data (PIPL): masked for everyone but bureau staff.
    contact_name = models.CharField(_("contact person"), max_length=60)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    prefix = models.CharField(_("link prefix"), max_length=12)
    key_digest = models.CharField(_("link digest"), max_length=64, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("personal link")
        verbose_name_plural = _("personal links")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("issued_at")), name="sv_link_expires"
            )
        ]

    def __str__(self) -> str:
        # The audit trail names the link by its project (no contact's name: personal data).
        return _("Personal link of %(project)s") % {"project": self.project}

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class Open311Client(models.Model):
    """A client system (a 12345 hotline platform, a city system) holding an Open311
    api_key. ``reads_all``: may read every request (a hotline hub); otherwise it reads
    the requests it submitted."""

    name = models.CharField(_("client system"), max_length=100, unique=True)
    prefix = models.CharField(_("key prefix"), max_length=12)
    key_digest = models.CharField(_("key digest"), max_length=64, unique=True)
    reads_all = models.BooleanField(_("may read every request"), default=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 client")
        verbose_name_plural = _("Open311 clients")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None
