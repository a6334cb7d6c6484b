"""Settlement pages: the statements a user may see, one statement (page, XLSX download,
A4 print view), the runs and the month to settle (bureau staff), and settlement
adjustments (bureau staff and operating agencies). Hidden statements answer 404
(audited)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from techbridge.accounts.access import get_visible_or_404, role_required
from techbridge.accounts.roles import Role
from techbridge.audit.models import AuditEventType
from techbridge.audit.services import audit_record
from techbridge.core.actors import is_active_user
from techbridge.core.forms import submit_form
from techbridge.sharing import exports
from techbridge.sharing.access import is_bureau_staff, visible_orders
from techbridge.sharing.forms.settlement import AdjustmentForm, SettleMonthForm
from techbridge.sharing.models import OrderStatus
from techbridge.sharing.models.settlement import PartyKind, Statement
from techbridge.sharing.selectors import reports
from techbridge.sharing.selectors import settlement as selectors
from techbridge.sharing.services import settlement as services

LINES_PER_PAGE = 100


def _month(value: str) -> dt.date | None:
    try:
        return services.parse_month(value[:7]) if value else None
    except ValidationError:
        return None


def _statement(request: HttpRequest, pk: int) -> Statement:
    return get_visible_or_404(
        selectors.statements_visible_to(request.user).select_related(
            "run", "organisation", "user", "programme"
        ),
        pk,
        request.user,
    )


@login_required
def statement_list(request: HttpRequest) -> HttpResponse:
    # The parties of a settlement (the resource side) and bureau staff; not enterprises.
    if not reports.may_see_reports(request.user):
        raise PermissionDenied
    party_kind = request.GET.get("party", "")
    if party_kind not in PartyKind.values:
        party_kind = ""
    qs = selectors.statement_list(
        user=request.user, month=_month(request.GET.get("month", "")), party_kind=party_kind
    )
    return render(
        request,
        "sharing/settlement/list.html",
        {
            "page": Paginator(qs, 25).get_page(request.GET.get("page")),
            "parties": PartyKind.choices,
            "party": party_kind,
            "month": request.GET.get("month", "")[:7],
            "is_bureau": is_bureau_staff(request.user),
            "can_adjust": selectors.adjustments_visible_to(request.user).exists()
            or _may_adjust_somewhere(request.user),
        },
    )


def _may_adjust_somewhere(user: Any) -> bool:
    if is_bureau_staff(user):
        return True
    return bool(
        is_active_user(user)
        and user.organisation_id is not None
        and visible_orders(user).filter(agreement__agency_id=user.organisation_id).exists()
    )


@login_required
def statement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    statement = _statement(request, pk)
    page = Paginator(selectors.statement_lines(statement), LINES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "sharing/settlement/detail.html",
        {
            "statement": statement,
            "party": selectors.party_label(statement),
            "summary": selectors.statement_summary(statement),
            "page": page,
        },
    )


@login_required
def statement_print(request: HttpRequest, pk: int) -> HttpResponse:
    """All lines on A4 pages (the browser's "print to PDF" makes the PDF)."""
    statement = _statement(request, pk)
    return render(
        request,
        "sharing/settlement/print.html",
        {
            "statement": statement,
            "party": selectors.party_label(statement),
            "summary": selectors.statement_summary(statement),
            "lines": selectors.statement_lines(statement),
        },
    )


def statement_xlsx_response(request: HttpRequest, statement: Statement) -> HttpResponse:
    """The statement as an XLSX download (audited as an export)."""
    data = exports.statement_xlsx(
        statement,
        selectors.statement_lines(statement).iterator(chunk_size=2000),
        selectors.party_label(statement),
    )
    audit_record(
        AuditEventType.EXPORT,
        actor=request.user,
        obj=statement,
        detail={"format": "xlsx", "lines": statement.lines_count},
    )
    response = HttpResponse(data, content_type=exports.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="statement-{statement.number}.xlsx"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def statement_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    return statement_xlsx_response(request, _statement(request, pk))


@role_required(Role.BUREAU_STAFF)
def runs(request: HttpRequest) -> HttpResponse:
    """Bureau staff: the months settled, and settling one."""
    form = SettleMonthForm(
        request.POST or None,
        initial={"month": f"{services.previous_month(timezone.localdate()):%Y-%m}"},
    )

    def settle() -> services.SettlementResult:
        month = services.parse_month(form.cleaned_data["month"])
        return services.settle_month(actor=request.user, month=month)

    done = submit_form(request, form, settle)
    if done.saved and done.value is not None:
        result = done.value
        if result.created:
            messages.success(
                request,
                _("%(m)s settled: %(n)s orders, %(s)s statements issued.")
                % {
                    "m": f"{result.run.month:%Y-%m}",
                    "n": result.run.orders,
                    "s": result.statements,
                },
            )
        else:
            messages.info(
                request,
                _("%(m)s was already settled; nothing new was issued.")
                % {"m": f"{result.run.month:%Y-%m}"},
            )
        return redirect("sharing:statements")
    return render(
        request,
        "sharing/settlement/runs.html",
        {"runs": selectors.runs_visible_to(request.user)[:60], "form": form},
        status=done.status,
    )


@login_required
def adjustments(request: HttpRequest) -> HttpResponse:
    """Adjustments waiting for the next run, and recording one."""
    if not _may_adjust_somewhere(request.user):
        raise PermissionDenied
    form = AdjustmentForm(request.POST or None, initial={"order": request.GET.get("order", "")})

    def record() -> Any:
        number = form.cleaned_data["order"].strip()
        order = (
            visible_orders(request.user)
            .select_related("agreement")
            .filter(number=number, status=OrderStatus.SETTLED)
            .first()
        )
        if order is None:
            raise ValidationError(
                {"order": _("No settled order %(n)s that you may adjust.") % {"n": number[:20]}}
            )
        return services.settlement_adjustment_record(
            actor=request.user,
            order=order,
            amount=form.cleaned_data["amount"],
            voucher_amount=form.cleaned_data.get("voucher_amount") or "0",
            reason=form.cleaned_data["reason"],
        )

    done = submit_form(request, form, record)
    if done.saved:
        messages.success(request, _("Adjustment recorded: it appears on next month's statements."))
        return redirect("sharing:settlement_adjustments")
    page = Paginator(selectors.adjustments_visible_to(request.user), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "sharing/settlement/adjustments.html",
        {"form": form, "page": page},
        status=done.status,
    )
