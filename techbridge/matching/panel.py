"""What the matches panel shows: for a demand, resources; for a resource, open demands."""

from __future__ import annotations

from typing import Any

from techbridge.matching import selectors
from techbridge.search.highlight import highlight

SIGNAL_LABELS = {
    "text": "文本相关度",
    "same_field": "同一技术领域",
    "same_industry": "同一行业",
    "trl_fit": "技术成熟度",
    "partner_region": "合作地区",
    "recency": "新近发布",
    "topical": "主题相近",
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
                        "label": SIGNAL_LABELS.get(s["name"], s["name"]),
                        "points": s["points"],
                        "name": s["name"],
                    }
                    for s in result.signals
                ],
            }
        )
    return {"match_record": record, "match_rows": rows, "for_demand": record.KIND == "demand"}
