"""Which programme a record belongs to (归属).

A record of another app is credited to programme P when

1. an explicit ``ProgrammeLink`` names P for it, or
2. it has no explicit link and its local side's region lies inside one of P's home regions, or
3. P is the default programme with no home region of its own (a single-programme install):
   it then takes every record that no other programme takes by rule 1 or 2.

Home regions of two programmes never overlap (``services.programme_save`` refuses it), so
rule 2 never credits one record twice. Everything here builds querysets, so a dashboard
counts in the database, never by loading rows.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, Q, QuerySet

from techbridge.brokerage.models import Deal, MatchmakingEvent
from techbridge.catalogue.models import Demand
from techbridge.contracts.models import TechnologyContract
from techbridge.matching import partners
from techbridge.programmes.models import LinkKind, Programme, ProgrammeLink, RegionRole
from techbridge.projects.models import Project
from techbridge.sharing.models import ServiceOrder
from techbridge.supervision.models import ProblemReport


@dataclass(frozen=True)
class KindRule:
    kind: str
    model: type[Model]
    # Region fields of the record's local side, tried in order: the record is in a region
    # when the first non-empty one starts with the region's prefix.
    region_fields: tuple[str, ...]


RULES: dict[str, KindRule] = {
    LinkKind.DEMAND: KindRule(LinkKind.DEMAND, Demand, ("region_code", "owner__region_code")),
    LinkKind.EVENT: KindRule(
        LinkKind.EVENT, MatchmakingEvent, ("organiser__organisation__region_code",)
    ),
    LinkKind.DEAL: KindRule(
        LinkKind.DEAL, Deal, ("enterprise__region_code", "demand__region_code")
    ),
    # A contract is local when either party is (the buyer first: the usual inflow).
    LinkKind.CONTRACT: KindRule(
        LinkKind.CONTRACT, TechnologyContract, ("buyer_region", "seller_region")
    ),
    LinkKind.PROJECT: KindRule(LinkKind.PROJECT, Project, ("region_code",)),
    LinkKind.ORDER: KindRule(LinkKind.ORDER, ServiceOrder, ("customer__region_code",)),
    LinkKind.PROBLEM: KindRule(
        LinkKind.PROBLEM, ProblemReport, ("zone__region_code", "project__region_code")
    ),
}


def prefix_q(field: str, prefixes: Sequence[str]) -> Q:
    """``field`` starts with one of ``prefixes`` (none: nothing matches)."""
    out = Q(pk__in=[])
    for prefix in prefixes:
        out |= Q(**{f"{field}__startswith": prefix})
    return out


def region_q(rule: KindRule, prefixes: Sequence[str], *, via: str = "") -> Q:
    """Records of ``rule.kind`` whose local side lies in one of ``prefixes``. A contract is
    in a region when either party is; the other kinds use their first non-empty field.
    ``via``: the path from another model to the record (``"deal__"`` from a deal's events)."""
    if not prefixes:
        return Q(pk__in=[])
    out = Q(pk__in=[])
    if rule.kind == LinkKind.CONTRACT:
        for field in rule.region_fields:
            out |= prefix_q(f"{via}{field}", prefixes)
        return out
    blank_before = Q()
    for field in rule.region_fields:
        out |= blank_before & prefix_q(f"{via}{field}", prefixes)
        blank_before &= Q(**{f"{via}{field}": ""}) | Q(**{f"{via}{field}__isnull": True})
    return out


def _homes(programme: Programme) -> list[str]:
    return [r.region_code for r in programme.regions.all() if r.role == RegionRole.HOME]


def _partners(programme: Programme) -> list[str]:
    return [r.region_code for r in programme.regions.all() if r.role == RegionRole.PARTNER]


def home_prefixes(programme: Programme) -> list[str]:
    return _homes(programme)


def partner_prefixes(programme: Programme) -> list[str]:
    """The programme's partner regions; none of its own: the settings' default
    (MATCH_PARTNER_REGION_PREFIXES), as for a single-programme install."""
    return _partners(programme) or list(partners.default_prefixes())


def _linked_ids(kind: str, programme: Programme | None, *, others: bool = False) -> QuerySet[Any]:
    links = ProgrammeLink.objects.filter(kind=kind)
    if programme is not None:
        links = links.exclude(programme=programme) if others else links.filter(programme=programme)
    return links.values("object_id")


def attributed_q(programme: Programme, kind: str, *, via: str = "") -> Q:
    """The Q selecting the records of ``kind`` credited to ``programme`` (``via``: the path
    to them from another model, e.g. ``"deal__"`` to select a deal's events)."""
    rule = RULES[kind]
    pk = f"{via}pk__in"
    mine = Q(**{pk: _linked_ids(kind, programme)})
    not_elsewhere = ~Q(**{pk: _linked_ids(kind, programme, others=True)})
    homes = _homes(programme)
    if homes:
        return mine | (region_q(rule, homes, via=via) & not_elsewhere)
    if programme.is_default:
        # The catch-all: everything no other programme takes by link or region.
        taken = Q(pk__in=[])
        for other in _programmes():
            if other.pk != programme.pk:
                taken |= region_q(rule, _homes(other), via=via)
        return mine | (~taken & not_elsewhere)
    return mine


def attributed(programme: Programme, kind: str) -> QuerySet[Any]:
    """Records of ``kind`` credited to ``programme`` (a queryset of the kind's model)."""
    model: Any = RULES[kind].model
    return model._default_manager.filter(attributed_q(programme, kind))


def programme_of_region(region_code: str) -> Programme | None:
    """The programme whose home region contains ``region_code`` (the longest prefix wins),
    else the default programme if it is a catch-all (no home region), else None."""
    region_code = region_code or ""
    best: tuple[int, Programme] | None = None
    default: Programme | None = None
    for programme in _programmes():
        homes = _homes(programme)
        if programme.is_default and not homes:
            default = programme
        for prefix in homes:
            if region_code.startswith(prefix) and (best is None or len(prefix) > best[0]):
                best = (len(prefix), programme)
    return best[1] if best else default


def programme_of(kind: str, record: Any) -> Programme | None:
    """The programme ``record`` (of ``kind``) is credited to: its explicit link, else its
    region (programme_of_region)."""
    link = (
        ProgrammeLink.objects.filter(kind=kind, object_id=record.pk)
        .select_related("programme")
        .first()
    )
    if link is not None:
        return link.programme
    for field in RULES[kind].region_fields:
        value = _path_value(record, field)
        if value:
            return programme_of_region(value)
    return programme_of_region("")


def _path_value(record: Any, path: str) -> str:
    value = record
    for part in path.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return ""
    return str(value)


_CACHE: dict[str, tuple[float, list[Programme]]] = {}
#: Seconds a process keeps the list of programmes (a handful of rows read on every match);
#: the services clear it on every change, so only other processes may lag this long.
CACHE_SECONDS = 30.0


def _programmes() -> list[Programme]:
    now = time.monotonic()
    cached = _CACHE.get("all")
    if cached is not None and now - cached[0] < CACHE_SECONDS:
        return cached[1]
    rows = list(Programme.objects.filter(active=True).prefetch_related("regions"))
    _CACHE["all"] = (now, rows)
    return rows


def forget_programmes() -> None:
    """Drop this process's cached programme list (after a change, and in tests)."""
    _CACHE.clear()


#: The matching hook's signature (techbridge.matching.partners).
PartnerResolver = Callable[[Any], "tuple[str, ...] | None"]


def partners_of_record(record: Any) -> tuple[str, ...] | None:
    """Partner-region prefixes of the programme a demand (or any catalogue record) is
    credited to; None when no programme with partner regions claims it (matching then
    falls back to MATCH_PARTNER_REGION_PREFIXES)."""
    kind = getattr(record, "KIND", "")
    if kind == LinkKind.DEMAND:
        programme = programme_of(LinkKind.DEMAND, record)
    else:
        region = getattr(record, "region_code", "") or getattr(
            getattr(record, "owner", None), "region_code", ""
        )
        programme = programme_of_region(region or "")
    if programme is None:
        return None
    codes = _partners(programme)
    return tuple(codes) or None
