"""The API schema as the views behave: drf-spectacular plus the error answers and the
one-path-per-kind expansion (REST_FRAMEWORK / SPECTACULAR_SETTINGS point here).

Kept apart from core.api because DRF imports the pagination class from there while it is
still loading its own modules, and drf-spectacular imports DRF's generics.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from drf_spectacular import openapi
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework.permissions import AllowAny

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "code", "message", "request_id"],
            "properties": {
                "status": {"type": "integer", "description": "the HTTP status again"},
                "code": {
                    "type": "string",
                    "description": "invalid, not_found, conflict, invalid_transition, "
                    "not_authenticated, authentication_failed, permission_denied, …",
                },
                "message": {"type": "string", "description": "for people, in Chinese"},
                "fields": {
                    "type": "object",
                    "additionalProperties": {},
                    "description": "validation errors only: field name → list of messages",
                },
                "request_id": {"type": "string", "description": "also in X-Request-ID"},
            },
        }
    },
}
ERROR_DESCRIPTIONS = {
    "400": "Invalid input: `fields` names each bad field or parameter.",
    "401": "Not logged in, or the token is unknown, expired or revoked.",
    "403": "Logged in but not allowed to do this (or the CSRF check of a session failed).",
    "404": "No such object, or one the caller may not see (the same answer on purpose).",
    "409": "A stale `version` (someone saved first) or a step the record's state forbids.",
    "429": "Too many requests; see Retry-After.",
}
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema plus what every view answers but does not declare: the
    error format for each 4xx status the operation can produce. PATCH bodies keep the
    required fields their serializer declares (``version``), where drf-spectacular would
    make every field of a PATCH optional."""

    def _error_statuses(self) -> list[str]:
        has_query = any(p.get("in") == "query" for p in self._get_parameters())
        public = all(isinstance(p, AllowAny) for p in self.view.get_permissions())
        paginated = self._is_list_view() and self._get_paginator() is not None
        statuses = ["401"]
        if self.method in {"POST", "PUT", "PATCH"} or has_query:
            statuses.append("400")
        if self.method in UNSAFE or not public:
            statuses.append("403")
        # A path id, a page past the last, or an object a body refers to that is gone.
        if "{" in self.path or paginated or self.method in UNSAFE:
            statuses.append("404")
        if self.method in UNSAFE:
            statuses.append("409")
        if self.view.get_throttles():
            statuses.append("429")
        return statuses

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        component = ResolvedComponent(
            name="Error", type=ResolvedComponent.SCHEMA, schema=ERROR_SCHEMA, object="Error"
        )
        self.registry.register_on_missing(component)
        for code in self._error_statuses():
            responses.setdefault(
                code,
                {
                    "description": ERROR_DESCRIPTIONS[code],
                    "content": {"application/json": {"schema": component.ref}},
                },
            )
        return dict(sorted(responses.items()))

    def _map_serializer_field(
        self, field: Any, direction: Any, bypass_extensions: bool = False
    ) -> dict[str, Any]:
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if direction == "response" and field.read_only and _blank_text_column(field):
            # DRF drops allow_blank from read-only model fields, so the schema would forbid
            # the "" that a blank choice, e-mail or URL column answers.
            schema = {k: v for k, v in schema.items() if k != "format"}
            if "$ref" in schema or "enum" in schema:
                schema = {"oneOf": [schema, {"type": "string", "enum": [""]}]}
        return schema

    def _insert_field_validators(self, field: Any, schema: dict[str, Any]) -> None:
        super()._insert_field_validators(field, schema)
        if field.read_only and _blank_text_column(field):
            schema.pop("format", None)  # an EmailValidator's "email" would forbid ""

    def _get_request_for_media_type(self, serializer: Any, direction: Any = "request") -> Any:
        if self.method != "PATCH":
            return super()._get_request_for_media_type(serializer, direction)
        # Document the serializer as the view validates it (not partial).
        self.method = "PUT"
        try:
            return super()._get_request_for_media_type(serializer, direction)
        finally:
            self.method = "PATCH"


def _blank_text_column(field: Any) -> bool:
    model = getattr(getattr(getattr(field, "parent", None), "Meta", None), "model", None)
    if model is None or not isinstance(field.source, str):
        return False
    try:
        column = model._meta.get_field(field.source)
    except FieldDoesNotExist:
        return False
    return isinstance(column, models.CharField) and (bool(column.blank) or column.default == "")


def expand_schema_variants(endpoints: Iterable[tuple[Any, ...]], **kwargs: Any) -> list[Any]:
    """drf-spectacular preprocessing hook: a view whose path has a converter with a few
    fixed values (a catalogue kind, a workflow action) and whose body or answer depends on
    the value lists ``schema_variants(method)`` → [(path values, view initkwargs)], and is
    documented as one concrete path per value instead of one ``{kind}`` path that would
    have to describe every kind at once."""
    result = []
    for path, path_regex, method, callback in endpoints:
        variants: Callable[[str], list[tuple[dict[str, str], dict[str, Any]]]] | None = getattr(
            getattr(callback, "cls", None), "schema_variants", None
        )
        if variants is None:
            result.append((path, path_regex, method, callback))
            continue
        for values, initkwargs in variants(method):
            concrete, regex = path, path_regex
            for name, value in values.items():
                concrete = concrete.replace("{" + name + "}", value)
                regex = re.sub(rf"\(\?P<{name}>[^)]*\)", re.escape(value), regex)
            view = callback.cls.as_view(**{**getattr(callback, "initkwargs", {}), **initkwargs})
            result.append((concrete, regex, method, view))
    return result


