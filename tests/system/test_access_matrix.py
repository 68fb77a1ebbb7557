"""Role × route access matrix: every staff route the URL resolver knows, for every persona.

A new route without a row here fails `test_every_route_is_in_the_matrix`, so access rules are
decided for each page when it is added. Expected codes: 200 allowed, 302 sent to the login page,
403 signed in but not allowed (read-only post), 404 outside the region (the same as missing),
405 wrong method. The API is swept separately: every operation in the OpenAPI schema refuses an
anonymous caller with 401.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from socredit.testing import factories
from socredit.testing.fixtures import fresh, rolled_back_module_data
from tests.system.matrix_world import build_world

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "viewer_jinshui", "staff_jinshui", "staff_xinzheng", "city_admin", "org_jinshui")
# org_jinshui is the organization account (组织账号) of the world's 金水区 organization: every staff page
# answers it 403 (OrganizationAccountMiddleware), its own /my/ pages 200.
ORG = "org_jinshui"
# Objects below all belong to 金水区 (410105): staff_xinzheng (新郑市) is outside their region.
READ = {
    "anonymous": 302,
    "viewer_jinshui": 200,
    "staff_jinshui": 200,
    "staff_xinzheng": 404,
    "city_admin": 200,
}
WRITE = {
    "anonymous": 302,
    "viewer_jinshui": 403,
    "staff_jinshui": 200,
    "staff_xinzheng": 404,
    "city_admin": 200,
}
OWN_REGION_PAGE = {
    "anonymous": 302,
    "viewer_jinshui": 200,
    "staff_jinshui": 200,
    "staff_xinzheng": 200,
    "city_admin": 200,
}
WRITER_PAGE = {
    "anonymous": 302,
    "viewer_jinshui": 403,
    "staff_jinshui": 200,
    "staff_xinzheng": 200,
    "city_admin": 200,
}
IMPORT_RUN = {
    "anonymous": 302,
    "viewer_jinshui": 403,
    "staff_jinshui": 200,
    "staff_xinzheng": 404,
    "city_admin": 200,
}
# Batch evaluation runs are started by administrators only (officers may write records, not re-score a region).
ADMIN_PAGE = {
    "anonymous": 302,
    "viewer_jinshui": 403,
    "staff_jinshui": 403,
    "staff_xinzheng": 403,
    "city_admin": 200,
}
# Reference data every signed-in account reads (the indicator models).
SIGNED_IN = OWN_REGION_PAGE
# The sign-in page sends an already signed-in user on to the organization list.
LOGIN_PAGE = {
    "anonymous": 200,
    "viewer_jinshui": 302,
    "staff_jinshui": 302,
    "staff_xinzheng": 302,
    "city_admin": 302,
}
# The review of who read a complaint's reporter: its supervisor (an administrator of its region or above).
SUPERVISOR_PAGE = {**ADMIN_PAGE, "staff_xinzheng": 404}
for _staff_only in (READ, WRITE, OWN_REGION_PAGE, WRITER_PAGE, IMPORT_RUN, ADMIN_PAGE, SUPERVISOR_PAGE):
    _staff_only[ORG] = 403
LOGIN_PAGE[ORG] = 302
POST_ONLY = {**dict.fromkeys(PERSONAS, 405), ORG: 403}
LOGOUT = dict.fromkeys(PERSONAS, 405)
# An organization's own pages (/my/…): no staff account has an organization.
ORGANIZATION_ONLY = {"anonymous": 302, **dict.fromkeys(PERSONAS[1:], 403), ORG: 200}
ORGANIZATION_POST_ONLY = dict.fromkeys(PERSONAS, 405)
# Another organization's object on an organization page: the same 404 as a missing one.
OTHER_ORGANIZATION = {**ORGANIZATION_ONLY, ORG: 404}
# Public pages (/public/): no sign-in, the same for everyone.
PUBLIC = dict.fromkeys(PERSONAS, 200)


def _issued_report(world):
    from socredit.apps.reports.services import issue_report

    return issue_report(world["org"], actor="public").report


def _annual_report(world):
    """The world organization's report on last year, submitted, with an attachment (made once)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from socredit.apps.annualreports import services as ar
    from socredit.apps.annualreports.tests.conftest import facts, figures

    if "annual_report" not in world:
        account = world["org_account"]
        report = ar.save_draft(
            account, "form", world["org"], ar.today().year - 1, content=facts(), figures=figures()
        )
        ar.add_attachments(
            account, "form", report, "other", [SimpleUploadedFile("a.pdf", b"%PDF-1.4 matrix")]
        )
        world["annual_report"] = ar.submit_report(account, "form", report, declared_by_name="李娜")
    return world["annual_report"]


