"""Role × write-route matrix: every route whose view takes POST, posted by every persona, with a body the
owner of the object would succeed with.

The write routes are found from the URL resolver (the methods a view's ``require_POST`` /
``require_http_methods`` allows, or a class-based view's handlers), so a new write route without a row
fails `test_every_write_route_is_in_the_matrix`. For each route the personas who may not write post
first — anonymous (302 to the sign-in page), the read-only viewer (403), the officer of another region
(404, the same as a missing object) and the organization account on staff pages (403) — and after
each refusal every table of the product is compared with a snapshot taken before: nothing written,
not even an audit event. Then the owner (the 金水区 officer, the city administrator for
administrators' routes, the organization's own account on /my/ pages) posts the very same body and
must succeed and write: so a refusal cannot come from a body that would have been refused anyway.

The API's write operations are swept the same way from the OpenAPI schema
(`test_every_api_write_is_in_the_matrix`) with a department token of 新郑市: 404 for 金水区 objects,
nothing written; then the 郑州市 department's token succeeds with the same body.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from socredit.apps.cases.models import Verification
from socredit.apps.cases.services import complaints, objections, repairs
from socredit.apps.lists import services as lists
from socredit.apps.lists.models import ListProposal
from socredit.common.clock import today
from socredit.core.codes import make_id_number, make_social_org_code
from socredit.core.types import DepartmentKind, OrgType
from socredit.testing import factories
from socredit.testing.fixtures import fresh, rolled_back_module_data
from tests.system.matrix_world import build_world
from tests.system.test_access_matrix import NAMESPACES

pytestmark = pytest.mark.django_db

W = dict[str, Any]
REFUSED_STAFF = {"anonymous": 302, "viewer_jinshui": 403, "staff_xinzheng": 404, "org_jinshui": 403}
# Administrators' runs: officers of any region are refused before any object is looked at.
REFUSED_ADMIN = {"anonymous": 302, "viewer_jinshui": 403, "staff_jinshui": 403, "staff_xinzheng": 403,
                 "org_jinshui": 403}  # fmt: skip
# /my/ pages: staff have no organization (403); another organization's account finds nothing (404).
REFUSED_ORG = {"anonymous": 302, "viewer_jinshui": 403, "staff_jinshui": 403, "staff_xinzheng": 403,
               "city_admin": 403, "other_org": 404}  # fmt: skip
# Routes whose object is named in the body, not the path: another region's officer gets the form back
# with the field's error (400), nothing written.
REFUSED_BODY = {**REFUSED_STAFF, "staff_xinzheng": 400}


def day(days_ago: int = 0) -> str:
    return (today() - dt.timedelta(days=days_ago)).isoformat()


def pdf(name: str = "材料.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 matrix", content_type="application/pdf")


def _aggregated(w: W) -> W:
    """The day's figures, which an assessment report is built from."""
    from socredit.apps.statistics.aggregate import aggregate_day
    from socredit.common.access import SystemPrincipal

    aggregate_day(SystemPrincipal())
    return {}


@dataclass(frozen=True)
class Row:
    """url: the route's kwargs; data: the POST body (built per request: files are read once);
    prepare: brings a fresh object into the state the route acts on, returning names added to the world;
    owner: who succeeds; writes: whether the owner's success writes (False: a simulation)."""

    url: Callable[[W], dict[str, Any]]
    data: Callable[[W], dict[str, Any]]
    refused: dict[str, int] = field(default_factory=lambda: REFUSED_STAFF)
    prepare: Callable[[W], W] | None = None
    owner: str = "staff_jinshui"
    writes: bool = True
    trace: frozenset[str] = frozenset()  # what a refused post may write: its own trace, never the object


def _subscription(w: W) -> W:
    """The 郑州市 department's subscription to 金水区's list entries, with a webhook, and the delivery
    of the world's list entry (made by replaying from that event)."""
    from socredit.apps.records.models import ChangeEvent
    from socredit.apps.subscriptions import services as subscriptions

    subscription, _ = subscriptions.create_subscription(
        actor=None, channel="system", department=factories.department(),
        data={"name": "矩阵订阅", "regions": ["410105"], "kinds": ["list.entered"], "webhook_url": "https://10.0.0.1/hook"},
    )  # fmt: skip
    event = ChangeEvent.objects.filter(kind="list.entered").order_by("id").first()
    subscriptions.replay_from(actor=None, channel="system", subscription=subscription, event_id=event.pk)
    subscriptions.fan_out()
    return {"subscription": subscription, "delivery": subscription.deliveries.get(event=event)}


# --- objects in the state a route acts on (built with the services, as users would) -------------------


def _staff(w: W) -> Any:
    return w["personas"]["staff_jinshui"]


def _new_proposal(w: W, *, notice_days_ago: int | None) -> W:
    """An organization of 金水区 with a missed annual report: an open 活动异常 proposal, with a prior
    notice served ``notice_days_ago`` (its 陈述申辩 period run out) or none."""
    org = factories.organization(region_code="410105", name="郑州市金水区矩阵写入协会")
    factories.record(org, "annual_report_missing", occurred_on=today() - dt.timedelta(days=100))
    proposal = ListProposal.objects.get(organization=org, status="proposed")
    if notice_days_ago is not None:
        lists.serve_notice(_staff(w), proposal, "written", today() - dt.timedelta(days=notice_days_ago),
                           f"矩阵写告〔2026〕{proposal.pk}号")  # fmt: skip
    return {"new_org": org, "new_proposal": proposal}


def _new_entry(w: W) -> W:
    """A fresh 活动异常 listing of a 金水区 organization (no removal applied for), and its account."""
    made = _new_proposal(w, notice_days_ago=95)
    decision = lists.confirm_proposal(_staff(w), made["new_proposal"], document_number="矩阵写名〔2026〕1号",
                                      decided_on=today() - dt.timedelta(days=75))  # fmt: skip
    return {**made, "new_entry": decision.entry, "new_account": factories.org_account(made["new_org"])}


def _risk_warning(w: W) -> W:
    """A new 金水区 organization with an open risk warning raised on a street visit (风险预警)."""
    from socredit.apps.riskwarnings import services as warnings

    org = factories.organization(region_code="410105", name="郑州市金水区矩阵预警协会")
    warning = warnings.self_report(actor=_staff(w), channel="form", code=org.code, rule_code="street-visit",
                                   reason="矩阵：走访发现住所空置。")  # fmt: skip
    return {"risk_warning": warning}


def _warning_rule(w: W) -> W:
    from socredit.apps.riskwarnings.models import WarningRule

    return {"warning_rule": WarningRule.objects.get(code="complaint-burst")}


def _fresh_org(w: W) -> W:
    """A 金水区 organization with nothing open: it can be deregistered or revoked."""
    return {"fresh_org": factories.organization(region_code="410105", name="郑州市金水区矩阵注销协会")}


def _ending() -> dict[str, Any]:
    return {"effective_on": day(), "reason": "矩阵：申请注销，清算完毕。", "document_number": "矩阵注〔2026〕1号",
            "document_date": day()}  # fmt: skip


def _proposed_ban(w: W) -> W:
    """A 金水区 foundation revoked: its chair's bans are proposed (慈善法 第十六条, 基金会管理条例 第二十三条)."""
    from socredit.apps.bans.models import Ban
    from socredit.apps.registry.services import end_registration

    org = factories.organization(
        region_code="410105", org_type=OrgType.FOUNDATION, name="金水区矩阵撤销基金会"
    )
    chair = factories.person("矩阵理事长")
    factories.role(org, chair, "chair")
    end_registration(actor=_staff(w), channel="form", organization=org, act="revoke", data=_ending(),
                     warnings_confirmed=True)  # fmt: skip
    return {"proposed_ban": Ban.objects.get(person=chair, ground="foundation_officer")}


