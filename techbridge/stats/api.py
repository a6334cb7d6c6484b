"""Statistics API: aggregated market statistics and the bulletin are public (PRODUCT.md:
visitors "see market statistics"); contract lists are not and live in contracts.api."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from techbridge.stats.bulletin import contract_bulletin
from techbridge.stats.selectors import ContractStats, contract_statistics, make_filter

FILTER_PARAMETERS = [
    OpenApiParameter("from", OpenApiTypes.STR, description="YYYY-MM or YYYY-MM-DD"),
    OpenApiParameter("to", OpenApiTypes.STR, description="YYYY-MM or YYYY-MM-DD (inclusive)"),
    OpenApiParameter("seller_region", OpenApiTypes.STR, description="GB/T 2260, by prefix"),
    OpenApiParameter("buyer_region", OpenApiTypes.STR, description="GB/T 2260, by prefix"),
    OpenApiParameter("type", OpenApiTypes.STR, description="contract type code"),
    OpenApiParameter("field", OpenApiTypes.STR, description="technical field code"),
]


class StatsRowOutput(serializers.Serializer):
    keys = serializers.DictField()
    labels = serializers.DictField(child=serializers.CharField())
    count = serializers.IntegerField()
    contract_amount = serializers.CharField(help_text="yuan, exact decimal string")
    technology_amount = serializers.CharField(help_text="yuan, exact decimal string")
    share = serializers.CharField(help_text="percent of the total contract amount")
    growth = serializers.CharField(
        allow_null=True, help_text="year-on-year growth of the contract amount, percent"
    )


class TotalsOutput(serializers.Serializer):
    count = serializers.IntegerField()
    contract_amount = serializers.CharField()
    technology_amount = serializers.CharField()


class ContractStatsOutput(serializers.Serializer):
    group_by = serializers.ListField(child=serializers.CharField())
    rows = StatsRowOutput(many=True)
    totals = TotalsOutput()


class BulletinOutput(serializers.Serializer):
    sentence = serializers.CharField()
    leading_fields = serializers.ListField(child=serializers.CharField())
    leading_share = serializers.CharField()
    rows = StatsRowOutput(many=True)
    totals = TotalsOutput()


def stats_payload(stats: ContractStats) -> dict[str, Any]:
    """Plain data with amounts as exact decimal strings (never floats)."""
    return {
        "group_by": stats.group_by,
        "rows": [
            {
                "keys": row.keys,
                "labels": row.labels,
                "count": row.count,
                "contract_amount": format(row.contract_amount, "f"),
                "technology_amount": format(row.technology_amount, "f"),
                "share": format(row.share, "f"),
                "growth": None if row.growth is None else format(row.growth, "f"),
            }
            for row in stats.rows
        ],
        "totals": {
            "count": stats.count,
            "contract_amount": format(stats.contract_amount, "f"),
            "technology_amount": format(stats.technology_amount, "f"),
        },
    }


class ContractStatsApi(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "group_by",
                OpenApiTypes.STR,
                description="one or two of field, type, seller_region, buyer_region, month, "
                "quarter, year, seller_type, buyer_type (comma-separated)",
            ),
            *FILTER_PARAMETERS,
        ],
        responses=ContractStatsOutput,
    )
    def get(self, request: Request) -> Response:
        filters = make_filter(request.query_params)
        group_by = request.query_params.get("group_by", "field")
        stats = contract_statistics(group_by=group_by.split(","), filters=filters)
        return Response(stats_payload(stats))


class BulletinApi(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=FILTER_PARAMETERS, responses=BulletinOutput)
    def get(self, request: Request) -> Response:
        bulletin = contract_bulletin(make_filter(request.query_params))
        payload = stats_payload(bulletin.stats)
        return Response(
            {
                "sentence": bulletin.sentence,
                "leading_fields": bulletin.leading_fields,
                "leading_share": format(bulletin.leading_share, "f"),
                "rows": payload["rows"],
                "totals": payload["totals"],
            }
        )
