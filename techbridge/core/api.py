"""API conventions: pagination and the one error format (documented by core.api_schema).

Every error answers ``{"error": {"status", "code", "message", "fields", "request_id"}}``;
``fields`` maps a field name to its list of messages (validation errors only).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, QueryDict
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from techbridge.core import context
from techbridge.core.exceptions import ConflictError, TransitionError


def int_param(request: Request, name: str, *, low: int, high: int | None = None) -> int | None:
    """The integer query parameter ``name`` within [low, high], None when absent; anything
    else is a 400 naming the parameter and what it accepts."""
    raw = request.query_params.get(name)
    if raw is None:
        return None
    try:
        value = int(raw.strip())
    except ValueError:
        value = None
    if value is None or value < low or (high is not None and value > high):
        limit = f"{low}–{high}" if high is not None else f"≥ {low}"
        message = _("%(name)s must be a whole number %(limit)s, not “%(v)s”.") % {
            "name": name,
            "limit": limit,
            "v": raw[:20],
        }
        raise exceptions.ValidationError({name: [message]})
    return value


# The range of a BigAutoField id (every table's primary key): a larger number in a body or
# query string is a 400, not the database's overflow error.
MAX_ID = 2**63 - 1
# The range of a ``version`` column (a PositiveIntegerField).
MAX_VERSION = 2**31 - 1


class StrictQuery(serializers.Serializer):
    """Query parameters as the schema states them: an empty value (``?kind=``) is refused,
    naming the parameter, unless the field allows blank text. DRF takes it for an absent
    parameter, which answers 200 to a request the schema calls invalid."""

    def to_internal_value(self, data: Any) -> Any:
        errors: dict[str, Any] = {}
        for name, field in self.fields.items():
            if not isinstance(data, Mapping) or data.get(name) != "":
                continue
            if field.read_only or getattr(field, "allow_blank", False):
                continue
            try:
                field.run_validation("")
            except serializers.ValidationError as exc:
                errors[name] = exc.detail
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            detail: dict[Any, Any] = exc.detail if isinstance(exc.detail, dict) else {}
            raise serializers.ValidationError({**detail, **errors}) from None
        if errors:
            raise serializers.ValidationError(errors)
        return value


class StrictCharField(serializers.CharField):
    """A CharField for request bodies that refuses a number or boolean where text is due:
    DRF's own turns ``0`` into ``"0"``, accepting a body the schema calls invalid."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """A BooleanField for JSON bodies: true or false only (DRF's also takes 0, 1, "yes").
    Form-encoded bodies, where every value is text, keep DRF's reading."""

    def to_internal_value(self, data: Any) -> bool:
        if isinstance(getattr(self.root, "initial_data", None), QueryDict):
            return bool(super().to_internal_value(data))
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class Pagination(PageNumberPagination):
    """Page numbers from 1 and page sizes of 1–200; anything else is a 400 naming the
    parameter (DRF would silently fall back to the default size, or answer 404 for page 0).
    A page past the last one stays 404."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request: Request) -> int:
        size = int_param(request, self.page_size_query_param, low=1, high=self.max_page_size)
        return self.page_size if size is None else size

    def get_page_number(self, request: Request, paginator: Any) -> int:
        return int_param(request, self.page_query_param, low=1) or 1

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "Page number, from 1; past the last page answers 404.",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Results per page (default {self.page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]


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
