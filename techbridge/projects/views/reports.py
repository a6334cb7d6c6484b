"""KPI dashboard, overdue lists and the printable monthly briefing, over the projects the
reader handles (bureau staff: all; a department handler: their department's)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from techbridge.accounts.access import role_required
from techbridge.accounts.roles import Role
from techbridge.projects import briefing as briefings
from techbridge.projects import kpis, selectors
from techbridge.projects.charts import progress_chart
from techbridge.projects.forms import BriefingForm, KpiFilterForm
from techbridge.projects.views.ledger import int_or_none

LEDGER_ROLES = (Role.BUREAU_STAFF, Role.DEPARTMENT_HANDLER)


@role_required(*LEDGER_ROLES)
def dashboard(request: HttpRequest) -> HttpResponse:
    form = KpiFilterForm(request.GET or None)
    projects = kpis.scope(selectors.managed_projects(request.user), **form.scope_args())
    by_batch = kpis.ledger_kpis(projects, group_by="batch")
    by_zone = kpis.ledger_kpis(projects, group_by="zone")
    by_stage = kpis.ledger_kpis(projects, group_by="stage")
    return render(
        request,
        "projects/dashboard.html",
        {
            "form": form,
            "total": by_batch.total,
            "by_batch": by_batch.rows,
            "by_zone": by_zone.rows,
            "by_stage": by_stage.rows,
            "chart_batch": progress_chart(by_batch.rows, title=_("Progress by batch")),
            "chart_zone": progress_chart(by_zone.rows, title=_("Progress by zone")),
        },
    )


@role_required(*LEDGER_ROLES)
def overdue(request: HttpRequest) -> HttpResponse:
    days = int_or_none(request.GET.get("days")) or briefings.DEFAULT_START_DAYS
    days = min(days, 3650)
    form = KpiFilterForm(request.GET or None)
    projects = kpis.scope(selectors.managed_projects(request.user), **form.scope_args())
    today = timezone.localdate()
    late = [
        (p, kpis.days_since(p.signed_on, today))
        for p in kpis.not_started(projects, days=days, today=today)[:500]
    ]
    behind = [(p, kpis.shortfall(p)) for p in kpis.funds_behind_plan(projects, today=today)[:500]]
    return render(
        request,
        "projects/overdue.html",
        {"form": form, "days": days, "late": late, "behind": behind},
    )


@role_required(*LEDGER_ROLES)
def briefing(request: HttpRequest) -> HttpResponse:
    form = BriefingForm(request.GET or None)
    args = form.scope_args()
    projects = kpis.scope(
        selectors.managed_projects(request.user), batch=args.get("batch"), zone=args.get("zone")
    )
    report = briefings.monthly_briefing(projects, month=form.month_start())
    return render(
        request,
        "projects/briefing.html",
        {
            "form": form,
            "briefing": report,
            "month_text": report.month.strftime("%Y-%m"),
            "as_of_text": briefings.day_text(report.as_of),
            "total_sentence": briefings.sentence(
                report.total, report.as_of, _("All projects in the ledger")
            ),
            "chart": progress_chart(report.table.rows, title=_("Progress by batch")),
            "in_yi": briefings.in_yi,
        },
    )
