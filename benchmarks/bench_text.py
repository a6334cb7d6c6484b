"""Throughput of techbridge.text on real Chinese scientific abstracts (CSL / FewCLUE).

Usage: .venv/bin/python benchmarks/bench_text.py [--repeat N]

Reads csl_2000.jsonl and fewclue_abstracts.jsonl from <repo>/../shared/data/csl, joins each
record's title and abstract into one document, and reports characters per second for
normalise, normalise+tokenise, normalise+tokenise_for_index and, as a baseline, pure-Python
jieba.lcut on the raw documents. Exits 0 with a message if the data is absent.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA_DIR = REPO.parent / "shared/data/csl"
FILES = ("csl_2000.jsonl", "fewclue_abstracts.jsonl")
TARGET = 2_000_000  # chars/s for normalise + tokenise

sys.path.insert(0, str(REPO))

from techbridge.text import normalise, tokenise, tokenise_for_index  # noqa: E402


def load_documents() -> list[str]:
    docs = []
    for name in FILES:
        with (DATA_DIR / name).open(encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    record = json.loads(line)
                    docs.append(f"{record.get('title') or ''}\n{record.get('abstract') or ''}")
    return docs


def best_time(fn: Callable[[str], object], docs: list[str], repeat: int) -> float:
    """Fastest of ``repeat`` passes over all documents (the least disturbed by other load)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for doc in docs:
            fn(doc)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="passes per row; best is kept")
    args = parser.parse_args()

    missing = [name for name in FILES if not (DATA_DIR / name).is_file()]
    if missing:
        print(f"skipped: {', '.join(missing)} not found in {DATA_DIR}")
        return 0

    docs = load_documents()
    chars = sum(map(len, docs))
    # Warm up: load the OpenCC dictionaries and the jieba dictionary outside the timings.
    tokenise(docs[0])
    tokenise_for_index(docs[0])

    rows: list[tuple[str, float]] = [
        ("normalise", best_time(normalise, docs, args.repeat)),
        ("normalise + tokenise", best_time(tokenise, docs, args.repeat)),
        ("normalise + tokenise_for_index", best_time(tokenise_for_index, docs, args.repeat)),
    ]
    try:
        import jieba
    except ImportError:
        print("jieba not installed: baseline row skipped")
    else:
        jieba.setLogLevel(60)  # silence the "Building prefix dict" chatter
        jieba.initialize()
        # The baseline is slow, so a single pass.
        rows.append(("jieba.lcut (baseline, raw text)", best_time(jieba.lcut, docs, 1)))

    print(f"{len(docs)} documents, {chars:,} characters, best of {args.repeat} passes\n")
    width = max(len(name) for name, _ in rows)
    print(f"{'step':<{width}}  {'seconds':>8}  {'chars/s':>12}")
    for name, seconds in rows:
        print(f"{name:<{width}}  {seconds:>8.3f}  {chars / seconds:>12,.0f}")
    rate = chars / dict(rows)["normalise + tokenise"]
    verdict = "met" if rate >= TARGET else "MISSED"
    print(f"\ntarget normalise + tokenise >= {TARGET:,} chars/s: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
