"""The supervision views (督办督查): open problems by department with the time left, the
overdue list, the latest escalations, and the figures per department and period."""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from techbridge.accounts.access import role_required
from techbridge.accounts.roles import Role
from techbridge.supervision import charts, selectors
from techbridge.supervision.forms import PeriodForm

SUPERVISORS = (Role.BUREAU_STAFF, Role.DEPARTMENT_HANDLER)


@role_required(*SUPERVISORS)
def board(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    return render(
        request,
        "supervision/board.html",
        {
            "groups": selectors.open_by_department(request.user, now),
            "escalations": selectors.recent_escalations(request.user, 30),
            "overdue_count": selectors.overdue_reports(request.user, now).count(),
        },
    )


@role_required(*SUPERVISORS)
def overdue(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    page = Paginator(selectors.overdue_reports(request.user, now), 50).get_page(
        request.GET.get("page")
    )
    rows = [
        {
            "report": r,
            "resolution": selectors.resolution_clock(r, now),
            "response": selectors.response_clock(r, now),
        }
        for r in page
    ]
    return render(request, "supervision/overdue.html", {"page": page, "rows": rows})


@role_required(*SUPERVISORS)
def figures(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET or None)
    today = timezone.localdate()
    first, last = form.period(today)
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time.min, tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tz)
    rows = selectors.department_figures(request.user, start=start, end=end)
    labels = [r.name or _("Not yet assigned") for r in rows]
    chart = charts.rate_bars(
        labels,
        [
            (_("On-time resolution"), [r.on_time_rate for r in rows]),
            (_("Response"), [r.response_rate for r in rows]),
            (_("Satisfaction"), [r.satisfaction_rate for r in rows]),
        ],
        title=_("Rates by department"),
    )
    return render(
        request,
        "supervision/figures.html",
        {
            "form": form,
            "first": first,
            "last": last,
            "rows": rows,
            "total": selectors.totals(rows),
            "chart": chart,
        },
    )
