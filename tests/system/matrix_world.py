"""The world of the access matrices (tests/system/test_access_matrix.py, test_write_matrix.py): one
object of 金水区 (410105) for every route, so that 新郑市 (410184) staff are outside its region."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from socredit.apps.bans.services import record_ban
from socredit.apps.cases.services import complaints, objections, repairs
from socredit.apps.commitments.models import CommitmentTemplate
from socredit.apps.commitments.services import sign_commitment
from socredit.apps.evaluation.services import run_evaluation
from socredit.apps.imports.services import run_import
from socredit.apps.lists import services as lists
from socredit.apps.lists.models import ListProposal
from socredit.apps.registry.models import Role
from socredit.apps.registry.services import add_branch
from socredit.core.codes import make_id_number
from socredit.testing import factories


def build_world(personas: dict[str, Any]) -> dict[str, Any]:
    """Objects of 金水区 (410105) for every staff and organization route, each in the state its pages expect."""
    org = factories.organization(region_code="410105", name="郑州市金水区矩阵测试协会")
    person = factories.person("李娜")
    factories.role(org, person)
    # a post held for an identity check (Role.stated_name), which staff above both regions settle
    held_role = Role.objects.create(person=person, organization=org, kind="secretary_general",
                                    start_on=dt.date(2020, 1, 1), stated_name="李某")  # fmt: skip
    record = factories.record(org, "penalty_warning")
    branch = add_branch(actor=None, channel="system", organization=org,
                        data={"kind": "branch", "name": "矩阵专业委员会", "head": "钱主任", "established_on": "2020-01-01",
                              "head_id_number": make_id_number("410105", dt.date(1991, 7, 17), 777),
                              "document_number": "矩阵分〔2020〕1号", "document_date": "2020-01-01",
                              "document": SimpleUploadedFile("批复.pdf", b"%PDF-1.4 matrix")})  # fmt: skip
    csv = f"organization,kind,occurred_on,department,document_number\n{org.code},penalty_warning,2024-01-02,zz-mzj,矩阵〔2024〕1号\n"
    run = run_import(actor=personas["staff_jinshui"], channel="import", kind="records",
                     content=csv.encode(), file_name="matrix.csv", dry_run=True)  # fmt: skip
    evaluation_run = run_evaluation(
        actor=personas["city_admin"], channel="form", region=factories.region("410105")
    )
    # A listed organization of 金水区 with a pending removal application, and an open proposal (the warning's).
    listed = factories.organization(region_code="410105", name="郑州市金水区矩阵名录协会")
    factories.record(listed, "annual_report_missing", occurred_on=lists.today() - dt.timedelta(days=100))
    staff = personas["staff_jinshui"]
    notice = lists.serve_notice(staff, ListProposal.objects.get(organization=listed), "written",
                                lists.today() - dt.timedelta(days=95), "矩阵告〔2026〕1号")  # fmt: skip
    # decided once the 陈述申辩 period of the notice (5 working days) has run out
    decision = lists.confirm_proposal(staff, ListProposal.objects.get(organization=listed),
                                      document_number="矩阵名〔2026〕1号", decided_on=lists.today() - dt.timedelta(days=75))  # fmt: skip
    application = lists.apply_for_removal(staff, decision.entry, evidence="已补报", applied_on=lists.today())
    proposal = ListProposal.objects.get(organization=org, status="proposed")
    commitment = sign_commitment(staff, "form", org, CommitmentTemplate.objects.get(code="general"),
                                 signed_by_name="李娜")  # fmt: skip
    complaint, _ = complaints.submit_complaint(None, "public", subject_name="矩阵举报对象", region_code="410105",
                                               content="矩阵测试：该协会违规收费，有收据为证。")  # fmt: skip
    rejected, _ = complaints.submit_complaint(None, "public", subject_name="矩阵举报对象", region_code="410105",
                                              content="矩阵测试：重复举报，不予受理。")  # fmt: skip
    complaints.triage(staff, rejected, accept=False, ground="duplicate", reason="矩阵：重复举报。")
    account = factories.org_account(org)
    # The open proposal's prior notice, and the organization's statement on it with one file (陈述申辩).
    org_notice = lists.serve_notice(staff, proposal, "written", lists.today(), "矩阵告〔2026〕2号")
    statement = lists.file_statement(
        account, org_notice, text="矩阵测试：警告所涉问题已纠正。", received_on=lists.today(), channel="account",
        files=[SimpleUploadedFile("说明.pdf", b"%PDF-1.4 statement", content_type="application/pdf")],
    )  # fmt: skip
    objection = objections.file_objection(
        account, channel="organization", organization=org, records=[record], reasons="矩阵测试：记录有误，申请核查。",
        files=[SimpleUploadedFile("回执.pdf", b"%PDF-1.4 matrix", content_type="application/pdf")],
    )  # fmt: skip
    fine = factories.record(
        org, "penalty_fine", occurred_on=lists.today() - dt.timedelta(days=180), amount="1000"
    )
    repair = repairs.apply_for_repair(
        staff, "paper", org, fine, reasons="警告所涉问题已整改。", obligations_statement="已整改并提交报告。",
        files=[SimpleUploadedFile("整改报告.pdf", b"%PDF-1.4 fixed", content_type="application/pdf")],
        applicant_name="李娜", applicant_contact="0371-60000000",
    )  # fmt: skip
    # a ban in force on the world's person, decided by 金水区 (从业禁止、任职限制)
    ban, _ = record_ban(actor=staff, channel="form", data={
        "name": person.name, "id_number": person.id_number, "ground": "other", "kind": "post_restriction",
        "ground_text": "矩阵：对违法行为负有直接责任", "legal_basis": "《社会团体登记管理条例》第三十条",
        "scope": "不得担任社会团体负责人", "authority": "郑州市金水区民政局", "document_number": "矩阵禁〔2026〕1号",
        "decided_on": lists.today() - dt.timedelta(days=10), "years": 3, "organization": org.code,
    })  # fmt: skip
    return {"org_account": account, "objection": objection, "fine": fine, "repair": repair, "evidence": objection.evidence.get(),
            "receipt": objection.documents.get(kind="receipt"),"org": org, "person": person, "held_role": held_role, "branch": branch, "registration_change": branch.changes.get(), "record": record, "run": run, "evaluation_run": evaluation_run,
            "proposal": proposal, "entry": decision.entry, "application": application, "notice": notice,
            "commitment": commitment, "complaint": complaint, "rejected": rejected,
            "complaint_doc": rejected.documents.get(), "org_notice": org_notice, "statement": statement,
            "statement_evidence": statement.evidence.get(), "ban": ban}  # fmt: skip
