"""Documents that leave the office (文书): one renderer for their text, their A4 print page and their PDF.

Texts are Django templates per document type (``templates/documents/<type>.txt``). A service renders
the text when it decides and stores it on the decision, notice or case document (frozen: a served
document never changes when a template changes later, and rows written before the templates keep
their old text). The print page and the PDF lay out the stored text: letterhead, title centred,
number right-aligned, the body, and the closing block (authority, seal, date) right-aligned.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from socredit.common.pdf import html_to_pdf
from socredit.core.citations import public_text, remedies_sentence
from socredit.core.policy import PolicyProfile

SEAL = "（印章）"
"""Where the authority's seal goes: the closing block of every document ends with it and the date."""


@dataclass(frozen=True)
class Letterhead:
    """文头: how an authority heads and signs its documents (set per department by the registry)."""

    name: str
    """e.g. 郑州市金水区民政局 — also the signature of the closing block."""
    address: str = ""
    postcode: str = ""
    phone: str = ""
    contact: str = ""


def zh_date(day: dt.date | None) -> str:
    """2026年12月3日 — dates as documents write them (no zero padding)."""
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def render_text(doc_type: str, context: Mapping[str, Any]) -> str:
    """The text of a document of ``doc_type`` from its template (autoescape off: this is plain text)."""
    ctx = {"SEAL": SEAL, **context}
    text = render_to_string(f"documents/{doc_type}.txt", ctx)
    # Templates keep their tags on their own lines for readability; the output keeps one blank line
    # at most between paragraphs and no trailing blanks.
    lines = [ln.rstrip() for ln in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")


def clean(text: str | None) -> str:
    """A reason written by the engine or staff, fit for a document: without internal codes (see
    ``core.citations.public_text``) and with dates written as documents write them."""
    text = public_text(text or "")
    return _ISO_DATE.sub(lambda m: f"{int(m[1])}年{int(m[2])}月{int(m[3])}日", text)


def remedies(profile: PolicyProfile | None, what: str = "本决定") -> str:
    """The remedies paragraph with the periods the profile states (``remedies.*``, the statutory 60
    days and 6 months in every shipped profile) and the articles that give them."""

    def value(key: str, default: int) -> int:
        return profile.int_value(key) if profile is not None and profile.has(key) else default

    return remedies_sentence(what, reconsideration_days=value("remedies.reconsideration_days", 60),
                             litigation_months=value("remedies.litigation_months", 6))  # fmt: skip


PRINT_LABELS = {
    "告知书": _("Print the notice"),
    "决定书": _("Print the decision"),
    "通知书": _("Print the notification"),
    "答复书": _("Print the reply"),
    "回执": _("Print the receipt"),
    "转办函": _("Print the referral letter"),
    "公告": _("Print the announcement"),
}
"""The print button of a document by the kind its title ends with (…告知书 → 打印告知书)."""


def _issued(label: Any, title: str) -> str:
    """A document's own page is in Chinese, as the office issues it, whatever the reader's language."""
    with translation.override("zh-hans"):
        return str(label(title))


def print_label(title: str) -> str:
    """The print button of a document says what it prints (打印告知书, 打印回执 …)."""
    for suffix, label in PRINT_LABELS.items():
        if title.endswith(suffix):
            return str(label)
    return str(_("Print the document"))


@dataclass(frozen=True)
class Block:
    text: str
    closing: bool = False
    indent: bool = False
    """A body paragraph, indented two characters as official documents are (GB/T 9704)."""


_HEADING = re.compile(r"^[一二三四五六七八九十]+、")


def blocks(text: str) -> list[Block]:
    """The stored text as paragraphs; the closing block (authority, seal, date) marked for alignment.
    Old texts without a seal line have no closing block and print as they were stored."""
    lines = text.rstrip("\n").split("\n")
    seal_at = max((i for i, ln in enumerate(lines) if ln.strip() == SEAL), default=-1)
    start = seal_at - 1 if seal_at > 0 else len(lines)
    body = [
        Block(ln, indent=i > 0 and bool(ln.strip()) and not _HEADING.match(ln))
        for i, ln in enumerate(lines[:start])
    ]
    return body + [Block(ln, True) for ln in lines[start:]]


def print_html(*, title: str, number: str, text: str, letterhead: Letterhead | None, for_pdf: bool = False,
               pdf_url: str = "", csp_nonce: str = "") -> str:  # fmt: skip
    """The A4 print page of a stored document (``for_pdf``: without the screen-only buttons;
    ``csp_nonce``: the response's Content-Security-Policy nonce, which lets its style element apply)."""
    return render_to_string(
        "documents/print.html",
        {"title": title, "number": number, "blocks": blocks(text), "letterhead": letterhead,
         "for_pdf": for_pdf, "pdf_url": pdf_url, "print_label": _issued(print_label, title), "csp_nonce": csp_nonce},
    )  # fmt: skip


def document_response(request: HttpRequest, *, title: str, number: str, text: str,
                      letterhead: Letterhead | None) -> HttpResponse:  # fmt: skip
    """The print page, or with ``?format=pdf`` the PDF download, of a stored document.

    A download here is not recorded as a sensitive read: it is the document the authority issued to
    the organization, exactly as the staff member reads it on the case page, and carries no ID number.
    A complaint's document addressed to the reporter by name is recorded by its caller
    (``cases.services.complaints.read_reporter``)."""
    if request.GET.get("format") == "pdf":
        html = print_html(title=title, number=number, text=text, letterhead=letterhead, for_pdf=True)
        response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
        name = re.sub(r"[^\w〔〕（）\-]+", "_", f"{title}{number}")[:120] or "document"
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(name)}.pdf"
        return response
    query = request.GET.copy()
    query["format"] = "pdf"
    html = print_html(title=title, number=number, text=text, letterhead=letterhead,
                      pdf_url=f"{request.path}?{query.urlencode()}",
                      csp_nonce=str(getattr(request, "csp_nonce", "")))  # fmt: skip
    return HttpResponse(html)


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)
