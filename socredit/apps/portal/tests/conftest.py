"""Crafted data for the public data layer and pages: one organization of 金水区 with something of every
kind, public and not, on 2026-12-04."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from socredit.apps.cases.models import Case, CaseKind, CaseStatus
from socredit.apps.commitments.models import Commitment, CommitmentStatus, CommitmentTemplate
from socredit.apps.lists.models import RED, ListDecision, ListEntry
from socredit.apps.records.models import CreditRecord
from socredit.apps.registry.models import RegistrationChange
from socredit.core.types import RecordStatus, Visibility
from socredit.testing import factories

TODAY = dt.date(2026, 12, 4)
SECRET = "内部备注勿公开"
"""A text that is only ever stored where the public must not read it."""


def _decision(
    org: Any, lst: str, ground: str, number: str, day: dt.date, kind: str = "entry"
) -> ListDecision:
    return ListDecision.objects.create(
        organization=org, kind=kind, list=lst, ground=ground, legal_basis=f"R1.6(1) {SECRET}",
        reason=f"{SECRET}（记录 #12）", document_number=number, authority_name="郑州市金水区民政局",
        decided_on=day, confirmed_by_label="staff", policy_version="national-2026.1",
    )  # fmt: skip


def entry(org: Any, lst: str, ground: str, number: str, entered: dt.date, left: dt.date | None = None,
          exit_ground: str = "", **extra: Any) -> ListEntry:  # fmt: skip
    d = _decision(org, lst, ground, number, entered)
    exit_d = _decision(org, lst, exit_ground, number + "移", left, "removal") if left else None
    return ListEntry.objects.create(
        organization=org, list=lst, ground=ground, entered_on=entered, clock_start=entered, left_on=left,
        exit_ground=exit_ground, entry_decision=d, exit_decision=exit_d, **extra,
    )  # fmt: skip


@pytest.fixture
def world(personas, civil_affairs, today_is):
    """Everything an organization may have, the non-public beside the public (see each name)."""
    today_is(TODAY)
    jinshui = factories.department("zz-jsmz", "郑州市金水区民政局", "410105")
    org = factories.organization("410105", name="郑州市金水区养老服务协会", address="金水路1号",
                                 contact_person="联系人李四", contact_phone="13800000000")  # fmt: skip
    other = factories.organization("410105", name="郑州市金水区文化交流中心")
    rep = factories.person("王法人")
    factories.role(org, rep, "legal_rep")
    out: dict[str, Any] = {"org": org, "other": other, "rep": rep, "dept": jinshui}
    # 双公示: a public fine in its period, under objection
    out["fine"] = factories.record(org, "penalty_fine", occurred_on=dt.date(2026, 6, 1), decided_on=dt.date(2026, 6, 3),
                                   amount="30000", summary=f"违规收费。当事人身份证号{rep.id_number}",
                                   document_number="金民罚〔2026〕1号")  # fmt: skip
    CreditRecord.objects.filter(pk=out["fine"].pk).update(under_objection=True)
    # shared with government only / internal only
    out["shared"] = factories.record(
        org, "tax_arrears", occurred_on=dt.date(2026, 5, 1), document_number="税〔2026〕9号"
    )
    out["internal"] = factories.record(org, "penalty_warning", occurred_on=dt.date(2026, 7, 1),
                                       visibility=Visibility.INTERNAL.value, document_number="金民罚〔2026〕内2号")  # fmt: skip
    # past its maximum publicity period (一般: one year) though not yet expired by the daily job
    out["old"] = factories.record(org, "penalty_fine", occurred_on=dt.date(2024, 1, 5), decided_on=dt.date(2024, 1, 10),
                                  amount="1000", document_number="金民罚〔2024〕旧3号")  # fmt: skip
    # repaired
    out["repaired"] = factories.record(org, "penalty_fine", occurred_on=dt.date(2026, 3, 1), amount="2000",
                                       document_number="金民罚〔2026〕修4号")  # fmt: skip
    CreditRecord.objects.filter(pk=out["repaired"].pk).update(status=RecordStatus.REPAIRED.value)
    # 轻微 (a warning): not published under the national profile
    out["minor"] = factories.record(org, "penalty_warning", occurred_on=dt.date(2026, 9, 1), dishonesty_class="minor",
                                    document_number="金民罚〔2026〕轻5号")  # fmt: skip
    # positive: a grade in force and a commendation
    out["grade"] = factories.record(org, "grade_4a", occurred_on=dt.date(2024, 11, 1), decided_on=dt.date(2024, 11, 1),
                                    document_number="金民评〔2024〕6号")  # fmt: skip
    out["commendation"] = factories.record(org, "commendation_municipal", occurred_on=dt.date(2025, 5, 1),
                                           document_number="郑表〔2025〕7号", summary="<script>alert(1)</script>")  # fmt: skip
    # registration: a rename, with a legal representative change carrying a masked ID number
    RegistrationChange.objects.create(organization=org, act="change", item="name", before="金水区老年服务会",
                                      after=org.name, effective_on=dt.date(2020, 1, 2), document_number="金民登〔2020〕1号")  # fmt: skip
    RegistrationChange.objects.create(organization=org, act="change", item="legal_rep", before="旧法人（4***************1）",
                                      after=f"王法人（{rep.masked_id}）", effective_on=dt.date(2021, 1, 2))  # fmt: skip
    org.former_names = "金水区老年服务会"
    org.save(update_fields=["former_names"])
    # lists: current abnormal (under objection), past abnormal, annulled on objection, suspended, red
    out["abnormal"] = entry(org, "abnormal", "R1.6(1)", "金民异〔2026〕1号", dt.date(2026, 8, 1))
    Case.objects.create(
        kind=CaseKind.OBJECTION,
        status=CaseStatus.OPEN,
        organization=org,
        list_entry=out["abnormal"],
        number="YY-2026-000001",
        stage="review",
        region=org.region,
        channel="paper",
        reasons=f"异议理由{SECRET}",
        received_on=TODAY,
        filed_by_label="staff",
        applicant_name="异议人赵六",
        applicant_contact="13900000000",
        profile_version="national",
    )
    Case.objects.create(kind=CaseKind.COMPLAINT, status=CaseStatus.OPEN, organization=org, number="JB-2026-000001",
                        stage="review", region=org.region, channel="public", reasons=f"举报内容{SECRET}",
                        received_on=TODAY, filed_by_label="public", applicant_name="举报人钱七",
                        applicant_contact="13700000000", profile_version="national")  # fmt: skip
    out["past"] = entry(
        org, "abnormal", "R1.6(6)", "金民异〔2023〕2号", dt.date(2023, 2, 1), dt.date(2023, 9, 1), "R1.10(a)"
    )
    out["annulled"] = entry(
        org, "serious", "R1.12(4)", "金民严〔2025〕错3号", dt.date(2025, 2, 1), dt.date(2025, 3, 1), "R1.18"
    )
    out["suspended"] = entry(
        other, "abnormal", "R1.6(1)", "金民异〔2026〕停4号", dt.date(2026, 8, 1), publicity_suspended=True
    )
    out["red"] = entry(other, RED, "RED", "金民红〔2026〕5号", dt.date(2026, 1, 10))
    # commitments: published, unpublished, withdrawn
    template, _created = CommitmentTemplate.objects.get_or_create(
        code="general", defaults={"title": "信用承诺书", "matter": "general", "body": "本单位承诺……"}
    )  # the shipped one (a transactional test's flush may have taken it)
    for subject, published, status in (("公开承诺事项", True, CommitmentStatus.IN_FORCE),
                                       (f"未公开{SECRET}", False, CommitmentStatus.IN_FORCE),
                                       (f"已撤回{SECRET}", True, CommitmentStatus.WITHDRAWN)):  # fmt: skip
        Commitment.objects.create(organization=org, template=template, matter=template.matter, subject=subject,
                                  text=f"本单位承诺：{subject}", signed_by_name="王法人", signed_on=dt.date(2026, 2, 1),
                                  status=status, published=published, channel="form", entered_by_label="staff")  # fmt: skip
    return out
