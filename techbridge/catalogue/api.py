"""Catalogue API: list/detail per kind (public read of published records, members write
their own), workflow actions as POST, solution proposals. Thin views over selectors and
services; explicit input and output serializers per kind."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import NotAuthenticated, NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from techbridge.accounts.access import deny, get_visible_or_404
from techbridge.catalogue import selectors, services
from techbridge.catalogue.kinds import KINDS, PLURALS
from techbridge.catalogue.models import Demand, Expert, SolutionProposal, Status
from techbridge.catalogue.services.fields import CHOICES, EDITABLE, LISTS, MONEY, REQUIRED
from techbridge.core.api import Pagination, StrictBooleanField, StrictCharField
from techbridge.core.api_money import AmountInputField
from techbridge.core.api_schema import AutoSchema
from techbridge.core.masking import PERSONAL_FIELDS

READ_ONLY = ["id", "status", "published_at", "owner", "owner_name", "version", "created_at"]
READ_ONLY += ["updated_at", "url"]


class _RecordOutput(serializers.ModelSerializer):
    owner_name = serializers.CharField(source="owner.name", read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        user = self.context["request"].user
        reveal = selectors.can_see_contacts(user, instance)
        for name, mask in PERSONAL_FIELDS.items():
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
    # consent_version is written, never shown (to_representation drops it).
    fields = [*READ_ONLY, *(name for name in EDITABLE[kind] if name != "consent_version")]
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
def input_serializer(kind: str, *, creating: bool = False) -> type[serializers.Serializer]:
    """The body of a PATCH (every field optional, ``version`` required) or, ``creating``,
    of a POST (the kind's required fields required, no version)."""
    model = KINDS[kind]
    attrs: dict[str, Any] = {"__module__": __name__}
    required = set(REQUIRED[kind]) if creating else set()
    for name in EDITABLE[kind]:
        field = model._meta.get_field(name)
        if name in required:
            attrs[name] = (
                serializers.ChoiceField(choices=CHOICES[name].choices)
                if name in CHOICES
                else StrictCharField(max_length=getattr(field, "max_length", None) or 20000)
            )
            continue
        if name in MONEY:
            attrs[name] = AmountInputField(required=False, allow_null=True, allow_blank=True)
        elif name in LISTS:
            attrs[name] = serializers.ListField(
                child=StrictCharField(max_length=200), required=False, max_length=200
            )
        elif name in ("confidential", "price_negotiable"):
            attrs[name] = StrictBooleanField(required=False)
        elif name == "trl":
            attrs[name] = serializers.IntegerField(required=False, allow_null=True)
        elif name in ("deadline", "expires_on"):
            attrs[name] = serializers.DateField(required=False, allow_null=True)
        elif name in CHOICES:
            # "" only where the column may be blank: the service would store it as is.
            attrs[name] = serializers.ChoiceField(
                choices=CHOICES[name].choices,
                required=False,
                allow_blank=bool(getattr(field, "blank", False)),
            )
        else:
            attrs[name] = StrictCharField(
                required=False,
                allow_blank=True,
                allow_null=name == "external_id",
                max_length=getattr(field, "max_length", None) or 20000,
            )
    if not creating:
        # Required: a PATCH without it would overwrite whatever was saved meanwhile.
        attrs["version"] = serializers.IntegerField(
            min_value=1, help_text="The version you edited; a stale one answers 409."
        )
    name = f"{model.__name__}{'Create' if creating else 'Update'}Input"
    return type(name, (serializers.Serializer,), attrs)


def _input(kind: str, request: Request, *, creating: bool = False) -> dict[str, Any]:
    serializer = input_serializer(kind, creating=creating)(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _require_login(request: Request) -> None:
    if not request.user.is_authenticated:
        raise NotAuthenticated()


class RecordQuery(serializers.Serializer):
    """List filters. A well-formed code that matches nothing (an unknown region or field)
    lists nothing; a malformed one is a 400 naming the parameter."""

    q = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="words in the title or name"
    )
    field = serializers.CharField(
        required=False, allow_blank=True, max_length=32, help_text="technical field code"
    )
    region = serializers.RegexField(
        r"^(\d{2}|\d{4}|\d{6})$",
        required=False,
        allow_blank=True,
        help_text="GB/T 2260 code or prefix: 520000 or 52 → all of 52…, 520100 or 5201 → "
        "5201…, 520115 exactly",
    )
    trl = serializers.IntegerField(
        required=False, min_value=1, max_value=9, help_text="minimum TRL (achievements)"
    )
    status = serializers.ChoiceField(choices=Status.choices, required=False, allow_blank=True)
    org = serializers.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, help_text="owner organisation id"
    )
    sort = serializers.ChoiceField(
        choices=list(selectors.SORTS), required=False, allow_blank=True, help_text="default new"
    )


