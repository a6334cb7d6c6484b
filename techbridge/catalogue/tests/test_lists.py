"""Catalogue lists people page through (issue 14): the count and "page X of Y", links that
keep the filters, forgiving page numbers, a sort whitelist and an empty state that says
what to do next."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from techbridge.catalogue.models import Achievement, Status

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture
def thirty(personas):
    now = timezone.now()
    rows = [
        Achievement(
            title=f"成果 {i:02d}",
            owner=personas.institution,
            technical_field="new_energy" if i < 30 else "new_materials",
            status=Status.PUBLISHED,
            published_at=now - timezone.timedelta(days=i),
        )
        for i in range(34)
    ]
    Achievement.objects.bulk_create(rows)


def _titles(html: str) -> list[str]:
    return re.findall(r'<td><a href="/catalogue/achievements/\d+/">(.*?)</a>', html)


def _pager(html: str) -> str:
    found = re.findall(r'<nav class="pager".*?</nav>', html, re.S)
    return found[0] if found else ""


def test_second_page_keeps_the_filter_and_counts(client, thirty):
    response = client.get("/catalogue/achievements/", {"field": "new_energy", "page": 2}, **ZH)
    assert response.status_code == 200
    html = response.content.decode()
    assert _titles(html) == [f"成果 {i:02d}" for i in range(25, 30)]
    pager = _pager(html)
    assert "共 30 条，第 2 / 2 页" in pager
    assert 'href="?field=new_energy"' in pager  # page 1: the filter stays, page= goes


def test_first_page_links_to_the_second_with_the_filter(client, thirty):
    html = client.get("/catalogue/achievements/", {"field": "new_energy", "sort": "title"}, **ZH)
    pager = _pager(html.content.decode())
    assert "共 30 条，第 1 / 2 页" in pager
    assert "field=new_energy&amp;sort=title&amp;page=2" in pager


@pytest.mark.parametrize(("page", "first"), [("abc", 0), ("0", 0), ("-3", 0), ("99", 25)])
def test_invalid_page_numbers_give_the_first_or_last_page(client, thirty, page, first):
    response = client.get("/catalogue/achievements/", {"field": "new_energy", "page": page})
    assert response.status_code == 200
    assert _titles(response.content.decode())[0] == f"成果 {first:02d}"


@pytest.mark.parametrize(
    "sort", ["-owner__name", "owner__password", "title; DROP TABLE x", "?", "__class__"]
)
def test_sort_outside_the_whitelist_is_the_default_order(client, thirty, sort):
    response = client.get("/catalogue/achievements/", {"sort": sort})
    assert response.status_code == 200
    assert _titles(response.content.decode())[:3] == ["成果 00", "成果 01", "成果 02"]


def test_sorts_people_expect(client, thirty):
    old = client.get("/catalogue/achievements/", {"sort": "old"}).content.decode()
    assert _titles(old)[0] == "成果 33"
    by_title = client.get("/catalogue/achievements/", {"sort": "title"}).content.decode()
    assert _titles(by_title)[:2] == ["成果 00", "成果 01"]


def test_empty_state_says_what_to_do_next(client, thirty):
    html = client.get("/catalogue/achievements/", {"q": "不存在的词"}, **ZH).content.decode()
    assert "没有符合条件的科技成果。试试去掉筛选条件，或发布需求让我们为您匹配。" in html
    assert 'href="/catalogue/demands/new/"' in html
    assert _pager(html) == ""
