"""Load the reference catalogue of record kinds (socredit/core/data/record_kinds.csv)."""

from django.db import migrations


def load(apps, schema_editor):
    from socredit.core.catalogue import reference_kinds

    RecordKind = apps.get_model("records", "RecordKind")
    for row in reference_kinds():
        RecordKind.objects.update_or_create(code=row["code"], defaults={k: v for k, v in row.items() if k != "code"})


class Migration(migrations.Migration):
    dependencies = [("records", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
