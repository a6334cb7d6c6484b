"""Notices and briefings (通知、简报) with read receipts.

Bureau staff and department handlers write a notice to chosen projects, zones and
departments and/or to group-chat robots. When it is sent the targets are resolved to
people once (``NoticeRecipient``, one row per person with why they got it), each gets it
in their inbox, and each row's ``read_at`` is their read receipt (set when they open the
notice). Robots get it through the robot channel (``notifications.RobotMessage`` rows
keyed ``notice:<id>``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from techbridge.core.models import EventBase


class NoticeKind(models.TextChoices):
    NOTICE = "notice", _("Notice")
    BRIEFING = "briefing", _("Briefing")


class Notice(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=NoticeKind, default=NoticeKind.NOTICE)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sender"),
        on_delete=models.PROTECT,
        related_name="notices_sent",
    )
    # The sender's organisation when it was sent (a department's notices stay its own
    # when a person moves on).
    sender_organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("sending organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notices_sent",
    )
    sent_at = models.DateTimeField(_("sent at"))
    projects = models.ManyToManyField(
        "projects.Project", verbose_name=_("projects"), blank=True, related_name="notices"
    )
    zones = models.ManyToManyField(
        "projects.Zone", verbose_name=_("zones"), blank=True, related_name="notices"
    )
    departments = models.ManyToManyField(
        "organisations.Organisation",
        verbose_name=_("departments"),
        blank=True,
        related_name="notices_received",
    )
    robots = models.ManyToManyField(
        "notifications.Robot", verbose_name=_("group chats"), blank=True, related_name="notices"
    )

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(fields=["created_by", "sent_at"], name="notice_sender"),
            models.Index(fields=["sender_organisation", "sent_at"], name="notice_sender_org"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["notice", "briefing"]), name="notice_kind_valid"
            ),
            models.CheckConstraint(condition=~Q(title=""), name="notice_has_title"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("notices:detail", args=[self.pk])

    @property
    def robot_key(self) -> str:
        """The delivery key of this notice's robot messages (one per robot)."""
        return f"notice:{self.pk}"


class RecipientVia(models.TextChoices):
    PROJECT = "project", _("Project")
    ZONE = "zone", _("Zone")
    DEPARTMENT = "department", _("Department")


class NoticeRecipient(models.Model):
    """One person a notice was addressed to: the read receipt (``read_at``)."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="recipients")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices_received"
    )
    # Why this person got it: the first target that reached them.
    via = models.CharField(_("addressed as"), max_length=10, choices=RecipientVia)
    via_label = models.CharField(_("through"), max_length=200, blank=True)
    notification = models.ForeignKey(
        "notifications.Notification",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice recipient")
        verbose_name_plural = _("notice recipients")
        ordering = ["notice", "id"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "user"], name="notice_recipient_once"),
            models.CheckConstraint(
                condition=Q(via__in=["project", "zone", "department"]),
                name="notice_recipient_via_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "notice"], name="notice_recipient_user"),
            models.Index(fields=["notice", "read_at"], name="notice_recipient_read"),
        ]

    def __str__(self) -> str:
        return f"{self.notice_id} → {self.user_id}"


class NoticeEventKind(models.TextChoices):
    SENT = "sent", _("Sent out")
    READ = "read", _("Read")


class NoticeEvent(EventBase):
    """A notice's history: sent (``data``: counts of recipients and robots), and each
    first read (``actor`` = the reader)."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=8, choices=NoticeEventKind)

    subject_field = "notice"

    class Meta(EventBase.Meta):
        verbose_name = _("notice event")

    def __str__(self) -> str:
        return f"{self.notice_id} {self.kind}"
