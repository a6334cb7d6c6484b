"""Statistics API: aggregated market statistics and the bulletin are public (PRODUCT.md:
visitors "see market statistics"); contract lists are not and live in contracts.api."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from techbridge.codes.choices import ContractType, TechField
from techbridge.stats.bulletin import contract_bulletin
from techbridge.stats.selectors import (
    GROUP_KEYS,
    ContractStats,
    contract_statistics,
    make_filter,
    parse_group_by,
)

# "" means "no filter" for every parameter.
_BLANK = {"type": "string", "enum": [""]}
_PERIOD = {
    "anyOf": [
        {"type": "string", "format": "date"},
        {"type": "string", "pattern": r"^[1-9]\d{3}-(0[1-9]|1[0-2])$"},
        _BLANK,
    ]
}
# A code of the current GB/T 2260 edition (GET /api/v1/codes/regions/); a well-formed code
# that is not in the list answers 400 naming it, so "gb2260" marks the semantic rule.
_REGION = {"anyOf": [{"type": "string", "pattern": r"^\d{6}$", "format": "gb2260"}, _BLANK]}
_REGION_HELP = "GB/T 2260 code; a province or city covers all under it"
FILTER_PARAMETERS = [
    OpenApiParameter("from", _PERIOD, description="YYYY-MM or YYYY-MM-DD"),
    OpenApiParameter("to", _PERIOD, description="YYYY-MM or YYYY-MM-DD (inclusive)"),
    OpenApiParameter(
        "seller_region", _REGION, description=_REGION_HELP
    ),
    OpenApiParameter(
        "buyer_region", _REGION, description=_REGION_HELP
    ),
    OpenApiParameter(
        "type", {"type": "string", "enum": ["", *ContractType.values]}, description="contract type"
    ),
    OpenApiParameter(
        "field", {"type": "string", "enum": ["", *TechField.values]}, description="technical field"
    ),
]
GROUP_BY_PARAMETER = OpenApiParameter(
    "group_by",
    {"type": "array", "items": {"type": "string", "enum": list(GROUP_KEYS)}, "maxItems": 2,
     "uniqueItems": True},
    explode=False,
    description="one or two keys, comma-separated; empty or absent: field",
)


def _filters(request: Request) -> Any:
    """make_filter with its errors as the API's 400 naming each parameter."""
    try:
        return make_filter(request.query_params)
    except DjangoValidationError as exc:
        raise exceptions.ValidationError(exc.message_dict) from None


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
        parameters=[GROUP_BY_PARAMETER, *FILTER_PARAMETERS], responses=ContractStatsOutput
    )
    def get(self, request: Request) -> Response:
        filters = _filters(request)
        group_by = request.query_params.get("group_by", "").strip() or "field"
        try:
            keys = parse_group_by(group_by)
        except DjangoValidationError as exc:
            raise exceptions.ValidationError({"group_by": exc.messages}) from None
        stats = contract_statistics(group_by=keys, filters=filters)
        return Response(stats_payload(stats))


class BulletinApi(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=FILTER_PARAMETERS, responses=BulletinOutput)
    def get(self, request: Request) -> Response:
        bulletin = contract_bulletin(_filters(request))
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
