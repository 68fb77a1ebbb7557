"""Calendar pages: the years with the warning for a missing next year, one year's holidays, and
entering a year (administrators only; a bad line is a 400 that says which line and why, and
changes nothing)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from socredit.apps.audit.models import AuditEvent
from socredit.apps.workdays import services
from socredit.apps.workdays.models import CalendarYear

pytestmark = pytest.mark.django_db

WARNING_2027 = "2027年放假安排尚未录入：涉及2027年的期限按周末推算，仅供参考"


@pytest.fixture(autouse=True)
def today(today_is):
    today_is(dt.date(2026, 11, 23))


def text(response):
    return response.content.decode()


def test_year_list_warns_that_next_year_is_missing(personas, login):
    response = login(personas["viewer_jinshui"]).get(reverse("workdays:year_list"))
    html = text(response)
    assert response.status_code == 200
    assert WARNING_2027 in html
    assert reverse("workdays:year_detail", args=[2026]) in html and "chinese-calendar" in html
    assert reverse("workdays:year_enter", args=[2027]) not in html  # a viewer may not enter


def test_year_list_offers_administrators_the_form(personas, login):
    html = text(login(personas["city_admin"]).get(reverse("workdays:year_list")))
    assert reverse("workdays:year_enter", args=[2027]) in html


def test_year_detail_lists_the_holidays_and_makeup_days(personas, login):
    client = login(personas["staff_xinzheng"])
    html = text(client.get(reverse("workdays:year_detail", args=[2025])))
    assert "2025-10-08" in html and "国庆节" in html and "中秋节" in html
    assert "2025-10-11" in html and "调休上班" in html
    missing = client.get(reverse("workdays:year_detail", args=[2027]))
    assert missing.status_code == 200 and WARNING_2027 in text(missing)
    assert client.get(reverse("workdays:year_detail", args=[1990])).status_code == 404


def test_only_administrators_may_enter_a_year(personas, login, client):
    url = reverse("workdays:year_enter", args=[2027])
    for persona in ("viewer_jinshui", "staff_jinshui"):
        client.force_login(personas[persona])
        assert client.get(url).status_code == 403
        assert client.post(url, {"notice": "x", "holidays": "2027-01-01 元旦"}).status_code == 403
    client.force_login(personas["superuser"])
    assert client.get(url).status_code == 200
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_entering_a_year_through_the_form(personas, login):
    client = login(personas["city_admin"])
    url = reverse("workdays:year_enter", args=[2027])
    assert "form" in text(client.get(url))
    data = {"notice": "国务院办公厅关于2027年部分节假日安排的通知",
            "holidays": "2027-01-01 元旦\n2027-02-06~2027-02-14 春节", "working_days": "2027-02-20"}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == reverse(
        "workdays:year_detail", args=[2027]
    )
    assert CalendarYear.objects.get(year=2027).source == "manual"
    assert services.working_calendar().deadline(dt.date(2026, 12, 28), 5).due == dt.date(2027, 1, 5)
    html = text(client.get(reverse("workdays:year_list")))
    assert WARNING_2027 not in html and "管理员录入" in html


def test_a_bad_line_is_a_400_that_names_it_and_changes_nothing(personas, login):
    client = login(personas["city_admin"])
    events = AuditEvent.objects.count()
    data = {"notice": "国办发明电〔2026〕X号", "holidays": "2027-01-01 元旦\n2027-02-30 春节",
            "working_days": "2027-02-15"}  # fmt: skip
    response = client.post(reverse("workdays:year_enter", args=[2027]), data)
    html = text(response)
    assert response.status_code == 400
    assert "第2行：日期 2027-02-30 不存在" in html
    assert "第1行：2027-02-15 是星期一，调休上班日应为星期六或星期日" in html
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert AuditEvent.objects.count() == events


def test_the_form_of_a_known_year_starts_from_its_schedule(personas, login):
    html = text(login(personas["city_admin"]).get(reverse("workdays:year_enter", args=[2026])))
    assert "2026-02-16~2026-02-23 春节" in html and "2026-01-04 元旦" in html


def test_the_back_office_shows_a_year_with_its_days(personas, login):
    client = login(personas["superuser"])
    assert client.get(reverse("admin:workdays_calendaryear_changelist")).status_code == 200
    html = text(client.get(reverse("admin:workdays_calendaryear_change", args=[2025])))
    assert "2025-10-08" in html and "国庆节" in html


def test_a_back_office_edit_marks_the_year_manual_and_is_announced(personas, login):
    client = login(personas["superuser"])
    url = reverse("admin:workdays_calendaryear_change", args=[2026])
    days = list(CalendarYear.objects.get(year=2026).days.order_by("date"))
    data = {"notice": "后台更正", "days-TOTAL_FORMS": str(len(days) + 1), "days-INITIAL_FORMS": str(len(days)),
            "days-MIN_NUM_FORMS": "0", "days-MAX_NUM_FORMS": "1000"}  # fmt: skip
    for i, d in enumerate(days):
        data |= {f"days-{i}-date": d.date.isoformat(), f"days-{i}-working": "on" if d.working else "",
                 f"days-{i}-name": d.name, f"days-{i}-year": "2026"}  # fmt: skip
    n = len(days)
    data |= {f"days-{n}-date": "2026-12-31", f"days-{n}-name": "测试", f"days-{n}-year": "2026"}
    assert services.working_calendar().is_working_day(dt.date(2026, 12, 31))
    response = client.post(url, data)
    assert response.status_code == 302, (
        response.context["errors"],
        [f.errors for f in response.context["inline_admin_formsets"][0].formset.forms if f.errors],
    )
    row = CalendarYear.objects.get(year=2026)
    assert row.source == "manual" and row.notice == "后台更正"
    assert not services.working_calendar().is_working_day(dt.date(2026, 12, 31))
    assert AuditEvent.objects.filter(action="calendaryear.update").exists()
