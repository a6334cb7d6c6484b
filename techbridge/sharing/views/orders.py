"""Service order pages: list, ordering a service, the order page with its price breakdown
and history, the usage record (and its correction), confirm / cancel / pay with a
voucher, exports and the usage import. Hidden orders answer 404 (audited)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from techbridge.accounts.access import deny, get_visible_or_404
from techbridge.accounts.roles import Role
from techbridge.core.forms import SERVICE_ERRORS, report_error, submit_form
from techbridge.sharing import importers
from techbridge.sharing.forms.agreements import ImportForm
from techbridge.sharing.forms.orders import CancelForm, OrderForm, UsageForm, VoucherForm
from techbridge.sharing.models import OrderKind, OrderStatus, ServiceOrder
from techbridge.sharing.selectors import orders as selectors
from techbridge.sharing.selectors.resources import resources_visible_to
from techbridge.sharing.services import orders as services
from techbridge.sharing.views import transfer

OBJECT_TYPE = "sharing.serviceorder"


def _order(request: HttpRequest, pk: int) -> ServiceOrder:
    return get_visible_or_404(selectors.orders_visible_to(request.user), pk, request.user)


def _month(value: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(value[:7], "%Y-%m").date()
    except ValueError:
        return None


@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.order_list(
        user=request.user,
        q=request.GET.get("q", "")[:100],
        status=request.GET.get("status", "")[:12],
        kind=request.GET.get("kind", "")[:20],
        month=_month(request.GET.get("month", "")),
    )
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "sharing/orders/list.html",
        {
            "page": page,
            "statuses": OrderStatus.choices,
            "kinds": OrderKind.choices,
            "can_order": selectors.can_order(request.user),
            "can_import_usage": selectors.can_import_usage(request.user),
        },
    )


@login_required
def order_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not selectors.can_order(user):
        raise PermissionDenied
    resources = resources_visible_to(user).filter(active=True).order_by("name")
    for_customers = user.role == Role.INSTITUTION_MEMBER
    initial: dict[str, Any] = {"service_date": timezone.localdate()}
    if request.GET.get("resource", "").isdigit():
        initial["resource"] = int(request.GET["resource"])
    form = OrderForm(
        request.POST or None, resources=resources, for_customers=for_customers, initial=initial
    )

    def save() -> ServiceOrder:
        data = form.cleaned_data
        customer = data.get("customer")
        return services.order_create(
            actor=user,
            resource=data["resource"],
            kind=data["kind"],
            customer=customer or user.organisation,  # type: ignore[arg-type]
            customer_user=data.get("contact_user") if customer else None,
            service_date=data["service_date"],
            content=data.get("content", ""),
            quantity_milli=data.get("quantity") or 0,
        )

    done = submit_form(request, form, save)
    if done.value is not None:
        messages.success(request, _("Order %(n)s opened.") % {"n": done.value.number})
        return redirect("sharing:order", pk=done.value.pk)
    return render(
        request,
        "sharing/orders/form.html",
        {"form": form, "title": _("Order a service")},
        status=done.status,
    )


def _voucher_form(order: ServiceOrder, user: Any, data: Any = None) -> VoucherForm | None:
    """The "pay part with a voucher" form for the customer, when a voucher can pay."""
    if not (selectors.is_customer_member(user, order) and user.role == Role.ENTERPRISE_MEMBER):
        return None
    if order.status not in (OrderStatus.PRICED, OrderStatus.CONFIRMED) or order.voucher_amount:
        return None
    from techbridge.sharing.selectors.vouchers import usable_vouchers

    vouchers = usable_vouchers(order)
    return VoucherForm(data, vouchers=vouchers) if vouchers else None


@login_required
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    user = request.user
    from techbridge.sharing.selectors.vouchers import live_redemption

    redemption = live_redemption(order)
    return render(
        request,
        "sharing/orders/detail.html",
        {
            "order": order,
            "breakdown": selectors.breakdown(order, user),
            "usage": selectors.usage_of(order),
            "events": selectors.order_events(order),
            "owner_side": selectors.sees_owner_side(user, order),
            "can_record": selectors.can_record_usage(user, order),
            "can_amend": selectors.can_amend(user, order),
            "can_confirm": selectors.can_confirm(user, order),
            "can_cancel": selectors.can_cancel(user, order),
            "voucher_form": _voucher_form(order, user),
            "redemption": redemption,
            "can_release": redemption is not None
            and selectors.is_customer_member(user, order)
            and order.status in (OrderStatus.PRICED, OrderStatus.CONFIRMED),
            "cancel_form": CancelForm(),
        },
    )


def _usage_page(request: HttpRequest, pk: int, *, amending: bool) -> HttpResponse:
    order = _order(request, pk)
    allowed = selectors.can_amend if amending else selectors.can_record_usage
    if not allowed(request.user, order):
        deny(request.user, object_type=OBJECT_TYPE, object_id=pk, reason="usage")
    usage = selectors.usage_of(order)
    initial: dict[str, Any] = {"version": order.version, "staff": [request.user.pk]}
    if usage is not None:
        initial.update(
            actual_start=usage.actual_start and timezone.localtime(usage.actual_start),
            actual_end=usage.actual_end and timezone.localtime(usage.actual_end),
            samples=usage.samples,
            note=usage.note,
            staff=list(usage.staff.values_list("pk", flat=True)),
        )
    elif order.booking_id is not None:
        booking = order.booking
        initial.update(
            actual_start=timezone.localtime(booking.starts_at),  # type: ignore[union-attr]
            actual_end=timezone.localtime(booking.ends_at),  # type: ignore[union-attr]
        )
    if order.booking_id is None:
        initial.setdefault("service_date", order.service_date)
    form = UsageForm(
        request.POST or None,
        order=order,
        staff=selectors.staff_choices(order),
        amending=amending,
        initial=initial,
    )

    def save() -> ServiceOrder:
        version = form.cleaned_data.get("version") or None
        if amending:
            return services.usage_amend(
                actor=request.user,
                order=order,
                reason=form.cleaned_data["reason"],
                expected_version=version,
                **form.service_values(),
            )
        return services.usage_record(
            actor=request.user, order=order, expected_version=version, **form.service_values()
        )

    done = submit_form(request, form, save)
    if done.saved:
        messages.success(request, _("Usage recorded; the customer is asked to confirm the price."))
        return redirect("sharing:order", pk=pk)
    title = _("Correct the usage") if amending else _("Record the usage")
    return render(
        request,
        "sharing/orders/usage.html",
        {"form": form, "order": order, "title": title, "amending": amending},
        status=done.status,
    )


@login_required
def order_usage(request: HttpRequest, pk: int) -> HttpResponse:
    return _usage_page(request, pk, amending=False)


@login_required
def order_amend(request: HttpRequest, pk: int) -> HttpResponse:
    return _usage_page(request, pk, amending=True)


@login_required
@require_POST
def order_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """confirm / cancel / voucher / release: each one service call."""
    order = _order(request, pk)
    user = request.user
    try:
        if action == "confirm":
            version = request.POST.get("version", "")
            services.order_confirm(
                actor=user,
                order=order,
                expected_version=int(version) if version.isdigit() else None,
            )
            messages.success(request, _("Order confirmed. Thank you."))
        elif action == "cancel":
            services.order_cancel(actor=user, order=order, reason=request.POST.get("reason", ""))
            messages.success(request, _("Order cancelled."))
        elif action == "voucher":
            form = _voucher_form(order, user, request.POST)
            if form is None:
                deny(user, object_type=OBJECT_TYPE, object_id=pk, reason="voucher")
            if not form.is_valid():
                messages.error(
                    request, " ".join(str(e) for errs in form.errors.values() for e in errs)
                )
            else:
                from techbridge.sharing.services.vouchers import apply_voucher

                apply_voucher(
                    actor=user,
                    order=order,
                    voucher=form.cleaned_data["voucher"],
                    amount=form.cleaned_data.get("amount"),
                )
                messages.success(request, _("The voucher pays its part of the order."))
        elif action == "release":
            if not selectors.is_customer_member(user, order):
                deny(user, object_type=OBJECT_TYPE, object_id=pk, reason="release")
            from techbridge.sharing.services.vouchers import release_voucher

            release_voucher(
                actor=user,
                order=order,
                reason=request.POST.get("reason", "") or _("Released by the customer"),
            )
            messages.success(request, _("The voucher part was released."))
        else:
            deny(user, object_type=OBJECT_TYPE, object_id=pk, reason=f"action {action[:20]}")
    except SERVICE_ERRORS as exc:
        report_error(request, exc)
    return redirect("sharing:order", pk=pk)


@login_required
def orders_export(request: HttpRequest) -> HttpResponse:
    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    qs = selectors.order_list(
        user=request.user,
        status=request.GET.get("status", "")[:12],
        month=_month(request.GET.get("month", "")),
    )
    return transfer.export_response(
        request,
        kind="sharing-usage",
        fmt=fmt,
        headers_rows=importers.export_usage(qs, user=request.user),
    )


@login_required
def usage_import(request: HttpRequest) -> HttpResponse:
    if not selectors.can_import_usage(request.user):
        raise PermissionDenied
    return transfer.import_page(
        request,
        kind="sharing-usage",
        form_class=ImportForm,
        template="sharing/agreements/import.html",
        title=_("Import usage records"),
        columns=importers.UsageImporter.columns,
        done_url="sharing:orders",
    )
