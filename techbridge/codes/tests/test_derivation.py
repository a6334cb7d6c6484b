"""Deriving the fixtures from the public source tables (no database needed)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from techbridge.codes.derivation import (
    COUNTRY_FIXTURE,
    DATA_DIR,
    INDUSTRY_FIXTURE,
    LICENSE_SOURCE,
    REGION_FIXTURE,
    DerivationError,
    DeriveReport,
    derive,
    derive_industries,
    derive_regions,
)

SOURCE = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "codes"


def _fixture(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _region(row_id: str, parent_id: str, code: str, name: str, revoked: str = "0") -> dict:
    return {
        "id": row_id,
        "parent_id": parent_id,
        "code": code,
        "name": name,
        "revoked": revoked,
        "latitude": "",
        "longitude": "",
    }


@pytest.mark.skipif(not SOURCE.is_dir(), reason="source tables not available")
def test_committed_fixtures_are_exactly_what_the_source_derives(tmp_path: Path) -> None:
    derive(SOURCE.resolve(), tmp_path)
    for name in (REGION_FIXTURE, INDUSTRY_FIXTURE, COUNTRY_FIXTURE, LICENSE_SOURCE):
        assert (tmp_path / name).read_bytes() == (DATA_DIR / name).read_bytes(), name


def test_provenance_names_source_and_licence() -> None:
    text = (DATA_DIR / "PROVENANCE.md").read_text(encoding="utf-8")
    assert "github.com/liulinwjzx/liuinwj-public-coding" in text
    assert "Copyright (c) 2019 Liulinwj, MIT" in text
    assert "MIT License" in (DATA_DIR / LICENSE_SOURCE).read_text(encoding="utf-8")


def test_region_fixture_is_consistent() -> None:
    rows = _fixture(REGION_FIXTURE)
    keys = {(r["code"], r["name"]) for r in rows}
    assert len(rows) == len(keys) == 6564
    assert all(len(r["code"]) == 6 and r["code"].isdigit() for r in rows)
    assert all((r["parent_code"], r["parent_name"]) in keys for r in rows if r["parent_code"])
    level = {(r["code"], r["name"]): r["level"] for r in rows}
    for r in rows:
        if not r["parent_code"]:
            assert r["level"] == "1"
            continue
        # A code extends its parent's significant digits: 2 for a province, 4 for a
        # prefecture (the 开封市 districts were repaired to satisfy this).
        digits = 2 if level[(r["parent_code"], r["parent_name"])] == "1" else 4
        assert r["code"][:digits] == r["parent_code"][:digits], r


def test_industry_fixture_has_its_leading_zeros_back() -> None:
    rows = {r["code"]: r for r in _fixture(INDUSTRY_FIXTURE)}
    assert len(rows) == 1970
    assert rows["0111"]["name"] == "稻谷种植" and rows["0111"]["parent_code"] == "011"
    assert rows["011"]["parent_code"] == "01" and rows["01"]["parent_code"] == "A"
    assert {len(code) for code in rows} == {1, 2, 3, 4}
    assert all(r["name"] == r["name"].strip() for r in rows.values())


def test_level_follows_the_administrative_level_not_the_depth() -> None:
    rows = [
        _region("1", "", "110000", "北京市"),
        _region("2", "1", "110101", "东城区"),  # district directly under a municipality
        _region("3", "", "410000", "河南省"),
        _region("4", "3", "410100", "郑州市"),
        _region("5", "4", "410102", "中原区"),
        _region("6", "3", "419001", "济源市"),  # county-level, administered by the province
    ]
    levels = {r[0]: r[2] for r in derive_regions(rows, DeriveReport(), corrections={})}
    assert levels == {
        "110000": "1",
        "110101": "3",
        "410000": "1",
        "410100": "2",
        "410102": "3",
        "419001": "3",
    }


def test_county_under_the_wrong_prefecture_is_moved_by_its_code() -> None:
    rows = [
        _region("1", "", "410000", "河南省"),
        _region("2", "1", "410100", "郑州市"),
        _region("3", "1", "410200", "开封市"),
        _region("4", "2", "410202", "龙亭区"),
    ]
    report = DeriveReport()
    out = {r[0]: r for r in derive_regions(rows, report, corrections={})}
    assert out["410202"][3:5] == ["410200", "开封市"]
    assert any("410202" in line for line in report.corrections)


def test_a_correction_that_matches_nothing_fails_loudly() -> None:
    rows = [_region("1", "", "110000", "北京市")]
    with pytest.raises(DerivationError):
        derive_regions(rows, DeriveReport(), corrections={("999999", "无"): (True, "test")})


def test_industry_codes_are_padded_by_depth() -> None:
    rows = [
        {"id": "1", "parent_id": "", "code": "A", "name": "农、林、牧、渔业", "dest": ""},
        {"id": "2", "parent_id": "1", "code": "1", "name": "农业", "dest": "x"},
        {"id": "3", "parent_id": "2", "code": "11", "name": "谷物种植", "dest": ""},
        {"id": "4", "parent_id": "3", "code": "111", "name": "稻谷种植\xa0", "dest": ""},
    ]
    out = derive_industries(rows, DeriveReport())
    assert [(r[0], r[1], r[2], r[3]) for r in out] == [
        ("A", "农、林、牧、渔业", "1", ""),
        ("01", "农业", "2", "A"),
        ("011", "谷物种植", "3", "01"),
        ("0111", "稻谷种植", "4", "011"),
    ]
