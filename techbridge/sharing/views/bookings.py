"""Booking pages: a resource's week calendar, the confirmation page with the price, the
user's bookings and the owner's queue, a booking with its history and actions, opening
hours and closures, the free-resource search, and the iCalendar feeds."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from techbridge.accounts.access import deny, get_visible_or_404
from techbridge.core.forms import SERVICE_ERRORS, report_error, submit_form
from techbridge.sharing import ics
from techbridge.sharing.access import manages
from techbridge.sharing.forms.bookings import (
    WEEKDAYS,
    BookingForm,
    ClosureForm,
    FreeSearchForm,
    OpeningHoursForm,
    ReasonForm,
    duration_label,
)
from techbridge.sharing.models import (
    BOOKABLE_KINDS,
    Booking,
    BookingStatus,
    Closure,
    OpeningHours,
    Resource,
)
from techbridge.sharing.models.bookings import CalendarFeed
from techbridge.sharing.selectors import bookings as sel
from techbridge.sharing.selectors.resources import resources_visible_to
from techbridge.sharing.services import bookings as services

OBJECT_TYPE = "sharing.booking"
ICS_TYPE = "text/calendar; charset=utf-8"


def _resource(request: HttpRequest, pk: int) -> Resource:
    visible = resources_visible_to(request.user).filter(kind__in=list(BOOKABLE_KINDS))
    return get_visible_or_404(visible, pk, request.user)


def _booking(request: HttpRequest, pk: int) -> Booking:
    visible = sel.bookings_visible_to(request.user).select_related(
        "resource", "organisation", "booked_by"
    )
    return get_visible_or_404(visible, pk, request.user)


def _week(request: HttpRequest) -> dt.date:
    raw = request.GET.get("week", "")
    try:
        return dt.date.fromisoformat(raw[:10]) if raw else timezone.localdate()
    except ValueError:
        return timezone.localdate()


@login_required
def calendar(request: HttpRequest, pk: int) -> HttpResponse:
    resource = _resource(request, pk)
    week = sel.week_calendar(resource, _week(request), user=request.user)
    return render(
        request,
        "sharing/bookings/calendar.html",
        {
            "resource": resource,
            "week": week,
            "can_book": sel.can_book(request.user) and resource.active,
            "manages": manages(request.user, resource),
            "this_week": sel.week_start(timezone.localdate()),
        },
    )


def _slot_problem(resource: Resource, starts_at: dt.datetime, ends_at: dt.datetime) -> str:
    """Why the slot cannot be booked (shown before the user confirms), or ""."""
    try:
        services.check_slot(resource, starts_at, ends_at, now=timezone.now())
    except ValidationError as exc:
        return " ".join(exc.messages)
    if sel.holding_bookings(resource.pk, starts_at, ends_at).exists():
        return _("This time is already booked. Pick another free slot.")
    return ""


@login_required
def book(request: HttpRequest, pk: int) -> HttpResponse:
    """The slot picked in the calendar with its price and conditions; POST books it."""
    resource = _resource(request, pk)
    if not sel.can_book(request.user):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else request.GET
    form = BookingForm(data or None, resource=resource)
    slot = form.slot() if form.is_valid() else None

    def save() -> Booking:
        assert slot is not None
        return services.booking_create(
            actor=request.user,
            resource=resource,
            starts_at=slot[0],
            ends_at=slot[1],
            purpose=form.cleaned_data.get("purpose", ""),
        )

    done = submit_form(request, form, save)
    if done.value is not None:
        booking = done.value
        if booking.status == BookingStatus.REQUESTED:
            messages.success(request, _("Booking requested: the owner will approve or reject it."))
        else:
            messages.success(request, _("Booked and confirmed."))
        if booking.assisted:
            messages.info(request, _("Staff will run the instrument for you (assisted use)."))
        return redirect("sharing:booking", pk=booking.pk)
    context: dict[str, object] = {
        "resource": resource,
        "form": form,
        "slot": slot,
        "conflict": done.status == 409,
    }
    if slot is not None:
        starts_at, ends_at = slot
        context.update(
            starts_at=starts_at,
            ends_at=ends_at,
            length=duration_label(form.cleaned_data["minutes"]),
            week=sel.week_start(timezone.localtime(starts_at, sel.tz()).date()),
            offer=sel.quote(
                user=request.user, resource=resource, starts_at=starts_at, ends_at=ends_at
            ),
            problem="" if request.method == "POST" else _slot_problem(resource, *slot),
        )
    return render(request, "sharing/bookings/book.html", context, status=done.status)


@login_required
def booking_list(request: HttpRequest) -> HttpResponse:
    view = request.GET.get("view", "")
    provider = sel.provider_bookings(request.user, status=request.GET.get("status", "")[:16])
    has_queue = provider.exists()
    if view not in ("mine", "provider"):
        only_queue = has_queue and not sel.customer_bookings(request.user).exists()
        view = "provider" if only_queue else "mine"
    rows = provider if view == "provider" else sel.customer_bookings(request.user)
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "sharing/bookings/list.html",
        {
            "page": page,
            "view": view,
            "has_queue": has_queue,
            "statuses": BookingStatus.choices,
            "status": request.GET.get("status", ""),
            "awaiting": provider.filter(status=BookingStatus.REQUESTED).count() if has_queue else 0,
        },
    )


@login_required
def booking_detail(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _booking(request, pk)
    user = request.user
    now = timezone.now()
    started = booking.starts_at <= now
    holding = booking.status in (BookingStatus.REQUESTED, BookingStatus.APPROVED)
    customer = sel.can_cancel_as_customer(user, booking)
    owner = manages(user, booking.resource)
    deadline = booking.starts_at - dt.timedelta(hours=booking.resource.free_cancellation_hours)
    offer = sel.quote(
        user=booking.booked_by,
        resource=booking.resource,
        starts_at=booking.starts_at,
        ends_at=booking.ends_at,
        rate_class=booking.rate_class,
    )
    context = {
        "booking": booking,
        "events": booking.events.select_related("actor"),
        "offer": offer,
        "late_fee": sel.late_fee_for(booking),
        "deadline": deadline,
        "can_decide": sel.can_decide(user, booking),
        "can_cancel": holding and not started and (customer or owner),
        "cancel_is_late": customer and booking.status == BookingStatus.APPROVED and now > deadline,
        "can_run": booking.status == BookingStatus.APPROVED
        and started
        and sel.can_run(user, booking),
        "reason_form": ReasonForm(),
    }
    return render(request, "sharing/bookings/detail.html", context)


ACTIONS = ("approve", "reject", "cancel", "no-show", "complete")


@login_required
@require_POST
def booking_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    booking = _booking(request, pk)
    user = request.user
    reason = request.POST.get("reason", "")[:300]
    try:
        if action == "approve":
            services.booking_approve(actor=user, booking=booking, note=reason)
            messages.success(request, _("Booking approved; the customer has been told."))
        elif action == "reject":
            services.booking_reject(actor=user, booking=booking, reason=reason)
            messages.success(request, _("Booking rejected; the customer has been told."))
        elif action == "cancel":
            booking = services.booking_cancel(actor=user, booking=booking, reason=reason)
            fee = sel.late_fee_for(booking)
            if fee:
                messages.warning(
                    request, _("Booking cancelled late: a fee of ¥%(fee)s is due.") % {"fee": fee}
                )
            else:
                messages.success(request, _("Booking cancelled free of charge."))
        elif action == "no-show":
            services.booking_mark_no_show(actor=user, booking=booking, note=reason)
            messages.success(request, _("Marked as a no-show."))
        elif action == "complete":
            services.booking_complete(actor=user, booking=booking, note=reason)
            messages.success(request, _("Booking completed."))
        else:
            deny(user, object_type=OBJECT_TYPE, object_id=pk, reason=f"action {action[:20]}")
    except SERVICE_ERRORS as exc:
        report_error(request, exc)
    return redirect("sharing:booking", pk=pk)


@login_required
def resource_hours(request: HttpRequest, pk: int) -> HttpResponse:
    """Opening hours and closures, for managing members of the owner."""
    resource = _resource(request, pk)
    if not manages(request.user, resource):
        deny(request.user, object_type="sharing.resource", object_id=pk, reason="hours")
    hours_form = OpeningHoursForm(prefix="hours")
    closure_form = ClosureForm(prefix="closure")
    status = 200
    if request.method == "POST":
        op = request.POST.get("op", "")
        if op == "add_hours":
            hours_form = OpeningHoursForm(request.POST, prefix="hours")
            done = submit_form(
                request,
                hours_form,
                lambda: services.opening_hours_add(
                    actor=request.user, resource=resource, **hours_form.cleaned_data
                ),
            )
            if done.saved:
                messages.success(request, _("Opening period added."))
                return redirect("sharing:resource_hours", pk=pk)
            status = done.status
        elif op == "add_closure":
            closure_form = ClosureForm(request.POST, prefix="closure")
            added = submit_form(
                request,
                closure_form,
                lambda: services.closure_add(
                    actor=request.user, resource=resource, **closure_form.cleaned_data
                ),
            )
            if added.value is not None:
                affected = added.value[1]
                messages.success(request, _("Closure added."))
                if affected:
                    messages.warning(
                        request,
                        _("%(n)s booking(s) fall in this closure: cancel them with a reason.")
                        % {"n": affected},
                    )
                return redirect("sharing:resource_hours", pk=pk)
            status = added.status
        elif op in ("remove_hours", "remove_closure"):
            model = OpeningHours if op == "remove_hours" else Closure
            row = model.objects.filter(resource=resource, pk=request.POST.get("id") or 0).first()
            if row is None:
                raise Http404
            try:
                if isinstance(row, OpeningHours):
                    services.opening_hours_remove(actor=request.user, period=row)
                else:
                    services.closure_remove(actor=request.user, closure=row)
                messages.success(request, _("Removed."))
            except SERVICE_ERRORS as exc:
                report_error(request, exc)
            return redirect("sharing:resource_hours", pk=pk)
        else:
            raise Http404
    now = timezone.now()
    return render(
        request,
        "sharing/bookings/hours.html",
        {
            "resource": resource,
            "hours": [
                (h, dict(WEEKDAYS)[h.weekday])
                for h in OpeningHours.objects.filter(resource=resource)
            ],
            "closures": Closure.objects.filter(resource=resource, ends_at__gt=now),
            "hours_form": hours_form,
            "closure_form": closure_form,
        },
        status=status,
    )


@login_required
def free_search(request: HttpRequest) -> HttpResponse:
    """找空闲仪器: active instruments and labs of a field with a free stretch in a window."""
    data = None
    if request.GET:
        data = request.GET.copy()
        for name in ("days", "minutes"):  # show the defaults the search used
            if not data.get(name):
                data[name] = str(FreeSearchForm.base_fields[name].initial)
    form = FreeSearchForm(data)
    results = None
    if form.is_bound and form.is_valid():
        start, end, minutes = form.window()
        results = sel.free_resources(form.cleaned_data["field"], start, end, minutes, limit=100)
    return render(
        request,
        "sharing/bookings/free.html",
        {"form": form, "results": results},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@login_required
def feed_manage(request: HttpRequest) -> HttpResponse:
    """The personal calendar feed: make a new secret address (shown once) or stop it."""
    url = None
    if request.method == "POST":
        op = request.POST.get("op", "")
        if op == "create":
            _feed, token = services.feed_create(actor=request.user)
            url = request.build_absolute_uri(f"{reverse('sharing:user_feed')}?key={token}")
        elif op == "revoke":
            services.feed_revoke(actor=request.user)
            messages.success(request, _("The feed address no longer works."))
            return redirect("sharing:feed_manage")
        else:
            raise Http404
    live = CalendarFeed.objects.filter(
        user_id=request.user.pk or 0, revoked_at__isnull=True
    ).first()
    response = render(request, "sharing/bookings/feed.html", {"live": live, "url": url})
    if url:
        response["Cache-Control"] = "no-store"  # the page shows a credential once
    return response


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=ICS_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_GET
def resource_feed(request: HttpRequest, pk: int) -> HttpResponse:
    """Public busy times of an open resource (no names, no purposes)."""
    resource = Resource.objects.filter(pk=pk, active=True, kind__in=list(BOOKABLE_KINDS)).first()
    if resource is None:
        raise Http404
    return _ics(ics.resource_feed(resource), f"resource-{resource.pk}.ics")


@require_GET
def user_feed(request: HttpRequest) -> HttpResponse:
    """The bookings of the feed's owner; the secret ``key`` is the credential (in the
    query string, so web-server access logs, which record the path, never hold it)."""
    user = services.feed_user(request.GET.get("key", ""))
    if user is None:
        raise Http404
    start, end = ics.user_feed_window()
    bookings = (
        Booking.objects.filter(booked_by=user, starts_at__lt=end, ends_at__gt=start)
        .select_related("resource")
        .order_by("starts_at")
    )
    body = ics.user_feed(bookings, title=_("My bookings · techbridge"))
    return _ics(body, "my-bookings.ics")
