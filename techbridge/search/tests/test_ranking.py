"""Ranking parts that live in search: weighted plans, adjacent-word pairs, the schema
version of the index."""

from __future__ import annotations

import pytest

from techbridge.search import indexing, ranking
from techbridge.search.backends import get_backend
from techbridge.search.backends import tantivy_backend as tb

pytestmark = pytest.mark.django_db


def test_pairs_join_neighbours_of_one_stream():
    assert indexing.pair_tokens(["技术合同", "认定", "登记"]) == ["技术合同~认定", "认定~登记"]
    stream = ["剥削", "政治", "经济", "济学", "经济学", "政治经济学"]
    assert indexing.whole_words(stream) == ["剥削", "政治经济学"]
    doc = indexing.document_from_raw(
        {
            "kind": "achievement",
            "id": 1,
            "title": "技术合同",
            "keywords": ["认定登记"],
            "summary": "技术合同认定登记",
        }
    )
    pairs = str(doc.pairs).split(" ")
    assert len(pairs) == len(set(pairs)) and any("~" in p for p in pairs)


def test_explained_terms_drop_sub_words_of_matched_words():
    tokens = ["离子", "锂离子", "动力", "电池", "动力电池"]
    assert ranking.explained_terms(tokens, tokens) == ["锂离子", "动力电池"]
    assert ranking.explained_terms(tokens, ["动力", "电池"]) == ["动力", "电池"]


def test_long_queries_keep_their_distinctive_words_weighted(catalogue):
    for i in range(5):
        catalogue.published(title=f"研究平台{i}", summary="研究 平台 技术")
    catalogue.published(title="赤泥提铁", summary="拜耳法赤泥 磁选")
    stream = ["研究", "研究", "研究", "研究", "平台", "赤泥", "磁选", "技术"]
    plan = ranking.plan([stream], backend=get_backend(), max_terms=3)
    assert set(plan.tokens) == {"研究", "赤泥", "磁选"}
    assert plan.weights["研究"] > plan.weights["磁选"]  # said twice
    assert "赤泥~磁选" in plan.pairs and plan.words == 5


def test_an_index_of_the_old_schema_is_rebuilt_by_the_follower(catalogue):
    record = catalogue.published(title="拜耳法赤泥综合利用", summary="赤泥")
    backend = get_backend()
    assert backend.load_cursor(backend.generation()) is not None
    (backend.root / backend.generation() / tb.SCHEMA_FILE).unlink()  # as version 1 wrote it
    backend.close()
    assert backend.load_cursor(backend.generation()) is None
    assert backend.search(["赤泥"], pairs=["拜耳法~赤泥"], pair_boost=1.0).hits  # still answers
    from techbridge.search import follower

    old = backend.generation()
    follower.apply_pending()
    assert backend.generation() != old and backend.load_cursor(backend.generation()) is not None
    assert [h.id for h in backend.search(["赤泥"]).hits] == [record.pk]
