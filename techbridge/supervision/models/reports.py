"""Problem reports (问题反映), their history, photos, clock pauses, extensions and the
escalation (督办) steps taken.

The due times are computed by ``supervision.clocks`` (over ``codes.workcalendar``) and
stored on the row — recomputed by the services on every pause, resume, extension and
reopening — so that the escalation job is one indexed query on ``next_escalation_at``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from techbridge.core.models import AttachmentBase, EventBase, VersionedModel
from techbridge.supervision.models.config import Category, ClockUnit, Urgency


class ProblemStatus(models.TextChoices):
    REPORTED = "reported", pgettext_lazy("problem status", "Reported")
    ACCEPTED = "accepted", pgettext_lazy("problem status", "Accepted")
    IN_PROGRESS = "in_progress", pgettext_lazy("problem status", "In progress")
    WAITING = "waiting", pgettext_lazy("problem status", "Waiting on the reporter")
    RESOLVED = "resolved", pgettext_lazy("problem status", "Resolved")
    CONFIRMED = "confirmed", pgettext_lazy("problem status", "Confirmed")


#: Statuses in which the resolution clock still matters (not yet resolved).
OPEN_STATUSES = frozenset(
    {
        ProblemStatus.REPORTED,
        ProblemStatus.ACCEPTED,
        ProblemStatus.IN_PROGRESS,
        ProblemStatus.WAITING,
    }
)
#: Resolved or confirmed: 办结.
CLOSED_STATUSES = frozenset({ProblemStatus.RESOLVED, ProblemStatus.CONFIRMED})


class ReportChannel(models.TextChoices):
    WEB = "web", _("Web, by the project's contact")
    ON_BEHALF = "on_behalf", _("Recorded on the contact's behalf")
    LINK = "link", _("Mobile page (personal link)")
    OPEN311 = "open311", _("Open311 client system")


class EscalationLevel(models.IntegerChoices):
    """Steps of the resolution clock (``ProblemReport.escalation_level`` is the highest
    reached); the response clock has its one step, ``response_escalated``."""

    NONE = 0, _("None")
    REMINDER = 1, _("Reminder before the deadline")
    SUPERVISION = 2, _("Supervision notice (督办)")
    SECOND_LEVEL = 3, _("Second-level supervision")


class ProblemReport(VersionedModel):
    number = models.CharField(_("number"), max_length=16, unique=True)
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="problem_reports",
    )
    # The project's zone when the problem was reported (routing and statistics by zone).
    zone = models.ForeignKey(
        "projects.Zone",
        verbose_name=_("zone"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    category = models.CharField(_("category"), max_length=16, choices=Category)
    urgency = models.CharField(_("urgency"), max_length=8, choices=Urgency)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"))
    status = models.CharField(
        _("status"), max_length=16, choices=ProblemStatus, default=ProblemStatus.REPORTED
    )
    department = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("responsible department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Who reported: a user (the contact, or an officer on the contact's behalf), a
    # personal link, or an Open311 client — with the person's name and phone where no
    # account says it (personal data: masked for those who do not handle the report).
    channel = models.CharField(_("channel"), max_length=16, choices=ReportChannel)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    contact_link = models.ForeignKey(
        "supervision.ContactLink",
        verbose_name=_("personal link"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
    )
    open311_client = models.ForeignKey(
        "supervision.Open311Client",
        verbose_name=_("client system"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
    )
    contact_name = models.CharField(_("contact person"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    # Open311: where (optional), and the token a client may look the request up by.
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    open311_token = models.CharField(
        _("Open311 token"), max_length=40, null=True, blank=True, unique=True
    )
    reported_at = models.DateTimeField(_("reported at"))

    # The clocks this report is timed with (a snapshot of the policy and the calendar
    # edition, so re-timing after a pause gives the same answer as at filing).
    response_unit = models.CharField(_("response clock unit"), max_length=16, choices=ClockUnit)
    response_amount = models.PositiveIntegerField(_("response limit"))
    resolution_unit = models.CharField(_("resolution clock unit"), max_length=16, choices=ClockUnit)
    resolution_amount = models.PositiveIntegerField(_("resolution limit"))
    reminder_percent = models.PositiveSmallIntegerField(_("reminder at (% of the limit)"))
    second_level_unit = models.CharField(_("second level unit"), max_length=16, choices=ClockUnit)
    second_level_amount = models.PositiveIntegerField(_("second level after the deadline"))
    calendar_edition = models.CharField(_("holiday calendar edition"), max_length=64)

    # Computed due times (supervision.clocks); resolution_due_at is empty while paused.
    response_due_at = models.DateTimeField(_("response due"))
    remind_at = models.DateTimeField(_("reminder at"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    second_level_at = models.DateTimeField(_("second level at"), null=True, blank=True)
    paused_since = models.DateTimeField(_("paused since"), null=True, blank=True)

    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    response_note = models.TextField(_("callback note"), blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution_note = models.TextField(_("what was done"), blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    rating = models.PositiveSmallIntegerField(_("satisfaction (1–5)"), null=True, blank=True)
    rating_comment = models.TextField(_("comment"), blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)

    # Escalation state: the highest resolution step taken, whether the response clock was
    # escalated, and when the next step is due (NULL: nothing pending).
    escalation_level = models.PositiveSmallIntegerField(
        _("escalation level"), choices=EscalationLevel, default=EscalationLevel.NONE
    )
    response_escalated = models.BooleanField(_("response overdue notice sent"), default=False)
    next_escalation_at = models.DateTimeField(_("next escalation at"), null=True, blank=True)

    class Meta:
        verbose_name = _("problem report")
        verbose_name_plural = _("problem reports")
        ordering = ["-reported_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ProblemStatus.values), name="sv_report_status"
            ),
            models.CheckConstraint(
                condition=Q(category__in=Category.values), name="sv_report_category"
            ),
            models.CheckConstraint(condition=Q(urgency__in=Urgency.values), name="sv_report_urg"),
            models.CheckConstraint(
                condition=Q(channel__in=ReportChannel.values), name="sv_report_channel"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="sv_report_rating",
            ),
            models.CheckConstraint(
                condition=Q(escalation_level__gte=0, escalation_level__lte=3),
                name="sv_report_level",
            ),
            # Resolved and confirmed reports have a resolution time; open ones do not.
            models.CheckConstraint(
                condition=~Q(status__in=["resolved", "confirmed"]) | Q(resolved_at__isnull=False),
                name="sv_report_resolved_at",
            ),
            models.CheckConstraint(
                condition=~Q(status="waiting") | Q(paused_since__isnull=False),
                name="sv_report_waiting_paused",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(status__in=["resolved", "confirmed"]),
                name="sv_report_rated_closed",
            ),
            models.CheckConstraint(
                condition=Q(response_due_at__gte=F("reported_at")), name="sv_report_due_after"
            ),
        ]
        indexes = [
            # The escalation job's one query: due steps, in time order.
            models.Index(
                fields=["next_escalation_at"],
                condition=Q(next_escalation_at__isnull=False),
                name="sv_report_next_escalation",
            ),
            models.Index(fields=["department", "status"], name="sv_report_dept_status"),
            models.Index(fields=["department", "reported_at"], name="sv_report_dept_reported"),
            models.Index(fields=["status", "resolution_due_at"], name="sv_report_status_due"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("supervision:detail", args=[self.number])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ProblemEventKind(models.TextChoices):
    REPORTED = "reported", pgettext_lazy("problem event", "Reported")
    ROUTED = "routed", pgettext_lazy("problem event", "Routed to a department")
    REASSIGNED = "reassigned", pgettext_lazy("problem event", "Reassigned (转办)")
    ACCEPTED = "accepted", pgettext_lazy("problem event", "Accepted, reporter called back")
    STARTED = "started", pgettext_lazy("problem event", "Work started")
    WAITING = "waiting", pgettext_lazy("problem event", "Waiting on the reporter")
    RESUMED = "resumed", pgettext_lazy("problem event", "Resumed")
    REPLIED = "replied", pgettext_lazy("problem event", "Reporter replied")
    EXT_REQUESTED = "ext_requested", pgettext_lazy("problem event", "Extension requested")
    EXT_APPROVED = "ext_approved", pgettext_lazy("problem event", "Extension approved")
    EXT_REJECTED = "ext_rejected", pgettext_lazy("problem event", "Extension refused")
    RESOLVED = "resolved", pgettext_lazy("problem event", "Resolved")
    CONFIRMED = "confirmed", pgettext_lazy("problem event", "Confirmed by the reporter")
    REOPENED = "reopened", pgettext_lazy("problem event", "Reopened")
    RATED = "rated", pgettext_lazy("problem event", "Satisfaction rated (回访)")
    PHOTO = "photo", pgettext_lazy("problem event", "Photo added")
    REMINDED = "reminded", pgettext_lazy("problem event", "Deadline reminder")
    RESPONSE_LATE = "response_late", pgettext_lazy("problem event", "Response overdue")
    SUPERVISED = "supervised", pgettext_lazy("problem event", "Supervision notice (督办)")
    SUPERVISED_2 = "supervised_2", pgettext_lazy("problem event", "Second-level supervision")


#: Event kinds that are escalation steps (shown in the supervision view).
ESCALATION_KINDS = frozenset(
    {
        ProblemEventKind.REMINDED,
        ProblemEventKind.RESPONSE_LATE,
        ProblemEventKind.SUPERVISED,
        ProblemEventKind.SUPERVISED_2,
    }
)


class ProblemEvent(EventBase):
    report = models.ForeignKey(ProblemReport, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=16, choices=ProblemEventKind)

    subject_field = "report"

    class Meta(EventBase.Meta):
        verbose_name = _("problem event")
        verbose_name_plural = _("problem events")
        indexes = [models.Index(fields=["report", "at"], name="sv_event_report_at")]


class ProblemAttachment(AttachmentBase):
    """A photo of the problem (PNG or JPEG, checked by core.uploads)."""

    report = models.ForeignKey(ProblemReport, on_delete=models.CASCADE, related_name="attachments")
    subject_field = "report"
    upload_folder = "supervision/photos"

    class Meta(AttachmentBase.Meta):
        verbose_name = _("problem photo")
        verbose_name_plural = _("problem photos")


class ClockPause(models.Model):
    """The resolution clock stood still from ``started_at`` to ``ended_at`` (open: still
    waiting on the reporter)."""

    report = models.ForeignKey(ProblemReport, on_delete=models.CASCADE, related_name="pauses")
    started_at = models.DateTimeField(_("paused at"))
    ended_at = models.DateTimeField(_("resumed at"), null=True, blank=True)
    reason = models.TextField(_("what the department waits for"))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("clock pause")
        verbose_name_plural = _("clock pauses")
        ordering = ["started_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report"], condition=Q(ended_at__isnull=True), name="sv_pause_one_open"
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="sv_pause_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} {self.started_at:%Y-%m-%d %H:%M}"


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Refused")


class ExtensionRequest(models.Model):
    """More time on the resolution clock (in the report's resolution unit), requested
    before the deadline by the department, decided by someone else."""

    report = models.ForeignKey(ProblemReport, on_delete=models.CASCADE, related_name="extensions")
    amount = models.PositiveIntegerField(_("extra time"))
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"))
    status = models.CharField(
        _("status"), max_length=16, choices=ExtensionStatus, default=ExtensionStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report"],
                condition=Q(status="pending"),
                name="sv_extension_one_pending",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ExtensionStatus.values), name="sv_extension_status"
            ),
            # Nobody approves their own request (separation of duties).
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")),
                name="sv_extension_not_own",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=1, amount__lte=8760), name="sv_extension_amount"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} +{self.amount} {self.status}"


class Escalation(models.Model):
    """One escalation step taken for a report. UNIQUE (report, step): however often the
    job runs, is killed and rerun, or runs on two nodes at once, a step is taken once."""

    class Step(models.TextChoices):
        REMINDER = "reminder", _("Reminder before the deadline")
        RESPONSE_LATE = "response_late", _("Response overdue")
        SUPERVISION = "supervision", _("Supervision notice (督办)")
        SECOND_LEVEL = "second_level", _("Second-level supervision")

    report = models.ForeignKey(ProblemReport, on_delete=models.CASCADE, related_name="escalations")
    step = models.CharField(_("step"), max_length=16, choices=Step)
    due_at = models.DateTimeField(_("deadline or reminder time"))
    at = models.DateTimeField(_("escalated at"))
    # Which run took the step: after an INSERT … ON CONFLICT DO NOTHING, the rows carrying
    # this run's id are the ones it owns (and notifies about).
    run = models.CharField(_("run"), max_length=32, db_index=True)
    department = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("department"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "step"], name="sv_escalation_once"),
            models.CheckConstraint(
                condition=Q(step__in=["reminder", "response_late", "supervision", "second_level"]),
                name="sv_escalation_step",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} {self.step}"
