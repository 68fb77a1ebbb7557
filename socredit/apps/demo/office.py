"""A working office for the demo city: what its staff would have done in the weeks before "today".

After the load, the evaluation and the daily list run, the demo city holds only undecided proposals.
Here the office's past work is replayed through the services, each step with the product's clock
set back to the day it was done (`socredit.common.clock.fixed`), so every document is dated on its
step's day and nothing is dated after the step it belongs to:

- listings: about half of the abnormal/serious proposals had their 事先告知书 served and, once the
  period for 陈述申辩 had passed, were decided with their 列入决定书 (both numbered by the bureau's
  pattern); the others stay in the queue;
- the red list: the year's candidates were drawn up and some published (守信红名单决定);
- cases of every kind, open and closed: objections (own information decided and notified; another
  department's forwarded and overdue; one filed by the organization's account), repairs (one refused
  with its decision, one waiting for acceptance), complaints/reports (one answered, one accepted and
  under investigation, one just received);
- changes of registration (变更登记): a few organizations renamed (former names kept) or moved
  address, each with its approval document, through `registry.services.change_registration` (so
  the organization page shows them in its registration history).

Deterministic: the organizations and proposals are picked in id order, the days counted back from
the demo's "today"; a step the services refuse (a record that no longer fits) is skipped, not forced.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from socredit.apps.accounts.models import User
from socredit.apps.cases.services import complaints, objections, repairs
from socredit.apps.demo.dormancy import demo_dormancy
from socredit.apps.demo.spotchecks import demo_spot_checks
from socredit.apps.lists import services as lists
from socredit.apps.lists.models import ListNotice, ListProposal
from socredit.apps.records.models import CreditRecord
from socredit.apps.registry.models import ChangedItem, Organization
from socredit.apps.registry.services.registration import change_registration
from socredit.common import clock
from socredit.common.errors import FieldErrors
from socredit.core.lists.grounds import ABNORMAL, SERIOUS
from socredit.core.types import DepartmentKind, Polarity, RecordStatus

DECIDED_SHARE = 2
"""Every DECIDED_SHARE-th abnormal/serious proposal (in id order) was decided; the rest wait."""
MAX_DECIDED = 60
"""At most this many listings decided (the load stays well under a minute)."""
RED_PUBLISHED = 8
"""Red-list candidates published; the others wait for the office's decision."""
NOTICE_DAYS_AGO = 45
"""The notices were served this many days before today (or on the day the ground arose, if later)."""


@contextmanager
def on(day: dt.date) -> Iterator[dt.date]:
    """The office's work of ``day``: the clock reads that day, the step is one transaction."""
    with clock.fixed(day), transaction.atomic():
        yield day


def _attempt(out: Counter[str], key: str, step: Callable[[], Any]) -> Any:
    """Run one replayed step; a refusal of the services (FieldErrors) is counted and skipped."""
    try:
        result = step()
    except FieldErrors:
        out[f"{key}_skipped"] += 1
        return None
    out[key] += 1
    return result


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 demo\n%%EOF\n", content_type="application/pdf")


def decide_listings(actor: Any, today: dt.date, out: Counter[str]) -> None:
    """Notices served and listings decided for part of the abnormal and serious proposals."""
    proposals = list(
        ListProposal.objects.filter(status=ListProposal.Status.PROPOSED, list__in=[ABNORMAL, SERIOUS])
        .select_related("organization")
        .order_by("pk")
    )
    chosen = proposals[::DECIDED_SHARE][:MAX_DECIDED]
    for p in chosen:
        served = max(p.arose_on, today - dt.timedelta(days=NOTICE_DAYS_AGO))
        if p.notice_required:
            with on(served):
                notice = _attempt(out, "notices", lambda p=p, served=served: lists.serve_notice(
                    actor, p, ListNotice.Method.WRITTEN, served, "", channel="system"))  # fmt: skip
            if notice is None:
                continue
            decided = (notice.statement_due_on or served) + dt.timedelta(days=1)
        else:
            decided = served
        if decided > today:
            continue  # still within the period for 陈述申辩: stays in the queue with its notice
        with on(decided):
            _attempt(out, "listings", lambda p=p, decided=decided: lists.confirm_proposal(
                actor, p, document_number="", decided_on=decided, channel="system"))  # fmt: skip


