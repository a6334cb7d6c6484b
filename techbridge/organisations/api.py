"""Organisation API: thin views, explicit input and output serializers."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from techbridge.accounts.access import deny, get_visible_or_404
from techbridge.core.api import Pagination, StrictCharField
from techbridge.core.masking import mask_email, mask_name, mask_phone
from techbridge.organisations import selectors, services
from techbridge.organisations.models import Organisation, OrganisationKind


class OrganisationOutput(serializers.ModelSerializer):
    contact_name = serializers.SerializerMethodField()
    contact_phone = serializers.SerializerMethodField()
    contact_email = serializers.SerializerMethodField()

    class Meta:
        model = Organisation
        fields = [
            "id",
            "external_id",
            "kind",
            "name",
            "short_name",
            "uscc",
            "region_code",
            "industry_code",
            "legal_person_type",
            "tier",
            "status",
            "address",
            "website",
            "description",
            "contact_name",
            "contact_phone",
            "contact_email",
            "version",
        ]

    def _reveal(self, obj: Organisation) -> bool:
        return selectors.can_see_contacts(self.context["request"].user, obj)

    def get_contact_name(self, obj: Organisation) -> str:
        return obj.contact_name if self._reveal(obj) else mask_name(obj.contact_name)

    def get_contact_phone(self, obj: Organisation) -> str:
        return obj.contact_phone if self._reveal(obj) else mask_phone(obj.contact_phone)

    def get_contact_email(self, obj: Organisation) -> str:
        if not obj.contact_email:
            return ""
        return obj.contact_email if self._reveal(obj) else mask_email(obj.contact_email)


class OrganisationInput(serializers.Serializer):
    external_id = StrictCharField(max_length=64, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=OrganisationKind.choices, required=False)
    name = StrictCharField(max_length=200, required=False)
    short_name = StrictCharField(max_length=60, required=False, allow_blank=True)
    uscc = StrictCharField(max_length=18, required=False, allow_blank=True)
    region_code = StrictCharField(max_length=6, required=False, allow_blank=True)
    industry_code = StrictCharField(max_length=5, required=False, allow_blank=True)
    legal_person_type = StrictCharField(max_length=3, required=False, allow_blank=True)
    tier = StrictCharField(max_length=20, required=False, allow_blank=True)
    address = StrictCharField(max_length=300, required=False, allow_blank=True)
    website = serializers.URLField(required=False, allow_blank=True)
    description = StrictCharField(required=False, allow_blank=True, max_length=5000)
    contact_name = StrictCharField(max_length=60, required=False, allow_blank=True)
    contact_phone = StrictCharField(max_length=30, required=False, allow_blank=True)
    contact_email = serializers.EmailField(required=False, allow_blank=True)
    # Required: a PATCH without it would overwrite whatever was saved meanwhile.
    version = serializers.IntegerField(
        min_value=1, help_text="The version you edited; a stale one answers 409."
    )


class OrganisationCreateInput(OrganisationInput):
    kind = serializers.ChoiceField(choices=OrganisationKind.choices)
    name = StrictCharField(max_length=200)
    version = None  # type: ignore[assignment]  # a new organisation has none


class OrganisationQuery(serializers.Serializer):
    """A well-formed region code that matches nothing lists nothing."""

    q = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="name, short name or USCC"
    )
    kind = serializers.ChoiceField(
        choices=OrganisationKind.choices, required=False, allow_blank=True
    )
    region = serializers.RegexField(
        r"^(\d{2}|\d{4}|\d{6})$",
        required=False,
        allow_blank=True,
        help_text="GB/T 2260 code or prefix: 520000 or 52 → all of 52…, 520115 exactly",
    )


class OrganisationListApi(APIView):
    permission_classes = [permissions.AllowAny]
    pagination_class = Pagination

    @extend_schema(parameters=[OrganisationQuery], responses=OrganisationOutput(many=True))
    def get(self, request: Request) -> Response:
        params = OrganisationQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        region = params.validated_data.get("region", "")
        qs = selectors.organisation_list(
            user=request.user,
            q=params.validated_data.get("q", ""),
            kind=params.validated_data.get("kind", ""),
            # The selector takes a 6-digit code; a prefix is the code of its province/city.
            region=region.ljust(6, "0") if region else "",
        )
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        data = OrganisationOutput(page, many=True, context={"request": request}).data
        return paginator.get_paginated_response(data)

    @extend_schema(request=OrganisationCreateInput, responses={201: OrganisationOutput})
    def post(self, request: Request) -> Response:
        if not request.user.is_authenticated:
            self.permission_denied(request)
        if not selectors.can_manage_organisations(request.user):
            self.permission_denied(request, message="Only bureau staff create organisations.")
        serializer = OrganisationCreateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        org = services.organisation_create(actor=request.user, **data)
        body = OrganisationOutput(org, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


class OrganisationDetailApi(APIView):
    permission_classes = [permissions.AllowAny]

    def _get(self, request: Request, pk: int) -> Organisation:
        return get_visible_or_404(
            selectors.organisations_visible_to(request.user), pk, request.user
        )

    @extend_schema(responses=OrganisationOutput)
    def get(self, request: Request, pk: int) -> Response:
        org = self._get(request, pk)
        return Response(OrganisationOutput(org, context={"request": request}).data)

    @extend_schema(request=OrganisationInput, responses=OrganisationOutput)
    def patch(self, request: Request, pk: int) -> Response:
        if not request.user.is_authenticated:
            self.permission_denied(request)
        org = self._get(request, pk)
        if not selectors.can_edit_organisation(request.user, org):
            deny(request.user, object_type="organisations.organisation", object_id=pk)
        data = _input(request)
        version = data.pop("version", None)
        org = services.organisation_update(
            actor=request.user, organisation=org, expected_version=version, **data
        )
        return Response(OrganisationOutput(org, context={"request": request}).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        if not request.user.is_authenticated:
            self.permission_denied(request)
        org = self._get(request, pk)
        if not selectors.can_manage_organisations(request.user):
            deny(request.user, object_type="organisations.organisation", object_id=pk)
        services.organisation_delete(actor=request.user, organisation=org)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _input(request: Request) -> dict[str, Any]:
    serializer = OrganisationInput(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
