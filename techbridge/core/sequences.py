"""Gapless numbering for any scope (registration numbers, project codes, certificate numbers).

``next_number(scope)`` locks the scope's counter row and increments it inside the caller's
transaction: if that transaction rolls back, so does the increment, so numbers have no
gaps; a second caller waits for the first one's lock, so no number is given twice
(``select_for_update`` on PostgreSQL; on SQLite every write transaction is IMMEDIATE — see
settings — which serialises writers the same way). Never read a number, decide and write it
back in separate steps.
"""

from __future__ import annotations

from django.db import transaction

from techbridge.core.models import SequenceCounter


def _locked(scope: str) -> SequenceCounter:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("numbers must be taken inside the transaction that uses them")
    # Creating the row first (a no-op when it exists) makes the lock below always find it;
    # two first callers meet on the unique index instead of both inserting.
    SequenceCounter.objects.bulk_create([SequenceCounter(scope=scope)], ignore_conflicts=True)
    return SequenceCounter.objects.select_for_update().get(scope=scope)


def next_number(scope: str) -> int:
    """The next number of ``scope`` (1 for a new scope). Call inside an atomic block."""
    counter = _locked(scope)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def advance_to(scope: str, number: int) -> None:
    """Make sure ``scope`` never gives out ``number`` or anything below it again (after
    loading numbers given elsewhere, e.g. imported history)."""
    counter = _locked(scope)
    if counter.last < number:
        counter.last = number
        counter.save(update_fields=["last"])


def last_number(scope: str) -> int:
    """The last number given out in ``scope`` (0 if none), for display and checks."""
    return SequenceCounter.objects.filter(scope=scope).values_list("last", flat=True).first() or 0
