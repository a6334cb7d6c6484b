"""Lookups other apps rely on, against the real fixtures."""

from __future__ import annotations

from typing import Any

import pytest

from techbridge.codes import selectors
from techbridge.codes.choices import TechField

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("loaded_codes")]


def _names(code: str) -> list[str]:
    return [r.name for r in selectors.region_chain(code)]


@pytest.mark.parametrize(
    ("code", "chain"),
    [
        ("110000", ["北京市"]),
        ("110101", ["北京市", "东城区"]),
        ("520100", ["贵州省", "贵阳市"]),
        ("130800", ["河北省", "承德市"]),
        ("520102", ["贵州省", "贵阳市", "南明区"]),
    ],
)
def test_regions_resolve_with_their_parents(code: str, chain: list[str]) -> None:
    assert _names(code) == chain
    assert selectors.region_label(code) == " ".join(chain)


def test_levels_are_administrative_levels() -> None:
    levels = {c: selectors.get_region(c).level for c in ("110000", "520100", "110101", "419001")}
    assert levels == {"110000": 1, "520100": 2, "110101": 3, "419001": 3}


def test_revoked_code_resolves_and_is_flagged() -> None:
    laiwu = selectors.get_region("371200")
    assert laiwu is not None and laiwu.name == "莱芜市" and laiwu.revoked
    assert _names("371200") == ["山东省", "莱芜市"]
    assert selectors.is_valid_region("371200")
    assert not selectors.is_valid_region("371200", allow_revoked=False)
    assert "371200" not in selectors.region_codes(include_revoked=False)


def test_reused_codes_prefer_the_current_division() -> None:
    assert selectors.get_region("419001").name == "济源市"  # 义马市 is the revoked one
    assert selectors.get_region("232701").name == "漠河市"


def test_source_corrections_are_in_effect() -> None:
    assert not selectors.get_region("130300").revoked  # 秦皇岛市
    assert _names("410202") == ["河南省", "开封市", "龙亭区"]


def test_unknown_codes() -> None:
    assert selectors.get_region("999999") is None
    assert selectors.region_chain("999999") == []
    assert selectors.region_label("999999") == "999999"
    assert not selectors.is_valid_region("999999")
    assert selectors.children("999999").count() == 0


def test_region_prefix() -> None:
    assert selectors.region_prefix("520000") == "52"
    assert selectors.region_prefix("520100") == "5201"
    assert selectors.region_prefix("520102") == "520102"
    with pytest.raises(ValueError):
        selectors.region_prefix("52")


def test_provinces_and_children() -> None:
    provinces = list(selectors.provinces().values_list("code", flat=True))
    assert len(provinces) == 34 and provinces[0] == "110000"
    guizhou = list(selectors.children("520000").values_list("name", flat=True))
    assert "贵阳市" in guizhou
    shandong = selectors.children("370000")
    assert "莱芜市" not in {r.name for r in shandong}
    assert "莱芜市" in {r.name for r in selectors.children("370000", include_revoked=True)}


def test_lookups_are_answered_from_memory(django_assert_num_queries: Any) -> None:
    selectors.get_region("520100")
    selectors.get_industry("0111")
    selectors.get_country("CN")
    with django_assert_num_queries(0):
        for _ in range(1000):
            selectors.region_label("520102")
            selectors.is_valid_region("130800")
            selectors.is_valid_industry("0111")
            selectors.get_country("156")


def test_industry_chain() -> None:
    chain = selectors.industry_chain("0111")
    assert [(i.code, i.name) for i in chain] == [
        ("A", "农、林、牧、渔业"),
        ("01", "农业"),
        ("011", "谷物种植"),
        ("0111", "稻谷种植"),
    ]
    assert selectors.get_industry("0111").parent.code == "011"
    assert selectors.industry_label("0111") == "稻谷种植"
    assert selectors.industry_label("9999") == "9999"
    assert selectors.is_valid_industry("a") and selectors.is_valid_industry("0111")
    # The source's zero-less form of 0190 其他农业 is not a code (no guessing of zeros).
    assert not selectors.is_valid_industry("190")
    assert [i.code for i in selectors.industries()][:2] == ["A", "B"]
    assert "0111" in {i.code for i in selectors.industries(parent="011")}


@pytest.mark.parametrize("code", ["156", "CN", "CHN", "cn", " chn "])
def test_country_by_any_code(code: str) -> None:
    china = selectors.get_country(code)
    assert china is not None and china.name_zh == "中国" and china.numeric == "156"


def test_country_details() -> None:
    assert selectors.get_country("4").alpha2 == "AF"  # numeric code that lost its zeros
    assert selectors.get_country("HK").sovereign == "CN"
    assert selectors.get_country("XX") is None
    assert selectors.countries().count() == 249


def test_entries_follow_the_choices() -> None:
    fields = selectors.entries("tech_field")
    assert [e.label_zh for e in fields] == TechField.labels
    assert [e.code for e in fields] == TechField.values
    assert fields[0].label_en == "Electronic information"
    lpt = {e.code: e for e in selectors.entries("legal_person_type")}
    assert lpt["110"].parent_code == "100" and lpt["100"].parent_code == ""
    assert [e.code for e in selectors.entries("trl")] == [str(n) for n in range(1, 10)]
    assert selectors.entries("nope").count() == 0
