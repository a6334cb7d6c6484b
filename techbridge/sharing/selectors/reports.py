"""Sharing reports (共享服务统计): utilisation per instrument, enterprises served per year,
income by party, voucher programme figures, and the service records for the national
instrument-sharing reporting. Definitions are in docs/sharing-reporting.md.

Who sees what: bureau staff every resource; a member of an organisation the resources it
owns or operates as agency (its service staff are its members); nobody else anything.
Hours are exact (``Decimal`` from whole seconds / thousandths of an hour), money is
summed as integer fen by the database.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from techbridge.accounts.roles import Role
from techbridge.catalogue.models import Instrument
from techbridge.core.actors import is_active_user
from techbridge.core.masking import mask_name
from techbridge.organisations.models import OrganisationKind
from techbridge.sharing.access import is_bureau_staff
from techbridge.sharing.models import (
    BookingStatus,
    OrderKind,
    OrderStatus,
    RateUnit,
    Resource,
    ResourceKind,
    ServiceOrder,
    SharingAgreement,
    VoucherProgramme,
)
from techbridge.sharing.models.settlement import PartyKind, Statement
from techbridge.sharing.selectors.settlement import statements_visible_to

HOUR = Decimal(3600)
# Orders whose service took place: usage recorded, not cancelled.
SERVED = (OrderStatus.PRICED, OrderStatus.CONFIRMED, OrderStatus.SETTLED)


# --- scope and period ----------------------------------------------------------------


# The resource side: institution members (owners, service staff) and the people of the
# operating agencies (brokers). Enterprises are customers and see their orders instead.
PROVIDER_ROLES = frozenset({Role.INSTITUTION_MEMBER, Role.BROKER})


def may_see_reports(user: Any) -> bool:
    return is_bureau_staff(user) or (
        is_active_user(user) and user.role in PROVIDER_ROLES and user.organisation_id is not None
    )


def report_resources(user: Any) -> QuerySet[Resource]:
    """Resources whose figures ``user`` may see (see the module docstring)."""
    if is_bureau_staff(user):
        return Resource.objects.all()
    if not may_see_reports(user):
        return Resource.objects.none()
    org = user.organisation_id
    operated = SharingAgreement.objects.filter(agency_id=org)
    return Resource.objects.filter(
        Q(owner_id=org)
        | Q(pk__in=operated.filter(resource__isnull=False).values("resource_id"))
        | Q(owner_id__in=operated.filter(resource__isnull=True).values("owner_id"))
    )


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive

    @property
    def label(self) -> str:
        return f"{self.start:%Y-%m-%d} – {self.end:%Y-%m-%d}"


def _parse_day(text: str, name: str, *, end: bool) -> dt.date:
    text = text.strip()
    try:
        if len(text) == 7:  # YYYY-MM: the month's first or last day
            first = dt.date.fromisoformat(f"{text}-01")
            if not end:
                return first
            following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
            return following - dt.timedelta(days=1)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            {
                name: _("Write a date as YYYY-MM-DD or a month as YYYY-MM, not “%(v)s”.")
                % {"v": text[:20]}
            }
        ) from None


def parse_period(params: Any, *, default_start: dt.date | None = None) -> Period:
    """``from`` / ``to`` (YYYY-MM-DD or YYYY-MM) from query parameters; by default the
    current year up to today. At most ten years, start before end."""
    today = timezone.localdate()
    raw_from, raw_to = (params.get("from") or "").strip(), (params.get("to") or "").strip()
    start = (
        _parse_day(raw_from, "from", end=False)
        if raw_from
        else default_start or today.replace(month=1, day=1)
    )
    end = _parse_day(raw_to, "to", end=True) if raw_to else today
    if end < start:
        raise ValidationError({"to": _("The end of the period is before its start.")})
    if (end - start).days > 3660:
        raise ValidationError({"from": _("A report covers at most ten years.")})
    return Period(start, end)


# --- utilisation ---------------------------------------------------------------------


@dataclass
class UtilisationRow:
    resource_id: int
    name: str
    owner: str
    kind: str
    orders: int = 0
    effective_seconds: Decimal = Decimal(0)
    external_seconds: Decimal = Decimal(0)
    samples: int = 0
    external_samples: int = 0
    no_shows: int = 0
    income: Decimal = Decimal("0.00")
    external_income: Decimal = Decimal("0.00")

    @property
    def effective_hours(self) -> Decimal:
        return (self.effective_seconds / HOUR).quantize(Decimal("0.01"))

    @property
    def external_hours(self) -> Decimal:
        return (self.external_seconds / HOUR).quantize(Decimal("0.01"))

    @property
    def share_rate(self) -> Decimal | None:
        """External hours / effective hours in per cent (None without any hours)."""
        if not self.effective_seconds:
            return None
        return (self.external_seconds * 100 / self.effective_seconds).quantize(Decimal("0.1"))


@dataclass
class UtilisationReport:
    period: Period
    rows: list[UtilisationRow]
    total: UtilisationRow


def _served_seconds(
    unit: str, used_milli: int, start: dt.datetime | None, end: dt.datetime | None
) -> Decimal:
    """Machine time of one order: the usage record's actual start–end when staff
    recorded it, else the used quantity of an hourly rate; samples and flat fees have no
    hours of their own."""
    if start is not None and end is not None:
        return Decimal(int((end - start).total_seconds()))
    if unit == RateUnit.HOUR:
        return Decimal(used_milli) * HOUR / 1000
    return Decimal(0)


def utilisation(
    *, user: Any, period: Period, kind: str = ResourceKind.INSTRUMENT
) -> UtilisationReport:
    """Per resource of ``kind`` ('' = every kind) in ``period`` (by service date):
    effective hours (orders served), external hours (customers other than the owner),
    share rate, samples, no-shows (bookings starting in the period), income."""
    resources = report_resources(user)
    if kind:
        resources = resources.filter(kind=kind)
    rows: dict[int, UtilisationRow] = {}
    orders = (
        ServiceOrder.objects.filter(
            resource__in=resources,
            status__in=SERVED,
            service_date__gte=period.start,
            service_date__lte=period.end,
        )
        .exclude(kind=OrderKind.CANCELLATION_FEE)
        .values_list(
            "resource_id",
            "resource__name",
            "resource__owner__name",
            "resource__kind",
            "resource__owner_id",
            "customer_id",
            "unit",
            "used_quantity_milli",
            "usage__actual_start",
            "usage__actual_end",
            "usage__samples",
            "amount",
        )
    )
    for (
        rid,
        name,
        owner,
        rkind,
        owner_id,
        customer_id,
        unit,
        milli,
        start,
        end,
        samples,
        fee,
    ) in orders.iterator(chunk_size=5000):
        row = rows.get(rid)
        if row is None:
            row = rows[rid] = UtilisationRow(rid, name, owner, rkind)
        seconds = _served_seconds(unit, milli, start, end)
        external = customer_id != owner_id
        row.orders += 1
        row.effective_seconds += seconds
        row.samples += samples or 0
        row.income += fee
        if external:
            row.external_seconds += seconds
            row.external_samples += samples or 0
            row.external_income += fee
    for rid, name, owner, rkind, no_shows in (
        resources.filter(
            bookings__status=BookingStatus.NO_SHOW,
            bookings__starts_at__date__gte=period.start,
            bookings__starts_at__date__lte=period.end,
        )
        .values("pk", "name", "owner__name", "kind")
        .annotate(n=Count("bookings"))
        .values_list("pk", "name", "owner__name", "kind", "n")
    ):
        row = rows.get(rid)
        if row is None:
            row = rows[rid] = UtilisationRow(rid, name, owner, rkind)
        row.no_shows = no_shows
    ordered = sorted(rows.values(), key=lambda r: (-r.effective_seconds, r.name, r.resource_id))
    total = UtilisationRow(0, _("Total"), "", "")
    for row in ordered:
        for name in (
            "orders",
            "effective_seconds",
            "external_seconds",
            "samples",
            "external_samples",
            "no_shows",
            "income",
            "external_income",
        ):
            setattr(total, name, getattr(total, name) + getattr(row, name))
    return UtilisationReport(period, ordered, total)


# --- enterprises served per year -----------------------------------------------------


@dataclass(frozen=True)
class EnterprisesRow:
    year: int
    enterprises: int
    customers: int
    enterprise_orders: int
    enterprise_income: Decimal


def enterprises_per_year(*, user: Any) -> list[EnterprisesRow]:
    """Distinct customer organisations of kind enterprise served each year (service date),
    among all customers, with the enterprises' orders and fees."""
    enterprise = Q(customer__kind=OrganisationKind.ENTERPRISE)
    rows = (
        ServiceOrder.objects.filter(resource__in=report_resources(user), status__in=SERVED)
        .annotate(year=ExtractYear("service_date"))
        .values("year")
        .annotate(
            enterprises=Count("customer", distinct=True, filter=enterprise),
            customers=Count("customer", distinct=True),
            orders=Count("pk", filter=enterprise),
            income=Sum("amount", filter=enterprise),
        )
        .order_by("-year")
    )
    return [
        EnterprisesRow(
            r["year"], r["enterprises"], r["customers"], r["orders"], r["income"] or Decimal("0.00")
        )
        for r in rows
    ]


