"""A level change's cause as its reader reads it: each shape the services store, in English and in
Chinese, with its data kept and no item code."""

from __future__ import annotations

import pytest
from django.utils import translation

from socredit.apps.evaluation.causes import cause_in_words
from socredit.apps.records.models import RecordKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def kind():
    return RecordKind.objects.exclude(name_en="").order_by("pk").first()


def shapes(kind):
    record = f"{kind.name_zh} 郑民罚〔2024〕6号"
    record_en = f"{kind.name_en} 郑民罚〔2024〕6号"
    return [
        ("批量评价（2026-12-04）", "Batch evaluation (2026-12-04)"),
        ("批量导入（records.csv）", "Batch import (records.csv)"),
        ("批量写入 3 条记录", "3 records written"),
        (f"新增记录：{record}", f"New record: {record_en}"),
        (f"更正记录（{record}）：金额有误", f"Record corrected ({record_en}): 金额有误"),
        (f"撤销记录（{record}）：重复录入", f"Record revoked ({record_en}): 重复录入"),
        (f"信用修复（XF-2026-000003）：{record}", f"Credit repair (XF-2026-000003): {record_en}"),
        ("名录日常运行（2026-12-01）", "Daily run of the lists (2026-12-01)"),
        ("公示期届满，自2026-11-30起自动停止公示（R2.8）", "Publicity period over: no longer published from 2026-11-30"),
        ("转入严重违法失信名单（金民信列〔2026〕8号）",
         "Moved to the list of seriously illegal and dishonest organizations (金民信列〔2026〕8号)"),
        ("移出活动异常名录（金民信移〔2026〕2号）",
         "Removed from the list of organizations with abnormal activities (金民信移〔2026〕2号)"),
        ("列入活动异常名录的时限自2026年10月1日起重新计算（金民信列〔2026〕3号）",
         "The period on the list of organizations with abnormal activities runs again from 2026年10月1日 (金民信列〔2026〕3号)"),
        ("你单位列入活动异常名录期间又出现应当列入情形，列入活动异常名录的时限不重新计算（金民信列〔2026〕4号）",
         "A new ground for listing while on the list of organizations with abnormal activities; the period does not run again (金民信列〔2026〕4号)"),
        ("列入守信红名单（金民信红〔2026〕1号）", "Placed on the red list of trustworthy organizations (金民信红〔2026〕1号)"),
        ("异议YY-2026-000001成立，撤销列入活动异常名录",
         "Objection YY-2026-000001 upheld: the listing on the list of organizations with abnormal activities withdrawn"),
    ]  # fmt: skip


def test_every_stored_shape_reads_in_english(kind):
    with translation.override("en"):
        for stored, english in shapes(kind):
            assert cause_in_words(stored) == english, stored


def test_chinese_reads_as_stored_without_item_codes(kind):
    with translation.override("zh-hans"):
        for stored, _english in shapes(kind):
            assert cause_in_words(stored) == stored.replace("（R2.8）", ""), stored


def test_an_unknown_shape_is_shown_as_stored_and_nothing_is_empty():
    with translation.override("en"):
        assert cause_in_words("某种新的原因（2026-12-01）") == "某种新的原因（2026-12-01）"
        assert cause_in_words("") == ""


def test_the_organization_reads_its_level_changes_in_its_language(client, kind):
    import datetime as dt

    from django.utils import timezone

    from socredit.apps.evaluation.models import LevelChange
    from socredit.testing import factories

    org = factories.organization()
    LevelChange.objects.create(organization=org, from_level="B", to_level="C", to_score=70,
                               as_of=dt.date(2026, 10, 28), at=timezone.now(), cause="score",
                               trigger="列入活动异常名录（金民信列〔2026〕1号）", model_version="m")  # fmt: skip
    client.force_login(factories.org_account(org))
    assert "列入活动异常名录（金民信列〔2026〕1号）" in client.get("/my/").content.decode()
    client.cookies["django_language"] = "en"
    page = client.get("/my/").content.decode()
    assert "Placed on the list of organizations with abnormal activities (金民信列〔2026〕1号)" in page
    assert "列入活动异常名录" not in page
