"""The access layer itself (every ``access_*``, ``own_*`` and ``administered_*`` function), called
directly for every kind of principal: each returns exactly the rows of the principal's region and
below, and nothing for a principal without scope.

The route matrices (test_access_matrix.py, test_write_matrix.py) check the same rules through the
pages, one route at a time; this suite checks each function on every principal at once — anonymous
visitors, viewers, officers of two districts, the city administrator, a superuser, an organization's
own account, department tokens of both districts and a revoked one — so that a changed lookup, a
dropped filter or a wrong default in one of them fails here in a second (it is also the test
selection of ``tools/mutants`` for the access modules).

The world is the matrix's (金水区 410105) with a second organization and its rows in 新郑市 (410184),
so that every district sees something and never the other district's rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from socredit.apps.accounts import access as accounts_access
from socredit.apps.accounts.models import ApiToken, User
from socredit.apps.accounts.services import revoke_token
from socredit.apps.audit import access as audit_access
from socredit.apps.audit.models import AuditEvent
from socredit.apps.audit.services import SENSITIVE_READS
from socredit.apps.bans import access as bans_access
from socredit.apps.bans.models import Ban
from socredit.apps.bans.services import record_ban
from socredit.apps.cases import access as cases_access
from socredit.apps.cases.models import Case, CaseKind
from socredit.apps.cases.services import complaints
from socredit.apps.commitments import access as commitments_access
from socredit.apps.commitments.models import Commitment, CommitmentTemplate
from socredit.apps.commitments.services import sign_commitment
from socredit.apps.evaluation import access as evaluation_access
from socredit.apps.evaluation.models import CreditScore, EvaluationRun, LevelChange
from socredit.apps.evaluation.services import run_evaluation
from socredit.apps.imports import access as imports_access
from socredit.apps.imports.models import ImportRun
from socredit.apps.lists import access as lists_access
from socredit.apps.lists.models import (
    ListDecision,
    ListEntry,
    ListNotice,
    ListProposal,
    ListStatement,
    PersonListing,
    RemovalApplication,
    StatementEvidence,
)
from socredit.apps.records import access as records_access
from socredit.apps.records.models import CreditRecord
from socredit.apps.registry import access as registry_access
from socredit.apps.registry.models import CONFIRMED_ROLE, Department, Organization, Person, Region, Role
from socredit.apps.registry.services import reveal_id_number
from socredit.apps.workdays.access import can_edit_calendar
from socredit.core.types import Visibility
from socredit.testing import factories
from socredit.testing.fixtures import fresh, rolled_back_module_data
from tests.system.matrix_world import build_world

pytestmark = pytest.mark.django_db

XINZHENG = "410184"


@pytest.fixture(scope="module")
def _layer_once(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Any:
    """The layer's world built once for the module, rolled back at its end (each test reads it
    inside a savepoint of its own)."""
    with rolled_back_module_data(django_db_blocker, tmp_path_factory.mktemp("layer-world")):
        yield _build_layer(factories.personas())


@pytest.fixture
def layer(_layer_once: dict[str, Any], db: None) -> dict[str, Any]:
    return {name: fresh(value) if isinstance(value, dict) else fresh({name: value})[name]
            for name, value in _layer_once.items()}  # fmt: skip


def _build_layer(personas: dict[str, User]) -> dict[str, Any]:
    world = build_world(personas)
    # 新郑市: an organization with a post, a record (and so a proposal), a commitment and a complaint
    xz_org = factories.organization(region_code=XINZHENG, name="新郑市访问层测试协会")
    factories.role(xz_org, factories.person("王芳"))
    factories.record(xz_org, "penalty_warning", actor=personas["staff_xinzheng"])
    # kept for internal use (内部使用): staff read it, department tokens never
    factories.record(world["org"], "penalty_warning", visibility=Visibility.INTERNAL.value)
    sign_commitment(personas["staff_xinzheng"], "form", xz_org, CommitmentTemplate.objects.get(code="general"),
                    signed_by_name="王芳")  # fmt: skip
    complaints.submit_complaint(None, "public", subject_name="新郑举报对象", region_code=XINZHENG,
                                content="访问层测试：该协会违规收费，有收据为证。")  # fmt: skip
    run_evaluation(actor=personas["staff_xinzheng"], channel="form", region=factories.region(XINZHENG))
    record_ban(actor=personas["staff_xinzheng"], channel="form", data={
        "name": "王芳", "id_number": Person.objects.get(name="王芳").id_number, "ground": "charity_penalty",
        "years": 1, "authority": "新郑市民政局", "document_number": "新民禁〔2026〕1号", "decided_on": world["ban"].decided_on,
    })  # fmt: skip
    # reads of whole ID numbers (the sensitive reads page): by the city administrator and by 新郑's
    xz_admin = factories.staff("admin_xinzheng", XINZHENG, "admin")
    reveal_id_number(personas["city_admin"], world["person"], shown_on="person_page")
    reveal_id_number(xz_admin, Person.objects.get(name="王芳"), shown_on="person_page")

    jinshui_dept = factories.department("js-mzj", "金水区民政局", "410105")
    xinzheng_dept = factories.department("xz-mzj", "新郑市民政局", XINZHENG)
    revoked, _ = factories.token(["records:read"], jinshui_dept, name="revoked")
    revoke_token(actor=personas["city_admin"], channel="form", token=revoked, reason="停用")
    principals: dict[str, Any] = {
        "none": None,
        "anonymous": AnonymousUser(),
        **{
            name: personas[name]
            for name in ("viewer_jinshui", "staff_jinshui", "staff_xinzheng", "city_admin", "superuser")
        },  # fmt: skip
        "org_jinshui": world["org_account"],
        "token_jinshui": factories.token(["records:read"], jinshui_dept, name="js")[0],
        "token_xinzheng": factories.token(["records:read"], xinzheng_dept, name="xz")[0],
        "token_revoked": ApiToken.objects.get(pk=revoked.pk),
    }
    return {"world": world, "principals": principals, "xz_org": xz_org, "xz_admin": xz_admin}


def _region_path(principal: Any) -> str | None:
    """The region path a principal may read at and below ("" for all, None for nothing), stated
    from the principal's own fields rather than through the code under test."""
    if principal is None or isinstance(principal, AnonymousUser):
        return None
    if isinstance(principal, ApiToken):
        return principal.department.region.path if principal.revoked_at is None else None
    if principal.is_superuser:
        return ""
    if principal.organization_id is not None or principal.region_id is None:
        return None
    return principal.region.path


