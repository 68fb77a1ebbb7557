"""The rules the data migration seeds (``migrations/0002_seed_rules``): one row per rule, each with
its kind, level, thresholds, reason and basis. Administrators change enabled, level, thresholds and
handling days afterwards (``/warnings/rules/``); a change makes a new version.

Bases cite law by title, number and article only where the article was checked; the others say
they are a local policy design default (seeds 001, 002 of the users' documents). The handling time
(10 working days before escalation) is a design default everywhere: no rule sets it.
"""

from __future__ import annotations

from typing import Any

DESIGN = "本地政策设计默认值（无对应法规条文）"
DESIGN_EN = "Local policy design default (no article of law sets it)"
FOUR_LEVEL = "参照上海市“十四五”社会组织发展规划“完善社会组织四级预警网络建设”"
FUNDS = "参照平阳县民政局清廉社会组织建设实施方案（平民〔2023〕3号）“对大额资金往来、境外合作等情况进行精准分析、智能预警”"
FUNDS_EN = ("After the Pingyang County civil-affairs bureau's plan (平民〔2023〕3号): precise analysis and smart "
            "warnings on large flows of funds and cooperation abroad")  # fmt: skip

DORMANT_REASON = ("连续未报送年度工作报告（最近已届报送期限的年度），且在规定期间内没有登记变更、信用记录或报送报告等活动"
                  "（本地政策要求时，还须登记住所无法联系），疑似“僵尸型”社会组织。认定标准与僵尸型社会组织清理相同，"
                  "年数和期间由本地政策参数确定。请核实是否仍在活动。")  # fmt: skip
DORMANT_REASON_EN = ("No annual work report on the last report years due and no activity (registration change, credit "
                     "record, report) within the period, and, where local policy asks it, unreachable at the registered "
                     "address: possibly an organization that exists in name only. The same test as the clean-up of "
                     "dormant organizations; local policy sets the years and the period. Check whether it still operates.")  # fmt: skip

LARGE_REASON = ("年度工作报告所填单笔最大交易金额达500万元，或财政、金融等部门报送的一年内单笔资金往来达500万元。"
                "请核实交易内容与决策程序。")  # fmt: skip
LARGE_REASON_EN = ("The largest single transaction in the annual report, or a single transaction reported by a finance or "
                   "banking department within a year, is 5,000,000 yuan or more. Check the transaction and how it was decided.")  # fmt: skip
RELATED_REASON = "年度关联交易金额达100万元，或财政、金融等部门报送的一年内关联交易合计达100万元。请核实是否依章程决策并公开。"
RELATED_REASON_EN = ("Related-party transactions of 1,000,000 yuan or more in the annual report, or reported by finance and "
                     "banking departments within a year. Check they were decided under the charter and disclosed.")  # fmt: skip
OVERSEAS_REASON = ("年度工作报告填有境外资金收入或境外支出，或财政、金融等部门报送了一年内的境外资金往来。"
                   "请核实资金来源、用途和报告情况。")  # fmt: skip
OVERSEAS_REASON_EN = ("The annual report shows income from or spending abroad, or a finance or banking department reported "
                      "cross-border transactions within a year. Check where the money came from, what it was for and how it "
                      "was reported.")  # fmt: skip
TRANSACTION_THRESHOLDS = {
    "large-transaction": ({"transactions": ["single"], "lookback_days": 365}, LARGE_REASON, LARGE_REASON_EN),
    "related-party": (
        {"transactions": ["related_party"], "lookback_days": 365},
        RELATED_REASON,
        RELATED_REASON_EN,
    ),
    "overseas-funds": (
        {"transactions": ["overseas"], "lookback_days": 365},
        OVERSEAS_REASON,
        OVERSEAS_REASON_EN,
    ),
}
"""What migration 0006 adds to the amount rules seeded before transactions were read (the others: off)."""

