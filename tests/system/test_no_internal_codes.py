"""Users never see the inside: no page or API answer outside the rule administrators' pages shows
an internal code.

Staff, organization accounts, the public and the departments' systems read the law by title, number
and (where rules.md verifies it) article. rules.md item codes (``R1.6(5)``), verification tags,
parameter names (``lists.abnormal.…``), profile names (``national-2026.1``), ``rules.md`` itself and
database ids shown as ``#123`` belong to code, logs and the pages where administrators maintain rules
and profiles (``EXEMPT`` below). The patterns are ``socredit.core.citations.INTERNAL_PATTERNS``, the
same list the document test uses.

The world is the access matrix's (every named route with its kwargs and its personas), with a daily
list run, an evaluation and a forwarded objection added so that the run, credit and API pages have
something to show. Every route is opened by every persona the matrix lets in (200 only), and the
text of ``<main>`` (the whole body where a page has none) is checked.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from socredit.apps.cases.services import objections
from socredit.apps.lists import services as lists
from socredit.core.citations import internal_codes_in
from socredit.core.types import DepartmentKind
from socredit.testing import factories
from tests.system.test_access_matrix import (
    MATRIX,
    ORG,
    PERSONAS,
    _world_once,  # noqa: F401  (a fixture)
)
from tests.system.test_access_matrix import world as matrix_world  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db

EXEMPT = {
    # The administrators' pages that maintain the rules: they name profile versions, parameters with
    # their rules.md items and verification tags on purpose (docs/policy-profiles.md).
    "lists:policy_profiles",
    "lists:policy_profile_detail",
    # The indicator model in full: each indicator with the rules.md item it implements (the page where
    # the model is maintained and reviewed).
    "evaluation:model_detail",
    # The measures catalogue in full: each measure's basis with its rules.md item and tag (shown to the
    # administrators who maintain it) and the catalogue's version names.
    "measures:catalogue_detail",
    "measures:catalogue_new",
}
# Documents as the office issues them (告知书, 决定书, 回执): printed in Chinese in either language.
DOCUMENTS = {
    "cases:document_print",
    "my:document_print",
    "cases:complaint_document",
    "dormancy:case_document",
}
# The Django admin (/admin/) and the audit log are not named routes of the product's namespaces: the
# sweep never opens them, and they keep the codes.


class _VisibleText(HTMLParser):
    """The text a reader sees in ``<main>`` (or the body): text nodes and the title/placeholder/
    aria-label attributes, without scripts and styles."""

    ATTRS = ("title", "placeholder", "aria-label", "alt")

    def __init__(self, has_main: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0 if has_main else 1
        self.has_main = has_main
        self.skip = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "main" and self.has_main:
            self.depth += 1
        if tag in ("script", "style"):
            self.skip += 1
        if self.depth and not self.skip:
            self.parts += [v for k, v in attrs if k in self.ATTRS and v]

    def handle_endtag(self, tag: str) -> None:
        if tag == "main" and self.has_main:
            self.depth -= 1
        if tag in ("script", "style"):
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if self.depth and not self.skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText(has_main="<main" in html)
    parser.feed(html)
    return "\n".join(p.strip() for p in parser.parts if p.strip())


def findings_in(text: str) -> list[str]:
    """Each internal code with the line it stands in (what a failure message shows)."""
    out = []
    for line in text.splitlines():
        for code in internal_codes_in(line):
            out.append(f"{code!r} in {line[:160]!r}")
    return out


# --- template syntax, raw values, untranslated text -----------------------------------------------

_TEMPLATE_SYNTAX = re.compile(r"\{#|#\}|\{%|%\}|\{\{|\}\}|\{comment|\{(?!seq\})[a-z_]+\}")
# ``{seq}`` is the one placeholder a user types: the sequence number in a document-number pattern
# (金民告〔2026〕{seq}号), which the bulk-decision form explains.


def template_syntax_in(text: str) -> list[str]:
    """Template syntax a reader sees: a comment printed (``{# … #}`` spread over lines, ``{% comment``),
    a tag or variable not rendered, a placeholder of a text template left in (``{org_name}``)."""
    return [
        f"{m.group(0)!r} in {line[:160]!r}"
        for line in text.splitlines()
        for m in _TEMPLATE_SYNTAX.finditer(line)
    ]


def _raw_values(language: str) -> frozenset[str]:
    """The stored values of the product's choices (``decide``, ``repaired``, ``general``), a case's
    steps and outcomes, and the channels a record or event is written through: a text node that is one
    of them shows a value instead of its label. In English a value spelled like its label is a word."""
    from django.apps import apps

    from socredit.apps.cases import labels
    from socredit.core import cases as plans

    values: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            for value, label in getattr(field, "flatchoices", None) or ():
                if isinstance(value, str) and re.fullmatch(r"[a-z][a-z_]+", value):
                    with translation.override("en"):
                        if language != "en" or str(label).lower() != value.replace("_", " "):
                            values.add(value)
    for plan in (plans.OBJECTION_FORWARDED, plans.OBJECTION_OWN, plans.REPAIR, plans.COMPLAINT):
        values.update(step.code for step in plan)
    if language != "en":
        values.update(labels.OUTCOMES)
    return frozenset(values | {"form", "import", "api", "cli", "system", "general"})


_SEGMENTS = re.compile(r"\s*(?:·|：|:|，|,|\||—)\s*")
_BRACKETED = re.compile(r"[(（]\s*([a-z][a-z_]*)\s*[)）]")


def raw_values(language: str):  # noqa: ANN201 — a check, like findings_in
    """The check for one language: a text node, a segment of one (between · : , |) or a bracketed word
    that is a raw value."""
    raw = _raw_values(language)

    def raw_values_in(text: str) -> list[str]:
        out = []
        for line in text.splitlines():
            words = {s.strip() for s in _SEGMENTS.split(line)} | set(_BRACKETED.findall(line))
            out += [f"{w!r} in {line[:160]!r}" for w in sorted(words & raw)]
        return out

    return raw_values_in


_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
# Stored texts the product writes itself (not the world's data): a case step's title and basis, a
# notice to staff, the words of a timeline line (each in both languages; the names in it are data). Pages show them through labels, never as data.
PRODUCT_TEXT_FIELDS = {("cases", "casestep", "title"), ("cases", "casestep", "basis"),
                       ("cases", "casenotice", "text"), ("cases", "caseevent", "params")}  # fmt: skip
# Chinese an English text quotes on purpose: the term it explains (调休) or an example of what the
# user types in Chinese (a document number pattern, a system's name, a reason).
QUOTED_TERMS = (
    "调休",
    "告知承诺",
    "容缺受理",
    "信用核查",
    "领域黑名单",
    "金民告",
    "税务局信用核查系统",
    "系统停用",
    "令牌可能泄露",
)


def _documents() -> list[str]:
    """What the office adopts as written and the product shows as such: the laws it cites (title,
    number, article, and each situation in the law's own words), the policy profiles and indicator
    models it runs (their titles, indicators, level names and reasons: documents the administrators
    maintain), and the Chinese headers of the import files (the files' own format)."""
    from pathlib import Path

    import socredit
    from socredit.apps.imports import columns as import_columns
    from socredit.core import citations

    texts: list[str] = []
    for value in vars(citations).values():
        if isinstance(value, citations.Instrument):
            texts += [value.cite(), value.title, value.number]
        if isinstance(value, dict):
            for c in value.values():
                if isinstance(c, citations.Citation):
                    texts += [c.text, c.situation]
    root = Path(socredit.__file__).parent / "core"
    texts += [p.read_text(encoding="utf-8") for p in (root / "policies").glob("*.toml")]
    texts += [p.read_text(encoding="utf-8") for p in (root / "scoring" / "models").glob("*.toml")]
    texts += [p.read_text(encoding="utf-8") for p in (root / "measures" / "catalogues").glob("*.toml")]
    for value in vars(import_columns).values():
        if isinstance(value, tuple):
            texts += [c.header for c in value if hasattr(c, "header")]
    texts += [v for v in vars(citations).values() if isinstance(v, str)]  # e.g. the authority's own standard
    from socredit.apps.lists import documents as list_documents
    from socredit.core.lists import grounds

    texts += [g.title for g in grounds.GROUNDS] + [e.title for e in grounds.EXITS_BY_CODE.values()]
    texts += [*list_documents.DECISION_TITLES.values(), list_documents.PRIOR_NOTICE_TITLE]  # documents' names
    from socredit.apps.dormancy.services import STEP_TITLES

    texts += list(STEP_TITLES.values())
    return [*texts, *QUOTED_TERMS]


def world_data() -> str:
    """Every text the world's rows hold (names of organizations, persons, regions, departments, record
    and case texts people wrote, documents as issued, the audit trail as written), one per line."""
    from django.apps import apps
    from django.db import models

    texts: list[str] = []
    for model in apps.get_models():
        meta = model._meta
        fields = [
            f.attname for f in meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
            and (meta.app_label, meta.model_name, f.name) not in PRODUCT_TEXT_FIELDS
        ]  # fmt: skip
        if fields and meta.managed and not meta.proxy:
            for row in model._base_manager.values_list(*fields):
                texts += [
                    json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v for v in row if v
                ]
    return "\n".join(texts)


class EnglishText:
    """In English, each run of Chinese characters on a page must be the world's data (an organization's
    name, a reason someone wrote, a document as issued) found verbatim among the texts the database
    holds, or the text of a document the office adopts (``_documents``); any other Chinese is text the
    templates or the code left untranslated. The data is read again when a run is not found (the sweep
    itself writes: downloads are audited)."""

    def __init__(self) -> None:
        self.documents = "\n".join(_documents())
        self.data = world_data()

    def _known(self, run: str) -> bool:
        return run in self.documents or run in self.data

    def untranslated_in(self, text: str) -> list[str]:
        out = []
        for line in text.splitlines():
            for run in _CJK.findall(line):
                if not self._known(run):
                    self.data = world_data()
                    if not self._known(run):
                        out.append(f"{run!r} in {line[:160]!r}")
        return out


@pytest.fixture
def world(matrix_world, personas):  # noqa: F811
    """The access matrix's world, plus what the run, credit and API pages show."""
    # engine reasons that name rules.md items for staff: a clock restart while listed (R1.9) and a
    # revocation the engine cannot classify alone (R1.12(2) or (7))
    listed = matrix_world["entry"].organization
    factories.record(listed, "penalty_warning", occurred_on=lists.today() - dt.timedelta(days=20))
    revoked = factories.organization(region_code="410105", name="郑州市金水区矩阵撤销登记协会")
    factories.record(revoked, "registration_revoked", occurred_on=lists.today() - dt.timedelta(days=10))
    lists.daily_run(personas["city_admin"])
    # a corrected record: its history and the changes feed speak of both versions
    from socredit.apps.records.services import correct_record

    old = factories.record(revoked, "penalty_fine", amount="3000", document_number="矩阵罚〔2026〕9号")
    corrected = correct_record(actor=personas["staff_jinshui"], channel="form", record=old,
                               data={"amount": "2000"}, reason="金额录入错误")  # fmt: skip
    org = matrix_world["org"]
    tax = factories.department("zz-tax", "郑州市税务局", kind=DepartmentKind.TAX)
    arrears = factories.record(org, "tax_arrears", department=tax.code, occurred_on=dt.date(2025, 3, 1))
    forwarded = objections.file_objection(
        personas["staff_jinshui"], channel="paper", organization=org, records=[arrears],
        reasons="税款已于2025年4月缴清，申请核查。", applicant_name="李娜", applicant_contact="0371-60000000",
    )  # fmt: skip
    objections.forward(personas["staff_jinshui"], forwarded)
    listed_record = listed.records.get(kind__code="annual_report_missing")
    return {
        **matrix_world,
        "tax": tax,
        "forwarded": forwarded,
        "listed": listed,
        "listed_record": listed_record,
        # graded 5A while listed: its level is set by a level rule, which the credit panel explains
        "graded": _graded_organization(listed),
        "corrected": corrected,
    }


# Pages opened a second time for the world's listed organization (an abnormal-list entry from a
# missing annual report, a removal application pending): its credit file has listing records.
LISTED_ORGANIZATION = {
    "registry:organization_detail": lambda w: {"code": w["listed"].code},
    "evaluation:organization_credit": lambda w: {"code": w["listed"].code},
    "evaluation:what_if": lambda w: {"code": w["listed"].code},
    "lists:organization_lists": lambda w: {"code": w["listed"].code},
    "records:record_detail": lambda w: {"pk": w["listed_record"].pk},
    "cases:repair_eligibility": lambda w: {"record_id": w["listed_record"].pk},
}
# and for the corrected record (two versions, a history that links them)
CORRECTED_RECORD = {"records:record_detail": lambda w: {"pk": w["corrected"].pk}}


def _graded_organization(listed):
    """The listed organization graded 5A: its score alone would give B, the abnormal-list rule caps it at C."""
    factories.record(listed, "grade_5a", occurred_on=lists.today() - dt.timedelta(days=30))
    return listed


def _sweep(client, world, personas, routes, languages=("zh-hans",), checks=None):
    """Open every route for every persona it lets in, in each language; each check's findings by page."""
    checks = checks or {"zh-hans": [findings_in]}
    found: dict[str, list[str]] = {}
    opened = 0
    urls = []
    for route in routes:
        build, expected = MATRIX[route]
        urls.append((route, reverse(route, kwargs=build(world)), expected))
        for extra in (LISTED_ORGANIZATION, CORRECTED_RECORD):  # the same page for other objects of the world
            if route in extra:
                urls.append((route, reverse(route, kwargs=extra[route](world)), expected))
    for language in languages:
        for route, url, expected in urls:
            for persona in PERSONAS:
                if expected[persona] != 200:
                    continue
                client.logout()
                if persona != "anonymous":
                    client.force_login(world["org_account"] if persona == ORG else personas[persona])
                # the language switch's cookie (logout clears the client's cookies)
                client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
                response = client.get(url)
                assert response.status_code == 200, f"{persona} {url} → {response.status_code}"
                kind = response.get("Content-Type", "")
                if not kind.startswith(("text/html", "text/csv")):
                    continue  # files (xlsx templates, evidence) are not pages
                # a table's export streams: read it whole (a CSV is read as a page is)
                content = b"".join(response.streaming_content) if response.streaming else response.content
                body = content.decode("utf-8-sig")
                if "<html" in body[:200] and f'lang="{language}"' not in body[:500]:  # fragments have none
                    if route in DOCUMENTS and language == "en":
                        continue  # a document as issued: in Chinese whatever the reader's language
                    found.setdefault(f"{route} ({persona}, {language})", []).append(f"not in {language}")
                text = visible_text(body) if kind.startswith("text/html") else body
                opened += 1
                # a CSV file is read by programs and spreadsheets: only the internal codes are looked for
                for check in checks[language] if kind.startswith("text/html") else [findings_in]:
                    for f in check(text):
                        found.setdefault(f"{route} ({persona}, {language})", []).append(f)
    return found, opened


def _report(found: dict[str, list[str]]) -> str:
    return "\n".join(f"{where}: {f}" for where, fs in sorted(found.items()) for f in dict.fromkeys(fs))


@pytest.mark.slow
def test_no_page_outside_the_rule_pages_shows_an_internal_code(client, world, personas):
    """Every route, every persona it lets in, in Chinese and in English: no internal code, no template
    syntax, no raw value of the product's choices; in English, no Chinese outside the world's data."""
    english = EnglishText()
    found, opened = _sweep(
        client, world, personas, sorted(set(MATRIX) - EXEMPT), languages=("zh-hans", "en"),
        checks={"zh-hans": [findings_in, template_syntax_in, raw_values("zh-hans")],
                "en": [findings_in, template_syntax_in, raw_values("en"), english.untranslated_in]},
    )  # fmt: skip
    assert opened > 200
    # the sweep reaches the texts that carried codes: a level rule's basis (the listed organization's
    # level is capped by the abnormal-list rule), a record kind's legal basis
    client.force_login(personas["staff_jinshui"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    panel = client.get(
        reverse("evaluation:organization_credit", args=[world["listed"].code])
    ).content.decode()
    assert "本机关确定的社会组织信用评价标准" in panel, visible_text(panel)[:1500]
    record = client.get(reverse("records:record_detail", args=[world["record"].pk])).content.decode()
    assert "《社会组织信用信息管理办法》（民政部令第60号）" in record
    assert not found, "internal values or untranslated text on pages:\n" + _report(found)


def test_the_exempt_rule_pages_do_show_the_codes(client, world, personas):
    """The allow-list is not a blind spot: the rule pages are where the codes are maintained."""
    client.force_login(personas["city_admin"])
    for route in sorted(EXEMPT):
        build, _ = MATRIX[route]
        text = visible_text(client.get(reverse(route, kwargs=build(world))).content.decode())
        assert internal_codes_in(text), route


# Fields of the department API that are machine codes by contract (documented as codes in the schema):
# they are read by programs, not shown as text. Everything else that is a string must be clean.
API_CODE_FIELDS = {"ground", "grounds", "kind", "code", "list", "status", "state", "model_version",
                   "profile_version", "version", "result", "channel", "outcome", "level", "exit_ground"}  # fmt: skip


def _strings(value, path=""):
    if isinstance(value, dict):
        for k, v in value.items():
            if k in API_CODE_FIELDS and not isinstance(v, dict | list):
                continue
            yield from _strings(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _strings(v, f"{path}[{i}]")
    elif isinstance(value, str):
        yield path, value


def test_the_department_api_shows_no_internal_code_in_its_texts(client, world):
    scopes = ["records:read", "lists:read", "credit:read", "changes:read", "organizations:read"]
    _, secret = factories.token(scopes)
    _, tax_secret = factories.token([*scopes, "objections:verify"], world["tax"], name="tax")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    org = world["org"]
    listed = world["entry"].organization
    urls = [
        "/api/v1/record-kinds",
        f"/api/v1/organizations/{org.code}/records",
        f"/api/v1/records/{world['record'].pk}",
        f"/api/v1/records/{world['corrected'].pk}",
        f"/api/v1/organizations/{org.code}/credit",
        f"/api/v1/organizations/{listed.code}/credit",
        f"/api/v1/organizations/{listed.code}/lists",
        "/api/v1/lists/abnormal",
        "/api/v1/changes",
    ]
    tax_urls = ["/api/v1/objections/forwarded?all=true", f"/api/v1/objections/{world['forwarded'].number}"]
    found = []
    for url in urls + tax_urls:
        response = client.get(
            url, **(auth if url in urls else {"HTTP_AUTHORIZATION": f"Bearer {tax_secret}"})
        )
        assert response.status_code == 200, f"{url} → {response.status_code} {response.content[:200]!r}"
        data = response.json()
        assert data, url
        for path, text in _strings(data):
            found += [f"{url} {path}: {f}" for f in findings_in(text)]
    assert not found, "internal codes in API texts:\n" + "\n".join(dict.fromkeys(found))


def test_the_sweep_sees_a_code_when_one_is_shown():
    """The checker itself: a page text with a code in it is a finding, a clean one is not."""
    html = (
        "<html><body><nav>R1.6(5)</nav><main><p>依据：民政部令第60号 (rules.md R1.3)</p></main></body></html>"
    )
    assert findings_in(visible_text(html)) != []
    assert "nav" not in visible_text(html) and "R1.6(5)" not in visible_text(html)
    clean = "<main><p>《社会组织信用信息管理办法》（民政部令第60号）</p><script>var a='R1.2';</script></main>"
    assert findings_in(visible_text(clean)) == []
    assert json.dumps(list(_strings({"ground": "R1.6(5)", "reason": "x"}))) == '[[".reason", "x"]]'


def test_the_other_checks_see_what_they_look_for(world):
    """The checkers themselves: template syntax, a raw value, untranslated Chinese — and their clean twins."""
    printed = visible_text(
        "<main><p>{# a note #}</p><p>本单位{org_name}郑重承诺</p><p>{seq} 替换为序号</p></main>"
    )
    assert [f.split(" in ")[0] for f in template_syntax_in(printed)] == ["'{#'", "'#}'", "'{org_name}'"]
    raw = visible_text(
        "<main><td>verify</td><td>王芳 (form)</td><td>decided · repaired</td><td>Verify</td></main>"
    )
    assert [f.split(" in ")[0] for f in raw_values("zh-hans")(raw)] == ["'verify'", "'form'", "'repaired'"]
    assert [f.split(" in ")[0] for f in raw_values("en")(raw)] == [
        "'verify'",
        "'form'",
    ]  # "repaired" is a word
    english = EnglishText()
    org = world["org"].name
    page = visible_text(f"<main><h1>{org}</h1><p>Basis: 《社会组织信用信息管理办法》（民政部令第60号）</p>"
                        "<p>Case inbox</p><p>案件收件箱</p><p>Working day (调休)</p></main>")  # fmt: skip
    assert [f.split(" in ")[0] for f in english.untranslated_in(page)] == ["'案件收件箱'"]


def test_decided_cases_and_their_documents_show_no_internal_code(client, world, personas):
    """Cases carried to their end (an objection decided as 撤销 and notified, a repair granted, a complaint
    found true and answered): the case pages and every document page, for staff and the organization."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from socredit.apps.cases.services import complaints, repairs

    staff, org = personas["staff_jinshui"], world["org"]
    warning = factories.record(org, "penalty_warning", document_number="矩阵罚〔2026〕3号",
                               occurred_on=lists.today() - dt.timedelta(days=40))  # fmt: skip
    objection = objections.file_objection(
        world["org_account"], channel="organization", organization=org, records=[warning],
        reasons="矩阵测试：该警告已被复议撤销。",
    )  # fmt: skip
    objections.decide(
        staff, objection, reason="经核查，原处罚决定已被撤销。", actions={warning.pk: {"action": "revoke"}}
    )
    objections.notify(staff, objection)
    fine = factories.record(org, "penalty_fine", amount="2000", document_number="矩阵罚〔2026〕4号",
                            occurred_on=lists.today() - dt.timedelta(days=150),
                            decided_on=lists.today() - dt.timedelta(days=150))  # fmt: skip
    repair = repairs.apply_for_repair(
        staff, "paper", org, fine, reasons="罚款已缴清并完成整改。", obligations_statement="罚款已缴清。",
        files=[SimpleUploadedFile("缴款凭证.pdf", b"%PDF-1.4 paid", content_type="application/pdf")],
        applicant_name="李娜", applicant_contact="0371-60000000",
    )  # fmt: skip
    repairs.accept_repair(staff, repair, on=lists.today(), obligations_confirmed=True)
    repairs.decide_repair(staff, repair, on=lists.today(), approve=True, reason="罚款已缴清，整改到位。")
    complaint = world["complaint"]
    complaints.triage(staff, complaint, accept=True)
    complaints.link_organization(staff, complaint, org.code)
    complaints.conclude(staff, complaint, founded=True, reason="经查，违规收费属实。")
    complaints.reply(staff, complaint, text="经调查，您反映的问题属实，已依法处理并记入信用档案。")

    pages: list[tuple[str, object, str]] = []  # (what, account, url)
    for case in (objection, repair):
        pages.append(("case", staff, reverse("cases:case_detail", args=[case.number])))
        pages.append(("my case", world["org_account"], reverse("my:case_detail", args=[case.number])))
        for doc in case.documents.all():
            pages.append((doc.kind, staff, reverse("cases:document_print", args=[case.number, doc.pk])))
            pages.append(
                (doc.kind, world["org_account"], reverse("my:document_print", args=[case.number, doc.pk]))
            )
    pages.append(("complaint", staff, reverse("cases:case_detail", args=[complaint.number])))
    for doc in complaint.documents.all():
        pages.append((doc.kind, staff, reverse("cases:complaint_document", args=[complaint.pk, doc.pk])))
    pages.append(("home", world["org_account"], reverse("my:home")))
    pages.append(("record", staff, reverse("records:record_detail", args=[warning.pk])))
    pages.append(("record", staff, reverse("records:record_detail", args=[fine.pk])))
    pages.append(("credit", staff, reverse("evaluation:organization_credit", args=[org.code])))
    found = []
    for what, account, url in pages:
        client.force_login(account)
        response = client.get(url)
        assert response.status_code == 200, f"{what} {url} → {response.status_code}"
        found += [f"{what} {url}: {f}" for f in findings_in(visible_text(response.content.decode()))]
    assert len(pages) > 12
    assert not found, "internal codes on case pages:\n" + "\n".join(dict.fromkeys(found))


def test_no_template_comment_spans_lines():
    """Django's ``{# … #}`` is one line only: a comment continued on the next line is printed on the
    page (the repair case page once showed its template notes to staff). Use {% comment %} instead."""
    from pathlib import Path

    import socredit

    root = Path(socredit.__file__).parent
    broken = [
        f"{path.relative_to(root)}:{n}"
        for path in root.rglob("*.html")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if line.count("{#") > line.count("#}")
    ]
    assert not broken, broken
