"""Streets and towns (乡镇/街道): a fifth region level, 9-digit codes, and an organization's street.

The wider code column is altered in place on PostgreSQL only. SQLite does not enforce a varchar
length, and rebuilding ``registry_region`` there (what Django does for any column change) fails on
its self-referencing parent key while the rows are copied; so on SQLite only the model state moves.
"""

import django.db.models.deletion
from django.db import migrations, models


def widen_code(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE registry_region ALTER COLUMN code TYPE varchar(9)")


def narrow_code(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE registry_region ALTER COLUMN code TYPE varchar(6)")


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0014_branch_head_person"),
    ]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="street",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="street_organizations",
                to="registry.region",
                verbose_name="township / street",
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="region",
                    name="code",
                    field=models.CharField(max_length=9, unique=True, verbose_name="code"),
                ),
            ],
            database_operations=[migrations.RunPython(widen_code, narrow_code)],
        ),
        migrations.AlterField(
            model_name="region",
            name="level",
            field=models.PositiveSmallIntegerField(
                choices=[(0, "全国"), (1, "省级"), (2, "市级"), (3, "县级"), (4, "乡级（乡镇、街道）")],
                verbose_name="level",
            ),
        ),
    ]
