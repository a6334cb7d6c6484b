"""Bookings API: a resource's availability and price quote, bookings (the user's own or
the provider's), booking (409 when the slot is taken), the owner's and staff's steps, and
the search for free resources. Money travels as exact decimal strings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from techbridge.accounts.access import get_visible_or_404
from techbridge.codes.choices import TechField
from techbridge.core.api import MAX_ID, Pagination, StrictCharField, StrictQuery
from techbridge.sharing.models import BOOKABLE_KINDS, Booking, BookingStatus, Resource
from techbridge.sharing.selectors import bookings as sel
from techbridge.sharing.selectors.resources import resources_visible_to
from techbridge.sharing.services import bookings as services

MAX_DAYS = 62


def _money(value: Any) -> str | None:
    return None if value is None else format(value, "f")


class BookingOutput(serializers.ModelSerializer):
    resource_name = serializers.CharField(source="resource.name", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    late_fee = serializers.SerializerMethodField()

    class Meta:
        model = Booking
        fields = [
            "id",
            "resource",
            "resource_name",
            "organisation",
            "organisation_name",
            "starts_at",
            "ends_at",
            "status",
            "status_label",
            "rate_class",
            "assisted",
            "purpose",
            "decided_at",
            "cancelled_at",
            "cancellation_reason",
            "late_fee",
            "version",
        ]

    def get_late_fee(self, obj: Booking) -> str:
        """Late-cancellation or no-show fee in yuan ("0.00" when none)."""
        return format(sel.late_fee_for(obj), "f")


class BookingInput(serializers.Serializer):
    resource = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    starts_at = serializers.DateTimeField(
        help_text="ISO 8601 with offset, e.g. 2026-12-07T09:00:00+08:00"
    )
    ends_at = serializers.DateTimeField()
    purpose = StrictCharField(max_length=300, required=False, allow_blank=True)


class BookingReasonInput(serializers.Serializer):
    reason = StrictCharField(max_length=300, required=False, allow_blank=True)


class IntervalOutput(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    minutes = serializers.IntegerField()


class AvailabilityOutput(serializers.Serializer):
    resource = serializers.IntegerField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    slot_minutes = serializers.IntegerField()
    max_booking_minutes = serializers.IntegerField()
    free = IntervalOutput(many=True)
    busy = IntervalOutput(many=True)
    closed = IntervalOutput(many=True)


class QuoteOutput(serializers.Serializer):
    rate_class = serializers.CharField()
    rate = serializers.IntegerField(allow_null=True)
    unit = serializers.CharField(allow_blank=True)
    unit_price = serializers.CharField(allow_null=True)
    quantity_milli = serializers.IntegerField(allow_null=True)
    estimated_fee = serializers.CharField(allow_null=True)
    minimum_charge = serializers.CharField(allow_null=True)
    assisted = serializers.BooleanField()
    requires_approval = serializers.BooleanField()
    free_cancellation_until = serializers.DateTimeField()
    late_fee = serializers.CharField()
    problem = serializers.CharField(allow_blank=True)


class FreeResourceOutput(serializers.Serializer):
    resource = serializers.IntegerField(source="resource_id")
    name = serializers.CharField()
    owner_name = serializers.CharField()
    region_code = serializers.CharField()
    free_minutes = serializers.IntegerField()
    longest_free_minutes = serializers.IntegerField()
    first_free = serializers.DateTimeField(allow_null=True)


def _resource(request: Request, pk: int) -> Resource:
    visible = resources_visible_to(request.user).filter(kind__in=list(BOOKABLE_KINDS))
    return get_visible_or_404(visible, pk, request.user)


def _booking(request: Request, pk: int) -> Booking:
    visible = sel.bookings_visible_to(request.user).select_related("resource", "organisation")
    return get_visible_or_404(visible, pk, request.user)


class WindowQuery(StrictQuery):
    start = serializers.DateField(required=False, help_text="first day (default today)")
    end = serializers.DateField(required=False, help_text="last day, inclusive (default +6 days)")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        first = attrs.get("start") or timezone.localdate()
        last = attrs.get("end") or first + dt.timedelta(days=6)
        if last < first:
            raise serializers.ValidationError({"end": [_("The end is before the start.")]})
        if (last - first).days >= MAX_DAYS:
            raise serializers.ValidationError(
                {"end": [_("At most %(n)s days at once.") % {"n": MAX_DAYS}]}
            )
        return {"first": first, "last": last}


def _intervals(items: list[sel.Interval]) -> list[dict[str, Any]]:
    return [{"start": i.start, "end": i.end, "minutes": i.minutes} for i in items]


class AvailabilityApi(APIView):
    @extend_schema(parameters=[WindowQuery], responses=AvailabilityOutput)
    def get(self, request: Request, pk: int) -> Response:
        """Free, busy (no names) and closed intervals of a resource, per day range."""
        resource = _resource(request, pk)
        query = WindowQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        first, last = query.validated_data["first"], query.validated_data["last"]
        start = sel.local_midnight(first)
        end = sel.local_midnight(last + dt.timedelta(days=1))
        avail = sel.availability(resource, start, end)
        body = {
            "resource": resource.pk,
            "start": start,
            "end": end,
            "slot_minutes": resource.slot_minutes,
            "max_booking_minutes": resource.max_booking_minutes,
            "free": _intervals(avail.free),
            "busy": _intervals(avail.busy),
            "closed": _intervals(avail.closed),
        }
        return Response(AvailabilityOutput(body).data)


class QuoteQuery(StrictQuery):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class QuoteApi(APIView):
    @extend_schema(parameters=[QuoteQuery], responses=QuoteOutput)
    def get(self, request: Request, pk: int) -> Response:
        """The price and conditions a booking of this slot would get (nothing is saved);
        ``problem`` says why the slot cannot be booked, empty if it can."""
        resource = _resource(request, pk)
        query = QuoteQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        starts_at, ends_at = query.validated_data["starts_at"], query.validated_data["ends_at"]
        offer = sel.quote(
            user=request.user, resource=resource, starts_at=starts_at, ends_at=ends_at
        )
        problem = ""
        try:
            services.check_slot(resource, starts_at, ends_at, now=timezone.now())
        except ValidationError as exc:
            problem = " ".join(exc.messages)
        if not problem and sel.holding_bookings(resource.pk, starts_at, ends_at).exists():
            problem = _("This time is already booked. Pick another free slot.")
        rate = offer.rate
        body = {
            "rate_class": offer.rate_class,
            "rate": rate.pk if rate else None,
            "unit": rate.unit if rate else "",
            "unit_price": _money(rate.price) if rate else None,
            "quantity_milli": offer.quantity_milli,
            "estimated_fee": _money(offer.amount),
            "minimum_charge": _money(rate.minimum_charge) if rate else None,
            "assisted": offer.assisted,
            "requires_approval": offer.requires_approval,
            "free_cancellation_until": offer.free_cancellation_until,
            "late_fee": _money(offer.late_fee),
            "problem": problem,
        }
        return Response(QuoteOutput(body).data)


class BookingQuery(StrictQuery):
    scope = serializers.ChoiceField(
        choices=[("mine", "mine"), ("provider", "provider")],
        required=False,
        help_text="mine (default): the caller's bookings; provider: bookings of resources "
        "the caller's organisation owns or operates, or the caller staffs",
    )
    status = serializers.ChoiceField(
        choices=BookingStatus.choices, required=False, allow_blank=True
    )


class BookingListApi(APIView):
    pagination_class = Pagination

    @extend_schema(parameters=[BookingQuery], responses=BookingOutput(many=True))
    def get(self, request: Request) -> Response:
        query = BookingQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        status_ = query.validated_data.get("status", "")
        if query.validated_data.get("scope") == "provider":
            qs = sel.provider_bookings(request.user, status=status_)
        else:
            qs = sel.customer_bookings(request.user)
            if status_:
                qs = qs.filter(status=status_)
        paginator = Pagination()
        page = paginator.paginate_queryset(sel.with_fee_events(qs), request, view=self)
        return paginator.get_paginated_response(BookingOutput(page, many=True).data)

    @extend_schema(request=BookingInput, responses={201: BookingOutput})
    def post(self, request: Request) -> Response:
        """Book a slot. 409 when another booking holds any of its time; 400 naming the
        field when the resource cannot take it (hours, step, length, closure, past)."""
        if not sel.can_book(request.user):
            self.permission_denied(
                request, message=_("Only enterprise and institution members can book.")
            )
        data = BookingInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        resource = (
            resources_visible_to(request.user)
            .filter(kind__in=list(BOOKABLE_KINDS), pk=values["resource"])
            .first()
        )
        if resource is None:
            raise serializers.ValidationError({"resource": [_("Unknown resource.")]})
        booking = services.booking_create(
            actor=request.user,
            resource=resource,
            starts_at=values["starts_at"],
            ends_at=values["ends_at"],
            purpose=values.get("purpose", ""),
        )
        return Response(BookingOutput(booking).data, status=status.HTTP_201_CREATED)


class BookingDetailApi(APIView):
    @extend_schema(responses=BookingOutput)
    def get(self, request: Request, pk: int) -> Response:
        return Response(BookingOutput(_booking(request, pk)).data)


class _StepApi(APIView):
    step: str = ""

    @extend_schema(request=BookingReasonInput, responses=BookingOutput)
    def post(self, request: Request, pk: int) -> Response:
        booking = _booking(request, pk)
        data = BookingReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        reason = data.validated_data.get("reason", "")
        user = request.user
        if self.step == "approve":
            booking = services.booking_approve(actor=user, booking=booking, note=reason)
        elif self.step == "reject":
            booking = services.booking_reject(actor=user, booking=booking, reason=reason)
        elif self.step == "cancel":
            booking = services.booking_cancel(actor=user, booking=booking, reason=reason)
        elif self.step == "no-show":
            booking = services.booking_mark_no_show(actor=user, booking=booking, note=reason)
        else:
            booking = services.booking_complete(actor=user, booking=booking, note=reason)
        return Response(BookingOutput(booking).data)


class BookingApproveApi(_StepApi):
    """The owner approves a requested booking (never their own)."""

    step = "approve"


class BookingRejectApi(_StepApi):
    """The owner rejects a requested booking; ``reason`` is required."""

    step = "reject"


class BookingCancelApi(_StepApi):
    """Cancel before the start; late cancellations record the rate's fee (``late_fee``)."""

    step = "cancel"


