"""Which objects a reader may open, for pages that mention objects of other apps (the audit
trail names the object of every row and links to it where the reader may see it, issue 14).

Each app registers, in its ``AppConfig.ready``, the models whose pages it owns: a function
giving the objects a user may read (the same selector its own detail view checks) and one
giving an object's page. Core knows the apps only through this table, as it knows their
navigation; a model nobody registered is never linked (deny by default).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet


@dataclass(frozen=True)
class Readable:
    visible: Callable[[Any], QuerySet[Any]]
    url: Callable[[Any], str]


_REGISTRY: dict[str, Readable] = {}


def register(
    label: str, *, visible: Callable[[Any], QuerySet[Any]], url: Callable[[Any], str]
) -> None:
    """``label`` is the model's ``app_label.model_name`` ("contracts.technologycontract"),
    the audit trail's object type."""
    _REGISTRY[label] = Readable(visible, url)


def links_for(user: Any, objects: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """{(object type, object id): page} for the objects ``user`` may open — one query per
    object type, whatever the number of rows."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for label, object_id in objects:
        if label in _REGISTRY and str(object_id).isdigit():
            wanted[label].add(int(object_id))
    links: dict[tuple[str, str], str] = {}
    for label, ids in wanted.items():
        readable = _REGISTRY[label]
        found: Iterable[Model] = readable.visible(user).filter(pk__in=ids)
        for obj in found:
            links[(label, str(obj.pk))] = readable.url(obj)
    return links
