"""The case documents as the office serves them: 异议受理回执, 异议转办函, 异议处理结果告知书, 信用修复
受理通知书 / 不予受理通知书 / 决定书, 举报不予受理告知书 and 举报答复书.

Each body is rendered from its template (``templates/documents/``) when the step is taken and stored
on the ``CaseDocument`` (frozen). Records are named by their kind, deciding department, date and
document number — never by a database id; the law by the citation catalogue (``core.citations``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from socredit.apps.cases.models import Case, CaseKind, CaseRecord
from socredit.apps.cases.services.common import case_profile
from socredit.apps.records.models import CreditRecord
from socredit.apps.registry import services as registry
from socredit.apps.registry.documents import letterhead_of
from socredit.apps.registry.models import Department
from socredit.common.documents import Letterhead, clean, remedies, render_text, zh_date
from socredit.core.citations import basis_text, repair_citation

RECORD_RESULTS = {
    CaseRecord.Action.CORRECTED: "已更正",
    CaseRecord.Action.REVOKED: "已撤销",
    CaseRecord.Action.UPHELD: "维持原信息",
}


def case_authority(case: Case) -> Department | None:
    """The 登记管理机关 handling the case: the department the organization names as its registration
    authority, else the civil-affairs department of the case's region or the nearest above."""
    org = case.organization
    if org is None:
        return registry.registering_department(case.region)
    return registry.registering_department(org.region, org.registration_authority)


def case_authority_name(case: Case) -> str:
    dept = case_authority(case)
    return dept.name if dept else f"{case.region.name}社会组织登记管理机关"


def case_letterhead(case: Case) -> Letterhead | None:
    """The letterhead the case's documents print under (the handling authority's)."""
    return letterhead_of(case_authority(case), case_authority_name(case))


def case_basis(case: Case) -> str:
    """The law a case is handled under, as its pages and documents cite it."""
    if case.kind == CaseKind.REPAIR:
        day = case.received_on
        return repair_citation(day.year, day.month, day.day).text
    return basis_text("objection" if case.kind == CaseKind.OBJECTION else "complaint")


def addressee(case: Case) -> str:
    if case.organization is not None:
        return f"{case.organization.name}（统一社会信用代码：{case.organization.code}）"
    return case.subject_name or case.applicant_name


def record_label(r: CreditRecord) -> str:
    """A record as a document names it: what, who decided, when, under which number."""
    day = zh_date(r.decided_on or r.occurred_on)
    number = f"（{r.document_number}）" if r.document_number else ""
    return f"{r.department.name}{day}记载的“{r.kind.name_zh}”信息{number}"


def _common(case: Case, on: dt.date) -> dict[str, Any]:
    return {"addressee": addressee(case), "number": case.number, "received_on": zh_date(case.received_on),
            "authority": case_authority_name(case), "date": zh_date(on)}  # fmt: skip


def objection_receipt(case: Case, records: Sequence[CreditRecord], extra: Sequence[str], on: dt.date,
                      total_days: Any, *, suspended: bool = False) -> str:  # fmt: skip
    """异议受理回执: what was objected to, the answer's deadline and the 异议中 mark (with the listing
    out of public view where the profile does not continue it during an objection)."""
    return render_text("objection_receipt", {
        **_common(case, on), "facts": [record_label(r) + "；" for r in records] + list(extra),
        "basis": basis_text("objection"), "total_days": total_days, "due_on": zh_date(case.due_on),
        "suspended": suspended,
    })  # fmt: skip


def objection_forward(case: Case, dept: Department, records: Sequence[CreditRecord], due_on: dt.date,
                      verify_days: Any, on: dt.date) -> str:  # fmt: skip
    """异议转办函 to the department that supplied the records."""
    applicant = case.organization.name if case.organization else case.applicant_name
    return render_text("objection_forward", {
        **_common(case, on), "addressee": dept.name, "applicant": applicant,
        "facts": [record_label(r) + "；" for r in records], "reasons": clean(case.reasons),
        "verify_days": verify_days, "due_on": zh_date(due_on), "basis": basis_text("objection"),
    })  # fmt: skip


