"""The measurable figures a yearly target can be set for (年度目标的指标), each computed
exactly from the records credited to a programme (``programmes.attribution``).

A figure is a count of records, a count of distinct people or organisations (active
brokers, enterprises served), or a sum of money in fen. Per month and per year it is one
grouped query; the year of a distinct figure is counted over the year, never summed from
its months (a broker active in March and May is one active broker).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import BigIntegerField, Count, F, Q, QuerySet, Sum
from django.db.models.functions import ExtractMonth
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from techbridge.brokerage.models import DealEvent, DealResult, EventStatus
from techbridge.catalogue.models import Channel, Status
from techbridge.contracts.models import ContractStatus
from techbridge.programmes import attribution
from techbridge.programmes.models import LinkKind, Programme
from techbridge.sharing.models import OrderStatus
from techbridge.supervision.models import ProblemStatus


@dataclass(frozen=True)
class Metric:
    key: str
    label: str | Promise
    kind: str  # the LinkKind whose records are counted
    date_field: str  # the date the record counts on
    unit: str = "count"  # count | amount (fen)
    distinct: str = ""  # count distinct values of this field instead of rows
    amount_field: str = ""  # for unit == "amount": the money field summed (fen)
    channels: bool = False  # the demands figure may be narrowed to one channel
    # Extra condition on the counted rows (beyond attribution and the date).
    condition: Callable[[Programme], Q] | None = None
    # Counted over another model than the kind's (active brokers: deal events).
    through: Callable[[Programme], QuerySet[Any]] | None = None
    description: str | Promise = ""

    @property
    def is_amount(self) -> bool:
        return self.unit == "amount"


def _collected(_: Programme) -> Q:
    return Q(status__in=[Status.SUBMITTED, Status.PUBLISHED, Status.RETURNED, Status.EXPIRED])


def _held(_: Programme) -> Q:
    return Q(status__in=[EventStatus.PUBLISHED, EventStatus.CLOSED]) & Q(
        held_on__lte=timezone.localdate()
    )


def _won(_: Programme) -> Q:
    return Q(result=DealResult.WON)


def _partner_flow(programme: Programme) -> Q:
    """Registered contracts between the programme's home side and a partner region."""
    partners = attribution.partner_prefixes(programme)
    homes = attribution.home_prefixes(programme)
    registered = Q(status=ContractStatus.REGISTERED)
    if not partners:
        return Q(pk__in=[])
    if homes:
        p = attribution.prefix_q
        flow = (p("buyer_region", homes) & p("seller_region", partners)) | (
            p("seller_region", homes) & p("buyer_region", partners)
        )
    else:  # the catch-all default programme: one side in a partner region, the other not
        b = attribution.prefix_q("buyer_region", partners)
        s = attribution.prefix_q("seller_region", partners)
        flow = (b & ~s) | (s & ~b)
    return registered & flow


def _served(_: Programme) -> Q:
    return Q(status__in=[OrderStatus.CONFIRMED, OrderStatus.SETTLED])


def _on_time(_: Programme) -> Q:
    return Q(
        status__in=[ProblemStatus.RESOLVED, ProblemStatus.CONFIRMED],
        resolved_at__isnull=False,
        resolution_due_at__isnull=False,
        resolved_at__lte=F("resolution_due_at"),
    )


def _broker_activity(programme: Programme) -> QuerySet[Any]:
    # A join, not "deal IN (subquery)": the planner then reads each event's deal once.
    return DealEvent.objects.filter(
        attribution.attributed_q(programme, LinkKind.DEAL, via="deal__"),
        deal__broker__isnull=False,
    )


METRICS: dict[str, Metric] = {
    m.key: m
    for m in (
        Metric(
            "demands_collected",
            _("Demands collected"),
            LinkKind.DEMAND,
            "created_at",
            channels=True,
            condition=_collected,
            description=_("Technical demands recorded (not drafts, not withdrawn)."),
        ),
        Metric(
            "meetings_held",
            _("Matchmaking meetings held"),
            LinkKind.EVENT,
            "held_on",
            condition=_held,
            description=_("Published meetings whose date has come."),
        ),
        Metric(
            "deals_won",
            _("Cooperation projects brought about"),
            LinkKind.DEAL,
            "closed_at",
            condition=_won,
            description=_("Deals closed as won."),
        ),
        Metric(
            "active_brokers",
            _("Active brokers"),
            LinkKind.DEAL,
            "at",
            distinct="deal__broker",
            through=_broker_activity,
            description=_("Brokers with any step on one of the programme's deals."),
        ),
        Metric(
            "partner_contracts",
            _("Technology contracts with the partner region"),
            LinkKind.CONTRACT,
            "registered_at",
            condition=_partner_flow,
            description=_("Registered contracts between the home and a partner region."),
        ),
        Metric(
            "partner_contract_amount",
            _("Technology transaction amount with the partner region"),
            LinkKind.CONTRACT,
            "registered_at",
            unit="amount",
            amount_field="technology_amount",
            condition=_partner_flow,
            description=_("Technology transaction amount of those contracts."),
        ),
        Metric(
            "instruments_shared",
            _("Instruments and services shared"),
            LinkKind.ORDER,
            "service_date",
            distinct="resource",
            condition=_served,
            description=_("Shared resources with a confirmed order."),
        ),
        Metric(
            "enterprises_served",
            _("Enterprises served by sharing"),
            LinkKind.ORDER,
            "service_date",
            distinct="customer",
            condition=_served,
            description=_("Customer organisations of confirmed orders."),
        ),
        Metric(
            "projects_started",
            _("Projects started"),
            LinkKind.PROJECT,
            "started_on",
            description=_("Signed projects with a start date in the period."),
        ),
        Metric(
            "problems_solved_on_time",
            _("Problems solved on time"),
            LinkKind.PROBLEM,
            "resolved_at",
            condition=_on_time,
            description=_("Problem reports resolved before their deadline."),
        ),
    )
}