# The queue's "enter a paper report" box without a code goes back to the queue; a viewer may not enter.
PAPER_START = {"anonymous": 302, "viewer_jinshui": 403, "staff_jinshui": 302, "staff_xinzheng": 302,
               "city_admin": 302, ORG: 403}  # fmt: skip


def _check_number(world):
    """A credit check made by the 金水区 officer (its maker; supervisors above read it)."""
    from socredit.apps.accounts.models import User
    from socredit.apps.measures.services import run_check

    if "check" not in world:
        maker = User.objects.get(username="staff_jinshui")
        world["check"] = run_check(maker, scenario="honours", codes=[world["org"].code],
                                   id_numbers=[], channel="form")[0]  # fmt: skip
    return world["check"].number


# Feedback on a check: only the account that made it; others who read the check are refused.
CHECK_MAKER = {"anonymous": 302, "viewer_jinshui": 403, "staff_jinshui": 200, "staff_xinzheng": 404,
               "city_admin": 403, ORG: 403}  # fmt: skip


def _open_data_release():
    from socredit.apps.reports import opendata
    from socredit.common.clock import today

    opendata.build(today())
    return "SHA256SUMS"


def _subscription():
    """A subscription of the 郑州市 department (the city administrator's region) to 金水区."""
    from socredit.apps.subscriptions.services import create_subscription

    return create_subscription(actor=None, channel="system", department=factories.department(),
                               data={"name": "矩阵订阅", "regions": ["410105"], "kinds": ["list.entered"]})[0]  # fmt: skip


def _spot(world):
    """A 金水区 spot-check plan, drawn, with every result recorded and published (its pages: staff and public)."""
    if "spot_plan" not in world:
        from socredit.apps.accounts.models import User
        from socredit.apps.spotchecks import services
        from socredit.common.clock import today

        actor = User.objects.get(username="staff_jinshui")
        plan = services.create_plan(actor=actor, channel="form", data={
            "title": "矩阵抽查", "year": 2026, "kind": "special", "authority": "410105", "base_rate": 1.0})  # fmt: skip
        services.announce_plan(actor=actor, channel="form", plan=plan, seed="matrix")
        services.draw_plan(actor=actor, channel="form", plan=plan)
        for check in plan.checks.select_related("organization"):
            services.record_result(actor=actor, channel="form", plan=plan, organization=check.organization,
                                   data={"result": "no_problem", "checked_on": today()})  # fmt: skip
        services.publish_results(actor=actor, channel="form", plan=plan)
        world["spot_plan"] = plan
        world["spot_check"] = plan.checks.get(organization=world["org"])
    return world


def _warning(world):
    """A 金水区 risk warning raised by a street visit (its pages: staff of the region)."""
    if "risk_warning" not in world:
        from socredit.apps.accounts.models import User
        from socredit.apps.riskwarnings import services

        actor = User.objects.get(username="staff_jinshui")
        world["risk_warning"] = services.self_report(actor=actor, channel="form", code=world["org"].code,
                                                     rule_code="street-visit", reason="走访发现")  # fmt: skip
    return world


def _rule_pk(world):
    from socredit.apps.riskwarnings.models import WarningRule

    return WarningRule.objects.get(code="complaint-burst").pk


def _dormancy(world):
    """A 金水区 clean-up case of the world's organization with its notice served."""
    if "dormancy_case" not in world:
        from socredit.apps.dormancy.models import DormancyCase
        from socredit.common.clock import today

        world["dormancy_case"] = DormancyCase.objects.create(
            organization=world["org"], identified_on=today(), state_since=today(), state="notice_served",
            missing_years=[2024, 2025], policy_version="national-2026.1", notice_number="金民督〔2026〕9号",
            notice_served_on=today(), notice_method="by_post", notice_text="测试通知\n（印章）\n2026年1月1日\n",
        )  # fmt: skip
    return world


# A drawn plan's edit page sends writers back to the plan (it can no longer change).
PLAN_EDIT_DRAWN = {**WRITE, "staff_jinshui": 302, "city_admin": 302}


def _statistics(world, **kwargs):
    """The day's figures aggregated once, and 金水区 publishing its organizations by type."""
    from socredit.apps.statistics.aggregate import aggregate_day
    from socredit.apps.statistics.services import set_publication
    from socredit.common.access import SystemPrincipal

    if "statistics" not in world:
        aggregate_day(SystemPrincipal())
        set_publication(
            actor=SystemPrincipal(), channel="cli", region=factories.region("410105"), panels=["org_type"]
        )
        world["statistics"] = True
    return kwargs