def _within(rows: QuerySet[Any], field: str, path: str | None) -> set[Any]:
    if path is None:
        return set()
    if path == "":
        return set(rows.values_list("pk", flat=True))
    return set(rows.filter(**{f"{field}__startswith": path}).values_list("pk", flat=True))


def _is_token(principal: Any) -> bool:
    return isinstance(principal, ApiToken)


def _staff(principal: Any) -> bool:
    return isinstance(principal, User)


# name: (function, every row, the lookup to the row's region path, who is shown nothing whatever
# their region). The expected rows are those at or below the principal's region.
ScopedCase = tuple[Callable[[Any], QuerySet[Any]], Callable[[], QuerySet[Any]], str, Callable[[Any], bool]]
NOBODY_EXCLUDED: Callable[[Any], bool] = lambda p: False  # noqa: E731
SCOPED: dict[str, ScopedCase] = {
    "registry.access_organizations": (registry_access.access_organizations, Organization.objects.all, "region__path", NOBODY_EXCLUDED),
    "registry.access_roles": (registry_access.access_roles, Role.objects.all, "organization__region__path", NOBODY_EXCLUDED),
    "records.access_records": (records_access.access_records, CreditRecord.objects.all, "organization__region__path", NOBODY_EXCLUDED),
    "evaluation.access_scores": (evaluation_access.access_scores, CreditScore.objects.all, "organization__region__path", NOBODY_EXCLUDED),
    "evaluation.access_level_changes": (evaluation_access.access_level_changes, LevelChange.objects.all, "organization__region__path", NOBODY_EXCLUDED),
    "evaluation.access_runs": (evaluation_access.access_runs, EvaluationRun.objects.all, "region__path", NOBODY_EXCLUDED),
    "commitments.access_commitments": (commitments_access.access_commitments, Commitment.objects.all, "organization__region__path", NOBODY_EXCLUDED),
    "bans.access_bans": (bans_access.access_bans, Ban.objects.all, "region__path", NOBODY_EXCLUDED),
    "cases.access_cases": (cases_access.access_cases, Case.objects.all, "region__path", NOBODY_EXCLUDED),
    "lists.access_entries": (lists_access.access_entries, ListEntry.objects.all, "organization__region__path", NOBODY_EXCLUDED),
    "lists.access_proposals": (lists_access.access_proposals, ListProposal.objects.all, "organization__region__path", NOBODY_EXCLUDED),
    "lists.access_open_proposals": (lists_access.access_open_proposals, lambda: ListProposal.objects.filter(status=ListProposal.Status.PROPOSED), "organization__region__path", NOBODY_EXCLUDED),
    "lists.access_decisions": (lists_access.access_decisions, ListDecision.objects.all, "organization__region__path", NOBODY_EXCLUDED),
    "lists.access_applications": (lists_access.access_applications, RemovalApplication.objects.all, "entry__organization__region__path", NOBODY_EXCLUDED),
    "lists.access_notices": (lists_access.access_notices, ListNotice.objects.all, "organization__region__path", NOBODY_EXCLUDED),
    "lists.access_statements": (lists_access.access_statements, ListStatement.objects.all, "proposal__organization__region__path", NOBODY_EXCLUDED),
    "lists.access_statement_evidence": (lists_access.access_statement_evidence, StatementEvidence.objects.all, "statement__proposal__organization__region__path", NOBODY_EXCLUDED),
    # 失信惩戒落实到人: staff only, and only the public listings unless asked for the hidden ones
    "lists.access_person_listings": (lists_access.access_person_listings, lambda: PersonListing.objects.filter(public=True), "organization__region__path", _is_token),
    "lists.access_person_listings(hidden)": (lambda p: lists_access.access_person_listings(p, include_hidden=True), PersonListing.objects.all, "organization__region__path", _is_token),
}  # fmt: skip


