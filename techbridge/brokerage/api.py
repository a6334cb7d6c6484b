"""Brokerage API: deals (list, detail with events, stage moves), recommendations
(list, create, answer), published meetings and a participant's own schedule.
Amounts travel as exact decimal strings."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from techbridge.accounts.access import deny, get_visible_or_404
from techbridge.brokerage import selectors, services
from techbridge.brokerage.models import (
    OPEN_STAGES,
    Deal,
    DealEvent,
    DealResult,
    DealStage,
    DeclineReason,
    MatchmakingEvent,
    Recommendation,
)
from techbridge.catalogue import selectors as catalogue
from techbridge.core.api import Pagination, StrictCharField


class DealOutput(serializers.ModelSerializer):
    expected_value = serializers.SerializerMethodField()
    contract_status = serializers.SerializerMethodField()
    registration_number = serializers.SerializerMethodField()

    class Meta:
        model = Deal
        fields = [
            "id",
            "title",
            "demand",
            "resources",
            "enterprise",
            "supplier",
            "broker",
            "stage",
            "result",
            "lost_reason",
            "expected_value",
            "technical_field",
            "contract",
            "contract_status",
            "registration_number",
            "closed_at",
            "version",
        ]

    def get_expected_value(self, obj: Deal) -> str | None:
        return None if obj.expected_value is None else format(obj.expected_value, "f")

    def get_contract_status(self, obj: Deal) -> str | None:
        return obj.contract.status if obj.contract is not None else None

    def get_registration_number(self, obj: Deal) -> str | None:
        return obj.contract.registration_number if obj.contract is not None else None


class DealEventOutput(serializers.ModelSerializer):
    kind = serializers.CharField()  # DealEventKind value
    # The API keeps its names for the event base's from_state / to_state.
    from_stage = serializers.CharField(source="from_state")
    to_stage = serializers.CharField(source="to_state")

    class Meta:
        model = DealEvent
        fields = ["kind", "from_stage", "to_stage", "at", "note"]


class DealDetailOutput(DealOutput):
    events = DealEventOutput(many=True, read_only=True)

    class Meta(DealOutput.Meta):
        fields = [*DealOutput.Meta.fields, "events"]


class MoveInput(serializers.Serializer):
    to_stage = serializers.ChoiceField(choices=list(OPEN_STAGES), required=False)
    note = StrictCharField(max_length=2000, required=False, allow_blank=True)
    version = serializers.IntegerField(required=False)


class RecommendationOutput(serializers.ModelSerializer):
    decline_reason = serializers.CharField()  # DeclineReason value or ""

    class Meta:
        model = Recommendation
        fields = [
            "id",
            "demand",
            "resource_kind",
            "resource_id",
            "resource_title",
            "resource_owner",
            "broker",
            "note",
            "score",
            "status",
            "decline_reason",
            "decline_text",
            "decided_at",
        ]


class RecommendationInput(serializers.Serializer):
    demand = serializers.IntegerField()
    resource_kind = StrictCharField(max_length=16)
    resource_id = serializers.IntegerField()
    note = StrictCharField(max_length=2000, required=False, allow_blank=True)


class AnswerInput(serializers.Serializer):
    accept = serializers.BooleanField()
    reason = serializers.ChoiceField(choices=DeclineReason.choices, required=False)
    text = StrictCharField(max_length=2000, required=False, allow_blank=True)


class EventOutput(serializers.ModelSerializer):
    class Meta:
        model = MatchmakingEvent
        fields = [
            "id",
            "title",
            "held_on",
            "place",
            "online",
            "themes",
            "description",
            "status",
            "tables",
            "slots",
            "first_slot_at",
            "slot_minutes",
        ]


class ScheduleRowOutput(serializers.Serializer):
    time = serializers.CharField()
    table = serializers.IntegerField()
    with_organisation = serializers.CharField()
    topic = serializers.CharField()
    outcome = serializers.CharField()


class DealQuery(serializers.Serializer):
    stage = serializers.ChoiceField(
        choices=[*DealStage.values, *DealResult.values],
        required=False,
        allow_blank=True,
        help_text="a stage, or won / lost for closed deals",
    )
    field = serializers.CharField(
        required=False, allow_blank=True, max_length=40, help_text="technical field code"
    )
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="title or enterprise"
    )


class DealListApi(APIView):
    pagination_class = Pagination

    @extend_schema(parameters=[DealQuery], responses=DealOutput(many=True))
    def get(self, request: Request) -> Response:
        params = DealQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        qs = selectors.deal_list(
            user=request.user,
            stage=params.validated_data.get("stage", ""),
            field=params.validated_data.get("field", ""),
            q=params.validated_data.get("q", ""),
        )
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(DealOutput(page, many=True).data)


class DealDetailApi(APIView):
    @extend_schema(responses=DealDetailOutput)
    def get(self, request: Request, pk: int) -> Response:
        deal = get_visible_or_404(selectors.deals_visible_to(request.user), pk, request.user)
        return Response(DealDetailOutput(deal).data)


class DealMoveApi(APIView):
    @extend_schema(request=MoveInput, responses=DealOutput)
    def post(self, request: Request, pk: int) -> Response:
        deal = get_visible_or_404(selectors.deals_visible_to(request.user), pk, request.user)
        if not services.can_manage(request.user, deal):
            deny(request.user, object_type="brokerage.deal", object_id=pk, reason="move")
        data = MoveInput(data=request.data)
        data.is_valid(raise_exception=True)
        values: dict[str, Any] = dict(data.validated_data)
        deal = services.deal_move(
            actor=request.user,
            deal=deal,
            to_stage=values.get("to_stage"),
            note=values.get("note", ""),
            expected_version=values.get("version"),
        )
        return Response(DealOutput(deal).data)


class RecommendationListApi(APIView):
    pagination_class = Pagination

    @extend_schema(responses=RecommendationOutput(many=True))
    def get(self, request: Request) -> Response:
        qs = selectors.recommendations_visible_to(request.user).order_by("-created_at", "-id")
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(RecommendationOutput(page, many=True).data)

    @extend_schema(request=RecommendationInput, responses={201: RecommendationOutput})
    def post(self, request: Request) -> Response:
        data = RecommendationInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        demand = get_visible_or_404(
            catalogue.visible_queryset("demand", request.user), values["demand"], request.user
        )
        reco = services.recommendation_create(
            actor=request.user,
            demand=demand,
            resource_kind=values["resource_kind"],
            resource_id=values["resource_id"],
            note=values.get("note", ""),
        )
        return Response(RecommendationOutput(reco).data, status=status.HTTP_201_CREATED)


class RecommendationAnswerApi(APIView):
    @extend_schema(request=AnswerInput, responses=RecommendationOutput)
    def post(self, request: Request, pk: int) -> Response:
        reco = get_visible_or_404(
            selectors.recommendations_for_enterprise(request.user), pk, request.user
        )
        data = AnswerInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if values["accept"]:
            reco = services.recommendation_accept(actor=request.user, recommendation=reco)
        else:
            reco = services.recommendation_decline(
                actor=request.user,
                recommendation=reco,
                reason=values.get("reason", ""),
                text=values.get("text", ""),
            )
        return Response(RecommendationOutput(reco).data)


class EventListApi(APIView):
    permission_classes = [AllowAny]
    pagination_class = Pagination

    @extend_schema(responses=EventOutput(many=True))
    def get(self, request: Request) -> Response:
        paginator = Pagination()
        page = paginator.paginate_queryset(
            selectors.events_visible_to(request.user), request, view=self
        )
        return paginator.get_paginated_response(EventOutput(page, many=True).data)


class MyScheduleApi(APIView):
    @extend_schema(responses=ScheduleRowOutput(many=True))
    def get(self, request: Request, pk: int) -> Response:
        event = get_visible_or_404(selectors.events_visible_to(request.user), pk, request.user)
        me = selectors.participant_of(request.user, event)
        if me is None:
            deny(
                request.user,
                object_type="brokerage.matchmakingevent",
                object_id=pk,
                reason="schedule",
            )
        rows = [
            {
                "time": row["time"],
                "table": row["table"],
                "with_organisation": row["other"].organisation.name,
                "topic": row["topic"],
                "outcome": row["meeting"].outcome,
            }
            for row in selectors.schedule_rows(event, me)
        ]
        return Response(ScheduleRowOutput(rows, many=True).data)
