"""Where the partner-region signal's prefixes come from.

A single-programme install names its partner region in MATCH_PARTNER_REGION_PREFIXES. With
several cooperation programmes, each demand takes its own programme's partner regions: the
programmes app (above matching in the stack) registers a resolver here in its ready(), so
matching never imports it. The first resolver that answers wins; None means "no opinion"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings

from techbridge.matching import weights as W

Resolver = Callable[[Any], "tuple[str, ...] | None"]
_resolvers: list[Resolver] = []


def register(resolver: Resolver) -> None:
    """Add ``resolver(record) -> prefixes | None`` (idempotent)."""
    if resolver not in _resolvers:
        _resolvers.append(resolver)


def default_prefixes() -> tuple[str, ...]:
    """GB/T 2260 prefixes of the partner (advanced) region from the settings; they may be a
    list or a comma-separated string in MATCH_PARTNER_REGION_PREFIXES."""
    value = getattr(settings, "MATCH_PARTNER_REGION_PREFIXES", None) or W.DEFAULT_PARTNER_PREFIXES
    if isinstance(value, str):
        value = value.split(",")
    return tuple(p.strip() for p in value if p and p.strip())


def prefixes_for(record: Any) -> tuple[str, ...]:
    """The partner-region prefixes that count for ``record`` (a demand or a resource)."""
    for resolver in _resolvers:
        found = resolver(record)
        if found is not None:
            return tuple(found)
    return default_prefixes()
