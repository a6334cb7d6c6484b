"""Reads of the programmes app: who sees which programme, the yearly dashboard (target,
actual, share and the monthly trend of every figure), and the records behind a number."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from techbridge.accounts.roles import Role
from techbridge.codes.selectors import region_label
from techbridge.programmes import attribution, metrics
from techbridge.programmes.models import Programme, RegionRole, Target

#: Roles that see every programme (the bureau runs them; the system administrator sets
#: them up).
ALL_PROGRAMMES_ROLES = frozenset({Role.BUREAU_STAFF, Role.SYSTEM_ADMIN})


def programmes_visible_to(user: Any) -> QuerySet[Programme]:
    """Bureau staff see every programme; programme staff and the staff of its stations see
    their own; everyone else none."""
    qs = Programme.objects.prefetch_related("regions")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    if user.role in ALL_PROGRAMMES_ROLES:
        return qs
    own = Q(staff=user)
    if user.role in (Role.STATION_STAFF, Role.BROKER) and user.organisation_id:
        own |= Q(stations__organisation_id=user.organisation_id) | Q(stations__members=user)
    return qs.filter(own).distinct()


def may_manage(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.role in ALL_PROGRAMMES_ROLES)


def programme_of_region(region_code: str) -> Programme | None:
    """The programme a region belongs to (its home region), else the default catch-all."""
    return attribution.programme_of_region(region_code)


def region_names(programme: Programme, role: str) -> list[str]:
    """Names of the programme's home or partner regions, e.g. ["贵州省 贵阳市"]."""
    out = []
    for row in programme.regions.all():
        if row.role == role:
            out.append(region_label(row.region_code.ljust(6, "0")) or row.region_code)
    return out


@dataclass
class FigureRow:
    metric: metrics.Metric
    channel: str
    channel_label: str
    target: Target | None
    actual: int
    months: list[int]
    expected: int | None = None  # where a steady pace would be by today
    share: Decimal | None = None  # actual / target, in per cent
    cumulative: list[int] = field(default_factory=list)

    @property
    def met(self) -> bool:
        return self.target is not None and self.actual >= self.target.value

    @property
    def behind(self) -> bool:
        return self.expected is not None and self.actual < self.expected


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _pace(year: int, today: dt.date) -> Decimal:
    """The share of ``year`` gone by ``today`` (0–1)."""
    if today.year < year:
        return Decimal(0)
    if today.year > year:
        return Decimal(1)
    start = dt.date(year, 1, 1)
    days = (dt.date(year + 1, 1, 1) - start).days
    return Decimal((today - start).days + 1) / Decimal(days)


def dashboard(programme: Programme, year: int, *, today: dt.date | None = None) -> list[FigureRow]:
    """Every figure of ``year``: the ones with a target first (in the order of METRICS),
    then the others, each with its actual value and twelve monthly values."""
    today = today or timezone.localdate()
    programme = Programme.objects.prefetch_related("regions").get(pk=programme.pk)
    targets = {
        (t.metric, t.channel): t for t in Target.objects.filter(programme=programme, year=year)
    }
    channel_labels = dict(metrics.channel_choices())
    keys: list[tuple[str, str]] = []
    for key, metric in metrics.METRICS.items():
        keys.append((key, ""))
        if metric.channels:
            keys += sorted(k for k in targets if k[0] == key and k[1])
    pace = _pace(year, today)
    shared: dict[Any, Any] = {}
    rows = []
    for key, channel in keys:
        metric = metrics.METRICS[key]
        actual, months = metrics.year_values(
            programme, metric, year, channel=channel, shared=shared
        )
        target = targets.get((key, channel))
        row = FigureRow(
            metric=metric,
            channel=channel,
            channel_label=str(channel_labels.get(channel, "")),
            target=target,
            actual=actual,
            months=months,
        )
        running = 0
        for value in months:
            running += value
            row.cumulative.append(running)
        if target is not None:
            row.share = _percent(actual, target.value)
            row.expected = int((Decimal(target.value) * pace).to_integral_value(ROUND_HALF_UP))
        rows.append(row)
    rows.sort(key=lambda r: r.target is None)
    return rows


def figure_records(
    programme: Programme, metric_key: str, year: int, *, month: int | None = None, channel: str = ""
) -> QuerySet[Any]:
    """The records behind one number of the dashboard (a month's, or the year's)."""
    metric = metrics.METRICS[metric_key]
    if month:
        start = dt.date(year, month, 1)
        end = (dt.date(year + (month == 12), month % 12 + 1, 1)) - dt.timedelta(days=1)
    else:
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return metrics.records(programme, metric, start=start, end=end, channel=channel)


def overview(user: Any, year: int) -> list[dict[str, Any]]:
    """The programmes ``user`` sees, each with how many of its targets of ``year`` are met."""
    out = []
    for programme in programmes_visible_to(user):
        targets = Target.objects.filter(programme=programme, year=year).count()
        out.append(
            {
                "programme": programme,
                "homes": region_names(programme, RegionRole.HOME),
                "partners": region_names(programme, RegionRole.PARTNER),
                "targets": targets,
            }
        )
    return out
