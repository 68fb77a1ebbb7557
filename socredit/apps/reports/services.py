"""信用报告: issue a report (the only write of this app) and verify one by its code or its file.

``issue_report`` reads the organization's public profile on the as-of date (the portal's
``public_profile``: exactly what the public may see), signs it (``signing.py``), lays it out as a
PDF with its QR code and verification code, and keeps the issued report (one audited transaction,
after the PDF is made, so no lock is held while it is drawn).
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from socredit.apps.audit.services import record_event
from socredit.apps.registry.models import Organization
from socredit.apps.reports import content as report_content
from socredit.apps.reports.models import CreditReport
from socredit.apps.reports.pdf import report_pdf
from socredit.apps.reports.signing import (
    canonical_json,
    new_code,
    normalize_code,
    sha256_hex,
    sign,
    signature_valid,
)
from socredit.common.clock import refuse_future, today

ISSUE = "report.issue"
"""The audit action of an issued report."""
PDF_MAX_BYTES = 5 * 1024 * 1024
"""The largest file the verification page reads (a report is ~150 KB)."""


def _new_number(day: dt.date) -> str:
    """报告编号: the issue date and ten random digits (unguessable: numbers do not count reports)."""
    return f"{day:%Y%m%d}{secrets.randbelow(10**10):010d}"


def payload_of(*, number: str, code: str, org_code: str, as_of: dt.date, generated_at: dt.datetime,
               content: dict[str, Any]) -> dict[str, Any]:  # fmt: skip
    """What the signature covers: the report's identity, its dates and its whole content."""
    return {
        "number": number,
        "verification_code": code,
        "organization": org_code,
        "as_of": as_of.isoformat(),
        "generated_at": generated_at.astimezone(dt.UTC).isoformat(timespec="seconds"),
        "content": content,
    }


def report_payload(report: CreditReport) -> dict[str, Any]:
    return payload_of(number=report.number, code=report.verification_code, org_code=report.organization.code,
                      as_of=report.as_of, generated_at=report.generated_at,
                      content=json.loads(report.content))  # fmt: skip


def verify_path(code: str) -> str:
    return reverse("reports:verify_code", kwargs={"code": code})


@dataclass(frozen=True)
class Issued:
    report: CreditReport
    pdf: bytes


def issue_report(organization: Organization, *, actor: Any, channel: str = "form",
                 as_of: dt.date | None = None, verify_url: Any = None) -> Issued:  # fmt: skip
    """Issue the credit report of ``organization`` as of ``as_of`` (default today, never later).

    ``verify_url(path)`` makes the absolute address printed in the QR code (the view passes the
    request's); the PDF is returned with the kept report."""
    as_of = as_of or today()
    refuse_future(as_of, "报告截止日期")
    content = report_content.profile(organization, as_of)
    generated_at = timezone.now().replace(microsecond=0)
    code = new_code()
    number = _new_number(timezone.localdate(generated_at))
    canonical = canonical_json(content)
    payload = payload_of(number=number, code=code, org_code=organization.code, as_of=as_of,
                         generated_at=generated_at, content=content)  # fmt: skip
    path = verify_path(code)
    pdf = report_pdf(
        organization=organization, content=content, number=number, code=code, as_of=as_of,
        generated_at=generated_at, verify_url=verify_url(path) if verify_url else path,
    )  # fmt: skip
    with transaction.atomic():
        report = CreditReport.objects.create(
            number=number, organization=organization, as_of=as_of, generated_at=generated_at,
            content=canonical, content_digest=sha256_hex(canonical), signature=sign(payload),
            pdf_sha256=sha256_hex(pdf), verification_code=code,
        )  # fmt: skip
        record_event(actor=actor, channel=channel, action=ISSUE, target=report,
                     summary=f"信用报告 {number}：{organization.name}（截至 {as_of.isoformat()}）",
                     data={"organization": organization.code, "as_of": as_of.isoformat()})  # fmt: skip
    return Issued(report, pdf)


# --- verification (reads only) ----------------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    """What a verification found: the issued report, whether its record is intact (signature and
    digest), what it said, and what of the organization's public status has changed since."""

    report: CreditReport
    intact: bool
    content: dict[str, Any]
    changes: list[str] = field(default_factory=list)


def find_by_code(text: str) -> CreditReport | None:
    """The report whose verification code ``text`` is (as typed); None when it is no code or unknown.
    Callers tell the two apart with ``signing.normalize_code``."""
    code = normalize_code(text)
    if code is None:
        return None
    return CreditReport.objects.select_related("organization").filter(verification_code=code).first()


def verify(report: CreditReport) -> Verification:
    """Check the stored report against its signature and compare it with the public profile today."""
    intact = sha256_hex(report.content) == report.content_digest and signature_valid(
        report_payload(report), report.signature
    )
    said = json.loads(report.content)
    now = report_content.profile(report.organization, today())
    return Verification(report, intact, said, report_content.changes(said, now))


def find_by_pdf(data: bytes) -> CreditReport | None:
    """The issued report whose PDF is byte for byte ``data``; None for any other file (altered or not ours)."""
    if not data or len(data) > PDF_MAX_BYTES:
        return None
    return CreditReport.objects.select_related("organization").filter(pdf_sha256=sha256_hex(data)).first()
