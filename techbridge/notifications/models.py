"""In-app notifications (站内消息) and group-chat robots (群机器人, ADR 0011)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from techbridge.core.phrases import render


class NotificationKind(models.TextChoices):
    RECOMMENDATION = "recommendation", _("Recommendation")
    ANSWER = "answer", _("Answer to a recommendation")
    STAGE = "stage", _("Deal stage change")
    MEETING = "meeting", _("Meeting schedule")
    NOTICE = "notice", _("Notice or briefing")
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
    # The source messages and their parameters (core.phrases), so that the inbox reads in
    # the reader's language, not the sender's; title and body above keep the site-language
    # text for e-mail, search and messages written before these fields existed.
    title_msgid = models.CharField(max_length=300, blank=True, default="")
    title_params = models.JSONField(default=dict, blank=True)
    body_msgid = models.TextField(blank=True, default="")
    body_params = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="ntf_recipient_unread")]

    def __str__(self) -> str:
        return self.title

    @property
    def title_text(self) -> str:
        """The title in the reader's (active) language."""
        return render(self.title_msgid, self.title_params) if self.title_msgid else self.title

    @property
    def body_text(self) -> str:
        return render(self.body_msgid, self.body_params) if self.body_msgid else self.body


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


# --- group-chat robots (企业微信 / 钉钉 群机器人, ADR 0011) ------------------------------------


class RobotKind(models.TextChoices):
    WECOM = "wecom", _("WeCom group robot")
    DINGTALK = "dingtalk", _("DingTalk group robot")


class Robot(models.Model):
    """A group chat's webhook robot. ``webhook_url`` carries the vendor's access key and
    ``secret`` DingTalk's signing secret: both are credentials, shown masked everywhere
    (``masked_url`` / ``masked_secret``) and never written to logs, events or audit rows."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=RobotKind.choices)
    webhook_url = models.CharField(_("webhook URL"), max_length=500)
    secret = models.CharField(_("signing secret"), max_length=200, blank=True)
    is_active = models.BooleanField(_("enabled"), default=True)
    # DingTalk blocks a robot for 10 minutes after it exceeds its limit; no request is made
    # to it before this time (requests would only prolong the block).
    blocked_until = models.DateTimeField(_("blocked until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("group robot")
        verbose_name_plural = _("group robots")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["wecom", "dingtalk"]), name="ntf_robot_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_url(self) -> str:
        from techbridge.notifications.robots import mask_url

        return mask_url(self.webhook_url)

    @property
    def masked_secret(self) -> str:
        from techbridge.notifications.robots import mask_secret

        return mask_secret(self.secret)


class RobotMessageStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be sent")
    SENT = "sent", _("Delivered")
    HELD = "held", _("Held (robot disabled)")


class RobotMessage(models.Model):
    """One markdown message for one robot: the durable part of the queue. It waits as a
    ``notifications.robot_send`` job; ``key`` names what it delivers (one message per key
    and robot, so queueing the same notice twice sends it once), ``sent`` is final."""

    robot = models.ForeignKey(Robot, on_delete=models.PROTECT, related_name="messages")
    key = models.CharField(_("delivery key"), max_length=100)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("message"))
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=RobotMessageStatus.choices,
        default=RobotMessageStatus.QUEUED,
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    # Set while one worker has a request to the vendor in flight: a second job for the same
    # message waits for it instead of sending in parallel.
    lease_until = models.DateTimeField(_("in flight until"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("robot message")
        verbose_name_plural = _("robot messages")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["robot", "key"], name="ntf_robot_message_once"),
            models.CheckConstraint(
                condition=models.Q(status__in=["queued", "sent", "held"]),
                name="ntf_robot_message_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="ntf_robot_message_sent_at",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="ntf_robot_message_due")]

    def __str__(self) -> str:
        return f"{self.robot} · {self.title}"


class RobotAttempt(models.Model):
    """Every request made to a robot, written before the request leaves: the rate limit
    counts these rows (any 60 s holds at most the vendor's 20 per robot, retries
    included), and they show what each attempt answered."""

    robot = models.ForeignKey(Robot, on_delete=models.CASCADE, related_name="attempts")
    message = models.ForeignKey(RobotMessage, on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField(_("time"))
    outcome = models.CharField(_("answer"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("robot request")
        verbose_name_plural = _("robot requests")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["robot", "at"], name="ntf_robot_attempt_window")]

    def __str__(self) -> str:
        return f"{self.robot} @ {self.at:%Y-%m-%d %H:%M:%S}"
