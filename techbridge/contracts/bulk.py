"""The bulk path of registry loads: plain ``executemany`` INSERTs for contracts, their
events and their audit rows.

Django's ``bulk_create`` spends ~5 µs per value compiling SQL; at a million contracts
with 30 columns, plus an event and an audit row each, that alone is several minutes.
Here every column is converted once by type (amounts to integer fen, dates by the
backend's adapter), and the event and audit rows, which differ only in their object,
are prepared once from a template row and copied. One row per contract is still written
to each table, in the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import connection, models
from django.utils import timezone

from techbridge.audit.models import AuditEvent, AuditEventType, AuditResult
from techbridge.contracts.models import ContractEvent, TechnologyContract
from techbridge.core.actors import Actor, actor_or_none
from techbridge.core.logging import escape_control
from techbridge.core.money import to_fen

BATCH = 5000

# Every concrete column of TechnologyContract except the primary key; a model change that
# adds a column fails loudly in _check_columns instead of inserting NULLs silently.
CONTRACT_COLUMNS = (
    "created_at",
    "updated_at",
    "version",
    "registration_number",
    "name",
    "contract_type",
    "seller_organisation_id",
    "seller_name",
    "seller_country",
    "seller_region",
    "seller_type",
    "buyer_organisation_id",
    "buyer_name",
    "buyer_country",
    "buyer_region",
    "buyer_type",
    "signed_on",
    "signed_month",
    "term_start",
    "term_end",
    "contract_amount",
    "technology_amount",
    "ip_type",
    "technical_field",
    "demand_id",
    "source_reference",
    "status",
    "return_reason",
    "registration_office",
    "registered_at",
    "created_by_id",
    "submitted_by_id",
    "registered_by_id",
)


def _check_columns() -> None:
    actual = {f.attname for f in TechnologyContract._meta.concrete_fields if not f.primary_key}
    if actual != set(CONTRACT_COLUMNS):
        raise RuntimeError(
            "contracts.bulk is out of date with the model: "
            f"{sorted(actual ^ set(CONTRACT_COLUMNS))}"
        )


def _insert_sql(model: type[models.Model], columns: Sequence[str]) -> str:
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    # Table and column names come from the model's metadata, quoted; values are bound.
    return f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608


def _insert(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """INSERT the rows: COPY on PostgreSQL (several times faster than INSERTs),
    executemany in batches elsewhere."""
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        names = ", ".join(quote(c) for c in columns)
        with connection.cursor() as cursor:
            statement = f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN"
            with cursor.cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)
        return
    sql = _insert_sql(model, columns)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])


def insert_contracts(rows: list[dict[str, Any]], *, actor_id: int | None) -> dict[str, int]:
    """Insert new contracts (cleaned importer rows, each with a registration number) and
    return {registration number: pk}."""
    _check_columns()
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())

    def day(value: dt.date | None) -> Any:
        return None if value is None else ops.adapt_datefield_value(value)

    def fen(value: Decimal) -> int:
        return to_fen(value)

    values = []
    for r in rows:
        row = {
            "created_at": now,
            "updated_at": now,
            "version": 1,
            "seller_organisation_id": None,
            "buyer_organisation_id": None,
            "term_start": None,
            "term_end": None,
            "demand_id": None,
            "source_reference": "",
            "return_reason": "",
            "registration_office": "",
            "registered_at": now,
            "created_by_id": actor_id,
            "submitted_by_id": None,
            "registered_by_id": None,
            **r,
        }
        row["signed_on"] = day(row["signed_on"])
        row["term_start"] = day(row["term_start"])
        row["term_end"] = day(row["term_end"])
        row["contract_amount"] = fen(row["contract_amount"])
        row["technology_amount"] = fen(row["technology_amount"])
        row["status"] = str(row["status"])
        values.append([row[c] for c in CONTRACT_COLUMNS])
    _insert(TechnologyContract, CONTRACT_COLUMNS, values)
    numbers = [r["registration_number"] for r in rows]
    ids: dict[str, int] = {}
    for start in range(0, len(numbers), 900):
        chunk = numbers[start : start + 900]
        found = TechnologyContract.objects.filter(registration_number__in=chunk)
        ids.update(
            (str(number), pk) for number, pk in found.values_list("registration_number", "pk")
        )
    return ids


def _template_values(obj: models.Model, skip: Iterable[str]) -> tuple[list[str], list[Any]]:
    """Columns and prepared values of an unsaved instance (auto_now fields filled)."""
    skip = set(skip)
    columns, values = [], []
    for field in obj._meta.concrete_fields:
        if field.primary_key or field.attname in skip:
            continue
        value = field.pre_save(obj, add=True)
        columns.append(str(field.column))
        values.append(field.get_db_prep_save(value, connection))
    return columns, values


def insert_events(contract_ids: Iterable[int], *, kind: str, actor: Actor, detail: dict) -> int:
    """One ContractEvent of ``kind`` per contract."""
    template = ContractEvent(kind=kind, actor=actor_or_none(actor), data=detail)
    columns, base = _template_values(template, skip={"contract_id"})
    columns.append(ContractEvent._meta.get_field("contract").column)
    rows = [[*base, pk] for pk in contract_ids]
    _insert(ContractEvent, columns, rows)
    return len(rows)


def insert_audit_rows(
    objects: Iterable[tuple[int, str]], *, event: AuditEventType, actor: Actor, detail: dict
) -> int:
    """One audit row per (pk, label) of a contract, as audit_record_many would write: the
    audit app builds the row for the first object and the others are copies of it."""
    from techbridge.audit.services import build_audit_row

    items = list(objects)
    if not items:
        return 0
    probe = TechnologyContract(pk=items[0][0], registration_number=items[0][1])
    template = build_audit_row(
        event,
        actor=actor,
        obj=probe,
        result=AuditResult.SUCCESS,
        detail=detail,
        object_type=None,
        object_id=None,
        object_repr=None,
    )
    columns, base = _template_values(template, skip={"object_id", "object_repr"})
    columns += ["object_id", "object_repr"]
    rows = [[*base, str(pk), escape_control(label)[:200]] for pk, label in items]
    _insert(AuditEvent, columns, rows)
    return len(rows)
