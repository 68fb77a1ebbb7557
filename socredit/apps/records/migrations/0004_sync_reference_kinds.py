"""Add record kinds that joined the reference catalogue (term elections) to existing databases."""

from django.db import migrations


def load(apps, schema_editor):
    from socredit.core.catalogue import reference_kinds

    RecordKind = apps.get_model("records", "RecordKind")
    known = set(RecordKind.objects.values_list("code", flat=True))
    fields = {f.name for f in RecordKind._meta.get_fields()}
    for row in reference_kinds():
        if row["code"] not in known:
            RecordKind.objects.create(**{k: v for k, v in row.items() if k in fields})


class Migration(migrations.Migration):
    dependencies = [("records", "0003_creditrecord_ended_on_creditrecord_publicity_until")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
