"""Vouchers API: programmes (bureau), applications (enterprise applies, bureau approves or
rejects), vouchers, claimable redemptions and claims (provider submits, bureau approves,
rejects and pays). Thin: visibility from the selectors, every write through the services.
Money travels as exact decimal strings; amounts in requests are read without floats."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from techbridge.accounts.access import get_visible_or_404
from techbridge.core.api import MAX_ID, MAX_VERSION, Pagination, StrictCharField, StrictQuery
from techbridge.core.api_money import AmountInputField
from techbridge.sharing.models import (
    ApplicationStatus,
    ClaimLine,
    ClaimStatus,
    ProgrammeStatus,
    Redemption,
    ReimbursementClaim,
    ResourceKind,
    Voucher,
    VoucherApplication,
    VoucherProgramme,
)
from techbridge.sharing.selectors import vouchers as sel
from techbridge.sharing.services import vouchers as services


class _Yuan(serializers.CharField):
    """An exact yuan amount as a decimal string ("1234.50")."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str:
        return format(value, "f")


def _filtered(request: Request, qs: Any, query: type[StrictQuery]) -> Any:
    """``qs`` with the list's ``status`` filter (a 400 for an unknown status)."""
    params = query(data=request.query_params)
    params.is_valid(raise_exception=True)
    wanted = params.validated_data.get("status", "")
    return qs.filter(status=wanted) if wanted else qs


def _page(request: Request, view: APIView, qs: Any, serializer: type) -> Response:
    paginator = Pagination()
    page: Any = paginator.paginate_queryset(qs, request, view=view)
    return paginator.get_paginated_response(serializer(page, many=True).data)


# --- programmes -----------------------------------------------------------------------------


class VoucherProgrammeOutput(serializers.ModelSerializer):
    bureau_name = serializers.CharField(source="bureau.name", read_only=True)
    budget = _Yuan()
    cap_per_enterprise_year = _Yuan()
    issued_total = _Yuan()
    used_total = _Yuan()
    claimed_total = _Yuan()
    paid_total = _Yuan()
    eligible_kinds = serializers.ListField(child=serializers.CharField(), read_only=True)
    eligible_regions = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="GB/T 2260 prefixes"
    )

    class Meta:
        model = VoucherProgramme
        fields = [
            "id",
            "name",
            "description",
            "bureau",
            "bureau_name",
            "status",
            "budget",
            "cap_per_enterprise_year",
            "max_share_bp",
            "eligible_kinds",
            "eligible_regions",
            "valid_from",
            "valid_until",
            "issued_total",
            "used_total",
            "claimed_total",
            "paid_total",
            "version",
        ]


class VoucherProgrammeInput(serializers.Serializer):
    name = StrictCharField(max_length=200)
    description = StrictCharField(max_length=5000, required=False, allow_blank=True)
    budget = AmountInputField()
    cap_per_enterprise_year = AmountInputField()
    max_share_bp = serializers.IntegerField(
        min_value=1, max_value=10_000, required=False, help_text="basis points: 5000 = 50 %"
    )
    eligible_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=ResourceKind.choices), required=False
    )
    eligible_regions = serializers.ListField(
        child=StrictCharField(max_length=6),
        required=False,
        help_text="GB/T 2260 codes or prefixes (52, 5201, 520102)",
    )
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()


