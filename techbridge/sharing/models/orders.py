"""Service orders (服务订单): booking → usage record → exact fee → customer confirms →
settled. Orders without a booking cover sample testing, technical services and data access.

Quantities are integers in thousandths of the rate's unit (1.5 hours = 1500), so the fee
``price × quantity`` is integer arithmetic in fen with one rounding (half up) at the end.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from techbridge.core.models import EventBase, VersionedModel
from techbridge.core.money import MoneyField
from techbridge.sharing.models.bookings import Booking
from techbridge.sharing.models.resources import (
    BilledOn,
    Rate,
    RateClass,
    RateUnit,
    Resource,
    SharingAgreement,
)

MILLI = 1000  # quantity scale: thousandths of a unit


class OrderKind(models.TextChoices):
    BOOKING = "booking", _("Instrument use (booked)")
    SAMPLE_TESTING = "sample_testing", _("Sample testing")
    TECHNICAL_SERVICE = "technical_service", _("Technical service")
    DATA_ACCESS = "data_access", _("Data access")
    # A late cancellation or no-show of a booking: the fee the rate sets, nothing else.
    CANCELLATION_FEE = "cancellation_fee", _("Late cancellation / no-show fee")


# Kinds that belong to a booking (the booking foreign key is required for them).
BOOKING_KINDS = frozenset({OrderKind.BOOKING, OrderKind.CANCELLATION_FEE})


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("Awaiting usage record")
    PRICED = "priced", _("Priced, awaiting customer confirmation")
    CONFIRMED = "confirmed", _("Confirmed by customer")
    SETTLED = "settled", _("Settled")
    CANCELLED = "cancelled", _("Cancelled")


class ServiceOrder(VersionedModel):
    number = models.CharField(_("order number"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrderKind.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=OrderStatus.choices, default=OrderStatus.DRAFT
    )
    resource = models.ForeignKey(
        Resource, verbose_name=_("resource"), on_delete=models.PROTECT, related_name="orders"
    )
    booking = models.OneToOneField(
        Booking,
        verbose_name=_("booking"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="order",
    )
    customer = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("customer organisation"),
        on_delete=models.PROTECT,
        related_name="sharing_orders",
    )
    customer_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer contact"),
        on_delete=models.PROTECT,
        related_name="sharing_orders",
    )
    service_date = models.DateField(_("service date"))
    content = models.CharField(_("service content"), max_length=300, blank=True)
    # The price: the rate in force on the service date, copied so a later rate change
    # never changes an order already priced.
    rate = models.ForeignKey(
        Rate,
        verbose_name=_("rate"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
    )
    rate_class = models.CharField(_("rate class"), max_length=24, choices=RateClass.choices)
    unit = models.CharField(_("unit"), max_length=8, choices=RateUnit.choices, blank=True)
    unit_price = MoneyField(_("price per unit (yuan)"), default=0)
    minimum_charge = MoneyField(_("minimum charge (yuan)"), default=0)
    billed_on = models.CharField(
        _("billed on"), max_length=8, choices=BilledOn.choices, default=BilledOn.USED
    )
    booked_quantity_milli = models.PositiveBigIntegerField(
        _("booked quantity (1/1000 unit)"), default=0
    )
    used_quantity_milli = models.PositiveBigIntegerField(
        _("used quantity (1/1000 unit)"), default=0
    )
    billed_quantity_milli = models.PositiveBigIntegerField(
        _("billed quantity (1/1000 unit)"), default=0
    )
    amount = MoneyField(_("fee (yuan)"), default=0)
    voucher_amount = MoneyField(_("paid by innovation voucher (yuan)"), default=0)
    enterprise_amount = MoneyField(_("paid by the customer (yuan)"), default=0)
    # The agreement that splits this order's income (in force on the service date).
    agreement = models.ForeignKey(
        SharingAgreement,
        verbose_name=_("sharing agreement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
    )
    priced_at = models.DateTimeField(_("priced at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    settlement_month = models.DateField(_("settlement month"), null=True, blank=True)
    invoice_number = models.CharField(_("invoice number"), max_length=40, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("service order")
        verbose_name_plural = _("service orders")
        ordering = ["-service_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in OrderKind]), name="sharing_order_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in OrderStatus]),
                name="sharing_order_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0)
                & Q(voucher_amount__gte=0)
                & Q(enterprise_amount__gte=0)
                & Q(enterprise_amount=F("amount") - F("voucher_amount")),
                name="sharing_order_payers_add_up",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["booking", "cancellation_fee"]) | Q(booking__isnull=False),
                name="sharing_order_booking_kind_has_booking",
            ),
            # What the customer confirmed is a priced order: it has its rate and agreement.
            models.CheckConstraint(
                condition=~Q(status__in=["confirmed", "settled"])
                | (
                    Q(confirmed_at__isnull=False)
                    & Q(agreement__isnull=False)
                    & Q(priced_at__isnull=False)
                ),
                name="sharing_order_confirmed_is_priced",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "service_date"], name="sharing_order_st_date"),
            models.Index(fields=["settlement_month"], name="sharing_order_month"),
            models.Index(fields=["resource", "service_date"], name="sharing_order_res_date"),
            models.Index(fields=["customer", "service_date"], name="sharing_order_customer"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("sharing:order", kwargs={"pk": self.pk})


class UsageRecord(models.Model):
    """使用记录, entered by service staff: actual times or samples. Booked and used time
    are both kept on the order; the rate's ``billed_on`` says which one is billed."""

    order = models.OneToOneField(ServiceOrder, on_delete=models.CASCADE, related_name="usage")
    actual_start = models.DateTimeField(_("actual start"), null=True, blank=True)
    actual_end = models.DateTimeField(_("actual end"), null=True, blank=True)
    samples = models.PositiveIntegerField(_("samples"), null=True, blank=True)
    quantity_milli = models.PositiveBigIntegerField(_("quantity used (1/1000 unit)"))
    note = models.TextField(_("note"), blank=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="sharing_usage_records",
        verbose_name=_("service staff who ran it"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("usage record")
        verbose_name_plural = _("usage records")
        constraints = [
            models.CheckConstraint(
                condition=Q(actual_start__isnull=True)
                | Q(actual_end__isnull=True)
                | Q(actual_end__gt=F("actual_start")),
                name="sharing_usage_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.order} · {self.quantity_milli}"


class OrderEventKind(models.TextChoices):
    CREATED = "created", _("Created")
    USAGE_RECORDED = "usage_recorded", _("Usage recorded")
    PRICED = "priced", _("Priced")
    AMENDED = "amended", _("Amended")
    VOUCHER_APPLIED = "voucher_applied", _("Voucher applied")
    VOUCHER_RELEASED = "voucher_released", _("Voucher released")
    CONFIRMED = "confirmed", _("Confirmed by customer")
    SETTLED = "settled", _("Settled")
    CANCELLED = "cancelled", _("Cancelled")


class OrderEvent(EventBase):
    order = models.ForeignKey(ServiceOrder, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=20, choices=OrderEventKind.choices)

    subject_field = "order"

    class Meta(EventBase.Meta):
        verbose_name = _("order event")
