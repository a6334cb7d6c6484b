"""Per-request facts (request id, source address, acting user) that services and the audit
trail need without threading the request through every call.

Set by RequestContextMiddleware; commands and tests run with the defaults
("-" for the request id, no address).
"""

from __future__ import annotations

import contextvars
import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestInfo:
    request_id: str = "-"
    source_address: str | None = None
    user_agent: str = ""
    channel: str = "system"  # web, api, cli, system


_DEFAULT = RequestInfo()  # frozen, so sharing it as the default is safe
_current: contextvars.ContextVar[RequestInfo] = contextvars.ContextVar(
    "techbridge_request", default=_DEFAULT
)


def current() -> RequestInfo:
    return _current.get()


def bind(info: RequestInfo) -> contextvars.Token[RequestInfo]:
    return _current.set(info)


def reset(token: contextvars.Token[RequestInfo]) -> None:
    _current.reset(token)


def new_request_id() -> str:
    return uuid.uuid4().hex[:16]
