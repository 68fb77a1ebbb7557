"""Finance API (资金往来): finance and banking departments report organizations' transactions.

``POST /finance/transactions`` (scope ``finance:write``; a staff session needs a writing post and
names the department): up to ``BATCH_MAX`` transactions in ``items``. Each item is checked on its
own (``transactions.check``): the answer lists, by index, the transactions written (``created``),
those already recorded under the same department and reference with the same content
(``existing``: nothing written, so a retry after a lost answer is safe) and the items refused with
their errors by field (``errors``); one bad item never stops the others. A token reports as its
own department whatever the body says.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext
from ninja import Field, Router, Schema

from socredit.apps.accounts.models import TokenScope
from socredit.apps.riskwarnings.models import FinancialTransaction
from socredit.apps.riskwarnings.transactions import BATCH_MAX, record_transactions
from socredit.common.api import FieldErrorsOut, ItemErrorsOut, require, token_department
from socredit.common.errors import FieldErrors

router = Router()


class TransactionIn(Schema):
    # Values are taken as text (or typed) so that a bad one is reported on its item, not the request.
    organization: str | None = Field(None, max_length=40, description="统一社会信用代码")
    department: str | None = Field(
        None, max_length=200, description="报送部门名称或代码（令牌调用时为令牌所属部门）"
    )
    reference: str | None = Field(None, max_length=200, description="部门的交易编号（同一部门内唯一）")
    occurred_on: dt.date | str | None = Field(None, description="交易日期 YYYY-MM-DD")
    amount: Decimal | str | None = Field(None, description="金额（元，大于0）")
    direction: str | None = Field(
        None, max_length=20, description="资金方向：in 收入（流入）/ out 支出（流出）"
    )
    counterparty: str | None = Field(None, max_length=400, description="交易对方名称")
    related_party: bool | str | None = Field(None, description="是否关联交易")
    overseas: bool | str | None = Field(None, description="是否境外资金往来")
    purpose: str | None = Field(None, max_length=1000, description="用途说明")


class TransactionBatchIn(Schema):
    items: list[TransactionIn] = Field(description=f"至多 {BATCH_MAX} 笔")


class TransactionOut(Schema):
    organization: str
    department: str
    reference: str
    occurred_on: dt.date
    amount: Decimal
    direction: str
    counterparty: str
    related_party: bool
    overseas: bool


class TransactionWritten(Schema):
    index: int
    transaction: TransactionOut


class TransactionBatchOut(Schema):
    created: list[TransactionWritten]
    existing: list[TransactionWritten] = Field(description="已报送的同一笔交易（未重复写入）")
    errors: list[ItemErrorsOut]


def _out(t: FinancialTransaction) -> dict[str, Any]:
    return {"organization": t.organization.code, "department": t.department.name, "reference": t.reference,
            "occurred_on": t.occurred_on, "amount": t.amount, "direction": t.direction,
            "counterparty": t.counterparty, "related_party": t.related_party, "overseas": t.overseas}  # fmt: skip


@router.post("/finance/transactions", response={200: TransactionBatchOut, 422: FieldErrorsOut},
             summary="Report financial transactions (资金往来): per-item results, idempotent by reference")  # fmt: skip
def push_transactions(request: HttpRequest, payload: TransactionBatchIn) -> dict[str, Any]:
    principal = require(request, TokenScope.FINANCE_WRITE)
    if len(payload.items) > BATCH_MAX:
        raise FieldErrors(items=gettext("At most %(max)s transactions at a time; %(count)s were sent")
                          % {"max": BATCH_MAX, "count": len(payload.items)})  # fmt: skip
    with translation.override("zh-hans"):
        checked = record_transactions(actor=principal, channel="api", items=[i.dict() for i in payload.items],
                                      fixed_department=token_department(principal))  # fmt: skip
    return {
        "created": [{"index": i, "transaction": _out(t)} for i, t in checked.written],
        "existing": [{"index": i, "transaction": _out(t)} for i, t in checked.existing],
        "errors": [{"index": i, "errors": e} for i, e in sorted(checked.errors.items())],
    }
