"""Statistics pages: the public market summary, the statisticians' dashboard, the
bulletin, and an XLSX export of every table."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from techbridge.accounts.access import duty_required
from techbridge.accounts.roles import Duty
from techbridge.audit.models import AuditEventType
from techbridge.audit.services import audit_record
from techbridge.codes.choices import ContractType, TechField
from techbridge.imports.exports import write_table
from techbridge.stats import charts
from techbridge.stats.bulletin import contract_bulletin
from techbridge.stats.selectors import (
    GROUP_KEYS,
    StatsFilter,
    contract_statistics,
    make_filter,
    parse_group_by,
)

#: Column headers of the XLSX export, by group key, then the figures.
EXPORT_DIMENSIONS = {
    "field": gettext_lazy("Technical field"),
    "type": gettext_lazy("Contract type"),
    "seller_region": gettext_lazy("Seller region"),
    "buyer_region": gettext_lazy("Buyer region"),
    "month": gettext_lazy("Month"),
    "quarter": gettext_lazy("Quarter"),
    "year": gettext_lazy("Year"),
    "seller_type": gettext_lazy("Seller legal-person type"),
    "buyer_type": gettext_lazy("Buyer legal-person type"),
}
EXPORT_FIGURES = (
    gettext_lazy("Contracts"),
    gettext_lazy("Contract amount (yuan)"),
    gettext_lazy("Technology transaction amount (yuan)"),
    gettext_lazy("Share (%)"),
    gettext_lazy("Year-on-year growth (%)"),
)

TABLE_TITLES = {
    "field": gettext_lazy("By technical field"),
    "type": gettext_lazy("By contract type"),
    "month": gettext_lazy("Trend by month"),
    "seller_region": gettext_lazy("By seller region"),
    "buyer_region": gettext_lazy("By buyer region"),
}


#: What the filter form calls each parameter, for its error messages.
PARAMETER_LABELS = {
    "from": gettext_lazy("Period start"),
    "to": gettext_lazy("Period end"),
    "seller_region": gettext_lazy("Seller region"),
    "buyer_region": gettext_lazy("Buyer region"),
    "type": gettext_lazy("Contract type"),
    "field": gettext_lazy("Technical field"),
    "group_by": gettext_lazy("Group by"),
}


def _filters(request: HttpRequest) -> tuple[StatsFilter | None, dict[str, list[str]]]:
    """The filter, or None and the errors by parameter: a page then shows the form again
    with the messages and counts nothing (never everything in place of the bad period)."""
    try:
        return make_filter(request.GET), {}
    except ValidationError as exc:
        return None, exc.message_dict


def _error_lines(errors: dict[str, list[str]]) -> list[str]:
    """'Period end: The period starts after it ends: …' — labels, not parameter names."""
    return [
        _("%(label)s: %(message)s") % {"label": PARAMETER_LABELS.get(key, key), "message": m}
        for key, messages in errors.items()
        for m in messages
    ]


# Pages open on the last three years: an unfiltered query reads every registered contract
# (about 1.5 s per table at a million contracts on SQLite), a period uses the indexes.
DEFAULT_MONTHS = 36


def _default_period(request: HttpRequest) -> HttpRequest:
    if request.GET.get("from") or request.GET.get("to") or request.GET.get("all"):
        return request
    today = timezone.localdate()
    months = today.year * 12 + today.month - 1 - (DEFAULT_MONTHS - 1)
    query = request.GET.copy()
    query["from"] = f"{months // 12}-{months % 12 + 1:02d}"
    query["to"] = f"{today.year}-{today.month:02d}"
    request.GET = query  # type: ignore[assignment]
    return request


def _form_context(request: HttpRequest, errors: dict[str, list[str]]) -> dict[str, Any]:
    return {
        "errors": errors,
        "error_lines": _error_lines(errors),
        "fields": TechField.choices,
        "types": ContractType.choices,
        "query": request.GET.urlencode(),
    }


def _context(request: HttpRequest, *, detailed: bool) -> dict[str, Any]:
    request = _default_period(request)
    filters, errors = _filters(request)
    context = {**_form_context(request, errors), "detailed": detailed}
    if filters is None:
        return context
    tables = {key: contract_statistics(group_by=[key], filters=filters) for key in TABLE_TITLES}
    flows = contract_statistics(group_by=["seller_region", "buyer_region"], filters=filters)
    context |= {
        "filters": filters,
        "total": tables["field"],
        "tables": [
            {"key": key, "title": TABLE_TITLES[key], "stats": tables[key]} for key in TABLE_TITLES
        ],
        "chart_field": charts.stats_bars(tables["field"], "field", title=_("By technical field")),
        "chart_type": charts.stats_bars(tables["type"], "type", title=_("By contract type")),
        "chart_month": charts.stats_line(tables["month"], "month", title=_("Trend by month")),
        "flows": charts.flow_matrix(flows),
    }
    if detailed:
        context["by_seller_type"] = contract_statistics(group_by=["seller_type"], filters=filters)
        context["by_buyer_type"] = contract_statistics(group_by=["buyer_type"], filters=filters)
    return context


def market_summary(request: HttpRequest) -> HttpResponse:
    """Public: aggregated statistics only, never a contract."""
    return render(request, "stats/summary.html", _context(request, detailed=False))


@duty_required(Duty.STATISTICIAN)
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "stats/summary.html", _context(request, detailed=True))


def bulletin(request: HttpRequest) -> HttpResponse:
    """The bulletin paragraph, its table by field and charts of the same flow: amount by
    field, by month and by buyer region (one level below a buyer filter)."""
    filters, errors = _filters(request)
    context: dict[str, Any] = {**_form_context(request, errors), "bulletin": None}
    if filters is not None and request.GET:
        result = contract_bulletin(filters)
        by_month = contract_statistics(group_by=["month"], filters=filters)
        by_buyer = contract_statistics(group_by=["buyer_region"], filters=filters)
        context |= {
            "bulletin": result,
            "filters": filters,
            "charts": [
                charts.stats_bars(result.stats, "field", title=_("Contract amount by field")),
                charts.stats_line(by_month, "month", title=_("Contract amount by month")),
                charts.stats_bars(
                    by_buyer, "buyer_region", title=_("Contract amount by buyer region")
                ),
            ],
        }
    return render(request, "stats/bulletin.html", context)


def export_table(request: HttpRequest) -> HttpResponse:
    """Any statistics table as XLSX: ?group_by=…&(the same filters). Aggregates only."""
    filters, errors = _filters(request)
    try:
        keys = parse_group_by(request.GET.get("group_by", "field"))
    except ValidationError as exc:
        errors = {**errors, "group_by": exc.messages}
    if errors or filters is None:
        return HttpResponse(
            "\n".join(_error_lines(errors)), status=400, content_type="text/plain; charset=utf-8"
        )
    stats = contract_statistics(group_by=keys, filters=filters)
    # Headers in the reader's language (Excel shows them as they are).
    headers = [
        *[_("%(dimension)s (code)") % {"dimension": EXPORT_DIMENSIONS[k]} for k in keys],
        *[str(EXPORT_DIMENSIONS[k]) for k in keys],
        *[str(h) for h in EXPORT_FIGURES],
    ]
    rows: list[list[Any]] = [
        [
            *[str(r.keys[k]) for k in keys],
            *[r.labels[k] for k in keys],
            r.count,
            r.contract_amount,
            r.technology_amount,
            r.share,
            None if r.growth is None else float(r.growth),  # a ratio, not money
        ]
        for r in stats.rows
    ]
    rows.append(
        ["" for _k in keys]
        + ["合计" if i == 0 else "" for i, _k in enumerate(keys)]
        + [stats.count, stats.contract_amount, stats.technology_amount, Decimal("100.00"), None]
    )
    buffer = io.BytesIO()
    write_table(buffer, "xlsx", headers, rows)
    audit_record(
        AuditEventType.EXPORT,
        actor=request.user,
        object_type="export.contract_statistics",
        object_repr=",".join(keys),
        detail={"rows": len(rows)},
    )
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = "contract-stats-" + "-".join(keys) + ".xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


__all__ = ["GROUP_KEYS", "bulletin", "dashboard", "export_table", "market_summary"]
