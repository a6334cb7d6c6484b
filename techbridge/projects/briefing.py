"""The monthly briefing (项目推进情况简报): the ledger's KPIs as of the month's last day,
what happened in the month, and what needs attention. A read model for the printable page
and the notices app (which may send it out)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from techbridge.projects import kpis
from techbridge.projects.models import Project, ProjectStage

YI = Decimal(100_000_000)
# Projects signed this long ago and not started are listed as overdue by default.
DEFAULT_START_DAYS = 180


def in_yi(amount: Decimal) -> str:
    """Yuan as 亿元 with at most 4 decimals (万元 precision), trailing zeros dropped:
    46,566,000,000.00 → "465.66", 7,086,790,000.00 → "70.8679"."""
    value = (amount / YI).quantize(Decimal("0.0001"), ROUND_HALF_UP)
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def month_bounds(start: dt.date) -> tuple[dt.date, dt.date]:
    first = start.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return first, last


def day_text(day: dt.date) -> str:
    return _("%(year)d-%(month)02d-%(day)02d") % {
        "year": day.year,
        "month": day.month,
        "day": day.day,
    }


@dataclass
class Briefing:
    month: dt.date
    as_of: dt.date
    table: kpis.KpiTable
    activity: kpis.Activity
    not_started: list[Project] = field(default_factory=list)
    not_started_count: int = 0
    behind_plan: list[Project] = field(default_factory=list)
    behind_plan_count: int = 0
    stalled: list[Project] = field(default_factory=list)
    start_days: int = DEFAULT_START_DAYS
    sentences: list[str] = field(default_factory=list)

    @property
    def total(self) -> kpis.Kpi:
        return self.table.total


def sentence(kpi: kpis.Kpi, as_of: dt.date, subject: str) -> str:
    """The bulletin sentence, as the press release wrote it ("首批京筑合作签约项目106个，
    投资总额465.66亿元。截至3月31日，共有97个项目开工(启动)，占总项目数的91.51%，
    到位资金70.8679亿元")."""
    rate = kpi.start_rate
    return _(
        "%(subject)s: %(signed)d projects, total investment %(total)s hundred million "
        "yuan. By %(day)s, %(started)d projects had started, %(rate)s%% of all projects, "
        "with %(funds)s hundred million yuan of funds in place."
    ) % {
        "subject": subject,
        "signed": kpi.signed,
        "total": in_yi(kpi.total_investment),
        "day": day_text(as_of),
        "started": kpi.started,
        "rate": "—" if rate is None else rate,
        "funds": in_yi(kpi.funds_in_place),
    }


def monthly_briefing(
    projects: QuerySet[Project],
    *,
    month: dt.date,
    start_days: int = DEFAULT_START_DAYS,
    today: dt.date | None = None,
    limit: int = 20,
) -> Briefing:
    """The briefing of ``projects`` (already scoped to what the reader may see) for the
    month containing ``month``: KPIs per batch as of the month's end (or today, within the
    current month), the month's activity and the overdue lists as of that day."""
    today = today or timezone.localdate()
    first, last = month_bounds(month)
    as_of = min(last, today)
    table = kpis.ledger_kpis(projects, group_by="batch", as_of=as_of)
    activity = kpis.period_activity(projects, start=first, end=as_of)
    late = kpis.not_started(projects, days=start_days, today=as_of)
    behind = kpis.funds_behind_plan(projects, today=as_of)
    stalled = projects.filter(stage=ProjectStage.STALLED).select_related("batch", "zone")
    briefing = Briefing(
        month=first,
        as_of=as_of,
        table=table,
        activity=activity,
        not_started=list(late[:limit]),
        not_started_count=late.count(),
        behind_plan=list(behind[:limit]),
        behind_plan_count=behind.count(),
        stalled=list(stalled.order_by("stage_changed_on", "code")[:limit]),
        start_days=start_days,
    )
    for row in table.rows:
        briefing.sentences.append(sentence(row, as_of, row.label))
    return briefing


def as_dict(briefing: Briefing) -> dict[str, Any]:
    """The briefing as plain data (API, notices)."""
    return {
        "month": briefing.month.strftime("%Y-%m"),
        "as_of": briefing.as_of.isoformat(),
        "total": briefing.total.as_dict(),
        "batches": [r.as_dict() for r in briefing.table.rows],
        "sentences": briefing.sentences,
        "activity": {
            "signed": briefing.activity.signed,
            "started": briefing.activity.started,
            "in_production": briefing.activity.in_production,
            "stalled": briefing.activity.stalled,
            "cancelled": briefing.activity.cancelled,
            "funds_added": format(briefing.activity.funds_added, "f"),
        },
        "not_started": briefing.not_started_count,
        "behind_plan": briefing.behind_plan_count,
    }