# The relations each function joins (select_related) because the pages listing its rows show them:
# reading them from the rows it returns costs no query.
JOINED: dict[str, tuple[str, ...]] = {
    "registry.access_organizations": ("region",),
    "registry.access_roles": ("person", "organization"),
    "records.access_records": ("kind", "department", "organization"),
    "evaluation.access_scores": ("organization",),
    "evaluation.access_runs": ("region",),
    "commitments.access_commitments": ("organization.region", "template"),
    "bans.access_bans": ("person", "region", "organization"),
    "cases.access_cases": ("organization", "region", "assigned_to"),
    "lists.access_entries": ("organization.region", "entry_decision", "exit_decision"),
    "lists.access_proposals": ("organization.region",),
    "lists.access_decisions": ("organization.region",),
    "lists.access_applications": ("entry.organization.region",),
    "lists.access_notices": ("organization.region", "proposal"),
    "lists.access_statements": ("proposal.organization.region", "notice"),
    "lists.access_statement_evidence": ("statement.proposal.organization.region",),
    "lists.access_person_listings(hidden)": ("person", "organization", "decision"),
}


def _read_joined(rows: list[Any], paths: tuple[str, ...]) -> int:
    read = 0
    for row in rows:
        for path in paths:
            value = row
            for attr in path.split("."):
                value = getattr(value, attr) if value is not None else None
            read += value is not None
    return read


def test_each_access_function_joins_what_its_pages_show(layer, django_assert_num_queries):
    city = layer["principals"]["city_admin"]
    entry = layer["world"]["entry"]
    day = entry.entry_decision.decided_on
    PersonListing.objects.create(
        person=layer["world"]["person"], person_name="李娜", organization=entry.organization,
        decision=entry.entry_decision, entry=entry, post="legal_rep", from_date=day, act_end=day,
        retention_until=day.replace(year=day.year + 5), public=False,
    )  # fmt: skip
    for name, paths in JOINED.items():
        rows = list(SCOPED[name][0](city))  # model instances: the joins are made (and checked) here
        assert rows, name
        with django_assert_num_queries(0):
            assert _read_joined(rows, paths), name
    account = layer["principals"]["org_jinshui"]
    for own, paths in ((cases_access.own_records, ("kind", "department", "organization")),
                       (lists_access.own_notices, ("proposal", "organization")),
                       (commitments_access.own_commitments, ("organization.region", "template"))):  # fmt: skip
        rows = list(own(account))
        assert rows, own.__name__
        with django_assert_num_queries(0):
            assert _read_joined(rows, paths), own.__name__


