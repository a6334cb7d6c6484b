"""RecordEvent takes the kernel's event columns (core.models.EventBase), data kept:
kind → record_kind (the record's kind), from_status/to_status → from_state/to_state,
reason → note; new: kind (what happened) and data. Existing rows get their kind from what
they recorded: no from-status = created, to "deleted" = deleted, the same status on both
sides = a confirmation, anything else a status change (renewals and consent withdrawals
before this migration count as status changes — they were)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.db.models import F, Q

KIND_CHOICES = [
    ("created", "Created"),
    ("status", "Status changed"),
    ("renewed", "Renewed"),
    ("confirmed", "Confirmed by the enterprise"),
    ("consent", "Consent withdrawn"),
    ("deleted", "Deleted"),
]


def fill_kinds(apps, schema_editor):
    RecordEvent = apps.get_model("catalogue", "RecordEvent")
    RecordEvent.objects.filter(from_state="").update(kind="created")
    RecordEvent.objects.filter(to_state="deleted").update(kind="deleted")
    RecordEvent.objects.filter(~Q(from_state=""), from_state=F("to_state")).update(
        kind="confirmed"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0002_list_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(model_name="recordevent", name="cat_event_record"),
        migrations.RenameField(model_name="recordevent", old_name="kind", new_name="record_kind"),
        migrations.RenameField(
            model_name="recordevent", old_name="from_status", new_name="from_state"
        ),
        migrations.RenameField(model_name="recordevent", old_name="to_status", new_name="to_state"),
        migrations.RenameField(model_name="recordevent", old_name="reason", new_name="note"),
        migrations.AddField(
            model_name="recordevent",
            name="kind",
            field=models.CharField(
                choices=KIND_CHOICES, default="status", max_length=16, verbose_name="event"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="recordevent",
            name="data",
            field=models.JSONField(blank=True, default=dict, verbose_name="data"),
        ),
        migrations.AlterField(
            model_name="recordevent",
            name="record_kind",
            field=models.CharField(max_length=16, verbose_name="record kind"),
        ),
        migrations.AlterField(
            model_name="recordevent",
            name="from_state",
            field=models.CharField(blank=True, max_length=16, verbose_name="from state"),
        ),
        migrations.AlterField(
            model_name="recordevent",
            name="to_state",
            field=models.CharField(blank=True, max_length=16, verbose_name="to state"),
        ),
        migrations.AlterField(
            model_name="recordevent",
            name="note",
            field=models.TextField(blank=True, verbose_name="note"),
        ),
        migrations.AlterField(
            model_name="recordevent",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="by",
            ),
        ),
        migrations.AlterField(
            model_name="recordevent",
            name="at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="time"),
        ),
        migrations.RunPython(fill_kinds, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="recordevent",
            index=models.Index(fields=["record_kind", "record_id", "at"], name="cat_event_record"),
        ),
    ]
