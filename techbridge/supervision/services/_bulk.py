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
from collections.abc import Sequence
from typing import Any

from django.db import connection, models


def _fields(model: type[models.Model], names: Sequence[str]) -> list[Any]:
    return [model._meta.get_field(name) for name in names]


def _value(field: Any, row: Any) -> Any:
    value = getattr(row, field.attname)
    if isinstance(field, models.JSONField):
        # Sent as text and cast in SQL: no per-backend JSON adapter in the arrays.
        return json.dumps(value, cls=field.encoder, ensure_ascii=False)
    return field.get_db_prep_value(value, connection)


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
            cursor.execute(sql, [[_value(f, row) for row in rows] for f in fields])
        else:
            marks = ", ".join("%s" for _ in fields)
            sql = f"INSERT INTO {table} ({columns}) VALUES ({marks}){skip}"  # noqa: S608
            cursor.executemany(sql, [[_value(f, row) for f in fields] for row in rows])


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
            params = [[row.pk for row in rows]]
            params += [[_value(f, row) for row in rows] for f in fields]
            cursor.execute(sql, params)
        else:
            sets = ", ".join(f"{quote(f.column)} = %s" for f in fields)
            sql = f"UPDATE {table} SET {sets} WHERE {key} = %s"  # noqa: S608
            cursor.executemany(sql, [[_value(f, row) for f in fields] + [row.pk] for row in rows])
