"""The default programme: the data of a single-programme install (every demand, meeting,
deal, contract, project, sharing order and problem report so far) belongs to it. It has no
home region, so it takes every record no other programme takes (programmes.attribution),
and its partner regions are the MATCH_PARTNER_REGION_PREFIXES setting's."""

from django.conf import settings
from django.db import migrations

DEFAULT_NAME = "默认合作项目"


def _prefixes() -> list[str]:
    value = getattr(settings, "MATCH_PARTNER_REGION_PREFIXES", None) or ["11"]
    if isinstance(value, str):
        value = value.split(",")
    out = []
    for item in value:
        digits = "".join(ch for ch in str(item) if ch.isdigit())
        if len(digits) in (2, 4, 6) and digits not in out:
            out.append(digits)
    return out


def create_default(apps, schema_editor):
    Programme = apps.get_model("programmes", "Programme")
    ProgrammeRegion = apps.get_model("programmes", "ProgrammeRegion")
    if Programme.objects.filter(is_default=True).exists():
        return
    programme = Programme.objects.create(
        name=DEFAULT_NAME,
        short_name="默认",
        kind="station",
        is_default=True,
        description="升级时自动创建：此前的全部数据都属于本项目。",
    )
    for prefix in _prefixes():
        ProgrammeRegion.objects.create(programme=programme, role="partner", region_code=prefix)


def remove_default(apps, schema_editor):
    Programme = apps.get_model("programmes", "Programme")
    Programme.objects.filter(is_default=True, name=DEFAULT_NAME, links__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("programmes", "0001_initial")]

    operations = [migrations.RunPython(create_default, remove_default)]