def publish_red_list(actor: Any, today: dt.date, out: Counter[str]) -> None:
    """The year's red-list candidates drawn up a month ago; the first few published a week later."""
    drawn = today - dt.timedelta(days=30)
    with on(drawn):
        candidates = lists.red_list_publication(actor, drawn.year, as_of=drawn, channel="system")
    out["red_candidates"] += len(candidates)
    decided = drawn + dt.timedelta(days=7)
    for p in sorted(candidates, key=lambda c: c.pk)[:RED_PUBLISHED]:
        with on(decided):
            _attempt(out, "red_published", lambda p=p: lists.confirm_red(
                actor, p, document_number="", decided_on=decided, channel="system"))  # fmt: skip


def _negatives(region_code: str, *, own: bool, publicised_on: dt.date | None = None) -> list[CreditRecord]:
    """Effective negative records of the region's organizations, not under objection; ``own``: formed by
    the civil-affairs bureau (or by another department); ``publicised_on``: still publicised that day."""
    qs = CreditRecord.objects.filter(
        organization__region__code=region_code, status=RecordStatus.EFFECTIVE.value, is_current=True,
        kind__polarity=Polarity.NEGATIVE.value, under_objection=False,
    ).select_related("organization", "department", "kind")  # fmt: skip
    civil = DepartmentKind.CIVIL_AFFAIRS.value
    qs = qs.filter(department__kind=civil) if own else qs.exclude(department__kind=civil)
    if publicised_on is not None:
        qs = qs.filter(publicity_until__gt=publicised_on)
    return list(qs.order_by("organization_id", "id")[:40])


def closed_objection(officer: Any, today: dt.date, out: Counter[str]) -> None:
    """A paper objection to the bureau's own record: received, decided (upheld), notified; closed."""
    received = today - dt.timedelta(days=40)
    for record in _negatives(officer.region.code, own=True)[1:]:
        if (record.decided_on or record.occurred_on) >= received:
            continue
        with on(received):
            case = _attempt(out, "objections", lambda r=record: objections.file_objection(
                officer, channel="paper", organization=r.organization, records=[r],
                reasons="书面异议：该处罚决定所依据的事实已于决定前整改完毕，请予核查。", received_on=received,
                applicant_name="李华", applicant_contact="0371-63000000"))  # fmt: skip
        if case is None:
            continue
        decided = received + dt.timedelta(days=6)
        with on(decided):
            done = _attempt(out, "objections_decided", lambda c=case, r=record, d=decided: objections.decide(
                officer, c, reason="经核查，处罚决定认定事实清楚，证据充分，异议不成立。",
                actions={r.pk: {"action": "upheld"}}, on=d))  # fmt: skip
        if done is not None:
            with on(decided + dt.timedelta(days=1)) as day:
                _attempt(out, "objections_closed", lambda c=case, d=day: objections.notify(officer, c, on=d))
        return


def overdue_objection(county: Any, today: dt.date, out: Counter[str]) -> None:
    """A paper objection to another department's record, forwarded and not answered: overdue."""
    received = today - dt.timedelta(days=21)
    for record in _negatives(county.region.code, own=False):
        if (record.decided_on or record.occurred_on) >= received:
            continue
        with on(received):
            case = _attempt(out, "objections", lambda r=record: objections.file_objection(
                county, channel="paper", organization=r.organization, records=[r],
                reasons="书面异议：该信息已由信息提供单位更正，平台记录未同步。", received_on=received,
                applicant_name="王磊", applicant_contact="0371-62000000"))  # fmt: skip
        if case is not None:
            with on(received + dt.timedelta(days=1)) as day:
                objections.forward(county, case, on=day)
            out["overdue_objection"] = 1
            return


def repair_cases(officer: Any, today: dt.date, out: Counter[str]) -> None:
    """A repair refused after acceptance (closed, with its decision), and one waiting for acceptance."""
    received = today - dt.timedelta(days=30)
    records = [r for r in _negatives(officer.region.code, own=True, publicised_on=today) if r.kind.repairable]
    made = 0
    for record in records:
        if (record.decided_on or record.occurred_on) >= received:
            continue
        day = received if made == 0 else today - dt.timedelta(days=2)
        with on(day):
            case = _attempt(out, "repairs", lambda r=record, d=day: repairs.apply_for_repair(
                officer, "paper", r.organization, r, reasons="已按要求完成整改并缴清罚款，申请信用修复。",
                obligations_statement="罚款已缴清，整改报告已报送登记管理机关。", files=[_pdf("整改报告.pdf")],
                received_on=d, applicant_name="赵敏", applicant_contact="13900000000"))  # fmt: skip
        if case is None:
            continue
        made += 1
        if made == 1:
            with on(received + dt.timedelta(days=2)) as d:
                _attempt(out, "repairs_accepted", lambda c=case, d=d: repairs.accept_repair(
                    officer, c, on=d, obligations_confirmed=True, note="材料齐全"))  # fmt: skip
            with on(received + dt.timedelta(days=9)) as d:
                _attempt(out, "repairs_closed", lambda c=case, d=d: repairs.decide_repair(
                    officer, c, on=d, approve=False, reason="经核查，整改情况与所报材料不符，暂不予修复。"))  # fmt: skip
        if made == 2:
            return