class VoucherProgrammePatch(VoucherProgrammeInput):
    """Only the fields to change, and always the version edited (a stale one is 409)."""

    version = serializers.IntegerField(
        min_value=1, max_value=MAX_VERSION, help_text="the version you edited"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "version":
                field.required = False


class ProgrammeQuery(StrictQuery):
    status = serializers.ChoiceField(
        choices=ProgrammeStatus.choices, required=False, allow_blank=True
    )


class ProgrammeListApi(APIView):
    pagination_class = Pagination

    @extend_schema(
        parameters=[ProgrammeQuery],
        responses=VoucherProgrammeOutput(many=True),
        operation_id="voucher_programmes_list",
    )
    def get(self, request: Request) -> Response:
        qs = _filtered(request, sel.programmes_visible_to(request.user), ProgrammeQuery)
        return _page(request, self, qs, VoucherProgrammeOutput)

    @extend_schema(
        request=VoucherProgrammeInput,
        responses={201: VoucherProgrammeOutput},
        operation_id="voucher_programmes_create",
    )
    def post(self, request: Request) -> Response:
        data = VoucherProgrammeInput(data=request.data)
        data.is_valid(raise_exception=True)
        programme = services.programme_create(actor=request.user, **data.validated_data)
        return Response(VoucherProgrammeOutput(programme).data, status=status.HTTP_201_CREATED)


def _programme(request: Request, pk: int) -> VoucherProgramme:
    return get_visible_or_404(sel.programmes_visible_to(request.user), pk, request.user)


class ProgrammeDetailApi(APIView):
    @extend_schema(responses=VoucherProgrammeOutput, operation_id="voucher_programmes_retrieve")
    def get(self, request: Request, pk: int) -> Response:
        return Response(VoucherProgrammeOutput(_programme(request, pk)).data)

    @extend_schema(
        request=VoucherProgrammePatch,
        responses=VoucherProgrammeOutput,
        operation_id="voucher_programmes_update",
    )
    def patch(self, request: Request, pk: int) -> Response:
        programme = _programme(request, pk)
        data = VoucherProgrammePatch(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        programme = services.programme_update(
            actor=request.user,
            programme=programme,
            expected_version=values.pop("version", None),
            **values,
        )
        return Response(VoucherProgrammeOutput(programme).data)


class ProgrammeOpenApi(APIView):
    @extend_schema(request=None, responses=VoucherProgrammeOutput)
    def post(self, request: Request, pk: int) -> Response:
        programme = services.programme_open(actor=request.user, programme=_programme(request, pk))
        return Response(VoucherProgrammeOutput(programme).data)


class ProgrammeCloseApi(APIView):
    @extend_schema(request=None, responses=VoucherProgrammeOutput)
    def post(self, request: Request, pk: int) -> Response:
        programme = services.programme_close(actor=request.user, programme=_programme(request, pk))
        return Response(VoucherProgrammeOutput(programme).data)


# --- applications ---------------------------------------------------------------------------


class VoucherApplicationOutput(serializers.ModelSerializer):
    programme_name = serializers.CharField(source="programme.name", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    amount_requested = _Yuan()
    amount_approved = _Yuan(allow_null=True)
    voucher = serializers.SerializerMethodField()

    class Meta:
        model = VoucherApplication
        fields = [
            "id",
            "programme",
            "programme_name",
            "enterprise",
            "enterprise_name",
            "amount_requested",
            "amount_approved",
            "purpose",
            "status",
            "decided_at",
            "decision_note",
            "voucher",
            "created_at",
        ]

    def get_voucher(self, obj: VoucherApplication) -> int | None:
        """The voucher issued on approval."""
        voucher = Voucher.objects.filter(application=obj).only("pk").first()
        return voucher.pk if voucher else None

    def to_representation(self, instance: Any) -> Any:
        data = super().to_representation(instance)
        if instance.amount_approved is None:
            data["amount_approved"] = None
        return data


class VoucherApplicationInput(serializers.Serializer):
    programme = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    amount_requested = AmountInputField()
    purpose = StrictCharField(max_length=2000, required=False, allow_blank=True)


class VoucherApproveInput(serializers.Serializer):
    amount = AmountInputField(required=False, help_text="yuan; default: the amount requested")
    note = StrictCharField(max_length=2000, required=False, allow_blank=True)


class VoucherReasonInput(serializers.Serializer):
    reason = StrictCharField(max_length=2000)


class ApplicationQuery(StrictQuery):
    status = serializers.ChoiceField(
        choices=ApplicationStatus.choices, required=False, allow_blank=True
    )


class ApplicationListApi(APIView):
    pagination_class = Pagination

    @extend_schema(
        parameters=[ApplicationQuery],
        responses=VoucherApplicationOutput(many=True),
        operation_id="voucher_applications_list",
    )
    def get(self, request: Request) -> Response:
        qs = _filtered(request, sel.applications_visible_to(request.user), ApplicationQuery)
        return _page(request, self, qs, VoucherApplicationOutput)

    @extend_schema(
        request=VoucherApplicationInput,
        responses={201: VoucherApplicationOutput},
        operation_id="voucher_applications_create",
    )
    def post(self, request: Request) -> Response:
        data = VoucherApplicationInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        programme = sel.programmes_visible_to(request.user).filter(pk=values["programme"]).first()
        if programme is None:
            raise serializers.ValidationError({"programme": ["Unknown programme."]})
        values["programme"] = programme
        application = services.application_submit(actor=request.user, **values)
        return Response(VoucherApplicationOutput(application).data, status=status.HTTP_201_CREATED)


def _application(request: Request, pk: int) -> VoucherApplication:
    return get_visible_or_404(sel.applications_visible_to(request.user), pk, request.user)


class ApplicationDetailApi(APIView):
    @extend_schema(responses=VoucherApplicationOutput, operation_id="voucher_applications_retrieve")
    def get(self, request: Request, pk: int) -> Response:
        return Response(VoucherApplicationOutput(_application(request, pk)).data)


class ApplicationApproveApi(APIView):
    @extend_schema(request=VoucherApproveInput, responses=VoucherApplicationOutput)
    def post(self, request: Request, pk: int) -> Response:
        application = _application(request, pk)
        data = VoucherApproveInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.application_approve(
            actor=request.user, application=application, **data.validated_data
        )
        return Response(VoucherApplicationOutput(application).data)


class ApplicationRejectApi(APIView):
    @extend_schema(request=VoucherReasonInput, responses=VoucherApplicationOutput)
    def post(self, request: Request, pk: int) -> Response:
        application = _application(request, pk)
        data = VoucherReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.application_reject(
            actor=request.user, application=application, reason=data.validated_data["reason"]
        )
        return Response(VoucherApplicationOutput(application).data)


# --- vouchers and redemptions ---------------------------------------------------------------


class VoucherOutput(serializers.ModelSerializer):
    programme_name = serializers.CharField(source="programme.name", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    face_value = _Yuan()
    used = _Yuan()
    balance = _Yuan()

    class Meta:
        model = Voucher
        fields = [
            "id",
            "code",
            "programme",
            "programme_name",
            "enterprise",
            "enterprise_name",
            "face_value",
            "used",
            "balance",
            "valid_from",
            "valid_until",
            "status",
            "issued_at",
        ]


class VoucherListApi(APIView):
    pagination_class = Pagination

    @extend_schema(responses=VoucherOutput(many=True), operation_id="vouchers_list")
    def get(self, request: Request) -> Response:
        qs = sel.vouchers_visible_to(request.user).order_by("-issued_at", "-id")
        return _page(request, self, qs, VoucherOutput)


class VoucherDetailApi(APIView):
    @extend_schema(responses=VoucherOutput, operation_id="vouchers_retrieve")
    def get(self, request: Request, pk: int) -> Response:
        voucher = get_visible_or_404(sel.vouchers_visible_to(request.user), pk, request.user)
        return Response(VoucherOutput(voucher).data)


class VoucherRedemptionOutput(serializers.ModelSerializer):
    voucher_code = serializers.CharField(source="voucher.code", read_only=True)
    programme = serializers.IntegerField(source="voucher.programme_id", read_only=True)
    order_number = serializers.CharField(source="order.number", read_only=True)
    service_date = serializers.DateField(source="order.service_date", read_only=True)
    customer_name = serializers.CharField(source="order.customer.name", read_only=True)
    amount = _Yuan()

    class Meta:
        model = Redemption
        fields = [
            "id",
            "voucher",
            "voucher_code",
            "programme",
            "order",
            "order_number",
            "service_date",
            "customer_name",
            "amount",
            "created_at",
        ]


class ClaimableRedemptionsApi(APIView):
    pagination_class = Pagination

    @extend_schema(
        responses=VoucherRedemptionOutput(many=True),
        description="Voucher payments of confirmed orders the caller's organisation "
        "provides and has not claimed yet (for a new claim).",
    )
    def get(self, request: Request) -> Response:
        return _page(
            request, self, sel.claimable_redemptions(request.user), VoucherRedemptionOutput
        )


# --- claims ---------------------------------------------------------------------------------


class VoucherClaimLineOutput(serializers.ModelSerializer):
    order = serializers.IntegerField(source="redemption.order_id", read_only=True)
    order_number = serializers.CharField(source="redemption.order.number", read_only=True)
    amount = _Yuan()

    class Meta:
        model = ClaimLine
        fields = ["redemption", "order", "order_number", "amount", "live"]


class VoucherClaimOutput(serializers.ModelSerializer):
    programme_name = serializers.CharField(source="programme.name", read_only=True)
    provider_name = serializers.CharField(source="provider.name", read_only=True)
    amount = _Yuan()
    lines = VoucherClaimLineOutput(many=True, read_only=True)

    class Meta:
        model = ReimbursementClaim
        fields = [
            "id",
            "number",
            "programme",
            "programme_name",
            "provider",
            "provider_name",
            "invoice_number",
            "amount",
            "status",
            "created_at",
            "decided_at",
            "decision_note",
            "paid_at",
            "payment_reference",
            "lines",
        ]


class VoucherClaimInput(serializers.Serializer):
    redemptions = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), min_length=1, max_length=500
    )
    invoice_number = StrictCharField(max_length=40)


class VoucherNoteInput(serializers.Serializer):
    note = StrictCharField(max_length=2000, required=False, allow_blank=True)


class VoucherPayInput(serializers.Serializer):
    reference = StrictCharField(max_length=60, required=False, allow_blank=True)


def _claims(request: Request) -> Any:
    return sel.claims_visible_to(request.user).prefetch_related("lines__redemption__order")


class ClaimQuery(StrictQuery):
    status = serializers.ChoiceField(choices=ClaimStatus.choices, required=False, allow_blank=True)


class ClaimListApi(APIView):
    pagination_class = Pagination

    @extend_schema(
        parameters=[ClaimQuery],
        responses=VoucherClaimOutput(many=True),
        operation_id="voucher_claims_list",
    )
    def get(self, request: Request) -> Response:
        qs = _filtered(request, _claims(request), ClaimQuery)
        return _page(request, self, qs, VoucherClaimOutput)

    @extend_schema(
        request=VoucherClaimInput,
        responses={201: VoucherClaimOutput},
        operation_id="voucher_claims_create",
    )
    def post(self, request: Request) -> Response:
        data = VoucherClaimInput(data=request.data)
        data.is_valid(raise_exception=True)
        ids = data.validated_data["redemptions"]
        known = set(
            sel.claimable_redemptions(request.user).filter(pk__in=ids).values_list("pk", flat=True)
        )
        missing = [i for i in ids if i not in known]
        if missing:
            raise serializers.ValidationError(
                {"redemptions": [f"Not claimable by your organisation: {missing[:10]}"]}
            )
        claim = services.claim_submit(
            actor=request.user,
            redemptions=ids,
            invoice_number=data.validated_data["invoice_number"],
        )
        return Response(VoucherClaimOutput(claim).data, status=status.HTTP_201_CREATED)


def _claim(request: Request, pk: int) -> ReimbursementClaim:
    return get_visible_or_404(_claims(request), pk, request.user)


class ClaimDetailApi(APIView):
    @extend_schema(responses=VoucherClaimOutput, operation_id="voucher_claims_retrieve")
    def get(self, request: Request, pk: int) -> Response:
        return Response(VoucherClaimOutput(_claim(request, pk)).data)


class _ClaimStep(APIView):
    def _decide(self, request: Request, pk: int) -> ReimbursementClaim:
        claim = _claim(request, pk)
        if not sel.runs_programme(request.user, claim.programme):
            raise PermissionDenied("Only the issuing bureau decides claims.")
        return claim


class ClaimApproveApi(_ClaimStep):
    @extend_schema(request=VoucherNoteInput, responses=VoucherClaimOutput)
    def post(self, request: Request, pk: int) -> Response:
        claim = self._decide(request, pk)  # the row first: a hidden claim is 404, not 400
        data = VoucherNoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        claim = services.claim_approve(
            actor=request.user,
            claim=claim,
            note=data.validated_data.get("note", ""),
        )
        return Response(VoucherClaimOutput(claim).data)


class ClaimRejectApi(_ClaimStep):
    @extend_schema(request=VoucherReasonInput, responses=VoucherClaimOutput)
    def post(self, request: Request, pk: int) -> Response:
        claim = self._decide(request, pk)  # the row first: a hidden claim is 404, not 400
        data = VoucherReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        claim = services.claim_reject(
            actor=request.user,
            claim=claim,
            reason=data.validated_data["reason"],
        )
        return Response(VoucherClaimOutput(claim).data)


class ClaimPayApi(_ClaimStep):
    @extend_schema(request=VoucherPayInput, responses=VoucherClaimOutput)
    def post(self, request: Request, pk: int) -> Response:
        claim = self._decide(request, pk)  # the row first: a hidden claim is 404, not 400
        data = VoucherPayInput(data=request.data)
        data.is_valid(raise_exception=True)
        claim = services.claim_pay(
            actor=request.user,
            claim=claim,
            reference=data.validated_data.get("reference", ""),
        )
        return Response(VoucherClaimOutput(claim).data)
