"""Lists that people page through: a page of a queryset (or of hits counted elsewhere), and a
sort order chosen from a whitelist.

Every HTML list renders ``core/_pager.html`` with the page: "共 N 条，第 X / Y 页", links that
keep the query string (filters, sort) and change only ``page``. A page number that is not a
number, or below 1, gives page 1; one past the end gives the last page — a mistyped or stale
link never answers 404 or 500.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from django.utils.functional import cached_property

T = TypeVar("T")

PER_PAGE = 25


def page_number(value: Any) -> int:
    """The page asked for: an integer ≥ 1, else 1 (upper bound: the caller's)."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return 1
    return max(number, 1)


def page_of(request: HttpRequest, object_list: Any, per_page: int = PER_PAGE) -> Page:
    """The ``?page=`` page of a queryset or list: one COUNT and one slice (Paginator); a
    page below 1 or not a number is page 1, one past the end the last page."""
    return Paginator(object_list, per_page).get_page(page_number(request.GET.get("page")))


def sort_choice(request: HttpRequest, sorts: Mapping[str, Any], default: str) -> str:
    """``?sort=`` when it is one of ``sorts``' keys, else ``default``: user input never
    reaches ``order_by`` — only the whitelisted orderings do."""
    value = request.GET.get("sort", "")
    return value if value in sorts else default


class CountedPage(Page):
    def end_index(self) -> int:
        # Page.end_index says "the count" on the last page, untrue past a depth cap.
        return self.start_index() + len(self.object_list) - 1 if self.object_list else 0


class CountedPaginator(Paginator):
    """A paginator over results fetched page by page elsewhere (a search engine): the count
    is the engine's total, and ``max_pages`` stops paging where the engine stops."""

    def __init__(self, total: int, per_page: int, *, max_pages: int | None = None) -> None:
        super().__init__([], per_page)
        self._total = max(int(total), 0)
        self._max_pages = max_pages

    @cached_property
    def count(self) -> int:
        return self._total

    @cached_property
    def num_pages(self) -> int:
        pages = max(1, math.ceil(self._total / self.per_page))
        return min(pages, self._max_pages) if self._max_pages else pages

    @property
    def capped(self) -> bool:
        """True when some results lie beyond the last page one may open."""
        return self._total > self.num_pages * self.per_page

    def page_with(self, rows: Sequence[T], number: int) -> Page:
        """The page ``number`` (clamped to 1 … num_pages) holding ``rows``."""
        number = min(max(int(number), 1), self.num_pages)
        return CountedPage(rows, number, self)


def last_page(total: int, per_page: int, max_pages: int | None = None) -> int:
    """The number of the last page of ``total`` results (1 when there are none)."""
    return CountedPaginator(total, per_page, max_pages=max_pages).num_pages
