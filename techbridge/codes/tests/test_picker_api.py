"""The region and industry picker's API (issue 14): type-ahead by name, by pinyin initials
and by full pinyin, the cascade by parent, each row with its full path name."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from techbridge.codes.models import REGION_EDITION, Industry, Region

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.urls("techbridge.codes.tests.urls"),
    pytest.mark.usefixtures("loaded_codes"),
]

BASE = "/api/v1/codes"


@pytest.fixture
def anonymous() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="zh-hans")


def _regions(client: Client, **params: Any) -> list[dict[str, Any]]:
    response = client.get(f"{BASE}/regions/", params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def _industries(client: Client, **params: Any) -> list[dict[str, Any]]:
    response = client.get(f"{BASE}/industries/", params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_pinyin_is_stored_when_the_lists_are_loaded() -> None:
    guiyang = Region.objects.get(edition=REGION_EDITION, code="520100")
    assert (guiyang.initials, guiyang.pinyin) == ("gys", "guiyangshi")
    assert Region.objects.get(edition=REGION_EDITION, code="500000").pinyin == "chongqingshi"
    software = Industry.objects.get(code="651")
    assert (software.initials, software.pinyin) == ("rjkf", "ruanjiankaifa")
    # Punctuation in a name leaves no trace: 农、林、牧、渔业.
    assert Industry.objects.get(code="A").initials == "nlmyy"


def test_a_region_by_name(anonymous: Client) -> None:
    rows = _regions(anonymous, q="贵阳")
    assert rows[0] == {
        **rows[0],
        "code": "520100",
        "name": "贵阳市",
        "level": 2,
        "parent_code": "520000",
        "label": "贵州省 贵阳市",
    }


def test_a_region_by_pinyin_initials(anonymous: Client) -> None:
    assert _regions(anonymous, q="bj")[0]["code"] == "110000"
    assert "520100" in [r["code"] for r in _regions(anonymous, q="gy")]
    # Letter case and spaces do not matter; more letters narrow the list.
    assert _regions(anonymous, q="G Y S")[0]["code"] in {"520100", "510800"}  # 贵阳市, 广元市
    huaxi = _regions(anonymous, q="hxq")
    assert "520111" in [r["code"] for r in huaxi]
    assert next(r for r in huaxi if r["code"] == "520111")["label"] == "贵州省 贵阳市 花溪区"


def test_a_region_by_full_pinyin(anonymous: Client) -> None:
    assert _regions(anonymous, q="guiyang")[0]["code"] == "520100"
    assert _regions(anonymous, q="beijing")[0]["code"] == "110000"
    assert "520111" in [r["code"] for r in _regions(anonymous, q="huaxi")]


def test_a_chain_as_people_write_it_comes_first(anonymous: Client) -> None:
    assert _regions(anonymous, q="贵阳 花溪")[0]["code"] == "520111"


def test_the_cascade_lists_the_children_of_a_parent(anonymous: Client) -> None:
    provinces = _regions(anonymous, page_size=50)
    assert len(provinces) == 34 and {r["level"] for r in provinces} == {1}
    cities = _regions(anonymous, parent="520000", page_size=50)
    assert "520100" in {r["code"] for r in cities}
    assert {r["parent_code"] for r in cities} == {"520000"}
    districts = _regions(anonymous, parent="520100", page_size=50)
    assert {r["label"].split(" ")[1] for r in districts} == {"贵阳市"}
    # Type-ahead within one parent: only its children.
    assert [r["code"] for r in _regions(anonymous, parent="520100", q="hx")] == ["520111"]


def test_a_search_is_short_and_needs_few_queries(
    anonymous: Client, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(3):
        rows = _regions(anonymous, q="s")
    assert 0 < len(rows) <= 20


def test_a_search_that_matches_nothing_is_an_empty_list(anonymous: Client) -> None:
    assert _regions(anonymous, q="xyzxyz") == []


def test_industries_by_name_initials_pinyin_and_parent(anonymous: Client) -> None:
    assert _industries(anonymous, q="软件开发")[0]["code"] == "651"
    assert "651" in [r["code"] for r in _industries(anonymous, q="rjkf")]
    # 65 软件和信息技术服务业 and 651 软件开发 both spell ruanjian…; the wider one first.
    assert [r["code"] for r in _industries(anonymous, q="ruanjian")][:2] == ["65", "651"]
    divisions = _industries(anonymous, parent="C", page_size=50)
    assert {r["level"] for r in divisions} == {2} and "39" in {r["code"] for r in divisions}
    software = _industries(anonymous, parent="651")
    assert software[0]["code"] == "6511"
    assert software[0]["label"] == " / ".join(
        ["信息传输、软件和信息技术服务业", "软件和信息技术服务业", "软件开发", "基础软件开发"]
    )


def test_english_mode_keeps_the_chinese_names_the_lists_have(anonymous: Client) -> None:
    # Neither GB/T 2260 nor GB/T 4754 as loaded has English names: the Chinese is shown,
    # and the messages around it are English.
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    row = _regions(english, q="guiyang")[0]
    assert (row["name"], row["label"]) == ("贵阳市", "贵州省 贵阳市")
    bad = english.get(f"{BASE}/regions/", {"parent": "52"})
    assert bad.status_code == 400
    message = str(bad.json()["error"])
    assert "parent" in message and not any("\u4e00" <= ch <= "\u9fff" for ch in message)
