"""Navigation by role: each role sees the entries it can use, nothing more, grouped so that
nobody faces twenty links in a row. Entries come from each app's ``urls.navigation`` (see
core/public_urls.py); the group of an entry is its URL namespace's, unless the entry names
one (a fifth element)."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from techbridge.core.public_urls import navigation_entries

# (key, label); the order here is the order in the menu. "start" and "messages" are shown
# as plain links, the others as a menu each (a group with one entry is a plain link).
GROUPS = [
    ("start", ""),
    ("resources", _("Find resources")),
    ("deals", _("Brokerage")),
    ("sharing", _("Sharing services")),
    ("market", _("Contracts and statistics")),
    ("projects", _("Projects and supervision")),
    ("programmes", _("Cooperation programmes")),
    ("admin", _("Administration")),
    ("messages", ""),
]
FLAT_GROUPS = frozenset({"start", "messages"})
GROUP_OF_NAMESPACE = {
    "core": "start",
    "catalogue": "resources",
    "search": "resources",
    "organisations": "resources",
    "brokerage": "deals",
    "sharing": "sharing",
    "contracts": "market",
    "stats": "market",
    "projects": "projects",
    "supervision": "projects",
    "programmes": "programmes",
    "cultivation": "programmes",
    "chronicle": "programmes",
    "accounts": "admin",
    "jobs": "admin",
    "audit": "admin",
    "admin": "admin",
    "notifications": "messages",
    "notices": "messages",
}
# Entries whose page belongs with another group than their app's.
GROUP_OF_ENTRY = {
    "catalogue:workspace": "deals",
    "sharing:resource_list": "resources",
    "sharing:free_resources": "resources",
    "notices:sent": "projects",
    "notices:robots": "admin",
}


@cache
def _entries() -> list[tuple[str, object, frozenset[str] | None, int, str]]:
    grouped = []
    for entry in navigation_entries():
        name, label, roles, order = entry[:4]
        group = entry[4] if len(entry) > 4 else None  # type: ignore[misc]
        group = group or GROUP_OF_ENTRY.get(name) or GROUP_OF_NAMESPACE.get(name.split(":")[0])
        grouped.append((name, label, roles, order, group or "start"))
    return grouped


def _unread(user: Any) -> dict[str, int]:
    """Unread inbox messages and notices, two indexed counts (core knows the apps only by
    name, as it knows their navigation)."""
    from django.apps import apps

    counts = {}
    if apps.is_installed("techbridge.notifications"):
        messages = apps.get_model("notifications", "Notification")
        counts["notifications:inbox"] = messages.objects.filter(
            recipient_id=user.pk, read_at__isnull=True
        ).count()
    if apps.is_installed("techbridge.notices"):
        received = apps.get_model("notices", "NoticeRecipient")
        counts["notices:received"] = received.objects.filter(
            user_id=user.pk, read_at__isnull=True
        ).count()
    return counts


def navigation(request: HttpRequest) -> dict[str, Any]:
    user: Any = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    role = getattr(user, "role", None) if signed_in else None
    unread = _unread(user) if signed_in else {}
    by_group: dict[str, list[dict[str, Any]]] = {key: [] for key, _label in GROUPS}
    items = []
    for name, label, roles, _order, group in _entries():
        if roles is not None and role not in roles:
            continue
        if signed_in and name == "core:home":
            continue  # the brand links home; signed in, the workbench is the start
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        active = request.path == url or (url != "/" and request.path.startswith(url))
        item = {"url": url, "label": label, "active": active, "unread": unread.get(name, 0)}
        items.append(item)
        by_group.setdefault(group, []).append(item)
    groups = []
    for key, label in GROUPS:
        entries = by_group.get(key) or []
        if not entries:
            continue
        groups.append(
            {
                "key": key,
                "label": label,
                "items": entries,
                "flat": key in FLAT_GROUPS or len(entries) == 1,
                "active": any(e["active"] for e in entries),
                "unread": sum(e["unread"] for e in entries),
            }
        )
    return {
        "nav_items": items,
        "nav_groups": groups,
        "unread_total": sum(unread.values()),
    }
