"""Matching API: POST /api/v1/match, GET /api/v1/demands/{id}/matches,
GET /api/v1/{kind}/{id}/matches (open demands for a resource)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from techbridge.accounts.access import get_visible_or_404
from techbridge.core.api import StrictCharField
from techbridge.matching import selectors
from techbridge.search.api import ResultOutput

MATCHABLE_KINDS = ("achievement", "expert", "instrument", "lab", "data", "service", "demand")


class MatchesOutput(serializers.Serializer):
    results = ResultOutput(many=True)
    by_kind = serializers.DictField(child=ResultOutput(many=True))


class MatchInput(serializers.Serializer):
    text = StrictCharField(allow_blank=True, trim_whitespace=False)
    kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=MATCHABLE_KINDS), required=False, default=list
    )
    limit = serializers.IntegerField(min_value=1, max_value=100, required=False, default=10)


class LimitInput(serializers.Serializer):
    limit = serializers.IntegerField(
        min_value=1, max_value=100, required=False, default=10, help_text="at most 100"
    )


def _limit(request: Request) -> int:
    data = LimitInput(data=request.query_params)
    data.is_valid(raise_exception=True)
    return int(data.validated_data["limit"])


def _visible(kind: str, pk: int, request: Request) -> Any:
    from techbridge.catalogue.selectors import visible_queryset

    return get_visible_or_404(visible_queryset(kind, request.user), pk, request.user)


class MatchTextApi(APIView):
    """Public: matches among published records for a problem described in free text."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(request=MatchInput, responses=MatchesOutput)
    def post(self, request: Request) -> Response:
        data = MatchInput(data=request.data)
        data.is_valid(raise_exception=True)
        args = data.validated_data
        matches = selectors.match_text(text=args["text"], kinds=args["kinds"], limit=args["limit"])
        return Response(matches.as_dict())


class DemandMatchesApi(APIView):
    """Resources for a demand the caller may see (a draft only for its own organisation)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=MatchesOutput, parameters=[LimitInput])
    def get(self, request: Request, pk: int) -> Response:
        demand = _visible("demand", pk, request)
        matches = selectors.match_demand(demand=demand, limit=_limit(request))
        return Response(matches.as_dict())


class ResourceMatchesApi(APIView):
    """Open demands for a resource the caller may see."""

    permission_classes = [permissions.AllowAny]
    kind = ""

    @extend_schema(responses=MatchesOutput, parameters=[LimitInput])
    def get(self, request: Request, pk: int) -> Response:
        record = _visible(self.kind, pk, request)
        matches = selectors.match_resource(record=record, limit=_limit(request))
        return Response(matches.as_dict())
