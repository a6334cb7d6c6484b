"""The audit trail is append-only, in the ORM and in the database, and only the audit
administrator reads it."""

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from techbridge.audit.models import AuditEvent
from techbridge.audit.services import audit_record

pytestmark = pytest.mark.django_db


def test_orm_refuses_to_edit_or_delete_audit_rows(personas) -> None:
    row = audit_record("create", actor=personas.staff, object_type="x", object_id="1")
    row.result = "failure"
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        row.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=row.pk).update(result="failure")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=row.pk).delete()
    assert AuditEvent.objects.get(pk=row.pk).result == "success"


def test_database_refuses_raw_update_and_early_delete(personas) -> None:
    row = audit_record("create", actor=personas.staff, object_type="x", object_id="2")
    table = AuditEvent._meta.db_table
    for sql in (
        f"UPDATE {table} SET result = 'failure' WHERE id = %s",
        f"DELETE FROM {table} WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [row.pk])
    assert AuditEvent.objects.get(pk=row.pk).result == "success"


def test_rows_older_than_retention_may_be_purged(personas) -> None:
    old = AuditEvent(event="create", at=timezone.now() - timedelta(days=200), object_type="x")
    old.save()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [old.pk])
    assert not AuditEvent.objects.filter(pk=old.pk).exists()


def test_only_the_audit_admin_reads_the_trail(personas) -> None:
    audit_record("create", actor=personas.staff, object_type="x", object_id="3", object_repr="标记")
    assert personas.client_for(personas.audit_admin).get("/audit/").status_code == 200
    for user in (personas.staff, personas.system_admin, personas.security_admin, personas.owner):
        assert personas.client_for(user).get("/audit/").status_code == 403
    assert personas.anonymous.get("/audit/").status_code == 302
    page = personas.client_for(personas.audit_admin).get("/audit/?object_type=x")
    assert "标记" in page.content.decode()


def test_control_characters_cannot_forge_log_lines() -> None:
    import logging

    from techbridge.core.logging import SafeFormatter

    record = logging.LogRecord("t", logging.INFO, __file__, 1, "user said %s", ("a\nFAKE b",), None)
    line = SafeFormatter("%(message)s").format(record)
    assert "\n" not in line and "\\n" in line


def test_rows_link_to_their_object_only_where_the_reader_may_open_it(personas) -> None:
    from techbridge.catalogue import services

    draft = services.record_create(
        actor=personas.owner,
        kind="achievement",
        title="未公开的草稿成果",
        technical_field="new_energy",
    )
    demand = services.record_create(
        actor=personas.owner, kind="demand", title="已发布的需求", technical_field="new_energy"
    )
    services.record_submit(actor=personas.owner, record=demand)
    services.record_publish(actor=personas.staff, record=demand)
    reader = personas.client_for(personas.audit_admin)
    published = reader.get("/audit/?object_type=catalogue.demand").content.decode()
    assert f'<a href="{demand.get_absolute_url()}">已发布的需求</a>' in published
    hidden = reader.get("/audit/?object_type=catalogue.achievement").content.decode()
    assert "未公开的草稿成果" in hidden  # named ...
    assert draft.get_absolute_url() not in hidden  # ... but a draft of another is not linked