def test_each_access_function_returns_the_rows_of_the_principals_region_and_no_other(layer):
    """One test for all of them (not one per function): each mutant of an access module runs the
    tests that reach it, and the world is built once per test."""
    for name in sorted(SCOPED):
        _check_scoped(name, layer)


def _check_scoped(name: str, layer: dict[str, Any]) -> None:
    function, everything, field, excluded = SCOPED[name]
    seen = {}
    for who, principal in layer["principals"].items():
        if name == "cases.access_cases" and who == "org_jinshui":
            continue  # an organization's own cases: test_an_organization_account_reads_only_its_own_file
        expected = set() if excluded(principal) else _within(everything(), field, _region_path(principal))
        if name == "records.access_records" and _is_token(principal):
            internal = set(
                CreditRecord.objects.filter(visibility=Visibility.INTERNAL.value).values_list("pk", flat=True)
            )
            assert internal & expected or who != "token_jinshui", (
                "the world keeps no internal record in 金水区"
            )
            expected -= internal
        seen[who] = set(function(principal).values_list("pk", flat=True))
        assert seen[who] == expected, (name, who)
    # not vacuous: 金水区 staff see rows of the world, the city sees at least theirs, and an
    # officer of 新郑 none of them
    if name.startswith("lists.access_person_listings"):
        return  # the world lists no person; test_person_listings_are_staff_only_and_public_unless_asked
    assert seen["staff_jinshui"], f"the world has no row for {name}"
    assert seen["staff_jinshui"] <= seen["city_admin"] <= seen["superuser"], name
    assert not seen["staff_jinshui"] & seen["staff_xinzheng"], name


def test_person_listings_are_staff_only_and_public_unless_asked(layer):
    entry = layer["world"]["entry"]
    day = entry.entry_decision.decided_on
    listing = PersonListing.objects.create(
        person=layer["world"]["person"], person_name="李娜", organization=entry.organization,
        decision=entry.entry_decision, entry=entry, post="legal_rep", from_date=day, act_end=day,
        retention_until=day.replace(year=day.year + 5), public=False,
    )  # fmt: skip
    principals = layer["principals"]
    for who in ("staff_jinshui", "city_admin", "superuser", "viewer_jinshui"):
        assert list(lists_access.access_person_listings(principals[who])) == [], who
        assert list(lists_access.access_person_listings(principals[who], include_hidden=True)) == [listing], (
            who
        )
    listing.public = True
    listing.save(update_fields=["public"])
    for who in ("staff_jinshui", "city_admin"):
        assert list(lists_access.access_person_listings(principals[who])) == [listing], who
    for who in ("staff_xinzheng", "token_jinshui", "org_jinshui", "anonymous", "none"):
        assert not lists_access.access_person_listings(principals[who], include_hidden=True).exists(), who


def test_persons_are_read_through_a_confirmed_post_in_the_region(layer):
    principals, world = layer["principals"], layer["world"]
    wang = Person.objects.get(name="王芳")
    li = world["person"]
    expected = {
        "staff_jinshui": {li.pk},
        "viewer_jinshui": {li.pk},
        "staff_xinzheng": {wang.pk},
        "token_xinzheng": {wang.pk},
        "city_admin": {li.pk, wang.pk},
        "org_jinshui": set(),
        "anonymous": set(),
        "none": set(),
        "token_revoked": set(),
    }
    for who, persons in expected.items():
        got = set(registry_access.access_persons(principals[who]).values_list("pk", flat=True))
        assert persons <= got if who == "city_admin" else got == persons, who
    unposted = factories.person("孙磊")  # registered (e.g. by a screening) but holding no post
    assert set(registry_access.access_persons(principals["superuser"])) == set(Person.objects.all())
    assert unposted in registry_access.access_persons(principals["superuser"])
    assert unposted not in registry_access.access_persons(principals["city_admin"])
    assert registry_access.access_person(principals["staff_jinshui"], li.pk) == li
    assert registry_access.access_person(principals["city_admin"], wang.pk) == wang
    # a post held for an identity check gives no access to the person it was filed against
    held = world["held_role"]
    Role.objects.filter(CONFIRMED_ROLE, person=li).delete()
    assert not registry_access.access_persons(principals["staff_jinshui"]).filter(pk=li.pk).exists()
    assert held.person_id == li.pk
    with pytest.raises(Exception) as raised:
        registry_access.access_person(principals["staff_jinshui"], li.pk)
    assert raised.type.__name__ == "Http404"


