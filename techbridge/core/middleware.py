"""Request context (id, source address) and the 503 answer when the database is down."""

from __future__ import annotations

import logging
from collections.abc import Callable
from ipaddress import IPv4Network, IPv6Network, ip_address

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from techbridge.core import context

logger = logging.getLogger("techbridge.request")


def _trusted(address: str, networks: list[IPv4Network | IPv6Network]) -> bool:
    try:
        ip = ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def source_address(request: HttpRequest) -> str | None:
    """The client's address for the audit trail and the login lockout.

    X-Forwarded-For is client-controlled, so it is read only when the socket peer is one of
    our own proxies (``TRUSTED_PROXIES``); then the right-most address that is not a
    trusted proxy is the client (every proxy appends the address it saw, so anything to
    its left may be forged). Otherwise the socket address is the answer."""
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.TRUSTED_PROXIES
    if not remote or not proxies or not _trusted(remote, proxies):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([part.strip() for part in forwarded.split(",") if part.strip()]):
        try:
            ip_address(hop)
        except ValueError:
            return remote  # a malformed chain: trust nothing it says
        if not _trusted(hop, proxies):
            return hop
    return remote


def axes_client_ip(request: HttpRequest) -> str:
    return source_address(request) or ""


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
            headers = {"Retry-After": "30"}
            if request.path.startswith("/api/"):
                # The API's one error format, not an HTML page a client cannot parse.
                return JsonResponse(
                    {
                        "error": {
                            "status": 503,
                            "code": "service_unavailable",
                            "message": _(
                                "The service is briefly unavailable. Try again in a minute."
                            ),
                            "request_id": request_id,
                        }
                    },
                    status=503,
                    headers=headers,
                )
            body = render_to_string("503.html", {"request_id": request_id})
            return HttpResponse(body, status=503, headers=headers)
        return None
