"""The timeline lines written before events had keys: each known Chinese sentence becomes its key and
params (``socredit.apps.cases.timeline``), with what a person wrote kept as the text. A line that
matches no known sentence (a note someone wrote, a line of an older wording) stays as written.

Labels that were written in the reader's language (the channel of an objection, a verification's
result) are recognized in either language and stored in both; names (organizations, departments,
record kinds, step titles) are kept as written and shown so in either language.
"""

import re

from django.db import migrations

DAY = r"\d{4}-\d{2}-\d{2}"

COMPLAINT_CHANNELS = {"网上举报": "Online complaint", "工作人员录入": "Entered by staff", "部门移送": "Referred by a department"}
CASE_CHANNELS = {
    "组织账号": "Organization account",
    "书面申请（工作人员登记）": "Paper, entered by staff",
    "工作人员": "Staff",
    "公众举报页面": "Public form",
    "部门转来": "Department",
}
RESULTS = {"信息无误": "information correct", "信息有误": "information wrong", "部分有误": "partly wrong"}
FINDINGS = {
    "举报事项经查属实": "The complaint is found true on investigation",
    "举报事项经查不属实": "The complaint is found untrue on investigation",
}
CLASSES = {"轻微": "Minor", "一般": "General", "较重": "Grave", "严重": "Serious", "未分级": "unclassified"}


def _both(name, value, table):
    """``{name: Chinese, name_en: English}`` from a label written in either language (None: unknown)."""
    if value in table:
        return {name: value, f"{name}_en": table[value]}
    english = {en: zh for zh, en in table.items()}
    if value in english:
        return {name: english[value], f"{name}_en": value}
    return None


def _objection_outcome(said):
    if said.startswith("异议不成立"):
        return "Objection not upheld, the record stands"
    if said.startswith("异议部分成立"):
        return "Objection partly upheld"
    if said.startswith("异议成立"):
        return "Objection upheld"
    return None


def _list(value):
    return [part for part in value.split("、") if part]


