"""The administrators' profile pages, and the list switches read from the profile: announcement
(lists.notice.announce_if_unreachable), R1.8 exemption (lists.abnormal.exemption_manual) and
penalties counted only from civil-affairs departments (lists.abnormal.penalties_any_department)."""

from __future__ import annotations

import pytest

from socredit.apps.lists import services
from socredit.apps.lists.models import ListNotice, ListProposal
from socredit.apps.lists.tests.conftest import ago
from socredit.common import policy
from socredit.common.errors import FieldErrors
from socredit.core.lists.notice import Mailing
from socredit.core.types import DepartmentKind
from socredit.testing import factories

pytestmark = pytest.mark.django_db


def open_proposals(org):
    return list(ListProposal.objects.filter(organization=org, status="proposed"))


def test_the_profile_list_shows_regions_periods_and_reserved_parameters(client, personas):
    client.force_login(personas["city_admin"])
    html = client.get("/lists/policy/").content.decode()
    assert 'data-version="xinzheng-2019.1"' in html and "410184" in html and "2019-07-15" in html
    assert 'data-version="quzhou-2018.1"' in html and "330800" in html and "2018-05-09" in html
    assert 'data-version="national-2023.1"' in html and "2026-02-28" in html
    # green_channel.* is read by the measures app (绿色通道、容缺受理), spot_check.* by the spot checks;
    # evaluation.* is still reserved
    assert 'data-reserved="evaluation."' in html and 'data-reserved="green_channel."' not in html
    assert 'data-reserved="spot_check."' not in html
    assert "预留：尚未启用" in html


def test_a_version_page_shows_the_combined_profile_on_a_day(client, personas):
    client.force_login(personas["city_admin"])
    html = client.get("/lists/policy/xinzheng-2019.1/", {"on": "2025-06-10"}).content.decode()
    assert "data-combined>xinzheng-2019.1+national-2023.1<" in html
    row = html[html.index('data-key="objection.total_working_days"') :]
    assert "12" in row[: row.index("</tr>")] and "data-own" in row[: row.index("</tr>")]
    reserved = html[html.index('data-key="evaluation.validity_years"') :]
    assert "预留：尚未启用" in reserved[: reserved.index("</tr>")]
    in_use = html[html.index('data-key="spot_check.min_ratio_city"') :]
    assert "预留：尚未启用" not in in_use[: in_use.index("</tr>")]
    early = client.get("/lists/policy/xinzheng-2019.1/", {"on": "2020-01-01"}).content.decode()
    assert "data-error" in early and "2020-01-01" in early  # no national profile beneath: said so
    assert client.get("/lists/policy/hangzhou-2026.1/").status_code == 404


def test_officers_do_not_see_the_profile_pages(client, personas):
    client.force_login(personas["staff_jinshui"])
    assert client.get("/lists/policy/").status_code == 403


def override(monkeypatch, values):
    base = policy.policy_profile
    monkeypatch.setattr(
        policy,
        "policy_profile",
        lambda day, region=None: base(day, region).with_overrides(values, authority="测试"),
    )


def test_announcement_only_where_the_profile_allows_it(org, actor, monkeypatch):
    factories.record(org, "penalty_warning", occurred_on=ago(40))
    [p] = open_proposals(org)
    letters = [Mailing(ago(35), signed=False), Mailing(ago(15), signed=False)]
    override(monkeypatch, {"lists.notice.announce_if_unreachable": False})
    with pytest.raises(FieldErrors) as err:
        services.serve_notice(actor, p, ListNotice.Method.ANNOUNCEMENT, ago(1), "公告1", letters)
    assert "互联网公告" in err.value.errors["method"][0]
    monkeypatch.undo()
    notice = services.serve_notice(actor, p, ListNotice.Method.ANNOUNCEMENT, ago(1), "公告1", letters)
    assert notice.method == ListNotice.Method.ANNOUNCEMENT


def test_exemption_only_where_the_profile_allows_it(org, actor, monkeypatch):
    factories.record(org, "penalty_warning", occurred_on=ago(10))
    [p] = open_proposals(org)
    override(monkeypatch, {"lists.abnormal.exemption_manual": False})
    with pytest.raises(FieldErrors, match="不允许以书面证明不予列入"):
        services.exempt_proposal(actor, p, certificate="证明", document_number="E1", decided_on=ago(2))
    monkeypatch.undo()
    decision = services.exempt_proposal(actor, p, certificate="证明", document_number="E1", decided_on=ago(2))
    assert decision.kind == "exemption"


def test_penalties_of_other_departments_count_only_where_the_profile_says_so(org, monkeypatch):
    tax = factories.department("zz-sw", "郑州市税务局", kind=DepartmentKind.TAX)
    override(monkeypatch, {"lists.abnormal.penalties_any_department": False})
    factories.record(org, "penalty_warning", occurred_on=ago(10), department=tax.code)
    assert open_proposals(org) == []  # a tax warning is not a civil-affairs penalty under this rule
    factories.record(org, "penalty_warning", occurred_on=ago(9), document_number="郑民罚〔2026〕99号")
    assert [p.ground for p in open_proposals(org)] == ["R1.6(5)"]
    monkeypatch.undo()
    other = factories.organization("410105")
    factories.record(
        other, "penalty_warning", occurred_on=ago(10), department=tax.code, document_number="税1"
    )
    assert [p.ground for p in open_proposals(other)] == ["R1.6(5)"]  # national: any department (R1.6(5))


def test_a_run_dated_before_any_national_profile_is_refused_with_the_date(org):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError) as info:
        call_command("lists", "run", "--as-of", "2020-01-06")
    assert "2020-01-06" in str(info.value) and "2023-05-01" in str(info.value)
