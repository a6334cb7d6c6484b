"""Monthly settlement (月度结算): each settled order's income split owner / staff / agency
by the agreement in force (largest-remainder rounding, ``sharing.split``), and immutable
statements per party and per voucher programme. Corrections are adjustment lines on a
later month's statement, never edits (docs/sharing-reporting.md)."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from techbridge.core.exceptions import TransitionError
from techbridge.core.money import MoneyField
from techbridge.sharing.models.orders import ServiceOrder
from techbridge.sharing.models.vouchers import VoucherProgramme


class IssuedStatementError(TransitionError):
    """Raised by any attempt to change or delete an issued statement or one of its lines."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            str(
                message
                or _(
                    "An issued statement cannot be changed. Record an adjustment instead: it "
                    "appears on next month's statement."
                )
            )
        )


class _IssuedQuerySet(models.QuerySet[Any]):
    """Statements and lines are written once (``bulk_create`` / ``create`` by the
    settlement service) and never updated or deleted, not even in bulk."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise IssuedStatementError()

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        # Refused before Django opens its savepoint-less block, which would otherwise
        # leave the caller's transaction marked broken.
        raise IssuedStatementError()

    def delete(self) -> NoReturn:  # type: ignore[override]
        raise IssuedStatementError()


class _IssuedModel(models.Model):
    """Insert-only rows: ``save()`` of a stored row and ``delete()`` raise."""

    objects = _IssuedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise IssuedStatementError()
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise IssuedStatementError()


class SettlementRun(models.Model):
    """One month's settlement. Unique per month: running it again issues nothing new."""

    month = models.DateField(_("month (first day)"), unique=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    orders = models.PositiveIntegerField(_("orders settled"), default=0)
    total = MoneyField(_("total income (yuan)"), default=0)
    # The voucher parts of the orders settled (what the programme statements add up to).
    voucher_total = MoneyField(_("paid by innovation vouchers (yuan)"), default=0)
    adjustments = models.PositiveIntegerField(_("adjustments applied"), default=0)
    adjustment_total = MoneyField(_("adjustments (yuan)"), default=0)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("settlement run")
        verbose_name_plural = _("settlement runs")
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


# The order statements are numbered and listed in.
PARTY_ORDER = (PartyKind.OWNER, PartyKind.STAFF, PartyKind.AGENCY, PartyKind.PROGRAMME)


class Statement(_IssuedModel):
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
            # One statement per party and month. Three partial unique indexes rather than
            # one over all party columns: SQLite treats NULLs as distinct and ignores
            # NULLS NOT DISTINCT, so that one would not hold there.
            models.UniqueConstraint(
                fields=["run", "party_kind", "organisation"],
                condition=Q(organisation__isnull=False),
                name="sharing_statement_once_per_org",
            ),
            models.UniqueConstraint(
                fields=["run", "user"],
                condition=Q(user__isnull=False),
                name="sharing_statement_once_per_staff",
            ),
            models.UniqueConstraint(
                fields=["run", "programme"],
                condition=Q(programme__isnull=False),
                name="sharing_statement_once_per_programme",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "party_kind"], name="sharing_stmt_org"),
            models.Index(fields=["user"], name="sharing_stmt_user"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def party(self) -> Any:
        return self.organisation or self.user or self.programme


class LineKind(models.TextChoices):
    REGULAR = "regular", _("Order income")
    ADJUSTMENT = "adjustment", _("Adjustment")


class StatementLine(_IssuedModel):
    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="lines")
    order = models.ForeignKey(
        ServiceOrder, on_delete=models.PROTECT, related_name="statement_lines"
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=LineKind.choices, default=LineKind.REGULAR
    )
    # Order total, the party's basis points, and its part (may be negative on adjustments).
    # Programme lines: the voucher part, share_bp = voucher part / order total (floor).
    order_amount = MoneyField(_("order amount (yuan)"))
    share_bp = models.PositiveIntegerField(_("share (basis points)"), default=0)
    # A staff line: the staff share was divided equally among this many staff members.
    split_among = models.PositiveSmallIntegerField(_("shared among"), default=1)
    amount = MoneyField(_("amount (yuan)"))
    adjustment = models.ForeignKey(
        "SettlementAdjustment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lines",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("statement line")
        verbose_name_plural = _("statement lines")
        ordering = ["statement", "id"]
        indexes = [models.Index(fields=["order"], name="sharing_line_order")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="regular", adjustment__isnull=True)
                | Q(kind="adjustment", adjustment__isnull=False),
                name="sharing_line_adjustment_kind",
            ),
            models.CheckConstraint(condition=Q(split_among__gte=1), name="sharing_line_split"),
        ]

    def __str__(self) -> str:
        return f"{self.statement_id}:{self.order_id}"

    @property
    def share_percent(self) -> str:
        """6000 → '60', 2525 → '25.25' (per cent, for display)."""
        whole, rest = divmod(self.share_bp, 100)
        return f"{whole}" if not rest else f"{whole}.{rest:02d}".rstrip("0")


class SettlementAdjustment(models.Model):
    """A correction of an order already settled (a refund, a fee corrected after the
    statement was issued). It changes nothing issued: the next run splits ``amount`` by
    the order's agreement among the same parties and adds it as adjustment lines."""

    order = models.ForeignKey(
        ServiceOrder, on_delete=models.PROTECT, related_name="settlement_adjustments"
    )
    # Change of the order's income (negative for a refund) and of its voucher part.
    amount = MoneyField(_("change of income (yuan)"))
    voucher_amount = MoneyField(_("change of the voucher part (yuan)"), default=0)
    reason = models.CharField(_("reason"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    # The run that issued its lines; empty while it waits for the next run.
    run = models.ForeignKey(
        SettlementRun,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applied_adjustments",
    )

    class Meta:
        verbose_name = _("settlement adjustment")
        verbose_name_plural = _("settlement adjustments")
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(amount=0) | ~Q(voucher_amount=0),
                name="sharing_adjustment_not_zero",
            ),
        ]
        indexes = [models.Index(fields=["run", "order"], name="sharing_adj_pending")]

    def __str__(self) -> str:
        return f"{self.order_id}:{self.amount}"