# (pattern, key, build(match) -> (params, text) or None)
RULES = [
    (r"制作《(?P<title>.+)》（(?P<number>[^（）]*)）", "document", lambda m: ({"title": m["title"], "number": m["number"]}, "")),
    (r"上传证明材料：(?P<files>.+)", "evidence", lambda m: ({"files": _list(m["files"])}, "")),
    (
        r"(?:分办给 (?P<handler>.+?)|收回分办)(?:（原承办人 (?P<before>.+?)）)?(?:。理由：(?P<text>.*))?",
        None,
        lambda m: (
            {**({"handler": m["handler"]} if m["handler"] else {}), **({"before": m["before"]} if m["before"] else {})},
            m["text"] or "",
        ),
    ),
    (
        rf"“(?P<step>.+)”已超期（应于(?P<due>{DAY})前完成），提请(?P<region>.+)登记管理机关督办",
        "escalate_step",
        lambda m: ({"step": m["step"], "due": m["due"], "region": m["region"]}, ""),
    ),
    (rf"办理总期限已超（应于(?P<due>{DAY})前答复），提请督办", "escalate_total", lambda m: ({"due": m["due"]}, "")),
    ("节假日安排已录入，期限按正式安排重新计算", "recompute", lambda m: ({}, "")),
    ("期限已重新计算（仍有年份未录入放假安排，按周末推算）", "recompute_provisional", lambda m: ({}, "")),
    (
        r"收到举报（(?P<channel>[^（）]+)）",
        "complaint_received",
        lambda m: (p, "") if (p := _both("channel", m["channel"], COMPLAINT_CHANNELS)) else None,
    ),
    ("经审查予以受理，转入调查核实", "complaint_accepted", lambda m: ({}, "")),
    (
        r"关联被举报组织：(?P<name>.+)（(?P<code>[0-9A-Z]{18})）(?:，原为 (?P<before>.+))?",
        "complaint_linked",
        lambda m: ({"name": m["name"], "code": m["code"], **({"before": m["before"]} if m["before"] else {})}, ""),
    ),
    (
        r"(?P<outcome>举报事项经查属实|举报事项经查不属实)，记入信用记录（(?P<record>.+)）",
        "complaint_concluded_record",
        lambda m: ({**_both("outcome", m["outcome"], FINDINGS), "record": m["record"]}, ""),
    ),
    (
        r"(?P<outcome>举报事项经查属实|举报事项经查不属实)",
        "complaint_concluded",
        lambda m: (_both("outcome", m["outcome"], FINDINGS), ""),
    ),
    (
        r"收到信用修复申请：(?P<kind>.+)（(?P<reference>[^，（）]+)，(?P<cls>[^，（）]*)失信）",
        "repair_applied",
        lambda m: (
            ({"kind": m["kind"], "reference": m["reference"], **p}, "")
            if (p := _both("class", m["cls"], CLASSES))
            else None
        ),
    ),
    (r"申请人尚未签署信用修复承诺书；作出修复决定前须签署（R2\.9\(3\)）", "repair_commitment_missing", lambda m: ({}, "")),
    (
        rf"(?P<on>{DAY}) 受理；经核查，申请人已履行义务、纠正失信行为(?:（(?P<text>.*)）)?",
        "repair_accepted",
        lambda m: ({"on": m["on"]}, m["text"] or ""),
    ),
    (rf"(?P<on>{DAY}) 不予受理：(?P<text>.*)", "repair_not_accepted", lambda m: ({"on": m["on"]}, m["text"])),
    (rf"(?P<on>{DAY}) 决定予以修复：(?P<text>.*)", "repair_granted", lambda m: ({"on": m["on"]}, m["text"])),
    (rf"(?P<on>{DAY}) 决定不予修复：(?P<text>.*)", "repair_refused", lambda m: ({"on": m["on"]}, m["text"])),
    (
        r"收到异议申请（(?P<channel>[^（）]+(?:（[^（）]+）)?)）：(?P<what>.*)",
        "objection_received",
        lambda m: ({**p, "what": m["what"]}, "") if (p := _both("channel", m["channel"], CASE_CHANNELS)) else None,
    ),
    ("相关信息已标注“异议中”；异议处理期间，名录列入暂停公示", "objection_marked_suspended", lambda m: ({}, "")),
    ("相关信息已标注“异议中”；异议处理期间信息继续有效并公示", "objection_marked", lambda m: ({}, "")),
    (r"已转交信息提供单位核查：(?P<departments>.+)", "objection_forwarded", lambda m: ({"departments": _list(m["departments"])}, "")),
    (
        r"(?P<department>.+?)反馈核查结果：(?P<result>[^（）]+)(?P<late>（超过核查期限）)?",
        "objection_verified",
        lambda m: (
            ({"department": m["department"], **p, **({"late": True} if m["late"] else {})}, "")
            if (p := _both("result", m["result"], RESULTS))
            else None
        ),
    ),
    (
        r"处理决定：(?P<outcome>.+?)。理由：(?P<text>.*)",
        "objection_decided",
        lambda m: (
            ({"outcome": m["outcome"], "outcome_en": en}, m["text"]) if (en := _objection_outcome(m["outcome"])) else None
        ),
    ),
    (
        r"已书面告知申请人处理结果(?P<late>（超过答复总期限）)?",
        "objection_notified",
        lambda m: ({"late": True} if m["late"] else {}, ""),
    ),
    (r"申请人撤回异议：(?P<text>.*)", "objection_withdrawn", lambda m: ({}, m["text"])),
]
COMPILED = [(re.compile(pattern, re.S), key, build) for pattern, key, build in RULES]


def parse(text):
    """``(key, params, text)`` for a known sentence, or None to leave the line as written."""
    for pattern, key, build in COMPILED:
        m = pattern.fullmatch(text)
        if m is None:
            continue
        found = build(m)
        if found is None:
            return None
        params, rest = found
        if key is None:  # 分办 / 收回分办
            key = "assign" if m["handler"] else "unassign"
        return key, params, rest
    return None


def forward(apps, schema_editor):
    CaseEvent = apps.get_model("cases", "CaseEvent")
    changed = []
    for event in CaseEvent.objects.filter(key="").only("id", "text").iterator(chunk_size=2000):
        found = parse(event.text)
        if found is not None:
            event.key, event.params, event.text = found
            changed.append(event)
        if len(changed) >= 1000:
            CaseEvent.objects.bulk_update(changed, ["key", "params", "text"])
            changed = []
    CaseEvent.objects.bulk_update(changed, ["key", "params", "text"])


def backward(apps, schema_editor):
    """Write each keyed line back as its Chinese sentence (what the timeline shows in Chinese)."""
    from django.utils import translation

    from socredit.apps.cases.timeline import event_text

    CaseEvent = apps.get_model("cases", "CaseEvent")
    changed = []
    with translation.override("zh-hans"):
        for event in CaseEvent.objects.exclude(key="").iterator(chunk_size=2000):
            event.text, event.key, event.params = event_text(event.key, event.params, event.text), "", {}
            changed.append(event)
    CaseEvent.objects.bulk_update(changed, ["key", "params", "text"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_event_key_params")]

    operations = [migrations.RunPython(forward, backward)]
