"""Writing GeoReport v2 answers as JSON or XML, and the spec's error format.

A value is a scalar, a dict (elements in order) or a list of ``(tag, value)`` items (XML
repeats the tag; JSON makes an array). Times are ISO 8601 with the offset of the platform's
zone (``2025-10-10T10:00:00+08:00``); ``None`` is ``null`` in JSON and an empty element in
XML. Output is built with xml.etree (text is escaped by it) and always UTF-8.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import timezone

XML = "xml"
JSON = "json"
CONTENT_TYPES = {XML: "text/xml; charset=utf-8", JSON: "application/json; charset=utf-8"}
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


class Items(list):  # type: ignore[type-arg]
    """A repeated element: ``Items("service", [dict, dict])`` → <service>…</service>×n in
    XML, an array in JSON."""

    def __init__(self, tag: str, values: list[Any]) -> None:
        super().__init__(values)
        self.tag = tag


def iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _scalar(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


def _json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json(v) for v in value]
    return _scalar(value)


def _xml(parent: ET.Element, tag: str, value: Any) -> None:
    element = ET.SubElement(parent, tag)
    if isinstance(value, Items):
        for item in value:
            _xml(element, value.tag, item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _xml(element, key, item)
    elif value is None:
        return
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    else:
        element.text = str(_scalar(value))


def render(fmt: str, root: str, value: Any, *, status: int = 200) -> HttpResponse:
    """``value`` under the XML root element ``root`` (JSON has no root)."""
    if fmt == JSON:
        body = json.dumps(_json(value), ensure_ascii=False).encode("utf-8")
    else:
        element = ET.Element(root)
        if isinstance(value, Items):
            for item in value:
                _xml(element, value.tag, item)
        elif isinstance(value, dict):
            for key, item in value.items():
                _xml(element, key, item)
        body = XML_DECLARATION + ET.tostring(element, encoding="utf-8", xml_declaration=False)
    response = HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])
    response["Cache-Control"] = "no-store"
    return response


def errors(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    """The spec's error answer: [{"code": …, "description": …}] / <errors><error>…"""
    items = Items("error", [{"code": status, "description": d} for d in descriptions])
    return render(fmt, "errors", items, status=status)