# --- income by party -----------------------------------------------------------------


@dataclass(frozen=True)
class IncomeRow:
    party_kind: str
    party_kind_label: str
    party: str
    statements: int
    total: Decimal


def income_by_party(*, user: Any, start: dt.date, end: dt.date) -> list[IncomeRow]:
    """Issued statements of the months start..end (first days) the user may see, summed
    per party: what each owner, staff member, agency and programme was settled."""
    labels = dict(PartyKind.choices)
    rows = (
        statements_visible_to(user)
        .filter(run__month__gte=start.replace(day=1), run__month__lte=end)
        .values(
            "party_kind",
            "organisation__name",
            "user__display_name",
            "user__username",
            "programme__name",
        )
        .annotate(n=Count("pk"), total=Sum("total"))
        .order_by("party_kind", "-total")
    )
    result = [
        IncomeRow(
            r["party_kind"],
            str(labels.get(r["party_kind"], r["party_kind"])),
            r["organisation__name"]
            or r["user__display_name"]
            or r["user__username"]
            or r["programme__name"]
            or "",
            r["n"],
            r["total"] or Decimal("0.00"),
        )
        for r in rows
    ]
    order = [k.value for k in PartyKind]
    return sorted(result, key=lambda r: (order.index(r.party_kind), -r.total, r.party))


