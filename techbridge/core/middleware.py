"""Request context (id, source address) and the 503 answer when the database is down."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from techbridge.core import context

logger = logging.getLogger("techbridge.request")


def source_address(request: HttpRequest) -> str | None:
    # Only the socket address is trusted: X-Forwarded-For is client-controlled unless a
    # proxy we run sets it, and then the proxy's own config rewrites REMOTE_ADDR.
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = context.new_request_id()
        request.request_id = request_id  # type: ignore[attr-defined]
        channel = "api" if request.path.startswith("/api/") else "web"
        token = context.bind(
            context.RequestInfo(
                request_id=request_id,
                source_address=source_address(request),
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:200],
                channel=channel,
            )
        )
        try:
            response = self.get_response(request)
        finally:
            context.reset(token)
        response["X-Request-ID"] = request_id
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OperationalError | InterfaceError) or (
            isinstance(exception, DatabaseError) and "connect" in str(exception).lower()
        ):
            request_id = getattr(request, "request_id", "-")
            logger.error("database unavailable: %s", type(exception).__name__)
            body = render_to_string("503.html", {"request_id": request_id})
            return HttpResponse(body, status=503, headers={"Retry-After": "30"})
        return None
