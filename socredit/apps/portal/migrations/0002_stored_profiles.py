"""Stored public answers (公开信息存档) and the change stamps kept by triggers on every table a public
profile reads (portal/stored.py, docs/stored-profiles.md)."""

import django.db.models.deletion
from django.db import migrations, models


def install_triggers(apps, schema_editor):
    from socredit.apps.portal import stored

    stored.install_triggers()


def drop_triggers(apps, schema_editor):
    from socredit.apps.portal import stored

    stored.drop_triggers()


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_publication_setting"),
        ("registry", "0014_branch_head_person"),
        # the tables the triggers are put on
        ("records", "0007_merge_legal_basis_publicity_indexes"),
        ("lists", "0007_reasons_in_words"),
        ("cases", "0005_event_keys_from_text"),
        ("commitments", "0003_public_legal_basis"),
        ("evaluation", "0008_credit_score_sort_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="ProfileStamp",
            fields=[
                (
                    "organization_id",
                    models.BigIntegerField(primary_key=True, serialize=False, verbose_name="organization"),
                ),
                ("stamp", models.BigIntegerField(default=0, verbose_name="change stamp")),
            ],
            options={
                "verbose_name": "public profile change stamp",
                "verbose_name_plural": "public profile change stamps",
            },
        ),
        migrations.CreateModel(
            name="StoredProfile",
            fields=[
                (
                    "organization",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="registry.organization",
                        verbose_name="organization",
                    ),
                ),
                ("as_of", models.DateField(verbose_name="day built for")),
                ("stamp", models.BigIntegerField(verbose_name="change stamp")),
                ("generation", models.BigIntegerField(verbose_name="shared change stamp")),
                ("build", models.CharField(max_length=16, verbose_name="build")),
                ("body", models.TextField(verbose_name="answer")),
            ],
            options={
                "verbose_name": "stored public profile",
                "verbose_name_plural": "stored public profiles",
            },
        ),
        migrations.RunPython(install_triggers, drop_triggers),
    ]
