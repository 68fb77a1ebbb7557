"""Load every GB/T 2260 region known to python-stdnum (see socredit.core.regions)."""

from django.db import migrations


def load(apps, schema_editor):
    from socredit.core.regions import stdnum_regions

    Region = apps.get_model("registry", "Region")
    entries = sorted(stdnum_regions(), key=lambda e: (e.level.value, e.code))
    paths: dict[str, str] = {}
    ids: dict[str, int] = {}
    for e in entries:
        path = (paths.get(e.parent_code, "/") if e.parent_code else "/") + f"{e.code}/"
        paths[e.code] = path
        r = Region.objects.create(code=e.code, name=e.name, level=e.level.value, path=path, active=e.active,
                                  parent_id=ids.get(e.parent_code) if e.parent_code else None)
        ids[e.code] = r.pk


def unload(apps, schema_editor):
    apps.get_model("registry", "Region").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
