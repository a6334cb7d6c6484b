"""Public read-only API for the code lists (mounted under /api/v1/codes/).

The project denies anonymous API access by default; code lists are public facts that forms
and other systems need before login, so every view here says AllowAny explicitly.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from techbridge.codes import selectors
from techbridge.codes.choices import CODE_LISTS
from techbridge.codes.models import (
    CodeListEntry,
    Country,
    Industry,
    Region,
)

# --- Input serializers (query parameters) ----------------------------------------------------


# "parent" and "label" shadow attributes of DRF's Field in the type stubs only; the
# serializer metaclass moves declared fields out of the class, so they are safe at run time.


class RegionQuerySerializer(serializers.Serializer):
    parent = serializers.RegexField(  # type: ignore[assignment]
        r"^\d{6}$",
        required=False,
        allow_blank=True,
        help_text="6-digit code: list the divisions under it",
    )
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=50,
        help_text=(
            "name contains (贵阳, 贵阳 花溪), pinyin initials (gy) or full pinyin (guiyang) "
            "start with, or code starts with; best matches first"
        ),
    )
    include_revoked = serializers.BooleanField(
        required=False, default=False, help_text="also list revoked divisions"
    )


class IndustryQuerySerializer(serializers.Serializer):
    parent = serializers.RegexField(  # type: ignore[assignment]
        r"^([A-Za-z]|\d{2,3})$",
        required=False,
        allow_blank=True,
        help_text="section letter, division or group: list the industries under it",
    )
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=50,
        help_text=(
            "name contains (软件), pinyin initials (rjkf) or full pinyin (ruanjian) start "
            "with, or code starts with; best matches first"
        ),
    )


# --- Output serializers -----------------------------------------------------------------


# Levels are plain integers with bounds in the schema: as enums, the two "level" choice
# sets would collide in drf-spectacular's component names.
def _level_field(top: int, meaning: str) -> serializers.IntegerField:
    return serializers.IntegerField(read_only=True, min_value=1, max_value=top, help_text=meaning)


_REGION_LEVEL = "1 省级 province, 2 地级 prefecture, 3 县级 county"
_INDUSTRY_LEVEL = "1 门类 section, 2 大类 division, 3 中类 group, 4 小类 class"


class RegionSerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(source="parent.code", default="", read_only=True)
    level = _level_field(3, _REGION_LEVEL)
    # The names come from the in-process index (codes.selectors): no query per row.
    label = serializers.SerializerMethodField(  # type: ignore[assignment]
        help_text="full name from the province down: 贵州省 贵阳市 花溪区"
    )

    class Meta:
        model = Region
        fields: tuple[str, ...] = (
            "code",
            "name",
            "level",
            "parent_code",
            "label",
            "revoked",
            "latitude",
            "longitude",
            "edition",
        )
        read_only_fields: tuple[str, ...] = fields

    def get_label(self, region: Region) -> str:
        return selectors.region_path(region)


class RegionChainItemSerializer(serializers.ModelSerializer):
    level = _level_field(3, _REGION_LEVEL)

    class Meta:
        model = Region
        fields = ("code", "name", "level", "revoked")
        read_only_fields = fields


class RegionDetailSerializer(RegionSerializer):
    chain = serializers.SerializerMethodField()

    class Meta(RegionSerializer.Meta):
        fields = (*RegionSerializer.Meta.fields, "chain")
        read_only_fields = fields

    def get_label(self, region: Region) -> str:
        return " ".join(item.name for item in self.context["chain"])

    @extend_schema_field(RegionChainItemSerializer(many=True))
    def get_chain(self, region: Region) -> list[dict[str, Any]]:
        return RegionChainItemSerializer(self.context["chain"], many=True).data  # type: ignore[return-value]


class IndustrySerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(source="parent.code", default="", read_only=True)
    level = _level_field(4, _INDUSTRY_LEVEL)
    label = serializers.SerializerMethodField(  # type: ignore[assignment]
        help_text="names from the section down, separated by “ / ”"
    )

    class Meta:
        model = Industry
        fields = ("code", "name", "level", "parent_code", "label", "definition", "edition")
        read_only_fields = fields

    def get_label(self, industry: Industry) -> str:
        return selectors.industry_path(industry)


class CountrySerializer(serializers.ModelSerializer):
    class Meta:
        model = Country
        fields = (
            "alpha2",
            "alpha3",
            "numeric",
            "name_en",
            "name_zh",
            "sovereign",
            "independent",
            "edition",
        )
        read_only_fields = fields


class CodeListEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = CodeListEntry
        fields = ("code", "label_zh", "label_en", "sort_order", "parent_code", "edition")
        read_only_fields = fields


# --- Views --------------------------------------------------------------------------------


class RegionListView(generics.ListAPIView):
    """Provinces by default; the divisions under ``parent`` (the picker's cascade); with
    ``q``, the picker's type-ahead (by name, pinyin initials, full pinyin or code), best
    matches first, within ``parent`` if given."""

    permission_classes = [AllowAny]
    serializer_class = RegionSerializer

    def get_queryset(self) -> QuerySet[Region]:
        params = RegionQuerySerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        parent = params.validated_data.get("parent")
        q = params.validated_data.get("q", "").strip()
        include_revoked: bool = params.validated_data["include_revoked"]
        qs = selectors.search_regions(q, parent=parent or "", include_revoked=include_revoked)
        return qs.select_related("parent")

    @extend_schema(parameters=[RegionQuerySerializer], summary="List administrative divisions")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class RegionDetailView(APIView):
    """One division with its chain from the province down."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter("code", str, OpenApiParameter.PATH)],
        responses=RegionDetailSerializer,
        summary="One administrative division with its parents",
    )
    def get(self, request: Request, code: str) -> Response:
        found = selectors.get_region(code)
        if found is None:
            raise Http404
        # A fresh row with its parent joined: the cached instances are shared, and
        # serialising one would load and attach its parent as a side effect.
        region = Region.objects.select_related("parent").get(pk=found.pk)
        context = {"request": request, "chain": selectors.region_chain(code)}
        return Response(RegionDetailSerializer(region, context=context).data)


class IndustryListView(generics.ListAPIView):
    """Sections by default; the industries under ``parent``; with ``q``, the type-ahead
    (name, pinyin initials, full pinyin or code), best first, within ``parent`` if given."""

    permission_classes = [AllowAny]
    serializer_class = IndustrySerializer

    def get_queryset(self) -> QuerySet[Industry]:
        params = IndustryQuerySerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        parent = params.validated_data.get("parent")
        q = params.validated_data.get("q", "").strip()
        return selectors.search_industries(q, parent=parent or "").select_related("parent")

    @extend_schema(parameters=[IndustryQuerySerializer], summary="List GB/T 4754 industries")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class CountryListView(generics.ListAPIView):
    """All ISO 3166-1 countries and territories; a short fixed list, so not paginated."""

    permission_classes = [AllowAny]
    serializer_class = CountrySerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[Country]:
        return selectors.countries()


class CodeListView(APIView):
    """The entries of one small list (tech_field, contract_type, trl, …)."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter("list_name", str, OpenApiParameter.PATH, enum=list(CODE_LISTS))
        ],
        responses=CodeListEntrySerializer(many=True),
        summary="Entries of a small code list",
    )
    def get(self, request: Request, list_name: str) -> Response:
        if list_name not in CODE_LISTS:
            raise Http404
        rows = selectors.entries(list_name)
        return Response(CodeListEntrySerializer(rows, many=True).data)
