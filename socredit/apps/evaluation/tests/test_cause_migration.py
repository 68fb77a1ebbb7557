"""Stored level-change causes lose their database ids (migration 0003): the history is read in /my/."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from socredit.apps.evaluation.models import LevelChange
from socredit.common.clock import today
from socredit.testing import factories

pytestmark = pytest.mark.django_db


def test_old_causes_name_the_record_instead_of_its_id():
    migration = importlib.import_module(
        "socredit.apps.evaluation.migrations.0003_level_change_causes_without_ids"
    )
    org = factories.organization()
    fine = factories.record(org, "penalty_fine", amount="1000", document_number="金民罚〔2025〕9号")
    old = {
        f"新增记录 #{fine.pk}：行政处罚：罚款": "新增记录：行政处罚：罚款 金民罚〔2025〕9号",
        f"更正记录 #{fine.pk} → #{fine.pk + 1}：金额录入错误": "更正记录（行政处罚：罚款 金民罚〔2025〕9号）：金额录入错误",
        f"撤销记录 #{fine.pk}：复议撤销": "撤销记录（行政处罚：罚款 金民罚〔2025〕9号）：复议撤销",
        f"信用修复 #{fine.pk}（XF-2026-000001）": "信用修复（XF-2026-000001）：行政处罚：罚款 金民罚〔2025〕9号",
        "批量评价 #99999": "批量评价",
        "批量导入（导入批次 #99999）": "批量导入",
        "新增记录 #99999：行政处罚：警告": "新增记录：行政处罚：警告",
        "score": "score",
    }
    rows = {
        text: LevelChange.objects.create(organization=org, to_level="B", to_score=70, as_of=today(),
                                         at=timezone.now(), cause="score", trigger=text, model_version="m")
        for text in old
    }  # fmt: skip
    migration.forward(apps, None)
    for text, row in rows.items():
        row.refresh_from_db()
        assert row.trigger == old[text]
        assert "#" not in row.trigger
