"""The stored public answers show the public part of concluded annual work reports: a write to a report
or to one of its figures raises its organization's stamp (docs/stored-profiles.md)."""

from django.db import migrations


def install_triggers(apps, schema_editor):
    from socredit.apps.portal import stored

    stored.install_triggers()


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0002_stored_profiles"),
        ("annualreports", "0001_initial"),  # the tables the new triggers are put on
    ]

    operations = [migrations.RunPython(install_triggers, migrations.RunPython.noop)]
