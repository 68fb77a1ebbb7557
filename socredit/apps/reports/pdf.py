"""The credit report's PDF: the public profile laid out on A4, in Chinese, with the report number,
generation time, as-of date, a QR code of the verification address and the verification code.
Drawn by the office's PDF engine (``common.pdf``: WeasyPrint, fonts embedded, nothing fetched)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation

from socredit.apps.registry.models import Organization
from socredit.apps.reports.qr import qr_data_uri
from socredit.apps.reports.schema import SECTION_TITLES
from socredit.apps.reports.signing import format_code
from socredit.common.documents import zh_date
from socredit.common.pdf import html_to_pdf


def report_html(*, organization: Organization, content: dict[str, Any], number: str, code: str, as_of: dt.date,
                generated_at: dt.datetime, verify_url: str) -> str:  # fmt: skip
    records = content["records"]
    sections = [(SECTION_TITLES[key], records[key]) for key in SECTION_TITLES if records.get(key)]
    with translation.override("zh-hans"):
        return render_to_string(
            "reports/report_pdf.html",
            {
                "p": content, "org": content["organization"], "sections": sections, "number": number,
                "code": format_code(code), "as_of": zh_date(as_of),
                "generated": timezone.localtime(generated_at).strftime("%Y-%m-%d %H:%M:%S"),
                "qr": qr_data_uri(verify_url), "verify_url": verify_url,
            },
        )  # fmt: skip


def report_pdf(**kwargs: Any) -> bytes:
    return html_to_pdf(report_html(**kwargs))
