"""Settlement and sharing-report API: statements (list, detail with lines, XLSX), the
monthly runs (bureau staff; POST settles a month), settlement adjustments, and the four
reports plus the service-record export. Money travels as exact decimal strings."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from techbridge.accounts.access import get_visible_or_404
from techbridge.core.api import MAX_ID, Pagination, StrictCharField, StrictQuery
from techbridge.sharing.access import is_bureau_staff, visible_orders
from techbridge.sharing.models import ResourceKind
from techbridge.sharing.models.settlement import (
    PartyKind,
    SettlementAdjustment,
    SettlementRun,
    Statement,
    StatementLine,
)
from techbridge.sharing.selectors import reports as report_selectors
from techbridge.sharing.selectors import settlement as selectors
from techbridge.sharing.services import settlement as services
from techbridge.sharing.views.reports import records_response
from techbridge.sharing.views.settlement import statement_xlsx_response


@extend_schema_field(OpenApiTypes.STR)
class Money(serializers.Field):
    """An exact amount in yuan as a decimal string ("1234.50"); read only."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str | None:
        return None if value is None else format(value, "f")


# --- statements ----------------------------------------------------------------------


class StatementOutput(serializers.ModelSerializer):
    month = serializers.SerializerMethodField()
    party_kind_label = serializers.CharField(source="get_party_kind_display", read_only=True)
    party = serializers.SerializerMethodField()
    total = Money()

    class Meta:
        model = Statement
        fields = [
            "id",
            "number",
            "month",
            "party_kind",
            "party_kind_label",
            "organisation",
            "user",
            "programme",
            "party",
            "total",
            "lines_count",
            "issued_at",
        ]

    def get_month(self, obj: Statement) -> str:
        return f"{obj.run.month:%Y-%m}"

    def get_party(self, obj: Statement) -> str:
        return selectors.party_label(obj)


class StatementLineOutput(serializers.ModelSerializer):
    order_number = serializers.CharField(source="order.number", read_only=True)
    service_date = serializers.DateField(source="order.service_date", read_only=True)
    resource_name = serializers.CharField(source="order.resource.name", read_only=True)
    customer_name = serializers.CharField(source="order.customer.name", read_only=True)
    order_amount = Money()
    amount = Money()

    class Meta:
        model = StatementLine
        fields = [
            "id",
            "order",
            "order_number",
            "service_date",
            "resource_name",
            "customer_name",
            "kind",
            "order_amount",
            "share_bp",
            "split_among",
            "amount",
            "adjustment",
            "note",
        ]


class StatementDetailOutput(StatementOutput):
    lines = serializers.SerializerMethodField()

    class Meta(StatementOutput.Meta):
        fields = [*StatementOutput.Meta.fields, "lines"]

    @extend_schema_field(StatementLineOutput(many=True))
    def get_lines(self, obj: Statement) -> list[dict[str, Any]]:
        return list(StatementLineOutput(selectors.statement_lines(obj), many=True).data)


# A month as services.parse_month reads it: YYYY-MM from 2000 on.
MONTH = r"^[2-9][0-9]{3}-(0[1-9]|1[0-2])$"


class StatementQuery(StrictQuery):
    month = serializers.RegexField(
        MONTH,
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text="YYYY-MM, 2000 or later",
    )
    party_kind = serializers.ChoiceField(
        choices=PartyKind.choices, required=False, allow_blank=True
    )


def _statement(request: Request, pk: int) -> Statement:
    return get_visible_or_404(
        selectors.statements_visible_to(request.user).select_related(
            "run", "organisation", "user", "programme"
        ),
        pk,
        request.user,
    )


class StatementListApi(APIView):
    pagination_class = Pagination

    @extend_schema(parameters=[StatementQuery], responses=StatementOutput(many=True))
    def get(self, request: Request) -> Response:
        """Statements the caller may see (owner and agency members their organisation's,
        staff their own, bureau staff all), newest month first."""
        params = StatementQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        month_text = params.validated_data.get("month", "")
        month = services.parse_month(month_text) if month_text else None
        qs = selectors.statement_list(
            user=request.user,
            month=month,
            party_kind=params.validated_data.get("party_kind", ""),
        )
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(StatementOutput(page, many=True).data)


