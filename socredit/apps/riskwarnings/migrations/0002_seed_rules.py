"""Seed the warning rules (``seed_rules.RULES``); existing codes are left as they are."""

import datetime as dt

from django.db import migrations


def seed(apps, schema_editor):
    from socredit.apps.riskwarnings.seed_rules import RULES

    WarningRule = apps.get_model("riskwarnings", "WarningRule")
    have = set(WarningRule.objects.values_list("code", flat=True))
    WarningRule.objects.bulk_create(
        [WarningRule(**r, enabled=True, handling_days=10, version=1, effective_from=dt.date(2024, 1, 1),
                     updated_by_label="migration") for r in RULES if r["code"] not in have]
    )  # fmt: skip


def unseed(apps, schema_editor):
    apps.get_model("riskwarnings", "WarningRule").objects.filter(version=1, warnings__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("riskwarnings", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
