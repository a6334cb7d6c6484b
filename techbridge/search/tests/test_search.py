"""What a user of search notices: scripts and spellings meet, drafts stay hidden, the
index follows every change."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from techbridge.catalogue.services.records import record_publish
from techbridge.search import indexing
from techbridge.search.selectors import search

pytestmark = pytest.mark.django_db


def titles(q: str, **kw: object) -> list[str]:
    return [r.title for r in search(q=q, **kw).results]


def test_simplified_query_finds_traditional_record_and_back(catalogue):
    catalogue.published(title="鋰離子動力電池正極材料", summary="高能量密度的鋰電池技術")
    catalogue.published(title="海水淡化反渗透膜", summary="反渗透膜组件与工艺")
    assert titles("锂离子电池") == ["鋰離子動力電池正極材料"]
    assert titles("海水淡化 反滲透膜") == ["海水淡化反渗透膜"]


def test_pre_segmented_and_pinyin_annotated_text_match_clean_forms(catalogue):
    catalogue.published(title="首都 科技 条件 平台 共享 服务", summary="仪器 共享")
    catalogue.published(title="貴(guì)陽(yáng)大數據創(chuàng)新中心", summary="数据中心")
    catalogue.published(title="ＣＡＥ仿真分析汽车密封条", summary="")
    assert titles("首都科技条件平台") == ["首都 科技 条件 平台 共享 服务"]
    assert titles("贵阳大数据") == ["貴(guì)陽(yáng)大數據創(chuàng)新中心"]
    assert titles("cae 密封条") == ["ＣＡＥ仿真分析汽车密封条"]


def test_published_record_found_its_draft_not(catalogue):
    catalogue.published(title="赤泥综合利用技术", summary="拜耳法赤泥")
    catalogue.draft(title="赤泥建材化利用草稿", summary="拜耳法赤泥 未发布")
    assert titles("赤泥") == ["赤泥综合利用技术"]
    assert search(q="未发布").results == []


def test_withdrawal_and_deletion_remove_from_results(catalogue):
    record = catalogue.published(title="烟气脱硝催化剂", summary="宽温低成本")
    other = catalogue.published(title="脱硝工艺服务", summary="烟气治理")
    assert set(titles("脱硝")) == {"烟气脱硝催化剂", "脱硝工艺服务"}
    catalogue.withdraw(record)
    assert titles("脱硝") == ["脱硝工艺服务"]
    catalogue.delete(other)
    assert titles("脱硝") == []


def test_edit_reindexes_new_words(catalogue):
    record = catalogue.published(title="铝合金船舶材料", summary="耐热")
    record = catalogue.update(record, title="高韧性铝合金", expected_version=record.version)
    # An edited published record goes back to review, off the public catalogue (issue 9).
    assert titles("船舶") == [] and titles("高韧性") == []
    with catalogue.capture(execute=True):
        record_publish(actor=catalogue.personas.staff, record=record)
    assert titles("高韧性") == ["高韧性铝合金"]
    assert titles("船舶") == []


def test_index_check_is_clean_after_mixed_edits(catalogue):
    a = catalogue.published(title="动画渲染集群", summary="渲染服务")
    b = catalogue.published(title="药用植物栽培", summary="种植技术")
    c = catalogue.draft(title="工业机器视觉", summary="检测")
    catalogue.update(a, summary="云渲染", expected_version=a.version)
    catalogue.withdraw(b)
    catalogue.publish(c)
    catalogue.delete(a)
    for kind in indexing.all_kinds():
        assert indexing.differences(kind) == (set(), set()), kind
    assert titles("机器视觉") == ["工业机器视觉"]


def test_rebuild_restores_a_lost_index(catalogue):
    catalogue.published(title="锂电池回收", summary="湿法冶金")
    indexing.reset_index()
    assert titles("锂电池") == []
    assert indexing.differences("achievement")[0]
    indexing.rebuild()
    assert titles("锂电池") == ["锂电池回收"]
    indexing.rebuild(["achievement"])
    assert titles("锂电池") == ["锂电池回收"]


@pytest.mark.parametrize("q", ["", "   ", "！？。，", "a", "1111", "的了", "\u0000\u200b"])
def test_garbage_queries_give_empty_results(catalogue, q):
    catalogue.published(title="材料 a 1111", summary="的了")
    assert search(q=q).results == []


@pytest.mark.parametrize(
    "q", ['"锂电池"', "title:锂电池", "锂电池 OR", "(锂电池)", "-锂电池", "锂电池 AND [x"]
)
def test_query_syntax_is_plain_text(catalogue, q):
    catalogue.published(title="锂电池隔膜", summary="")
    assert titles(q) == ["锂电池隔膜"]


def test_overlong_query_is_refused():
    with pytest.raises(ValidationError):
        search(q="锂" * 501)


def test_filters_and_facets(catalogue, personas):
    catalogue.published(title="光伏材料", summary="", technical_field="new_materials")
    catalogue.published(
        "lab",
        name="光伏实验室",
        description="光伏测试",
        by=personas.researcher,
        lab_type="key_lab",
        level="provincial",
        technical_field="new_energy",
    )
    catalogue.published(
        title="光伏电站运维", summary="", by=personas.owner, technical_field="new_energy"
    )
    page = search(q="光伏", facets=True)
    assert page.total == 3
    assert page.facets["kind"] == {"achievement": 2, "lab": 1}
    assert page.facets["technical_field"] == {"new_materials": 1, "new_energy": 2}
    assert titles("光伏", kinds=["lab"]) == ["光伏实验室"]
    assert titles("光伏", technical_field="new_materials") == ["光伏材料"]
    assert titles("光伏", region="520000") == ["光伏电站运维"]  # the enterprise is in 520100
    assert set(titles("光伏", region="110000")) == {"光伏材料", "光伏实验室"}


def test_title_outranks_summary(catalogue):
    catalogue.published(title="储能系统集成", summary="电池")
    catalogue.published(title="电池管理系统", summary="储能")
    assert titles("电池")[0] == "电池管理系统"


def test_backend_more_like_this_and_counts(catalogue):
    from techbridge.search.backends import get_backend

    a = catalogue.published(title="稀土永磁电机", summary="钕铁硼永磁材料")
    b = catalogue.published(title="永磁同步电机控制", summary="永磁电机驱动")
    c = catalogue.published(title="小麦育种", summary="抗旱品种")
    backend = get_backend()
    assert backend.count() == 3 and backend.count("achievement") == 3
    assert backend.all_ids("achievement") == {a.pk, b.pk, c.pk}
    similar = backend.more_like_this("achievement", a.pk, limit=5)
    assert similar.hits[0].id == b.pk
    assert a.pk not in [h.id for h in similar.hits]
