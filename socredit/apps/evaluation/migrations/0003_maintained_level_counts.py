"""The triggers that keep registry.RegionLevelCount in step, and its first fill from the tables."""

from django.db import migrations


def forwards(apps, schema_editor):
    from socredit.apps.evaluation import counts

    counts.install_triggers()
    counts.rebuild_counts()


def backwards(apps, schema_editor):
    from django.db import connection

    from socredit.apps.evaluation import counts

    with connection.cursor() as cursor:
        counts.drop_triggers(cursor)


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0002_result_blocks"),
        ("registry", "0004_region_level_counts"),
        # after every change to the organization table: on SQLite a table rebuild drops its triggers
        ("registry", "0005_search_index"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
