"""The user's own notifications."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from techbridge.core.api import Pagination
from techbridge.notifications import selectors
from techbridge.notifications.models import Notification


class NotificationOutput(serializers.ModelSerializer):
    kind = serializers.CharField()
    # In the caller's language (Accept-Language), like the inbox page.
    title = serializers.CharField(source="title_text")
    body = serializers.CharField(source="body_text")

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "link", "created_at", "read_at"]


class NotificationListApi(APIView):
    pagination_class = Pagination

    @extend_schema(
        parameters=[
            OpenApiParameter("unread", str, description="any non-empty value: unread only")
        ],
        responses=NotificationOutput(many=True),
    )
    def get(self, request: Request) -> Response:
        qs = selectors.inbox(request.user)
        if request.query_params.get("unread"):
            qs = qs.filter(read_at__isnull=True)
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(NotificationOutput(page, many=True).data)
