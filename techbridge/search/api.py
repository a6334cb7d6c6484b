"""GET /api/v1/search — public full-text search over published records."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from techbridge.search import selectors


class SignalOutput(serializers.Serializer):
    name = serializers.CharField()
    points = serializers.FloatField()
    value = serializers.JSONField(required=False)


class WhyOutput(serializers.Serializer):
    terms = serializers.ListField(child=serializers.CharField())
    signals = SignalOutput(many=True)


class ResultOutput(serializers.Serializer):
    kind = serializers.CharField()
    id = serializers.IntegerField()
    external_id = serializers.CharField()
    title = serializers.CharField()
    url = serializers.CharField()
    score = serializers.FloatField()
    why = WhyOutput()


class SearchOutput(serializers.Serializer):
    count = serializers.IntegerField(help_text="Every match, also those past MAX_DEPTH")
    offset = serializers.IntegerField()
    next = serializers.CharField(allow_null=True, help_text="The next page, null at the end")
    previous = serializers.CharField(allow_null=True)
    results = ResultOutput(many=True)
    facets = serializers.DictField(child=serializers.DictField(child=serializers.IntegerField()))


class SearchInput(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        trim_whitespace=False,
        help_text="Free text (≤ 500 characters); no operators.",
    )
    kind = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Comma-separated kinds, e.g. achievement,lab",
    )
    field = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=40, help_text="technical field"
    )
    region = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=12,
        help_text="GB/T 2260 code or prefix (52, 5201, 520100); an unknown one finds nothing",
    )
    limit = serializers.IntegerField(required=False, min_value=1, max_value=100, default=20)
    offset = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=selectors.MAX_DEPTH - 1,
        default=0,
        help_text=f"Results to skip (offset + limit stops at {selectors.MAX_DEPTH})",
    )
    page = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="Instead of offset: page N of `limit` results (offset = (N - 1) × limit)",
    )
    facets = serializers.BooleanField(required=False, default=False)


class SearchApi(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=[SearchInput], responses=SearchOutput)
    def get(self, request: Request) -> Response:
        data = SearchInput(data=request.query_params)
        data.is_valid(raise_exception=True)
        args = data.validated_data
        limit = args["limit"]
        offset = args["offset"]
        if args.get("page"):
            offset = (args["page"] - 1) * limit
        if offset >= selectors.MAX_DEPTH:
            raise serializers.ValidationError(
                {"page": [f"Results stop at {selectors.MAX_DEPTH}; narrow the query."]}
            )
        page = selectors.search(
            q=args["q"],
            kinds=[k for k in args["kind"].split(",") if k],
            technical_field=args["field"],
            region=args["region"],
            limit=limit,
            offset=offset,
            facets=args["facets"],
        )
        url = remove_query_param(request.build_absolute_uri(), "page")
        reachable = min(page.total, selectors.MAX_DEPTH)
        nxt = offset + limit
        return Response(
            {
                "count": page.total,
                "offset": page.offset,
                "next": replace_query_param(url, "offset", nxt) if nxt < reachable else None,
                "previous": replace_query_param(url, "offset", max(offset - limit, 0))
                if offset > 0
                else None,
                "results": [r.as_dict() for r in page.results],
                "facets": page.facets,
            }
        )
