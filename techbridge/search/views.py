"""The search results page: highlights, filters, facet counts."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from techbridge.codes.choices import TechField
from techbridge.codes.selectors import region_query
from techbridge.search import selectors
from techbridge.search.highlight import highlight, snippet

KIND_LABELS = {
    "achievement": "科技成果",
    "expert": "专家",
    "instrument": "仪器设备",
    "lab": "实验室与平台",
    "data": "数据资源",
    "service": "技术服务",
    "demand": "技术需求",
}


def kind_labels() -> dict[str, str]:
    """Kind → its model's verbose name (translated), falling back to the Chinese names."""
    try:
        from techbridge.catalogue.kinds import KINDS
    except ImportError:  # pragma: no cover - catalogue always installed
        return KIND_LABELS
    return {k: str(m._meta.verbose_name) for k, m in KINDS.items()}


def search_page(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    kind = request.GET.get("kind", "")
    field = request.GET.get("field", "")
    region = request.GET.get("region", "")[:40]
    region_code, error = region_query(region)
    status = 400 if error else 200
    page = None
    try:
        if error:
            raise ValidationError(error)
        page = selectors.search(
            q=q,
            kinds=[kind] if kind else [],
            technical_field=field if field in TechField.values else "",
            region=region_code,
            limit=50,
            facets=True,
        )
    except ValidationError as exc:
        error = " ".join(exc.messages)
        status = 400
    labels = kind_labels()
    rows = []
    if page is not None:
        for result in page.results:
            terms = page.tokens
            rows.append(
                {
                    "result": result,
                    "kind_label": labels.get(result.kind, result.kind),
                    "title": highlight(result.title, terms),
                    "snippet": snippet(result.record.search_summary, terms),
                }
            )
    facets = page.facets if page else {}
    field_labels = dict(TechField.choices)
    return render(
        request,
        "search/results.html",
        {
            "q": q,
            "kind": kind,
            "field": field,
            "region": region,
            "error": error,
            "page": page,
            "rows": rows,
            "kind_facets": [
                (k, labels.get(k, k), n)
                for k, n in sorted(facets.get("kind", {}).items(), key=lambda x: -x[1])
            ],
            "field_facets": [
                (f, field_labels.get(f, f), n)
                for f, n in sorted(facets.get("technical_field", {}).items(), key=lambda x: -x[1])
            ],
            "kinds": list(labels.items()),
            "fields": TechField.choices,
        },
        status=status,
    )
