"""Set-based writes for the escalation job: many rows of one model in one round trip.

``bulk_create`` / ``bulk_update`` build each row's SQL through the ORM in Python (0.1–2 ms
a row), and on PostgreSQL ``executemany`` still pays a statement per row on the server —
which a catch-up run over thousands of steps cannot afford. So:

* PostgreSQL: one statement per call, the rows passed as one array per column and
  expanded with ``unnest`` (``INSERT … SELECT … FROM unnest(…)``, ``UPDATE … FROM
  unnest(…)``);
* SQLite (in-process, no round trips): ``executemany`` of one parameterised statement.

Values go through each field's own ``get_db_prep_value`` (datetimes are text on SQLite);
table and column names come from the model's meta, every value is a parameter. Rows are
any objects with the fields' attribute names (``report_id``, ``step``…): no model
instances.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, models


def _fields(model: type[models.Model], names: Sequence[str]) -> list[Any]:
    return [model._meta.get_field(name) for name in names]


def _json(encoder: Any) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        return json.dumps(value, cls=encoder, ensure_ascii=False)

    return convert


def _datetime() -> Callable[[Any], Any]:
    cache: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        if value is None:
            return None
        if value not in cache:
            cache[value] = connection.ops.adapt_datetimefield_value(value)
        return cache[value]

    return convert


def _plain(field: Any) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        if value is None or isinstance(value, bool | int | str):
            return value
        return field.get_db_prep_value(value, connection)

    return convert


def _converters(fields: Sequence[Any]) -> list[Callable[[Any], Any]]:
    """One value converter per field. Plain numbers, text and booleans pass as they are;
    datetimes are adapted once per distinct value (a batch repeats "now" and shares many
    deadlines; on SQLite each adaptation formats text); JSON goes as text, cast in SQL (no
    per-backend JSON adapter inside arrays)."""
    out: list[Callable[[Any], Any]] = []
    for field in fields:
        if isinstance(field, models.JSONField):
            out.append(_json(field.encoder))
        elif isinstance(field, models.DateTimeField):
            out.append(_datetime())
        else:
            out.append(_plain(field))
    return out


def _values(fields: Sequence[Any], rows: Sequence[Any]) -> list[list[Any]]:
    """Per row, the database values of ``fields``."""
    pairs = list(zip([f.attname for f in fields], _converters(fields), strict=True))
    return [[convert(getattr(row, name)) for name, convert in pairs] for row in rows]


def _array_type(field: Any) -> str:
    if isinstance(field, models.JSONField):
        return "text[]"
    return f"{field.db_type(connection)}[]"


def _column(field: Any, alias: str) -> str:
    name = f"{alias}.{connection.ops.quote_name(field.column)}"
    return f"{name}::jsonb" if isinstance(field, models.JSONField) else name


def insert(
    model: type[models.Model], names: Sequence[str], rows: Sequence[Any], *, conflict: str = ""
) -> None:
    """INSERT ``rows``; ``conflict`` names the unique columns to skip a row on
    (``ON CONFLICT (…) DO NOTHING`` — other constraints still fail loudly)."""
    if not rows:
        return
    fields = _fields(model, names)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    skip = f" ON CONFLICT ({conflict}) DO NOTHING" if conflict else ""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = ", ".join(f"%s::{_array_type(f)}" for f in fields)
            select = ", ".join(_column(f, "u") for f in fields)
            sql = (
                f"INSERT INTO {table} ({columns}) SELECT {select} "  # noqa: S608
                f"FROM unnest({arrays}) AS u ({columns}){skip}"
            )
            cursor.execute(
                sql, [list(column) for column in zip(*_values(fields, rows), strict=True)]
            )
        else:
            marks = ", ".join("%s" for _ in fields)
            sql = f"INSERT INTO {table} ({columns}) VALUES ({marks}){skip}"  # noqa: S608
            cursor.executemany(sql, _values(fields, rows))


def update(model: type[models.Model], names: Sequence[str], rows: Sequence[Any]) -> None:
    """UPDATE the ``names`` columns of each row, by primary key (``row.pk``)."""
    if not rows:
        return
    fields = _fields(model, names)
    pk = model._meta.pk
    assert pk is not None
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    key = quote(str(pk.column))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            columns = ", ".join(quote(f.column) for f in [pk, *fields])
            arrays = ", ".join(f"%s::{_array_type(f)}" for f in [pk, *fields])
            sets = ", ".join(f"{quote(f.column)} = {_column(f, 'u')}" for f in fields)
            sql = (
                f"UPDATE {table} SET {sets} FROM unnest({arrays}) AS u ({columns}) "  # noqa: S608
                f"WHERE {table}.{key} = u.{key}"
            )
            columns_of = zip(*_values(fields, rows), strict=True)
            cursor.execute(sql, [[row.pk for row in rows], *(list(c) for c in columns_of)])
        else:
            sets = ", ".join(f"{quote(f.column)} = %s" for f in fields)
            sql = f"UPDATE {table} SET {sets} WHERE {key} = %s"  # noqa: S608
            values = _values(fields, rows)
            cursor.executemany(sql, [[*v, row.pk] for v, row in zip(values, rows, strict=True)])
