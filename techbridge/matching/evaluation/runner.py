"""One evaluation run: corpus in, a table and a JSON report out (see docs/matching-quality.md).

Every query runs through the real code a user reaches:

==========  ===============================================================================
class       path
==========  ===============================================================================
title       ``search.selectors.search`` (the search box and ``GET /api/v1/search``)
keywords    ``search.selectors.search``
phrase      ``search.selectors.search``
problem     ``matching.selectors.match_text`` (``POST /api/v1/match`` without HTTP)
paragraph   ``matching.selectors.match_text``
topical     ``matching.selectors.more_like_this`` (traditional / pinyin variants: the
            record's text through ``match_text``, the record itself left out)
demand GET  ``GET /api/v1/demands/{id}/matches`` through Django's test client
demand POST ``POST /api/v1/match`` with the demand's title and summary
==========  ===============================================================================

Results are restricted to achievements (the evaluation's demands are records too). Topical
neighbours are scored on the condensed list (results whose discipline is known — only the
2,000 titled papers carry one), the standard treatment of incomplete labels.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from techbridge.matching.evaluation import metrics
from techbridge.matching.evaluation.baselines import Baseline
from techbridge.matching.evaluation.data import Record
from techbridge.matching.evaluation.queries import Query

OURS, NORM, RAW = "ours", "bm25-norm", "bm25-raw"
SYSTEMS = (OURS, NORM, RAW)
ROW_NAMES = {
    "title": "title",
    "keywords": "keyword set",
    "problem": "problem clause",
    "paragraph": "demand paragraph",
    "phrase": "phrase in long doc",
    "topical": "topical neighbours",
    "demand-get": "demand → GET matches",
    "demand-post": "demand → POST match",
}
#: Targets of issue 13 on the held-out half (besides "≥ bm25-norm" for every class).
TARGET_MRR = {"problem": 0.95, "paragraph": 0.95}
TARGET_PHRASE_RECALL = 0.95
TARGET_TOPICAL_GAIN = 0.05
TOPICAL_POOL = 100


@dataclass
class Labels:
    """Graded relevance: the paper a query was cut from = 3, same discipline = 1."""

    discipline: dict[str, str]
    per_discipline: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for d in self.discipline.values():
            if d:
                self.per_discipline[d] = self.per_discipline.get(d, 0) + 1

    def gain(self, query: Query) -> Callable[[str], float]:
        own = self.discipline.get(query.source, "")

        def g(doc: str) -> float:
            if doc == query.target:
                return 3.0
            return 1.0 if own and self.discipline.get(doc) == own else 0.0

        return g

    def ideal(self, query: Query) -> list[float]:
        own = self.discipline.get(query.source, "")
        others = self.per_discipline.get(own, 0) - 1 if own else 0
        return [3.0] + [1.0] * min(max(others, 0), 9)

    def same_discipline(self, source: str) -> Callable[[str], bool]:
        own = self.discipline.get(source, "")
        return lambda doc: bool(own) and self.discipline.get(doc) == own

    def topical_gain(self, source: str) -> Callable[[str], float]:
        same = self.same_discipline(source)
        return lambda doc: 1.0 if same(doc) else 0.0

    def topical_ideal(self, query: Query) -> list[float]:
        own = self.discipline.get(query.source, "")
        return [1.0] * min(max(self.per_discipline.get(own, 0) - 1, 0), 10)


def condensed(ranked: list[str], labels: Labels, source: str) -> list[str]:
    return [d for d in ranked if d != source and labels.discipline.get(d)][: metrics.K]


class Evaluation:
    def __init__(
        self,
        records: list[Record],
        reports: list[Record],
        pks: dict[str, dict[str, int]],
        baselines: tuple[Baseline, Baseline],
    ) -> None:
        from django.test import Client

        self.records = {r.external_id: r for r in [*records, *reports]}
        self.pks = pks
        self.labels = Labels({r.external_id: r.discipline for r in records})
        self.raw, self.norm = baselines
        self.client = Client()

    # --- our paths ---------------------------------------------------------------------

    def search(self, q: Query) -> list[str]:
        from techbridge.search.selectors import search

        page = search(q=q.text, kinds=("achievement",), limit=metrics.K)
        return [r.external_id for r in page.results]

    def match(self, q: Query, limit: int = metrics.K) -> list[str]:
        from techbridge.matching.selectors import match_text

        found = match_text(text=q.text, kinds=["achievement"], limit=limit)
        return [r.external_id for r in found.results]

    def topical(self, q: Query) -> list[str]:
        from techbridge.catalogue.selectors import public_queryset
        from techbridge.matching.selectors import more_like_this

        if q.variant == "simplified":
            record = public_queryset("achievement").get(pk=self.pks["achievement"][q.source])
            found = more_like_this(record=record, limit=TOPICAL_POOL)
            return [r.external_id for r in found.results]
        from techbridge.matching.selectors import match_text

        found = match_text(
            text=q.text,
            kinds=["achievement"],
            limit=TOPICAL_POOL,
            exclude=(("achievement", self.pks["achievement"][q.source]),),
        )
        return [r.external_id for r in found.results]

    def demand_get(self, q: Query) -> list[str]:
        pk = self.pks["demand"][q.qid]
        response = self.client.get(f"/api/v1/demands/{pk}/matches", {"limit": metrics.K})
        assert response.status_code == 200, response.content[:300]
        return [r["external_id"] for r in response.json()["results"]]

    def demand_post(self, q: Query) -> list[str]:
        body = {"text": demand_text(q), "kinds": ["achievement"], "limit": metrics.K}
        response = self.client.post("/api/v1/match", body, content_type="application/json")
        assert response.status_code == 200, response.content[:300]
        return [r["external_id"] for r in response.json()["results"]]

    # --- one class -----------------------------------------------------------------------

    def run_class(self, name: str, queries: list[Query]) -> list[dict[str, Any]]:
        """Metrics per (variant, half) for the queries of one row of the table."""
        ours: Callable[[Query], list[str]] = {
            "title": self.search,
            "keywords": self.search,
            "phrase": self.search,
            "problem": self.match,
            "paragraph": self.match,
            "topical": self.topical,
            "demand-get": self.demand_get,
            "demand-post": self.demand_post,
        }[name]
        k = TOPICAL_POOL if name == "topical" else metrics.K
        per_query: list[tuple[Query, dict[str, tuple[list[str], float]]]] = []
        for q in queries:
            text = demand_text(q) if name.startswith("demand") else q.text
            exclude = q.source if name == "topical" else ""
            answers = {}
            t0 = time.perf_counter()
            answers[OURS] = (ours(q), (time.perf_counter() - t0) * 1000)
            for baseline in (self.norm, self.raw):
                t0 = time.perf_counter()
                ranked = baseline.rank(text, k=k, exclude=exclude)
                answers[baseline.name] = (ranked, (time.perf_counter() - t0) * 1000)
            per_query.append((q, answers))
        rows = []
        for variant in dict.fromkeys(q.variant for q, _ in per_query):
            for half in ("tune", "held"):
                chosen = [(q, a) for q, a in per_query if q.variant == variant and q.half == half]
                if chosen:
                    rows.append(self.score(name, variant, half, chosen))
        return rows

    def score(
        self,
        name: str,
        variant: str,
        half: str,
        chosen: list[tuple[Query, dict[str, tuple[list[str], float]]]],
    ) -> dict[str, Any]:
        out: dict[str, Any] = {"cls": name, "variant": variant, "half": half, "n": len(chosen)}
        for system in SYSTEMS:
            mrr, rec, ndcg, share, ms = [], [], [], [], []
            for q, answers in chosen:
                ranked, elapsed = answers[system]
                ms.append(elapsed)
                if name == "topical":
                    top = condensed(ranked, self.labels, q.source)
                    same = self.labels.same_discipline(q.source)
                    share.append(metrics.share(top, same))
                    ndcg.append(
                        metrics.ndcg(
                            top, self.labels.topical_gain(q.source), self.labels.topical_ideal(q)
                        )
                    )
                    continue
                mrr.append(metrics.reciprocal_rank(ranked, q.target))
                rec.append(metrics.recall(ranked, q.target))
                ndcg.append(metrics.ndcg(ranked, self.labels.gain(q), self.labels.ideal(q)))
            m: dict[str, float] = {
                "ndcg": metrics.mean(ndcg),
                "p50": metrics.pct(ms, 50),
                "p95": metrics.pct(ms, 95),
            }
            if name == "topical":
                m["share"] = metrics.mean(share)
            else:
                m["mrr"], m["recall"] = metrics.mean(mrr), metrics.mean(rec)
            out[system] = {key: round(value, 4) for key, value in m.items()}
        return out


def demand_text(q: Query) -> str:
    return f"{q.title}。{q.text}" if q.title else q.text


def headline(row: dict[str, Any]) -> str:
    """The metric the gate compares: share for topical neighbours, MRR@10 otherwise."""
    return "share" if row["cls"] == "topical" else "mrr"


# --- the report ------------------------------------------------------------------------------


def gate(rows: list[dict[str, Any]], *, tolerance: float = 0.0) -> list[str]:
    """Held-out rows where ours falls below bm25-norm on the headline metric."""
    failures = []
    for row in rows:
        if row["half"] != "held":
            continue
        key = headline(row)
        if row[OURS][key] + tolerance < row[NORM][key]:
            failures.append(
                f"{ROW_NAMES[row['cls']]} ({row['variant']}): {key} {row[OURS][key]:.3f} "
                f"< bm25-norm {row[NORM][key]:.3f}"
            )
    return failures


def targets(rows: list[dict[str, Any]]) -> list[tuple[str, bool]]:
    """Issue 13's absolute targets on the held-out half (simplified and variants)."""
    out = []
    for row in rows:
        if row["half"] != "held":
            continue
        label = f"{ROW_NAMES[row['cls']]} ({row['variant']})"
        ours, norm = row[OURS], row[NORM]
        if row["cls"] in TARGET_MRR:
            goal = TARGET_MRR[row["cls"]]
            out.append((f"{label}: MRR@10 {ours['mrr']:.3f} ≥ {goal:.2f}", ours["mrr"] >= goal))
        if row["cls"] == "phrase":
            out.append(
                (
                    f"{label}: in the top 10 for {ours['recall']:.1%} of phrases ≥ 95 %",
                    ours["recall"] >= TARGET_PHRASE_RECALL,
                )
            )
        if row["cls"] == "topical":
            goal = norm["share"] + TARGET_TOPICAL_GAIN
            out.append(
                (
                    f"{label}: same-discipline share {ours['share']:.3f} ≥ bm25-norm "
                    f"{norm['share']:.3f} + 0.05",
                    ours["share"] >= goal - 1e-9,
                )
            )
    return out


