"""The evaluation harness's own parts: metrics, query classes, the gate, skipping without
data (the full run is `make eval-matching`, not part of the suite)."""

from __future__ import annotations

import pytest

from techbridge.matching.evaluation import data, metrics, queries, runner
from techbridge.matching.evaluation.__main__ import main


def test_metrics():
    assert metrics.reciprocal_rank(["a", "b", "c"], "b") == 0.5
    assert metrics.reciprocal_rank(["a"] * 10 + ["b"], "b") == 0.0
    assert metrics.recall(["a", "b"], "b") == 1.0
    gains = {"a": 3.0, "b": 1.0}
    assert metrics.ndcg(["a", "b"], lambda d: gains.get(d, 0.0), [3.0, 1.0]) == 1.0
    assert metrics.ndcg(["b", "a"], lambda d: gains.get(d, 0.0), [3.0, 1.0]) < 1.0
    assert metrics.share(["x", "y"], lambda d: d == "x") == 0.1  # over 10, not over 2
    assert metrics.pct([1, 2, 3, 4, 100], 95) == 100


def record(i: int, summary: str, **kw) -> data.Record:
    return data.Record(
        external_id=f"r{i}", title=f"题目{i}", summary=summary, keywords=["材料", f"方法{i}"], **kw
    )


def test_query_classes_are_cut_from_the_records_and_split_by_source():
    text = (
        "本文介绍一种新方法。针对高寒地区混凝土冻融破坏的问题，提出了新的防护工艺。"
        "试验采用三种配合比。结果表明抗冻等级显著提高。该工艺成本较低。已在工程中应用。"
    )
    records = [record(i, text, discipline="水利工程", has_title=True) for i in range(4)]
    built = queries.build(records, [], per_class=10)
    problem = built["problem"][0]
    assert problem.text.startswith("针对高寒地区混凝土冻融破坏的问题")
    paragraph = built["paragraph"][0].text
    assert paragraph.startswith("我单位") and "合作" in paragraph
    assert paragraph.count("。") >= 3  # two or three sentences inside the wrapper
    assert {q.half for cls in built.values() for q in cls} <= {"tune", "held"}
    trad = queries.variant(problem, "traditional")
    assert "針對" in trad.text and trad.half == problem.half
    pinyin = queries.variant(problem, "pinyin").text
    assert "(" in pinyin
    from techbridge.text import normalise

    assert normalise(pinyin) == normalise(trad.text)


def test_long_reports_are_2000_to_5000_characters():
    filler = "研究表明该方法有效。" * 30  # 300 characters
    records = [record(i, filler + f"编号{i}。", discipline="d") for i in range(40)]
    reports = data.long_reports(records, count=3)
    assert reports and all(2000 <= len(r.summary) <= 5000 for r in reports)
    used = [c for r in reports for c in r.components]
    assert len(used) == len(set(used))


def test_gate_fails_a_class_below_the_baseline():
    row = {
        "cls": "paragraph",
        "variant": "simplified",
        "half": "held",
        "n": 10,
        "ours": {"mrr": 0.9, "recall": 1.0, "ndcg": 0.5, "p50": 1, "p95": 2},
        "bm25-norm": {"mrr": 0.95, "recall": 1.0, "ndcg": 0.5, "p50": 1, "p95": 2},
        "bm25-raw": {"mrr": 0.95, "recall": 1.0, "ndcg": 0.5, "p50": 1, "p95": 2},
    }
    assert runner.gate([row])
    assert not runner.gate([{**row, "half": "tune"}])
    assert (
        runner.report([row], {}, json_path=None, previous=None, tolerance=0.0, write=lambda s: None)
        == 1
    )
    row["ours"]["mrr"] = 0.95
    assert (
        runner.report([row], {}, json_path=None, previous=None, tolerance=0.0, write=lambda s: None)
        == 0
    )


def test_skips_with_a_message_without_data(tmp_path, capsys):
    assert main(["--data", str(tmp_path / "absent")]) == 0
    assert "not found" in capsys.readouterr().out


@pytest.mark.parametrize("text", ["创新", "贵阳大数据"])
def test_pinyin_annotations_are_valid_syllables(text):
    from techbridge.text.normalise import strip_pinyin

    annotated = queries.annotate_pinyin(text, every=1)
    assert strip_pinyin(annotated) == queries.traditional(text)