def complaint_cases(officer: Any, today: dt.date, out: Counter[str]) -> None:
    """Reports from the public: one answered (closed), one accepted and under investigation."""
    orgs = list(Organization.objects.filter(region__code=officer.region.code).order_by("pk")[5:7])
    plans = [
        (
            today - dt.timedelta(days=35),
            "该单位以评比表彰名义向会员收取费用，涉嫌违规开展评比达标表彰活动。",
            True,
        ),
        (today - dt.timedelta(days=10), "该单位办公地点长期无人，电话无法接通，疑似已停止活动。", False),
    ]
    for org, (received, content, finish) in zip(orgs, plans, strict=False):
        with on(received):
            made = _attempt(out, "complaints", lambda o=org, c=content, d=received: complaints.submit_complaint(
                None, "public", organization_code=o.code, subject_name=o.name, content=c,
                reporter={"anonymous": False, "name": "陈静", "phone": "13700000000"}, received_on=d))  # fmt: skip
        if made is None:
            continue
        case = made[0]
        with on(received + dt.timedelta(days=1)) as d:
            _attempt(
                out,
                "complaints_accepted",
                lambda c=case, d=d: complaints.triage(officer, c, accept=True, on=d),
            )
        if not finish:
            continue
        with on(received + dt.timedelta(days=15)) as d:
            _attempt(out, "complaints_concluded", lambda c=case, d=d: complaints.conclude(
                officer, c, founded=False, reason="经实地核查，该单位未开展评比表彰活动，所收为会员会费，举报不属实。",
                on=d))  # fmt: skip
        with on(received + dt.timedelta(days=16)) as d:
            _attempt(out, "complaints_closed", lambda c=case, d=d: complaints.reply(
                officer, c, text="经调查核实，所举报问题不属实。感谢您对社会组织监督管理工作的支持。", on=d))  # fmt: skip


def registration_changes(officer: Any, today: dt.date, out: Counter[str]) -> None:
    """变更登记: two organizations renamed (their former names kept and searchable), one moved address."""
    orgs = list(Organization.objects.filter(region__code=officer.region.code).order_by("pk")[10:13])
    for i, org in enumerate(orgs):
        day = today - dt.timedelta(days=60 - 15 * i)
        if i < 2:
            item, value = ChangedItem.NAME, org.name.removesuffix("协会") + "联合会"
        else:
            item, value = ChangedItem.ADDRESS, "郑州市金水区花园路88号政务服务中心六楼"
        data = {"value": value, "effective_on": day, "document_number": f"金民登〔{day.year}〕{31 + i}号",
                "document_date": day}  # fmt: skip
        with on(day):
            _attempt(out, "registration_changes", lambda o=org, item=item, data=data: change_registration(
                actor=officer, channel="form", organization=o, item=item, data=data))  # fmt: skip


def create_demo_office(*, today: dt.date, officer: str = "jinshui", county: str = "xinzheng",
                       administrator: str = "city_admin") -> Counter[str]:  # fmt: skip
    """Replay the office's past weeks (see the module docstring); returns what was done, by kind."""
    out: Counter[str] = Counter()
    staff = {u.username: u for u in User.objects.filter(username__in=[officer, county, administrator])}
    if len(staff) < 3:
        return out
    registration_changes(staff[officer], today, out)
    decide_listings(staff[administrator], today, out)
    publish_red_list(staff[administrator], today, out)
    closed_objection(staff[officer], today, out)
    overdue_objection(staff[county], today, out)
    repair_cases(staff[officer], today, out)
    complaint_cases(staff[officer], today, out)
    demo_spot_checks(staff[officer], today, out)
    demo_dormancy(staff[officer], today, out)
    return out
