"""Notices API: the notices one received or may supervise, sending one, a notice with its
receipts (for its senders) and marking one read."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from techbridge.accounts.access import deny, get_visible_or_404
from techbridge.core.api import MAX_ID, Pagination, StrictCharField, StrictQuery
from techbridge.notices import selectors, services
from techbridge.notices.models import Notice, NoticeKind, NoticeRecipient, RecipientVia
from techbridge.notices.services import BODY_MAX, TITLE_MAX
from techbridge.notifications.models import RobotMessageStatus


class NoticeOutput(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=NoticeKind.choices)
    sender = serializers.SerializerMethodField()
    sender_organisation = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = ["id", "kind", "title", "body", "sender", "sender_organisation", "sent_at"]

    def get_sender(self, obj: Notice) -> str:
        return str(obj.created_by)

    def get_sender_organisation(self, obj: Notice) -> str | None:
        return None if obj.sender_organisation is None else str(obj.sender_organisation)


class ReceivedOutput(serializers.ModelSerializer):
    """A notice in the recipient's list: the notice and their own read time."""

    notice = NoticeOutput()

    class Meta:
        model = NoticeRecipient
        fields = ["notice", "read_at"]


class SentOutput(NoticeOutput):
    recipient_count = serializers.IntegerField()
    read_count = serializers.IntegerField()

    class Meta(NoticeOutput.Meta):
        fields = [*NoticeOutput.Meta.fields, "recipient_count", "read_count"]


class ReceiptOutput(serializers.ModelSerializer):
    recipient = serializers.SerializerMethodField()
    organisation = serializers.SerializerMethodField()
    via = serializers.ChoiceField(choices=RecipientVia.choices)

    class Meta:
        model = NoticeRecipient
        fields = ["recipient", "organisation", "via", "via_label", "read_at"]

    def get_recipient(self, obj: NoticeRecipient) -> str:
        return str(obj.user)

    def get_organisation(self, obj: NoticeRecipient) -> str | None:
        organisation = obj.user.organisation
        return None if organisation is None else str(organisation)


class RobotDeliveryOutput(serializers.Serializer):
    robot = serializers.CharField(source="robot.name")
    status = serializers.ChoiceField(choices=RobotMessageStatus.choices)
    attempts = serializers.IntegerField()
    sent_at = serializers.DateTimeField(allow_null=True)


class NoticeDetailOutput(NoticeOutput):
    """A notice; ``read_at`` is the caller's own receipt (null if not a recipient or not
    read yet). Senders also get ``receipts`` with counts and the robot deliveries."""

    read_at = serializers.DateTimeField(allow_null=True)
    recipient_count = serializers.IntegerField(allow_null=True)
    read_count = serializers.IntegerField(allow_null=True)
    receipts = ReceiptOutput(many=True, allow_null=True)
    robots = RobotDeliveryOutput(many=True, allow_null=True)

    class Meta(NoticeOutput.Meta):
        fields = [
            *NoticeOutput.Meta.fields,
            "read_at",
            "recipient_count",
            "read_count",
            "receipts",
            "robots",
        ]


class NoticeInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=NoticeKind.choices, default=NoticeKind.NOTICE)
    title = StrictCharField(max_length=TITLE_MAX)
    body = StrictCharField(max_length=BODY_MAX)
    projects = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        max_length=5000,
        help_text="project ids",
    )
    zones = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        max_length=1000,
        help_text="zone ids",
    )
    departments = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        max_length=1000,
        help_text="department (government organisation) ids",
    )
    robots = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        max_length=100,
        help_text="group robot ids",
    )


class NoticeQuery(StrictQuery):
    box = serializers.ChoiceField(
        choices=["received", "sent"],
        required=False,
        default="received",
        help_text="received: notices addressed to you; sent: notices you may supervise",
    )
    unread = serializers.BooleanField(required=False, default=False)


