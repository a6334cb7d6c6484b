"""What the bureau configures: categories and their SLA clocks, which department handles
which problems, and who heads a department and supervises it.

Categories and urgencies are fixed code lists (the issue names them); the clocks of each
(category, urgency) pair are rows bureau staff edit (``SlaPolicy``). A pair without a row
uses ``DEFAULT_POLICIES`` — so a fresh database works without seeding, and a report always
snapshots the clock it was timed with (editing a policy never re-times open reports).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from techbridge.core.models import VersionedModel


class Category(models.TextChoices):
    POWER = "power", _("Power supply")
    WATER = "water", _("Water supply")
    LAND = "land", _("Land")
    PERMITS = "permits", _("Permits and approvals")
    FINANCING = "financing", _("Financing")
    STAFFING = "staffing", _("Staffing")
    TECHNOLOGY = "technology", _("Technology")
    OTHER = "other", _("Other")


CATEGORY_DESCRIPTIONS: dict[str, object] = {
    Category.POWER: _("Construction or production power: outages, unstable supply, capacity."),
    Category.WATER: _("Water supply and drainage for the site or the plant."),
    Category.LAND: _("Land use, site handover, demolition and access roads."),
    Category.PERMITS: _("Approvals, licences and certificates that are delayed or refused."),
    Category.FINANCING: _("Loans, guarantees, subsidies and funds that do not arrive."),
    Category.STAFFING: _("Recruitment, skilled workers, housing and schooling for staff."),
    Category.TECHNOLOGY: _("Technical problems that need an institute or an expert."),
    Category.OTHER: _("Anything else that holds the project up."),
}


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")


class ClockUnit(models.TextChoices):
    """The units of ``codes.workcalendar.Unit`` (same values)."""

    CALENDAR = "calendar", _("calendar hours")
    WORKING_HOURS = "working_hours", _("working hours")
    WORKING_DAYS = "working_days", _("working days")


@dataclass(frozen=True)
class PolicyValues:
    response_unit: str
    response_amount: int
    resolution_unit: str
    resolution_amount: int
    reminder_percent: int
    second_level_unit: str
    second_level_amount: int


# Urgent: call back within the hour, solve within 24 hours (the 微政务 practice the issue
# quotes); normal: call back within a working day, solve within 3 working days (the
# 12345 limit for help requests). 督办 goes up a level one day after the deadline.
DEFAULT_POLICIES: dict[str, PolicyValues] = {
    Urgency.URGENT: PolicyValues(
        ClockUnit.CALENDAR, 1, ClockUnit.CALENDAR, 24, 75, ClockUnit.CALENDAR, 24
    ),
    Urgency.NORMAL: PolicyValues(
        ClockUnit.WORKING_DAYS, 1, ClockUnit.WORKING_DAYS, 3, 75, ClockUnit.WORKING_DAYS, 1
    ),
}


class SlaPolicy(VersionedModel):
    """The two clocks of one (category, urgency): first response (回访电话 / callback) and
    resolution; amounts are whole hours (calendar or working hours) or working days. The
    reminder goes out when ``reminder_percent`` of the resolution clock has run; the
    second 督办 level ``second_level_amount`` after the resolution deadline."""

    category = models.CharField(_("category"), max_length=16, choices=Category)
    urgency = models.CharField(_("urgency"), max_length=8, choices=Urgency)
    response_unit = models.CharField(_("response clock unit"), max_length=16, choices=ClockUnit)
    response_amount = models.PositiveIntegerField(_("response limit"))
    resolution_unit = models.CharField(_("resolution clock unit"), max_length=16, choices=ClockUnit)
    resolution_amount = models.PositiveIntegerField(_("resolution limit"))
    reminder_percent = models.PositiveSmallIntegerField(_("reminder at (% of the limit)"))
    second_level_unit = models.CharField(_("second level unit"), max_length=16, choices=ClockUnit)
    second_level_amount = models.PositiveIntegerField(_("second level after the deadline"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["category", "urgency"]
        constraints = [
            models.UniqueConstraint(fields=["category", "urgency"], name="sv_policy_pair"),
            models.CheckConstraint(
                condition=Q(category__in=Category.values), name="sv_policy_category"
            ),
            models.CheckConstraint(condition=Q(urgency__in=Urgency.values), name="sv_policy_urg"),
            models.CheckConstraint(
                condition=Q(response_unit__in=ClockUnit.values)
                & Q(resolution_unit__in=ClockUnit.values)
                & Q(second_level_unit__in=ClockUnit.values),
                name="sv_policy_units",
            ),
            models.CheckConstraint(
                condition=Q(response_amount__gte=1, response_amount__lte=8760)
                & Q(resolution_amount__gte=1, resolution_amount__lte=8760)
                & Q(second_level_amount__gte=1, second_level_amount__lte=8760),
                name="sv_policy_amounts",
            ),
            models.CheckConstraint(
                condition=Q(reminder_percent__gte=1, reminder_percent__lte=99),
                name="sv_policy_reminder",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} · {self.get_urgency_display()}"

    @property
    def values(self) -> PolicyValues:
        return PolicyValues(
            self.response_unit,
            self.response_amount,
            self.resolution_unit,
            self.resolution_amount,
            self.reminder_percent,
            self.second_level_unit,
            self.second_level_amount,
        )


class Department(VersionedModel):
    """A government department that handles problems (organisations.Organisation of kind
    government), with its head (部门负责人) and the supervising office (督查室) that gets
    its 督办 notices. A supervising office is a Department too (``is_supervising_office``);
    its own ``supervised_by`` is the office one level up, told at the second level.

    Handlers are the users with role department_handler whose organisation is the
    department's."""

    organisation = models.OneToOneField(
        "organisations.Organisation",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="supervision_desk",
        limit_choices_to={"kind": "government"},
    )
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("head of department"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    supervised_by = models.ForeignKey(
        "self",
        verbose_name=_("supervising office"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supervises",
    )
    is_supervising_office = models.BooleanField(_("is a supervising office"), default=False)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["organisation__name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(supervised_by__isnull=True) | ~Q(supervised_by=models.F("id")),
                name="sv_department_not_own_office",
            ),
        ]

    def __str__(self) -> str:
        return str(self.organisation)


class RoutingRule(models.Model):
    """Problems of ``category`` (blank = any) in ``zone`` (empty = any) go to
    ``department``. The most specific rule wins: category and zone, then category, then
    zone, then the catch-all; without any rule the project's responsible department."""

    category = models.CharField(_("category"), max_length=16, choices=Category, blank=True)
    zone = models.ForeignKey(
        "projects.Zone",
        verbose_name=_("zone"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    department = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "government"},
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["category", "zone__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "zone"],
                condition=Q(zone__isnull=False),
                name="sv_route_category_zone",
            ),
            models.UniqueConstraint(
                fields=["category"], condition=Q(zone__isnull=True), name="sv_route_category"
            ),
            models.CheckConstraint(
                condition=Q(category="") | Q(category__in=Category.values),
                name="sv_route_category_valid",
            ),
        ]

    def __str__(self) -> str:
        # Names, not codes: the audit trail and the admin show this.
        category = self.get_category_display() if self.category else _("every category")
        zone = self.zone.name if self.zone_id else _("every zone")  # type: ignore[union-attr]
        return f"{category} / {zone} → {self.department}"
