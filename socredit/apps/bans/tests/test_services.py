"""The register's feeds and verbs: a revocation and a serious listing propose the bans their
responsible persons incur (idempotently, in the act's transaction), staff confirm, dismiss and lift,
bad input is refused field by field."""

from __future__ import annotations

import datetime as dt

import pytest

from socredit.apps.audit.models import AuditEvent
from socredit.apps.bans import services
from socredit.apps.bans.access import bans_in_force
from socredit.apps.bans.models import Ban
from socredit.apps.bans.tests.conftest import ago, ahead, ban_data, record
from socredit.apps.lists.models import ListProposal
from socredit.apps.lists.tests.conftest import confirm
from socredit.apps.registry.services import end_registration
from socredit.common.errors import FieldErrors
from socredit.core.bans import ban_until
from socredit.core.types import OrgType
from socredit.testing import factories

pytestmark = pytest.mark.django_db


def end(**over):
    return {"effective_on": ago(3).isoformat(), "reason": "违法情节严重，依法撤销登记。",
            "document_number": "金民撤〔2026〕2号", "document_date": ago(3).isoformat(), **over}  # fmt: skip


@pytest.fixture
def foundation(personas, civil_affairs):
    """A 金水区 foundation: 张理 is legal representative and chair, 李秘 secretary-general, 周理 a
    director, 孙前 a former secretary-general."""
    org = factories.organization("410105", OrgType.FOUNDATION, name="金水慈善基金会")
    chair, sg = factories.person("张理"), factories.person("李秘")
    factories.role(org, chair, "legal_rep")
    factories.role(org, chair, "chair")
    factories.role(org, sg, "secretary_general", dt.date(2022, 1, 1))
    factories.role(org, factories.person("周理"), "director")
    former = factories.role(org, factories.person("孙前"), "secretary_general", dt.date(2016, 1, 1))
    former.end_on = dt.date(2021, 12, 31)
    former.save()
    return org, chair, sg


def test_a_revocation_proposes_the_bans_of_the_responsible_persons_on_the_day(actor, foundation):
    org, chair, sg = foundation
    end_registration(
        actor=actor, channel="form", organization=org, act="revoke", data=end(), warnings_confirmed=True
    )
    bans = {(b.person.name, b.ground) for b in Ban.objects.filter(organization=org)}
    assert bans == {
        ("张理", "charity_head"), ("李秘", "charity_head"),  # 慈善法 第十六条: any revoked organization
        ("张理", "foundation_officer"), ("李秘", "foundation_officer"),  # 基金会管理条例 第二十三条
    }  # fmt: skip
    ban = Ban.objects.get(person=chair, ground="foundation_officer")
    assert (ban.state, ban.source, ban.start_on, ban.until) == (
        "proposed",
        "revocation",
        ago(3),
        ban_until(ago(3), 5),
    )
    assert (ban.document_number, ban.decided_on, ban.legal_basis) == (
        "金民撤〔2026〕2号",
        ago(3),
        "《基金会管理条例》第二十三条",
    )
    assert ban.authority_name == "郑州市民政局"  # the registering authority
    # proposed: nobody is barred until staff find it incurred
    assert bans_in_force([chair.id_number, sg.id_number], ago(0)) == {}
    services.confirm_ban(actor=actor, channel="form", ban=ban, reason="对违法行为负有个人责任")
    assert [v.legal_basis for v in bans_in_force([chair.id_number], ago(0))[chair.id_number]] == [
        "《基金会管理条例》第二十三条"
    ]
    assert AuditEvent.objects.filter(action="ban.propose").count() == 4
    assert AuditEvent.objects.filter(action="ban.confirm").count() == 1


def test_the_feed_is_idempotent(actor, foundation):
    org = foundation[0]
    end_registration(
        actor=actor, channel="form", organization=org, act="revoke", data=end(), warnings_confirmed=True
    )
    org.refresh_from_db()
    again = services.propose_for_revocation(org, "revoke", ago(3), "金民撤〔2026〕2号", ago(3), actor, "form")
    assert again == [] and Ban.objects.count() == 4


def test_a_deregistration_proposes_nothing_and_an_association_only_the_charity_ban(actor, foundation):
    end_registration(actor=actor, channel="form", organization=foundation[0], act="deregister",
                     data=end(reason="组织申请注销，清算完毕。"), warnings_confirmed=True)  # fmt: skip
    assert not Ban.objects.exists()
    association = factories.organization("410105")
    factories.role(association, factories.person("吴会长"), "legal_rep")
    end_registration(actor=actor, channel="form", organization=association, act="revoke", data=end(),
                     warnings_confirmed=True)  # fmt: skip
    assert list(Ban.objects.values_list("ground", flat=True)) == ["charity_head"]


