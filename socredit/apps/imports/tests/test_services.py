"""run_import(): every validation error kind gives (row, field, reason); valid rows land; dry run
writes nothing; a second import of the same file changes nothing; audit and provenance."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from socredit.apps.audit.models import AuditEvent
from socredit.apps.audit.services import verify_chain
from socredit.apps.imports.columns import ORGANIZATION_COLUMNS, RECORD_COLUMNS, ROLE_COLUMNS
from socredit.apps.imports.models import ImportStatus
from socredit.apps.imports.services import run_import
from socredit.apps.records.models import CreditRecord, RecordStateChange
from socredit.apps.registry.models import Organization, Person, Role
from socredit.common.imports import write_csv, write_xlsx
from socredit.core.codes import make_id_number, make_social_org_code
from socredit.core.types import OrgType, RecordSource
from socredit.testing import factories

pytestmark = pytest.mark.django_db

REC_HEAD = [c.title for c in RECORD_COLUMNS]
ORG_HEAD = [c.title for c in ORGANIZATION_COLUMNS]
ROLE_HEAD = [c.title for c in ROLE_COLUMNS]


def rec(
    org,
    doc,
    kind="penalty_warning",
    occurred="2024-05-10",
    amount="",
    persons="",
    external_id="",
    dept="郑州市民政局",
    **kw,
):
    row = {"organization": org.code if hasattr(org, "code") else org, "kind": kind, "occurred_on": occurred,
           "decided_on": "", "document_number": doc, "amount": amount, "department": dept, "summary": kw.get("summary", "摘要"),
           "visibility": "", "dishonesty_class": "", "persons": persons, "external_id": external_id}  # fmt: skip
    return [row[c.field] for c in RECORD_COLUMNS]


def imp(actor, kind, rows, head, dry_run=False, name="f.csv"):
    content = write_xlsx(head, rows) if name.endswith(".xlsx") else write_csv(head, rows)
    return run_import(
        actor=actor, channel="import", kind=kind, content=content, file_name=name, dry_run=dry_run
    )


def errors_of(run):
    return {(e["row"], e["field"]): e["message"] for e in run.errors}


@pytest.fixture
def setup(personas, civil_affairs):
    org = factories.organization("410105", registered_on=dt.date(2015, 3, 1))
    other = factories.organization("410184")  # 新郑: outside 金水's scope
    return {"org": org, "other": other, "user": personas["staff_jinshui"]}


def test_each_record_error_kind_is_reported_with_row_and_field(setup):
    org, other, user = setup["org"], setup["other"], setup["user"]
    factories.record(org, document_number="DB-1")  # existing in the database, different content from row 13
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    rows = [
        rec(org, "OK-1"),                                        # 2 valid
        rec("51410105MJ0000018X", "E-1"),                        # 3 code unknown (checksum not asked: lookup)
        rec(other, "E-2"),                                       # 4 out of scope → unknown organization
        rec(org, "E-3", kind="no_such_kind"),                    # 5 unknown kind
        rec(org, "E-4", occurred="2024-02-30"),                  # 6 impossible date
        rec(org, "E-5", occurred=future),                        # 7 future date
        rec(org, "E-6", kind="penalty_fine", amount="-5"),       # 8 negative amount
        rec(org, "OK-1"),                                        # 9 duplicate document number in the file
        rec(org, "E-8", occurred="2010-01-01"),                  # 10 before registration
        rec(org, "E-9", dept="不存在的部门"),                    # 11 unknown department
        rec(org, "E-10", persons="410105198506010013"),          # 12 ID checksum
        rec(org, "DB-1", summary="另一内容"),                    # 13 same key as a DB record, other content
        rec(org, "OK-2"),                                        # 14 valid
    ]  # fmt: skip
    run = imp(user, "records", rows, REC_HEAD)
    errs = errors_of(run)
    assert set(errs) == {(3, "organization"), (4, "organization"), (5, "kind"), (6, "occurred_on"),
                         (7, "occurred_on"), (8, "amount"), (9, "document_number"), (10, "occurred_on"),
                         (11, "department"), (12, "persons"), (13, "document_number")}  # fmt: skip
    assert "未知的社会组织" in errs[(4, "organization")]
    assert "不存在" in errs[(6, "occurred_on")] and "晚于今天" in errs[(7, "occurred_on")]
    assert "负数" in errs[(8, "amount")] and "第 2 行" in errs[(9, "document_number")]
    assert "校验位" in errs[(12, "persons")] and "内容不同" in errs[(13, "document_number")]
    assert run.errors[0]["column"] == "统一社会信用代码（organization）"
    assert (run.created, run.unchanged, run.error_rows, run.status) == (2, 0, 11, ImportStatus.PARTIAL)
    created = CreditRecord.objects.filter(source_ref=f"import:{run.pk}")
    assert sorted(created.values_list("document_number", flat=True)) == ["OK-1", "OK-2"]
    assert all(r.source == RecordSource.IMPORT.value for r in created)
    assert RecordStateChange.objects.filter(record__in=created).count() == 2
    assert (
        AuditEvent.objects.filter(action="import.records", target_id=str(run.pk), channel="import").count()
        == 1
    )
    assert verify_chain() is None


def test_invalid_org_code_checksum_in_organization_import(setup):
    code = make_social_org_code("410105", OrgType.ASSOCIATION, 123)
    bad = code[:-1] + ("0" if code[-1] != "0" else "1")
    rows = [[bad, "甲", "", "", "", "", "", "2015-01-01", "", "", "", ""]]
    run = imp(setup["user"], "organizations", rows, ORG_HEAD)
    assert "校验位" in errors_of(run)[(2, "code")]


def test_dry_run_writes_nothing_and_second_import_changes_nothing(setup):
    org, user = setup["org"], setup["user"]
    who = factories.person("李四")
    factories.role(org, who)
    rows = [rec(org, f"D-{i}", persons=who.id_number if i % 2 else "", external_id=f"X{i}" if i % 3 == 0 else "")
            for i in range(30)]  # fmt: skip
    before = (CreditRecord.objects.count(), AuditEvent.objects.count())
    dry = imp(user, "records", rows, REC_HEAD, dry_run=True)
    assert (dry.created, dry.error_rows, dry.dry_run) == (30, 0, True)
    assert (CreditRecord.objects.count(), AuditEvent.objects.count()) == before
    first = imp(user, "records", rows, REC_HEAD)
    assert first.created == 30 and CreditRecord.objects.count() == before[0] + 30
    assert CreditRecord.objects.get(document_number="D-1").persons.get() == who
    second = imp(user, "records", rows, REC_HEAD)
    assert (second.created, second.unchanged, second.error_rows) == (0, 30, 0)
    assert CreditRecord.objects.count() == before[0] + 30


def test_external_id_is_the_key_when_given(setup):
    org, user = setup["org"], setup["user"]
    imp(user, "records", [rec(org, "", external_id="EXT-1")], REC_HEAD)
    run = imp(user, "records", [rec(org, "", external_id="EXT-1", summary="改过")], REC_HEAD)
    assert "外部编号相同但内容不同" in errors_of(run)[(2, "external_id")]


def test_organizations_create_update_unchanged_and_scope(setup):
    user = setup["user"]
    org = setup["org"]
    new_code = make_social_org_code("410105", OrgType.FOUNDATION, 777)
    out_code = make_social_org_code("410184", OrgType.ASSOCIATION, 778)
    rows = [
        [new_code, "新基金会", "", "", "", "", "慈善公益", "2020-01-02", "", "", "", ""],
        [org.code, org.name, "", "", "", "", "", org.registered_on.isoformat(), "", "新地址1号", "", ""],
        [setup["other"].code, "改名", "", "", "", "", "", "2015-01-01", "", "", "", ""],
        [out_code, "新郑的", "", "", "", "", "", "2015-01-01", "", "", "", ""],
        [new_code, "重复", "", "", "", "", "", "2020-01-02", "", "", "", ""],
        [
            make_social_org_code("410105", OrgType.ASSOCIATION, 779),
            "未来",
            "",
            "",
            "",
            "",
            "",
            "2999-01-01",
            "",
            "",
            "",
            "",
        ],
    ]
    run = imp(user, "organizations", rows, ORG_HEAD, name="o.xlsx")
    errs = errors_of(run)
    assert set(errs) == {(4, "code"), (5, "region"), (6, "code"), (7, "registered_on")}
    assert (run.created, run.updated, run.unchanged) == (1, 1, 0)
    created = Organization.objects.get(code=new_code)
    assert created.org_type == "3" and created.region.code == "410105" and created.registration_authority
    org.refresh_from_db()
    assert org.address == "新地址1号"
    again = imp(user, "organizations", rows, ORG_HEAD, name="o.xlsx")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_roles_create_persons_and_posts_idempotently(setup):
    org, user = setup["org"], setup["user"]
    known = factories.person("王五")
    fresh = make_id_number("410105", dt.date(1990, 1, 1), 11)
    rows = [
        [org.code, "赵六", fresh, "法定代表人", "2016-01-01", ""],
        [org.code, "王五", known.id_number, "secretary_general", "2017-01-01", "2019-12-31"],
        [org.code, "错名", known.id_number, "理事", "2017-01-01", ""],
        [org.code, "赵六", fresh, "legal_rep", "2016-01-01", ""],
        [setup["other"].code, "赵六", fresh, "理事", "2016-01-01", ""],
        [
            org.code,
            "钱七",
            make_id_number("410105", dt.date(1990, 1, 1), 12),
            "不存在的职务",
            "2016-01-01",
            "2015-01-01",
        ],
    ]
    run = imp(user, "roles", rows, ROLE_HEAD)
    errs = errors_of(run)
    assert set(errs) == {(4, "name"), (5, ""), (6, "organization"), (7, "kind"), (7, "end_on")}
    assert run.created == 2 and Person.objects.get(id_number=fresh).name == "赵六"
    assert Role.objects.filter(organization=org).count() == 2
    rows[0][5] = "2020-06-30"
    again = imp(user, "roles", rows, ROLE_HEAD)
    assert (again.created, again.updated, again.unchanged) == (0, 1, 1)
    assert Role.objects.get(person__id_number=fresh).end_on == dt.date(2020, 6, 30)


def test_file_level_failure_is_stored_on_the_run(setup):
    run = run_import(
        actor=setup["user"], channel="import", kind="records", content=b"a,b\n1,2\n", file_name="r.csv"
    )
    assert run.status == ImportStatus.FAILED and "缺少必需的列" in run.message


def test_two_thousand_records_in_one_run(setup):
    org, user = setup["org"], setup["user"]
    rows = [rec(org, f"BULK-{i}") for i in range(2000)]
    run = imp(user, "records", rows, REC_HEAD)
    assert run.created == 2000 and run.error_rows == 0
    assert CreditRecord.objects.filter(source_ref=f"import:{run.pk}").count() == 2000


# --- Bounds: what one file may hold once read ------------------------------------------------------


def test_a_workbook_that_inflates_past_the_limit_is_refused_before_it_is_parsed(setup, settings):
    rows = [rec(setup["org"], f"ZIP-{i}", summary="重复内容" * 200) for i in range(200)]
    content = write_xlsx(REC_HEAD, rows)
    settings.SOCREDIT_IMPORT_MAX_UNCOMPRESSED_BYTES = len(content) * 3  # compresses far better than 3:1
    run = run_import(
        actor=setup["user"], channel="import", kind="records", content=content, file_name="r.xlsx"
    )
    assert run.status == ImportStatus.FAILED and "解压后过大" in run.message
    assert not CreditRecord.objects.filter(document_number__startswith="ZIP-").exists()


def test_rows_columns_and_cells_beyond_the_limits_refuse_the_file_and_write_nothing(setup, settings):
    org, user = setup["org"], setup["user"]
    settings.SOCREDIT_IMPORT_MAX_ROWS = 3
    run = imp(user, "records", [rec(org, f"ROWS-{i}") for i in range(4)], REC_HEAD)
    assert run.status == ImportStatus.FAILED and "3 行的上限" in run.message
    assert (
        imp(user, "records", [rec(org, f"ROWS-{i}") for i in range(3)], REC_HEAD).status
        == ImportStatus.SUCCEEDED
    )
    settings.SOCREDIT_IMPORT_MAX_CELL_CHARS = 50
    run = imp(user, "records", [rec(org, "CELL-1"), rec(org, "CELL-2", summary="长" * 51)], REC_HEAD)
    assert run.status == ImportStatus.FAILED and "第 3 行" in run.message and "内容过长" in run.message
    settings.SOCREDIT_IMPORT_MAX_COLUMNS = len(REC_HEAD)
    run = imp(user, "records", [[*rec(org, "WIDE-1"), "多余"]], [*REC_HEAD, "备注"])
    assert run.status == ImportStatus.FAILED and "第 2 行超过" in run.message
    assert not CreditRecord.objects.filter(document_number__in=["CELL-1", "WIDE-1"]).exists()


def test_row_errors_beyond_the_limit_are_counted_not_stored(setup, settings):
    settings.SOCREDIT_IMPORT_MAX_ERRORS_KEPT = 2
    rows = [rec(setup["org"], f"BAD-{i}", kind="no_such_kind") for i in range(5)]
    run = imp(setup["user"], "records", rows, REC_HEAD, dry_run=True)
    assert run.error_rows == 5 and [e["row"] for e in run.errors] == [2, 3]
    assert "共 5 条错误" in run.message and "前 2 条" in run.message


@pytest.mark.parametrize("name", ["f.csv", "f.xlsx"])
def test_huge_and_odd_amounts_are_row_errors_naming_the_range(setup, name):
    org, user = setup["org"], setup["user"]
    odd = ["1e26", "1e400", "NaN", "Infinity", "1" * 60, "1e-400"]
    rows = [rec(org, f"A-{i}", kind="penalty_fine", amount=a) for i, a in enumerate(odd)]
    rows.append(rec(org, "A-ok", kind="penalty_fine", amount="999,999,999,999.99"))
    if name.endswith(".xlsx"):
        rows.append(rec(org, "A-float", kind="penalty_fine", amount=1e300))  # a numeric cell
    run = imp(user, "records", rows, REC_HEAD, name=name)
    errs = errors_of(run)
    assert set(errs) == {(row, "amount") for row in range(2, 2 + len(odd))} | (
        {(len(rows) + 1, "amount")} if name.endswith(".xlsx") else set()
    )
    assert (
        "0 至 999,999,999,999.99 元" in errs[(2, "amount")]
        and "0 至 999,999,999,999.99 元" in errs[(3, "amount")]
    )
    assert (
        "不是数字" in errs[(4, "amount")]
        and "过长" in errs[(6, "amount")]
        and "两位小数" in errs[(7, "amount")]
    )
    assert CreditRecord.objects.get(document_number="A-ok").amount == Decimal("999999999999.99")


def test_an_import_killed_right_after_its_write_is_not_left_running_over_written_rows(setup, monkeypatch):
    """The run's outcome commits with the rows: a process that dies between the two would leave a
    "running" run over rows already written, which the next import would end as "nothing written"
    (found by the kill -9 reliability suite, tests/system/test_reliability.py)."""
    from socredit.apps.imports.models import ImportRun
    from socredit.apps.imports.services import end_abandoned_imports

    saved = ImportRun.save

    def dies_on_the_outcome(run, *args, **kwargs):
        if run.status != ImportStatus.RUNNING:
            raise KeyboardInterrupt  # what SIGINT does; SIGKILL leaves even less
        return saved(run, *args, **kwargs)

    monkeypatch.setattr(ImportRun, "save", dies_on_the_outcome)
    with pytest.raises(KeyboardInterrupt):
        imp(setup["user"], "records", [rec(setup["org"], "KILL-1"), rec(setup["org"], "KILL-2")], REC_HEAD)
    monkeypatch.setattr(ImportRun, "save", saved)
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.RUNNING  # its outcome never committed …
    assert not CreditRecord.objects.filter(document_number__startswith="KILL-").exists()  # … nor its rows
    ImportRun.objects.filter(pk=run.pk).update(worker="gone:1:1")  # its process is gone (another host)
    ImportRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - dt.timedelta(hours=1))
    assert end_abandoned_imports() == 1
    run.refresh_from_db()
    assert run.status == ImportStatus.FAILED and "没有写入任何数据" in run.message
    again = imp(
        setup["user"], "records", [rec(setup["org"], "KILL-1"), rec(setup["org"], "KILL-2")], REC_HEAD
    )
    assert again.status == ImportStatus.SUCCEEDED and again.created == 2
    assert CreditRecord.objects.filter(document_number__startswith="KILL-").count() == 2
