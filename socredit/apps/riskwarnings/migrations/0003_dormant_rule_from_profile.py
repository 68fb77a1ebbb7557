"""The rule ``dormant`` now applies the one definition of a dormant organization (``core.dormancy``)
with the region's profile parameters (``dormancy.*``): its own thresholds (report_years, quiet_days)
go, its name and reason say so. A new version of the rule; its level, handling days and enabled
stay as administrators set them."""

from django.db import migrations


def forward(apps, schema_editor):
    from socredit.apps.riskwarnings.seed_rules import DORMANT_REASON, DORMANT_REASON_EN

    WarningRule = apps.get_model("riskwarnings", "WarningRule")
    for rule in WarningRule.objects.filter(kind="dormant").exclude(thresholds={}):
        rule.thresholds = {}
        rule.name, rule.name_en = "疑似僵尸型社会组织", "Possibly dormant organization"
        rule.reason, rule.reason_en = DORMANT_REASON, DORMANT_REASON_EN
        rule.version += 1
        rule.updated_by_label = "migration"
        rule.save()


def backward(apps, schema_editor):
    WarningRule = apps.get_model("riskwarnings", "WarningRule")
    for rule in WarningRule.objects.filter(kind="dormant", thresholds={}):
        rule.thresholds = {"report_years": 2, "quiet_days": 730}
        rule.version += 1
        rule.save()


class Migration(migrations.Migration):
    dependencies = [("riskwarnings", "0002_seed_rules")]
    operations = [migrations.RunPython(forward, backward)]