def objection_outcome(case: Case) -> str:
    """What the decision did, as the result notice says it: 更正 / 撤销 / 维持 per the record actions
    (never "已更正" for information that was revoked)."""
    actions = set(case.case_records.values_list("action", flat=True))
    annulled = bool(case.details.get("list_annulled"))
    done = []
    if CaseRecord.Action.CORRECTED in actions:
        done.append("更正")
    if CaseRecord.Action.REVOKED in actions:
        done.append("撤销")
    if annulled:
        done.append("撤销列入决定")
    if not done:
        return "异议不成立，维持原信息"
    kept = CaseRecord.Action.UPHELD in actions or (case.list_decision_id is not None and not annulled)
    what = "、".join(done)
    return f"异议部分成立，已依法{what}相关信息，其余维持" if kept else f"异议成立，已依法{what}相关信息"


def objection_result(case: Case, on: dt.date) -> str:
    """异议处理结果告知书: per record what was done, the list decision, the reasons and the remedies."""
    facts = []
    revoked = False
    for link in case.case_records.select_related("record__kind", "record__department", "result_record"):
        result = RECORD_RESULTS.get(link.action, "")
        if link.action == CaseRecord.Action.CORRECTED and link.result_record is not None:
            result += "（更正后的信息已重新记载）"
        # 行政处罚法第四十八条 speaks of published penalty decisions: cited when one was revoked
        revoked = revoked or (
            link.action == CaseRecord.Action.REVOKED and link.record.kind.code.startswith("penalty_")
        )
        facts.append(f"{record_label(link.record)}：{result}；")
    if case.list_decision_id:
        d = case.list_decision
        done = "已撤销，你单位已移出该名录" if case.details.get("list_annulled") else "维持"
        facts.append(
            f"{d.authority_name}{zh_date(d.decided_on)}作出的名录决定（{d.document_number}）：{done}；"
        )
    codes = ["objection", *(["objection.revoked_decision"] if revoked else [])]
    return render_text("objection_result", {
        **_common(case, on), "outcome": objection_outcome(case), "facts": facts,
        "reason": clean(case.outcome_reason), "basis": basis_text(*codes),
        "remedies": remedies(case_profile(case, on), "本处理结果"),
    })  # fmt: skip


def repair_what(record: CreditRecord) -> str:
    return record_label(record)


def repair_acceptance(case: Case, record: CreditRecord, on: dt.date) -> str:
    return render_text("repair_acceptance", {
        **_common(case, on), "what": repair_what(record), "basis": repair_citation(on.year, on.month, on.day).text,
        "due_on": zh_date(case.due_on),
    })  # fmt: skip


def repair_not_accepted(case: Case, record: CreditRecord, reason: str, on: dt.date) -> str:
    return render_text("repair_not_accepted", {
        **_common(case, on), "what": repair_what(record), "reason": clean(reason),
        "basis": repair_citation(on.year, on.month, on.day).text,
    })  # fmt: skip


def repair_decision(case: Case, record: CreditRecord, *, approve: bool, reason: str, conditions: Sequence[str],
                    accepted_on: dt.date | None, sync_by: dt.date | None, on: dt.date) -> str:  # fmt: skip
    """信用修复决定书 / 不予信用修复决定书: the conditions as found, the reasons, the decision, the remedies."""
    return render_text("repair_decision", {
        **_common(case, on), "what": repair_what(record), "approve": approve, "reason": clean(reason),
        "facts": [clean(c) for c in conditions], "accepted_on": zh_date(accepted_on), "sync_by": zh_date(sync_by),
        "basis": repair_citation(on.year, on.month, on.day).text, "remedies": remedies(case_profile(case, on)),
    })  # fmt: skip


def complaint_reject(case: Case, *, ground: str, reason: str, on: dt.date) -> str:
    return render_text("complaint_reject", {
        **_common(case, on), "subject": case.subject_name, "ground": ground, "reason": clean(reason),
    })  # fmt: skip


def complaint_reply(case: Case, *, outcome: str, text: str, on: dt.date) -> str:
    return render_text("complaint_reply", {
        **_common(case, on), "subject": case.subject_name, "outcome": outcome, "text": clean(text),
    })  # fmt: skip
