"""The search results page: highlights, filters, facet counts."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from techbridge.codes.choices import TechField
from techbridge.codes.selectors import region_query
from techbridge.core.listing import CountedPaginator, last_page, page_number
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


PER_PAGE = 50


def search_page(request: HttpRequest) -> HttpResponse:
    """Results ``PER_PAGE`` at a time: ``?page=N`` is the same ranking from result
    (N-1)·PER_PAGE+1, as deep as ``selectors.MAX_DEPTH``; a page past the end (or past the
    depth) shows the last one, a page that is not a number the first."""
    q = request.GET.get("q", "")
    kind = request.GET.get("kind", "")
    field = request.GET.get("field", "")
    region = request.GET.get("region", "")[:40]
    region_code, error = region_query(region)
    status = 400 if error else 200
    page = None
    max_pages = max(1, selectors.MAX_DEPTH // PER_PAGE)
    number = min(page_number(request.GET.get("page")), max_pages)
    try:
        if error:
            raise ValidationError(error)

        def fetch(number: int) -> selectors.SearchPage:
            return selectors.search(
                q=q,
                kinds=[kind] if kind else [],
                technical_field=field if field in TechField.values else "",
                region=region_code,
                limit=PER_PAGE,
                offset=(number - 1) * PER_PAGE,
                facets=True,
            )

        page = fetch(number)
        last = last_page(page.total, PER_PAGE, max_pages)
        if number > last:  # a stale or typed page number: one more query, for the last page
            number = last
            page = fetch(number)
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
    paginator = CountedPaginator(page.total if page else 0, PER_PAGE, max_pages=max_pages)
    pager = paginator.page_with(rows, number)
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
            "pager": pager,
            "depth": paginator.num_pages * PER_PAGE if paginator.capped else 0,
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
