"""Record kinds cite the law, not rules.md: the shipped catalogue's ``legal_basis`` is now the public
citation (the rules.md items moved to the catalogue's ``rules_items`` column). Existing databases take
the new text for every reference kind whose stored basis still carries an internal code; a basis an
administrator rewrote without codes is kept.

The state history of a corrected record's new version read "更正 #12：…" (shown on the record page and in
the records API): it now names the old version by kind and document number."""

import re

from django.db import migrations


def sync(apps, schema_editor):
    from socredit.core.catalogue import reference_kinds
    from socredit.core.citations import internal_codes_in

    RecordKind = apps.get_model("records", "RecordKind")
    public = {row["code"]: row["legal_basis"] for row in reference_kinds()}
    for kind in RecordKind.objects.filter(code__in=public):
        if internal_codes_in(kind.legal_basis) or not kind.legal_basis:
            kind.legal_basis = public[kind.code]
            kind.save(update_fields=["legal_basis"])


def history_without_ids(apps, schema_editor):
    RecordStateChange = apps.get_model("records", "RecordStateChange")
    CreditRecord = apps.get_model("records", "CreditRecord")
    for change in RecordStateChange.objects.filter(reason__regex=r"^更正 #[0-9]+：").iterator():
        m = re.match(r"更正 #(\d+)：(.*)", change.reason, re.S)
        old = CreditRecord.objects.filter(pk=int(m[1])).select_related("kind").first()
        label = f"（{old.kind.name_zh} {old.document_number or old.occurred_on}）" if old else ""
        RecordStateChange.objects.filter(pk=change.pk).update(reason=f"更正原记录{label}：{m[2]}")


class Migration(migrations.Migration):
    dependencies = [("records", "0005_cases_support")]
    operations = [
        migrations.RunPython(sync, migrations.RunPython.noop),
        migrations.RunPython(history_without_ids, migrations.RunPython.noop),
    ]
