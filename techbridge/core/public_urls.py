"""URL names anyone may open without logging in. Everything else requires a login (and
then a role or object permission). The URL-walk test (core/tests/test_url_walk.py) holds
the code to this list.

Each app declares its own public pages as ``public_url_names`` (and whole public
namespaces as ``public_namespaces``) in its ``urls.py``; they are collected here, so an app
never edits another app's file to open a page.
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings

CORE_PUBLIC_URL_NAMES = frozenset({"set_language", "api-schema", "api-docs", "admin:login"})


def _collect(attribute: str) -> frozenset[str]:
    names: set[str] = set()
    for app in settings.INSTALLED_APPS:
        if not app.startswith("techbridge."):
            continue
        try:
            module = import_module(f"{app}.urls")
        except ModuleNotFoundError:
            continue
        names.update(getattr(module, attribute, ()))
    return frozenset(names)


def public_url_names() -> frozenset[str]:
    return CORE_PUBLIC_URL_NAMES | _collect("public_url_names")


def public_namespaces() -> frozenset[str]:
    return _collect("public_namespaces")


def navigation_entries() -> list[tuple[str, object, frozenset[str] | None, int]]:
    """(url name, label, roles or None for all, order) from each app's ``navigation``."""
    entries: list[tuple[str, object, frozenset[str] | None, int]] = []
    for app in settings.INSTALLED_APPS:
        if not app.startswith("techbridge."):
            continue
        try:
            module = import_module(f"{app}.urls")
        except ModuleNotFoundError:
            continue
        entries.extend(getattr(module, "navigation", ()))
    return sorted(entries, key=lambda e: e[3])