def test_a_failed_revocation_leaves_no_proposal(actor, foundation):
    with pytest.raises(FieldErrors):
        end_registration(actor=actor, channel="form", organization=foundation[0], act="revoke",
                         data=end(document_number=""), warnings_confirmed=True)  # fmt: skip
    assert not Ban.objects.exists()


def serious_listing(actor, org):
    factories.record(org, "penalty_fine", amount="60000", occurred_on=ago(10))
    return confirm(actor, ListProposal.objects.get(organization=org, status="proposed"), ago(5))


def test_a_serious_listing_proposes_a_sector_ban_where_the_locality_provides_it(personas):
    factories.department("xz-mzj", "新郑市民政局", "410184")
    org = factories.organization("410184", registration_authority="新郑市民政局")
    rep = factories.person("郑法人")
    factories.role(org, rep, "legal_rep")
    decision = serious_listing(personas["staff_xinzheng"], org)
    [ban] = Ban.objects.filter(person=rep)
    assert (ban.ground, ban.kind, ban.state, ban.source) == (
        "serious_list_sector",
        "employment_ban",
        "proposed",
        "serious_listing",
    )
    assert (ban.document_number, ban.start_on, ban.until) == (
        decision.document_number,
        ago(5),
        ban_until(ago(5), 5),
    )
    assert ban.legal_basis.startswith("《新郑市民政局建立完善守信联合激励和失信联合惩戒制度")
    assert services.propose_for_serious_listing(decision, personas["staff_xinzheng"]) == []  # idempotent


def test_a_serious_listing_under_the_national_rules_bars_nobody(actor, civil_affairs):
    org = factories.organization("410105")
    factories.role(org, factories.person("钱法人"), "legal_rep")
    serious_listing(actor, org)
    assert not Ban.objects.exists()


def test_record_is_idempotent_by_authority_and_document(actor, banned):
    first, created = services.record_ban(actor=actor, channel="form", data=ban_data(banned))
    again, created_again = services.record_ban(actor=actor, channel="form", data=ban_data(banned))
    assert (created, created_again, first.pk) == (True, False, again.pk)
    event = AuditEvent.objects.get(action="ban.record")
    assert banned.id_number not in str(event.data) and banned.id_number not in event.summary


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"id_number": "410105198506010048"}, "id_number"),
        ({"ground": "whatever"}, "ground"),
        ({"ground_text": ""}, "ground_text"),
        ({"decided_on": ahead(3)}, "decided_on"),
        ({"until": ago(40)}, "until"),
        ({"until": "", "years": "two"}, "years"),
        ({"ground": "charity_penalty", "until": "", "years": 6}, "until"),
        ({"ground": "charity_penalty", "until": ""}, "years"),
        ({"ground": "charity_head", "until": ahead(5)}, "until"),
        ({"ground": "serious_list_sector"}, "ground"),
        ({"scope_region": "999999"}, "scope_region"),
        ({"organization": "51410105MJ0000000X"}, "organization"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(actor, banned, over, field):
    with pytest.raises(FieldErrors) as exc:
        services.record_ban(actor=actor, channel="form", data=ban_data(banned, **over))
    assert field in exc.value.errors, exc.value.errors
    assert not Ban.objects.exists()


def test_lift_needs_a_reason_and_a_day_within_the_ban(actor, banned):
    ban = record(actor, banned, start_on=ago(30), until=ahead(30))
    for lifted_on, reason, field in ((ago(31), "复议撤销", "lifted_on"), (ahead(31), "复议撤销", "lifted_on"),
                                     (ago(1), "", "reason")):  # fmt: skip
        with pytest.raises(FieldErrors) as exc:
            services.lift_ban(actor=actor, channel="form", ban=ban, lifted_on=lifted_on, reason=reason)
        assert field in exc.value.errors
    services.lift_ban(actor=actor, channel="form", ban=ban, lifted_on=ago(1), reason="复议撤销")
    ban.refresh_from_db()
    assert (ban.state, ban.lifted_on, ban.state_reason) == ("lifted", ago(1), "复议撤销")
    with pytest.raises(FieldErrors):
        services.lift_ban(actor=actor, channel="form", ban=ban, lifted_on=ago(0), reason="再次解除")