def format_table(rows: list[dict[str, Any]], half: str, previous: dict[str, Any] | None) -> str:
    before = {}
    if previous:
        before = {(r["cls"], r["variant"], r["half"]): r for r in previous.get("rows", [])}
    lines = [
        f"{'class':<22}{'variant':<12}{'n':>5}  "
        f"{'ours: MRR/share':>15}{'R@10':>7}{'nDCG':>7}{'p50':>7}{'p95':>7}"
        f"  | {'bm25-norm':>9}{'R@10':>7}{'nDCG':>7}{'p95':>7}"
        f"  | {'bm25-raw':>9}{'R@10':>7}{'nDCG':>7}{'p95':>7}"
        + ("  | Δ ours vs previous" if previous else "")
    ]
    for row in rows:
        if row["half"] != half:
            continue
        key = headline(row)
        o, n, r = row[OURS], row[NORM], row[RAW]
        rec = (lambda m: f"{m['recall']:>7.3f}") if key == "mrr" else (lambda m: f"{'—':>7}")
        flag = " " if o[key] >= n[key] else "!"
        line = (
            f"{ROW_NAMES[row['cls']]:<22}{row['variant']:<12}{row['n']:>5} {flag}"
            f"{o[key]:>15.3f}{rec(o)}{o['ndcg']:>7.3f}{o['p50']:>7.1f}{o['p95']:>7.1f}"
            f"  | {n[key]:>9.3f}{rec(n)}{n['ndcg']:>7.3f}{n['p95']:>7.1f}"
            f"  | {r[key]:>9.3f}{rec(r)}{r['ndcg']:>7.3f}{r['p95']:>7.1f}"
        )
        old = before.get((row["cls"], row["variant"], row["half"]))
        if old:
            line += f"  | {o[key] - old[OURS][key]:+.3f}"
        lines.append(line)
    return "\n".join(lines)