def test_one_organization_by_code_is_the_same_404_missing_or_out_of_region(layer, django_assert_num_queries):
    from django.http import Http404

    principals, org, xz_org = layer["principals"], layer["world"]["org"], layer["xz_org"]
    for who in ("staff_jinshui", "viewer_jinshui", "city_admin", "superuser", "token_jinshui"):
        assert registry_access.access_organization(principals[who], org.code).pk == org.pk, who
        # codes are matched as typed by people: surrounding blanks and lower case
        assert registry_access.access_organization(principals[who], f" {org.code.lower()} ").pk == org.pk
    for who in ("staff_xinzheng", "token_xinzheng", "org_jinshui", "anonymous", "none", "token_revoked"):
        with pytest.raises(Http404):
            registry_access.access_organization(principals[who], org.code)
    assert registry_access.access_organization(principals["staff_xinzheng"], xz_org.code).pk == xz_org.pk
    with pytest.raises(Http404):
        registry_access.access_organization(principals["superuser"], "91410000MA00000000")
    # the stored score comes joined, and is known to be empty where there is none
    bare = factories.organization(region_code="410105", name="郑州市金水区未评价协会")
    unscored = registry_access.access_organization(principals["city_admin"], bare.code, related=("credit",))
    with django_assert_num_queries(0):  # known to be empty from the join: no query to find out
        assert not hasattr(unscored, "credit")
    found = registry_access.access_organization(principals["staff_jinshui"], org.code)
    with django_assert_num_queries(0):  # the region comes with it
        assert found.region.code == "410105"
    assert found.registered_on == org.registered_on and isinstance(found.registered_on, dt.date)
    assert found.created_at == Organization.objects.get(pk=org.pk).created_at
    scored = registry_access.access_organization(principals["city_admin"], org.code, related=("credit",))
    assert scored.credit == CreditScore.objects.get(organization=org)
    assert scored.region.path == org.region.path and scored.name == org.name


def test_an_organization_account_reads_only_its_own_file(layer):
    principals, world = layer["principals"], layer["world"]
    account, org = principals["org_jinshui"], world["org"]
    # a complaint about the organization itself: never in its own file
    complaints.link_organization(principals["staff_jinshui"], world["complaint"], org.code)
    assert Case.objects.filter(organization=org, kind=CaseKind.COMPLAINT).exists()
    cases = set(cases_access.access_cases(account).values_list("pk", flat=True))
    own = Case.objects.filter(organization=org).exclude(kind=CaseKind.COMPLAINT)
    assert cases == set(own.values_list("pk", flat=True)) and cases
    assert set(cases_access.own_cases(account).values_list("pk", flat=True)) == cases
    records = set(cases_access.own_records(account).values_list("pk", flat=True))
    visible = CreditRecord.objects.filter(organization=org).exclude(visibility=Visibility.INTERNAL.value)
    assert records == set(visible.values_list("pk", flat=True)) and records
    assert set(commitments_access.own_commitments(account)) == set(
        Commitment.objects.filter(organization=org)
    )
    assert set(lists_access.own_notices(account)) == set(ListNotice.objects.filter(organization=org))
    assert list(lists_access.own_statement_evidence(account)) == [world["statement_evidence"]]
    # and no region scope of its own: no staff function gives it a row
    for name, (function, _all, _field, _excluded) in SCOPED.items():
        if name != "cases.access_cases":
            assert not function(account).exists(), name
    # an internal record of its own is not in its file
    internal = factories.record(org, "penalty_warning", visibility=Visibility.INTERNAL.value)
    assert not cases_access.own_records(account).filter(pk=internal.pk).exists()
    # anyone else has no own file, whatever they may read as staff or a department
    for who, principal in principals.items():
        if who == "org_jinshui":
            continue
        for own in (cases_access.own_cases, cases_access.own_records, commitments_access.own_commitments,
                    lists_access.own_notices, lists_access.own_statement_evidence):  # fmt: skip
            assert not own(principal).exists(), (who, own.__name__)