def _listed_check(w: W) -> W:
    """A spot-check check by the 金水区 officer of the organization on the abnormal list (one measure)."""
    from socredit.apps.measures.services import run_check

    check, _ = run_check(_staff(w), scenario="spot_check", codes=[w["entry"].organization.code], id_numbers=[],
                         channel="form")  # fmt: skip
    return {"listed_check": check}


def _spot_plan(w: W, stage: str = "draft", result: str = "", inspectors: int = 0) -> W:
    """A 金水区 ad hoc spot-check plan (every organization of 金水区 drawn) brought to ``stage``."""
    from socredit.apps.spotchecks import services as spot
    from socredit.apps.spotchecks.models import Inspector

    for i in range(inspectors):
        Inspector.objects.get_or_create(badge_number=f"矩阵执{i}", defaults={"name": f"矩阵检查员{i}",
                                        "region": factories.region("410105")})  # fmt: skip
    plan = spot.create_plan(actor=_staff(w), channel="form", data={
        "title": f"矩阵抽查{stage}{result}", "year": today().year, "kind": "special", "authority": "410105",
        "base_rate": 1.0, "inspectors_written": 1})  # fmt: skip
    if stage != "draft":
        spot.announce_plan(actor=_staff(w), channel="form", plan=plan, seed="matrix")
    if stage in ("drawn", "assigned", "complete"):
        spot.draw_plan(actor=_staff(w), channel="form", plan=plan)
    if stage == "assigned":
        spot.assign_plan(actor=_staff(w), channel="form", plan=plan)
    check = plan.checks.filter(organization=w["org"]).first()  # none before the draw
    if result:
        data = {"result": result, "checked_on": today(), "findings": "矩阵：发现问题。",
                "rectify_by": today() + dt.timedelta(days=30)}  # fmt: skip
        spot.record_result(actor=_staff(w), channel="form", plan=plan, organization=w["org"], data=data)
    if stage == "complete":
        for other in plan.checks.filter(result="").select_related("organization"):
            spot.record_result(actor=_staff(w), channel="form", plan=plan, organization=other.organization,
                               data={"result": "no_problem", "checked_on": today()})  # fmt: skip
    return {"spot_plan": plan, "spot_check": check}


def _dormancy_case(w: W) -> W:
    """A fresh open clean-up case of the world's 金水区 organization."""
    from socredit.apps.dormancy.models import DormancyCase

    DormancyCase.objects.filter(organization=w["org"]).exclude(state="closed").update(state="closed")
    case = DormancyCase.objects.create(
        organization=w["org"], identified_on=today(), state_since=today(), missing_years=[2024, 2025],
        policy_version="national-2026.1",
    )  # fmt: skip
    return {"dormancy_case": case}


def _spot_form(w: W) -> dict[str, Any]:
    return {"title": "矩阵抽查计划", "year": str(today().year), "kind": "special", "authority": "410105",
            "base_rate": "100", "onsite_ratio": "0", "inspectors_onsite": "2", "inspectors_written": "1"}  # fmt: skip


def _catalogue_text() -> str:
    from socredit.apps.measures import catalogues

    text = catalogues.library().document("measures-2019.1").text
    return text.replace('version = "measures-2019.1"', 'version = "measures-matrix.1"')


def _verified_removal(w: W) -> W:
    lists.verify_removal(_staff(w), w["application"], verified_on=today())
    return {}


def _statement_notice(w: W) -> W:
    """A proposal with a notice served today: its statement period is open."""
    return _new_proposal(w, notice_days_ago=0)


def _tax_objection(w: W) -> W:
    """An objection to a record the tax department supplied: forwarded to it for verification."""
    tax = factories.department("zz-sw", "郑州市税务局", kind=DepartmentKind.TAX)
    record = factories.record(w["org"], "tax_arrears", department=tax.code)
    case = objections.file_objection(_staff(w), channel="paper", organization=w["org"], records=[record],
                                     reasons="矩阵测试：欠税已经缴清，请核实。", received_on=today())  # fmt: skip
    return {"tax_objection": case, "tax": tax}


def _forwarded(w: W) -> W:
    made = _tax_objection(w)
    objections.forward(_staff(w), made["tax_objection"], on=today())
    return {**made, "verification": Verification.objects.get(case=made["tax_objection"])}


def _decided(w: W) -> W:
    objections.decide(_staff(w), w["objection"], reason="矩阵：维持。", on=today(),
                      actions={w["record"].pk: {"action": "upheld", "data": {}}})  # fmt: skip
    return {}


def _accepted_repair(w: W) -> W:
    repairs.accept_repair(_staff(w), w["repair"], on=today(), obligations_confirmed=True)
    return {}


def _accepted_complaint(w: W) -> W:
    complaints.triage(_staff(w), w["complaint"], accept=True, reason="矩阵：受理。", handler=_staff(w))
    return {}


def _concluded_complaint(w: W) -> W:
    _accepted_complaint(w)
    complaints.conclude(_staff(w), w["complaint"], founded=False, reason="矩阵：经查不属实。")
    return {}


def _fresh_record(w: W) -> W:
    return {
        "new_record": factories.record(
            w["org"], "penalty_warning", occurred_on=today() - dt.timedelta(days=30)
        )
    }


def _fresh_fine(w: W) -> W:
    fine = factories.record(
        w["org"], "penalty_fine", occurred_on=today() - dt.timedelta(days=200), amount="500"
    )
    return {"new_record": fine}


def _exemplary() -> Any:
    """A 金水区 organization meeting every red-list criterion."""
    org = factories.organization(region_code="410105", name="郑州市金水区矩阵示范协会")
    factories.record(org, "grade_5a", occurred_on=today() - dt.timedelta(days=400))
    factories.record(org, "commitment_signed", occurred_on=today() - dt.timedelta(days=300))
    return org


def _disabled_account(w: W) -> W:
    """An officer's account of 金水区, disabled (as an administrator would have)."""
    officer = factories.staff("matrix_disabled", "410105")
    type(officer).objects.filter(pk=officer.pk).update(is_active=False)
    return {"disabled": officer}


def _red_candidate(w: W) -> W:
    _exemplary()
    [made] = lists.red_list_publication(w["personas"]["city_admin"], today().year)
    return {"red": made}


def _records_csv(w: W) -> SimpleUploadedFile:
    csv = ("organization,kind,occurred_on,department,document_number\n"
           f"{w['org'].code},penalty_warning,2024-03-04,zz-mzj,矩阵导〔2024〕1号\n")  # fmt: skip
    return SimpleUploadedFile("矩阵.csv", csv.encode())


CONTENT = "矩阵测试：该协会以评比表彰名义向会员收取费用，有收据为证。"
HOLIDAYS = "2027-01-01 元旦\n2027-02-06~2027-02-12 春节\n2027-10-01~2027-10-07 国庆节"

# --- annual work reports ----------------------------------------------------------------------------


def _ar_facts() -> dict[str, str]:
    from socredit.apps.annualreports.tests.conftest import facts, figures

    return {**{k: str(v) for k, v in facts().items()}, **figures()}


def _ar_report(w: W, *, submit: bool, attach: bool = False) -> W:
    """The world organization's report on last year: a draft (with an attachment) or submitted."""
    from socredit.apps.annualreports import services as ar
    from socredit.apps.annualreports.tests.conftest import facts, figures

    account = w["org_account"]
    report = ar.save_draft(account, "form", w["org"], today().year - 1, content=facts(), figures=figures())
    out: W = {"ar_report": report}
    if attach:
        out["ar_attachment"] = ar.add_attachments(account, "form", report, "other", [pdf()])[0]
    if submit:
        out["ar_report"] = ar.submit_report(account, "form", report, declared_by_name="李娜")
    return out


def _ar_paper_draft(w: W) -> W:
    """A paper report of the world organization on last year, entered by the 金水区 officer as a draft."""
    from socredit.apps.annualreports import services as ar
    from socredit.apps.annualreports.tests.conftest import facts, figures

    report = ar.enter_paper_report(
        _staff(w), "form", w["org"], today().year - 1, content=facts(), figures=figures()
    )
    return {"ar_report": report}


