"""Log formatting that cannot be forged by user input and carries the request id."""

from __future__ import annotations

import logging

from techbridge.core import context

# Control characters (CR/LF above all) in a message would let user input start a fake
# log line; they are escaped so one event stays one line.
_ESCAPES = {i: f"\\x{i:02x}" for i in range(32)} | {
    0x7F: "\\x7f",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}
_ESCAPES[ord("\n")] = "\\n"
_ESCAPES[ord("\r")] = "\\r"
_ESCAPES[ord("\t")] = "\\t"


def escape_control(text: str) -> str:
    return text.translate(_ESCAPES)


class SafeFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        formatted = super().format(record)
        # Tracebacks (exc_info) legitimately span lines; only the message itself is escaped.
        if record.exc_info or record.stack_info:
            message = escape_control(record.getMessage())
            return formatted.replace(record.getMessage(), message, 1)
        return escape_control(formatted)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = context.current().request_id
        return True
