"""Contracts API: list/detail/create and the workflow steps, for those allowed only.
Amounts travel as exact decimal strings in both directions."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from techbridge.accounts.access import deny, get_visible_or_404
from techbridge.codes.choices import ContractType, IPType, TechField
from techbridge.contracts import selectors, services
from techbridge.contracts.fields import OUTPUT_FIELDS
from techbridge.contracts.models import ContractStatus, TechnologyContract
from techbridge.core.api import Pagination, StrictCharField
from techbridge.core.api_money import AmountInputField
from techbridge.organisations.selectors import organisations_visible_to

OBJECT_TYPE = "contracts.technologycontract"


class ContractOutput(serializers.ModelSerializer):
    contract_amount = serializers.SerializerMethodField()
    technology_amount = serializers.SerializerMethodField()

    class Meta:
        model = TechnologyContract
        fields = list(OUTPUT_FIELDS)

    def get_contract_amount(self, obj: TechnologyContract) -> str:
        return format(obj.contract_amount, "f")

    def get_technology_amount(self, obj: TechnologyContract) -> str:
        return format(obj.technology_amount, "f")


class ContractInput(serializers.Serializer):
    name = StrictCharField(max_length=200, required=False)
    contract_type = serializers.ChoiceField(choices=ContractType.choices, required=False)
    seller_organisation = serializers.IntegerField(required=False, allow_null=True)
    seller_name = StrictCharField(max_length=200, required=False, allow_blank=True)
    seller_country = StrictCharField(max_length=3, required=False, allow_blank=True)
    seller_region = StrictCharField(max_length=6, required=False, allow_blank=True)
    seller_type = StrictCharField(max_length=3, required=False, allow_blank=True)
    buyer_organisation = serializers.IntegerField(required=False, allow_null=True)
    buyer_name = StrictCharField(max_length=200, required=False, allow_blank=True)
    buyer_country = StrictCharField(max_length=3, required=False, allow_blank=True)
    buyer_region = StrictCharField(max_length=6, required=False, allow_blank=True)
    buyer_type = StrictCharField(max_length=3, required=False, allow_blank=True)
    signed_on = serializers.DateField(required=False)
    term_start = serializers.DateField(required=False, allow_null=True)
    term_end = serializers.DateField(required=False, allow_null=True)
    # The text as written (a string, or a JSON number read exactly by DecimalJSONParser),
    # parsed strictly by core.money.parse_amount in the service.
    contract_amount = AmountInputField(required=False)
    technology_amount = AmountInputField(required=False)
    ip_type = serializers.ChoiceField(choices=IPType.choices, required=False, allow_blank=True)
    technical_field = serializers.ChoiceField(choices=TechField.choices, required=False)
    demand = serializers.IntegerField(required=False, allow_null=True)
    source_reference = StrictCharField(max_length=100, required=False, allow_blank=True)


class CertifyInput(serializers.Serializer):
    contract_type = serializers.ChoiceField(choices=ContractType.choices, required=False)
    technical_field = serializers.ChoiceField(choices=TechField.choices, required=False)
    technology_amount = AmountInputField(required=False)
    version = serializers.IntegerField(required=False)


class ReasonInput(serializers.Serializer):
    reason = StrictCharField(max_length=2000)


def _input(request: Request) -> dict[str, Any]:
    serializer = ContractInput(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = dict(serializer.validated_data)
    visible = organisations_visible_to(request.user)
    for name in ("seller_organisation", "buyer_organisation"):
        if data.get(name) is not None:
            org = visible.filter(pk=data[name]).first()
            if org is None:
                raise serializers.ValidationError({name: ["Unknown organisation."]})
            data[name] = org
    if data.get("demand") is not None:
        from techbridge.catalogue.selectors import visible_queryset

        demand = visible_queryset("demand", request.user).filter(pk=data["demand"]).first()
        if demand is None:
            raise serializers.ValidationError({"demand": ["Unknown demand."]})
        data["demand"] = demand
    return data


class ContractQuery(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="name, seller or buyer name, or the registration number",
    )
    status = serializers.ChoiceField(
        choices=ContractStatus.choices, required=False, allow_blank=True
    )
    type = serializers.ChoiceField(choices=ContractType.choices, required=False, allow_blank=True)
    field = serializers.ChoiceField(choices=TechField.choices, required=False, allow_blank=True)


class ContractListApi(APIView):
    pagination_class = Pagination

    @extend_schema(parameters=[ContractQuery], responses=ContractOutput(many=True))
    def get(self, request: Request) -> Response:
        params = ContractQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        args = params.validated_data
        qs = selectors.contract_list(
            user=request.user,
            q=args.get("q", ""),
            status=args.get("status", ""),
            contract_type=args.get("type", ""),
            field=args.get("field", ""),
        )
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(ContractOutput(page, many=True).data)

    @extend_schema(request=ContractInput, responses={201: ContractOutput})
    def post(self, request: Request) -> Response:
        if not selectors.can_create(request.user):
            self.permission_denied(request, message="Members and registrars write contracts.")
        contract = services.contract_create(actor=request.user, **_input(request))
        return Response(ContractOutput(contract).data, status=status.HTTP_201_CREATED)


class ContractDetailApi(APIView):
    @extend_schema(responses=ContractOutput)
    def get(self, request: Request, pk: int) -> Response:
        contract = get_visible_or_404(
            selectors.contracts_visible_to(request.user), pk, request.user
        )
        return Response(ContractOutput(contract).data)


class _ActionApi(APIView):
    def _contract(self, request: Request, pk: int) -> TechnologyContract:
        return get_visible_or_404(selectors.contracts_visible_to(request.user), pk, request.user)


class ContractSubmitApi(_ActionApi):
    @extend_schema(request=None, responses=ContractOutput)
    def post(self, request: Request, pk: int) -> Response:
        contract = services.contract_submit(
            actor=request.user, contract=self._contract(request, pk)
        )
        return Response(ContractOutput(contract).data)


class ContractRegisterApi(_ActionApi):
    @extend_schema(request=CertifyInput, responses=ContractOutput)
    def post(self, request: Request, pk: int) -> Response:
        contract = self._contract(request, pk)
        if not selectors.is_registrar(request.user):
            deny(request.user, object_type=OBJECT_TYPE, object_id=pk, reason="register")
        data = CertifyInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        contract = services.contract_certify_and_register(
            actor=request.user,
            contract=contract,
            expected_version=values.pop("version", None),
            **values,
        )
        return Response(ContractOutput(contract).data)


class ContractReturnApi(_ActionApi):
    @extend_schema(request=ReasonInput, responses=ContractOutput)
    def post(self, request: Request, pk: int) -> Response:
        contract = self._contract(request, pk)
        if not selectors.is_registrar(request.user):
            deny(request.user, object_type=OBJECT_TYPE, object_id=pk, reason="return")
        data = ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        contract = services.contract_return(
            actor=request.user, contract=contract, reason=data.validated_data["reason"]
        )
        return Response(ContractOutput(contract).data)