def _is_datetime(metric: Metric, queryset: QuerySet[Any]) -> bool:
    field = queryset.model._meta.get_field(metric.date_field)
    return field.get_internal_type() == "DateTimeField"


def records(
    programme: Programme,
    metric: Metric,
    *,
    start: dt.date,
    end: dt.date,
    channel: str = "",
) -> QuerySet[Any]:
    """The rows a figure counts between ``start`` and ``end`` (inclusive dates, local time)."""
    if metric.through is not None:
        queryset = metric.through(programme)
    else:
        queryset = attribution.attributed(programme, metric.kind)
        if metric.condition is not None:
            queryset = queryset.filter(metric.condition(programme))
    if metric.channels and channel:
        queryset = queryset.filter(channel=channel)
    if _is_datetime(metric, queryset):
        tz = timezone.get_current_timezone()
        lower = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
        upper = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        return queryset.filter(**{f"{metric.date_field}__gte": lower}).filter(
            **{f"{metric.date_field}__lt": upper}
        )
    return queryset.filter(**{f"{metric.date_field}__range": (start, end)})


def _value(metric: Metric, queryset: QuerySet[Any]) -> int:
    if metric.is_amount:
        total = queryset.aggregate(v=Sum(metric.amount_field, output_field=BigIntegerField()))["v"]
        return int(total or 0)
    if metric.distinct:
        return int(queryset.aggregate(v=Count(metric.distinct, distinct=True))["v"] or 0)
    return int(queryset.count())


def _family(metric: Metric) -> tuple[Any, ...]:
    """Figures counted over the same rows (a count and a sum of one set of contracts)."""
    return (metric.kind, metric.date_field, metric.condition, metric.through, metric.distinct)


def year_values(
    programme: Programme,
    metric: Metric,
    year: int,
    *,
    channel: str = "",
    until: dt.date | None = None,
    shared: dict[tuple[Any, ...], dict[str, list[int]]] | None = None,
) -> tuple[int, list[int]]:
    """(the year's value, its twelve monthly values) — up to ``until`` if given.
    ``shared``: a dict kept across calls (one dashboard), so figures over the same rows are
    counted and summed in one query."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if until is not None and until < end:
        end = until
    queryset = records(programme, metric, start=start, end=end, channel=channel)
    if metric.distinct:
        rows = (
            queryset.order_by()
            .annotate(m=ExtractMonth(metric.date_field))
            .values("m")
            .annotate(v=Count(metric.distinct, distinct=True))
        )
        months = [0] * 12
        for row in rows:
            if row["m"]:
                months[int(row["m"]) - 1] = int(row["v"] or 0)
        return _value(metric, queryset), months
    key = (*_family(metric), programme.pk, year, channel, end)
    columns = shared.get(key) if shared is not None else None
    if columns is None:
        sums = {
            m.amount_field
            for m in METRICS.values()
            if m.is_amount and _family(m) == _family(metric)
        }
        aggregates: dict[str, Any] = {"n": Count("pk")}
        for field in sorted(sums):
            aggregates[f"sum_{field}"] = Sum(field, output_field=BigIntegerField())
        columns = {name: [0] * 12 for name in aggregates}
        rows = (
            queryset.order_by()
            .annotate(m=ExtractMonth(metric.date_field))
            .values("m")
            .annotate(**aggregates)
        )
        for row in rows:
            if row["m"]:
                for name in aggregates:
                    columns[name][int(row["m"]) - 1] = int(row[name] or 0)
        if shared is not None:
            shared[key] = columns
    months = list(columns[f"sum_{metric.amount_field}" if metric.is_amount else "n"])
    return sum(months), months


def channel_choices() -> list[tuple[str, Any]]:
    return list(Channel.choices)
