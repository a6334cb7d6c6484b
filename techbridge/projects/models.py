"""Signed investment projects (签约项目台账).

A batch of signings (签约批次, e.g. 首批京筑合作签约项目) holds projects; each project moves
signed → started (开工/启动) → in production (投产), or is stalled / cancelled with a
reason. Funds in place (到位资金) are dated FundingEntry rows — never edited, a correction
is a new entry — and ``Project.funds_in_place`` is their sum, kept exact by the services in
the same transaction. Every change is a ProjectEvent row.

Other apps (supervision, notices) keep foreign keys to ``Project`` and ``Zone``: keep
those names stable.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from techbridge.codes.choices import TechField
from techbridge.core.models import EventBase, TimeStampedModel, VersionedModel
from techbridge.core.money import MoneyField


class Zone(TimeStampedModel):
    """A park or development zone (园区 / 开发区 / 高新区) in one administrative region."""

    name = models.CharField(_("zone name"), max_length=100)
    region_code = models.CharField(_("region (GB/T 2260)"), max_length=6)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("zone")
        verbose_name_plural = _("zones")
        ordering = ["region_code", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["region_code", "name"], name="zone_unique_name"),
            models.CheckConstraint(
                condition=Q(region_code__regex=r"^[0-9]{6}$"), name="zone_region_code_format"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Batch(TimeStampedModel):
    """A batch of signings: one ceremony, promotion fair or agreement round."""

    name = models.CharField(_("batch name"), max_length=200, unique=True)
    signed_on = models.DateField(_("signing date"))
    source_event = models.CharField(_("source event"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("signing batch")
        verbose_name_plural = _("signing batches")
        ordering = ["-signed_on", "-id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("projects:list") + f"?batch={self.pk}"


class ProjectStage(models.TextChoices):
    # A context of their own: other parts translate "Signed" and "Cancelled" differently.
    SIGNED = "signed", pgettext_lazy("project stage", "Signed")
    STARTED = "started", pgettext_lazy("project stage", "Started")
    IN_PRODUCTION = "in_production", pgettext_lazy("project stage", "In production")
    STALLED = "stalled", pgettext_lazy("project stage", "Stalled")
    CANCELLED = "cancelled", pgettext_lazy("project stage", "Cancelled")


# Stages that need a reason (stage_reason) when entered.
REASON_STAGES = frozenset({ProjectStage.STALLED, ProjectStage.CANCELLED})
# The stages a project can be moved to from each stage (services.project_set_stage).
# Cancelled is final. A stalled project resumes to the stage its dates say it had reached.
TRANSITIONS: dict[str, frozenset[str]] = {
    ProjectStage.SIGNED: frozenset(
        {ProjectStage.STARTED, ProjectStage.STALLED, ProjectStage.CANCELLED}
    ),
    ProjectStage.STARTED: frozenset(
        {ProjectStage.IN_PRODUCTION, ProjectStage.STALLED, ProjectStage.CANCELLED}
    ),
    ProjectStage.IN_PRODUCTION: frozenset({ProjectStage.STALLED, ProjectStage.CANCELLED}),
    ProjectStage.STALLED: frozenset(
        {
            ProjectStage.SIGNED,
            ProjectStage.STARTED,
            ProjectStage.IN_PRODUCTION,
            ProjectStage.CANCELLED,
        }
    ),
    ProjectStage.CANCELLED: frozenset(),
}


class Project(VersionedModel):
    code = models.CharField(_("project code"), max_length=16, unique=True)
    # The key of the department's own spreadsheet row, for idempotent re-imports.
    external_id = models.CharField(
        _("external id"), max_length=64, null=True, blank=True, unique=True
    )
    name = models.CharField(_("project name"), max_length=200)
    batch = models.ForeignKey(
        Batch, verbose_name=_("signing batch"), on_delete=models.PROTECT, related_name="projects"
    )
    signed_on = models.DateField(_("signing date"))
    investor_organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("investor organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects_invested",
    )
    investor_name = models.CharField(_("investor"), max_length=200)
    # The local company (落地企业); its USCC is the organisation's.
    local_company = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("local company organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects_local",
    )
    local_company_name = models.CharField(_("local company"), max_length=200, blank=True)
    region_code = models.CharField(_("region (GB/T 2260)"), max_length=6)
    zone = models.ForeignKey(
        Zone,
        verbose_name=_("zone"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
    )
    industry_code = models.CharField(_("industry (GB/T 4754-2017)"), max_length=5, blank=True)
    technical_field = models.CharField(
        _("technical field"), max_length=32, choices=TechField, blank=True
    )
    is_contract_type = models.BooleanField(_("contract-type project"), default=False)
    total_investment = MoneyField(_("total investment (yuan)"))
    # Sum of the FundingEntry rows, kept by services.record_funding in the same transaction.
    funds_in_place = MoneyField(_("funds in place (yuan)"), default=0, editable=False)
    # The plan (资金到位计划): planned_funds expected in place by planned_funds_due.
    planned_funds = MoneyField(_("planned funds (yuan)"), null=True, blank=True)
    planned_funds_due = models.DateField(_("planned funds due"), null=True, blank=True)
    responsible_department = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("responsible department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects_responsible",
        limit_choices_to={"kind": "government"},
    )
    responsible_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible officer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects_responsible",
    )
    # Contact person of the project: personal data (PIPL) — masked for those who do not
    # handle the project (core.masking.PERSONAL_FIELDS).
    contact_name = models.CharField(_("contact person"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    stage = models.CharField(
        _("stage"), max_length=16, choices=ProjectStage, default=ProjectStage.SIGNED
    )
    stage_reason = models.TextField(_("reason"), blank=True)
    stage_changed_on = models.DateField(_("stage changed on"), null=True, blank=True)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    in_production_on = models.DateField(_("in production on"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    deals = models.ManyToManyField(
        "brokerage.Deal", verbose_name=_("deals"), blank=True, related_name="projects"
    )
    contracts = models.ManyToManyField(
        "contracts.TechnologyContract",
        verbose_name=_("technology contracts"),
        blank=True,
        related_name="projects",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-signed_on", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stage__in=[s.value for s in ProjectStage]),
                name="project_stage_valid",
            ),
            models.CheckConstraint(
                condition=Q(total_investment__gte=0) & Q(funds_in_place__gte=0),
                name="project_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(planned_funds__isnull=True) | Q(planned_funds__gte=0),
                name="project_planned_funds_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(stage__in=["started", "in_production"]) | Q(started_on__isnull=False),
                name="project_started_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(stage="signed")
                | Q(started_on__isnull=True, in_production_on__isnull=True),
                name="project_signed_not_started",
            ),
            models.CheckConstraint(
                condition=~Q(stage="in_production") | Q(in_production_on__isnull=False),
                name="project_in_production_has_date",
            ),
            models.CheckConstraint(
                condition=Q(in_production_on__isnull=True)
                | Q(started_on__isnull=False, in_production_on__gte=F("started_on")),
                name="project_production_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(stage__in=["stalled", "cancelled"]) | ~Q(stage_reason=""),
                name="project_stop_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(region_code__regex=r"^[0-9]{6}$"), name="project_region_code_format"
            ),
        ]
        indexes = [
            # Covering indexes for the KPIs: one per leading filter (batch, zone), each
            # holding every column the KPI aggregate reads.
            # Covering indexes for the KPIs (kpis.ledger_kpis groups by their first three
            # columns, in index order): one led by the batch, one by the zone, each with
            # every column the KPI aggregate reads.
            models.Index(
                fields=[
                    "batch",
                    "stage",
                    "is_contract_type",
                    "zone",
                    "signed_on",
                    "started_on",
                    "in_production_on",
                    "total_investment",
                    "funds_in_place",
                ],
                name="project_kpi_batch",
            ),
            models.Index(
                fields=[
                    "zone",
                    "stage",
                    "is_contract_type",
                    "batch",
                    "signed_on",
                    "started_on",
                    "in_production_on",
                    "total_investment",
                    "funds_in_place",
                ],
                name="project_kpi_zone",
            ),
            # The period figures (kpis.period_activity) count by one date each.
            models.Index(fields=["signed_on"], name="project_signed_on"),
            models.Index(fields=["started_on"], name="project_started_on"),
            models.Index(fields=["in_production_on"], name="project_production_on"),
            models.Index(fields=["stage", "stage_changed_on"], name="project_stage_changed"),
            models.Index(fields=["stage", "signed_on"], name="project_stage_signed"),
            models.Index(fields=["planned_funds_due"], name="project_plan_due"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", args=[self.code])

    @property
    def has_started(self) -> bool:
        """Counted as started (开工/启动) in the KPIs: it has a start date and is not
        cancelled — started, in production, or stalled after it had started."""
        return self.started_on is not None and self.stage != ProjectStage.CANCELLED


class FundingEntry(models.Model):
    """Funds that arrived (资金到位) on a date. Entries are never edited or deleted: a
    correction is a new entry (negative to take money back) that names the entry it
    corrects, so the history of what was reported when stays readable."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="funding"
    )
    amount = MoneyField(_("amount (yuan)"))
    entry_date = models.DateField(_("date in place"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    # A correction (import lowering the reported figure, or a fix of one entry) may be
    # negative; ordinary entries are positive.
    is_correction = models.BooleanField(_("correction"), default=False)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects entry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("funding entry")
        verbose_name_plural = _("funding entries")
        ordering = ["entry_date", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="funding_amount_not_zero"),
            # Only a correction may be negative, and an entry naming the one it corrects is
            # a correction.
            models.CheckConstraint(
                condition=Q(amount__gt=0) | Q(is_correction=True),
                name="funding_negative_is_correction",
            ),
            models.CheckConstraint(
                condition=Q(corrects__isnull=True) | Q(is_correction=True),
                name="funding_corrects_is_correction",
            ),
        ]
        indexes = [
            models.Index(fields=["project", "entry_date", "amount"], name="funding_project_date"),
            models.Index(fields=["entry_date", "project", "amount"], name="funding_date"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.entry_date} {self.amount}"


class ProjectEventKind(models.TextChoices):
    CREATED = "created", _("Created")
    UPDATED = "updated", _("Edited")
    STAGE = "stage", _("Stage changed")
    FUNDING = "funding", _("Funds in place recorded")
    CORRECTION = "correction", _("Funding corrected")
    LINKED = "linked", _("Links changed")
    IMPORTED = "imported", _("Imported")


class ProjectEvent(EventBase):
    """A project's history (core.models.EventBase): ``note`` is the reason given,
    ``data`` the changed fields with old → new values, or the funding entry's id and
    amount."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=16, choices=ProjectEventKind)

    subject_field = "project"

    class Meta(EventBase.Meta):
        verbose_name = _("project event")

    def __str__(self) -> str:
        return f"{self.project_id} {self.kind}"
