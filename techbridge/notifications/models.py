"""In-app notifications (站内消息)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    RECOMMENDATION = "recommendation", _("Recommendation")
    ANSWER = "answer", _("Answer to a recommendation")
    STAGE = "stage", _("Deal stage change")
    MEETING = "meeting", _("Meeting schedule")
    OTHER = "other", _("Other")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=NotificationKind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="ntf_recipient_unread")]

    def __str__(self) -> str:
        return self.title


class NotificationDelivery(models.Model):
    """One row per notification delivered on a channel (e-mail, webhook): the delivery job
    checks it first, so running the job again sends nothing a second time. ``key`` names
    the notification (``n<id>``, or a random key when no inbox row was written)."""

    key = models.CharField(_("delivery key"), max_length=80)
    channel = models.CharField(_("channel"), max_length=16)
    delivered_at = models.DateTimeField(_("delivered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("notification delivery")
        verbose_name_plural = _("notification deliveries")
        constraints = [
            models.UniqueConstraint(fields=["key", "channel"], name="ntf_delivered_once"),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.channel}"
