"""Level-change causes name records, runs and imports without database ids.

The history of level changes is read by staff and by the organization in /my/. Causes written before
this change read "新增记录 #4：行政处罚：罚款", "批量评价 #12" or "批量导入（导入批次 #3）"; they now read
"新增记录：行政处罚：罚款 郑民罚〔2024〕6号", "批量评价（2026-05-01）", "批量导入（records.csv）". Each
"#<id>" of a stored cause is replaced by what it referred to (or dropped when that row is gone)."""

import re

from django.db import migrations

ID = re.compile(r"\s*#(\d+)")


def _record(apps, pk):
    CreditRecord = apps.get_model("records", "CreditRecord")
    r = CreditRecord.objects.filter(pk=pk).select_related("kind").first()
    if r is None:
        return ""
    return f"{r.kind.name_zh} {r.document_number or r.occurred_on}"


def rewrite(apps, cause):
    if "#" not in cause:
        return cause
    if cause.startswith("批量评价"):
        run = apps.get_model("evaluation", "EvaluationRun").objects.filter(pk=int(ID.search(cause)[1])).first()
        return f"批量评价（{run.as_of}）" if run else "批量评价"
    if "导入批次" in cause:
        m = ID.search(cause)
        run = apps.get_model("imports", "ImportRun").objects.filter(pk=int(m[1])).first() if m else None
        return f"批量导入（{run.file_name}）" if run else "批量导入"
    m = re.match(r"新增记录 #(\d+)：", cause)
    if m:
        return f"新增记录：{_record(apps, int(m[1])) or cause[m.end():]}"
    m = re.match(r"(更正记录|撤销记录) #(\d+)(?: → #\d+)?：(.*)", cause, re.S)
    if m:
        return f"{m[1]}（{_record(apps, int(m[2]))}）：{m[3]}"
    m = re.match(r"信用修复 #(\d+)（(.*)）", cause)
    if m:
        return f"信用修复（{m[2]}）：{_record(apps, int(m[1]))}"
    return ID.sub("", cause)


def forward(apps, schema_editor):
    LevelChange = apps.get_model("evaluation", "LevelChange")
    for change in LevelChange.objects.filter(trigger__contains="#").iterator():
        new = rewrite(apps, change.trigger)[:300]
        if new != change.trigger:
            LevelChange.objects.filter(pk=change.pk).update(trigger=new)


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0002_result_blocks"),
        ("records", "0006_public_legal_basis"),
        ("imports", "0001_initial"),
    ]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
