"""API conventions: pagination and the one error format.

Every error answers ``{"error": {"status", "code", "message", "fields", "request_id"}}``;
``fields`` maps a field name to its list of messages (validation errors only).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from techbridge.core import context
from techbridge.core.exceptions import ConflictError, TransitionError


class Pagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 200


def _error(status_code: int, code: str, message: str, fields: Any = None) -> Response:
    body: dict[str, Any] = {
        "error": {
            "status": status_code,
            "code": code,
            "message": message,
            "request_id": context.current().request_id,
        }
    }
    if fields:
        body["error"]["fields"] = fields
    return Response(body, status=status_code)


def exception_handler(exc: Exception, ctx: dict[str, Any]) -> Response | None:
    if isinstance(exc, ConflictError):
        return _error(status.HTTP_409_CONFLICT, "conflict", exc.message)
    if isinstance(exc, TransitionError):
        return _error(status.HTTP_409_CONFLICT, "invalid_transition", exc.message)
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else None
        message = "; ".join(exc.messages)
        return _error(status.HTTP_400_BAD_REQUEST, "invalid", message, fields)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, ctx)
    if response is None:
        return None  # unexpected errors become the generic 500 page with a request id
    data = response.data
    if isinstance(exc, exceptions.ValidationError):
        fields = data if isinstance(data, dict) else {"non_field_errors": data}
        first = next(iter(fields.values()), [""])
        message = str(first[0] if isinstance(first, list) and first else first)
        return _error(response.status_code, "invalid", message, fields)
    detail = data.get("detail", "") if isinstance(data, dict) else data
    code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
    result = _error(response.status_code, str(code), str(detail))
    for header in ("WWW-Authenticate", "Retry-After", "Allow"):
        if header in response:
            result[header] = response[header]
    return result
