"""Region scope of staff accounts and department tokens, enforced by common.access.restrict."""

import datetime as dt

import pytest
from django.utils import timezone

from socredit.apps.accounts.services import authenticate_token, revoke_token
from socredit.apps.registry.access import access_organization, access_organizations
from socredit.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def orgs():
    return {
        "jinshui": factories.organization(region_code="410105"),
        "xinzheng": factories.organization(region_code="410184"),
        "city": factories.organization(region_code="410100"),
        "shanghai": factories.organization(region_code="310107"),
    }


def _codes(principal):
    return set(access_organizations(principal).values_list("code", flat=True))


def test_each_persona_sees_its_region_and_below(personas, orgs):
    c = {k: v.code for k, v in orgs.items()}
    assert _codes(personas["staff_jinshui"]) == {c["jinshui"]}
    assert _codes(personas["staff_xinzheng"]) == {c["xinzheng"]}
    assert _codes(personas["city_admin"]) == {c["jinshui"], c["xinzheng"], c["city"]}
    assert _codes(personas["superuser"]) == set(c.values())


def test_out_of_scope_is_the_same_404_as_missing(personas, orgs):
    from django.http import Http404

    with pytest.raises(Http404):
        access_organization(personas["staff_jinshui"], orgs["xinzheng"].code)
    with pytest.raises(Http404):
        access_organization(personas["staff_jinshui"], "51410105MJ9999999X")


def test_inactive_or_regionless_accounts_see_nothing(personas, orgs):
    user = personas["staff_jinshui"]
    user.is_active = False
    assert _codes(user) == set()
    user.is_active = True
    user.region = None
    assert _codes(user) == set()


def test_department_tokens_carry_their_region(orgs):
    dept = factories.department("jinshui-tax", "金水区税务局", "410105")
    token, raw = factories.token(["records:write"], dept)
    principal = authenticate_token(raw)
    assert principal == token
    assert _codes(principal) == {orgs["jinshui"].code}
    assert authenticate_token(raw + "x") is None
    assert authenticate_token("") is None


def test_revoked_and_expired_tokens_stop_working(orgs):
    token, raw = factories.token(["records:read"])
    token.expires_at = timezone.now() - dt.timedelta(seconds=1)
    token.save()
    assert authenticate_token(raw) is None
    token2, raw2 = factories.token(["records:read"], name="second")
    revoke_token(actor=None, channel="system", token=token2, reason="测试：系统停用")
    assert authenticate_token(raw2) is None


def test_only_the_hash_of_a_token_is_stored():
    token, raw = factories.token(["records:read"])
    token.refresh_from_db()
    assert raw not in (token.key_hash, token.prefix) and token.key_hash != raw


def test_no_principal_and_a_signed_out_user_see_nothing(orgs):
    from django.contrib.auth.models import AnonymousUser

    assert _codes(None) == set()
    assert _codes(AnonymousUser()) == set()  # it has no region: refused before it is asked for one


def test_a_principal_without_sign_in_state_is_scoped_by_its_region(orgs):
    """A department token (or any principal) that has no ``is_authenticated`` is scoped by its region."""

    class Principal:
        def scope_path(self):
            return factories.region("410184").path

    assert _codes(Principal()) == {orgs["xinzheng"].code}
