"""REST API for shared resources, agreements, rates and qualifications (/api/v1/sharing/…).

Thin: explicit input and output serializers, objects from the visibility selectors (hidden
→ 404), every write a service call. Amounts travel as exact decimal strings; shares as
basis points (10,000 = 100 %) or, on input, a ``ratio`` text such as "60/25/15"."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from techbridge.accounts.access import get_visible_or_404
from techbridge.accounts.models import User
from techbridge.core.api import (
    MAX_ID,
    MAX_VERSION,
    Pagination,
    StrictBooleanField,
    StrictCharField,
    StrictQuery,
)
from techbridge.core.api_money import AmountInputField
from techbridge.organisations.models import Organisation
from techbridge.sharing.models import (
    BilledOn,
    Qualification,
    Rate,
    RateClass,
    RateUnit,
    Resource,
    SharingAgreement,
)
from techbridge.sharing.selectors import resources as selectors
from techbridge.sharing.services import agreements as services


def _money(value: Any) -> str:
    return format(value, "f")


class ResourceOutput(serializers.ModelSerializer):
    owner_name = serializers.CharField(source="owner.name", read_only=True)

    class Meta:
        model = Resource
        fields = [
            "id",
            "kind",
            "catalogue_kind",
            "catalogue_id",
            "name",
            "technical_field",
            "region_code",
            "owner",
            "owner_name",
            "active",
            "requires_qualification",
            "free_cancellation_hours",
            "slot_minutes",
            "max_booking_minutes",
            "location",
            "version",
        ]


class ResourceSettingsInput(serializers.Serializer):
    active = StrictBooleanField(required=False)
    requires_qualification = StrictBooleanField(required=False)
    free_cancellation_hours = serializers.IntegerField(
        min_value=0, max_value=24 * 90, required=False
    )
    slot_minutes = serializers.IntegerField(min_value=1, max_value=24 * 60, required=False)
    max_booking_minutes = serializers.IntegerField(
        min_value=1, max_value=31 * 24 * 60, required=False
    )
    location = StrictCharField(max_length=300, required=False, allow_blank=True)


class ResourceRegisterInput(ResourceSettingsInput):
    catalogue_kind = serializers.ChoiceField(choices=["instrument", "lab", "service", "data"])
    catalogue_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)


class ResourcePatchInput(ResourceSettingsInput):
    version = serializers.IntegerField(
        min_value=1,
        max_value=MAX_VERSION,
        help_text="the version the change is based on (409 if stale)",
    )


class ResourceQuery(StrictQuery):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)
    kind = serializers.ChoiceField(choices=["instrument", "lab", "service", "data"], required=False)
    mine = serializers.BooleanField(required=False)


class ResourceListApi(APIView):
    pagination_class = Pagination

    @extend_schema(parameters=[ResourceQuery], responses=ResourceOutput(many=True))
    def get(self, request: Request) -> Response:
        params = ResourceQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        args = params.validated_data
        qs = selectors.resource_list(
            user=request.user,
            q=args.get("q", ""),
            kind=args.get("kind", ""),
            mine=bool(args.get("mine")),
        )
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(ResourceOutput(page, many=True).data)

    @extend_schema(request=ResourceRegisterInput, responses={201: ResourceOutput})
    def post(self, request: Request) -> Response:
        data = ResourceRegisterInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        resource = services.resource_register(
            actor=request.user,
            catalogue_kind=values.pop("catalogue_kind"),
            catalogue_id=values.pop("catalogue_id"),
            **values,
        )
        return Response(ResourceOutput(resource).data, status=status.HTTP_201_CREATED)


class ResourceDetailApi(APIView):
    @extend_schema(responses=ResourceOutput)
    def get(self, request: Request, pk: int) -> Response:
        resource = get_visible_or_404(
            selectors.resources_visible_to(request.user), pk, request.user
        )
        return Response(ResourceOutput(resource).data)

    @extend_schema(request=ResourcePatchInput, responses=ResourceOutput)
    def patch(self, request: Request, pk: int) -> Response:
        resource = get_visible_or_404(
            selectors.resources_visible_to(request.user), pk, request.user
        )
        data = ResourcePatchInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        resource = services.resource_update(
            actor=request.user,
            resource=resource,
            expected_version=values.pop("version", None),
            **values,
        )
        return Response(ResourceOutput(resource).data)


# --- agreements ---------------------------------------------------------------------------


class AgreementOutput(serializers.ModelSerializer):
    ratio = serializers.CharField(source="ratio_label", read_only=True)
    staff = serializers.SerializerMethodField()
    editable = serializers.SerializerMethodField()

    class Meta:
        model = SharingAgreement
        fields = [
            "id",
            "resource",
            "owner",
            "agency",
            "owner_share_bp",
            "staff_share_bp",
            "agency_share_bp",
            "ratio",
            "requires_approval",
            "valid_from",
            "valid_until",
            "staff",
            "note",
            "editable",
            "version",
        ]

    def get_staff(self, obj: SharingAgreement) -> list[int]:
        return sorted(obj.staff.values_list("pk", flat=True))

    def get_editable(self, obj: SharingAgreement) -> bool:
        return services.is_agreement_editable(obj)


class _AgreementTerms(serializers.Serializer):
    agency = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    ratio = StrictCharField(
        max_length=40, required=False, help_text="owner/staff/agency in percent, e.g. 60/25/15"
    )
    owner_share_bp = serializers.IntegerField(min_value=0, max_value=10_000, required=False)
    staff_share_bp = serializers.IntegerField(min_value=0, max_value=10_000, required=False)
    agency_share_bp = serializers.IntegerField(min_value=0, max_value=10_000, required=False)
    valid_until = serializers.DateField(required=False, allow_null=True)
    staff = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False
    )
    requires_approval = StrictBooleanField(required=False)
    note = StrictCharField(max_length=2000, required=False, allow_blank=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        ratio = attrs.pop("ratio", None)
        if ratio is not None:
            from django.core.exceptions import ValidationError as DjangoValidationError

            try:
                owner, staff, agency = services.parse_ratio(ratio)
            except DjangoValidationError as exc:
                raise serializers.ValidationError({"ratio": exc.messages}) from exc
            attrs.update(owner_share_bp=owner, staff_share_bp=staff, agency_share_bp=agency)
        return attrs


class AgreementPatchInput(_AgreementTerms):
    version = serializers.IntegerField(
        min_value=1,
        max_value=MAX_VERSION,
        help_text="the version the change is based on (409 if stale)",
    )


class AgreementInput(_AgreementTerms):
    resource = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        allow_null=True,
        help_text="empty: an agreement for all the owner's resources",
    )
    valid_from = serializers.DateField()


class AgreementEndInput(serializers.Serializer):
    last_day = serializers.DateField()
    reason = StrictCharField(max_length=2000, required=False, allow_blank=True)


def _agency(pk: int | None) -> Organisation:
    organisation = Organisation.objects.filter(pk=pk).first() if pk else None
    if organisation is None:
        raise serializers.ValidationError({"agency": ["Unknown organisation."]})
    return organisation


class AgreementListApi(APIView):
    pagination_class = Pagination

    @extend_schema(responses=AgreementOutput(many=True))
    def get(self, request: Request) -> Response:
        qs = selectors.agreement_list(user=request.user).prefetch_related("staff")
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(AgreementOutput(page, many=True).data)

    @extend_schema(request=AgreementInput, responses={201: AgreementOutput})
    def post(self, request: Request) -> Response:
        data = AgreementInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        resource = None
        if values.get("resource"):
            resource = get_visible_or_404(
                selectors.resources_visible_to(request.user), values["resource"], request.user
            )
        values.pop("resource", None)
        for name in ("owner_share_bp", "staff_share_bp", "agency_share_bp"):
            if name not in values:
                raise serializers.ValidationError(
                    {"ratio": ["Give the ratio (or the three shares)."]}
                )
        agreement = services.agreement_create(
            actor=request.user,
            resource=resource,
            owner=None if resource else getattr(request.user, "organisation", None),
            agency=_agency(values.pop("agency", None)),
            **values,
        )
        return Response(AgreementOutput(agreement).data, status=status.HTTP_201_CREATED)


class AgreementDetailApi(APIView):
    def _agreement(self, request: Request, pk: int) -> SharingAgreement:
        return get_visible_or_404(selectors.agreements_visible_to(request.user), pk, request.user)

    @extend_schema(responses=AgreementOutput)
    def get(self, request: Request, pk: int) -> Response:
        return Response(AgreementOutput(self._agreement(request, pk)).data)

    @extend_schema(request=AgreementPatchInput, responses=AgreementOutput)
    def patch(self, request: Request, pk: int) -> Response:
        agreement = self._agreement(request, pk)
        data = AgreementPatchInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if "agency" in values:
            values["agency"] = _agency(values["agency"])
        agreement = services.agreement_update(
            actor=request.user,
            agreement=agreement,
            expected_version=values.pop("version"),
            **values,
        )
        return Response(AgreementOutput(agreement).data)


class AgreementEndApi(APIView):
    @extend_schema(request=AgreementEndInput, responses=AgreementOutput)
    def post(self, request: Request, pk: int) -> Response:
        agreement = get_visible_or_404(
            selectors.agreements_visible_to(request.user), pk, request.user
        )
        data = AgreementEndInput(data=request.data)
        data.is_valid(raise_exception=True)
        agreement = services.agreement_end(
            actor=request.user, agreement=agreement, **data.validated_data
        )
        return Response(AgreementOutput(agreement).data)


# --- rates --------------------------------------------------------------------------------


class RateOutput(serializers.ModelSerializer):
    price = serializers.SerializerMethodField()
    minimum_charge = serializers.SerializerMethodField()

    class Meta:
        model = Rate
        fields = [
            "id",
            "resource",
            "rate_class",
            "unit",
            "price",
            "minimum_charge",
            "billed_on",
            "late_cancellation_bp",
            "effective_from",
            "effective_until",
        ]

    def get_price(self, obj: Rate) -> str:
        return _money(obj.price)

    def get_minimum_charge(self, obj: Rate) -> str:
        return _money(obj.minimum_charge)


class RateInput(serializers.Serializer):
    resource = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    rate_class = serializers.ChoiceField(choices=RateClass.choices)
    unit = serializers.ChoiceField(choices=RateUnit.choices)
    price = AmountInputField()
    minimum_charge = AmountInputField(required=False)
    billed_on = serializers.ChoiceField(choices=BilledOn.choices, required=False)
    late_cancellation_bp = serializers.IntegerField(min_value=0, max_value=10_000, required=False)
    effective_from = serializers.DateField()


class RateQuery(StrictQuery):
    resource = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    in_force_on = serializers.DateField(required=False)


class RateEndInput(serializers.Serializer):
    last_day = serializers.DateField()


class RateListApi(APIView):
    pagination_class = Pagination

    @extend_schema(parameters=[RateQuery], responses=RateOutput(many=True))
    def get(self, request: Request) -> Response:
        params = RateQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        args = params.validated_data
        qs = selectors.rates_visible_to(request.user)
        if args.get("resource"):
            qs = qs.filter(resource_id=args["resource"])
        if args.get("in_force_on"):
            from django.db.models import Q

            day = args["in_force_on"]
            qs = qs.filter(effective_from__lte=day).filter(
                Q(effective_until__isnull=True) | Q(effective_until__gte=day)
            )
        qs = qs.order_by("resource_id", "rate_class", "-effective_from")
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(RateOutput(page, many=True).data)

    @extend_schema(request=RateInput, responses={201: RateOutput})
    def post(self, request: Request) -> Response:
        data = RateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        resource = get_visible_or_404(
            selectors.resources_visible_to(request.user), values.pop("resource"), request.user
        )
        rate = services.rate_create(actor=request.user, resource=resource, **values)
        return Response(RateOutput(rate).data, status=status.HTTP_201_CREATED)


class RateDetailApi(APIView):
    @extend_schema(responses=RateOutput)
    def get(self, request: Request, pk: int) -> Response:
        rate = get_visible_or_404(selectors.rates_visible_to(request.user), pk, request.user)
        return Response(RateOutput(rate).data)


class RateEndApi(APIView):
    @extend_schema(request=RateEndInput, responses=RateOutput)
    def post(self, request: Request, pk: int) -> Response:
        rate = get_visible_or_404(selectors.rates_visible_to(request.user), pk, request.user)
        data = RateEndInput(data=request.data)
        data.is_valid(raise_exception=True)
        rate = services.rate_end(actor=request.user, rate=rate, **data.validated_data)
        return Response(RateOutput(rate).data)


# --- qualifications -----------------------------------------------------------------------


class QualificationOutput(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = Qualification
        fields = [
            "id",
            "resource",
            "user",
            "username",
            "valid_from",
            "valid_until",
            "note",
            "revoked_at",
        ]


class QualificationInput(serializers.Serializer):
    resource = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    username = StrictCharField(max_length=150)
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()
    note = StrictCharField(max_length=200, required=False, allow_blank=True)


class QualificationRevokeInput(serializers.Serializer):
    reason = StrictCharField(max_length=2000, required=False, allow_blank=True)


class QualificationQuery(StrictQuery):
    resource = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)


class QualificationListApi(APIView):
    pagination_class = Pagination

    @extend_schema(parameters=[QualificationQuery], responses=QualificationOutput(many=True))
    def get(self, request: Request) -> Response:
        params = QualificationQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        qs = selectors.qualifications_visible_to(request.user)
        if params.validated_data.get("resource"):
            qs = qs.filter(resource_id=params.validated_data["resource"])
        qs = qs.order_by("resource_id", "-valid_until", "id")
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(QualificationOutput(page, many=True).data)

    @extend_schema(request=QualificationInput, responses={201: QualificationOutput})
    def post(self, request: Request) -> Response:
        data = QualificationInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        resource = get_visible_or_404(
            selectors.resources_visible_to(request.user), values.pop("resource"), request.user
        )
        user = User.objects.filter(username=values.pop("username"), is_active=True).first()
        if user is None:
            raise serializers.ValidationError({"username": ["No active account with this name."]})
        qualification = services.qualification_grant(
            actor=request.user, resource=resource, user=user, **values
        )
        return Response(QualificationOutput(qualification).data, status=status.HTTP_201_CREATED)


class QualificationRevokeApi(APIView):
    @extend_schema(request=QualificationRevokeInput, responses=QualificationOutput)
    def post(self, request: Request, pk: int) -> Response:
        qualification = get_visible_or_404(
            selectors.qualifications_visible_to(request.user), pk, request.user
        )
        data = QualificationRevokeInput(data=request.data)
        data.is_valid(raise_exception=True)
        qualification = services.qualification_revoke(
            actor=request.user, qualification=qualification, **data.validated_data
        )
        return Response(QualificationOutput(qualification).data)