class BookingNoShowApi(_StepApi):
    """Staff or owner mark an approved booking whose start has passed as a no-show."""

    step = "no-show"


class BookingCompleteApi(_StepApi):
    """Staff or owner close an approved booking that took place."""

    step = "complete"


class FreeQuery(StrictQuery):
    field = serializers.ChoiceField(choices=TechField.choices, help_text="technical field")
    start = serializers.DateField(required=False, help_text="first day (default today)")
    days = serializers.IntegerField(required=False, min_value=1, max_value=14, default=7)
    min_free_minutes = serializers.IntegerField(
        required=False, min_value=1, max_value=24 * 60, default=60
    )


class FreeResourcesApi(APIView):
    @extend_schema(
        parameters=[FreeQuery],
        responses=inline_serializer("FreeResources", {"results": FreeResourceOutput(many=True)}),
    )
    def get(self, request: Request) -> Response:
        """Open instruments and labs of a technical field with a free stretch of at least
        ``min_free_minutes`` in the window, most free time first (at most 100)."""
        query = FreeQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        args = query.validated_data
        start = sel.local_midnight(args.get("start") or timezone.localdate())
        end = start + dt.timedelta(days=args["days"])
        rows = sel.free_resources(args["field"], start, end, args["min_free_minutes"], limit=100)
        return Response({"results": FreeResourceOutput(rows, many=True).data})
