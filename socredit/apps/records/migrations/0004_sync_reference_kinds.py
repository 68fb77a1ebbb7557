"""Add record kinds that joined the reference catalogue (term elections) to existing databases."""

from django.db import migrations


def load(apps, schema_editor):
    from socredit.core.catalogue import reference_kinds

    RecordKind = apps.get_model("records", "RecordKind")
    known = set(RecordKind.objects.values_list("code", flat=True))
    for row in reference_kinds():
        if row["code"] not in known:
            RecordKind.objects.create(**row)


class Migration(migrations.Migration):
    dependencies = [("records", "0003_creditrecord_ended_on_creditrecord_publicity_until")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
