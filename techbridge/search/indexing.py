"""Keeping the search index in step with the database.

Domain services call these inside their transaction; the index is touched only after the
commit (STYLE principle 7), so a rolled-back change never reaches the index.
"""

from __future__ import annotations


def index_on_commit(kind: str, pk: int) -> None:
    """(Re)index record ``pk`` of ``kind`` after commit; removes it if no longer public."""


def remove_on_commit(kind: str, pk: int) -> None:
    """Remove record ``pk`` of ``kind`` from the index after commit."""
