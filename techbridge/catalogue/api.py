"""Catalogue API: list/detail per kind (public read of published records, members write
their own), workflow actions as POST, solution proposals. Thin views over selectors and
services; explicit input and output serializers per kind."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import NotAuthenticated, NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from techbridge.accounts.access import deny, get_visible_or_404
from techbridge.catalogue import selectors, services
from techbridge.catalogue.kinds import KINDS
from techbridge.catalogue.models import Demand, Expert, SolutionProposal
from techbridge.catalogue.services.fields import EDITABLE, LISTS, MONEY
from techbridge.core.api import Pagination
from techbridge.core.masking import mask_email, mask_name, mask_phone

PERSONAL = {
    "contact_name": mask_name,
    "contact_phone": mask_phone,
    "contact_email": mask_email,
    "phone": mask_phone,
    "email": mask_email,
}
READ_ONLY = ["id", "status", "published_at", "owner", "owner_name", "version", "created_at"]
READ_ONLY += ["updated_at", "url"]


class _RecordOutput(serializers.ModelSerializer):
    owner_name = serializers.CharField(source="owner.name", read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        user = self.context["request"].user
        reveal = selectors.can_see_contacts(user, instance)
        for name, mask in PERSONAL.items():
            if name in data and data[name] and not reveal:
                data[name] = mask(data[name])
        if isinstance(instance, Demand) and not selectors.can_see_demand_detail(user, instance):
            data["detail"] = None
        for name in MONEY:
            if name in data and data[name] is not None:
                data[name] = format(getattr(instance, name), "f")
        data.pop("consent_version", None)
        return data


@cache
def output_serializer(kind: str) -> type[serializers.ModelSerializer]:
    model = KINDS[kind]
    fields = [*READ_ONLY, *EDITABLE[kind]]
    extra: dict[str, Any] = {}
    for name in EDITABLE[kind]:
        if name in MONEY:
            extra[name] = serializers.CharField(
                read_only=True, allow_null=True, help_text="yuan, exact decimal"
            )
        elif name in LISTS:
            extra[name] = serializers.ListField(child=serializers.CharField(), read_only=True)
    if kind == "demand":
        extra["detail"] = serializers.CharField(
            read_only=True,
            allow_null=True,
            help_text="null when confidential and the caller may not see it",
        )
    meta = type("Meta", (), {"model": model, "fields": fields, "read_only_fields": fields})
    name = f"{model.__name__}Output"
    return type(name, (_RecordOutput,), {"Meta": meta, "__module__": __name__, **extra})


@cache
def input_serializer(kind: str) -> type[serializers.Serializer]:
    model = KINDS[kind]
    attrs: dict[str, Any] = {"__module__": __name__}
    for name in EDITABLE[kind]:
        field = model._meta.get_field(name)
        if name in MONEY:
            attrs[name] = serializers.CharField(
                required=False, allow_null=True, allow_blank=True, max_length=40
            )
        elif name in LISTS:
            attrs[name] = serializers.ListField(
                child=serializers.CharField(max_length=200), required=False, max_length=200
            )
        elif name in ("confidential", "price_negotiable"):
            attrs[name] = serializers.BooleanField(required=False)
        elif name == "trl":
            attrs[name] = serializers.IntegerField(required=False, allow_null=True)
        elif name in ("deadline", "expires_on"):
            attrs[name] = serializers.DateField(required=False, allow_null=True)
        else:
            attrs[name] = serializers.CharField(
                required=False,
                allow_blank=True,
                allow_null=name == "external_id",
                max_length=getattr(field, "max_length", None) or 20000,
            )
    attrs["version"] = serializers.IntegerField(
        required=False, help_text="The version you edited; a stale one answers 409."
    )
    return type(f"{model.__name__}Input", (serializers.Serializer,), attrs)


def _input(kind: str, request: Request) -> dict[str, Any]:
    serializer = input_serializer(kind)(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _require_login(request: Request) -> None:
    if not request.user.is_authenticated:
        raise NotAuthenticated()


LIST_PARAMETERS = [
    OpenApiParameter("q", str, description="words in the title or name"),
    OpenApiParameter("field", str, description="technical field code"),
    OpenApiParameter("region", str, description="region code (prefix match: 520000 → 52…)"),
    OpenApiParameter("trl", int, description="minimum TRL (achievements)"),
    OpenApiParameter("status", str),
    OpenApiParameter("org", int, description="owner organisation id"),
    OpenApiParameter("sort", str, enum=list(selectors.SORTS)),
]


class RecordListApi(APIView):
    permission_classes = [permissions.AllowAny]

    def get_serializer_class(self) -> Any:  # for the schema
        return output_serializer(self.kwargs.get("kind", "achievement"))

    @extend_schema(operation_id="catalogue_records_list", parameters=LIST_PARAMETERS)
    def get(self, request: Request, kind: str) -> Response:
        params = request.query_params
        qs = selectors.record_list(
            kind,
            user=request.user,
            q=params.get("q", "")[:100],
            field=params.get("field", "")[:32],
            region=params.get("region", "")[:6],
            trl=params.get("trl", "")[:1],
            status=params.get("status", "")[:16],
            owner=params.get("org", "")[:12],
            sort=params.get("sort", "new")[:10],
        )
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        data = output_serializer(kind)(page, many=True, context={"request": request}).data
        return paginator.get_paginated_response(data)

    @extend_schema(operation_id="catalogue_records_create")
    def post(self, request: Request, kind: str) -> Response:
        _require_login(request)
        data = _input(kind, request)
        data.pop("version", None)
        try:
            record = services.record_create(actor=request.user, kind=kind, **data)
        except PermissionDenied:
            self.permission_denied(request, message="Only members of an organisation create.")
        body = output_serializer(kind)(record, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


class RecordDetailApi(APIView):
    permission_classes = [permissions.AllowAny]

    def get_serializer_class(self) -> Any:
        return output_serializer(self.kwargs.get("kind", "achievement"))

    def _get(self, request: Request, kind: str, pk: int) -> Any:
        return get_visible_or_404(selectors.visible_queryset(kind, request.user), pk, request.user)

    @extend_schema(operation_id="catalogue_records_retrieve")
    def get(self, request: Request, kind: str, pk: int) -> Response:
        record = self._get(request, kind, pk)
        return Response(output_serializer(kind)(record, context={"request": request}).data)

    @extend_schema(operation_id="catalogue_records_update")
    def patch(self, request: Request, kind: str, pk: int) -> Response:
        _require_login(request)
        record = self._get(request, kind, pk)
        if not selectors.can_edit(request.user, record):
            deny(request.user, object_type=record._meta.label_lower, object_id=pk)
        data = _input(kind, request)
        version = data.pop("version", None)
        record = services.record_update(
            actor=request.user, record=record, expected_version=version, **data
        )
        return Response(output_serializer(kind)(record, context={"request": request}).data)

    @extend_schema(operation_id="catalogue_records_delete", responses={204: None})
    def delete(self, request: Request, kind: str, pk: int) -> Response:
        _require_login(request)
        record = self._get(request, kind, pk)
        try:
            services.record_delete(actor=request.user, record=record)
        except PermissionDenied:
            deny(request.user, object_type=record._meta.label_lower, object_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ActionInput(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    expires_on = serializers.DateField(required=False, help_text="renew: the new expiry date")


class RevealOutput(serializers.Serializer):
    phone = serializers.CharField()
    email = serializers.CharField()


class RecordActionApi(APIView):
    """POST submit | publish | return | withdraw | confirm (demands) | renew (demands) |
    reveal (experts, bureau staff; audited) | withdraw_consent (experts)."""

    def get_serializer_class(self) -> Any:
        return output_serializer(self.kwargs.get("kind", "achievement"))

    @extend_schema(operation_id="catalogue_records_action", request=ActionInput)
    def post(self, request: Request, kind: str, pk: int, action: str) -> Response:
        record = get_visible_or_404(
            selectors.visible_queryset(kind, request.user), pk, request.user
        )
        body = ActionInput(data=request.data)
        body.is_valid(raise_exception=True)
        args = body.validated_data
        user = request.user
        try:
            if action == "submit":
                record = services.record_submit(actor=user, record=record)
            elif action == "publish":
                record = services.record_publish(actor=user, record=record)
            elif action == "return":
                record = services.record_return(
                    actor=user, record=record, reason=args.get("reason", "")
                )
            elif action == "withdraw":
                record = services.record_withdraw(
                    actor=user, record=record, reason=args.get("reason", "")
                )
            elif action == "confirm" and isinstance(record, Demand):
                record = services.demand_confirm(actor=user, demand=record)
            elif action == "renew" and isinstance(record, Demand):
                if "expires_on" not in args:
                    raise serializers.ValidationError({"expires_on": ["required"]})
                record = services.demand_renew(
                    actor=user, demand=record, expires_on=args["expires_on"]
                )
            elif action == "reveal" and isinstance(record, Expert):
                return Response(
                    RevealOutput(services.expert_reveal(actor=user, expert=record)).data
                )
            elif action == "withdraw_consent" and isinstance(record, Expert):
                record = services.expert_withdraw_consent(actor=user, expert=record)
            else:
                raise NotFound()
        except PermissionDenied:
            if selectors.can_edit(user, record) or selectors.is_bureau_staff(user):
                raise
            deny(user, object_type=record._meta.label_lower, object_id=pk, reason=action)
        return Response(output_serializer(kind)(record, context={"request": request}).data)


class ProposalOutput(serializers.ModelSerializer):
    price = serializers.SerializerMethodField()
    proposer_name = serializers.CharField(source="proposer.name", read_only=True)

    class Meta:
        model = SolutionProposal
        fields = [
            "id",
            "demand",
            "proposer",
            "proposer_name",
            "expert",
            "approach",
            "plan",
            "price",
            "duration_days",
            "status",
            "decision_note",
            "decided_at",
            "created_at",
            "version",
        ]

    def get_price(self, obj: SolutionProposal) -> str | None:
        return None if obj.price is None else format(obj.price, "f")


class ProposalInput(serializers.Serializer):
    approach = serializers.CharField(max_length=20000)
    plan = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    price = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=40)
    duration_days = serializers.IntegerField(required=False, allow_null=True)
    expert = serializers.IntegerField(required=False, allow_null=True)


class DemandProposalsApi(APIView):
    """A demand's proposals: the enterprise and staff see all, a proposer its own."""

    @extend_schema(responses=ProposalOutput(many=True))
    def get(self, request: Request, pk: int) -> Response:
        demand = get_visible_or_404(
            selectors.visible_queryset("demand", request.user), pk, request.user
        )
        qs = selectors.proposals_visible_to(request.user).filter(demand=demand)
        return Response(ProposalOutput(qs, many=True).data)

    @extend_schema(request=ProposalInput, responses={201: ProposalOutput})
    def post(self, request: Request, pk: int) -> Response:
        demand = get_visible_or_404(
            selectors.visible_queryset("demand", request.user), pk, request.user
        )
        body = ProposalInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        expert_id = data.pop("expert", None)
        expert = None
        if expert_id:
            expert = selectors.experts_for_proposal(request.user).filter(pk=expert_id).first()
            if expert is None:
                raise serializers.ValidationError({"expert": ["Not an expert of yours."]})
        try:
            proposal = services.proposal_submit(
                actor=request.user, demand=demand, expert=expert, **data
            )
        except PermissionDenied:
            self.permission_denied(request, message="Only members of an organisation propose.")
        return Response(ProposalOutput(proposal).data, status=status.HTTP_201_CREATED)


class ProposalDetailApi(APIView):
    @extend_schema(responses=ProposalOutput)
    def get(self, request: Request, pk: int) -> Response:
        proposal = get_visible_or_404(
            selectors.proposals_visible_to(request.user), pk, request.user
        )
        return Response(ProposalOutput(proposal).data)


class ProposalActionInput(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ProposalActionApi(APIView):
    """POST accept | decline (the demand's enterprise) | withdraw (the proposer)."""

    @extend_schema(request=ProposalActionInput, responses=ProposalOutput)
    def post(self, request: Request, pk: int, action: str) -> Response:
        proposal = get_visible_or_404(
            selectors.proposals_visible_to(request.user), pk, request.user
        )
        body = ProposalActionInput(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            if action in ("accept", "decline"):
                proposal = services.proposal_decide(
                    actor=request.user,
                    proposal=proposal,
                    accept=action == "accept",
                    note=body.validated_data.get("note", ""),
                )
            elif action == "withdraw":
                proposal = services.proposal_withdraw(actor=request.user, proposal=proposal)
            else:
                raise NotFound()
        except PermissionDenied:
            deny(
                request.user, object_type="catalogue.solutionproposal", object_id=pk, reason=action
            )
        return Response(ProposalOutput(proposal).data)
