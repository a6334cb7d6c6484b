"""The engine's suggestions for a matchmaking meeting: open demands in the event's
themes, and for those demands the best-matching resources (matching.match_demand)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from techbridge.brokerage.models import EventInvitation, MatchmakingEvent
from techbridge.catalogue import selectors as catalogue
from techbridge.matching.selectors import match_demand


@dataclass
class Suggestion:
    kind: str
    id: int
    title: str
    score: float
    reason: str


def suggest_invitations(
    event: MatchmakingEvent, *, demands: int = 10, limit: int = 5
) -> list[Suggestion]:
    """Demands to invite (published, in the event's themes, invited ones first) and, for
    each, up to ``limit`` resources; records already invited are left out. Best first."""
    invited = set(
        EventInvitation.objects.filter(event=event).values_list("record_kind", "record_id")
    )
    invited_demands = [pk for kind, pk in invited if kind == "demand"]
    qs = catalogue.public_queryset("demand").select_related("owner")
    chosen: list[Any] = list(qs.filter(pk__in=invited_demands)[:demands])
    if len(chosen) < demands:
        more = qs.exclude(pk__in=invited_demands)
        if event.themes:
            more = more.filter(technical_field__in=event.themes)
        chosen.extend(more.order_by("-published_at", "-id")[: demands - len(chosen)])
    out: dict[tuple[str, int], Suggestion] = {}
    for demand in chosen:
        if ("demand", demand.pk) not in invited:
            out[("demand", demand.pk)] = Suggestion("demand", demand.pk, demand.title, 0.0, "")
        for result in match_demand(demand=demand, limit=limit).results:
            key = (result.kind, result.id)
            if key in invited:
                continue
            best = out.get(key)
            if best is None or result.score > best.score:
                out[key] = Suggestion(
                    result.kind, result.id, result.title, result.score, demand.title
                )
    return sorted(out.values(), key=lambda s: (s.kind != "demand", -s.score))