def test_administration_reads_only_the_administrators_region(layer):
    principals = layer["principals"]
    city, superuser = principals["city_admin"], principals["superuser"]
    officer, viewer = principals["staff_jinshui"], principals["viewer_jinshui"]
    assert accounts_access.can_administer(city) and accounts_access.can_administer(superuser)
    for who in ("staff_jinshui", "viewer_jinshui", "org_jinshui", "anonymous", "none", "token_jinshui"):
        assert not accounts_access.can_administer(principals[who]), who
        assert not accounts_access.administered_accounts(principals[who]).exists(), who
    regional_superuser = factories.staff("superuser_jinshui", "410105", "viewer", superuser=True)
    assert accounts_access.can_administer(regional_superuser)  # whatever post it holds
    accounts = set(accounts_access.administered_accounts(city))
    city_path = city.region.path
    assert officer in accounts and viewer in accounts and principals["staff_xinzheng"] in accounts
    assert principals["org_jinshui"] in accounts and superuser not in accounts
    assert regional_superuser not in accounts
    assert all(
        (u.organization.region.path if u.organization_id else u.region.path).startswith(city_path) for u in accounts
    )  # fmt: skip
    assert set(accounts_access.administered_accounts(superuser)) == set(User.objects.all())
    # a district administrator: the district's accounts, not the city's or the other district's
    district_admin = factories.staff("admin_jinshui", "410105", "admin")
    district = set(accounts_access.administered_accounts(district_admin))
    assert officer in district and principals["org_jinshui"] in district
    assert city not in district and principals["staff_xinzheng"] not in district
    for fn, model_all, field in (
        (accounts_access.administered_regions, Region.objects.filter(active=True), "path"),
        (accounts_access.administered_departments, Department.objects.all(), "region__path"),
        (accounts_access.administered_tokens, ApiToken.objects.all(), "department__region__path"),
    ):
        assert set(fn(district_admin).values_list("pk", flat=True)) == _within(
            model_all, field, district_admin.region.path
        )
        assert set(fn(superuser).values_list("pk", flat=True)) == set(model_all.values_list("pk", flat=True))
        assert fn(district_admin).exists(), fn.__name__
        for who in ("staff_jinshui", "viewer_jinshui", "org_jinshui", "anonymous"):
            assert not fn(principals[who]).exists(), (fn.__name__, who)
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    token = principals["token_xinzheng"]
    assert accounts_access.access_token(city, token.pk) == token
    with pytest.raises(Http404):
        accounts_access.access_token(district_admin, token.pk)
    with pytest.raises(PermissionDenied):
        accounts_access.access_token(officer, token.pk)
    assert accounts_access.access_account(district_admin, officer.pk) == officer
    with pytest.raises(Http404):
        accounts_access.access_account(district_admin, principals["staff_xinzheng"].pk)
    with pytest.raises(PermissionDenied):
        accounts_access.access_account(viewer, officer.pk)


def test_rule_administration_and_the_sensitive_reads_are_for_administrators(layer):
    principals = layer["principals"]
    allowed = {"city_admin", "superuser", "superuser_viewer"}
    principals = {
        **principals,
        "superuser_viewer": factories.staff("superuser_v", "410105", "viewer", superuser=True),
    }
    for who, principal in principals.items():
        for check in (can_edit_calendar, audit_access.can_verify_chain, audit_access.can_review_reads):
            assert check(principal) == (who in allowed), (who, check.__name__)
    reads = AuditEvent.objects.filter(action__in=list(SENSITIVE_READS))
    assert reads.count() >= 2
    assert set(audit_access.access_sensitive_reads(principals["superuser"])) == set(reads)
    city_reads = set(audit_access.access_sensitive_reads(principals["city_admin"]))
    assert city_reads == set(reads)  # both districts lie in the city
    district_admin = layer["xz_admin"]
    district_reads = list(audit_access.access_sensitive_reads(district_admin))
    assert district_reads and all(e.actor_id == district_admin.pk for e in district_reads)
    assert [e.pk for e in district_reads] == sorted((e.pk for e in district_reads), reverse=True)
    for who in ("staff_jinshui", "viewer_jinshui", "org_jinshui", "anonymous", "none", "token_jinshui"):
        assert not audit_access.access_sensitive_reads(principals[who]).exists(), who


