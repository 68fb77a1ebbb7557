"""Record kinds cite the law (title, number, verified article), never rules.md items."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from socredit.apps.records.models import RecordKind
from socredit.core.catalogue import reference_kinds
from socredit.core.citations import internal_codes_in

pytestmark = pytest.mark.django_db


def test_every_reference_kind_cites_the_law_and_keeps_its_items_apart():
    for row in reference_kinds():
        assert row["legal_basis"].startswith("《"), row["code"]
        assert not internal_codes_in(row["legal_basis"]), row["code"]
        assert row["rules_items"], row["code"]  # the internal item stays in the catalogue
    assert RecordKind.objects.get(code="registration").legal_basis == (
        "《社会组织信用信息管理办法》（民政部令第60号）第六条、第七条"
    )


def test_the_sync_migration_replaces_coded_texts_and_keeps_an_administrators_own():
    migration = importlib.import_module("socredit.apps.records.migrations.0006_public_legal_basis")
    RecordKind.objects.filter(code="penalty_fine").update(legal_basis="rules.md R1.6(5); R1.12(4)(5); R2.8")
    RecordKind.objects.filter(code="penalty_warning").update(legal_basis="本局自定依据：《行政处罚法》")
    migration.sync(apps, None)
    assert RecordKind.objects.get(code="penalty_fine").legal_basis == (
        "《社会组织信用信息管理办法》（民政部令第60号）、《信用修复管理办法》（国家发展和改革委员会令第36号）"
    )
    assert RecordKind.objects.get(code="penalty_warning").legal_basis == "本局自定依据：《行政处罚法》"


def test_the_migration_names_the_old_version_in_a_corrected_records_history(personas):
    from socredit.apps.records.models import RecordStateChange
    from socredit.apps.records.services import correct_record
    from socredit.testing import factories

    migration = importlib.import_module("socredit.apps.records.migrations.0006_public_legal_basis")
    org = factories.organization()
    old = factories.record(org, "penalty_fine", amount="3000", document_number="金民罚〔2025〕11号")
    new = correct_record(
        actor=personas["city_admin"],
        channel="form",
        record=old,
        data={"amount": "2000"},
        reason="金额录入错误",
    )
    entry = RecordStateChange.objects.get(record=new)
    RecordStateChange.objects.filter(pk=entry.pk).update(
        reason=f"更正 #{old.pk}：金额录入错误"
    )  # as stored before
    migration.history_without_ids(apps, None)
    entry.refresh_from_db()
    assert entry.reason == "更正原记录（行政处罚：罚款 金民罚〔2025〕11号）：金额录入错误"
