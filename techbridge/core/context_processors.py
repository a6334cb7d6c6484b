"""Navigation by role: each role sees the entries it can use, nothing more. Entries come
from each app's ``urls.navigation`` (see core/public_urls.py)."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from techbridge.core.public_urls import navigation_entries


@cache
def _entries() -> list[tuple[str, object, frozenset[str] | None, int]]:
    return navigation_entries()


def navigation(request: HttpRequest) -> dict[str, Any]:
    user: Any = getattr(request, "user", None)
    role = getattr(user, "role", None) if user is not None and user.is_authenticated else None
    items = []
    for name, label, roles, _order in _entries():
        if roles is not None and role not in roles:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        active = request.path == url or (url != "/" and request.path.startswith(url))
        items.append({"url": url, "label": label, "active": active})
    return {"nav_items": items}