def _assessment(world, **kwargs):
    """An assessment report of 金水区 for today (made once, on the day's figures)."""
    from socredit.apps.statistics.assessment.services import generate_assessment_report
    from socredit.common.access import SystemPrincipal
    from socredit.common.clock import today

    _statistics(world)
    if "assessment" not in world:
        world["assessment"] = generate_assessment_report(
            SystemPrincipal(), factories.region("410105"), today(), today(), "zh-hans", channel="cli"
        )
    return {"pk": world["assessment"].pk, **kwargs}


# route name → (kwargs builder over the world, expected code per persona)
MATRIX = {
    "statistics:dashboard": (lambda w: _statistics(w), OWN_REGION_PAGE),
    "statistics:panel_export": (lambda w: _statistics(w, key="org_type", fmt="csv"), OWN_REGION_PAGE),
    "statistics:target_edit": (lambda w: {}, ADMIN_PAGE),
    "statistics:publication_edit": (lambda w: {}, ADMIN_PAGE),
    "statistics:quality_overview": (lambda w: {}, OWN_REGION_PAGE),
    "statistics:quality_rows": (lambda w: {"check": "no_legal_rep"}, OWN_REGION_PAGE),
    "statistics:assessment_list": (lambda w: {}, OWN_REGION_PAGE),
    "statistics:assessment_detail": (lambda w: _assessment(w), READ),
    "statistics:assessment_download": (lambda w: _assessment(w, fmt="pdf"), READ),
    "statistics_public:index": (lambda w: _statistics(w), PUBLIC),
    "statistics_public:region": (lambda w: _statistics(w, code="410105"), PUBLIC),
    "spotchecks:plan_list": (lambda w: {}, OWN_REGION_PAGE),
    "spotchecks:plan_create": (lambda w: {}, WRITER_PAGE),
    "spotchecks:plan_detail": (lambda w: {"pk": _spot(w)["spot_plan"].pk}, READ),
    "spotchecks:plan_edit": (lambda w: {"pk": _spot(w)["spot_plan"].pk}, PLAN_EDIT_DRAWN),
    **{
        f"spotchecks:plan_{a}": (lambda w: {"pk": _spot(w)["spot_plan"].pk}, POST_ONLY)
        for a in ("announce", "draw", "assign", "publish")
    },
    "spotchecks:check_detail": (lambda w: {"pk": _spot(w)["spot_check"].pk}, READ),
    **{
        f"spotchecks:check_{a}": (lambda w: {"pk": _spot(w)["spot_check"].pk}, POST_ONLY)
        for a in ("result", "letter", "rectified", "redraw")
    },
    "spotchecks:my_checks": (lambda w: {}, OWN_REGION_PAGE),
    "spotchecks:inspector_list": (lambda w: {}, OWN_REGION_PAGE),
    "spotchecks:organization_checks": (lambda w: {"code": w["org"].code}, READ),
    "riskwarnings:warning_list": (lambda w: {}, OWN_REGION_PAGE),
    "riskwarnings:warning_create": (lambda w: {}, WRITER_PAGE),
    "riskwarnings:street_summary": (lambda w: {}, OWN_REGION_PAGE),
    "riskwarnings:warning_detail": (lambda w: {"pk": _warning(w)["risk_warning"].pk}, READ),
    **{
        f"riskwarnings:warning_{a}": (lambda w: {"pk": _warning(w)["risk_warning"].pk}, POST_ONLY)
        for a in ("acknowledge", "handle", "close")
    },
    "riskwarnings:organization_warnings": (lambda w: {"code": w["org"].code}, READ),
    "riskwarnings:rule_list": (lambda w: {}, ADMIN_PAGE),
    "riskwarnings:rule_edit": (lambda w: {"pk": _rule_pk(w)}, ADMIN_PAGE),
    "spotchecks_public:plan_list": (lambda w: {}, PUBLIC),
    "dormancy:case_list": (lambda w: {}, OWN_REGION_PAGE),
    "registry:street_list": (lambda w: {}, ADMIN_PAGE),
    "dormancy:case_detail": (lambda w: {"pk": _dormancy(w)["dormancy_case"].pk}, READ),
    "dormancy:case_step": (
        lambda w: {"pk": _dormancy(w)["dormancy_case"].pk, "step": "resume_activities"},
        POST_ONLY,
    ),
    "dormancy:case_document": (lambda w: {"pk": _dormancy(w)["dormancy_case"].pk, "doc": "notice"}, READ),
    "dormancy:organization_cases": (lambda w: {"code": w["org"].code}, READ),
    "spotchecks_public:plan_detail": (lambda w: {"pk": _spot(w)["spot_plan"].pk}, PUBLIC),
    "accounts:login": (lambda w: {}, LOGIN_PAGE),
    "accounts:logout": (lambda w: {}, LOGOUT),
    "registry:organization_list": (lambda w: {}, OWN_REGION_PAGE),
    "registry:region_suggest": (lambda w: {}, OWN_REGION_PAGE),  # the region picker's suggestions
    # 导出: every staff table's export answers like its page (each account its own region's rows)
    "registry:organization_export": (lambda w: {"fmt": "xlsx"}, OWN_REGION_PAGE),
    "lists:entry_export": (lambda w: {"list": "abnormal", "fmt": "csv"}, OWN_REGION_PAGE),
    "lists:proposal_export": (lambda w: {"fmt": "xlsx"}, OWN_REGION_PAGE),
    "lists:decision_export": (lambda w: {"fmt": "csv"}, OWN_REGION_PAGE),
    "cases:case_export": (lambda w: {"fmt": "csv"}, OWN_REGION_PAGE),
    "evaluation:score_export": (lambda w: {"fmt": "xlsx"}, OWN_REGION_PAGE),
    "registry:organization_detail": (lambda w: {"code": w["org"].code}, READ),
    "registry:person_detail": (lambda w: {"pk": w["person"].pk}, READ),
    "registry:held_role_confirm": (lambda w: {"pk": w["person"].pk, "role_pk": w["held_role"].pk}, POST_ONLY),
    "registry:held_role_withdraw": (
        lambda w: {"pk": w["person"].pk, "role_pk": w["held_role"].pk},
        POST_ONLY,
    ),
    "registry:person_id_number": (lambda w: {"pk": w["person"].pk}, POST_ONLY),
    "registry:organization_register": (lambda w: {}, WRITER_PAGE),
    "registry:person_screen": (lambda w: {}, WRITER_PAGE),
    "registry:organization_change": (lambda w: {"code": w["org"].code, "item": "legal_rep"}, WRITE),
    "registry:organization_deregister": (lambda w: {"code": w["org"].code}, WRITE),
    "registry:organization_revoke": (lambda w: {"code": w["org"].code}, WRITE),
    "registry:registration_document": (
        lambda w: {"code": w["org"].code, "pk": w["registration_change"].pk},
        READ,
    ),
    "registry:branch_add": (lambda w: {"code": w["org"].code}, WRITE),
    "registry:branch_change": (lambda w: {"code": w["org"].code, "pk": w["branch"].pk}, WRITE),
    "registry:branch_close": (lambda w: {"code": w["org"].code, "pk": w["branch"].pk}, WRITE),
    "records:record_detail": (lambda w: {"pk": w["record"].pk}, READ),
    "records:record_create": (lambda w: {"code": w["org"].code}, WRITE),
    "records:record_correct": (lambda w: {"pk": w["record"].pk}, WRITE),
    "records:record_revoke": (lambda w: {"pk": w["record"].pk}, WRITE),
    "imports:importrun_list": (lambda w: {}, WRITER_PAGE),
    "imports:importrun_detail": (lambda w: {"pk": w["run"].pk}, IMPORT_RUN),
    "imports:importrun_report": (lambda w: {"pk": w["run"].pk, "fmt": "csv"}, IMPORT_RUN),
    "imports:import_template": (lambda w: {"kind": "records", "fmt": "xlsx"}, WRITER_PAGE),
    "evaluation:organization_credit": (lambda w: {"code": w["org"].code}, READ),
    "evaluation:what_if": (lambda w: {"code": w["org"].code}, READ),
    "evaluation:run_list": (lambda w: {}, OWN_REGION_PAGE),
    "evaluation:run_start": (lambda w: {}, ADMIN_PAGE),
    "evaluation:run_detail": (lambda w: {"pk": w["evaluation_run"].pk}, READ),
    "evaluation:run_change_export": (lambda w: {"pk": w["evaluation_run"].pk, "fmt": "xlsx"}, READ),
    "evaluation:model_detail": (lambda w: {"version": "reference-2026.1"}, SIGNED_IN),
    "lists:proposal_list": (lambda w: {}, OWN_REGION_PAGE),
    "lists:proposal_detail": (lambda w: {"pk": w["proposal"].pk}, READ),
    "lists:proposal_bulk": (lambda w: {}, POST_ONLY),
    "lists:proposal_confirm": (lambda w: {"pk": w["proposal"].pk}, POST_ONLY),
    "lists:proposal_dismiss": (lambda w: {"pk": w["proposal"].pk}, POST_ONLY),
    "lists:proposal_exempt": (lambda w: {"pk": w["proposal"].pk}, POST_ONLY),
    "lists:proposal_notice": (lambda w: {"pk": w["proposal"].pk}, POST_ONLY),
    "lists:notice_detail": (lambda w: {"pk": w["notice"].pk}, READ),
    "lists:entry_list": (lambda w: {"list": "abnormal"}, OWN_REGION_PAGE),
    "lists:removals_due": (lambda w: {}, OWN_REGION_PAGE),
    "lists:removal_verify": (lambda w: {"pk": w["application"].pk}, POST_ONLY),
    "lists:removal_decide": (lambda w: {"pk": w["application"].pk}, POST_ONLY),
    "lists:removal_apply": (lambda w: {"pk": w["entry"].pk}, WRITE),
    "lists:decision_detail": (lambda w: {"pk": w["entry"].entry_decision_id}, READ),
    "lists:organization_lists": (lambda w: {"code": w["org"].code}, READ),
    "lists:run_list": (lambda w: {}, OWN_REGION_PAGE),
    "lists:policy_profiles": (lambda w: {}, ADMIN_PAGE),
    "lists:policy_profile_detail": (lambda w: {"version": "xinzheng-2019.1"}, ADMIN_PAGE),
    "lists:run_start": (lambda w: {}, POST_ONLY),
    "lists:proposal_raise": (lambda w: {}, WRITER_PAGE),
    "lists:red_candidates": (lambda w: {}, OWN_REGION_PAGE),
    "lists:red_publication": (lambda w: {}, POST_ONLY),
    "lists:red_confirm": (lambda w: {"pk": w["proposal"].pk}, POST_ONLY),
    "lists:person_list": (lambda w: {}, OWN_REGION_PAGE),
    "lists:person_screening": (lambda w: {"pk": w["person"].pk}, READ),
    "lists:proposal_statement": (lambda w: {"pk": w["proposal"].pk}, READ),
    "lists:statement_record": (lambda w: {"pk": w["proposal"].pk}, POST_ONLY),
    "lists:statement_waive": (lambda w: {"pk": w["proposal"].pk}, POST_ONLY),
    "lists:statement_answer": (lambda w: {"pk": w["statement"].pk}, POST_ONLY),
    "lists:statement_evidence": (lambda w: {"pk": w["statement_evidence"].pk}, READ),
    "my_lists:notice_list": (lambda w: {}, ORGANIZATION_ONLY),
    "my_lists:notice_detail": (lambda w: {"pk": w["org_notice"].pk}, ORGANIZATION_ONLY),
    "my_lists:evidence_download": (lambda w: {"pk": w["statement_evidence"].pk}, ORGANIZATION_ONLY),
    "workdays:year_list": (lambda w: {}, OWN_REGION_PAGE),
    "workdays:year_detail": (lambda w: {"year": 2026}, OWN_REGION_PAGE),
    "workdays:year_enter": (lambda w: {"year": 2027}, ADMIN_PAGE),
    # the audit chain's verification: administrators only (counts, hashes and event ids, no content)
    "audit:chain_check": (lambda w: {}, ADMIN_PAGE),
    "audit:sensitive_reads": (lambda w: {}, ADMIN_PAGE),
    "commitments:commitment_list": (lambda w: {}, OWN_REGION_PAGE),
    "commitments:template_list": (lambda w: {}, SIGNED_IN),
    "commitments:commitment_detail": (lambda w: {"pk": w["commitment"].pk}, READ),
    "commitments:commitment_fulfil": (lambda w: {"pk": w["commitment"].pk}, POST_ONLY),
    "commitments:commitment_break": (lambda w: {"pk": w["commitment"].pk}, POST_ONLY),
    "commitments:organization_commitments": (lambda w: {"code": w["org"].code}, READ),
    "commitments:commitment_sign": (lambda w: {"code": w["org"].code}, WRITE),
    "bans:ban_list": (lambda w: {}, OWN_REGION_PAGE),
    "bans:ban_create": (lambda w: {}, WRITER_PAGE),
    "bans:ban_detail": (lambda w: {"pk": w["ban"].pk}, READ),
    "bans:ban_confirm": (lambda w: {"pk": w["ban"].pk}, POST_ONLY),
    "bans:ban_dismiss": (lambda w: {"pk": w["ban"].pk}, POST_ONLY),
    "bans:ban_lift": (lambda w: {"pk": w["ban"].pk}, POST_ONLY),
    "bans:person_bans": (lambda w: {"pk": w["person"].pk}, READ),
    # 年度工作报告: staff of the region (and above) read and review; the organization files its own
    "annualreports:report_list": (lambda w: {}, OWN_REGION_PAGE),
    "annualreports:report_detail": (lambda w: {"pk": _annual_report(w).pk}, READ),
    "annualreports:report_return": (lambda w: {"pk": _annual_report(w).pk}, POST_ONLY),
    "annualreports:report_conclude": (lambda w: {"pk": _annual_report(w).pk}, POST_ONLY),
    "annualreports:attachment_add": (lambda w: {"pk": _annual_report(w).pk}, POST_ONLY),
    "annualreports:attachment_file": (
        lambda w: {"pk": _annual_report(w).pk, "att": _annual_report(w).attachments.get().pk},
        READ,
    ),
    "annualreports:paper_start": (lambda w: {}, PAPER_START),
    "annualreport_data:figure_page": (lambda w: {}, OWN_REGION_PAGE),
    "annualreport_data:figure_export": (lambda w: {"fmt": "xlsx"}, OWN_REGION_PAGE),
    "annualreports:paper_new": (lambda w: {"code": w["org"].code}, WRITE),
    "my_annualreports:report_list": (lambda w: {}, ORGANIZATION_ONLY),
    "my_annualreports:report_detail": (lambda w: {"year": _annual_report(w).year}, ORGANIZATION_ONLY),
    "my_annualreports:report_edit": (lambda w: {"year": _annual_report(w).year - 1}, ORGANIZATION_ONLY),
    "my_annualreports:report_submit": (lambda w: {"year": _annual_report(w).year}, ORGANIZATION_POST_ONLY),
    "my_annualreports:attachment_add": (lambda w: {"year": _annual_report(w).year}, ORGANIZATION_POST_ONLY),
    "my_annualreports:attachment_file": (
        lambda w: {"year": _annual_report(w).year, "pk": _annual_report(w).attachments.get().pk},
        ORGANIZATION_ONLY,
    ),
    "my_annualreports:attachment_remove": (
        lambda w: {"year": _annual_report(w).year, "pk": _annual_report(w).attachments.get().pk},
        ORGANIZATION_POST_ONLY,
    ),
    "my_commitments:commitment_list": (lambda w: {}, ORGANIZATION_ONLY),
    "my_commitments:commitment_sign": (lambda w: {}, ORGANIZATION_ONLY),
    "my_commitments:commitment_detail": (lambda w: {"pk": w["commitment"].pk}, ORGANIZATION_ONLY),
    "cases:complaint_new": (lambda w: {}, WRITER_PAGE),
    "cases:complaint_triage": (lambda w: {"pk": w["complaint"].pk}, WRITE),
    "cases:complaint_note": (lambda w: {"pk": w["complaint"].pk}, WRITE),
    "cases:complaint_link": (lambda w: {"pk": w["complaint"].pk}, WRITE),
    "cases:complaint_conclude": (lambda w: {"pk": w["complaint"].pk}, WRITE),
    "cases:complaint_reply": (lambda w: {"pk": w["complaint"].pk}, WRITE),
    "cases:complaint_document": (lambda w: {"pk": w["rejected"].pk, "doc": w["complaint_doc"].pk}, READ),
    "cases:case_list": (lambda w: {}, OWN_REGION_PAGE),
    "cases:case_detail": (lambda w: {"number": w["objection"].number}, READ),
    "cases:case_assign": (lambda w: {"number": w["objection"].number}, POST_ONLY),
    "cases:reporter_reads": (lambda w: {"number": w["complaint"].number}, SUPERVISOR_PAGE),
    "cases:evidence_download": (lambda w: {"number": w["objection"].number, "pk": w["evidence"].pk}, READ),
    "cases:document_print": (lambda w: {"number": w["objection"].number, "pk": w["receipt"].pk}, READ),
    "cases:objection_new": (lambda w: {"code": w["org"].code}, WRITE),
    "cases:objection_forward": (lambda w: {"pk": w["objection"].pk}, POST_ONLY),
    "cases:objection_verification": (lambda w: {"pk": w["objection"].pk}, POST_ONLY),
    "cases:objection_decide": (lambda w: {"pk": w["objection"].pk}, POST_ONLY),
    "cases:objection_notify": (lambda w: {"pk": w["objection"].pk}, POST_ONLY),
    "cases:repair_accept": (lambda w: {"pk": w["repair"].pk}, POST_ONLY),
    "cases:repair_refuse": (lambda w: {"pk": w["repair"].pk}, POST_ONLY),
    "cases:repair_decide": (lambda w: {"pk": w["repair"].pk}, POST_ONLY),
    "cases:repair_eligibility": (lambda w: {"record_id": w["record"].pk}, READ),
    "my:repair_index": (lambda w: {}, ORGANIZATION_ONLY),
    "my:repair_check": (lambda w: {"record_id": w["fine"].pk}, ORGANIZATION_ONLY),
    "my:repair_apply": (lambda w: {"record_id": w["fine"].pk}, ORGANIZATION_ONLY),
    "my:repair_list_removal": (lambda w: {"entry_id": w["entry"].pk}, OTHER_ORGANIZATION),
    "my:home": (lambda w: {}, ORGANIZATION_ONLY),
    "my:objection_new": (lambda w: {}, ORGANIZATION_ONLY),
    "my:case_detail": (lambda w: {"number": w["objection"].number}, ORGANIZATION_ONLY),
    "my:case_withdraw": (lambda w: {"number": w["objection"].number}, ORGANIZATION_POST_ONLY),
    "my:document_print": (
        lambda w: {"number": w["objection"].number, "pk": w["receipt"].pk},
        ORGANIZATION_ONLY,
    ),
    "my:evidence_download": (
        lambda w: {"number": w["objection"].number, "pk": w["evidence"].pk},
        ORGANIZATION_ONLY,
    ),
    "public:complaint_new": (lambda w: {}, PUBLIC),
    "public:complaint_lookup": (lambda w: {}, PUBLIC),
    # credit reports, their verification, 一社一码 and open data: public, for everyone (rate-limited;
    # tests in apps/reports); /my/qr/ is the organization's own page
    "reports:report_download": (lambda w: {"code": w["org"].code}, PUBLIC),
    "reports:verify": (lambda w: {}, PUBLIC),
    "reports:verify_code": (lambda w: {"code": _issued_report(w).verification_code}, PUBLIC),
    "reports:org_qr": (lambda w: {"code": w["org"].code, "kind": "svg"}, PUBLIC),
    "reports:open_data": (lambda w: {}, PUBLIC),
    "reports:open_data_file": (lambda w: {"name": _open_data_release()}, PUBLIC),
    "reports:my_qr": (lambda w: {}, ORGANIZATION_ONLY),
    # the public portal: the same for everyone, signed in or not
    "portal:home": (lambda w: {}, PUBLIC),
    "portal:search": (lambda w: {}, PUBLIC),
    "portal:profile": (lambda w: {"code": w["org"].code}, PUBLIC),
    "portal:list": (lambda w: {"kind": "abnormal"}, PUBLIC),
    "portal:list_download": (lambda w: {"kind": "serious", "fmt": "xlsx"}, PUBLIC),
    # where a sign-in lands: on to the staff list, /my/ or (anonymous) the sign-in page
    "portal:start": (lambda w: {}, dict.fromkeys(PERSONAS, 302)),
    # one's own password: every signed-in account, organization accounts included
    "accounts:password_change": (lambda w: {}, {**dict.fromkeys(PERSONAS, 200), "anonymous": 302}),
    # account administration (账号管理): administrators only, accounts and tokens of their region
    "office:account_list": (lambda w: {}, ADMIN_PAGE),
    "office:account_create": (lambda w: {}, ADMIN_PAGE),
    "office:account_detail": (lambda w: {"pk": w["org_account"].pk}, ADMIN_PAGE),
    **{
        f"office:account_{a}": (lambda w: {"pk": w["org_account"].pk}, POST_ONLY)
        for a in ("post", "disable", "enable", "password_reset", "unlock")
    },  # fmt: skip
    # 联合奖惩: checks (any staff reads within its region, writers check, only the maker gives
    # feedback), the measures catalogue (everyone reads, administrators save versions), blacklists
    "measures:check_list": (lambda w: {}, OWN_REGION_PAGE),
    "measures:check_new": (lambda w: {}, WRITER_PAGE),
    "measures:check_statistics": (lambda w: {}, OWN_REGION_PAGE),
    "measures:check_detail": (lambda w: {"number": _check_number(w)}, READ),
    "measures:check_report": (lambda w: {"number": _check_number(w)}, READ),
    "measures:check_feedback": (lambda w: {"number": _check_number(w)}, CHECK_MAKER),
    "measures:listing_list": (lambda w: {}, OWN_REGION_PAGE),
    "measures:catalogue_list": (lambda w: {}, SIGNED_IN),
    "measures:catalogue_detail": (lambda w: {"version": "measures-2019.1"}, SIGNED_IN),
    "measures:catalogue_new": (lambda w: {}, ADMIN_PAGE),
    "measures:organization_green_channel": (lambda w: {"code": w["org"].code}, READ),
    "office:token_list": (lambda w: {}, ADMIN_PAGE),
    "office:token_issue": (lambda w: {}, ADMIN_PAGE),
    "office:token_revoke": (lambda w: {"pk": factories.token(["records:read"])[0].pk}, ADMIN_PAGE),
    # 订阅管理: administrators, the subscriptions of their region's departments
    "subscriptions:subscription_list": (lambda w: {}, ADMIN_PAGE),
    "subscriptions:subscription_create": (lambda w: {}, ADMIN_PAGE),
    "subscriptions:subscription_detail": (lambda w: {"pk": _subscription().pk}, ADMIN_PAGE),
    "subscriptions:subscription_edit": (lambda w: {"pk": _subscription().pk}, ADMIN_PAGE),
    **{
        f"subscriptions:subscription_{a}": (lambda w: {"pk": _subscription().pk}, POST_ONLY)
        for a in ("rotate", "delete", "replay")
    },  # fmt: skip
    "subscriptions:delivery_replay": (lambda w: {"pk": _subscription().pk, "delivery_pk": 1}, POST_ONLY),
}
NAMESPACES = {
    "accounts",
    "registry",
    "records",
    "imports",
    "evaluation",
    "lists",
    "workdays",
    "audit",
    "commitments",
    "annualreports",
    "my_annualreports",
    "annualreport_data",
    "bans",
    "my_commitments",
    "my_lists",
    "cases",
    "my",
    "public",
    "office",
    "subscriptions",
    "reports",
    "portal",
    "measures",
    "spotchecks",
    "spotchecks_public",
    "statistics",
    "statistics_public",
    "riskwarnings",
    "dormancy",
}


