"""Record kinds cite the law, not rules.md: the shipped catalogue's ``legal_basis`` is now the public
citation (the rules.md items moved to the catalogue's ``rules_items`` column). Existing databases take
the new text for every reference kind whose stored basis still carries an internal code; a basis an
administrator rewrote without codes is kept."""

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


class Migration(migrations.Migration):
    dependencies = [("records", "0005_cases_support")]
    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
