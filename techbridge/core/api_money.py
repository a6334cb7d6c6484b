"""Money at the REST API boundary: request bodies are read without floats, and amount
fields hand the service the amount exactly as the client wrote it.

DRF's own JSONParser turns ``1e10`` into the float 1e10, and a CharField then makes it
the string "10000000000.0", which passes the amount check: 10 billion yuan from a typo.
``DecimalJSONParser`` reads every JSON number as a ``core.money.JSONNumber`` (an exact
Decimal that keeps its text), and ``AmountInputField`` passes that text on, so the
service's ``parse_amount`` refuses ``1e10``, ``1.234`` or ``1.0e0`` exactly as it refuses
the same text in a JSON string, and ``1234567.89`` stays exact. NaN and Infinity are not
JSON and stay refused by the parser (400).
"""

from __future__ import annotations

import codecs
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser, get_encoding  # type: ignore[attr-defined]
from rest_framework.utils import json

from techbridge.core.money import JSONNumber


class DecimalJSONParser(JSONParser):
    """DRF's JSONParser with numbers read as exact decimals (REST_FRAMEWORK setting)."""

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        encoding = get_encoding(parser_context or {})
        try:
            decoded = codecs.getreader(encoding)(stream)
            return json.load(
                decoded,  # type: ignore[arg-type]  # a text stream, as DRF's own parser
                parse_float=JSONNumber,
                parse_constant=json.strict_constant,
            )
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc


class AmountInputField(serializers.CharField):
    """A yuan amount as a JSON string or number; validated is the text as written, for
    the service's strict ``parse_amount`` (which also bounds its length)."""

    default_error_messages = {
        "float": _("Amount must be written as a decimal number, not a floating-point value.")
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("help_text", "yuan, exact decimal (string or number, ≤ 2 decimals)")
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        if isinstance(data, Decimal):
            data = getattr(data, "text", None) or str(data)
        elif isinstance(data, float):
            # Only a parser other than DecimalJSONParser makes floats; their digits are lost.
            self.fail("float")
        return str(super().to_internal_value(data))
