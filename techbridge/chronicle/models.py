"""The cooperation chronicle (合作大事记), news and notices (新闻 / 通知公告) and report imports.

A chronicle entry is a dated event of one programme (a signing, a meeting, a launch …) with
its places, organisations, figures and source; the timeline is public. An article is news
or a notice, draft until an editor publishes it. A report import (报道导入) keeps the text
an editor pasted or uploaded and the entries proposed from it (拟定条目); a proposal becomes
an entry only when an editor accepts it (确认), once (``ChronicleEntry.proposal`` is unique).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from techbridge.core.models import AttachmentBase, EventBase, TimeStampedModel, VersionedModel


class EntryKind(models.TextChoices):
    SIGNING = "signing", _("Signing")
    MEETING = "meeting", _("Meeting")
    TRAINING = "training", _("Training")
    LAUNCH = "launch", _("Launch / unveiling")
    VISIT = "visit", _("Visit")
    OTHER = "other", _("Other")


class DatePrecision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")


class Quantity(models.TextChoices):
    COUNT = "count", _("Count")
    MONEY = "money", _("Amount of money")


class ChronicleEntry(VersionedModel):
    """One dated event. ``happened_on`` is the first day of the month or year when the
    date is known only to that ``precision`` ("2013年9月")."""

    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="chronicle_entries",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=EntryKind, default=EntryKind.OTHER)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    happened_on = models.DateField(_("date"))
    precision = models.CharField(
        _("date precision"), max_length=5, choices=DatePrecision, default=DatePrecision.DAY
    )
    places = models.JSONField(_("places"), default=list, blank=True)
    organisations = models.JSONField(_("organisations"), default=list, blank=True)
    source_title = models.CharField(_("source title"), max_length=200, blank=True)
    source_url = models.URLField(_("source link"), max_length=500, blank=True)
    source_published_on = models.DateField(_("source published on"), null=True, blank=True)
    source_report = models.ForeignKey(
        "chronicle.ReportImport",
        verbose_name=_("source report"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="entries",
    )
    # The proposal it was accepted from: one entry per proposal, whatever the clicks.
    proposal = models.OneToOneField(
        "chronicle.ProposedEntry",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="accepted_entry",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("chronicle entry")
        verbose_name_plural = _("chronicle entries")
        ordering = ["-happened_on", "-id"]
        indexes = [models.Index(fields=["programme", "happened_on"], name="chron_entry_prog_date")]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="chron_entry_title"),
            models.CheckConstraint(condition=Q(kind__in=EntryKind.values), name="chron_entry_kind"),
            models.CheckConstraint(
                condition=Q(precision__in=DatePrecision.values), name="chron_entry_precision"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("chronicle:timeline", args=[self.programme_id]) + f"#entry-{self.pk}"


class EntryFigure(models.Model):
    """A figure an entry reports: a count (59 个项目) or money (660亿元, in fen)."""

    entry = models.ForeignKey(ChronicleEntry, on_delete=models.CASCADE, related_name="figures")
    position = models.PositiveSmallIntegerField(_("position"))
    label = models.CharField(_("label"), max_length=40)
    quantity = models.CharField(_("quantity"), max_length=5, choices=Quantity)
    value = models.PositiveBigIntegerField(_("value"))  # fen for money
    unit = models.CharField(_("unit"), max_length=8)

    class Meta:
        verbose_name = _("figure")
        verbose_name_plural = _("figures")
        ordering = ["entry", "position"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "position"], name="chron_figure_position"),
            models.CheckConstraint(
                condition=Q(quantity__in=Quantity.values), name="chron_figure_quantity"
            ),
            models.CheckConstraint(
                condition=~Q(quantity="money") | Q(unit="元"), name="chron_figure_money_yuan"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.value} {self.unit}"


class EntryEventKind(models.TextChoices):
    CREATED = "created", _("Created")
    CHANGED = "changed", _("Changed")
    ACCEPTED = "accepted", _("Accepted from a report")


class EntryEvent(EventBase):
    entry = models.ForeignKey(ChronicleEntry, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=10, choices=EntryEventKind)

    subject_field = "entry"

    class Meta(EventBase.Meta):
        verbose_name = _("chronicle entry event")


# --- news and notices ------------------------------------------------------------------


class ArticleKind(models.TextChoices):
    NEWS = "news", _("News")
    NOTICE = "notice", _("Notice")


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Article(VersionedModel):
    """News or a notice of a programme (or of the bureau, without one)."""

    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
    )
    kind = models.CharField(_("kind"), max_length=8, choices=ArticleKind, default=ArticleKind.NEWS)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    status = models.CharField(
        _("status"), max_length=10, choices=ArticleStatus, default=ArticleStatus.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["status", "published_at"], name="chron_article_pub")]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="chron_article_title"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="chron_article_published_at",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("chronicle:article", args=[self.pk])


class ArticleAttachment(AttachmentBase):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="attachments")

    subject_field = "article"
    upload_folder = "chronicle/articles"

    class Meta(AttachmentBase.Meta):
        verbose_name = _("article attachment")


class ArticleEventKind(models.TextChoices):
    CREATED = "created", _("Created")
    CHANGED = "changed", _("Changed")
    ATTACHED = "attached", _("File attached")
    PUBLISHED = "published", _("Published")
    UNPUBLISHED = "unpublished", _("Back to draft")


class ArticleEvent(EventBase):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=12, choices=ArticleEventKind)

    subject_field = "article"

    class Meta(EventBase.Meta):
        verbose_name = _("article event")


# --- report imports -------------------------------------------------------------------


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    DONE = "done", _("Reviewed")


class ReportImport(TimeStampedModel):
    """A pasted or uploaded report and what was read from it. The same cleaned text for the
    same programme is one import (``digest``), so importing it again finds this one."""

    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="report_imports",
    )
    title = models.CharField(_("report title"), max_length=200)
    source_url = models.URLField(_("source link"), max_length=500, blank=True)
    published_on = models.DateField(_("report date"), null=True, blank=True)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    raw_text = models.TextField(_("text as given"))
    cleaned_text = models.TextField(_("text without page furniture"))
    removed_lines = models.PositiveIntegerField(_("page furniture lines removed"), default=0)
    repeated_paragraphs = models.PositiveIntegerField(_("repeated paragraphs removed"), default=0)
    digest = models.CharField(_("digest"), max_length=64)
    status = models.CharField(
        _("status"), max_length=8, choices=ImportStatus, default=ImportStatus.PENDING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("report import")
        verbose_name_plural = _("report imports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "digest"], name="chron_import_once"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("chronicle:import_review", args=[self.pk])


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class ProposedEntry(models.Model):
    """An entry read from a report, waiting for an editor (values as the extractor read
    them; the editor's changes go into the accepted entry)."""

    run = models.ForeignKey(ReportImport, on_delete=models.CASCADE, related_name="proposals")
    position = models.PositiveSmallIntegerField(_("position"))
    sentence = models.TextField(_("sentence"))
    context = models.TextField(_("context"), blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=EntryKind)
    title = models.CharField(_("title"), max_length=200)
    happened_on = models.DateField(_("date"))
    precision = models.CharField(_("date precision"), max_length=5, choices=DatePrecision)
    places = models.JSONField(_("places"), default=list, blank=True)
    organisations = models.JSONField(_("organisations"), default=list, blank=True)
    figures = models.JSONField(_("figures"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=ProposalStatus, default=ProposalStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("proposed entry")
        verbose_name_plural = _("proposed entries")
        ordering = ["run", "position"]
        constraints = [
            models.UniqueConstraint(fields=["run", "position"], name="chron_proposal_position"),
            models.CheckConstraint(
                condition=Q(status__in=ProposalStatus.values), name="chron_proposal_status"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ImportEventKind(models.TextChoices):
    IMPORTED = "imported", _("Imported")
    ACCEPTED = "accepted", _("Proposal accepted")
    REJECTED = "rejected", _("Proposal rejected")
    REVIEWED = "reviewed", _("All proposals decided")


class ReportImportEvent(EventBase):
    run = models.ForeignKey(ReportImport, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=10, choices=ImportEventKind)

    subject_field = "run"

    class Meta(EventBase.Meta):
        verbose_name = _("report import event")
