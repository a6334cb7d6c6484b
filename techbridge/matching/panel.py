"""What the matches panel shows: for a demand, resources; for a resource, open demands."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from techbridge.matching import selectors
from techbridge.search.highlight import highlight

SIGNAL_LABELS = {
    "text": _("Text relevance"),
    "same_field": _("Same technical field"),
    "same_industry": _("Same industry"),
    "trl_fit": _("Technology readiness fits"),
    "partner_region": _("Partner region"),
    "recency": _("Recently published"),
    "topical": _("Close in topic"),
}


def panel_context(record: Any, *, limit: int = 8) -> dict[str, Any]:
    """Template context for matching/_panel.html."""
    from techbridge.search.views import kind_labels

    if record.KIND == "demand":
        matches = selectors.match_demand(demand=record, limit=limit)
    else:
        matches = selectors.match_resource(record=record, limit=limit)
    labels = kind_labels()
    rows = []
    for result in matches.results:
        rows.append(
            {
                "result": result,
                "kind_label": labels.get(result.kind, result.kind),
                "title": highlight(result.title, result.terms),
                "signals": [
                    {
                        "label": str(SIGNAL_LABELS.get(s["name"], s["name"])),
                        "points": s["points"],
                        "name": s["name"],
                    }
                    for s in result.signals
                ],
            }
        )
    return {"match_record": record, "match_rows": rows, "for_demand": record.KIND == "demand"}
