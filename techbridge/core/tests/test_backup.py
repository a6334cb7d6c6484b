"""Backup and restore drill (RELIABILITY.md case 31)."""

import sqlite3

import pytest
from django.db import connection

from techbridge.core.backup import backup, current_manifest, open_copy, restore_drill_sqlite
from techbridge.organisations.models import Organisation

pytestmark = pytest.mark.django_db

# VACUUM INTO refuses to run inside a transaction, so these tests commit for real.
sqlite_only = pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite backup path")


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_sqlite_backup_opens_passes_integrity_check_and_matches_manifest(
    personas, tmp_path
) -> None:
    for i in range(50):
        Organisation.objects.create(name=f"备份测试 {i}", kind="enterprise")
    target, manifest = backup(tmp_path / "copy.sqlite3")
    assert manifest.exists()
    with open_copy(target) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT COUNT(*) FROM organisations_organisation").fetchone()[0] == (
            Organisation.objects.count()
        )
    assert restore_drill_sqlite(target) == []


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_drill_notices_a_copy_that_lost_rows(personas, tmp_path) -> None:
    target, _ = backup(tmp_path / "copy.sqlite3")
    with sqlite3.connect(target) as copy:
        copy.execute("DELETE FROM organisations_organisation WHERE id = ?", [personas.org.pk])
    problems = restore_drill_sqlite(target)
    assert any("organisations_organisation" in p for p in problems)


def test_manifest_counts_rows(personas) -> None:
    manifest = current_manifest()
    assert manifest["row_counts"]["organisations_organisation"] == Organisation.objects.count()
    assert "accounts_user" in manifest["row_counts"]
    assert connection.vendor in {"sqlite", "postgresql"}
