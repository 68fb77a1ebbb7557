"""The shipped commitment templates cite the law as documents do: no rules.md item codes or internal
seed references in what an organization reads and signs. A template an administrator has edited
since (its basis no longer the shipped text) is left alone."""

from django.db import migrations

SEED = "新郑市民政局《建立完善守信联合激励和失信联合惩戒制度加快推进社会诚信建设实施方案》（2019）"
CREDIT_MEASURES = "《社会组织信用信息管理办法》（民政部令第60号）"
REPAIR_MEASURES = "《信用修复管理办法》（国家发展和改革委员会令第36号）"

CHANGES = {
    "general": (
        f"{SEED}四(一) 建立事前承诺机制：引导主动发布综合信用承诺并公示（seed 004 §四(一)）",
        f"{SEED}第四部分第（一）项：建立事前承诺机制，引导主动发布综合信用承诺并公示",
    ),
    "repair": (
        "rules.md R2.9(3)：申请信用修复须公开作出信用承诺，承诺所提交材料真实并承担违背承诺的责任",
        f"{REPAIR_MEASURES}：申请信用修复须公开作出信用承诺，承诺所提交材料真实并承担违背承诺的责任",
    ),
    "funds": (
        f"{SEED}四(一) 专项承诺（seed 004 §四(一)）；rules.md R1.16 政府购买服务、资金资助",
        f"{SEED}第四部分第（一）项：专项承诺；{CREDIT_MEASURES}：信用良好的社会组织在政府购买服务、资金资助中优先",
    ),
    "licence": (
        f"{SEED}四(一) 建立事前承诺机制（专项承诺，seed 004 §四(一)）；告知承诺制",
        f"{SEED}第四部分第（一）项：建立事前承诺机制（专项承诺）；告知承诺制",
    ),
    "tolerance": (
        f"{SEED}四(三) 容缺受理：部分申报材料不齐备的，书面承诺在规定期限内提供，应先行受理（seed 004 §四(三)）",
        f"{SEED}第四部分第（三）项：容缺受理，部分申报材料不齐备的，书面承诺在规定期限内提供，应先行受理",
    ),
}


def forward(apps, schema_editor):
    CommitmentTemplate = apps.get_model("commitments", "CommitmentTemplate")
    for code, (old, new) in CHANGES.items():
        CommitmentTemplate.objects.filter(code=code, legal_basis=old).update(legal_basis=new)


def backward(apps, schema_editor):
    CommitmentTemplate = apps.get_model("commitments", "CommitmentTemplate")
    for code, (old, new) in CHANGES.items():
        CommitmentTemplate.objects.filter(code=code, legal_basis=new).update(legal_basis=old)


class Migration(migrations.Migration):
    dependencies = [("commitments", "0002_shipped_templates")]

    operations = [migrations.RunPython(forward, backward)]
