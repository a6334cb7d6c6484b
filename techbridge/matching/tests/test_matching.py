"""Matching both ways, explained, and never leaking what is not public."""

from __future__ import annotations

import pytest

from techbridge.matching import selectors

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(catalogue, personas):
    c = catalogue
    battery = c.published(
        title="锂离子动力电池正极材料",
        summary="高镍三元正极材料，提高能量密度",
        keywords=["锂电池", "正极材料"],
        technical_field="new_energy",
        trl=7,
    )
    membrane = c.published(
        title="海水淡化反渗透膜",
        summary="反渗透膜制备",
        technical_field="environment",
        trl=4,
    )
    lab = c.published(
        "lab",
        name="动力电池检测实验室",
        description="锂离子电池安全测试",
        lab_type="key_lab",
        level="national",
        technical_field="new_energy",
    )
    draft = c.draft(title="锂电池回收草稿", summary="锂离子电池拆解")
    demand = c.published(
        "demand",
        by=personas.owner,
        title="寻求锂离子电池正极材料技术",
        summary="提高动力电池能量密度",
        detail="机密：客户名单和工艺参数 绝密配方",
        technical_field="new_energy",
        confidential=True,
    )
    open_other = c.published(
        "demand",
        by=personas.outsider,
        title="反渗透膜污染问题",
        summary="海水淡化膜清洗",
        technical_field="environment",
    )
    draft_demand = c.draft(
        "demand",
        by=personas.owner,
        title="锂电池隔膜需求草稿",
        summary="锂离子电池隔膜",
    )
    return locals()


def test_demand_gets_ranked_resources_per_kind_and_combined(world):
    matches = selectors.match_demand(demand=world["demand"], limit=5)
    assert matches.results[0].id == world["battery"].pk
    assert [r.id for r in matches.by_kind["achievement"]] == [world["battery"].pk]
    assert [r.id for r in matches.by_kind["lab"]] == [world["lab"].pk]
    assert {(r.kind, r.id) for r in matches.results} == {
        ("achievement", world["battery"].pk),
        ("lab", world["lab"].pk),
    }
    assert world["draft"].pk not in [r.id for r in matches.by_kind["achievement"]]


def test_every_match_explains_itself(world):
    best = selectors.match_demand(demand=world["demand"], limit=5).results[0]
    assert "正极材料" in best.terms
    names = {s["name"]: s["points"] for s in best.signals}
    assert names["text"] == 10.0  # the best text match gets full text points
    assert names["same_field"] > 0
    assert names["trl_fit"] > 0
    assert names["partner_region"] > 0  # Guiyang enterprise, Beijing institute
    assert best.score == pytest.approx(sum(names.values()))


def test_resource_gets_open_demands_only(world):
    matches = selectors.match_resource(record=world["battery"], limit=5)
    ids = [r.id for r in matches.results]
    assert ids[0] == world["demand"].pk
    assert world["draft_demand"].pk not in ids
    assert all(r.kind == "demand" for r in matches.results)


def test_more_like_this_excludes_the_record(world, catalogue):
    similar = catalogue.published(title="三元正极材料制备", summary="锂离子电池正极")
    matches = selectors.more_like_this(record=world["battery"], limit=5)
    ids = [r.id for r in matches.results]
    assert world["battery"].pk not in ids
    assert ids[0] == similar.pk


def test_confidential_detail_never_matches(world):
    assert selectors.match_text(text="绝密配方 客户名单", kinds=["demand"]).results == []


def test_withdrawn_demand_leaves_resource_matches(world, catalogue, personas):
    catalogue.withdraw(world["demand"], by=personas.owner)
    ids = [r.id for r in selectors.match_resource(record=world["battery"]).results]
    assert world["demand"].pk not in ids


def test_partner_region_setting_is_read_at_call_time(world, settings):
    settings.MATCH_PARTNER_REGION_PREFIXES = "44"
    best = selectors.match_demand(demand=world["demand"], limit=5).results[0]
    assert "partner_region" not in {s["name"] for s in best.signals}


def test_empty_and_garbage_text(world):
    assert selectors.match_text(text="").results == []
    assert selectors.match_text(text="？？？!!! ---").results == []
