"""The shipped commitment templates (承诺书模板): one general, one for credit repair and three per matter.

Placeholders in a body ({org_name}, {org_code}, {subject}, {due_on}) are filled when an organization
signs (services.commitment_text). Existing rows are left alone, so an administrator's edits survive
re-running the migration; reversing removes only templates nobody has signed.
"""

from django.db import migrations

SEED = "新郑市民政局《建立完善守信联合激励和失信联合惩戒制度加快推进社会诚信建设实施方案》（2019）"

TEMPLATES = [
    {
        "code": "general",
        "title": "社会组织综合信用承诺书",
        "matter": "general",
        "needs_due_date": False,
        "legal_basis": f"{SEED}四(一) 建立事前承诺机制：引导主动发布综合信用承诺并公示（seed 004 §四(一)）",
        "body": (
            "本单位{org_name}（统一社会信用代码：{org_code}）郑重承诺：\n"
            "一、严格遵守国家法律法规、规章和政策规定，遵守社会组织登记管理各项制度，依照章程开展活动，"
            "不超出章程规定的宗旨和业务范围开展活动。\n"
            "二、向登记管理机关和有关部门提供的登记、年度报告（年度检查）、信息公开等材料真实、准确、完整，"
            "不弄虚作假。\n"
            "三、健全内部治理结构和财务管理制度，依法接受登记管理机关、业务主管单位和有关部门的监督管理。\n"
            "四、诚实守信，依法依约履行义务，不以任何形式损害国家利益、社会公共利益和他人合法权益。\n"
            "五、自愿将本承诺书向社会公开，接受社会监督。\n"
            "六、如违背上述承诺，自愿接受登记管理机关依法依规作出的处理，违背承诺的情况记入本单位信用记录，"
            "并依法承担相应责任。"
        ),
    },
    {
        "code": "repair",
        "title": "信用修复承诺书",
        "matter": "repair",
        "needs_due_date": False,
        "legal_basis": "rules.md R2.9(3)：申请信用修复须公开作出信用承诺，承诺所提交材料真实并承担违背承诺的责任",
        "body": (
            "本单位{org_name}（统一社会信用代码：{org_code}）就申请信用修复事项郑重承诺：\n"
            "一、本单位已纠正失信行为，已履行行政处罚决定或者列入名录决定规定的全部义务。\n"
            "二、本单位提交的信用修复申请材料及证明材料真实、准确、完整、有效，不存在隐瞒事实、"
            "虚假陈述或者伪造材料的情形。\n"
            "三、本单位将严格遵守法律法规和章程，依法开展活动，不再发生同类失信行为。\n"
            "四、本单位同意将本承诺书向社会公开，接受社会监督。\n"
            "五、如违背上述承诺或者提供虚假材料，本单位自愿承担相应法律责任，接受撤销信用修复决定、"
            "恢复公示失信信息等处理，违背承诺的情况记入本单位信用记录。"
        ),
    },
    {
        "code": "funds",
        "title": "申请财政资金/政府购买服务项目信用承诺书",
        "matter": "funds",
        "needs_due_date": False,
        "legal_basis": f"{SEED}四(一) 专项承诺（seed 004 §四(一)）；rules.md R1.16 政府购买服务、资金资助",
        "body": (
            "本单位{org_name}（统一社会信用代码：{org_code}）申请{subject}，郑重承诺：\n"
            "一、本单位具有独立承担民事责任的能力，具备承接项目所需的专业能力和条件。\n"
            "二、本单位未被列入活动异常名录或者严重违法失信名单，近三年内无重大违法违规记录。\n"
            "三、申报材料真实、准确、完整；所获资金专款专用，按规定使用和管理，不截留、挪用、骗取财政资金。\n"
            "四、按约定履行项目义务，接受财政、审计和有关部门的监督检查和绩效评价。\n"
            "五、如违背上述承诺，自愿退还已获资金，接受取消申报资格等处理，违背承诺的情况记入本单位信用记录。"
        ),
    },
    {
        "code": "licence",
        "title": "告知承诺制行政审批信用承诺书",
        "matter": "licence",
        "needs_due_date": False,
        "legal_basis": f"{SEED}四(一) 建立事前承诺机制（专项承诺，seed 004 §四(一)）；告知承诺制",
        "body": (
            "本单位{org_name}（统一社会信用代码：{org_code}）办理{subject}，已知晓审批机关告知的全部"
            "审批条件、标准和所需材料，郑重承诺：\n"
            "一、本单位符合审批机关告知的条件、标准和要求。\n"
            "二、本单位所提交的材料真实、合法、有效，复印件与原件一致。\n"
            "三、本单位愿意接受审批机关的事中事后核查，如实提供有关情况。\n"
            "四、经核查不符合承诺条件的，本单位自愿接受撤销审批决定等处理，并依法承担相应法律责任；"
            "违背承诺的情况记入本单位信用记录并向社会公开。"
        ),
    },
    {
        "code": "tolerance",
        "title": "容缺受理承诺书",
        "matter": "tolerance",
        "needs_due_date": True,
        "legal_basis": (
            f"{SEED}四(三) 容缺受理：部分申报材料不齐备的，书面承诺在规定期限内提供，应先行受理（seed 004 §四(三)）"
        ),
        "body": (
            "本单位{org_name}（统一社会信用代码：{org_code}）申请办理{subject}，因部分申请材料尚不齐备，"
            "申请容缺受理，郑重承诺：\n"
            "一、本单位已提交的申请材料真实、合法、有效。\n"
            "二、本单位将于{due_on}前补齐全部容缺材料，所补材料与已提交材料内容一致。\n"
            "三、本单位已知晓：逾期未补齐材料或者所补材料与承诺不符的，审批机关可以终止办理或者依法撤销"
            "已作出的决定，由此产生的后果由本单位承担。\n"
            "四、如违背上述承诺，自愿接受将违背承诺的情况记入本单位信用记录。"
        ),
    },
]


def load(apps, schema_editor):
    CommitmentTemplate = apps.get_model("commitments", "CommitmentTemplate")
    for row in TEMPLATES:
        CommitmentTemplate.objects.get_or_create(code=row["code"], defaults=row)


def unload(apps, schema_editor):
    CommitmentTemplate = apps.get_model("commitments", "CommitmentTemplate")
    CommitmentTemplate.objects.filter(code__in=[t["code"] for t in TEMPLATES], commitments__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("commitments", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
