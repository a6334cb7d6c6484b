"""Matching prefers each demand's own partner region (issue 15 acceptance): a Chengde demand
(中关村–承德: partner 海淀区) favours a Haidian resource over an equal one from Chaoyang; a
Guiyang demand (首都科技条件平台贵阳工作站: partner 北京) favours both alike; without
programmes the setting still decides."""

from __future__ import annotations

import pytest

from techbridge.matching import selectors

pytestmark = pytest.mark.django_db

TEXT = {"summary": "混凝土冻融破坏 修复材料", "technical_field": "new_materials", "trl": 6}


@pytest.fixture
def resources(catalogue, pair):
    haidian = catalogue.published(
        title="高寒地区混凝土抗冻融修复材料", region_code="110108", **TEXT
    )
    chaoyang = catalogue.published(
        title="高寒地区混凝土抗冻融修复材料", region_code="110105", **TEXT
    )
    return haidian, chaoyang


def _partner_points(matches, record) -> float:
    for result in matches.results:
        if result.id == record.pk:
            return sum(s["points"] for s in result.signals if s["name"] == "partner_region")
    raise AssertionError("record not matched")


def _demand(catalogue, personas, region):
    return catalogue.published(
        "demand",
        by=personas.owner,
        title="混凝土冻融破坏问题",
        summary="高寒地区混凝土冻融破坏 需要修复材料",
        technical_field="new_materials",
        region_code=region,
    )


def test_chengde_demand_prefers_zhongguancun(catalogue, personas, resources) -> None:
    haidian, chaoyang = resources
    matches = selectors.match_demand(demand=_demand(catalogue, personas, "130802"), limit=5)
    assert _partner_points(matches, haidian) > 0
    assert _partner_points(matches, chaoyang) == 0
    assert [r.id for r in matches.results[:2]] == [haidian.pk, chaoyang.pk]


def test_guiyang_demand_takes_all_of_beijing(catalogue, personas, resources) -> None:
    haidian, chaoyang = resources
    matches = selectors.match_demand(demand=_demand(catalogue, personas, "520115"), limit=5)
    assert _partner_points(matches, haidian) > 0
    assert _partner_points(matches, chaoyang) > 0


def test_an_explicit_link_gives_the_linked_programmes_partner(
    catalogue,
    personas,
    resources,
    pair,
) -> None:
    from techbridge.programmes import services

    haidian, chaoyang = resources
    demand = _demand(catalogue, personas, "520115")
    services.programme_link(
        actor=pair.staff, programme=pair.chengde, kind="demand", object_id=demand.pk
    )
    matches = selectors.match_demand(demand=demand, limit=5)
    assert _partner_points(matches, haidian) > 0 and _partner_points(matches, chaoyang) == 0


def test_a_demand_outside_every_programme_follows_the_setting(
    catalogue,
    personas,
    resources,
    settings,
) -> None:
    haidian, _chaoyang = resources
    demand = _demand(catalogue, personas, "440305")  # Shenzhen: the default programme's
    settings.MATCH_PARTNER_REGION_PREFIXES = "11"
    assert _partner_points(selectors.match_demand(demand=demand, limit=5), haidian) > 0
    settings.MATCH_PARTNER_REGION_PREFIXES = "31"
    assert _partner_points(selectors.match_demand(demand=demand, limit=5), haidian) == 0