class RecordSchema(AutoSchema):
    """One operation per kind (and action), with that kind's serializers: the views serve
    every kind from one URL pattern, so the schema reads the kind from the view's
    ``schema_kind`` that core.api_schema.expand_schema_variants sets."""

    def _kind(self) -> str:
        return getattr(self.view, "schema_kind", "") or "achievement"

    def get_operation_id(self) -> str:
        slug = KIND_SLUGS[self._kind()]
        view = self.view
        if isinstance(view, RecordActionApi):
            return f"{slug}_{view.schema_action}"
        if isinstance(view, RecordListApi):
            return f"{slug}_{'list' if self.method == 'GET' else 'create'}"
        return f"{slug}_{ {'GET': 'retrieve', 'PATCH': 'update'}.get(self.method, 'delete')}"

    def get_tags(self) -> list[str]:
        return ["catalogue"]

    def get_override_parameters(self) -> list[Any]:
        if isinstance(self.view, RecordListApi) and self.method == "GET":
            return [RecordQuery]
        return []

    def get_request_serializer(self) -> Any:
        kind, view = self._kind(), self.view
        if isinstance(view, RecordActionApi):
            return ACTION_INPUTS.get(view.schema_action)
        if self.method == "POST":
            return input_serializer(kind, creating=True)
        if self.method == "PATCH":
            return input_serializer(kind)
        return None

    def get_response_serializers(self) -> Any:
        output = output_serializer(self._kind())
        view = self.view
        if isinstance(view, RecordActionApi):
            return RevealOutput if view.schema_action == "reveal" else output
        if self.method == "DELETE":
            return {204: None}
        if isinstance(view, RecordListApi):
            return output(many=True) if self.method == "GET" else {201: output}
        return output


KIND_SLUGS = {kind: slug for slug, kind in PLURALS.items()}
KIND_ACTIONS = {
    kind: [
        "submit",
        "publish",
        "return",
        "withdraw",
        *(["confirm", "renew"] if kind == "demand" else []),
        *(["reveal", "withdraw_consent"] if kind == "expert" else []),
    ]
    for kind in KINDS
}


def _kind_variants(method: str) -> list[tuple[dict[str, str], dict[str, Any]]]:
    return [({"kind": slug}, {"schema_kind": kind}) for slug, kind in PLURALS.items()]


class RecordListApi(APIView):
    permission_classes = [permissions.AllowAny]
    pagination_class = Pagination
    schema = RecordSchema()
    schema_kind = ""
    schema_variants = staticmethod(_kind_variants)

    def get(self, request: Request, kind: str) -> Response:
        params = RecordQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        args = params.validated_data
        qs = selectors.record_list(
            kind,
            user=request.user,
            q=args.get("q", ""),
            field=args.get("field", ""),
            region=args.get("region", ""),
            trl=args.get("trl", ""),
            status=args.get("status", ""),
            owner=args.get("org", ""),
            sort=args.get("sort") or "new",
        )
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        data = output_serializer(kind)(page, many=True, context={"request": request}).data
        return paginator.get_paginated_response(data)

    def post(self, request: Request, kind: str) -> Response:
        _require_login(request)
        data = _input(kind, request, creating=True)
        try:
            record = services.record_create(actor=request.user, kind=kind, **data)
        except PermissionDenied:
            self.permission_denied(request, message="Only members of an organisation create.")
        body = output_serializer(kind)(record, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


class RecordDetailApi(APIView):
    permission_classes = [permissions.AllowAny]
    schema = RecordSchema()
    schema_kind = ""
    schema_variants = staticmethod(_kind_variants)

    def _get(self, request: Request, kind: str, pk: int) -> Any:
        return get_visible_or_404(selectors.visible_queryset(kind, request.user), pk, request.user)

    def get(self, request: Request, kind: str, pk: int) -> Response:
        record = self._get(request, kind, pk)
        return Response(output_serializer(kind)(record, context={"request": request}).data)

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

    def delete(self, request: Request, kind: str, pk: int) -> Response:
        _require_login(request)
        record = self._get(request, kind, pk)
        try:
            services.record_delete(actor=request.user, record=record)
        except PermissionDenied:
            deny(request.user, object_type=record._meta.label_lower, object_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ActionInput(serializers.Serializer):
    reason = StrictCharField(required=False, allow_blank=True, max_length=2000)
    expires_on = serializers.DateField(required=False, help_text="renew: the new expiry date")


class ActionReasonInput(serializers.Serializer):
    reason = StrictCharField(required=False, allow_blank=True, max_length=2000)


class RenewInput(serializers.Serializer):
    expires_on = serializers.DateField(help_text="the new expiry date")


# What each action reads from the body (the others need none).
ACTION_INPUTS: dict[str, type[serializers.Serializer]] = {
    "return": ActionReasonInput,
    "withdraw": ActionReasonInput,
    "renew": RenewInput,
}


class RevealOutput(serializers.Serializer):
    phone = serializers.CharField()
    email = serializers.CharField()


class RecordActionApi(APIView):
    """POST submit | publish | return | withdraw | confirm (demands) | renew (demands) |
    reveal (experts, bureau staff; audited) | withdraw_consent (experts)."""

    schema = RecordSchema()
    schema_kind = ""
    schema_action = ""

    @staticmethod
    def schema_variants(method: str) -> list[tuple[dict[str, str], dict[str, Any]]]:
        return [
            (
                {"kind": KIND_SLUGS[kind], "action": action},
                {"schema_kind": kind, "schema_action": action},
            )
            for kind, actions in KIND_ACTIONS.items()
            for action in actions
        ]

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
    approach = StrictCharField(max_length=20000)
    plan = StrictCharField(required=False, allow_blank=True, max_length=20000)
    price = AmountInputField(required=False, allow_blank=True, allow_null=True)
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
    note = StrictCharField(required=False, allow_blank=True, max_length=2000)


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