# route name → its row. Pairs of a date field and "today" are valid for the owner; reasons are filled.
WRITES: dict[str, Row] = {
    "records:record_create": Row(
        lambda w: {"code": w["org"].code},
        lambda w: {
            "kind": "penalty_warning",
            "occurred_on": "2024-06-01",
            "department": "zz-mzj",
            "document_number": "矩阵罚〔2024〕9号",
        },
    ),
    "records:record_correct": Row(
        lambda w: {"pk": w["record"].pk},
        lambda w: {
            "kind": "penalty_warning",
            "occurred_on": w["record"].occurred_on.isoformat(),
            "department": "zz-mzj",
            "document_number": w["record"].document_number,
            "summary": "矩阵：更正后的摘要。",
            "reason": "矩阵：摘要有误。",
        },
    ),
    "records:record_revoke": Row(lambda w: {"pk": w["record"].pk}, lambda w: {"reason": "矩阵：重复录入。"}),
    # the body names the organization: another region's run writes its own failed run, no record
    "imports:importrun_list": Row(
        lambda w: {},
        lambda w: {"kind": "records", "file": _records_csv(w)},
        refused={**REFUSED_STAFF, "staff_xinzheng": 302},
        trace=frozenset({"imports.importrun", "audit.auditevent"}),
    ),
    # a simulation, read by whoever may read the organization's credit
    "evaluation:what_if": Row(
        lambda w: {"code": w["org"].code},
        lambda w: {"exclude": [w["record"].pk]},
        refused={**REFUSED_STAFF, "viewer_jinshui": 200},
        writes=False,
    ),
    "evaluation:run_start": Row(
        lambda w: {},
        lambda w: {"as_of": "", "model": "reference-2026.1", "region": factories.region("410105").pk},
        refused=REFUSED_ADMIN,
        owner="city_admin",
    ),
    "lists:proposal_bulk": Row(
        lambda w: {},
        lambda w: {
            "action": "confirm",
            "ids": [w["new_proposal"].pk],
            "day": day(),
            "number_pattern": "矩阵批〔2026〕{seq}号",
            "start": "1",
        },
        prepare=lambda w: _new_proposal(w, notice_days_ago=95),
        refused=REFUSED_BODY,
        trace=frozenset({"audit.auditevent"}),
    ),  # the bulk action's audit event: "0 done, 1 not done"
    "lists:proposal_confirm": Row(
        lambda w: {"pk": w["new_proposal"].pk},
        lambda w: {"document_number": "矩阵名〔2026〕9号", "decided_on": day(), "authority": ""},
        prepare=lambda w: _new_proposal(w, notice_days_ago=95),
    ),
    "lists:proposal_dismiss": Row(
        lambda w: {"pk": w["proposal"].pk}, lambda w: {"reason": "矩阵：不予列入。"}
    ),
    "lists:proposal_exempt": Row(
        lambda w: {"pk": w["new_proposal"].pk},
        lambda w: {
            "document_number": "矩阵免〔2026〕1号",
            "decided_on": day(),
            "certificate": "矩阵：已主动纠正，免于列入。",
        },
        prepare=lambda w: _new_proposal(w, notice_days_ago=95),
    ),
    "lists:proposal_notice": Row(
        lambda w: {"pk": w["new_proposal"].pk},
        lambda w: {"method": "written", "served_on": day(), "document_number": "矩阵告〔2026〕9号"},
        prepare=lambda w: _new_proposal(w, notice_days_ago=None),
    ),
    "lists:removal_verify": Row(
        lambda w: {"pk": w["application"].pk}, lambda w: {"verified_on": day(), "fulfilment_confirmed": "on"}
    ),
    "lists:removal_decide": Row(
        lambda w: {"pk": w["application"].pk},
        lambda w: {"decided_on": day(), "document_number": "矩阵移〔2026〕1号", "approve": "1"},
        prepare=_verified_removal,
    ),
    "lists:removal_apply": Row(
        lambda w: {"pk": w["new_entry"].pk},
        lambda w: {"applied_on": day(), "evidence": "矩阵：已补报年度报告。"},
        prepare=_new_entry,
    ),
    "lists:run_start": Row(lambda w: {}, lambda w: {}, refused=REFUSED_ADMIN, owner="city_admin"),
    "statistics:target_edit": Row(
        lambda w: {},
        lambda w: {"party_charter": "100", "clean": "95", "evaluated": "90", "spotcheck": "100"},
        refused=REFUSED_ADMIN,
        owner="city_admin",
    ),
    # 考核报告: the region is named in the body; another region's officer gets the dashboard's 404
    "statistics:assessment_list": Row(
        lambda w: {},
        lambda w: {"region": "410105", "start": day(), "end": day(), "language": "zh-hans"},
        prepare=_aggregated,
    ),
    "statistics:publication_edit": Row(
        lambda w: {},
        lambda w: {"panels": ["org_type", "credit_level"]},
        refused=REFUSED_ADMIN,
        owner="city_admin",
    ),
    "lists:proposal_raise": Row(
        lambda w: {},
        lambda w: {
            "code": w["org"].code,
            "ground": "R1.6(2)",
            "arose_on": day(),
            "reason": "矩阵：未按规定办理变更登记。",
        },
        refused=REFUSED_BODY,
    ),
    "lists:red_publication": Row(
        lambda w: {},
        lambda w: {"year": today().year},
        prepare=lambda w: {"exemplary": _exemplary()},
        refused=REFUSED_ADMIN,
        owner="city_admin",
    ),
    "lists:red_confirm": Row(
        lambda w: {"pk": w["red"].pk},
        lambda w: {"document_number": "矩阵红〔2026〕1号", "decided_on": day()},
        prepare=_red_candidate,
    ),
    "lists:statement_record": Row(
        lambda w: {"pk": w["new_proposal"].pk},
        lambda w: {"received_on": day(), "text": "矩阵：书面陈述，已纠正。"},
        prepare=_statement_notice,
    ),
    "lists:statement_waive": Row(
        lambda w: {"pk": w["new_proposal"].pk}, lambda w: {"received_on": day()}, prepare=_statement_notice
    ),
    "lists:statement_answer": Row(
        lambda w: {"pk": w["statement"].pk},
        lambda w: {"outcome": "rejected", "answer": "矩阵：陈述理由不成立。", "answered_on": day()},
    ),
    "workdays:year_enter": Row(
        lambda w: {"year": 2027},
        lambda w: {"notice": "国办发明电〔2026〕9号", "holidays": HOLIDAYS, "working_days": ""},
        refused=REFUSED_ADMIN,
        owner="city_admin",
    ),
    "commitments:commitment_fulfil": Row(
        lambda w: {"pk": w["commitment"].pk}, lambda w: {"on": day(), "reason": "矩阵：已履行。"}
    ),
    "commitments:commitment_break": Row(
        lambda w: {"pk": w["commitment"].pk}, lambda w: {"on": day(), "reason": "矩阵：未按承诺履行。"}
    ),
    # (the world's organization has signed the general commitment: signing it again changes nothing)
    "commitments:commitment_sign": Row(
        lambda w: {"code": w["org"].code},
        lambda w: {
            "template": "tolerance",
            "subject": "变更登记",
            "signed_by_name": "李娜",
            "signed_on": day(),
            "due_on": day(-15),
        },
    ),
    # 从业禁止、任职限制: the organization concerned is named in the body (another region's: 400 on the field)
    "bans:ban_create": Row(
        lambda w: {},
        lambda w: {
            "name": "矩阵禁入人",
            "id_number": make_id_number("410105", dt.date(1991, 7, 17), 321),
            "ground": "charity_penalty",
            "years": "2",
            "authority": "郑州市金水区民政局",
            "document_number": "矩阵禁〔2026〕9号",
            "decided_on": day(3),
            "organization": w["org"].code,
        },
        refused=REFUSED_BODY,
    ),  # fmt: skip
    "bans:ban_confirm": Row(
        lambda w: {"pk": w["proposed_ban"].pk},
        lambda w: {"reason": "矩阵：负有个人责任。"},
        prepare=_proposed_ban,
    ),  # fmt: skip
    "bans:ban_dismiss": Row(
        lambda w: {"pk": w["proposed_ban"].pk},
        lambda w: {"reason": "矩阵：无个人责任。"},
        prepare=_proposed_ban,
    ),  # fmt: skip
    "bans:ban_lift": Row(
        lambda w: {"pk": w["ban"].pk}, lambda w: {"lifted_on": day(), "reason": "矩阵：复议撤销。"}
    ),
    # 风险预警: a street visit reported (the organization named in the body), a fresh open warning for
    # each step, and a rule's thresholds (administrators)
    "riskwarnings:warning_create": Row(
        lambda w: {},
        lambda w: {"organization": w["org"].code, "rule": "street-visit", "reason": "矩阵：走访发现。"},
        refused=REFUSED_BODY,
    ),
    **{
        f"riskwarnings:warning_{step}": Row(
            lambda w: {"pk": w["risk_warning"].pk},
            lambda w: {"note": "矩阵：已核实。"},
            prepare=_risk_warning,
        )
        for step in ("acknowledge", "handle", "close")
    },
    "riskwarnings:rule_edit": Row(
        lambda w: {"pk": w["warning_rule"].pk},
        lambda w: {
            "enabled": "on",
            "level": "red",
            "handling_days": "10",
            "effective_from": "2024-01-01",
            "threshold_count": "3",
            "threshold_days": "90",
        },
        refused=REFUSED_ADMIN,
        owner="city_admin",
        prepare=_warning_rule,
    ),  # fmt: skip
    # 双随机抽查: a plan in each state its button acts on; the plan's authority is named in the form's body
    "spotchecks:plan_create": Row(lambda w: {}, _spot_form, refused=REFUSED_BODY),
    "spotchecks:plan_edit": Row(lambda w: {"pk": w["spot_plan"].pk}, _spot_form, prepare=_spot_plan),
    "spotchecks:plan_announce": Row(
        lambda w: {"pk": w["spot_plan"].pk}, lambda w: {"seed": "矩阵"}, prepare=_spot_plan
    ),
    "spotchecks:plan_draw": Row(
        lambda w: {"pk": w["spot_plan"].pk}, lambda w: {}, prepare=lambda w: _spot_plan(w, "announced")
    ),
    "spotchecks:plan_assign": Row(
        lambda w: {"pk": w["spot_plan"].pk},
        lambda w: {},
        prepare=lambda w: _spot_plan(w, "drawn", inspectors=3),
    ),
    "spotchecks:plan_publish": Row(
        lambda w: {"pk": w["spot_plan"].pk}, lambda w: {}, prepare=lambda w: _spot_plan(w, "complete")
    ),
    "spotchecks:check_result": Row(
        lambda w: {"pk": w["spot_check"].pk},
        lambda w: {"result": "no_problem", "checked_on": day()},
        prepare=lambda w: _spot_plan(w, "drawn"),
    ),  # fmt: skip
    "spotchecks:check_letter": Row(
        lambda w: {"pk": w["spot_check"].pk},
        lambda w: {"mailed_on": day(), "unsigned": "on"},
        prepare=lambda w: _spot_plan(w, "drawn", "unreachable"),
    ),  # fmt: skip
    "spotchecks:check_rectified": Row(
        lambda w: {"pk": w["spot_check"].pk},
        lambda w: {"rectified_on": day()},
        prepare=lambda w: _spot_plan(w, "drawn", "problems"),
    ),  # fmt: skip
    "spotchecks:check_redraw": Row(
        lambda w: {"pk": w["spot_check"].pk},
        lambda w: {
            "inspector": w["spot_check"].assignments.filter(active=True).first().inspector_id,
            "reason": "矩阵：病假。",
        },
        prepare=lambda w: _spot_plan(w, "assigned", inspectors=4),
    ),  # fmt: skip
    # 乡镇、街道: an administrator adds one under a county of their region
    "registry:street_list": Row(
        lambda w: {},
        lambda w: {"county": "410105", "code": "410105950", "name": "矩阵街道"},
        refused=REFUSED_ADMIN,
        owner="city_admin",
    ),
    # 僵尸型社会组织清理: an open case of the 金水区 organization closed as resumed
    "dormancy:case_step": Row(
        lambda w: {"pk": w["dormancy_case"].pk, "step": "resume_activities"},
        lambda w: {"on": day(), "note": "矩阵：已补报年度工作报告。"},
        prepare=lambda w: _dormancy_case(w),
    ),
    "spotchecks:inspector_list": Row(
        lambda w: {},
        lambda w: {"add-name": "矩阵新检查员", "add-badge_number": "矩阵新执1", "add-region": "410105"},
        refused=REFUSED_BODY,
    ),  # fmt: skip
    "my_commitments:commitment_sign": Row(
        lambda w: {},
        lambda w: {
            "template": "tolerance",
            "subject": "变更登记",
            "signed_by_name": "李娜",
            "due_on": day(-15),
            "confirm": "on",
        },
        refused={k: v for k, v in REFUSED_ORG.items() if k != "other_org"},
        owner="org_jinshui",
    ),
    "annualreports:report_return": Row(
        lambda w: {"pk": w["ar_report"].pk},
        lambda w: {"reasons": "矩阵：请补充附注。"},
        prepare=lambda w: _ar_report(w, submit=True),
    ),  # fmt: skip
    "annualreports:report_conclude": Row(
        lambda w: {"pk": w["ar_report"].pk},
        lambda w: {"result": "pass", "note": ""},
        prepare=lambda w: _ar_report(w, submit=True),
    ),  # fmt: skip
    "annualreports:attachment_add": Row(
        lambda w: {"pk": w["ar_report"].pk},
        lambda w: {"kind": "audit_report", "files": pdf("审计报告.pdf")},
        prepare=lambda w: _ar_paper_draft(w),
    ),  # fmt: skip
    "annualreports:paper_new": Row(
        lambda w: {"code": w["org"].code},
        lambda w: {
            **_ar_facts(),
            "year": today().year - 1,
            "received_on": day(),
            "declared_by_name": "李娜",
            "submit": "0",
        },
    ),  # fmt: skip
    # the year is in the path, the organization is always the account's own: another organization's
    # account files its own report (so it is not a refusal)
    "my_annualreports:report_edit": Row(
        lambda w: {"year": today().year - 1},
        lambda w: _ar_facts(),
        refused={k: v for k, v in REFUSED_ORG.items() if k != "other_org"},
        owner="org_jinshui",
    ),  # fmt: skip
    "my_annualreports:report_submit": Row(
        lambda w: {"year": today().year - 1},
        lambda w: {"declared_by_name": "李娜", "confirm": "on"},
        prepare=lambda w: _ar_report(w, submit=False),
        refused=REFUSED_ORG,
        owner="org_jinshui",
    ),  # fmt: skip
    "my_annualreports:attachment_add": Row(
        lambda w: {"year": today().year - 1},
        lambda w: {"kind": "audit_report", "files": pdf("审计报告.pdf")},
        prepare=lambda w: _ar_report(w, submit=False),
        refused=REFUSED_ORG,
        owner="org_jinshui",
    ),  # fmt: skip
    "my_annualreports:attachment_remove": Row(
        lambda w: {"year": today().year - 1, "pk": w["ar_attachment"].pk},
        lambda w: {},
        prepare=lambda w: _ar_report(w, submit=False, attach=True),
        refused=REFUSED_ORG,
        owner="org_jinshui",
    ),  # fmt: skip
    "my_lists:notice_detail": Row(
        lambda w: {"pk": w["new_notice"].pk},
        lambda w: {"text": "矩阵：本会已按期纠正。"},
        prepare=lambda w: _own_notice(w),
        refused=REFUSED_ORG,
        owner="org_jinshui",
    ),
    "cases:objection_new": Row(
        lambda w: {"code": w["org"].code},
        lambda w: {
            "records": [w["new_record"].pk],
            "reasons": "矩阵测试：该记录所载事实有误。",
            "received_on": day(),
            "applicant_name": "李娜",
            "applicant_contact": "0371-60000000",
        },
        prepare=_fresh_record,
    ),
    "cases:objection_forward": Row(
        lambda w: {"pk": w["tax_objection"].pk}, lambda w: {"on": day(), "note": ""}, prepare=_tax_objection
    ),
    "cases:objection_verification": Row(
        lambda w: {"pk": w["tax_objection"].pk},
        lambda w: {
            "verification": w["verification"].pk,
            "result": "no_error",
            "note": "矩阵：信息无误。",
            "on": day(),
        },
        prepare=_forwarded,
    ),
    "cases:objection_decide": Row(
        lambda w: {"pk": w["objection"].pk},
        lambda w: {f"action_{w['record'].pk}": "upheld", "reason": "矩阵：核查无误，维持。", "on": day()},
    ),
    "cases:objection_notify": Row(
        lambda w: {"pk": w["objection"].pk}, lambda w: {"on": day()}, prepare=_decided
    ),
    "cases:repair_accept": Row(lambda w: {"pk": w["repair"].pk}, lambda w: {"obligations_confirmed": "on"}),
    "cases:repair_refuse": Row(lambda w: {"pk": w["repair"].pk}, lambda w: {"reason": "矩阵：材料不全。"}),
    "cases:repair_decide": Row(
        lambda w: {"pk": w["repair"].pk},
        lambda w: {"approve": "1", "reason": "矩阵：符合条件。", "min_period_confirmed": "on"},
        prepare=_accepted_repair,
    ),
    # the body names the organization; another region's officer registers nothing of 金水区
    "cases:complaint_new": Row(
        lambda w: {},
        lambda w: {
            "organization_code": w["org"].code,
            "content": CONTENT,
            "received_on": day(),
            "reporter_name": "电话举报人",
            "reporter_phone": "0371-12345678",
        },
        refused=REFUSED_BODY,
    ),
    "cases:complaint_triage": Row(
        lambda w: {"pk": w["complaint"].pk},
        lambda w: {
            "triage-decision": "accept",
            "triage-handler": str(_staff(w).pk),
            "triage-reason": "矩阵：本人承办。",
        },
    ),
    "cases:complaint_note": Row(
        lambda w: {"pk": w["complaint"].pk},
        lambda w: {"note-text": "矩阵：已调取凭证。"},
        prepare=_accepted_complaint,
    ),
    "cases:complaint_link": Row(
        lambda w: {"pk": w["complaint"].pk}, lambda w: {"link-organization_code": w["org"].code}
    ),
    "cases:complaint_conclude": Row(
        lambda w: {"pk": w["complaint"].pk},
        lambda w: {"conclude-founded": "unfounded", "conclude-reason": "矩阵：经查不属实。"},
        prepare=_accepted_complaint,
    ),
    "cases:complaint_reply": Row(
        lambda w: {"pk": w["complaint"].pk},
        lambda w: {"reply-text": "矩阵：经调查，您反映的问题不属实。"},
        prepare=_concluded_complaint,
    ),
    "cases:case_assign": Row(
        lambda w: {"number": w["objection"].number},
        lambda w: {"handler": str(_staff(w).pk), "reason": "矩阵：改由本人承办。"},
    ),
    "my:objection_new": Row(
        lambda w: {},
        lambda w: {"records": [w["new_record"].pk], "reasons": "矩阵测试：该记录所载事实有误。"},
        prepare=_fresh_record,
        refused={**REFUSED_ORG, "other_org": 400},
        owner="org_jinshui",
    ),
    "my:case_withdraw": Row(
        lambda w: {"number": w["objection"].number},
        lambda w: {"reason": "矩阵：撤回。"},
        refused=REFUSED_ORG,
        owner="org_jinshui",
    ),
    "my:repair_apply": Row(
        lambda w: {"record_id": w["new_record"].pk},
        lambda w: {
            "reasons": "矩阵：已整改。",
            "obligations_statement": "矩阵：已缴纳罚款。",
            "applicant_name": "李娜",
            "applicant_contact": "0371-60000000",
            "evidence": [pdf()],
        },
        prepare=_fresh_fine,
        refused=REFUSED_ORG,
        owner="org_jinshui",
    ),
    "my:repair_list_removal": Row(
        lambda w: {"entry_id": w["new_entry"].pk},
        lambda w: {"evidence": "矩阵：已完成整改。"},
        prepare=_new_entry,
        refused=REFUSED_ORG,
        owner="new_account",
    ),
    # 身份核实 of a post held for an identity check: staff who see the person and the post's organization
    "registry:held_role_confirm": Row(
        lambda w: {"pk": w["person"].pk, "role_pk": w["held_role"].pk}, lambda w: {}
    ),
    "registry:held_role_withdraw": Row(
        lambda w: {"pk": w["person"].pk, "role_pk": w["held_role"].pk},
        lambda w: {"reason": "矩阵：不是同一人。"},
    ),
    # 显示完整号码: only accounts that may see whole ID numbers (administrators); the read is audited
    "registry:person_id_number": Row(
        lambda w: {"pk": w["person"].pk},
        lambda w: {"shown_on": "person_page", "key": str(w["person"].pk)},
        refused={**REFUSED_STAFF, "staff_jinshui": 403},
        owner="city_admin",
    ),
    # 登记: officers of the organization's region; 成立登记 names its region in the body
    "registry:organization_register": Row(
        lambda w: {},
        lambda w: {
            "name": "郑州市金水区矩阵新设协会",
            "org_type": "1",
            "region": "410105",
            "field": "other",
            "code": make_social_org_code("410105", OrgType.ASSOCIATION, 880_001),
            "registered_on": day(),
            "legal_rep_name": "矩阵法人",
            "legal_rep_id_number": make_id_number("410105", dt.date(1985, 6, 1), 881),
            "document_number": "矩阵登〔2026〕1号",
            "document_date": day(),
        },  # fmt: skip
        refused=REFUSED_BODY,
    ),
    "registry:organization_change": Row(
        lambda w: {"code": w["org"].code, "item": "address"},
        lambda w: {
            "value": "矩阵路1号",
            "effective_on": day(),
            "document_number": "矩阵变〔2026〕1号",
            "document_date": day(),
            "document": pdf(),
        },  # fmt: skip
    ),
    "registry:organization_deregister": Row(
        lambda w: {"code": w["fresh_org"].code}, lambda w: _ending(), prepare=_fresh_org
    ),
    "registry:organization_revoke": Row(
        lambda w: {"code": w["fresh_org"].code}, lambda w: _ending(), prepare=_fresh_org
    ),
    "registry:branch_add": Row(
        lambda w: {"code": w["org"].code},
        lambda w: {
            "kind": "representative",
            "name": "矩阵代表处",
            "head": "孙代表",
            "head_id_number": make_id_number("410105", dt.date(1991, 7, 17), 731),
            "established_on": day(),
            "document_number": "矩阵分〔2026〕2号",
            "document_date": day(),
        },  # fmt: skip
    ),
    "registry:branch_change": Row(
        lambda w: {"code": w["org"].code, "pk": w["branch"].pk},
        lambda w: {
            "name": "矩阵专业委员会",
            "head": "新主任",
            "head_id_number": make_id_number("410105", dt.date(1991, 7, 17), 741),
            "effective_on": day(),
            "document_number": "矩阵分〔2026〕3号",
            "document_date": day(),
        },  # fmt: skip
    ),
    "registry:branch_close": Row(
        lambda w: {"code": w["org"].code, "pk": w["branch"].pk},
        lambda w: {
            "closed_on": day(),
            "reason": "矩阵：撤销该分支机构。",
            "document_number": "矩阵分〔2026〕4号",
            "document_date": day(),
        },  # fmt: skip
    ),
    # 账号管理: the region's administrators only
    "office:account_create": Row(
        lambda w: {},
        lambda w: {
            "username": "matrix_new",
            "full_name": "矩阵新人",
            "region": factories.region("410105").pk,
            "staff_role": "officer",
            "password": "",
        },  # fmt: skip
        refused=REFUSED_ADMIN,
        owner="city_admin",
    ),
    "office:account_post": Row(
        lambda w: {"pk": w["officer"].pk},
        lambda w: {"region": factories.region("410105").pk, "staff_role": "viewer"},
        refused=REFUSED_ADMIN,
        owner="city_admin",
        prepare=lambda w: {"officer": factories.staff("matrix_officer", "410105")},
    ),
    "office:account_disable": Row(
        lambda w: {"pk": w["org_account"].pk}, lambda w: {}, refused=REFUSED_ADMIN, owner="city_admin"
    ),
    "office:account_enable": Row(
        lambda w: {"pk": w["disabled"].pk},
        lambda w: {},
        refused=REFUSED_ADMIN,
        owner="city_admin",
        prepare=_disabled_account,
    ),
    "office:account_password_reset": Row(
        lambda w: {"pk": w["org_account"].pk}, lambda w: {}, refused=REFUSED_ADMIN, owner="city_admin"
    ),
    "office:account_unlock": Row(
        lambda w: {"pk": w["org_account"].pk}, lambda w: {}, refused=REFUSED_ADMIN, owner="city_admin"
    ),
    "office:token_issue": Row(
        lambda w: {},
        lambda w: {"department": factories.department().pk, "name": "矩阵令牌", "scopes": ["records:read"]},
        refused=REFUSED_ADMIN,
        owner="city_admin",
    ),
    # 信用核查: a writer of any region checks (another region's code is answered "not found", and the
    # check is logged all the same); feedback only by the check's maker; catalogue versions by
    # administrators
    "measures:check_new": Row(
        lambda w: {},
        lambda w: {"scenario": "honours", "codes": w["org"].code},
        refused={"anonymous": 302, "viewer_jinshui": 403, "org_jinshui": 403},
    ),
    "measures:check_feedback": Row(
        lambda w: {"number": w["listed_check"].number},
        lambda w: {"outcome-0:P-ABNORMAL-SPOT-CHECK": "applied"},
        refused={**REFUSED_STAFF, "city_admin": 403},
        prepare=_listed_check,
    ),
    "measures:catalogue_new": Row(
        lambda w: {},
        lambda w: {"text": _catalogue_text(), "reason": "矩阵：整理措施。"},
        refused=REFUSED_ADMIN,
        owner="city_admin",
    ),
    "office:token_revoke": Row(
        lambda w: {"pk": w["token"].pk},
        lambda w: {"reason": "矩阵：停用。"},
        refused=REFUSED_ADMIN,
        owner="city_admin",
        prepare=lambda w: {"token": factories.token(["records:read"])[0]},
    ),
    # 订阅管理: the region's administrators, for its departments
    "subscriptions:subscription_create": Row(
        lambda w: {},
        lambda w: {
            "department": factories.department().pk,
            "name": "矩阵订阅",
            "regions": "410105",
            "kinds": ["record.revoked"],
        },  # fmt: skip
        refused=REFUSED_ADMIN,
        owner="city_admin",
    ),
    "subscriptions:subscription_edit": Row(
        lambda w: {"pk": w["subscription"].pk},
        lambda w: {
            "name": "矩阵订阅（改）",
            "regions": "410105",
            "kinds": ["list.entered"],
            "active": "on",
            "webhook_url": "https://10.0.0.1/hook",
        },  # fmt: skip
        refused=REFUSED_ADMIN,
        owner="city_admin",
        prepare=_subscription,
    ),
    **{
        f"subscriptions:subscription_{a}": Row(
            lambda w: {"pk": w["subscription"].pk},
            data,
            refused=REFUSED_ADMIN,
            owner="city_admin",
            prepare=_subscription,
        )
        for a, data in (
            ("rotate", lambda w: {}),
            ("delete", lambda w: {}),
            ("replay", lambda w: {"from_event": w["delivery"].event_id}),
        )
    },  # fmt: skip
    "subscriptions:delivery_replay": Row(
        lambda w: {"pk": w["subscription"].pk, "delivery_pk": w["delivery"].pk},
        lambda w: {},
        refused=REFUSED_ADMIN,
        owner="city_admin",
        prepare=_subscription,
    ),
}
# Write routes outside region scoping, each with the reason it has no row above.
UNSCOPED = {
    "accounts:login": "signing in (throttled by django-axes; tests in apps/accounts)",
    "accounts:logout": "signing out writes nothing of the product",
    "public:complaint_new": "the public complaint form: anyone may report (rate-limited; tests in apps/cases)",
    "public:complaint_lookup": "the reporter's lookup by number and code (rate-limited; tests in apps/cases)",
    "accounts:password_change": "one's own password: every signed-in account, only its own (tests in apps/accounts)",
    "reports:verify": "verifying an uploaded credit report reads and writes nothing (rate-limited; tests in apps/reports)",
}


