"""Lookups near the framework's limit: the credit answer for today read from the stored score (the
same answer as computing it), computed for a past date or another model; the organization lookup
and the credit answer in a handful of queries; department tokens cached with prompt revocation."""

import datetime as dt

import pytest

from socredit.apps.accounts import services as accounts
from socredit.apps.accounts.models import ApiToken
from socredit.apps.evaluation import services
from socredit.apps.evaluation.models import CreditScore
from socredit.apps.evaluation.tests.test_api import answered, expected, get
from socredit.common.access import SystemPrincipal
from socredit.testing import factories

pytestmark = pytest.mark.django_db

STATUS_MODEL = "status-classes-2023.1"
explain = services.explain_organization  # the computation itself, for the expected answers (not spied on)


@pytest.fixture
def reader(civil_affairs):
    return factories.token(["credit:read", "organizations:read"], civil_affairs)[1]


@pytest.fixture
def computed(monkeypatch):
    """The organization ids whose answer was computed on the fly (explain_organization called)."""
    calls = []
    original = services.explain_organization

    def spy(org, **kwargs):
        calls.append(org.pk)
        return original(org, **kwargs)

    monkeypatch.setattr(services, "explain_organization", spy)
    return calls


def _records(org, today):
    for n in range(4):  # four warnings: -20, capped at -15
        factories.record(org, "penalty_warning", occurred_on=today - dt.timedelta(days=10 + n))
    factories.record(org, "grade_3a", occurred_on=today - dt.timedelta(days=30))


def test_today_is_read_from_the_stored_score_and_equals_the_computed_answer(
    client, personas, reader, computed
):
    today = services.today()
    capped = factories.organization(name="封顶协会")
    _records(capped, today)
    fined = factories.organization(name="罚款协会")
    factories.record(fined, "penalty_fine", occurred_on=today - dt.timedelta(days=3), amount="60000")
    plain = factories.organization(name="无记录协会")
    services.run_evaluation(actor=SystemPrincipal("test"), channel="system")  # scores `plain` too
    for org in (capped, fined, plain):
        body = get(client, f"/organizations/{org.code}/credit", reader).json()
        assert answered(body) == expected(explain(org)), org.name
        assert body["stored"]["score"] == body["score"]
    assert computed == []  # the three answers above were read, not computed
    lines = {
        b["indicator"]: b
        for b in get(client, f"/organizations/{capped.code}/credit", reader).json()["breakdown"]
    }
    assert lines["penalty_minor"]["capped"] and lines["penalty_minor"]["raw_points"] == -20


def test_past_date_other_model_and_stale_score_are_computed(client, personas, reader, computed, today_is):
    org = factories.organization(name="计算协会")
    day = services.today()
    factories.record(org, "penalty_warning", occurred_on=day - dt.timedelta(days=10))
    path = f"/organizations/{org.code}/credit"
    get(client, path, reader, as_of=(day - dt.timedelta(days=30)).isoformat())
    get(client, path, reader, model=STATUS_MODEL)
    assert computed == [org.pk, org.pk]
    # the next day, before any batch run of that day, the stored score is yesterday's: computed
    today_is(day + dt.timedelta(days=1))
    body = get(client, path, reader).json()
    assert computed == [org.pk] * 3 and answered(body) == expected(explain(org))
    # a finished run of the new day covering the organization (here: its city) makes it readable again
    services._RUNS_SEEN.clear()
    services.run_evaluation(actor=SystemPrincipal("test"), channel="system", region=org.region.parent)
    assert CreditScore.objects.get(organization=org).as_of == day  # unchanged result: not rewritten
    services._RUNS_SEEN.clear()
    again = get(client, path, reader).json()
    assert len(computed) == 3 and again == body


def test_lookup_and_credit_for_today_take_a_few_queries(
    client, personas, reader, django_assert_num_queries, django_assert_max_num_queries
):
    org = factories.organization(name="查询次数协会")
    factories.record(org, "penalty_warning", occurred_on=services.today() - dt.timedelta(days=5))
    get(client, f"/organizations/{org.code}", reader)  # the token is read (and cached) here
    with django_assert_num_queries(1):  # the organization with its region; the token from memory
        body = get(client, f"/organizations/{org.code}", reader).json()
    assert body["code"] == org.code and body["region_name"] == org.region.name
    get(client, f"/organizations/{org.code}/credit", reader)
    # the organization with its region and stored score + the list memberships of the day
    with django_assert_max_num_queries(4):
        assert get(client, f"/organizations/{org.code}/credit", reader).json()["level"] in "ABCD"


def test_revocation_takes_effect(client, personas, civil_affairs, monkeypatch):
    org = factories.organization(name="令牌协会")
    token, raw = factories.token(["organizations:read"], civil_affairs)
    path = f"/organizations/{org.code}"
    now = [1000.0]
    monkeypatch.setattr(accounts, "_clock", lambda: now[0])
    assert get(client, path, raw).status_code == 200
    # revoked by the service in this process: refused on the very next request
    accounts.revoke_token(actor=None, channel="system", token=token, reason="测试：系统停用")
    assert get(client, path, raw).status_code == 401

    other, raw2 = factories.token(["organizations:read"], civil_affairs, name="second")
    assert get(client, path, raw2).status_code == 200
    # revoked by another process (no signal reaches this one): served from the cache until the TTL
    ApiToken.objects.filter(pk=other.pk).update(active=False)
    now[0] += 1
    assert get(client, path, raw2).status_code == 200
    now[0] += accounts.settings.SOCREDIT_TOKEN_CACHE_SECONDS
    assert get(client, path, raw2).status_code == 401

    third, raw3 = factories.token(["organizations:read"], civil_affairs, name="third")
    assert get(client, path, raw3).status_code == 200
    third.active = False
    third.save()  # the admin's way: the save signal forgets the token at once
    assert get(client, path, raw3).status_code == 401
    assert get(client, path, "sc_unknown").status_code == 401


def test_expiry_is_checked_on_every_request(client, personas, civil_affairs, monkeypatch):
    from django.utils import timezone

    org = factories.organization(name="过期协会")
    token, raw = factories.token(["organizations:read"], civil_affairs)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() + dt.timedelta(seconds=30))
    monkeypatch.setattr(accounts, "_clock", lambda: 5000.0)  # the cache never expires in this test
    assert get(client, f"/organizations/{org.code}", raw).status_code == 200
    cached = accounts._TOKEN_CACHE[token.key_hash][1]
    cached.expires_at = timezone.now() - dt.timedelta(seconds=1)  # as if 31 s had passed
    assert get(client, f"/organizations/{org.code}", raw).status_code == 401
