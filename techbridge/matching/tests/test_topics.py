"""The topic model behind more-like-this's ``topical`` signal."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from techbridge.matching import selectors, topics

pytestmark = pytest.mark.django_db

WATER = ["水库", "大坝", "渗流", "防洪", "水文", "泄洪", "坝体", "灌溉"]
HEALTH = ["患者", "治疗", "临床", "血压", "药物", "症状", "护理", "随访"]
SOIL = ["土壤", "施肥", "作物", "产量", "小麦", "玉米", "灌溉水", "氮素"]


def test_words_of_one_topic_end_up_close():
    docs = [
        [words[(i + j) % 8] for j in range(3)] for words in (WATER, HEALTH, SOIL) for i in range(20)
    ]
    model = topics.train(docs, dim=64)
    near, far = model.similarities(["水库", "大坝"], [["渗流", "防洪"], ["患者", "治疗"]])
    assert near > far + 0.2
    assert model.similarities(["未知词"], [["水库"]]) == [0.0]


def test_more_like_this_explains_closeness_in_topic(catalogue, tmp_path):
    assert topics.current() is None
    seed = catalogue.published(title="水库大坝渗流监测", summary="水库 大坝 渗流 监测 坝体 安全")
    same = catalogue.published(title="泄洪与防洪调度", summary="防洪 泄洪 水文 水库 调度")
    for i in range(6):
        catalogue.published(title=f"水文观测{i}", summary=f"水文 大坝 坝体 灌溉 防洪 渗流 {i}")
        catalogue.published(title=f"临床护理{i}", summary=f"患者 治疗 临床 护理 随访 {i}")
    before = selectors.more_like_this(record=seed, limit=5).results
    assert all(s["name"] != "topical" for r in before for s in r.signals)
    call_command("topic_model")
    assert topics.current() is not None
    results = selectors.more_like_this(record=seed, limit=5).results
    assert seed.pk not in [r.id for r in results]
    signal = {s["name"]: s for s in next(r for r in results if r.id == same.pk).signals}
    assert 0 < signal["topical"]["value"] <= 1 and signal["topical"]["points"] > 0
    assert results[0].score == pytest.approx(sum(s["points"] for s in results[0].signals))


def test_feedback_moves_the_source_towards_the_best_text_candidates():
    from types import SimpleNamespace

    docs = [
        [words[(i + j) % 8] for j in range(3)] for words in (WATER, HEALTH, SOIL) for i in range(20)
    ]
    model = topics.train(docs, dim=64)
    hits = [
        SimpleNamespace(kind="achievement", id=1, fields={"summary": ["患者", "治疗", "临床"]}),
        SimpleNamespace(kind="achievement", id=2, fields={"summary": ["土壤", "施肥", "作物"]}),
    ]
    plain = model.similarities_of_hits(["水库", "大坝"], hits)
    fed = model.similarities_of_hits(["水库", "大坝"], hits, feedback=1, beta=3.0)
    assert fed[0] > plain[0] + 0.2  # the best text candidate's topic joins the source's
    assert model.similarities_of_hits(["水库", "大坝"], hits, feedback=1, beta=0.0) == plain


def test_later_feedback_rounds_follow_the_candidates_closest_in_topic():
    """A best text match that is off topic pulls the source in the first round only; the
    next rounds take the candidates closest in topic instead."""
    from types import SimpleNamespace

    docs = [
        [words[(i + j) % 8] for j in range(3)] for words in (WATER, HEALTH, SOIL) for i in range(20)
    ]
    model = topics.train(docs, dim=64)

    def hit(pk: int, words: list[str]) -> SimpleNamespace:
        return SimpleNamespace(kind="achievement", id=pk, fields={"summary": words})

    hits = [
        hit(1, ["患者", "治疗", "临床"]),  # the best text match, off topic
        hit(2, ["水库", "渗流", "防洪"]),
        hit(3, ["大坝", "泄洪", "水文"]),
        hit(4, ["土壤", "施肥", "作物"]),
    ]
    once = model.similarities_of_hits(["水库", "大坝"], hits, feedback=2, beta=1.5, rounds=1)
    thrice = model.similarities_of_hits(["水库", "大坝"], hits, feedback=2, beta=1.5, rounds=3)
    assert thrice[0] < once[0] - 0.05  # the off-topic match no longer pulls
    assert thrice[2] > once[2]  # the other record on the source's topic gains
    assert thrice[3] < 0.5
