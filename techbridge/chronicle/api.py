"""Chronicle API (read only, signed-in users): a programme's entries, and articles (the
published ones, plus drafts for their editors)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from techbridge.accounts.access import get_visible_or_404
from techbridge.chronicle import selectors
from techbridge.chronicle.models import (
    Article,
    ArticleKind,
    ArticleStatus,
    ChronicleEntry,
    DatePrecision,
    EntryFigure,
    EntryKind,
    Quantity,
)
from techbridge.core.api import Pagination


class FigureOutput(serializers.ModelSerializer):
    quantity = serializers.ChoiceField(choices=Quantity.choices, help_text="money: value in fen")

    class Meta:
        model = EntryFigure
        fields = ["label", "quantity", "value", "unit"]


class EntryOutput(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=EntryKind.choices)
    precision = serializers.ChoiceField(choices=DatePrecision.choices)
    places = serializers.ListField(child=serializers.CharField())
    organisations = serializers.ListField(child=serializers.CharField())
    figures = FigureOutput(many=True)

    class Meta:
        model = ChronicleEntry
        fields = [
            "id",
            "programme",
            "kind",
            "title",
            "summary",
            "happened_on",
            "precision",
            "places",
            "organisations",
            "figures",
            "source_title",
            "source_url",
            "source_published_on",
        ]


class ArticleOutput(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=ArticleKind.choices)
    status = serializers.ChoiceField(choices=ArticleStatus.choices)
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = [
            "id",
            "programme",
            "kind",
            "title",
            "body",
            "status",
            "published_at",
            "attachments",
        ]

    def get_attachments(self, obj: Article) -> list[str]:
        return [a.original_name for a in obj.attachments.all()]


class EntryListApi(APIView):
    @extend_schema(responses=EntryOutput(many=True))
    def get(self, request: Request, programme_id: int) -> Response:
        """A programme's chronicle, newest first."""
        programme = get_visible_or_404(selectors.timeline_programmes(), programme_id, request.user)
        paginator = Pagination()
        page = paginator.paginate_queryset(selectors.entries_of(programme), request, view=self)  # type: ignore[arg-type]
        return paginator.get_paginated_response(EntryOutput(page, many=True).data)


class ArticleListApi(APIView):
    @extend_schema(responses=ArticleOutput(many=True))
    def get(self, request: Request) -> Response:
        """Published articles and, for editors, their drafts; newest first."""
        qs = selectors.articles_visible_to(request.user).prefetch_related("attachments")
        paginator = Pagination()
        page = paginator.paginate_queryset(qs.order_by("-published_at", "-id"), request, view=self)  # type: ignore[arg-type]
        return paginator.get_paginated_response(ArticleOutput(page, many=True).data)


class ArticleDetailApi(APIView):
    @extend_schema(responses=ArticleOutput)
    def get(self, request: Request, pk: int) -> Response:
        item = get_visible_or_404(selectors.articles_visible_to(request.user), pk, request.user)
        return Response(ArticleOutput(item).data)
