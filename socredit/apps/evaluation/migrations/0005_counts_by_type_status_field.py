"""The counting triggers re-created for the counts kept per region, type, status, field and level
(registry 0007), and the counts refilled from the tables."""

from django.db import migrations


def forwards(apps, schema_editor):
    from socredit.apps.evaluation import counts

    counts.install_triggers()
    counts.rebuild_counts()


def backwards(apps, schema_editor):
    # back to the counts per region and level: the triggers go (the writes keep working); reapplying
    # this migration re-creates them and recounts
    from django.db import connection

    from socredit.apps.evaluation import counts

    with connection.cursor() as cursor:
        counts.drop_triggers(cursor)


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0004_merge_counts_causes"),
        ("registry", "0009_national_counts"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
