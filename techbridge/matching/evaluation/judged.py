"""``techbridge eval-matching --judgments``: the harness's metrics on the platform's own
relevance judgments (``matching.Judgment``), in the deployment's own database and index.

For every published demand with a judged resource of grade ≥ 2, ``match_demand`` (the code
behind ``GET /api/v1/demands/{id}/matches``) ranks up to 100 resources; the list is
condensed to the judged ones (judgments are incomplete: an unjudged resource is neither
right nor wrong), then MRR@10 (first resource of grade ≥ 2), Recall@10 (of the resources of
grade ≥ 2) and nDCG@10 (gain = grade) are taken — next to plain BM25 over the index's own
tokens in one field (``bm25-norm``), built from the index in the same run.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from techbridge.matching.evaluation import metrics

RELEVANT = 2
DEPTH = 100


def _baseline() -> tuple[Any, list[tuple[str, int]]] | None:
    try:
        import bm25s
    except ImportError:  # a production install without the development extras
        return None
    from techbridge.search.backends import get_backend

    backend = get_backend()
    keys, docs = [], []
    for kind, pk, fields in backend.sample_documents(max(backend.count(), 1)):
        keys.append((kind, pk))
        docs.append(fields["title"] + fields["keywords"] + fields["summary"])
    if not docs:
        return None
    retriever = bm25s.BM25()
    retriever.index(docs, show_progress=False)
    return retriever, keys


def _bm25_rank(
    baseline: tuple[Any, list[tuple[str, int]]], tokens: list[str]
) -> list[tuple[str, int]]:
    import numpy as np

    retriever, keys = baseline
    known = [t for t in tokens if t in retriever.vocab_dict]
    if not known:
        return []
    scores = retriever.get_scores(known)
    order = np.argsort(-scores, kind="stable")
    out: list[tuple[str, int]] = []
    for i in order:
        if scores[int(i)] <= 0 or len(out) >= DEPTH:
            break
        key = keys[int(i)]
        if key[0] != "demand":
            out.append(key)
    return out


def score(ranked: list[tuple[str, int]], grades: dict[tuple[str, int], int]) -> dict[str, float]:
    top = [key for key in ranked if key in grades][: metrics.K]
    relevant = {key for key, g in grades.items() if g >= RELEVANT}
    first = next((i for i, key in enumerate(top) if key in relevant), None)
    return {
        "mrr": 0.0 if first is None else 1.0 / (first + 1),
        "recall": len([k for k in top if k in relevant]) / len(relevant) if relevant else 0.0,
        "ndcg": metrics.ndcg(top, lambda key: float(grades.get(key, 0)), list(grades.values())),
    }


def run(
    *,
    write: Callable[[str], None] = print,
    json_path: Path | None = None,
    export: Path | None = None,
    tolerance: float = 0.0,
) -> int:
    """Evaluate on the judgments; 1 when ours falls below bm25-norm on MRR@10."""
    from techbridge.catalogue.selectors import public_queryset
    from techbridge.matching import selectors

    if export is not None:
        with export.open("w", encoding="utf-8") as fh:
            n = 0
            for row in selectors.judgment_rows():
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
                n += 1
        write(f"eval-matching: {n} judgments written to {export}")
    judged = {
        key: grades
        for key, grades in selectors.judged_pairs(query_kind="demand").items()
        if any(g >= RELEVANT for g in grades.values())
    }
    demands = public_queryset("demand").filter(pk__in=[pk for _, pk in judged])
    if not judged or not demands.exists():
        write("eval-matching: no published demand has a judgment of grade ≥ 2 yet; nothing to do.")
        return 0
    baseline = _baseline()
    per_system: dict[str, list[dict[str, float]]] = {"ours": [], "bm25-norm": []}
    ms: list[float] = []
    for demand in demands.select_related("owner"):
        grades = judged[("demand", demand.pk)]
        t0 = time.perf_counter()
        found = selectors.match_demand(demand=demand, limit=DEPTH)
        ms.append((time.perf_counter() - t0) * 1000)
        per_system["ours"].append(score([(r.kind, r.id) for r in found.results], grades))
        if baseline is not None:
            tokens = selectors.indexed_tokens(demand)
            per_system["bm25-norm"].append(score(_bm25_rank(baseline, tokens), grades))
    summary: dict[str, Any] = {
        "queries": len(per_system["ours"]),
        "p50": metrics.pct(ms, 50),
        "p95": metrics.pct(ms, 95),
    }
    for name, rows in per_system.items():
        if rows:
            summary[name] = {
                m: round(metrics.mean([r[m] for r in rows]), 4) for m in ("mrr", "recall", "ndcg")
            }
    write(
        f"\n== platform judgments: {summary['queries']} demands "
        f"(condensed lists, grade ≥ {RELEVANT} relevant)"
    )
    write(f"{'system':<12}{'MRR@10':>8}{'R@10':>8}{'nDCG@10':>9}")
    for name in ("ours", "bm25-norm"):
        if name in summary:
            m = summary[name]
            write(f"{name:<12}{m['mrr']:>8.3f}{m['recall']:>8.3f}{m['ndcg']:>9.3f}")
    write(f"match_demand p50/p95: {summary['p50']:.1f}/{summary['p95']:.1f} ms (limit {DEPTH})")
    if json_path is not None:
        json_path.write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    if "bm25-norm" in summary and summary["ours"]["mrr"] + tolerance < summary["bm25-norm"]["mrr"]:
        write("  [FAIL] ours below bm25-norm on the platform's judgments")
        return 1
    return 0