RULES: list[dict[str, Any]] = [
    {"code": "annual-report-overdue", "kind": "annual_report_overdue", "level": "yellow",
     "name": "年度工作报告逾期未报", "name_en": "Annual work report overdue",
     "thresholds": {"grace_days": 0},
     "reason": "已过报送期限仍未报送上一年度工作报告，将被列入活动异常名录。请督促其尽快报送。",
     "reason_en": "The deadline for last year's work report has passed and nothing is filed; the organization will be entered on the abnormal-activity list. Urge it to file.",
     "basis": "《社会组织信用信息管理办法》（民政部令第60号）：未按照规定时限和要求向登记管理机关报送年度工作报告的，列入活动异常名录；《基金会年度检查办法》（民政部令第30号）第三条",
     "basis_en": "Measures for the Management of Credit Information of Social Organizations (MCA Order No. 60): failing to file the annual work report in time leads to the abnormal-activity list; Measures for the Annual Inspection of Foundations (MCA Order No. 30), Article 3"},
    {"code": "dormant", "kind": "dormant", "level": "orange",
     "name": "疑似僵尸型社会组织", "name_en": "Possibly dormant organization",
     "thresholds": {},
     "reason": DORMANT_REASON, "reason_en": DORMANT_REASON_EN,
     "basis": f"{DESIGN}；参照各地“僵尸型”社会组织清理整治工作",
     "basis_en": f"{DESIGN_EN}; after local clean-ups of organizations that exist in name only"},
    {"code": "address-unreachable", "kind": "address_unreachable", "level": "orange",
     "name": "登记住所无法联系", "name_en": "Unreachable at the registered address",
     "thresholds": {"lookback_days": 365},
     "reason": "一年内抽查时在登记住所无法找到，或两次专用信函均无人签收。请走访核实住所。",
     "reason_en": "Within a year a spot check found no one at the registered address, or two special letters went unsigned. Visit and check the address.",
     "basis": "《社会组织信用信息管理办法》（民政部令第60号）：通过登记的住所无法与社会组织取得联系的，列入活动异常名录",
     "basis_en": "Measures for the Management of Credit Information of Social Organizations (MCA Order No. 60): an organization that cannot be contacted at its registered address is entered on the abnormal-activity list"},
    {"code": "election-overdue", "kind": "election_overdue", "level": "blue",
     "name": "逾期未换届", "name_en": "Term election overdue",
     "thresholds": {"term_years": 5, "grace_days": 0},
     "reason": "按最近一次换届（年度工作报告所填或换届记录，没有则按成立登记日）计算，本届任期已届满而未见换届。请督促按章程换届。",
     "reason_en": "Counting from the last election (as a filed annual report or an election record says, else from registration), the term has ended without a new election. Urge an election under the charter.",
     "basis": "《基金会管理条例》（国务院令第400号）第二十条：理事任期由章程规定，但每届任期不得超过5年；社会团体、社会服务机构的任期由章程规定，5年为" + DESIGN,
     "basis_en": "Regulations on the Management of Foundations (State Council Order No. 400), Article 20: a director's term is set by the charter but may not exceed 5 years; for associations and social service institutions the charter sets it, 5 years is a " + DESIGN_EN.lower()},
    {"code": "banned-person-in-post", "kind": "banned_person", "level": "red",
     "name": "受限人员担任负责人", "name_en": "Banned or listed person in a responsible post",
     "thresholds": {"posts": ["legal_rep", "responsible", "chair", "secretary_general"], "include_serious_list": True},
     "reason": "法定代表人或负责人受从业禁止、任职限制，或作为严重违法失信名单所涉负责人仍在任。请核实并依法处理。",
     "reason_en": "A legal representative or responsible person is under a ban on holding posts, or is named in a serious-list decision, and still holds the post. Check and act as the law provides.",
     "basis": "所涉禁止、限制决定或名单决定载明的依据；预警规则本身为" + DESIGN,
     "basis_en": "The basis stated in the ban or listing decision; the warning rule itself is a " + DESIGN_EN.lower()},
    {"code": "complaint-burst", "kind": "complaint_burst", "level": "orange",
     "name": "举报查实集中发生", "name_en": "Burst of founded complaints",
     "thresholds": {"count": 3, "days": 90},
     "reason": "90天内有3件以上举报经核查属实。请关注并考虑专项检查。",
     "reason_en": "Three or more complaints found true within 90 days. Watch closely and consider an ad hoc check.",
     "basis": f"{DESIGN}；{FOUR_LEVEL}", "basis_en": DESIGN_EN},
    {"code": "income-change", "kind": "figure_change", "level": "yellow",
     "name": "收入同比异常变动", "name_en": "Abnormal change in income",
     "thresholds": {"figure": ["ia_total_income"], "ratio": 1.0, "min_amount": 1000000},
     "reason": "年度收入合计较上一年度变动达一倍以上（金额在100万元以上）。请核实收入来源。",
     "reason_en": "Total income changed by 100 % or more from the year before (amounts of 1,000,000 yuan or more). Check where the income came from.",
     "basis": f"{DESIGN}；{FUNDS}", "basis_en": f"{DESIGN_EN}; {FUNDS_EN}"},
    {"code": "expenditure-change", "kind": "figure_change", "level": "yellow",
     "name": "支出同比异常变动", "name_en": "Abnormal change in expenditure",
     "thresholds": {"figure": ["ia_total_expenses"], "ratio": 1.0, "min_amount": 1000000},
     "reason": "年度费用合计较上一年度变动达一倍以上（金额在100万元以上）。请核实支出用途。",
     "reason_en": "Total expenses changed by 100 % or more from the year before (amounts of 1,000,000 yuan or more). Check what the money was spent on.",
     "basis": f"{DESIGN}；{FUNDS}", "basis_en": f"{DESIGN_EN}; {FUNDS_EN}"},
    {"code": "large-transaction", "kind": "figure_amount", "level": "yellow",
     "name": "大额单笔交易", "name_en": "Large single transaction",
     "thresholds": {"figures": ["largest_transaction"], "amount": 5000000, "transactions": ["single"], "lookback_days": 365},
     "reason": LARGE_REASON, "reason_en": LARGE_REASON_EN,
     "basis": f"{DESIGN}；{FUNDS}", "basis_en": f"{DESIGN_EN}; {FUNDS_EN}"},
    {"code": "related-party", "kind": "figure_amount", "level": "orange",
     "name": "关联交易金额较大", "name_en": "Large related-party transactions",
     "thresholds": {"figures": ["related_party_amount"], "amount": 1000000, "transactions": ["related_party"], "lookback_days": 365},
     "reason": RELATED_REASON, "reason_en": RELATED_REASON_EN,
     "basis": f"{DESIGN}；{FUNDS}", "basis_en": f"{DESIGN_EN}; {FUNDS_EN}"},
    {"code": "overseas-funds", "kind": "figure_amount", "level": "orange",
     "name": "境外资金往来", "name_en": "Money from or to abroad",
     "thresholds": {"figures": ["overseas_income", "overseas_expenditure"], "amount": 0, "transactions": ["overseas"], "lookback_days": 365},
     "reason": OVERSEAS_REASON, "reason_en": OVERSEAS_REASON_EN,
     "basis": f"{DESIGN}；{FUNDS}", "basis_en": f"{DESIGN_EN}; {FUNDS_EN}"},
    {"code": "street-visit", "kind": "self_report", "level": "blue",
     "name": "街镇走访发现", "name_en": "Found on a street visit",
     "thresholds": {},
     "reason": "街镇工作人员走访或接到反映后自主申报的风险。",
     "reason_en": "A risk raised by street staff after a visit or a report they received.",
     "basis": f"{DESIGN}；{FOUR_LEVEL}", "basis_en": DESIGN_EN},
]  # fmt: skip
