"""A resource's opening hours as one text, kept by the database (issue 11, the free-
instrument search): the WeeklySchedule table and the triggers on OpeningHours that keep it
equal to the rows, on SQLite and on PostgreSQL. Hand-written apart from CreateModel.

On PostgreSQL the text is recomputed by a VOLATILE function inside the upsert, so a writer
that waited for another's row lock sees that writer's committed rows (no lost period).
"""

import django.db.models.deletion
from django.db import migrations, models

HOURS = "sharing_openinghours"
SCHEDULE = "sharing_weeklyschedule"


def _sqlite_hours_of(ref: str) -> str:
    return (
        "COALESCE((SELECT group_concat(t, ',') FROM (SELECT weekday || ' ' || opens || ' ' "
        f"|| closes AS t FROM {HOURS} WHERE resource_id = {ref} ORDER BY weekday, opens)), '')"
    )


def _sqlite_upsert(ref: str) -> str:
    return (
        f"INSERT INTO {SCHEDULE} (resource_id, hours) VALUES ({ref}, {_sqlite_hours_of(ref)}) "
        "ON CONFLICT (resource_id) DO UPDATE SET hours = excluded.hours;"
    )


def _sqlite_refresh(ref: str) -> str:
    return f"UPDATE {SCHEDULE} SET hours = {_sqlite_hours_of(ref)} WHERE resource_id = {ref};"


SQLITE = [
    f"CREATE TRIGGER sharing_hours_insert AFTER INSERT ON {HOURS} BEGIN "
    f"{_sqlite_upsert('NEW.resource_id')} END",
    f"CREATE TRIGGER sharing_hours_update AFTER UPDATE ON {HOURS} BEGIN "
    f"{_sqlite_refresh('OLD.resource_id')} {_sqlite_upsert('NEW.resource_id')} END",
    # Only an UPDATE on delete: when a resource is deleted its schedule row may already be
    # gone, and must not come back.
    f"CREATE TRIGGER sharing_hours_delete AFTER DELETE ON {HOURS} BEGIN "
    f"{_sqlite_refresh('OLD.resource_id')} END",
    f"INSERT INTO {SCHEDULE} (resource_id, hours) SELECT DISTINCT o.resource_id, "
    f"{_sqlite_hours_of('o.resource_id')} FROM {HOURS} o",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS sharing_hours_insert",
    "DROP TRIGGER IF EXISTS sharing_hours_update",
    "DROP TRIGGER IF EXISTS sharing_hours_delete",
]

POSTGRESQL = [
    f"""CREATE OR REPLACE FUNCTION sharing_weekly_hours(rid bigint) RETURNS text
    LANGUAGE sql VOLATILE AS $$
      SELECT COALESCE(string_agg(weekday::text || ' ' || opens::text || ' ' || closes::text,
                                 ',' ORDER BY weekday, opens), '')
      FROM {HOURS} WHERE resource_id = rid
    $$""",
    f"""CREATE OR REPLACE FUNCTION sharing_hours_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE {SCHEDULE} SET hours = sharing_weekly_hours(OLD.resource_id)
        WHERE resource_id = OLD.resource_id;
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO {SCHEDULE} (resource_id, hours)
        VALUES (NEW.resource_id, sharing_weekly_hours(NEW.resource_id))
        ON CONFLICT (resource_id)
        DO UPDATE SET hours = sharing_weekly_hours(EXCLUDED.resource_id);
      END IF;
      RETURN NULL;
    END
    $$""",
    f"""CREATE TRIGGER sharing_hours_schedule AFTER INSERT OR UPDATE OR DELETE ON {HOURS}
    FOR EACH ROW EXECUTE FUNCTION sharing_hours_changed()""",
    f"INSERT INTO {SCHEDULE} (resource_id, hours) SELECT DISTINCT resource_id, "
    f"sharing_weekly_hours(resource_id) FROM {HOURS}",
]
POSTGRESQL_REVERSE = [
    f"DROP TRIGGER IF EXISTS sharing_hours_schedule ON {HOURS}",
    "DROP FUNCTION IF EXISTS sharing_hours_changed()",
    "DROP FUNCTION IF EXISTS sharing_weekly_hours(bigint)",
]


def add_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(vendor, []):
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}.get(vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("sharing", "0002_booking_no_overlap"),
    ]

    operations = [
        migrations.CreateModel(
            name="WeeklySchedule",
            fields=[
                (
                    "resource",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="weekly_schedule",
                        serialize=False,
                        to="sharing.resource",
                    ),
                ),
                (
                    "hours",
                    models.TextField(
                        blank=True, editable=False, verbose_name="opening hours (text)"
                    ),
                ),
            ],
            options={
                "verbose_name": "weekly schedule",
                "verbose_name_plural": "weekly schedules",
            },
        ),
        migrations.RunPython(add_triggers, drop_triggers),
    ]
