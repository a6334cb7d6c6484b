"""The "matches" panel as an HTML fragment (for pages that load it separately)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from techbridge.accounts.access import get_visible_or_404
from techbridge.matching.panel import panel_context


def matches_panel(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    from techbridge.catalogue.kinds import KINDS, PLURALS
    from techbridge.catalogue.selectors import visible_queryset

    kind = PLURALS.get(kind, kind)
    if kind not in KINDS:
        raise Http404()
    record = get_visible_or_404(visible_queryset(kind, request.user), pk, request.user)
    return render(request, "matching/_panel.html", panel_context(record))