def _named_routes(resolver: URLResolver | None = None, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or namespace
            names |= _named_routes(p, ns)
        elif isinstance(p, URLPattern) and p.name and namespace in NAMESPACES:
            names.add(f"{namespace}:{p.name}")
    return names


def test_every_route_is_in_the_matrix():
    assert _named_routes() == set(MATRIX), "add new routes to MATRIX with their expected access"


@pytest.fixture(scope="module")
def _world_once(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world built once for the module (and for the crawls that import it), rolled back at its
    end; each test reads it inside a savepoint of its own. Building it for each of the 236 routes
    cost about half a second of CPU each."""
    with rolled_back_module_data(django_db_blocker, tmp_path_factory.mktemp("matrix-world")) as media:
        yield build_world(factories.personas()), media


@pytest.fixture
def world(_world_once, db, settings):
    objects, settings.MEDIA_ROOT = _world_once
    return fresh(objects)


@pytest.mark.parametrize("route", sorted(MATRIX))
def test_route_access_for_each_persona(route, world, personas, client):
    build, expected = MATRIX[route]
    url = reverse(route, kwargs=build(world))
    got = {}
    for persona in PERSONAS:
        client.logout()
        if persona != "anonymous":
            client.force_login(world["org_account"] if persona == ORG else personas[persona])
        response = client.get(url)
        got[persona] = response.status_code
        if response.status_code == 302 and persona == "anonymous":
            assert reverse("accounts:login") in response["Location"], (
                f"{persona} {url} → {response['Location']}"
            )
    assert got == expected, f"{route}: {got}"


def test_every_api_operation_refuses_anonymous_callers(client, world):
    schema = client.get("/api/v1/openapi.json").json()
    assert len(schema["paths"]) >= 10
    params = {"code": world["org"].code, "id": world["record"].pk, "record_id": world["record"].pk,
              "person_id": world["person"].pk, "pk": world["record"].pk, "version": "reference-2026.1",
              "list": "serious", "number": world["objection"].number, "delivery_id": 1,
              "plan_id": 1}  # fmt: skip
    checked = 0
    for path, operations in schema["paths"].items():
        url = path
        for name, value in params.items():
            url = url.replace("{" + name + "}", str(value))
        assert "{" not in url, f"unfilled path parameter in {path}"
        for method in operations:
            response = client.generic(method.upper(), url, data="{}", content_type="application/json")
            assert response.status_code == 401, f"{method.upper()} {url} → {response.status_code}"
            checked += 1
    assert checked >= 12
