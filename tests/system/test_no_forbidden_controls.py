"""Controls a user may not use are not shown: a crawl per persona.

Every persona opens every page the access matrix lets it open (200), then follows each same-site link
and sends each form found there (GET forms with their fields' values, POST forms empty, each inside a
savepoint rolled back afterwards). None may answer 403 (a control shown to someone it refuses), 404
(a link to nothing) or 500. The world is the access matrix's.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.db import transaction
from django.urls import reverse

from tests.system.test_access_matrix import (
    MATRIX,
    ORG,
    PERSONAS,
    _world_once,  # noqa: F401  (a fixture)
    world,  # noqa: F401  (a fixture)
)

pytestmark = pytest.mark.django_db

NOT_FOLLOWED = (
    "/accounts/logout/",  # would end the session the crawl goes on with
    "/i18n/",  # the language switch (a redirect back to the page)
    "/static/",
    "/admin/",  # Django's own admin, which states its own permissions
    "/api/",  # the API's pages (documents) are swept in test_access_matrix and test_api_fuzz
)
BAD = {403, 404, 500}


class _Controls(HTMLParser):
    """The links (a href) and forms (action, method, the GET fields' values) of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[tuple[str, str, dict[str, str]]] = []
        self._form: tuple[str, str, dict[str, str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        elif tag == "form":
            self._form = (a.get("action", ""), a.get("method", "get").lower(), {})
            self.forms.append(self._form)
        elif (
            tag in ("input", "select", "textarea")
            and self._form is not None
            and a.get("name")
            and a.get("type") not in ("checkbox", "radio", "submit", "file")
        ):
            self._form[2].setdefault(a["name"], a.get("value", ""))
        for name in ("hx-get", "hx-post"):
            if a.get(name):
                self.forms.append((a[name], name[3:], {}))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None


def _same_site(base: str, href: str) -> str | None:
    url = urldefrag(urljoin(base, href))[0]
    parts = urlsplit(url)
    if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if not path.startswith("/") or path.startswith(NOT_FOLLOWED):
        return None
    return path


def _listing_basis(objects):
    from socredit.apps.records.models import CreditRecord

    return CreditRecord.objects.get(
        organization=objects["entry"].organization, kind__code="annual_report_missing"
    )


@pytest.mark.slow
def test_no_visible_control_answers_403_404_or_500(world, personas, client):  # noqa: F811
    problems: list[str] = []
    for persona in PERSONAS:
        client.logout()
        if persona != "anonymous":
            client.force_login(world["org_account"] if persona == ORG else personas[persona])
        pages = sorted(
            reverse(route, kwargs=build(world))
            for route, (build, expected) in MATRIX.items()
            if expected[persona] == 200
        )
        if MATRIX["cases:repair_eligibility"][1][persona] == 200:
            # the repair conditions of a listed organization's record: the page offers the removal
            pages.append(reverse("cases:repair_eligibility", kwargs={"record_id": _listing_basis(world).pk}))
        followed: set[tuple[str, str]] = set()
        for page in pages:
            response = client.get(page)
            if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
                continue
            found = _Controls()
            found.feed(response.content.decode())
            targets = [("get", link, {}) for link in found.links] + [
                (method, action or page, fields) for action, method, fields in found.forms
            ]
            for method, href, fields in targets:
                url = _same_site(page, href)
                if url is None or (method, url) in followed:
                    continue
                followed.add((method, url))
                if method == "get":
                    status = client.get(url, fields).status_code
                else:
                    with transaction.atomic():
                        status = client.post(url, {}).status_code
                        transaction.set_rollback(True)
                if status in BAD:
                    problems.append(f"{persona}: {method.upper()} {url} (on {page}) → {status}")
        assert followed, f"{persona} found nothing to follow"
    assert not problems, "\n".join(problems)
