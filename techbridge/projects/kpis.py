"""Ledger KPIs, computed exactly from the ledger (docs/projects.md has the definitions).

- signed: every project in scope (a signing is a fact; cancelled ones included);
- started (开工/启动): has a start date and is not cancelled — started, in production,
  or stalled after it had started;
- start rate: started / signed × 100, rounded half-up to 2 decimals (97/106 → 91.51);
- in production (投产): has a production date and is not cancelled;
- total investment: sum over every project in scope (as signed);
- funds in place (到位资金): sum of funding entries; its share = funds / total × 100.

One aggregate query per table (grouped in the database, money summed as integer fen), so
the KPIs of 100,000 projects stay well inside 200 ms (benchmarks/bench_projects.py).
With ``as_of`` a past day: counts follow the stage dates up to that day and funds the
entries dated up to it (cancellations are those known today).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from techbridge.core.money import to_fen
from techbridge.projects.models import FundingEntry, Project, ProjectStage

HUNDREDTH = Decimal("0.01")
ZERO = Decimal("0.00")
GROUPS = {"batch": "batch_id", "zone": "zone_id", "stage": "stage"}


def percent(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """part / whole × 100, rounded half-up to 2 decimals, exactly (None if whole is 0)."""
    if not whole:
        return None
    with localcontext() as ctx:
        ctx.prec = 60
        return (Decimal(part) * 100 / Decimal(whole)).quantize(HUNDREDTH, ROUND_HALF_UP)


@dataclass
class Kpi:
    key: Any = None
    label: str = ""
    signed: int = 0
    started: int = 0
    in_production: int = 0
    stalled: int = 0
    cancelled: int = 0
    contract_type: int = 0
    contract_type_investment: Decimal = ZERO
    total_investment: Decimal = ZERO
    funds_in_place: Decimal = ZERO

    @property
    def start_rate(self) -> Decimal | None:
        return percent(self.started, self.signed)

    @property
    def production_rate(self) -> Decimal | None:
        return percent(self.in_production, self.signed)

    @property
    def funds_share(self) -> Decimal | None:
        """Funds in place as a share of total investment, in per cent."""
        return percent(to_fen(self.funds_in_place), to_fen(self.total_investment))

    def as_dict(self) -> dict[str, Any]:
        def text(value: Decimal | None) -> str | None:
            return None if value is None else format(value, "f")

        return {
            "key": self.key,
            "name": self.label,
            "signed": self.signed,
            "started": self.started,
            "start_rate": text(self.start_rate),
            "in_production": self.in_production,
            "stalled": self.stalled,
            "cancelled": self.cancelled,
            "contract_type": self.contract_type,
            "contract_type_investment": text(self.contract_type_investment),
            "total_investment": text(self.total_investment),
            "funds_in_place": text(self.funds_in_place),
            "funds_share": text(self.funds_share),
        }


@dataclass
class KpiTable:
    total: Kpi
    rows: list[Kpi] = field(default_factory=list)
    group_by: str = ""
    as_of: dt.date | None = None


def _aggregates(as_of: dt.date | None) -> dict[str, Any]:
    """Per (group, stage, contract type): counts and exact sums. COUNT(column) counts the
    dates that are set; cancelled projects are taken out of "started" by their stage, in
    Python. No FILTER clauses on the usual path: each costs a pass over every row."""
    started: Any = Count("started_on")
    production: Any = Count("in_production_on")
    if as_of is not None:
        started = Count("pk", filter=Q(started_on__lte=as_of))
        production = Count("pk", filter=Q(in_production_on__lte=as_of))
    values: dict[str, Any] = {
        "n": Count("*"),
        "started": started,
        "production": production,
        "investment": Sum("total_investment"),
    }
    if as_of is None:
        values["funds"] = Sum("funds_in_place")
    return values


def _add(kpi: Kpi, row: dict[str, Any]) -> None:
    """Fold one (group, stage) row into ``kpi``."""
    stage = row["stage"]
    n = row["n"] or 0
    kpi.signed += n
    if stage != ProjectStage.CANCELLED:
        kpi.started += row["started"] or 0
        kpi.in_production += row["production"] or 0
    if stage == ProjectStage.STALLED:
        kpi.stalled += n
    elif stage == ProjectStage.CANCELLED:
        kpi.cancelled += n
    if row["is_contract_type"]:
        kpi.contract_type += n
        kpi.contract_type_investment += row["investment"] or ZERO
    kpi.total_investment += row["investment"] or ZERO
    kpi.funds_in_place += row.get("funds") or ZERO


def scope(
    projects: QuerySet[Project],
    *,
    batch: int | None = None,
    zone: int | None = None,
    signed_from: dt.date | None = None,
    signed_to: dt.date | None = None,
    region: str = "",
    contract_type: bool | None = None,
) -> QuerySet[Project]:
    """Narrow ``projects`` (already limited to what the user may see) for the KPIs."""
    if batch:
        projects = projects.filter(batch_id=batch)
    if zone:
        projects = projects.filter(zone_id=zone)
    if signed_from:
        projects = projects.filter(signed_on__gte=signed_from)
    if signed_to:
        projects = projects.filter(signed_on__lte=signed_to)
    if region:
        projects = projects.filter(region_code__startswith=region)
    if contract_type is not None:
        projects = projects.filter(is_contract_type=contract_type)
    return projects


def ledger_kpis(
    projects: QuerySet[Project], *, group_by: str = "", as_of: dt.date | None = None
) -> KpiTable:
    """KPIs of ``projects`` in total and, with ``group_by`` (batch, zone, stage), per
    group. ``as_of`` a past day recomputes from dates and dated funding entries.

    One scan: the database groups by (batch or zone, stage, contract type) along a
    covering index and
    sums in integer fen; the few hundred group rows are folded here into the groups asked
    for and the total, so the total costs no second query."""
    if as_of is not None and as_of >= timezone.localdate():
        as_of = None
    if as_of is not None:
        projects = projects.filter(signed_on__lte=as_of)
    projects = projects.order_by()
    column = GROUPS.get(group_by)
    # batch_id or zone_id leads a covering index that has the stage next.
    outer = "zone_id" if column == "zone_id" else "batch_id"
    total = Kpi()
    groups: dict[Any, Kpi] = {}
    for row in projects.values(outer, "stage", "is_contract_type").annotate(**_aggregates(as_of)):
        _add(total, row)
        if column:
            key = row[column]
            _add(groups.setdefault(key, Kpi(key=key)), row)
    rows = sorted(groups.values(), key=_order)
    if as_of is not None:
        _funds_as_of(projects, as_of, total, rows, column)
    _label(rows, group_by)
    return KpiTable(total=total, rows=rows, group_by=group_by if column else "", as_of=as_of)


def _order(kpi: Kpi) -> tuple[bool, int]:
    """Groups by id (batch, zone), the "none" group last; stages are put in order later."""
    return (kpi.key is None, kpi.key if isinstance(kpi.key, int) else 0)


def _scoped_entries(projects: QuerySet[Project]) -> QuerySet[FundingEntry]:
    """Funding entries of ``projects``; the whole ledger needs no IN (subquery)."""
    entries = FundingEntry.objects.order_by()
    if projects.query.where:
        entries = entries.filter(project__in=projects.values("pk"))
    return entries


def _funds_as_of(
    projects: QuerySet[Project], as_of: dt.date, total: Kpi, rows: list[Kpi], column: str | None
) -> None:
    entries = _scoped_entries(projects).filter(entry_date__lte=as_of)
    total.funds_in_place = entries.aggregate(s=Sum("amount"))["s"] or ZERO
    if column:
        by_key = {
            r["key"]: r["s"] or ZERO
            for r in entries.values(key=_project_path(column)).annotate(s=Sum("amount"))
        }
        for kpi in rows:
            kpi.funds_in_place = by_key.get(kpi.key, ZERO)


def _project_path(column: str) -> Any:
    from django.db.models import F

    return F(f"project__{column}")


def _label(rows: list[Kpi], group_by: str) -> None:
    from techbridge.projects.models import Batch, Zone

    names: dict[Any, str]
    if group_by == "batch":
        names = dict(Batch.objects.filter(pk__in=[r.key for r in rows]).values_list("pk", "name"))
    elif group_by == "zone":
        names = dict(Zone.objects.filter(pk__in=[r.key for r in rows]).values_list("pk", "name"))
    elif group_by == "stage":
        names = {s.value: str(s.label) for s in ProjectStage}
    else:
        return
    from django.utils.translation import gettext as _

    for kpi in rows:
        kpi.label = names.get(kpi.key, "") or str(_("(none)"))
    if group_by == "stage":
        order = {s.value: i for i, s in enumerate(ProjectStage)}
        rows.sort(key=lambda kpi: order.get(kpi.key, len(order)))


@dataclass
class Activity:
    """What happened in a period (the briefing's "本月" figures)."""

    start: dt.date
    end: dt.date
    signed: int = 0
    started: int = 0
    in_production: int = 0
    stalled: int = 0
    cancelled: int = 0
    funds_added: Decimal = ZERO


def period_activity(projects: QuerySet[Project], *, start: dt.date, end: dt.date) -> Activity:
    """Signings, starts and productions dated in [start, end], stalls and cancellations
    of the period (by the stage change date), and funds that arrived in it. One count per
    figure, each along the index of its date (a single scan with five filters would read
    every project)."""
    projects = projects.order_by()
    live = projects.exclude(stage=ProjectStage.CANCELLED)
    counts = {
        "signed": projects.filter(signed_on__range=(start, end)).count(),
        "started": live.filter(started_on__range=(start, end)).count(),
        "in_production": live.filter(in_production_on__range=(start, end)).count(),
        "stalled": projects.filter(
            stage=ProjectStage.STALLED, stage_changed_on__range=(start, end)
        ).count(),
        "cancelled": projects.filter(
            stage=ProjectStage.CANCELLED, stage_changed_on__range=(start, end)
        ).count(),
    }
    funds = (
        _scoped_entries(projects)
        .filter(entry_date__range=(start, end))
        .aggregate(s=Sum("amount"))["s"]
    )
    return Activity(start=start, end=end, funds_added=funds or ZERO, **counts)


# --- overdue lists ---------------------------------------------------------------------------


def not_started(
    projects: QuerySet[Project], *, days: int, today: dt.date | None = None
) -> QuerySet[Project]:
    """Signed at least ``days`` days ago and not started (signed, or stalled before the
    start), oldest first."""
    today = today or timezone.localdate()
    return (
        projects.filter(
            started_on__isnull=True,
            stage__in=[ProjectStage.SIGNED, ProjectStage.STALLED],
            signed_on__lte=today - dt.timedelta(days=days),
        )
        .select_related("batch", "zone", "responsible_department")
        .order_by("signed_on", "code")
    )


def funds_behind_plan(
    projects: QuerySet[Project], *, today: dt.date | None = None
) -> QuerySet[Project]:
    """Projects whose planned funds were due by today and are not all in place: the
    plan is one figure per project (planned_funds by planned_funds_due)."""
    from django.db.models import F

    today = today or timezone.localdate()
    return (
        projects.filter(
            planned_funds__isnull=False,
            planned_funds_due__lte=today,
            funds_in_place__lt=F("planned_funds"),
        )
        .exclude(stage=ProjectStage.CANCELLED)
        .select_related("batch", "zone", "responsible_department")
        .order_by("planned_funds_due", "code")
    )


def shortfall(project: Project) -> Decimal:
    return Decimal(project.planned_funds or ZERO) - Decimal(project.funds_in_place)


def days_since(day: dt.date, today: dt.date | None = None) -> int:
    return ((today or timezone.localdate()) - day).days
