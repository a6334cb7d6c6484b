"""DealEvent takes the kernel's event columns (core.models.EventBase), data kept:
from_stage/to_stage → from_state/to_state, detail → data."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("brokerage", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name="dealevent", old_name="from_stage", new_name="from_state"),
        migrations.RenameField(model_name="dealevent", old_name="to_stage", new_name="to_state"),
        migrations.RenameField(model_name="dealevent", old_name="detail", new_name="data"),
        migrations.AlterField(
            model_name="dealevent",
            name="from_state",
            field=models.CharField(blank=True, max_length=16, verbose_name="from state"),
        ),
        migrations.AlterField(
            model_name="dealevent",
            name="to_state",
            field=models.CharField(blank=True, max_length=16, verbose_name="to state"),
        ),
        migrations.AlterField(
            model_name="dealevent",
            name="data",
            field=models.JSONField(blank=True, default=dict, verbose_name="data"),
        ),
        migrations.AlterField(
            model_name="dealevent",
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
            model_name="dealevent",
            name="at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="time"),
        ),
    ]
