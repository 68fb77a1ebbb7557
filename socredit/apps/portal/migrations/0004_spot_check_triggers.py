"""The stored public answers show the results of published spot checks: a write to a check or to its
plan (its publication) raises the stamps of the organizations concerned (docs/stored-profiles.md)."""

from django.db import migrations


def install_triggers(apps, schema_editor):
    from socredit.apps.portal import stored

    stored.install_triggers()


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0003_annual_report_triggers"),
        ("spotchecks", "0001_initial"),  # the tables the new triggers are put on
    ]

    operations = [migrations.RunPython(install_triggers, migrations.RunPython.noop)]
