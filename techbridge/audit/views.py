"""The audit trail page — the audit administrator's only view, and only theirs."""

from __future__ import annotations

from datetime import date

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from techbridge.accounts.access import role_required
from techbridge.accounts.roles import Role
from techbridge.audit.models import AuditEventType, AuditResult
from techbridge.audit.selectors import audit_events
from techbridge.audit.templatetags.audit_tags import object_types
from techbridge.core.visibility import links_for


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@role_required(Role.AUDIT_ADMIN)
def audit_log(request: HttpRequest) -> HttpResponse:
    g = request.GET
    filters = {
        "actor": g.get("actor", "")[:150],
        "event": g.get("event", "") if g.get("event") in AuditEventType.values else "",
        "object_type": g.get("object_type", "")[:80],
        "object_id": g.get("object_id", "")[:64],
        "result": g.get("result", "") if g.get("result") in AuditResult.values else "",
        "source_address": g.get("source_address", "")[:45],
    }
    qs = audit_events(**filters, date_from=_date(g.get("from", "")), date_to=_date(g.get("to", "")))
    page = Paginator(qs, 50).get_page(g.get("page"))
    # Each row names its object; where the reader may open it, the name links to it.
    links = links_for(request.user, ((e.object_type, e.object_id) for e in page))
    for event in page:
        event.link = links.get((event.object_type, event.object_id), "")  # type: ignore[attr-defined]
    return render(
        request,
        "audit/log.html",
        {
            "page": page,
            "filters": filters,
            "date_from": g.get("from", ""),
            "date_to": g.get("to", ""),
            "events": AuditEventType.choices,
            "results": AuditResult.choices,
            "object_types": object_types(),
        },
    )
