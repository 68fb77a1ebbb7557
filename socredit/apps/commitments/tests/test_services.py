"""Commitment services: signing snapshots the text and writes commitment_signed; fulfilled and broken
write their records (broken is negative); every refusal changes nothing; repeated input is a no-op."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from socredit.apps.audit.models import AuditEvent
from socredit.apps.audit.services import verify_chain
from socredit.apps.commitments import services
from socredit.apps.commitments.models import Commitment, CommitmentStatus
from socredit.apps.commitments.tests.conftest import ago
from socredit.apps.evaluation.models import CreditScore
from socredit.apps.records.models import CreditRecord
from socredit.common.errors import FieldErrors
from socredit.core.types import OrgStatus, RecordStatus
from socredit.testing import factories

pytestmark = pytest.mark.django_db


def sign(actor, org, template, **kw):
    kw.setdefault("signed_by_name", "王法人")
    return services.sign_commitment(actor, "form", org, template, **kw)


def kinds(org):
    return list(
        CreditRecord.objects.filter(organization=org).order_by("id").values_list("kind__code", flat=True)
    )


def test_shipped_templates_cite_their_basis(templates):
    assert set(templates) >= {"general", "repair", "funds", "licence", "tolerance"}
    assert templates["tolerance"].needs_due_date and not templates["general"].needs_due_date
    assert templates["repair"].legal_basis.startswith("《信用修复管理办法》（国家发展和改革委员会令第36号）")
    assert (
        "第（三）项" in templates["tolerance"].legal_basis
        and "第（一）项" in templates["general"].legal_basis
    )
    assert not any(re.search(r"R\d+\.\d+|seed|rules\.md", t.legal_basis) for t in templates.values())
    assert all(t.active and "{org_name}" in t.body for t in templates.values())


def test_sign_snapshots_text_and_writes_signed_record(org, templates, personas):
    c = sign(personas["staff_jinshui"], org, templates["tolerance"], subject="社会团体变更登记",
             due_on=services.today() + dt.timedelta(days=10), signed_on=ago(1))  # fmt: skip
    assert c.status == CommitmentStatus.IN_FORCE and c.published and c.matter == "tolerance"
    assert org.name in c.text and org.code in c.text and "社会团体变更登记" in c.text and "{" not in c.text
    assert f"{c.due_on.year}年{c.due_on.month}月{c.due_on.day}日" in c.text
    rec = c.signed_record
    assert rec.kind.code == "commitment_signed" and rec.occurred_on == ago(1)
    assert (
        rec.external_id == f"commitment-{c.pk}" and rec.department.code == "zz-mzj"
    )  # the civil-affairs dept above
    assert c.entered_by_label == "staff_jinshui" and c.channel == "form"
    assert AuditEvent.objects.filter(action="commitment.sign", target_id=str(c.pk)).exists()
    assert verify_chain() is None


def test_later_template_edits_do_not_change_a_signed_text(org, templates, personas):
    c = sign(personas["staff_jinshui"], org, templates["general"])
    templates["general"].body = "新文本 {org_name}"
    templates["general"].save()
    c.refresh_from_db()
    assert "新文本" not in c.text


def test_named_registration_authority_issues_the_record(org, templates, personas):
    own = factories.department("js-mzj", "金水区民政局", "410105")
    assert org.registration_authority == "金水区民政局"
    c = sign(personas["staff_jinshui"], org, templates["general"])
    assert c.signed_record.department == own


def test_signing_twice_with_the_same_input_is_a_no_op(org, templates, personas):
    first = sign(personas["staff_jinshui"], org, templates["general"], signed_on=ago(2))
    again = sign(personas["staff_jinshui"], org, templates["general"], signed_on=ago(2))
    assert again.pk == first.pk
    assert Commitment.objects.filter(organization=org).count() == 1 and kinds(org) == ["commitment_signed"]


def test_an_existing_record_with_the_external_id_is_reused(org, templates, personas, civil_affairs):
    c = sign(personas["staff_jinshui"], org, templates["general"])
    again = services._write_record(personas["staff_jinshui"], "form", c, "commitment_signed", "", c.signed_on,
                                   "x", civil_affairs)  # fmt: skip
    assert again == c.signed_record and kinds(org) == ["commitment_signed"]


@pytest.mark.parametrize(
    ("template", "kw", "field"),
    [
        ("general", {"signed_by_name": " "}, "signed_by_name"),
        ("general", {"signed_on": dt.date.today() + dt.timedelta(days=3)}, "signed_on"),
        ("general", {"signed_on": dt.date(2010, 1, 1)}, "signed_on"),  # before registration (2015)
        ("general", {"due_on": dt.date.today() + dt.timedelta(days=3)}, "due_on"),  # no deadline in the text
        ("tolerance", {"subject": "变更登记"}, "due_on"),  # the deadline is required
        ("tolerance", {"subject": "变更登记", "due_on": dt.date.today()}, "due_on"),  # not after signing
        ("funds", {}, "subject"),  # the text names the project
    ],
)
def test_bad_input_is_refused_per_field(org, templates, personas, template, kw, field):
    kw.setdefault("signed_by_name", "王法人")
    with pytest.raises(FieldErrors) as exc:
        services.sign_commitment(personas["staff_jinshui"], "form", org, templates[template], **kw)
    assert field in exc.value.errors
    assert not Commitment.objects.exists() and kinds(org) == []


def test_inactive_template_is_refused(org, templates, personas):
    templates["licence"].active = False
    templates["licence"].save()
    with pytest.raises(FieldErrors) as exc:
        sign(personas["staff_jinshui"], org, templates["licence"], subject="民办非企业单位成立登记")
    assert "已停用" in exc.value.errors["template"][0]


@pytest.mark.parametrize("status", [OrgStatus.DEREGISTERED.value, OrgStatus.REVOKED.value])
def test_closed_organization_cannot_sign(org, templates, personas, status):
    org.status = status
    org.save()
    with pytest.raises(FieldErrors, match="不能签署"):
        sign(personas["staff_jinshui"], org, templates["general"])
    assert not Commitment.objects.exists()


def test_without_any_civil_affairs_department_nothing_is_written(personas, templates):
    org = factories.organization("410105")
    with pytest.raises(FieldErrors, match="登记管理机关"):
        sign(personas["staff_jinshui"], org, templates["general"])
    assert not Commitment.objects.exists()


def test_fulfil_writes_the_positive_record(org, templates, personas):
    staff = personas["staff_jinshui"]
    c = sign(staff, org, templates["tolerance"], subject="变更登记", due_on=services.today() + dt.timedelta(days=5),
             signed_on=ago(3))  # fmt: skip
    c = services.fulfil_commitment(staff, "form", c, on=ago(1), reason="已按期补齐法定代表人身份证明")
    assert c.status == CommitmentStatus.FULFILLED and c.decided_on == ago(1) and c.decided_by == staff
    assert c.outcome_record.kind.code == "commitment_fulfilled"
    assert c.outcome_record.department == c.signed_record.department
    assert kinds(org) == ["commitment_signed", "commitment_fulfilled"]


def test_break_writes_a_negative_record_that_counts(org, templates, personas):
    staff = personas["staff_jinshui"]
    c = sign(staff, org, templates["general"], signed_on=ago(30))
    c = services.break_commitment(staff, "form", c, on=ago(2), reason="年度报告中填报虚假财务数据")
    rec = c.outcome_record
    assert c.status == CommitmentStatus.BROKEN
    assert (
        rec.kind.code == "commitment_broken"
        and rec.kind.is_negative
        and rec.status == RecordStatus.EFFECTIVE.value
    )
    assert rec.dishonesty_class == "general" and rec.publicity_until is not None  # kind defaults (R2.8)
    assert "年度报告中填报虚假财务数据" in rec.summary
    assert AuditEvent.objects.filter(action="commitment.break", target_id=str(c.pk)).exists()


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"reason": " "}, "reason"),
        ({"on": dt.date.today() + dt.timedelta(days=1)}, "on"),
        ({"on": dt.date(2020, 1, 1)}, "on"),  # before signing
    ],
)
def test_bad_decisions_are_refused(org, templates, personas, kw, field):
    staff = personas["staff_jinshui"]
    c = sign(staff, org, templates["general"], signed_on=ago(10))
    args = {"on": ago(1), "reason": "违背承诺", **kw}
    with pytest.raises(FieldErrors) as exc:
        services.break_commitment(staff, "form", c, **args)
    assert field in exc.value.errors
    c.refresh_from_db()
    assert c.status == CommitmentStatus.IN_FORCE and kinds(org) == ["commitment_signed"]


@pytest.mark.parametrize(("first", "then"), [("break", "fulfil"), ("break", "break"), ("fulfil", "break")])
def test_actions_out_of_order_are_refused(org, templates, personas, first, then):
    staff = personas["staff_jinshui"]
    verbs = {"break": services.break_commitment, "fulfil": services.fulfil_commitment}
    c = sign(staff, org, templates["general"], signed_on=ago(10))
    verbs[first](staff, "form", c, on=ago(1), reason="第一次认定")
    before = kinds(org)
    with pytest.raises(FieldErrors, match="只有履行中的承诺"):
        verbs[then](staff, "form", c, on=ago(1), reason="第二次认定")
    assert kinds(org) == before


def test_withdraw_revokes_the_signed_record_and_unpublishes(org, templates, personas):
    staff = personas["staff_jinshui"]
    c = sign(staff, org, templates["general"])
    c = services.withdraw_commitment(staff, "form", c, reason="录入错误")
    c.signed_record.refresh_from_db()
    assert c.status == CommitmentStatus.WITHDRAWN and not c.published
    assert c.signed_record.status == RecordStatus.REVOKED.value
    assert list(services.published_commitments(org)) == []
    with pytest.raises(FieldErrors):
        services.fulfil_commitment(staff, "form", c, on=services.today(), reason="x")


def test_a_repair_commitment_cannot_be_withdrawn(org, templates, personas):
    c = sign(personas["staff_jinshui"], org, templates["repair"])
    with pytest.raises(FieldErrors, match="不能撤回"):
        services.withdraw_commitment(personas["staff_jinshui"], "form", c, reason="不想修复了")
    c.refresh_from_db()
    assert c.status == CommitmentStatus.IN_FORCE


def test_repair_commitment_prefers_repair_over_general(org, templates, personas):
    staff = personas["staff_jinshui"]
    assert services.repair_commitment_for(org, services.today()) is None
    general = sign(staff, org, templates["general"], signed_on=ago(20))
    assert services.repair_commitment_for(org, services.today()) == general
    repair = sign(staff, org, templates["repair"], signed_on=ago(10))
    assert services.repair_commitment_for(org, services.today()) == repair
    assert services.repair_commitment_for(org, ago(15)) == general  # signed on or before as_of
    services.break_commitment(staff, "form", repair, on=ago(1), reason="提供虚假修复材料")
    assert services.repair_commitment_for(org, services.today()) == general


def test_published_commitments_shows_broken_not_withdrawn(org, templates, personas):
    staff = personas["staff_jinshui"]
    kept = sign(staff, org, templates["general"], signed_on=ago(5))
    broken = services.break_commitment(staff, "form", sign(staff, org, templates["funds"], subject="养老项目",
                                                          signed_on=ago(4)), on=ago(1), reason="挪用资金")  # fmt: skip
    services.withdraw_commitment(
        staff, "form", sign(staff, org, templates["licence"], subject="变更"), reason="误录"
    )
    assert list(services.published_commitments(org)) == [broken, kept]
    assert services.profile_context(org)["org"] == org


def test_organization_account_signs_its_own(org, templates, org_self):
    c = services.sign_commitment(org_self, services.ORGANIZATION_CHANNEL, org, templates["general"],
                                 signed_by_name="王法人")  # fmt: skip
    assert c.channel == "organization" and c.entered_by_label == "org_self"
    assert c.signed_record.source_actor == "org_self"
    assert AuditEvent.objects.get(action="commitment.sign").channel == "form"


def test_unknown_channel_is_a_programming_error(org, templates, personas):
    with pytest.raises(ValueError):
        services.sign_commitment(
            personas["staff_jinshui"], "fax", org, templates["general"], signed_by_name="王"
        )


def test_a_broken_commitment_lowers_the_credit_score(org, templates, personas):
    staff = personas["staff_jinshui"]
    c = sign(staff, org, templates["general"], signed_on=ago(30))
    services.fulfil_commitment(staff, "form", c, on=ago(20), reason="年度履约")
    kept = CreditScore.objects.get(organization=org).score
    broken = sign(staff, org, templates["funds"], subject="社区养老服务项目", signed_on=ago(10))
    services.break_commitment(staff, "form", broken, on=ago(2), reason="挪用项目资金")
    assert CreditScore.objects.get(organization=org).score < kept
