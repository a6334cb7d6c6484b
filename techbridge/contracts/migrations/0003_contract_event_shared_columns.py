"""ContractEvent takes the kernel's event columns (core.models.EventBase), data kept:
reason → note, detail → data; new: from_state / to_state (blank for older rows)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0002_sequence_counter"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name="contractevent", old_name="reason", new_name="note"),
        migrations.RenameField(model_name="contractevent", old_name="detail", new_name="data"),
        migrations.AlterField(
            model_name="contractevent",
            name="note",
            field=models.TextField(blank=True, verbose_name="note"),
        ),
        migrations.AlterField(
            model_name="contractevent",
            name="data",
            field=models.JSONField(blank=True, default=dict, verbose_name="data"),
        ),
        migrations.AddField(
            model_name="contractevent",
            name="from_state",
            field=models.CharField(blank=True, max_length=16, verbose_name="from state"),
        ),
        migrations.AddField(
            model_name="contractevent",
            name="to_state",
            field=models.CharField(blank=True, max_length=16, verbose_name="to state"),
        ),
        migrations.AlterField(
            model_name="contractevent",
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
            model_name="contractevent",
            name="at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="time"),
        ),
    ]