def _pick(qs: Any, ids: list[int], field: str) -> list[Any]:
    """The objects with ``ids`` from the caller's addressable ``qs``; any other id is a 400
    naming the field and the id (whether it exists or not)."""
    found = {obj.pk: obj for obj in qs.filter(pk__in=ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise serializers.ValidationError({field: [f"not one you may address: {missing[0]}"]})
    return [found[i] for i in dict.fromkeys(ids)]


def _detail(notice: Notice, user: Any) -> dict[str, Any]:
    data: dict[str, Any] = dict(NoticeOutput(notice).data)
    receipt = selectors.receipt_of(notice, user)
    data["read_at"] = (
        None
        if receipt is None or receipt.read_at is None
        else (serializers.DateTimeField().to_representation(receipt.read_at))
    )
    data.update(recipient_count=None, read_count=None, receipts=None, robots=None)
    if selectors.sent_visible_to(user).filter(pk=notice.pk).exists():
        rows = list(selectors.receipts(notice))
        data.update(
            recipient_count=len(rows),
            read_count=sum(1 for r in rows if r.read_at is not None),
            receipts=ReceiptOutput(rows, many=True).data,
            robots=RobotDeliveryOutput(selectors.robot_deliveries(notice), many=True).data,
        )
    return data


class NoticeListApi(APIView):
    pagination_class = Pagination

    @extend_schema(parameters=[NoticeQuery], responses=ReceivedOutput(many=True))
    def get(self, request: Request) -> Response:
        """``box=received`` (default): notices addressed to you with your read time;
        ``box=sent``: notices you may supervise, with recipient and read counts."""
        params = NoticeQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        paginator = Pagination()
        if params.validated_data["box"] == "sent":
            sent = selectors.sent_list(request.user)
            page = paginator.paginate_queryset(sent, request, view=self)
            return paginator.get_paginated_response(SentOutput(page, many=True).data)
        received = selectors.received_by(request.user)
        if params.validated_data["unread"]:
            received = received.filter(read_at__isnull=True)
        rows = paginator.paginate_queryset(received, request, view=self)  # type: ignore[arg-type]
        return paginator.get_paginated_response(ReceivedOutput(rows, many=True).data)

    @extend_schema(request=NoticeInput, responses={201: NoticeDetailOutput})
    def post(self, request: Request) -> Response:
        """Send a notice (bureau staff, department handlers) to projects, zones,
        departments and/or group robots, by id."""
        if not selectors.can_send(request.user):
            deny(request.user, object_type="notices.notice", reason="send")
        data = NoticeInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        user = request.user
        notice = services.notice_send(
            actor=user,
            kind=values["kind"],
            title=values["title"],
            body=values["body"],
            projects=_pick(
                selectors.addressable_projects(user), values.get("projects", []), "projects"
            ),
            zones=_pick(selectors.addressable_zones(user), values.get("zones", []), "zones"),
            departments=_pick(
                selectors.addressable_departments(user),
                values.get("departments", []),
                "departments",
            ),
            robots=_pick(selectors.usable_robots(user), values.get("robots", []), "robots"),
        )
        return Response(_detail(notice, user), status=status.HTTP_201_CREATED)


class NoticeDetailApi(APIView):
    @extend_schema(responses=NoticeDetailOutput)
    def get(self, request: Request, pk: int) -> Response:
        """A notice you received or may supervise (reading it here does not mark it read:
        POST …/read/ does)."""
        notice = get_visible_or_404(selectors.notices_visible_to(request.user), pk, request.user)
        return Response(_detail(notice, request.user))


class ReadOutput(serializers.Serializer):
    read_at = serializers.DateTimeField()


class NoticeReadApi(APIView):
    @extend_schema(request=None, responses=ReadOutput)
    def post(self, request: Request, pk: int) -> Response:
        """Mark a notice addressed to you read (the first time counts; repeats keep it)."""
        notice = get_visible_or_404(selectors.notices_visible_to(request.user), pk, request.user)
        receipt = services.notice_mark_read(actor=request.user, notice=notice)
        if receipt is None:
            deny(request.user, object_type="notices.notice", object_id=pk, reason="not a recipient")
        return Response(ReadOutput({"read_at": receipt.read_at}).data)
