"""The amount rules (kind ``figure_amount``) also read the transactions finance and banking
departments report: two new thresholds, ``transactions`` and ``lookback_days``. The seeded rules
``large-transaction``, ``related-party`` and ``overseas-funds`` get the modes ``single``,
``related_party`` and ``overseas`` over 365 days (and reasons that say so), as a new version; any
other amount rule gets ``off`` (it reads the annual reports only, as before)."""

from django.db import migrations


def forward(apps, schema_editor):
    from socredit.apps.riskwarnings.seed_rules import TRANSACTION_THRESHOLDS

    WarningRule = apps.get_model("riskwarnings", "WarningRule")
    for rule in WarningRule.objects.filter(kind="figure_amount"):
        if "transactions" in rule.thresholds:
            continue
        added, reason, reason_en = TRANSACTION_THRESHOLDS.get(
            rule.code, ({"transactions": ["off"], "lookback_days": 365}, rule.reason, rule.reason_en)
        )
        rule.thresholds = {**rule.thresholds, **added}
        rule.reason, rule.reason_en = reason, reason_en
        rule.version += 1
        rule.updated_by_label = "migration"
        rule.save()


def backward(apps, schema_editor):
    WarningRule = apps.get_model("riskwarnings", "WarningRule")
    for rule in WarningRule.objects.filter(kind="figure_amount"):
        rule.thresholds = {k: v for k, v in rule.thresholds.items() if k not in ("transactions", "lookback_days")}
        rule.version += 1
        rule.save()


class Migration(migrations.Migration):
    dependencies = [("riskwarnings", "0005_financial_transactions")]
    operations = [migrations.RunPython(forward, backward)]