class StatementDetailApi(APIView):
    @extend_schema(responses=StatementDetailOutput)
    def get(self, request: Request, pk: int) -> Response:
        """One statement with all its lines."""
        return Response(StatementDetailOutput(_statement(request, pk)).data)


class StatementXlsxApi(APIView):
    @extend_schema(
        responses={
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): (
                OpenApiTypes.BINARY
            )
        }
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        """The statement as XLSX (Chinese headers, numbers as numbers)."""
        return statement_xlsx_response(request, _statement(request, pk))


# --- runs ----------------------------------------------------------------------------


class RunOutput(serializers.ModelSerializer):
    month = serializers.SerializerMethodField()
    total = Money()
    voucher_total = Money()
    adjustment_total = Money()
    statements = serializers.SerializerMethodField()

    class Meta:
        model = SettlementRun
        fields = [
            "id",
            "month",
            "started_at",
            "finished_at",
            "orders",
            "total",
            "voucher_total",
            "adjustments",
            "adjustment_total",
            "statements",
        ]

    def get_month(self, obj: SettlementRun) -> str:
        return f"{obj.month:%Y-%m}"

    def get_statements(self, obj: SettlementRun) -> int:
        count = getattr(obj, "statement_count", None)
        return obj.statements.count() if count is None else int(count)


class RunInput(serializers.Serializer):
    month = StrictCharField(max_length=7, help_text="YYYY-MM, a month that has ended")


class SettleOutput(serializers.Serializer):
    created = serializers.BooleanField(help_text="false: the month was already settled")
    run = RunOutput()


class RunListApi(APIView):
    pagination_class = Pagination

    @extend_schema(responses=RunOutput(many=True))
    def get(self, request: Request) -> Response:
        """Bureau staff: the settled months."""
        if not is_bureau_staff(request.user):
            self.permission_denied(request, message="Bureau staff only.")
        paginator = Pagination()
        page = paginator.paginate_queryset(
            selectors.runs_visible_to(request.user), request, view=self
        )
        return paginator.get_paginated_response(RunOutput(page, many=True).data)

    @extend_schema(
        request=RunInput,
        responses={
            201: OpenApiResponse(SettleOutput, description="The month was settled now."),
            200: OpenApiResponse(SettleOutput, description="Already settled: nothing new."),
        },
    )
    def post(self, request: Request) -> Response:
        """Settle a month (idempotent: a second call issues nothing new and answers 200)."""
        data = RunInput(data=request.data)
        data.is_valid(raise_exception=True)
        month = services.parse_month(data.validated_data["month"])
        result = services.settle_month(actor=request.user, month=month)
        return Response(
            {"created": result.created, "run": RunOutput(result.run).data},
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )


# --- adjustments ---------------------------------------------------------------------


class AdjustmentOutput(serializers.ModelSerializer):
    order_number = serializers.CharField(source="order.number", read_only=True)
    amount = Money()
    voucher_amount = Money()
    month = serializers.SerializerMethodField()

    class Meta:
        model = SettlementAdjustment
        fields = [
            "id",
            "order",
            "order_number",
            "amount",
            "voucher_amount",
            "reason",
            "recorded_at",
            "month",
        ]

    def get_month(self, obj: SettlementAdjustment) -> str | None:
        """The month whose run issued its lines; null while it waits for the next run."""
        return None if obj.run is None else f"{obj.run.month:%Y-%m}"


class AdjustmentInput(serializers.Serializer):
    order = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="id of a settled order"
    )
    amount = StrictCharField(max_length=20, help_text='change of income, e.g. "-120.50"')
    voucher_amount = StrictCharField(max_length=20, required=False, default="0")
    reason = StrictCharField(max_length=300)


