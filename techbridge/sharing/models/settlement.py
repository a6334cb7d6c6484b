"""Monthly settlement (月度结算): each settled order's income split owner / staff / agency
by the agreement in force (largest-remainder rounding, ``sharing.split``), and immutable
statements per party and per voucher programme. Corrections are adjustment lines on a
later month's statement, never edits."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from techbridge.core.money import MoneyField
from techbridge.sharing.models.orders import ServiceOrder
from techbridge.sharing.models.vouchers import VoucherProgramme


class SettlementRun(models.Model):
    """One month's settlement. Unique per month: running it again issues nothing new."""

    month = models.DateField(_("month (first day)"), unique=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    orders = models.PositiveIntegerField(_("orders settled"), default=0)
    total = MoneyField(_("total income (yuan)"), default=0)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("settlement run")
        ordering = ["-month"]
        constraints = [
            models.CheckConstraint(condition=Q(month__day=1), name="sharing_run_first_of_month"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class PartyKind(models.TextChoices):
    OWNER = "owner", _("Resource owner")
    STAFF = "staff", _("Service staff")
    AGENCY = "agency", _("Operating agency")
    PROGRAMME = "programme", _("Voucher programme")


class Statement(models.Model):
    """结算单 of one party for one month. Issued once; never changed afterwards."""

    run = models.ForeignKey(SettlementRun, on_delete=models.PROTECT, related_name="statements")
    number = models.CharField(_("statement number"), max_length=24, unique=True)
    party_kind = models.CharField(_("party"), max_length=10, choices=PartyKind.choices)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sharing_statements",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sharing_statements",
    )
    programme = models.ForeignKey(
        VoucherProgramme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statements",
    )
    total = MoneyField(_("total (yuan)"), default=0)
    lines_count = models.PositiveIntegerField(_("lines"), default=0)
    issued_at = models.DateTimeField(_("issued at"))

    class Meta:
        verbose_name = _("settlement statement")
        verbose_name_plural = _("settlement statements")
        ordering = ["-run__month", "party_kind", "id"]
        constraints = [
            # Exactly one party reference, of the kind the statement says.
            models.CheckConstraint(
                condition=(
                    Q(
                        party_kind__in=["owner", "agency"],
                        organisation__isnull=False,
                        user__isnull=True,
                        programme__isnull=True,
                    )
                    | Q(
                        party_kind="staff",
                        organisation__isnull=True,
                        user__isnull=False,
                        programme__isnull=True,
                    )
                    | Q(
                        party_kind="programme",
                        organisation__isnull=True,
                        user__isnull=True,
                        programme__isnull=False,
                    )
                ),
                name="sharing_statement_one_party",
            ),
            models.UniqueConstraint(
                fields=["run", "party_kind", "organisation", "user", "programme"],
                name="sharing_statement_once_per_party",
                nulls_distinct=False,
            ),
        ]


class LineKind(models.TextChoices):
    REGULAR = "regular", _("Order income")
    ADJUSTMENT = "adjustment", _("Adjustment")


class StatementLine(models.Model):
    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="lines")
    order = models.ForeignKey(
        ServiceOrder, on_delete=models.PROTECT, related_name="statement_lines"
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=LineKind.choices, default=LineKind.REGULAR
    )
    # Order total, the party's basis points, and its part (may be negative on adjustments).
    order_amount = MoneyField(_("order amount (yuan)"))
    share_bp = models.PositiveIntegerField(_("share (basis points)"), default=0)
    amount = MoneyField(_("amount (yuan)"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("statement line")
        indexes = [models.Index(fields=["order"], name="sharing_line_order")]
