"""The default programme: the data of a single-programme install (every demand, meeting,
deal, contract, project, sharing order and problem report so far) belongs to it. It has no
home region, so it takes every record no other programme takes (programmes.attribution),
and no partner region of its own, so its partner regions stay those of the
MATCH_PARTNER_REGION_PREFIXES setting (read at call time) until someone sets them."""

from django.db import migrations

DEFAULT_NAME = "默认合作项目"


def create_default(apps, schema_editor):
    Programme = apps.get_model("programmes", "Programme")
    if Programme.objects.filter(is_default=True).exists():
        return
    Programme.objects.create(
        name=DEFAULT_NAME,
        short_name="默认",
        kind="station",
        is_default=True,
        description="升级时自动创建：此前的全部数据都属于本项目。",
    )


def remove_default(apps, schema_editor):
    Programme = apps.get_model("programmes", "Programme")
    Programme.objects.filter(is_default=True, name=DEFAULT_NAME, links__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("programmes", "0001_initial")]

    operations = [migrations.RunPython(create_default, remove_default)]