def report(
    rows: list[dict[str, Any]],
    meta: dict[str, Any],
    *,
    json_path: Path | None,
    previous: dict[str, Any] | None,
    tolerance: float,
    write: Callable[[str], None] = print,
) -> int:
    """Print both halves, the gate and the targets; write the JSON; the exit status
    (1 when a held-out class falls below bm25-norm)."""
    write(
        "\n== held-out half (report this one; '!' = below bm25-norm). MRR@10 (share of the "
        "same discipline for topical neighbours), Recall@10, nDCG@10, latency ms"
    )
    write(format_table(rows, "held", previous))
    write("\n== tuning half (weights were tuned on this half only)")
    write(format_table(rows, "tune", previous))
    failures = gate(rows, tolerance=tolerance)
    goals = targets(rows)
    write("\n== targets (held-out)")
    for text, ok in goals:
        write(f"  [{'ok' if ok else 'MISS'}] {text}")
    slack = f" − {tolerance:g}" if tolerance else ""
    write(f"\n== gate: every held-out class ≥ bm25-norm{slack}")
    for text in failures:
        write(f"  [FAIL] {text}")
    if not failures:
        write("  [ok] every class at or above the normalised-BM25 baseline")
    if json_path is not None:
        payload = {"meta": meta, "rows": rows, "failures": failures, "targets": goals}
        json_path.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
        write(f"\nJSON: {json_path}")
    return 1 if failures else 0


def markdown(rows: list[dict[str, Any]], previous: dict[str, Any] | None) -> str:
    """The held-out table as Markdown, with the previous run's "ours" as "before"."""
    before = {}
    if previous:
        before = {(r["cls"], r["variant"], r["half"]): r for r in previous.get("rows", [])}
    out = [
        "| class | variant | n | before | after | R@10 after | nDCG after | bm25-norm "
        "| bm25-raw | p50 / p95 ms after |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        if row["half"] != "held":
            continue
        key = headline(row)
        o, n, r = row[OURS], row[NORM], row[RAW]
        old = before.get((row["cls"], row["variant"], row["half"]))
        was = f"{old[OURS][key]:.3f}" if old else "—"
        rec = f"{o['recall']:.3f}" if key == "mrr" else "—"
        out.append(
            f"| {ROW_NAMES[row['cls']]} | {row['variant']} | {row['n']} | {was} | "
            f"**{o[key]:.3f}** | {rec} | {o['ndcg']:.3f} | {n[key]:.3f} | {r[key]:.3f} | "
            f"{o['p50']:.1f} / {o['p95']:.1f} |"
        )
    return "\n".join(out)
