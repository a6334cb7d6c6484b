"""我的工作台 — what needs the user's action now, collected from every app.

Each app may have a ``workbench`` module with ``items(user) -> list[WorkItem]`` (its own
counts, through its own selectors, so its access rules hold) and, optionally,
``panels(user) -> list[Panel]`` (a small chart such as deals by stage). The kernel only
collects and orders them; it knows no app, as with navigation (core/public_urls.py).

An item counts things, never lists them: one COUNT and one MIN per item keeps the page
within its time budget however large the world is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import import_module
from types import ModuleType
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise


@dataclass(frozen=True)
class WorkItem:
    """One kind of thing waiting for the user: "3 条审核待处理，最早 2 天前"."""

    label: str | Promise
    count: int
    url: str
    # The oldest waiting item, for "最早 … 前"; None when age says nothing (drafts).
    oldest: dt.datetime | None = None
    # Past a deadline, or close to one: shown first and marked.
    urgent: bool = False
    # A short explanation of what to do ("提交后由科技局审核").
    hint: str | Promise = ""

    @property
    def age(self) -> dt.timedelta | None:
        return timezone.now() - self.oldest if self.oldest else None


@dataclass(frozen=True)
class Bar:
    label: str | Promise
    value: int
    url: str = ""


@dataclass(frozen=True)
class Panel:
    """A small horizontal bar chart (deals by stage, problems by clock)."""

    title: str | Promise
    bars: Sequence[Bar]
    total_label: str | Promise = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def widest(self) -> int:
        return max((b.value for b in self.bars), default=0) or 1


def _modules() -> list[ModuleType]:
    modules = []
    for app in settings.INSTALLED_APPS:
        if not app.startswith("techbridge."):
            continue
        try:
            modules.append(import_module(f"{app}.workbench"))
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.workbench":
                raise
    return modules


def items_for(user: Any) -> list[WorkItem]:
    """Every app's waiting items with a count, urgent first, then the oldest first."""
    found: list[WorkItem] = []
    for module in _modules():
        collect = getattr(module, "items", None)
        if collect is not None:
            found.extend(item for item in collect(user) if item.count)
    far_future = timezone.now() + dt.timedelta(days=36500)
    return sorted(found, key=lambda i: (not i.urgent, i.oldest or far_future))


def panels_for(user: Any) -> list[Panel]:
    found: list[Panel] = []
    for module in _modules():
        collect = getattr(module, "panels", None)
        if collect is not None:
            found.extend(p for p in collect(user) if any(b.value for b in p.bars))
    return found


def oldest_and_count(qs: Any, field_name: str) -> tuple[int, dt.datetime | None]:
    """(count, earliest ``field_name``) of a queryset in one query."""
    from django.db.models import Count, Min

    row = qs.order_by().aggregate(n=Count("pk"), oldest=Min(field_name))
    return int(row["n"] or 0), row["oldest"]