def income_by_kind(rows: list[IncomeRow]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for row in rows:
        totals[row.party_kind] += row.total
    return dict(totals)


# --- voucher programmes --------------------------------------------------------------


@dataclass(frozen=True)
class ProgrammeRow:
    programme: VoucherProgramme
    settled: Decimal  # voucher parts on issued programme statements

    @property
    def budget_left(self) -> Decimal:
        return cast(Decimal, self.programme.budget) - cast(Decimal, self.programme.issued_total)

    @property
    def use_rate(self) -> Decimal | None:
        issued = cast(Decimal, self.programme.issued_total)
        if not issued:
            return None
        return (cast(Decimal, self.programme.used_total) * 100 / issued).quantize(Decimal("0.1"))


def voucher_figures(*, user: Any) -> list[ProgrammeRow]:
    """Budget, issued, used, claimed and paid of every programme (bureau staff only), and
    what settlement issued on its statements."""
    if not is_bureau_staff(user):
        return []
    settled = {
        r["programme_id"]: r["t"]
        for r in Statement.objects.filter(party_kind=PartyKind.PROGRAMME)
        .values("programme_id")
        .annotate(t=Sum("total"))
        .order_by()
    }
    return [
        ProgrammeRow(p, settled.get(p.pk) or Decimal("0.00"))
        for p in VoucherProgramme.objects.select_related("bureau").order_by("-valid_from", "name")
    ]


# --- service records for the national reporting --------------------------------------


@dataclass
class ServiceRecord:
    """One row of the sharing-service record export (fields: docs/sharing-reporting.md)."""

    resource: str
    model: str
    manufacturer: str
    resource_kind: str
    owner: str
    service_date: dt.date
    time_slot: str
    hours: Decimal | None
    samples: int | None
    service_mode: str
    user_name: str
    user_organisation: str
    user_organisation_kind: str
    user_region: str
    external: bool
    content: str
    fee: Decimal
    voucher: Decimal
    order_number: str
    status: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _slot(start: dt.datetime | None, end: dt.datetime | None) -> str:
    if start is None or end is None:
        return ""
    start, end = timezone.localtime(start), timezone.localtime(end)
    if start.date() == end.date():
        return f"{start:%H:%M}-{end:%H:%M}"
    return f"{start:%m-%d %H:%M}-{end:%m-%d %H:%M}"


def service_records(*, user: Any, period: Period) -> Iterator[ServiceRecord]:
    """The services that took place in ``period`` on the resources the user may see, one
    record per order, oldest first; the user's name masked (PIPL)."""
    orders = (
        ServiceOrder.objects.filter(
            resource__in=report_resources(user),
            status__in=SERVED,
            service_date__gte=period.start,
            service_date__lte=period.end,
        )
        .exclude(kind=OrderKind.CANCELLATION_FEE)
        .select_related("resource", "resource__owner", "customer", "customer_user", "usage")
        .select_related("booking")
        .order_by("service_date", "pk")
    )
    kinds = dict(OrganisationKind.choices)
    resource_kinds = dict(ResourceKind.choices)
    order_kinds = dict(OrderKind.choices)
    statuses = dict(OrderStatus.choices)
    batch: list[ServiceOrder] = []
    for order in orders.iterator(chunk_size=2000):
        batch.append(order)
        if len(batch) == 2000:
            yield from _records(batch, kinds, resource_kinds, order_kinds, statuses)
            batch = []
    yield from _records(batch, kinds, resource_kinds, order_kinds, statuses)


def _records(
    batch: list[ServiceOrder],
    kinds: dict[str, Any],
    resource_kinds: dict[str, Any],
    order_kinds: dict[str, Any],
    statuses: dict[str, Any],
) -> Iterator[ServiceRecord]:
    ids = {o.resource.catalogue_id for o in batch if o.resource.catalogue_kind == "instrument"}
    instruments = {
        pk: (model, maker)
        for pk, model, maker in Instrument.objects.filter(pk__in=ids).values_list(
            "pk", "model_number", "manufacturer"
        )
    }
    for order in batch:
        resource = order.resource
        usage = getattr(order, "usage", None)
        start = usage.actual_start if usage is not None else None
        end = usage.actual_end if usage is not None else None
        if (start is None or end is None) and order.booking is not None:
            start, end = order.booking.starts_at, order.booking.ends_at
        seconds = _served_seconds(
            order.unit,
            order.used_quantity_milli,
            usage.actual_start if usage else None,
            usage.actual_end if usage else None,
        )
        model, maker = (
            instruments.get(resource.catalogue_id, ("", ""))
            if resource.catalogue_kind == "instrument"
            else ("", "")
        )
        who = order.customer_user
        yield ServiceRecord(
            resource=resource.name,
            model=model,
            manufacturer=maker,
            resource_kind=str(resource_kinds.get(resource.kind, resource.kind)),
            owner=resource.owner.name,
            service_date=order.service_date,
            time_slot=_slot(start, end),
            hours=(seconds / HOUR).quantize(Decimal("0.01")) if seconds else None,
            samples=usage.samples if usage is not None else None,
            service_mode=str(order_kinds.get(order.kind, order.kind)),
            user_name=mask_name(str(who.display_name or who.username)),
            user_organisation=order.customer.name,
            user_organisation_kind=str(kinds.get(order.customer.kind, order.customer.kind)),
            user_region=order.customer.region_code,
            external=order.customer_id != resource.owner_id,
            content=order.content or (order.booking.purpose if order.booking else ""),
            fee=cast(Decimal, order.amount),
            voucher=cast(Decimal, order.voucher_amount),
            order_number=order.number,
            status=str(statuses.get(order.status, order.status)),
        )
