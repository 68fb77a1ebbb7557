"""一社一码: a stable QR code (PNG, SVG) of the public profile's address; staff and the organization reach it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from socredit.apps.reports import content, qr
from socredit.testing import factories

pytestmark = pytest.mark.django_db


def _qr(client, code, kind, **params):
    return client.get(reverse("reports:org_qr", kwargs={"code": code, "kind": kind}), params)


@pytest.mark.parametrize(
    ("kind", "mime", "start"), [("png", "image/png", b"\x89PNG"), ("svg", "image/svg+xml", b"<?xml")]
)
def test_qr_encodes_the_public_profile_address(client, kind, mime, start):
    org = factories.organization()
    response = _qr(client, org.code, kind)
    assert response.status_code == 200
    assert response["Content-Type"] == mime
    assert response.content.startswith(start)
    expected = "http://testserver" + content.profile_path(org.code)
    assert response.content == qr.qr_bytes(expected, kind)
    assert _qr(client, org.code, kind).content == response.content  # stable: the same code every time


def test_qr_uses_the_configured_public_address(client, settings):
    settings.SOCREDIT_PUBLIC_URL = "https://xinyong.example.gov.cn/"
    org = factories.organization()
    svg = _qr(client, org.code, "svg").content
    assert svg == qr.qr_bytes("https://xinyong.example.gov.cn" + content.profile_path(org.code), "svg")


def test_download_names_the_file(client):
    org = factories.organization()
    response = _qr(client, org.code, "png", download="1")
    assert "attachment" in response["Content-Disposition"] and org.code in response["Content-Disposition"]


@pytest.mark.parametrize("kind", ["gif", "pdf"])
def test_unknown_kind_is_404(client, kind):
    assert _qr(client, factories.organization().code, kind).status_code == 404


def test_unknown_code_is_404(client):
    assert _qr(client, "51410105MJ0000000X", "png").status_code == 404


def test_organization_downloads_its_code_from_my(client, login):
    org = factories.organization()
    login(factories.org_account(org))
    page = client.get(reverse("reports:my_qr"))
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("reports:org_qr", kwargs={"code": org.code, "kind": "png"}) in html
    assert reverse("reports:org_qr", kwargs={"code": org.code, "kind": "svg"}) in html
    home = client.get("/my/")
    assert reverse("reports:my_qr") in home.content.decode()


def test_my_qr_is_for_organization_accounts_only(client, login, personas):
    assert client.get(reverse("reports:my_qr")).status_code == 302
    login(personas["staff_jinshui"])
    assert client.get(reverse("reports:my_qr")).status_code == 403


def test_staff_print_it_from_the_organization_page(client, login, personas):
    org = factories.organization()
    login(personas["city_admin"])
    page = client.get(reverse("registry:organization_detail", kwargs={"code": org.code}))
    assert reverse("reports:org_qr", kwargs={"code": org.code, "kind": "svg"}) in page.content.decode()
