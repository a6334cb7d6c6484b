"""Insert-only rows in bulk for the monthly settlement: statement lines, order events and
audit rows — hundreds of thousands per run.

``bulk_create`` spends most of its time compiling SQL (on SQLite at most 999 parameters,
so ~90 rows per INSERT) and converting every value of every model instance; here one
INSERT is prepared once and ``executemany`` feeds it plain tuples (SQLite), or the rows
are streamed with ``COPY … FROM STDIN`` (PostgreSQL) — many times faster
(benchmarks/bench_sharing_settlement.py). The values that are the same for every
row (actor, time, kind, JSON detail) are prepared once by the field itself
(``get_db_prep_save``) from a template instance that the kernel built (``new_event``,
``build_audit_row``); the varying ones must already be database values (ints, text).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models

BATCH = 10_000


def insert_rows(
    model: type[models.Model],
    *,
    template: models.Model | None,
    varying: Sequence[str],
    rows: Iterable[Sequence[Any]],
) -> int:
    """INSERT one row per item of ``rows`` (values of the ``varying`` attnames, in order;
    every other column from ``template``). Returns the number of rows. Call inside the
    transaction that owns the rows; no signals are sent, as with ``bulk_create``."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    names = [f.attname for f in fields]
    unknown = set(varying) - set(names)
    if unknown:
        raise ValueError(f"{model.__name__} has no columns {sorted(unknown)}")
    constant: dict[str, Any] = {}
    if template is not None:
        for f in fields:
            if f.attname not in varying:
                constant[f.attname] = f.get_db_prep_save(
                    f.pre_save(template, add=True), connection
                )
    elif set(names) - set(varying):
        raise ValueError("without a template every column must vary")
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(f.column)) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    # Table and column names come from the model's metadata (quoted), values are parameters.
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    if list(varying) == names:
        values: Iterable[Sequence[Any]] = rows  # already in column order
    else:
        # Each row: the constants, with the varying values put in their columns.
        base = [constant.get(name) for name in names]
        slots = [(names.index(name), i) for i, name in enumerate(varying)]

        def fill(row: Sequence[Any]) -> list[Any]:
            out = base.copy()
            for column, i in slots:
                out[column] = row[i]
            return out

        values = (fill(row) for row in rows)
    if connection.vendor == "postgresql":
        return _copy(model, fields, values)
    count = 0
    batch: list[Sequence[Any]] = []
    with connection.cursor() as cursor:
        for row in values:
            batch.append(row)
            if len(batch) == BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def _copy(model: type[models.Model], fields: list[Any], values: Iterable[Sequence[Any]]) -> int:
    """PostgreSQL: COPY … FROM STDIN (psycopg 3), several times faster than executemany."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(f.column)) for f in fields)
    count = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
            for row in values:
                copy.write_row(row)
                count += 1
    return count
