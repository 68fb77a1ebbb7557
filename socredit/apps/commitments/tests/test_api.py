"""GET /api/v1/organizations/{code}/commitments: published commitments, scope records:read, region."""

from __future__ import annotations

import pytest

from socredit.apps.commitments import services
from socredit.apps.commitments.tests.conftest import ago
from socredit.testing import factories

pytestmark = pytest.mark.django_db


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def url(org):
    return f"/api/v1/organizations/{org.code}/commitments"


@pytest.fixture
def signed(org, templates, personas):
    staff = personas["staff_jinshui"]
    kept = services.sign_commitment(
        staff, "form", org, templates["general"], signed_by_name="王法人", signed_on=ago(5)
    )
    gone = services.sign_commitment(staff, "form", org, templates["licence"], signed_by_name="王法人",
                                    subject="变更登记", signed_on=ago(3))  # fmt: skip
    services.withdraw_commitment(staff, "form", gone, reason="误录")
    return kept


def test_token_with_records_read_gets_published_commitments(client, org, signed, civil_affairs):
    raw = factories.token(["records:read"], civil_affairs)[1]
    response = client.get(url(org), **bearer(raw))
    assert response.status_code == 200
    body = response.json()
    assert [c["id"] for c in body] == [signed.pk]
    assert (
        body[0]["template"] == "general" and body[0]["status"] == "in_force" and org.name in body[0]["text"]
    )


def test_token_without_scope_is_refused(client, org, signed, civil_affairs):
    raw = factories.token(["lists:read"], civil_affairs)[1]
    assert client.get(url(org), **bearer(raw)).status_code == 403


def test_token_of_another_region_gets_404(client, org, signed):
    raw = factories.token(["records:read"], factories.department("xz-mzj", "新郑市民政局", "410184"))[1]
    assert client.get(url(org), **bearer(raw)).status_code == 404


def test_staff_session_reads_within_region(client, org, signed, personas):
    client.force_login(personas["viewer_jinshui"])
    assert len(client.get(url(org)).json()) == 1
    client.force_login(personas["staff_xinzheng"])
    assert client.get(url(org)).status_code == 404


def test_anonymous_is_401_and_an_organization_account_403(client, org, signed, org_self):
    assert client.get(url(org)).status_code == 401
    client.force_login(org_self)
    assert client.get(url(org)).status_code == 403  # the middleware keeps it out of the staff API
