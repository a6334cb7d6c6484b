"""Registration numbers move to the kernel's gapless counter (core.SequenceCounter).

Each (year, office) counter becomes the scope ``contracts.registration:<year>:<office>``
with the same last number, so numbering continues without a gap or a duplicate. Going
back copies the scopes into RegistrationCounter again.
"""

from django.db import migrations, models

PREFIX = "contracts.registration:"


def to_sequences(apps, schema_editor):
    Counter = apps.get_model("contracts", "RegistrationCounter")
    Sequence = apps.get_model("core", "SequenceCounter")
    for counter in Counter.objects.all():
        scope = f"{PREFIX}{counter.year:04d}:{counter.office}"
        sequence, _ = Sequence.objects.get_or_create(scope=scope, defaults={"last": 0})
        if sequence.last < counter.last:
            sequence.last = counter.last
            sequence.save(update_fields=["last"])


def to_counters(apps, schema_editor):
    Counter = apps.get_model("contracts", "RegistrationCounter")
    Sequence = apps.get_model("core", "SequenceCounter")
    for sequence in Sequence.objects.filter(scope__startswith=PREFIX):
        year, office = sequence.scope[len(PREFIX) :].split(":")
        Counter.objects.update_or_create(
            year=int(year), office=office, defaults={"last": sequence.last}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0001_initial"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(to_sequences, to_counters),
        migrations.DeleteModel(name="RegistrationCounter"),
    ]
