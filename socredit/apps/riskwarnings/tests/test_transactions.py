"""资金往来 from finance and banking departments: the file import (good rows, each bad row's error,
a re-import that writes nothing), the API (authentication, scope, per-item results, idempotent by
reference) and the amount rules reading them (facts naming the department)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.utils import translation

from socredit.apps.imports.columns import TRANSACTION_COLUMNS
from socredit.apps.imports.models import ImportKind, ImportStatus
from socredit.apps.imports.services import run_import
from socredit.apps.riskwarnings.display import facts_in_words
from socredit.apps.riskwarnings.models import FinancialTransaction, RiskWarning
from socredit.apps.riskwarnings.run import run_daily
from socredit.common.access import SystemPrincipal
from socredit.common.imports import write_csv
from socredit.core.types import DepartmentKind
from socredit.testing import factories

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = D(2026, 6, 1)
URL = "/api/v1/finance/transactions"
FIELDS = [c.field for c in TRANSACTION_COLUMNS]


@pytest.fixture
def world(personas, civil_affairs, today_is):
    today_is(TODAY)
    finance = factories.department("zz-czj", "郑州市财政局", "410100", DepartmentKind.FINANCE)
    bank = factories.department("zz-rmyh", "中国人民银行郑州市分行", "410100", DepartmentKind.OTHER)
    org = factories.organization("410105", name="金水区慈济养老服务中心", registered_on=D(2015, 3, 1))
    other = factories.organization("410184")  # 新郑: outside 金水's scope
    return {"finance": finance, "bank": bank, "org": org, "other": other, "user": personas["staff_jinshui"]}


def line(org, ref="CZ-1", *, dept="郑州市财政局", on="2026-03-18", amount="6,000,000.00", direction="支出",
         counterparty="河南某某建设工程有限公司", related="否", overseas="否"):  # fmt: skip
    values = {"organization": getattr(org, "code", org), "department": dept, "reference": ref, "occurred_on": on,
              "amount": amount, "direction": direction, "counterparty": counterparty, "related_party": related,
              "overseas": overseas, "purpose": ""}  # fmt: skip
    return [values[f] for f in FIELDS]


def imp(user, rows):
    content = write_csv([c.title for c in TRANSACTION_COLUMNS], rows)
    return run_import(
        actor=user, channel="import", kind=ImportKind.TRANSACTIONS, content=content, file_name="t.csv"
    )


def test_import_writes_good_rows_names_each_bad_one_and_a_reimport_writes_nothing(world):
    org, user = world["org"], world["user"]
    rows = [
        line(org, "CZ-1"),  # 2: good
        line(org, "CZ-2", amount="-100"),  # 3: negative
        line(org, "CZ-3", amount="0"),  # 4: zero
        line(org, "CZ-4", on="2026-06-02"),  # 5: in the future
        line(org, "CZ-5", on="2014-12-31"),  # 6: before the organization was registered
        line("51410105MJ000001XX", "CZ-6"),  # 7: unknown organization code
        line(org, "CZ-7", direction="转账"),  # 8: unknown direction
        line(org, "CZ-8", amount="99999999999.00"),  # 9: absurd
        line(org, "CZ-1", amount="1.00"),  # 10: repeats row 2's reference
        line(org, "CZ-9", dept="不存在的局"),  # 11: unknown department
        line(world["other"], "CZ-10"),  # 12: outside the region
        line(
            org,
            "YH-1",
            dept="中国人民银行郑州市分行",
            direction="收入",
            counterparty="香港某某慈善基金会",
            overseas="是",
            amount="300000",
        ),  # 13: good  # fmt: skip
    ]
    run = imp(user, rows)
    assert run.status == ImportStatus.PARTIAL and run.created == 2 and run.error_rows == 10
    errors = {(e["row"], e["field"]): e["message"] for e in run.errors}
    assert "负数" in errors[(3, "amount")] and "大于0" in errors[(4, "amount")]
    assert (5, "occurred_on") in errors and "成立登记日期" in errors[(6, "occurred_on")]
    assert (7, "organization") in errors and "收入" in errors[(8, "direction")]
    assert "不可能" in errors[(9, "amount")] and "2" in errors[(10, "reference")]
    assert (11, "department") in errors and "不在本辖区" in errors[(12, "organization")]
    assert {t.reference for t in FinancialTransaction.objects.all()} == {"CZ-1", "YH-1"}
    stored = FinancialTransaction.objects.get(reference="CZ-1")
    assert (stored.amount, stored.direction, stored.department, stored.channel) == (
        Decimal("6000000.00"),
        "out",
        world["finance"],
        "import",
    )
    again = imp(user, [rows[0], rows[-1]])
    assert (again.status, again.created, again.unchanged) == (ImportStatus.SUCCEEDED, 0, 2)
    assert FinancialTransaction.objects.count() == 2
    changed = imp(user, [line(org, "CZ-1", amount="7000000")])
    assert changed.created == 0 and [(e["row"], e["field"]) for e in changed.errors] == [(2, "reference")]
    assert FinancialTransaction.objects.get(reference="CZ-1").amount == Decimal("6000000.00")


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post(client, items, raw=None, **extra):
    headers = bearer(raw) if raw else {}
    return client.post(URL, json.dumps({"items": items}), content_type="application/json", **headers, **extra)


def item(org, ref="YH-1", **over):
    return {"organization": org.code, "reference": ref, "occurred_on": "2026-04-02", "amount": "2500000",
            "direction": "in", "counterparty": "新加坡某某基金会", "overseas": True, **over}  # fmt: skip


def test_the_api_needs_a_token_with_the_scope(client, world):
    assert post(client, [item(world["org"])]).status_code in (401, 403)
    raw = factories.token(["records:write"], world["bank"])[1]
    assert post(client, [item(world["org"])], raw).status_code == 403
    assert not FinancialTransaction.objects.exists()


def test_the_api_writes_per_item_reports_as_the_tokens_department_and_is_idempotent(client, world):
    raw = factories.token(["finance:write"], world["bank"])[1]
    items = [item(world["org"], department="郑州市财政局"), item(world["org"], "YH-2", amount="0"),
             item(world["org"], "YH-3", direction="?"), {**item(world["org"], "YH-4"), "organization": "51410105MJ000001XX"}]  # fmt: skip
    answer = post(client, items, raw).json()
    assert [c["index"] for c in answer["created"]] == [0]
    assert (
        answer["created"][0]["transaction"]["department"] == "中国人民银行郑州市分行"
    )  # not what the body says
    assert {e["index"]: set(e["errors"]) for e in answer["errors"]} == {1: {"amount"}, 2: {"direction"},
                                                                     3: {"organization"}}  # fmt: skip
    again = post(client, items[:1], raw).json()
    assert again["created"] == [] and [e["index"] for e in again["existing"]] == [0]
    conflict = post(client, [item(world["org"], amount="1")], raw).json()
    assert set(conflict["errors"][0]["errors"]) == {"reference"}
    assert FinancialTransaction.objects.count() == 1
    assert post(client, [item(world["org"], f"N{i}") for i in range(1001)], raw).status_code == 422


def test_reported_transactions_raise_the_amount_warnings_with_the_source_named(client, world):
    org = world["org"]
    raw = factories.token(["finance:write"], world["bank"])[1]
    post(client, [item(org, "YH-9", related_party=True, overseas=False, amount="6000000", direction="out",
                       counterparty="郑州慈济物业管理有限公司")], raw)  # fmt: skip
    post(client, [item(org, "YH-10", amount="80000", occurred_on="2025-05-01")], raw)  # older than 365 days
    run_daily(SystemPrincipal("test"), as_of=TODAY)
    warned = {w.rule.code: w for w in RiskWarning.objects.filter(organization=org)}
    assert {"large-transaction", "related-party"} <= set(warned) and "overseas-funds" not in warned
    facts = warned["related-party"].facts
    assert facts["year"] is None and facts["transactions"]["count"] == 1
    with translation.override("zh-hans"):
        words = " ".join(facts_in_words("figure_amount", facts))
    assert "中国人民银行郑州市分行" in words and "郑州慈济物业管理有限公司" in words and "关联" in words
    assert "related_party" not in words and "out" not in words
    # the organization page's section says it in words too, to its region's staff
    client.force_login(world["user"])
    section = client.get(f"/warnings/organizations/{org.code}/", HTTP_HX_REQUEST="true").content.decode()
    assert "郑州慈济物业管理有限公司" in section and "related_party" not in section
    # the next run on the same day writes nothing new
    again = run_daily(SystemPrincipal("test"), as_of=TODAY)
    assert (again.raised, again.updated) == (0, 0)
