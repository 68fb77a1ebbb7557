"""Load the reference catalogue of record kinds (socredit/core/data/record_kinds.csv)."""

from django.db import migrations


def load(apps, schema_editor):
    from socredit.core.catalogue import reference_kinds

    RecordKind = apps.get_model("records", "RecordKind")
    # Only the columns this migration's model has (later migrations add columns, e.g. repairable).
    fields = {f.name for f in RecordKind._meta.get_fields()}
    for row in reference_kinds():
        RecordKind.objects.update_or_create(
            code=row["code"], defaults={k: v for k, v in row.items() if k != "code" and k in fields}
        )


class Migration(migrations.Migration):
    dependencies = [("records", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