def test_import_runs_are_the_principals_own_and_their_regions(layer):
    principals = layer["principals"]
    run = layer["world"]["run"]  # run by staff_jinshui
    other = ImportRun.objects.create(actor=principals["viewer_jinshui"], actor_label="viewer_jinshui",
                                     kind="records", file_name="v.csv", sha256="1" * 64, channel="import")  # fmt: skip
    assert imports_access.access_import_run(principals["staff_jinshui"], other.pk) == other
    for who in ("staff_jinshui", "viewer_jinshui", "city_admin", "superuser"):
        assert imports_access.access_import_runs(principals[who]).filter(pk=run.pk).exists(), who
        assert imports_access.access_import_run(principals[who], run.pk) == run
    for who in ("staff_xinzheng", "org_jinshui", "anonymous", "none", "token_revoked"):
        assert not imports_access.access_import_runs(principals[who]).exists(), who
    # a national account's own run is visible to it (its region path is not below anyone's)
    national = factories.staff("national_admin", None, "admin", superuser=True)
    mine = ImportRun.objects.create(actor=national, actor_label="national_admin", kind="records",
                                    file_name="n.csv", sha256="0" * 64, channel="import")  # fmt: skip
    assert imports_access.access_import_runs(national).filter(pk=mine.pk).exists()
    assert not imports_access.access_import_runs(principals["city_admin"]).filter(pk=mine.pk).exists()


def test_the_stored_score_and_level_history_of_one_organization(layer):
    principals, org = layer["principals"], layer["world"]["org"]
    score = CreditScore.objects.get(organization=org)
    assert evaluation_access.access_score(principals["staff_jinshui"], org) == score
    assert evaluation_access.access_score(principals["staff_xinzheng"], org) is None
    changes = evaluation_access.access_level_changes(principals["city_admin"], org)
    assert set(changes) == set(LevelChange.objects.filter(organization=org))
    assert (
        not evaluation_access.access_level_changes(principals["city_admin"], layer["xz_org"])
        .filter(organization=org)
        .exists()
    )


def test_reference_data_is_readable_and_ordered(layer):
    kinds = records_access.record_kinds()
    assert kinds.exists() and not kinds.filter(active=False).exists()
    templates = list(commitments_access.commitment_templates())
    assert templates[0].code == "general"
    active = list(commitments_access.commitment_templates(active_only=True))
    assert active and active[0].code == "general" and all(t.active for t in active)
    retired = CommitmentTemplate.objects.exclude(code="general").first()
    retired.active = False
    retired.save(update_fields=["active"])
    assert retired in commitments_access.commitment_templates()
    assert retired not in commitments_access.commitment_templates(active_only=True)


