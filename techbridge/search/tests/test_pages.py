"""Search results past the first page: page N shows results (N-1)·50+1 … N·50 of the same
ranking, the count is the engine's, and links keep the query and the filters (issue 14)."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from techbridge.catalogue.models import Achievement, Status
from techbridge.search import indexing
from techbridge.search.selectors import search

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(personas, fresh_search_index):
    """120 published achievements that all match 光伏 (and 3 that do not)."""
    now = timezone.now()
    rows = [
        Achievement(
            title=f"光伏组件 {i:03d} 号" + " 光伏" * (i % 7),
            summary="光伏 电站" if i % 2 else "储能",
            owner=personas.institution,
            technical_field="new_energy" if i % 3 else "new_materials",
            status=Status.PUBLISHED,
            published_at=now,
        )
        for i in range(120)
    ]
    rows += [
        Achievement(
            title=f"小麦育种 {i}",
            owner=personas.institution,
            technical_field="new_energy",
            status=Status.PUBLISHED,
            published_at=now,
        )
        for i in range(3)
    ]
    Achievement.objects.bulk_create(rows)
    indexing.rebuild(["achievement"])
    return rows


def _titles(html: str) -> list[str]:
    return re.findall(r'<li class="result"[^>]*>.*?<a href="[^"]*">(.*?)</a>', html, re.S)


def _plain(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def test_second_page_shows_results_51_to_100_with_the_total(client, many):
    ranking = [r.title for r in search(q="光伏", limit=100).results]
    assert len(ranking) == 100
    response = client.get("/search/", {"q": "光伏", "page": "2"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    html = response.content.decode()
    shown = [_plain(t) for t in _titles(html)]
    assert shown == ranking[50:100]
    assert '<ol class="results" start="51"' in html
    assert "120 条结果" in html
    assert "第 2 / 3 页" in html


def test_offset_reaches_past_the_first_hundred(many):
    first = search(q="光伏", limit=100)
    rest = search(q="光伏", limit=100, offset=100)
    assert first.total == rest.total == 120
    assert len(rest.results) == 20
    assert not {r.id for r in first.results} & {r.id for r in rest.results}


def test_page_links_keep_query_and_filters(client, many):
    response = client.get("/search/", {"q": "光伏", "field": "new_energy", "kind": "achievement"})
    html = response.content.decode()
    total = search(q="光伏", technical_field="new_energy").total
    assert total == 80
    links = re.findall(r'<nav class="pager".*?</nav>', html, re.S)[0]
    assert "page=2" in links
    for part in ("q=%E5%85%89%E4%BC%8F", "field=new_energy", "kind=achievement"):
        assert part in links


@pytest.mark.parametrize("page", ["0", "-1", "abc", "9999", "2.5", ""])
def test_invalid_page_numbers_give_the_first_or_last_page(client, many, page):
    response = client.get("/search/", {"q": "光伏", "page": page})
    assert response.status_code == 200
    html = response.content.decode()
    start = re.search(r'<ol class="results" start="(\d+)"', html)
    assert start is not None
    assert start.group(1) in ("1", "101")
    assert (start.group(1) == "101") == (page == "9999")


def test_depth_cap_is_said_on_the_page(client, many, monkeypatch):
    from techbridge.search import selectors

    monkeypatch.setattr(selectors, "MAX_DEPTH", 100)
    response = client.get("/search/", {"q": "光伏", "page": "3"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = response.content.decode()
    assert '<ol class="results" start="51"' in html  # page 3 is beyond the cap: the last one
    assert "120 条结果" in html
    assert "只能浏览前 100 条" in html


def test_api_offset_and_page_with_the_right_total(client, many):
    ranking = [
        r["id"] for r in client.get("/api/v1/search", {"q": "光伏", "limit": 100}).json()["results"]
    ]
    body = client.get("/api/v1/search", {"q": "光伏", "limit": 50, "offset": 50}).json()
    assert body["count"] == 120
    assert [r["id"] for r in body["results"]] == ranking[50:100]
    assert "offset=100" in body["next"] and "offset=0" in body["previous"]
    by_page = client.get("/api/v1/search", {"q": "光伏", "limit": 50, "page": 2}).json()
    assert [r["id"] for r in by_page["results"]] == ranking[50:100]
    last = client.get("/api/v1/search", {"q": "光伏", "limit": 50, "offset": 100}).json()
    assert len(last["results"]) == 20 and last["next"] is None
    assert client.get("/api/v1/search", {"q": "光伏", "offset": -1}).status_code == 400
    assert client.get("/api/v1/search", {"q": "光伏", "page": 0}).status_code == 400


def test_no_results_says_what_to_do_next(client, many):
    response = client.get("/search/", {"q": "量子隧穿显微"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = response.content.decode()
    assert "没有找到" in html
    assert "/catalogue/demands/new/" in html and "发布需求" in html
