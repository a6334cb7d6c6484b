"""Programmes API: the programmes you may see, and one programme's yearly figures
(target, actual, share and months; amounts in fen, exact)."""

from __future__ import annotations

from typing import Any

from django.db import models
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from techbridge.accounts.access import get_visible_or_404
from techbridge.core.api import Pagination, StrictQuery
from techbridge.programmes import selectors
from techbridge.programmes.models import Programme, ProgrammeKind, RegionRole


class ProgrammeOutput(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=ProgrammeKind.choices)
    home_regions = serializers.SerializerMethodField()
    partner_regions = serializers.SerializerMethodField()

    class Meta:
        model = Programme
        fields = [
            "id",
            "name",
            "short_name",
            "kind",
            "is_default",
            "active",
            "launched_on",
            "home_regions",
            "partner_regions",
        ]

    def get_home_regions(self, obj: Programme) -> list[str]:
        return [r.region_code for r in obj.regions.all() if r.role == RegionRole.HOME]

    def get_partner_regions(self, obj: Programme) -> list[str]:
        return [r.region_code for r in obj.regions.all() if r.role == RegionRole.PARTNER]


class FigureUnit(models.TextChoices):
    COUNT = "count", "count"
    AMOUNT_FEN = "amount_fen", "amount in fen"


class ProgrammeFigureOutput(serializers.Serializer):
    metric = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    unit = serializers.ChoiceField(choices=FigureUnit.choices)
    channel = serializers.CharField(allow_blank=True)
    target = serializers.IntegerField(allow_null=True)
    actual = serializers.IntegerField()
    share_percent = serializers.DecimalField(max_digits=12, decimal_places=1, allow_null=True)
    expected_by_today = serializers.IntegerField(allow_null=True)
    months = serializers.ListField(child=serializers.IntegerField(), min_length=12, max_length=12)


class DashboardOutput(serializers.Serializer):
    programme = ProgrammeOutput()
    year = serializers.IntegerField()
    figures = ProgrammeFigureOutput(many=True)


class DashboardQuery(StrictQuery):
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)


class ProgrammeListApi(APIView):
    pagination_class = Pagination

    @extend_schema(responses=ProgrammeOutput(many=True))
    def get(self, request: Request) -> Response:
        """The cooperation programmes you may see (bureau staff: all; station staff and
        brokers: their stations' programmes)."""
        paginator = Pagination()
        rows = paginator.paginate_queryset(
            selectors.programmes_visible_to(request.user).order_by("pk"), request, view=self
        )
        return paginator.get_paginated_response(ProgrammeOutput(rows, many=True).data)


class ProgrammeDashboardApi(APIView):
    @extend_schema(parameters=[DashboardQuery], responses=DashboardOutput)
    def get(self, request: Request, pk: int) -> Response:
        """A programme's figures for ``year`` (default: this year): each with its target,
        the actual value computed from the records, the share and twelve months."""
        from django.utils import timezone

        params = DashboardQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        year = params.validated_data.get("year") or timezone.localdate().year
        programme = get_visible_or_404(
            selectors.programmes_visible_to(request.user), pk, request.user
        )
        figures: list[dict[str, Any]] = []
        for row in selectors.dashboard(programme, year):
            figures.append(
                {
                    "metric": row.metric.key,
                    "label": str(row.metric.label),
                    "unit": "amount_fen" if row.metric.is_amount else "count",
                    "channel": row.channel,
                    "target": row.target.value if row.target else None,
                    "actual": row.actual,
                    "share_percent": row.share,
                    "expected_by_today": row.expected,
                    "months": row.months,
                }
            )
        data = {"programme": programme, "year": year, "figures": figures}
        return Response(DashboardOutput(data).data)
