"""List reasons in words: what the engine wrote into reasons and notes before it stopped naming
rules.md items (``…自动移出（R1.10(b)）``, ``…情形（2026-01-05，R1.6(5)）``) is rewritten without them,
and a decision's legal basis that still carries an item is replaced by the law's citation and the
situation it names (``core.citations``). The item code stays in the ``ground``/``exit_ground``
fields. Notices and decision documents are served documents and are left as served (they were
printed without item codes)."""

import re

from django.db import migrations

PHRASES = {
    "（不满5万元为R1.6(5)，5万元以上为R1.12(4)）": "：不满5万元的列入活动异常名录，5万元以上的列入严重违法失信名单",
    "须确认撤销的是成立登记（R1.12(7)）还是以弄虚作假取得的变更登记（R1.12(2)）":
        "须确认撤销的是成立登记，还是以弄虚作假取得的变更登记（二者的列入事由不同）",
    "须事先告知后决定转入（R1.5、R1.11）": "须事先告知后决定转入严重违法失信名单",
}
GRADE = re.compile(r"grade_(\d)a")
DATE_AND_CODE = re.compile(r"（(\d{4}-\d{2}-\d{2})，R\d+\.\d+(?:\([a-z0-9]+\))?）")
TEXTS = {
    "ListDecision": ("reason",),
    "ListProposal": ("reason", "note", "withdrawal_reason", "dismiss_reason"),
    "RemovalApplication": ("reason",),
}


def words(text: str) -> str:
    """The text without item codes; the red list's criteria with grades and record kinds in words."""
    from socredit.core.catalogue import reference_kinds
    from socredit.core.citations import public_text

    for old, new in PHRASES.items():
        text = text.replace(old, new)
    text = GRADE.sub(lambda m: f"{m[1]}A级", text).replace("评估等级为无评估等级", "无评估等级")
    for row in reference_kinds():
        text = text.replace(f"（{row['code']}，", f"（{row['name_zh']}，")
    return public_text(DATE_AND_CODE.sub(r"（\1）", text))


def basis(ground: str, stored: str) -> str:
    from socredit.core.citations import LIST_CITATIONS

    c = LIST_CITATIONS.get(ground)  # the red list's ground is the catalogue's "RED"
    return f"{c.text}：{c.situation}" if c else words(stored)


def rewrite(apps, schema_editor):
    from socredit.core.citations import internal_codes_in

    for model, fields in TEXTS.items():
        Model = apps.get_model("lists", model)
        for field in fields:
            rows = Model.objects.filter(**{f"{field}__regex": r"R[0-9]+\.[0-9]+|#[0-9]|grade_|[a-z]_[a-z]"}).values_list(
                "pk", field
            )
            for pk, text in list(rows):
                if words(text) != text:
                    Model.objects.filter(pk=pk).update(**{field: words(text)})
    Decision = apps.get_model("lists", "ListDecision")
    for pk, ground, text in list(Decision.objects.values_list("pk", "ground", "legal_basis")):
        if internal_codes_in(text) or not text:
            Decision.objects.filter(pk=pk).update(legal_basis=basis(ground, text))


class Migration(migrations.Migration):
    dependencies = [("lists", "0006_daily_run_schedule")]
    operations = [migrations.RunPython(rewrite, migrations.RunPython.noop)]