def _own_notice(w: W) -> W:
    """A second prior notice served on the world's organization, not yet answered."""
    record = factories.record(w["org"], "annual_report_missing", occurred_on=today() - dt.timedelta(days=100))
    proposal = ListProposal.objects.get(organization=w["org"], status="proposed", records=record)
    notice = lists.serve_notice(_staff(w), proposal, "written", today(), "矩阵告〔2026〕7号")
    return {"new_notice": notice}


def _methods(view: Any) -> set[str]:
    """The HTTP methods a view answers: a class-based view's handlers, the list a ``require_POST`` /
    ``require_http_methods`` wrapper checks, or every method for an undecorated function view."""
    cls = getattr(view, "view_class", None)
    if cls is not None:
        return {m.upper() for m in cls.http_method_names if hasattr(cls, m)}
    f = view
    while f is not None:
        cells = dict(zip(f.__code__.co_freevars, f.__closure__ or (), strict=True))
        if "request_method_list" in cells:
            return {m.upper() for m in cells["request_method_list"].cell_contents}
        f = getattr(f, "__wrapped__", None)
    return {"ANY"}


def _routes(resolver: URLResolver | None = None, namespace: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            out |= _routes(p, p.namespace or namespace)
        elif isinstance(p, URLPattern) and p.name and namespace in NAMESPACES:
            out[f"{namespace}:{p.name}"] = p.callback
    return out


def write_routes() -> set[str]:
    return {name for name, view in _routes().items() if "POST" in _methods(view)}


def test_every_write_route_is_in_the_matrix():
    assert write_routes() == set(WRITES) | set(UNSCOPED), "add each new write route to WRITES (or UNSCOPED)"


def test_views_that_read_a_body_declare_their_methods():
    """A view without a method decorator answers POST like GET; one that reads ``request.POST`` must say
    so (``require_POST`` / ``require_http_methods``) to be found by the write matrix."""
    import inspect

    undeclared = [name for name, view in _routes().items() if _methods(view) == {"ANY"}
                  and "request.POST" in inspect.getsource(inspect.unwrap(view))]  # fmt: skip
    assert undeclared == []


SKIPPED_MODELS = {"registry.region", "records.recordkind", "workdays.calendaryear"}  # reference data


def snapshot(skip: frozenset[str] = frozenset()) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of the product (reference data aside), every column as stored, to
    compare before and after. One plain statement per table: through the ORM (a query compiled per
    model, ten snapshots a test) it was most of the matrix's time."""
    out = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in apps.get_models():
            label = model._meta.label_lower
            if model.__module__.startswith("socredit.") and label not in SKIPPED_MODELS | skip:
                table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
                cursor.execute(f"SELECT * FROM {table} ORDER BY {pk}")  # noqa: S608 - the models' own names
                out[label] = cursor.fetchall()
    return out


def changed(before: dict[str, list[Any]], after: dict[str, list[Any]]) -> list[str]:
    return sorted(label for label in before if before[label] != after[label])


def _errors(response: Any) -> list[str]:
    """The error texts a refused form shows (for the failure message)."""
    import re

    html = response.content.decode()
    return re.findall(r'class="[^"]*error[^"]*"[^>]*>(.*?)</', html, re.S)[:5] or [html[:300]]


@pytest.fixture(scope="module")
def _world_once(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world built once for the module, rolled back at its end; each test writes inside a
    savepoint of its own, rolled back after it (building it for each of the 135 tests cost about
    half a second of CPU each)."""
    with rolled_back_module_data(django_db_blocker, tmp_path_factory.mktemp("write-world")) as media:
        w = build_world(factories.personas())
        other = factories.organization(region_code="410105", name="郑州市金水区矩阵他组织")
        yield {**w, "other_org": factories.org_account(other)}, media


@pytest.fixture
def world(_world_once, personas, settings):
    objects, settings.MEDIA_ROOT = _world_once
    return {**fresh(objects), "personas": personas}


def _user(w: W, who: str) -> Any:
    if who == "org_jinshui":
        return w["org_account"]
    return w["personas"].get(who) or w[who]


@pytest.mark.parametrize("route", sorted(WRITES))
def test_write_route_for_each_persona(route, world, client):
    row = WRITES[route]
    if row.prepare:
        world.update(row.prepare(world))
    url = reverse(route, kwargs=row.url(world))
    got, wrote = {}, {}
    for who in row.refused:
        client.logout()
        if who != "anonymous":
            client.force_login(_user(world, who))
        before = snapshot()
        response = client.post(url, row.data(world))
        got[who] = response.status_code
        wrote[who] = changed(before, snapshot())
        if response.status_code >= 300:  # a refusal names nothing of the object
            # (the page's main part: the organization's own account sees its name in the header)
            page = response.content.decode().partition('<main class="container" id="main">')
            assert world["org"].name not in (page[2] or page[0]), f"{route}: {who} was shown it"
        if who == "anonymous":
            assert reverse("accounts:login") in response["Location"]
    assert got == row.refused, f"{route}: {got}"
    assert all(set(w) <= row.trace for w in wrote.values()), f"{route}: refused posts wrote {wrote}"
    client.force_login(_user(world, row.owner))
    before = snapshot()
    response = client.post(url, row.data(world))
    assert response.status_code in (200, 302), (
        f"{route}: the owner got {response.status_code}: {_errors(response)}"
    )
    assert bool(changed(before, snapshot())) == row.writes, (
        f"{route}: the owner's post wrote {changed(before, snapshot())}"
    )


# --- the API ------------------------------------------------------------------------------------------

API = "/api/v1"
ALL_SCOPES = ["organizations:read", "organizations:write", "records:read", "records:write", "persons:read",
              "credit:read", "lists:read", "objections:verify", "complaints:write", "changes:read",
              "registrations:write", "bans:read", "bans:write", "checks:write", "blacklists:write",
              "spotchecks:read", "spotchecks:write", "finance:write"]  # fmt: skip


@dataclass(frozen=True)
class ApiRow:
    """path: the path parameters; body: the JSON body; refused: what 新郑市's token gets; owner: the
    token that succeeds ("zz": 郑州市民政局, "tax": 郑州市税务局, the department a case is forwarded to)."""

    path: Callable[[W], dict[str, Any]]
    body: Callable[[W], dict[str, Any]]
    refused: int = 404
    owner: str = "zz"
    ok: int = 200
    prepare: Callable[[W], W] | None = None
    writes: bool = True
    says: str = '"Not found"'  # in the refusal: the 404's detail, or the field a 422 names
    trace: frozenset[str] = frozenset()  # what the other region's call may write: its own trace only


def _record_in(w: W, number: str) -> dict[str, Any]:
    return {"organization": w["org"].code, "kind": "penalty_warning", "occurred_on": "2024-07-01",
            "document_number": number}  # fmt: skip


def _zz_check(w: W) -> W:
    """A spot-check check by a token of 郑州市民政局 (the "zz" owner's department) of the listed organization."""
    from socredit.apps.measures.services import run_check

    token = factories.token(["checks:write"], factories.department(), name="matrix-check")[0]
    check, _ = run_check(token, scenario="spot_check", codes=[w["entry"].organization.code], id_numbers=[])
    return {"zz_check": check}


API_WRITES: dict[tuple[str, str], ApiRow] = {
    # 新郑市 may not register an organization of 金水区: the region is refused by name (422)
    ("POST", "/organizations"): ApiRow(
        lambda w: {},
        lambda w: {
            "code": make_social_org_code("410105", OrgType.ASSOCIATION, 990_001),
            "name": "郑州市金水区接口矩阵协会",
            "registered_on": "2020-01-01",
        },
        refused=422,
        ok=201,
        says='"region"',
    ),
    ("POST", "/spot-checks/plans/{plan_id}/results"): ApiRow(
        lambda w: {"plan_id": w["spot_plan"].pk},
        lambda w: {"organization": w["org"].code, "result": "no_problem", "checked_on": day()},
        prepare=lambda w: _spot_plan(w, "drawn"),
    ),
    ("PATCH", "/organizations/{code}"): ApiRow(
        lambda w: {"code": w["org"].code}, lambda w: {"supervisory_unit": "郑州市金水区矩阵主管单位"}
    ),
    # an organization of another region is answered like an unknown code (422 naming the field)
    ("POST", "/records"): ApiRow(
        lambda w: {},
        lambda w: _record_in(w, "接口矩阵〔2024〕1号"),
        refused=422,
        ok=201,
        says='"organization"',
    ),
    # a batch answers 200 with each item's errors (the same "unknown or outside your region" text)
    ("POST", "/records/batch"): ApiRow(
        lambda w: {},
        lambda w: {"items": [_record_in(w, "接口矩阵〔2024〕2号")]},
        refused=200,
        says='"organization"',
    ),
    ("POST", "/records/{record_id}/revoke"): ApiRow(
        lambda w: {"record_id": w["record"].pk}, lambda w: {"reason": "接口矩阵：重复报送。"}
    ),
    ("POST", "/records/{record_id}/correct"): ApiRow(
        lambda w: {"record_id": w["record"].pk},
        lambda w: {"reason": "接口矩阵：摘要有误。", "changes": {"summary": "接口矩阵：更正后的摘要。"}},
        ok=201,
    ),
    # a read of many organizations: another region's codes are answered as not found
    ("POST", "/credit/batch"): ApiRow(
        lambda w: {},
        lambda w: {"codes": [w["org"].code]},
        refused=200,
        writes=False,
        says='"errors": [{"index": 0',
    ),
    ("POST", "/objections/{number}/verification"): ApiRow(
        lambda w: {"number": w["tax_objection"].number},
        lambda w: {"result": "no_error", "note": "接口矩阵：信息无误。"},
        owner="tax",
        prepare=_forwarded,
    ),  # fmt: skip
    # 登记 (registrations:write): a new organization of another region is refused by name (422); an
    # existing one of another region is not found
    ("POST", "/registrations"): ApiRow(
        lambda w: {},
        lambda w: {
            "code": make_social_org_code("410105", OrgType.ASSOCIATION, 990_002),
            "name": "郑州市金水区接口矩阵成立协会",
            "registered_on": "2020-01-01",
            "legal_rep_name": "矩阵代表",
            "document_number": "矩阵登〔2026〕1号",
            "legal_rep_id_number": make_id_number("410105", dt.date(1991, 7, 17), 901),
        },  # fmt: skip
        refused=422,
        ok=201,
        says='"region"',
    ),
    ("POST", "/organizations/{code}/registration-changes"): ApiRow(
        lambda w: {"code": w["org"].code},
        lambda w: {
            "item": "address",
            "value": "郑州市金水区矩阵路1号",
            "effective_on": "2026-01-05",
            "document_number": "矩阵变〔2026〕1号",
            "document_date": "2026-01-05",
        },  # fmt: skip
        ok=201,
    ),
    ("POST", "/organizations/{code}/deregistration"): ApiRow(
        lambda w: {"code": w["fresh_org"].code},
        lambda w: {
            "effective_on": "2026-01-05",
            "reason": "矩阵：解散。",
            "document_number": "矩阵注〔2026〕1号",
            "document_date": "2026-01-05",
        },  # fmt: skip
        ok=201,
        prepare=_fresh_org,
    ),
    # the open case and the listing of the matrix's organization are warnings of a revocation
    ("POST", "/organizations/{code}/revocation"): ApiRow(
        lambda w: {"code": w["org"].code},
        lambda w: {
            "effective_on": "2026-01-05",
            "reason": "矩阵：撤销。",
            "document_number": "矩阵撤〔2026〕1号",
            "document_date": "2026-01-05",
            "warnings_confirmed": True,
        },  # fmt: skip
        ok=201,
    ),
    # a department's transactions (资金往来): an organization it names must be of its region (per item, 200)
    ("POST", "/finance/transactions"): ApiRow(
        lambda w: {},
        lambda w: {
            "items": [
                {
                    "organization": w["org"].code,
                    "reference": "矩阵-ZJ-1",
                    "occurred_on": day(3),
                    "amount": "120000",
                    "direction": "out",
                    "counterparty": "郑州某某商贸有限公司",
                }
            ]
        },  # fmt: skip
        refused=200,
        says='"organization"',
    ),
    # a department's own bans: an organization it names must be of its region (per item, 200)
    ("POST", "/bans"): ApiRow(
        lambda w: {},
        lambda w: {
            "items": [
                {
                    "name": "接口禁入人",
                    "id_number": make_id_number("410105", dt.date(1991, 7, 17), 322),
                    "ground": "charity_penalty",
                    "years": "1",
                    "document_number": "接口矩阵禁〔2026〕1号",
                    "decided_on": day(2),
                    "organization": w["org"].code,
                }
            ]
        },
        refused=200,
        says='"organization"',
    ),  # fmt: skip
    # a check by another region's department answers the subject "not found" (no name) and is logged
    ("POST", "/checks"): ApiRow(
        lambda w: {},
        lambda w: {"scenario": "honours", "codes": [w["org"].code]},
        refused=200,
        says='"error"',
        trace=frozenset({"measures.creditcheck", "audit.auditevent"}),
    ),
    # feedback only from the department that made the check: another department does not see it
    ("POST", "/checks/{number}/feedback"): ApiRow(
        lambda w: {"number": w["zz_check"].number},
        lambda w: {"items": [{"n": 0, "measure": "P-ABNORMAL-SPOT-CHECK", "outcome": "applied"}]},
        prepare=_zz_check,
    ),
    # a domain blacklist is the pushing department's own (any region's subjects): another region's
    # tax department pushing the same entry adds its own rows, the owner's are its own
    ("POST", "/blacklists"): ApiRow(
        lambda w: {},
        lambda w: {
            "items": [
                {
                    "subject_kind": "organization",
                    "code": w["org"].code,
                    "name": w["org"].name,
                    "entered_on": "2026-01-05",
                    "document_number": "矩阵税稽〔2026〕1号",
                }
            ]
        },  # fmt: skip
        refused=200,
        owner="tax",
        says='"created"',
        trace=frozenset({"measures.domainlisting", "audit.auditevent"}),
    ),
    # complaints about an organization go to its region's authority: another region's is told so
    ("POST", "/complaints"): ApiRow(
        lambda w: {},
        lambda w: {"organization_code": w["org"].code, "content": CONTENT},
        refused=422,
        ok=201,
        says='"region_code"',
    ),
    # subscriptions: another department's are not found; 金水区 is outside 新郑市's region (422 naming it)
    ("POST", "/subscriptions"): ApiRow(
        lambda w: {},
        lambda w: {"name": "接口矩阵订阅", "organizations": [w["org"].code], "kinds": ["list.entered"]},
        refused=422,
        ok=201,
        says='"organizations"',
    ),
    ("PATCH", "/subscriptions/{pk}"): ApiRow(
        lambda w: {"pk": w["subscription"].pk},
        lambda w: {"name": "接口矩阵订阅（改）"},
        prepare=_subscription,
    ),
    ("DELETE", "/subscriptions/{pk}"): ApiRow(
        lambda w: {"pk": w["subscription"].pk}, lambda w: {}, ok=204, prepare=_subscription
    ),
    ("POST", "/subscriptions/{pk}/rotate-secret"): ApiRow(
        lambda w: {"pk": w["subscription"].pk}, lambda w: {}, prepare=_subscription
    ),
    ("POST", "/subscriptions/{pk}/changes/ack"): ApiRow(
        lambda w: {"pk": w["subscription"].pk},
        lambda w: {"cursor": w["delivery"].event_id},
        prepare=_subscription,
    ),
    ("POST", "/subscriptions/{pk}/replay"): ApiRow(
        lambda w: {"pk": w["subscription"].pk},
        lambda w: {"from_event": w["delivery"].event_id},
        prepare=_subscription,
    ),
    ("POST", "/subscriptions/{pk}/deliveries/{delivery_id}/replay"): ApiRow(
        lambda w: {"pk": w["subscription"].pk, "delivery_id": w["delivery"].pk},
        lambda w: {},
        prepare=_subscription,
    ),
}


def test_every_api_write_is_in_the_matrix(client):
    schema = client.get(f"{API}/openapi.json").json()
    writes = {(method.upper(), path.removeprefix(API)) for path, ops in schema["paths"].items() for method in ops
              if method != "get"}  # fmt: skip
    assert writes == set(API_WRITES), "add each new API write operation to API_WRITES"


TOKEN_USE = frozenset({"accounts.apitoken"})  # a token's "last used" stamp


@pytest.fixture
def tokens(world):
    xz = factories.department("xz-mzj", "新郑市民政局", "410184")
    xz_tax = factories.department("xz-sw", "国家税务总局新郑市税务局", "410184", kind=DepartmentKind.TAX)
    tax = factories.department("zz-sw", "郑州市税务局", kind=DepartmentKind.TAX)
    raw = {name: factories.token(ALL_SCOPES, dept, name=name)[1]
           for name, dept in (("zz", factories.department()), ("tax", tax), ("xz", xz), ("xz_tax", xz_tax))}  # fmt: skip
    return {name: {"HTTP_AUTHORIZATION": f"Bearer {secret}"} for name, secret in raw.items()}


@pytest.mark.parametrize("operation", sorted(API_WRITES), ids=" ".join)
def test_api_write_with_a_token_of_another_region(operation, world, tokens, client):
    method, path = operation
    row = API_WRITES[operation]
    if row.prepare:
        world.update(row.prepare(world))
    url = API + path.format(**row.path(world))
    foreign = tokens["xz_tax" if row.owner == "tax" else "xz"]
    before = snapshot(TOKEN_USE)
    response = client.generic(
        method, url, json.dumps(row.body(world)), content_type="application/json", **foreign
    )
    assert response.status_code == row.refused, (
        f"{method} {path}: {response.status_code} {response.content[:300]}"
    )
    assert set(changed(before, snapshot(TOKEN_USE))) <= row.trace, (
        f"{method} {path}: a token of another region wrote"
    )
    assert row.says in response.content.decode() and world["org"].name not in response.content.decode()
    before = snapshot(TOKEN_USE)
    response = client.generic(method, url, json.dumps(row.body(world)), content_type="application/json",
                              **tokens[row.owner])  # fmt: skip
    assert response.status_code == row.ok, (
        f"{method} {path}: the owner got {response.status_code} {response.content[:300]}"
    )
    assert bool(changed(before, snapshot(TOKEN_USE))) == row.writes
