"""Sharing report pages: utilisation per instrument, enterprises served per year, income
by party, voucher programme figures, and the service-record export (CSV / XLSX) for the
national instrument-sharing reporting. Charts are server-rendered CSS bars (no script);
the exact figures are in the tables beside them."""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from techbridge.audit.models import AuditEventType
from techbridge.audit.services import audit_record
from techbridge.sharing import exports
from techbridge.sharing.access import is_bureau_staff
from techbridge.sharing.models import ResourceKind
from techbridge.sharing.models.settlement import PartyKind
from techbridge.sharing.selectors import reports as selectors

CHART_ROWS = 15


def bar_chart(
    labels: Sequence[str], values: Sequence[Decimal | int], *, title: str, unit: str = ""
) -> SafeString:
    """Horizontal bars (HTML + CSS, static/sharing/reports.css) scaled to the largest
    value; every text is escaped. The exact figures are in the table beside the chart."""
    if not labels or not any(values):
        return SafeString("")
    top = max(Decimal(v) for v in values) or Decimal(1)
    rows = [
        format_html(
            '<div class="bar-row"><span class="bar-label" title="{}">{}</span>'
            '<span class="bar-track"><span class="bar-fill" style="width:{}%"></span></span>'
            '<span class="bar-value">{}{}</span></div>',
            label,
            label,
            f"{Decimal(value) * 100 / top:.1f}",
            value,
            unit,
        )
        for label, value in zip(labels, values, strict=True)
    ]
    return format_html(
        '<figure class="bars" role="img" aria-label="{}"><figcaption>{}</figcaption>{}</figure>',
        title,
        title,
        SafeString("".join(rows)),
    )


def _allowed(request: HttpRequest) -> None:
    if not selectors.may_see_reports(request.user):
        audit_record(
            AuditEventType.ACCESS_DENIED,
            actor=request.user,
            result="denied",
            object_type="page",
            object_repr=request.path[:200],
        )
        raise PermissionDenied


def _period(request: HttpRequest) -> tuple[selectors.Period, dict[str, list[str]]]:
    try:
        return selectors.parse_period(request.GET), {}
    except ValidationError as exc:
        return selectors.parse_period({}), exc.message_dict


@login_required
def reports_index(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    period, errors = _period(request)
    kind = request.GET.get("kind", ResourceKind.INSTRUMENT)
    if kind not in ResourceKind.values and kind != "":
        kind = ResourceKind.INSTRUMENT
    report = selectors.utilisation(user=request.user, period=period, kind=kind)
    top = report.rows[:CHART_ROWS]
    enterprises = selectors.enterprises_per_year(user=request.user)
    income = selectors.income_by_party(user=request.user, start=period.start, end=period.end)
    programmes = selectors.voucher_figures(user=request.user)
    by_kind = selectors.income_by_kind(income)
    party_labels = dict(PartyKind.choices)
    context: dict[str, Any] = {
        "period": period,
        "errors": errors,
        "kind": kind,
        "kinds": ResourceKind.choices,
        "report": report,
        "enterprises": enterprises,
        "income": income,
        "income_by_kind": [(party_labels[k], v) for k, v in by_kind.items()],
        "programmes": programmes,
        "is_bureau": is_bureau_staff(request.user),
        "query": request.GET.urlencode(),
        "chart_hours": bar_chart(
            [r.name for r in top],
            [r.effective_hours for r in top],
            title=_("Effective hours per instrument"),
            unit=" h",
        ),
        "chart_share": bar_chart(
            [r.name for r in top if r.share_rate is not None],
            [r.share_rate for r in top if r.share_rate is not None],  # type: ignore[misc]
            title=_("Share rate (external hours / effective hours)"),
            unit=" %",
        ),
        "chart_enterprises": bar_chart(
            [str(r.year) for r in enterprises[:10]],
            [r.enterprises for r in enterprises[:10]],
            title=_("Enterprises served per year"),
        ),
        "chart_income": bar_chart(
            [str(party_labels[k]) for k in by_kind],
            list(by_kind.values()),
            title=_("Settled income by party"),
            unit=" 元",
        ),
    }
    return render(request, "sharing/reports/index.html", context)


@login_required
def records_export(request: HttpRequest) -> HttpResponse:
    """The service records of a period as CSV (default) or XLSX; users masked, audited."""
    _allowed(request)
    fmt = request.GET.get("format", "csv")
    if fmt not in ("csv", "xlsx"):
        return HttpResponse(_("format must be csv or xlsx"), status=400, content_type="text/plain")
    try:
        period = selectors.parse_period(request.GET)
    except ValidationError as exc:
        message = "; ".join(m for ms in exc.message_dict.values() for m in ms)
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    return records_response(request, period, fmt)


def records_response(request: Any, period: selectors.Period, fmt: str) -> HttpResponse:
    buffer = io.BytesIO()
    count = exports.write_records(
        buffer, fmt, selectors.service_records(user=request.user, period=period)
    )
    audit_record(
        AuditEventType.EXPORT,
        actor=request.user,
        object_type="export.sharing_service_records",
        object_repr=period.label,
        detail={"rows": count, "format": fmt},
    )
    content_type = exports.XLSX_TYPE if fmt == "xlsx" else "text/csv; charset=utf-8"
    response = HttpResponse(buffer.getvalue(), content_type=content_type)
    name = f"sharing-records-{period.start:%Y%m%d}-{period.end:%Y%m%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
