"""The triggers that keep registry.RegionLevelCount in step, and its first fill from the tables.

Superseded by 0005 (the counts kept per type, status and field too): the triggers the current code
creates need registry 0007's columns, so on a new database they are created there, once."""

from django.db import migrations


def forwards(apps, schema_editor):
    pass  # see 0005


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
