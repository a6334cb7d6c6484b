"""REST API for service orders (/api/v1/sharing/orders/…): list, detail with the price
breakdown, a service order without a booking, and the actions usage / amend / confirm /
cancel. Amounts are exact decimal strings; quantities decimal strings in the rate's unit
("1.5" hours). Orders a user may not see answer 404."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from techbridge.accounts.access import get_visible_or_404
from techbridge.accounts.models import User
from techbridge.core.api import MAX_ID, MAX_VERSION, Pagination, StrictCharField, StrictQuery
from techbridge.organisations.models import Organisation
from techbridge.sharing import pricing
from techbridge.sharing.models import OrderKind, OrderStatus, ServiceOrder
from techbridge.sharing.selectors import orders as selectors
from techbridge.sharing.selectors.resources import resources_visible_to
from techbridge.sharing.services import orders as services


class QuantityInputField(StrictCharField):
    """A quantity in the rate's unit as a decimal string, at most 3 decimals ("1.5").
    No ``max_length`` (its validator would measure the parsed integer): bounded here."""

    def to_internal_value(self, data: Any) -> int:  # type: ignore[override]
        text = super().to_internal_value(data)
        if len(text) > 16:
            raise serializers.ValidationError("At most 16 characters.")
        try:
            return pricing.parse_quantity(text)
        except ValueError as exc:
            raise serializers.ValidationError(
                f"Not a quantity (a number with at most 3 decimals): {text[:16]}"
            ) from exc


class SplitOutput(serializers.Serializer):
    label = serializers.CharField()  # type: ignore[assignment]
    ratio_bp = serializers.IntegerField()
    amount = serializers.CharField()


class BreakdownOutput(serializers.Serializer):
    estimated = serializers.BooleanField()
    unit = serializers.CharField()
    unit_price = serializers.CharField()
    billed_on = serializers.CharField()
    booked = serializers.CharField()
    used = serializers.CharField()
    billed = serializers.CharField()
    base = serializers.CharField(help_text="unit price × billed quantity, rounded half up")
    minimum_charge = serializers.CharField()
    minimum_applied = serializers.BooleanField()
    amount = serializers.CharField()
    voucher = serializers.CharField()
    enterprise = serializers.CharField()
    split = SplitOutput(many=True, help_text="owner / staff / agency; the resource side only")


def _money(value: Any) -> str:
    return format(value, "f")


class OrderOutput(serializers.ModelSerializer):
    resource_name = serializers.CharField(source="resource.name", read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    unit_price = serializers.SerializerMethodField()
    minimum_charge = serializers.SerializerMethodField()
    amount = serializers.SerializerMethodField()
    voucher_amount = serializers.SerializerMethodField()
    enterprise_amount = serializers.SerializerMethodField()
    booked_quantity = serializers.SerializerMethodField()
    used_quantity = serializers.SerializerMethodField()
    billed_quantity = serializers.SerializerMethodField()

    class Meta:
        model = ServiceOrder
        fields = [
            "id",
            "number",
            "kind",
            "status",
            "resource",
            "resource_name",
            "booking",
            "customer",
            "customer_name",
            "service_date",
            "content",
            "rate",
            "rate_class",
            "unit",
            "unit_price",
            "minimum_charge",
            "billed_on",
            "booked_quantity",
            "used_quantity",
            "billed_quantity",
            "amount",
            "voucher_amount",
            "enterprise_amount",
            "agreement",
            "priced_at",
            "confirmed_at",
            "settled_at",
            "settlement_month",
            "version",
        ]

    def get_unit_price(self, obj: ServiceOrder) -> str:
        return _money(obj.unit_price)

    def get_minimum_charge(self, obj: ServiceOrder) -> str:
        return _money(obj.minimum_charge)

    def get_amount(self, obj: ServiceOrder) -> str:
        return _money(obj.amount)

    def get_voucher_amount(self, obj: ServiceOrder) -> str:
        return _money(obj.voucher_amount)

    def get_enterprise_amount(self, obj: ServiceOrder) -> str:
        return _money(obj.enterprise_amount)

    def get_booked_quantity(self, obj: ServiceOrder) -> str:
        return pricing.format_quantity(obj.booked_quantity_milli)

    def get_used_quantity(self, obj: ServiceOrder) -> str:
        return pricing.format_quantity(obj.used_quantity_milli)

    def get_billed_quantity(self, obj: ServiceOrder) -> str:
        return pricing.format_quantity(obj.billed_quantity_milli)


class OrderDetailOutput(OrderOutput):
    breakdown = serializers.SerializerMethodField()

    class Meta(OrderOutput.Meta):
        fields = [*OrderOutput.Meta.fields, "breakdown"]

    @extend_schema_field(BreakdownOutput(allow_null=True))
    def get_breakdown(self, obj: ServiceOrder) -> dict[str, Any] | None:
        result = selectors.breakdown(obj, self.context.get("user"))
        if result is None:
            return None
        return {
            "estimated": result.estimated,
            "unit": result.unit,
            "unit_price": _money(result.unit_price),
            "billed_on": result.billed_on,
            "booked": result.booked,
            "used": result.used,
            "billed": result.billed,
            "base": _money(result.base),
            "minimum_charge": _money(result.minimum_charge),
            "minimum_applied": result.minimum_applied,
            "amount": _money(result.amount),
            "voucher": _money(result.voucher),
            "enterprise": _money(result.enterprise),
            "split": [
                {"label": line.label, "ratio_bp": line.ratio_bp, "amount": _money(line.amount)}
                for line in result.split
            ],
        }


def _detail(order: ServiceOrder, request: Request) -> dict[str, Any]:
    return OrderDetailOutput(order, context={"user": request.user}).data  # type: ignore[return-value]


class OrderQuery(StrictQuery):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)
    status = serializers.ChoiceField(choices=OrderStatus.choices, required=False)
    kind = serializers.ChoiceField(choices=OrderKind.choices, required=False)
    resource = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)


class OrderCreateInput(serializers.Serializer):
    resource = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    kind = serializers.ChoiceField(choices=[(k.value, k.label) for k in services.DIRECT_KINDS])
    service_date = serializers.DateField()
    content = StrictCharField(max_length=300, required=False, allow_blank=True)
    quantity = QuantityInputField(required=False)
    customer = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        help_text="the resource side ordering for a customer",
    )
    customer_user = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)


class UsageInput(serializers.Serializer):
    actual_start = serializers.DateTimeField(required=False, allow_null=True)
    actual_end = serializers.DateTimeField(required=False, allow_null=True)
    samples = serializers.IntegerField(
        min_value=0, max_value=10**6, required=False, allow_null=True
    )
    quantity = QuantityInputField(
        required=False, help_text="overrides what the times or samples give"
    )
    staff = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False
    )
    note = StrictCharField(max_length=2000, required=False, allow_blank=True)
    service_date = serializers.DateField(required=False, help_text="orders without a booking")
    version = serializers.IntegerField(min_value=1, max_value=MAX_VERSION, required=False)

    def service_values(self) -> dict[str, Any]:
        values = dict(self.validated_data)
        values.pop("reason", None)
        if "quantity" in values:
            values["quantity_milli"] = values.pop("quantity")
        return values


class AmendInput(UsageInput):
    reason = StrictCharField(max_length=2000)


class ConfirmInput(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1,
        max_value=MAX_VERSION,
        required=False,
        help_text="the version whose price the customer saw (409 if changed)",
    )


class CancelInput(serializers.Serializer):
    reason = StrictCharField(max_length=2000)
    version = serializers.IntegerField(min_value=1, max_value=MAX_VERSION, required=False)


class OrderListApi(APIView):
    pagination_class = Pagination

    @extend_schema(parameters=[OrderQuery], responses=OrderOutput(many=True))
    def get(self, request: Request) -> Response:
        params = OrderQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        args = params.validated_data
        qs = selectors.order_list(
            user=request.user,
            q=args.get("q", ""),
            status=args.get("status", ""),
            kind=args.get("kind", ""),
            resource_id=args.get("resource"),
        )
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(OrderOutput(page, many=True).data)

    @extend_schema(request=OrderCreateInput, responses={201: OrderDetailOutput})
    def post(self, request: Request) -> Response:
        data = OrderCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        resource = get_visible_or_404(
            resources_visible_to(request.user), values.pop("resource"), request.user
        )
        customer_id = values.pop("customer", None)
        contact_id = values.pop("customer_user", None)
        customer = (
            Organisation.objects.filter(pk=customer_id).first()
            if customer_id
            else getattr(request.user, "organisation", None)
        )
        if customer is None:
            raise serializers.ValidationError({"customer": ["Unknown organisation."]})
        contact = User.objects.filter(pk=contact_id).first() if contact_id else None
        order = services.order_create(
            actor=request.user,
            resource=resource,
            customer=customer,
            customer_user=contact,
            quantity_milli=values.pop("quantity", 0),
            **values,
        )
        return Response(_detail(order, request), status=status.HTTP_201_CREATED)


class _OrderApi(APIView):
    def _order(self, request: Request, pk: int) -> ServiceOrder:
        return get_visible_or_404(selectors.orders_visible_to(request.user), pk, request.user)


class OrderDetailApi(_OrderApi):
    @extend_schema(responses=OrderDetailOutput)
    def get(self, request: Request, pk: int) -> Response:
        return Response(_detail(self._order(request, pk), request))


class OrderUsageApi(_OrderApi):
    @extend_schema(request=UsageInput, responses=OrderDetailOutput)
    def post(self, request: Request, pk: int) -> Response:
        order = self._order(request, pk)
        data = UsageInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.service_values()
        order = services.usage_record(
            actor=request.user,
            order=order,
            expected_version=values.pop("version", None),
            **values,
        )
        return Response(_detail(order, request))


class OrderAmendApi(_OrderApi):
    @extend_schema(request=AmendInput, responses=OrderDetailOutput)
    def post(self, request: Request, pk: int) -> Response:
        order = self._order(request, pk)
        data = AmendInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.service_values()
        order = services.usage_amend(
            actor=request.user,
            order=order,
            reason=data.validated_data["reason"],
            expected_version=values.pop("version", None),
            **values,
        )
        return Response(_detail(order, request))


class OrderConfirmApi(_OrderApi):
    @extend_schema(request=ConfirmInput, responses=OrderDetailOutput)
    def post(self, request: Request, pk: int) -> Response:
        order = self._order(request, pk)
        data = ConfirmInput(data=request.data)
        data.is_valid(raise_exception=True)
        order = services.order_confirm(
            actor=request.user,
            order=order,
            expected_version=data.validated_data.get("version"),
        )
        return Response(_detail(order, request))


class OrderCancelApi(_OrderApi):
    @extend_schema(request=CancelInput, responses=OrderDetailOutput)
    def post(self, request: Request, pk: int) -> Response:
        order = self._order(request, pk)
        data = CancelInput(data=request.data)
        data.is_valid(raise_exception=True)
        order = services.order_cancel(
            actor=request.user,
            order=order,
            reason=data.validated_data["reason"],
            expected_version=data.validated_data.get("version"),
        )
        return Response(_detail(order, request))