class AdjustmentListApi(APIView):
    pagination_class = Pagination

    @extend_schema(responses=AdjustmentOutput(many=True))
    def get(self, request: Request) -> Response:
        """Adjustments the caller may see (bureau staff all, agencies their orders')."""
        paginator = Pagination()
        page = paginator.paginate_queryset(
            selectors.adjustments_visible_to(request.user), request, view=self
        )
        return paginator.get_paginated_response(AdjustmentOutput(page, many=True).data)

    @extend_schema(request=AdjustmentInput, responses={201: AdjustmentOutput})
    def post(self, request: Request) -> Response:
        """Record a correction of a settled order; the next run issues its lines."""
        data = AdjustmentInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        order = get_visible_or_404(
            visible_orders(request.user).select_related("agreement"), values["order"], request.user
        )
        adjustment = services.settlement_adjustment_record(
            actor=request.user,
            order=order,
            amount=values["amount"],
            voucher_amount=values.get("voucher_amount") or "0",
            reason=values["reason"],
        )
        return Response(AdjustmentOutput(adjustment).data, status=status.HTTP_201_CREATED)


# --- reports -------------------------------------------------------------------------

_DAY_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_MONTH_RE = re.compile(r"^(19|20)[0-9]{2}-(0[1-9]|1[0-2])$")


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "format": "date"},
            {"type": "string", "pattern": _MONTH_RE.pattern},
            {"type": "string", "maxLength": 0},
        ]
    }
)
class DayOrMonthField(serializers.CharField):
    """A day (YYYY-MM-DD) or a month (YYYY-MM) of a report period, as the schema states
    it; empty for the default. report_selectors.parse_period then applies its rules."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.update(required=False, allow_blank=True, trim_whitespace=False)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        text = super().to_internal_value(data)
        if _MONTH_RE.match(text):
            return text
        if _DAY_RE.match(text):
            try:
                dt.date.fromisoformat(text)
            except ValueError:
                pass
            else:
                return text
        raise serializers.ValidationError(
            _("Write a date as YYYY-MM-DD or a month as YYYY-MM, not “%(v)s”.") % {"v": text[:20]}
        )


class PeriodQuery(StrictQuery):
    """``from`` and ``to`` of a report (a Python keyword, hence declared in get_fields).
    Beyond their form, the period must not end before it starts and covers at most ten
    years: a 400 names the parameter otherwise."""

    def get_fields(self) -> dict[str, serializers.Field]:
        return {
            "from": DayOrMonthField(
                help_text="YYYY-MM-DD or YYYY-MM, the first day or month (default 1 January "
                "of this year); at most ten years before the end"
            ),
            "to": DayOrMonthField(
                help_text="YYYY-MM-DD or YYYY-MM, the last day or month, inclusive (default "
                "today); not before the start"
            ),
        }


def _report_period(request: Request) -> report_selectors.Period:
    if not report_selectors.may_see_reports(request.user):
        raise PermissionDenied("Members of owner or agency organisations and bureau staff only.")
    PeriodQuery(data=request.query_params).is_valid(raise_exception=True)
    try:
        return report_selectors.parse_period(request.query_params)
    except ValidationError as exc:
        raise serializers.ValidationError(exc.message_dict) from None


class UtilisationRowOutput(serializers.Serializer):
    resource = serializers.IntegerField(source="resource_id")
    name = serializers.CharField()
    owner = serializers.CharField()
    kind = serializers.CharField()
    services = serializers.IntegerField(source="orders")
    effective_hours = serializers.DecimalField(max_digits=14, decimal_places=2)
    external_hours = serializers.DecimalField(max_digits=14, decimal_places=2)
    share_rate = serializers.DecimalField(
        max_digits=5, decimal_places=1, allow_null=True, help_text="per cent"
    )
    samples = serializers.IntegerField()
    no_shows = serializers.IntegerField()
    income = Money()


class UtilisationOutput(serializers.Serializer):
    start = serializers.DateField(source="period.start")
    end = serializers.DateField(source="period.end")
    rows = UtilisationRowOutput(many=True)
    total = UtilisationRowOutput()


class UtilisationApi(APIView):
    @extend_schema(
        parameters=[
            PeriodQuery,
            OpenApiParameter(
                "kind", str, enum=[*ResourceKind.values, ""], description="default instrument"
            ),
        ],
        responses=UtilisationOutput,
    )
    def get(self, request: Request) -> Response:
        """Effective and external hours, share rate, samples, no-shows per resource."""
        period = _report_period(request)
        kind = request.query_params.get("kind", ResourceKind.INSTRUMENT)
        if kind not in ResourceKind.values and kind != "":
            raise serializers.ValidationError({"kind": ["Unknown resource kind."]})
        report = report_selectors.utilisation(user=request.user, period=period, kind=kind)
        return Response(UtilisationOutput(report).data)


class EnterprisesRowOutput(serializers.Serializer):
    year = serializers.IntegerField()
    enterprises = serializers.IntegerField()
    customers = serializers.IntegerField()
    enterprise_orders = serializers.IntegerField()
    enterprise_income = Money()


class EnterprisesApi(APIView):
    @extend_schema(responses=EnterprisesRowOutput(many=True))
    def get(self, request: Request) -> Response:
        """Distinct enterprise customers served per year."""
        _report_period(request)
        rows = report_selectors.enterprises_per_year(user=request.user)
        return Response(EnterprisesRowOutput(rows, many=True).data)


class IncomeRowOutput(serializers.Serializer):
    party_kind = serializers.ChoiceField(choices=PartyKind.choices)
    party = serializers.CharField()
    statements = serializers.IntegerField()
    total = Money()


class IncomeApi(APIView):
    @extend_schema(parameters=[PeriodQuery], responses=IncomeRowOutput(many=True))
    def get(self, request: Request) -> Response:
        """Issued statement totals per party for the months of the period."""
        period = _report_period(request)
        rows = report_selectors.income_by_party(
            user=request.user, start=period.start, end=period.end
        )
        return Response(IncomeRowOutput(rows, many=True).data)


class ProgrammeRowOutput(serializers.Serializer):
    programme = serializers.IntegerField(source="programme.pk")
    name = serializers.CharField(source="programme.name")
    status = serializers.CharField(source="programme.status")
    budget = Money(source="programme.budget")
    issued = Money(source="programme.issued_total")
    used = Money(source="programme.used_total")
    claimed = Money(source="programme.claimed_total")
    paid = Money(source="programme.paid_total")
    settled = Money()


class VoucherFiguresApi(APIView):
    @extend_schema(responses=ProgrammeRowOutput(many=True))
    def get(self, request: Request) -> Response:
        """Bureau staff: budget, issued, used, claimed, paid and settled per programme."""
        if not is_bureau_staff(request.user):
            self.permission_denied(request, message="Bureau staff only.")
        rows = report_selectors.voucher_figures(user=request.user)
        return Response(ProgrammeRowOutput(rows, many=True).data)


class ServiceRecordsApi(APIView):
    @extend_schema(
        parameters=[
            PeriodQuery,
            # Not "format": DRF reads that query parameter for content negotiation.
            OpenApiParameter("filetype", str, enum=["csv", "xlsx"], description="default csv"),
        ],
        responses={
            (200, "text/csv"): OpenApiTypes.BINARY,
            (
                200,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ): OpenApiTypes.BINARY,
        },
    )
    def get(self, request: Request) -> HttpResponse:
        """Sharing service records for the national reporting (users masked)."""
        period = _report_period(request)
        fmt = request.query_params.get("filetype", "csv")
        if fmt not in ("csv", "xlsx"):
            raise serializers.ValidationError({"filetype": ["csv or xlsx"]})
        return records_response(request, period, fmt)
