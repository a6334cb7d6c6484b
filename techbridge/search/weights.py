"""Weights of the search query itself. They live in search because search ranks with them;
matching (which ranks on top of search) re-exports them in matching/weights.py, where every
weight of matching is listed, so search never imports matching (ARCHITECTURE.md)."""

from __future__ import annotations

#: Field boosts inside the BM25 query: title > keywords > summary.
FIELD_BOOSTS: dict[str, float] = {"title": 3.0, "keywords": 2.0, "summary": 1.0}
