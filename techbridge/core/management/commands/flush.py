"""`flush` that keeps the audit trail's protection outside tests.

Django's test framework empties every table between transactional tests with `flush`.
The audit table refuses deletes through database triggers, so in a *test* database the
triggers are lifted for the flush and put back right after; on any other database this
command refuses, because emptying the audit trail is exactly what must never happen.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError
from django.core.management.commands.flush import Command as DjangoFlush
from django.db import DEFAULT_DB_ALIAS, connections


def _is_test_database(alias: str) -> bool:
    name = str(connections[alias].settings_dict.get("NAME") or "")
    return (
        name.startswith("test_")
        or "/test_" in name
        or name.startswith("file:memorydb")
        or name == ":memory:"
        or "mode=memory" in name
    )


class Command(DjangoFlush):
    def handle(self, **options: Any) -> None:
        alias = options.get("database") or DEFAULT_DB_ALIAS
        if not _is_test_database(alias):
            raise CommandError("flush would erase the audit trail; it only runs on test databases.")
        connection = connections[alias]
        vendor = connection.vendor
        with connection.cursor() as cursor:
            if vendor == "postgresql":
                cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
            elif vendor == "sqlite":
                cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
                cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_early_delete")
        try:
            super().handle(**options)
        finally:
            _restore(alias)


def _restore(alias: str) -> None:
    from importlib import import_module

    triggers = import_module("techbridge.audit.migrations.0002_append_only_triggers")
    connection = connections[alias]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
        elif connection.vendor == "sqlite":
            for sql in triggers.SQLITE_FORWARD:
                cursor.execute(sql)
