"""GET /api/v1/search — public full-text search over published records."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
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
    count = serializers.IntegerField()
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
    facets = serializers.BooleanField(required=False, default=False)


class SearchApi(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=[SearchInput], responses=SearchOutput)
    def get(self, request: Request) -> Response:
        data = SearchInput(data=request.query_params)
        data.is_valid(raise_exception=True)
        args = data.validated_data
        page = selectors.search(
            q=args["q"],
            kinds=[k for k in args["kind"].split(",") if k],
            technical_field=args["field"],
            region=args["region"],
            limit=args["limit"],
            facets=args["facets"],
        )
        return Response(
            {
                "count": page.total,
                "results": [r.as_dict() for r in page.results],
                "facets": page.facets,
            }
        )
