"""demo-data / demo-logins: load, idempotence, refusal, demo accounts and token (pytest-django)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from socredit.apps.accounts.models import ApiToken, User
from socredit.apps.accounts.services import authenticate_token
from socredit.apps.audit.models import AuditEvent
from socredit.apps.audit.services import verify_chain
from socredit.apps.demo.dormancy import demo_codes
from socredit.apps.demo.generator import generate
from socredit.apps.demo.loader import DEMO_PASSWORD, DemoDataExists, load_demo
from socredit.apps.records.models import CreditRecord, RecordStateChange
from socredit.apps.registry.models import Department, Organization, Person, Role
from socredit.common.access import restrict
from socredit.core.types import RecordSource

ORGS = 200
SEED = 11


@pytest.fixture(scope="module")
def _loaded_once(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo city loaded once for the module, in a transaction rolled back at its end; each test
    runs in a savepoint inside it (pytest-django's ``db``), so a test's writes never reach the next.
    Loading it for every test cost about 1.5 s of CPU each."""
    var_dir = tmp_path_factory.mktemp("demo-var")
    with (
        django_db_blocker.unblock(),
        override_settings(
            VAR_DIR=var_dir,
            SOCREDIT_AUDIT_ANCHOR_FILE=str(var_dir / "anchors.jsonl"),
            SOCREDIT_IMPORT_UPLOAD_DIR=var_dir / "uploads",
        ),
    ):
        outer = transaction.atomic()
        outer._from_testcase = True  # as a TestCase's class-wide atomic: durable blocks may open inside
        outer.__enter__()
        try:
            out = StringIO()
            call_command("demo_data", orgs=ORGS, seed=SEED, stdout=out)
            yield out.getvalue(), var_dir
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def loaded(_loaded_once, db, settings):
    output, settings.VAR_DIR = _loaded_once
    return output


def _expected(today):
    totals = {"orgs": 0, "persons": 0, "roles": 0, "records": 0, "links": 0}
    for b in generate(ORGS, SEED, today=today):
        totals["orgs"] += len(b.orgs)
        totals["persons"] += len(b.persons)
        totals["roles"] += len(b.roles)
        totals["records"] += len(b.records)
        totals["links"] += sum(len(r.persons) for r in b.records)
    return totals


def test_load_counts_match_the_generator(loaded):
    expected = _expected(timezone.localdate())
    # besides the generator's organizations, the demo office registered its dormant ones (demo.dormancy)
    assert Organization.objects.exclude(code__in=demo_codes()).count() == expected["orgs"] == ORGS
    assert Organization.objects.filter(code__in=demo_codes()).count() == len(demo_codes())
    assert Person.objects.count() == expected["persons"]
    assert Role.objects.count() == expected["roles"]
    # besides the generator's records, the demo's annual reports (demo.annualreports) and the demo office's
    # spot-check results (demo.spotchecks) wrote records through the records service, as in use
    generated = (
        CreditRecord.objects.exclude(external_id__startswith="annualreport-")
        .exclude(external_id__startswith="spotcheck-")
        .exclude(external_id__startswith="demo-dormancy-")
    )
    assert generated.count() == expected["records"]
    assert CreditRecord.persons.through.objects.count() == expected["links"]
    assert (
        RecordStateChange.objects.filter(reason="录入", to_status=1, record__in=generated).count()
        == expected["records"]
    )
    assert not generated.exclude(source=RecordSource.SYSTEM.value).exists()
    assert not generated.exclude(source_actor="demo-data").exists()
    assert Department.objects.filter(name="郑州市民政局").exists()
    assert Department.objects.filter(name="郑州市金水区民政局").exists()
    assert Department.objects.filter(name="新郑市民政局").exists()
    assert "已载入 200 个社会组织" in loaded


def test_loaded_rows_read_back_through_the_orm(loaded):
    org = Organization.objects.select_related("region").order_by("pk").first()
    assert org.registered_on <= timezone.localdate()
    assert org.region.code == org.code[2:8]
    fine = CreditRecord.objects.filter(kind__code="penalty_fine").first()
    if fine is not None:
        assert fine.amount > 0 and fine.persons.exists()
    assert CreditRecord.objects.filter(occurred_on__gt=timezone.localdate()).count() == 0
    # New rows after the load get fresh primary keys (sequences follow the explicit ids).
    assert Person.objects.create(name="新人", id_number="410105199001010011").pk > Person.objects.count() - 1


def test_one_audit_event_summarizes_the_load(loaded):
    event = AuditEvent.objects.get(action="demo.load")
    assert event.channel == "cli"
    assert event.data["organizations"] == ORGS
    assert verify_chain() is None


def test_if_empty_is_a_no_op_the_second_time(loaded):
    before = (
        Organization.objects.count(),
        CreditRecord.objects.count(),
        User.objects.count(),
        ApiToken.objects.count(),
    )
    out = StringIO()
    call_command("demo_data", orgs=ORGS, seed=SEED, if_empty=True, stdout=out)
    assert "沿用现有数据" in out.getvalue()
    after = (
        Organization.objects.count(),
        CreditRecord.objects.count(),
        User.objects.count(),
        ApiToken.objects.count(),
    )
    assert after == before