def test_a_complaints_reporter_is_for_its_assigned_handler_only(layer):
    """举报人信息严格保密 (seed 004 §五): the assigned handler alone reads the reporter; who may hold a
    complaint, and who may review the reads of its reporter, follow the posts and regions."""
    from socredit.apps.cases.access import (
        can_see_reporter,
        may_handle_complaint,
        may_review_reporter_reads,
        reporter_for,
        reporter_reads,
    )
    from socredit.apps.cases.access import own_notices as case_notices
    from socredit.apps.cases.services.common import assign

    principals, world = layer["principals"], layer["world"]
    officer, city = principals["staff_jinshui"], principals["city_admin"]
    case, _ = complaints.submit_complaint(
        None, "public", subject_name="访问层举报对象", region_code="410105",
        content="访问层测试：该协会违规收费，有收据为证。", reporter={"name": "赵敏", "phone": "13800000000"},
    )  # fmt: skip
    handlers = {"staff_jinshui", "city_admin"}
    for who, principal in principals.items():
        if isinstance(principal, User) or principal is None:
            assert may_handle_complaint(principal, case) == (who in handlers), who
        assert not can_see_reporter(principal, case), who  # nobody while it is unassigned
        assert reporter_for(principal, case) is None, who
    assert not may_handle_complaint(layer["xz_admin"], case)  # another district's administrator

    assign(city, case, officer, reason="访问层测试：交金水区承办。")
    case.refresh_from_db()
    assert can_see_reporter(officer, case)
    assert reporter_for(officer, case).name == "赵敏"
    for who in set(principals) - {"staff_jinshui"}:
        assert not can_see_reporter(principals[who], case), who
        assert reporter_for(principals[who], case) is None, who
    # the reads are for the complaint's supervisor: an administrator at or above its region, a superuser
    complaints.read_reporter(officer, case, shown_on="case_page")
    reviewers = {"city_admin", "superuser"}
    for who, principal in principals.items():
        if isinstance(principal, User) or principal is None:
            assert may_review_reporter_reads(principal, case) == (who in reviewers), who
            assert reporter_reads(principal, case).exists() == (who in reviewers), who
    assert not may_review_reporter_reads(layer["xz_admin"], case)
    assert [e.actor_id for e in reporter_reads(city, case)] == [officer.pk]
    second, _ = complaints.submit_complaint(
        None, "public", subject_name="访问层举报对象二", region_code="410105",
        content="访问层测试：另一件举报，有收据为证。", reporter={"name": "钱多", "phone": "13900000000"},
    )  # fmt: skip
    assign(city, second, officer, reason="访问层测试：交金水区承办。")
    second.refresh_from_db()
    complaints.read_reporter(officer, second, shown_on="case_page")
    assert reporter_reads(city, case).count() == 1 and reporter_reads(city, second).count() == 1
    # an objection has no reporter and no reads to review, whoever handles it
    objection = world["objection"]
    assert not can_see_reporter(officer, objection) and not may_review_reporter_reads(city, objection)
    # taken back by the city: the officer is told (a notice in their inbox) and reads no more
    assign(city, case, None, reason="访问层测试：收回。")
    case.refresh_from_db()
    assert not can_see_reporter(officer, case) and reporter_for(officer, case) is None
    assert [n.case_id for n in case_notices(officer)] == [case.pk]
    assert not case_notices(city).exists() and not case_notices(principals["anonymous"]).exists()
    # an officer who leaves (deactivated) reads nothing, even of a complaint still assigned to them
    assign(city, case, officer, reason="访问层测试：再交金水区承办。")
    case.refresh_from_db()
    officer.is_active = False
    officer.save(update_fields=["is_active"])
    assert not can_see_reporter(officer, case) and not may_handle_complaint(officer, case)
    city.is_active = False
    city.save(update_fields=["is_active"])
    assert not may_review_reporter_reads(city, case)


def test_one_row_by_id_is_the_same_404_missing_or_out_of_region(layer):
    from django.http import Http404

    principals, world = layer["principals"], layer["world"]
    account = principals["org_jinshui"]
    getters = [
        (commitments_access.access_commitment, world["commitment"]),
        (bans_access.access_ban, world["ban"]),
        (evaluation_access.access_run, world["evaluation_run"]),
        (lists_access.access_entry, world["entry"]),
        (records_access.access_record, world["record"]),
    ]
    for getter, row in getters:
        assert getter(principals["staff_jinshui"], row.pk) == row, getter.__name__
        assert getter(principals["city_admin"], row.pk) == row, getter.__name__
        for who in ("staff_xinzheng", "org_jinshui", "anonymous"):
            with pytest.raises(Http404):
                getter(principals[who], row.pk)
        with pytest.raises(Http404):
            getter(principals["superuser"], 10**9)
    commitment = world["commitment"]
    assert commitments_access.own_commitment(account, commitment.pk) == commitment
    for who in ("staff_jinshui", "city_admin"):
        with pytest.raises(Http404):
            commitments_access.own_commitment(principals[who], commitment.pk)
    # a post held for an identity check: for staff who read both the person and the post
    held, person = world["held_role"], world["person"]
    assert registry_access.access_held_role(principals["staff_jinshui"], person, held.pk) == held
    confirmed = Role.objects.filter(CONFIRMED_ROLE, person=person).first()
    with pytest.raises(Http404):  # a confirmed post is not held
        registry_access.access_held_role(principals["staff_jinshui"], person, confirmed.pk)
    with pytest.raises(Http404):
        registry_access.access_held_role(principals["staff_xinzheng"], person, held.pk)
