"""The public code-list API answers anonymous clients."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.urls("techbridge.codes.tests.urls"),
    pytest.mark.usefixtures("loaded_codes"),
]

BASE = "/api/v1/codes"


@pytest.fixture
def anonymous() -> Client:
    return Client()


def test_regions_default_to_provinces(anonymous: Client) -> None:
    response = anonymous.get(f"{BASE}/regions/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 34
    assert body["results"][0] == {
        "code": "110000",
        "name": "北京市",
        "level": 1,
        "parent_code": "",
        "label": "北京市",
        "revoked": False,
        "latitude": pytest.approx(39.910524),
        "longitude": pytest.approx(116.413787),
        "edition": "GB/T 2260 (liuinwj snapshot)",
    }


def test_regions_under_a_parent_and_by_search(anonymous: Client) -> None:
    under = anonymous.get(f"{BASE}/regions/", {"parent": "520000", "page_size": 200}).json()
    assert "520100" in {r["code"] for r in under["results"]}
    assert {r["parent_code"] for r in under["results"]} == {"520000"}

    current = anonymous.get(f"{BASE}/regions/", {"q": "莱芜"}).json()["results"]
    assert [r["name"] for r in current] == ["莱芜区"]  # 济南市莱芜区; 莱芜市 is revoked
    every = anonymous.get(f"{BASE}/regions/", {"q": "莱芜", "include_revoked": "true"}).json()
    assert "371200" in {r["code"] for r in every["results"]}


def test_region_list_needs_no_query_per_row(
    anonymous: Client, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(4):
        response = anonymous.get(f"{BASE}/regions/", {"parent": "130000", "page_size": 200})
    assert len(response.json()["results"]) > 10


def test_region_detail_has_its_chain(anonymous: Client) -> None:
    body = anonymous.get(f"{BASE}/regions/520100/").json()
    assert body["name"] == "贵阳市" and body["parent_code"] == "520000"
    assert body["label"] == "贵州省 贵阳市"
    assert [c["code"] for c in body["chain"]] == ["520000", "520100"]


def test_errors_use_the_project_format(anonymous: Client) -> None:
    missing = anonymous.get(f"{BASE}/regions/999999/")
    assert missing.status_code == 404 and missing.json()["error"]["status"] == 404
    bad = anonymous.get(f"{BASE}/regions/", {"parent": "52"})
    assert bad.status_code == 400 and "parent" in bad.json()["error"]["fields"]
    assert anonymous.get(f"{BASE}/lists/nope/").status_code == 404


def test_industries(anonymous: Client) -> None:
    sections = anonymous.get(f"{BASE}/industries/").json()
    assert sections["count"] == 20
    under = anonymous.get(f"{BASE}/industries/", {"parent": "011"}).json()
    assert {"code": "0111", "name": "稻谷种植"}.items() <= under["results"][0].items()
    search = anonymous.get(f"{BASE}/industries/", {"q": "稻谷"}).json()
    assert "0111" in {r["code"] for r in search["results"]}


def test_countries(anonymous: Client) -> None:
    body = anonymous.get(f"{BASE}/countries/").json()
    assert len(body) == 249
    china = next(c for c in body if c["numeric"] == "156")
    assert (china["alpha2"], china["alpha3"], china["name_zh"]) == ("CN", "CHN", "中国")


def test_small_list(anonymous: Client) -> None:
    body = anonymous.get(f"{BASE}/lists/tech_field/").json()
    assert len(body) == 11
    assert body[0] == {
        "code": "electronic_information",
        "label_zh": "电子信息",
        "label_en": "Electronic information",
        "sort_order": 1,
        "parent_code": "",
        "edition": "techbridge-2026",
    }
