"""Two bookings that hold a resource never overlap (issue 11), enforced by PostgreSQL.

Hand-written: an exclusion constraint over ``tstzrange(starts_at, ends_at, '[)')`` per
resource, for the statuses that hold the slot (models.bookings.HOLDING_STATUSES). The
half-open range lets one booking end exactly when the next begins. ``btree_gist`` gives
GiST the ``=`` operator on the integer resource id.

SQLite has no exclusion constraints; there the booking service's IMMEDIATE transaction
serialises every writer, so its check-then-insert cannot interleave (ADR 0012). The
operation does nothing on other databases, both ways.
"""

from django.db import migrations

CONSTRAINT = "sharing_booking_no_overlap"
# Must match models.bookings.HOLDING_STATUSES (a test compares them).
HOLDING = ("requested", "approved", "completed", "no_show")


def _table(apps):
    return apps.get_model("sharing", "Booking")._meta.db_table


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    statuses = ", ".join(f"'{s}'" for s in HOLDING)
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.execute(
        f"ALTER TABLE {_table(apps)} ADD CONSTRAINT {CONSTRAINT} EXCLUDE USING gist "
        f"(resource_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
        f"WHERE (status IN ({statuses}))"
    )


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # The extension stays: other objects may use it, and it is harmless.
    schema_editor.execute(f"ALTER TABLE {_table(apps)} DROP CONSTRAINT IF EXISTS {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [("sharing", "0001_initial")]

    operations = [migrations.RunPython(add_constraint, drop_constraint, elidable=False)]