def test_second_load_without_if_empty_is_refused(loaded):
    with pytest.raises(CommandError, match="不会重复载入"):
        call_command("demo_data", orgs=ORGS, seed=SEED, stdout=StringIO())
    with pytest.raises(DemoDataExists):
        load_demo(orgs=10, seed=1)
    assert Organization.objects.exclude(code__in=demo_codes()).count() == ORGS


def _signs_in(client, username):
    """Signs in through the sign-in page (as a person would: the lockout backend needs the request)."""
    response = client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD})
    return response.status_code == 302 and "_auth_user_id" in client.session


@pytest.mark.parametrize(
    ("username", "region", "role"),
    [("city_admin", "410100", "admin"), ("jinshui", "410105", "officer"), ("xinzheng", "410184", "officer"),
     ("viewer", "410105", "viewer")],
)  # fmt: skip
def test_demo_users_log_in_and_are_scoped(loaded, client, username, region, role):
    user = User.objects.get(username=username)
    assert user.region.code == region and user.staff_role == role
    assert _signs_in(client, username)
    visible = restrict(Organization.objects.all(), user, "region__path")
    assert visible.exists()
    assert all(code.startswith(region[:4]) for code in visible.values_list("region__code", flat=True))
    if region != "410100":
        assert visible.count() < ORGS
        assert set(visible.values_list("region__code", flat=True)) == {region}


def test_superuser_admin_sees_everything(loaded, client):
    admin = User.objects.get(username="admin")
    assert admin.is_superuser
    assert _signs_in(client, "admin")
    assert restrict(Organization.objects.all(), admin, "region__path").count() == Organization.objects.count()
    assert Organization.objects.count() == ORGS + len(demo_codes())


def test_demo_token_file_holds_a_working_tax_token(loaded, settings):
    raw = (settings.VAR_DIR / "demo-token.txt").read_text().strip()
    token = authenticate_token(raw)
    assert token is not None
    assert token.department.kind == "tax"
    assert set(token.scopes) == {
        "records:write",
        "records:read",
        "organizations:read",
        "credit:read",
        "lists:read",
        "objections:verify",
        "complaints:write",
        "changes:read",
    }


def test_demo_logins_prints_url_accounts_and_token(loaded, settings):
    out = StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    assert "http://127.0.0.1:8000/" in text
    assert DEMO_PASSWORD in text and "仅供" in text
    for name in ("city_admin", "jinshui", "xinzheng", "viewer", "admin"):
        assert name in text
    assert str(settings.VAR_DIR / "demo-token.txt") in text


def test_demo_cases_give_an_organization_account_and_an_escalated_objection(loaded):
    from socredit.apps.accounts.models import User
    from socredit.apps.cases.models import Case, CaseStep

    account = User.objects.get(username="zuzhi")
    assert account.is_org_account and account.scope_path() is None
    assert Case.objects.filter(organization=account.organization, channel="organization").count() == 1
    forwarded = Case.objects.filter(channel="paper", steps__code="verify")
    for paper in forwarded:  # forwarded three weeks ago: verification overdue
        assert CaseStep.objects.filter(case=paper, code="verify", escalated_on__isnull=False).exists()


def test_demo_bureaus_have_letterheads_and_number_patterns(loaded):
    from socredit.apps.registry.documents import next_number
    from socredit.apps.registry.models import Department, DocumentType, Letterhead

    jinshui = Department.objects.get(code="mzj-410105")
    assert Letterhead.objects.get(department=jinshui).name == "郑州市金水区民政局"
    # the demo office's listing decisions took the first numbers of the bureau's pattern
    assert next_number(jinshui, DocumentType.LIST_DECISION, 2099) == "金民信列〔2099〕1号"
    assert not Letterhead.objects.filter(department__kind="tax").exists()


def test_the_street_account_sees_the_organizations_of_its_street(loaded):
    """金水区's organizations carry the streets of their addresses; 经八路街道's account sees only its own."""
    street = User.objects.get(username="jingbalu")
    visible = restrict(Organization.objects.all(), street, "region__path")
    assert visible.exists()
    assert set(visible.values_list("street__code", flat=True)) == {"410105001"}
    on_road = Organization.objects.filter(region__code="410105", address__contains="文化路").first()
    if on_road is not None:
        assert on_road.street.name == "文化路街道"


def test_the_demo_office_has_spot_checks(loaded):
    from socredit.apps.spotchecks.models import PlanState, SpotCheckPlan

    states = set(SpotCheckPlan.objects.values_list("state", flat=True))
    assert states == {PlanState.PUBLISHED, PlanState.DRAWN}
    current = SpotCheckPlan.objects.get(state=PlanState.DRAWN)
    assert current.checks.exclude(result="").exists()  # about half recorded (one of one in a small city)
    assert current.checks.filter(assignments__inspector__user__username="jinshui").exists()
