"""The organization list: region by name (and its suggestions), pinyin name order, the total, the
page jump, substring code search, and what a filter value that cannot be used says."""

import datetime as dt

import pytest
from django.urls import reverse

from socredit.apps.registry import services
from socredit.apps.registry.models import Organization
from socredit.apps.registry.regions import resolve_region, suggest_regions
from socredit.core.pinyin import name_sort_key
from socredit.testing import factories

pytestmark = pytest.mark.django_db

LIST = reverse("registry:organization_list")
SUGGEST = reverse("registry:region_suggest")


def html(response):
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    "typed", ["金水", "金水区", "郑州市金水区", "河南省郑州市金水区", "410105", "郑州市金水区（410105）"]
)
def test_region_filter_by_name_or_code(personas, login, typed):
    factories.organization(name="金水区名称筛选协会")
    factories.organization(region_code="410184", name="新郑市名称筛选协会")
    page = html(login(personas["city_admin"]).get(LIST, {"region": typed}))
    assert "金水区名称筛选协会" in page and "新郑市名称筛选协会" not in page


def test_region_names_are_looked_up_in_the_users_tree(personas):
    city = personas["city_admin"].scope_path()
    assert resolve_region("金水", city).code == "410105"
    # 郑州市 names the city itself, though every district's full name holds it
    assert resolve_region("郑州市", city).code == "410100"
    with pytest.raises(Exception, match="本辖区内没有名为“金水”"):
        resolve_region("金水", personas["staff_xinzheng"].scope_path())


def test_an_ambiguous_region_name_lists_the_candidates(personas):
    with pytest.raises(Exception, match="有多个行政区划") as exc:
        resolve_region("区", personas["city_admin"].scope_path())
    assert "郑州市金水区" in str(exc.value)


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"score_min": "abc"}, "最低得分", "输入一个数字"),
        ({"score_max": "x"}, "最高得分", "输入一个数字"),
        ({"region": "火星区"}, "行政区划", "本辖区内没有名为“火星区”"),
        ({"region": "999999"}, "行政区划", "没有代码为 999999"),
        ({"registered_from": "2026-13-45"}, "登记日期自", "有效的日期"),
        ({"level": "Z"}, "信用等级", "Z"),
    ],
)
def test_a_bad_filter_value_is_said_by_field_and_lists_nothing(personas, login, params, field, message):
    factories.organization(name="坏筛选值测试协会")
    response = login(personas["city_admin"]).get(LIST, params)
    page = html(response)
    assert "以下筛选条件无法使用" in page and f"{field}：" in page and message in page
    assert "坏筛选值测试协会" not in page


def test_a_bad_filter_value_in_english(personas, login):
    client = login(personas["city_admin"])
    client.cookies["django_language"] = "en"
    page = html(client.get(LIST, {"score_min": "abc"}, HTTP_ACCEPT_LANGUAGE="en"))
    assert "These filters cannot be used" in page and "Score from：Enter a number." in page


def test_registration_date_filters(personas, login):
    factories.organization(name="早登记协会", registered_on=dt.date(2010, 5, 1))
    factories.organization(name="晚登记协会", registered_on=dt.date(2020, 5, 1))
    page = html(login(personas["city_admin"]).get(LIST, {"registered_from": "2015-01-01"}))
    assert "晚登记协会" in page and "早登记协会" not in page


def test_names_sort_by_pinyin_not_by_code_point(personas, login):
    # by code point 郑 (U+90D1) < 阿 (U+963F) < 安 (U+5B89)? no: 安 < 郑 < 阿; by pinyin: a < an < zheng
    for name in ("郑州排序协会", "阿里排序协会", "安阳排序协会", "重庆排序协会"):
        factories.organization(name=name)
    page = html(login(personas["city_admin"]).get(LIST, {"q": "排序协会"}))
    shown = [n for n in ("阿里排序协会", "安阳排序协会", "重庆排序协会", "郑州排序协会") if n in page]
    assert sorted(shown, key=page.index) == ["阿里排序协会", "安阳排序协会", "重庆排序协会", "郑州排序协会"]
    unfiltered = html(login(personas["city_admin"]).get(LIST))
    assert (
        unfiltered.index("阿里排序协会") < unfiltered.index("安阳排序协会") < unfiltered.index("郑州排序协会")
    )


def test_the_sort_key_follows_a_rename_and_the_import():
    org = factories.organization(name="郑州旧名协会")
    assert org.name_sort == "zheng zhou jiu ming xie hui"
    services.update_organization(
        actor=None, channel="system", organization=org, data={"name": "安阳新名协会"}
    )
    assert (
        Organization.objects.get(pk=org.pk).name_sort
        == name_sort_key("安阳新名协会")
        == "an yang xin ming xie hui"
    )


def test_polyphonic_characters_take_pypinyins_default_reading():
    assert name_sort_key("重庆银行业协会") == "chong qing yin hang ye xie hui"
    assert name_sort_key("ABC 基金会") == "abc ji jin hui"


def test_total_is_shown_with_thousands_and_the_page_jump_knows_the_last_page(personas, login):
    for i in range(60):
        factories.organization(name=f"翻页跳转协会{i:02d}")
    client = login(personas["staff_jinshui"])
    first = html(client.get(LIST))
    total = Organization.objects.filter(region__code="410105").count()
    assert f"共 {total:,} 个" in first
    assert "跳至页码" in first and "末页" in first and 'max="3"' in first
    last = html(client.get(LIST, {"page": "3"}))
    assert "翻页跳转协会59" in last and "首页" in last
    filtered = html(client.get(LIST, {"q": "翻页跳转"}))
    assert "共 60 个匹配" in filtered and 'name="q" value="翻页跳转"' in filtered


def test_the_thousands_separator(personas, login, monkeypatch):
    from socredit.apps.registry.filters import OrganizationFilter

    monkeypatch.setattr(OrganizationFilter, "total", lambda self, scope: 12345)
    page = html(login(personas["city_admin"]).get(LIST))
    assert "共 12,345 个" in page


def test_code_search_finds_a_substring_anywhere_in_the_code(personas, login):
    org = factories.organization(name="代码中段协会")
    factories.organization(name="别的协会")
    middle = org.code[9:17]  # the organization's own part, past the region
    page = html(login(personas["city_admin"]).get(LIST, {"q": middle}))
    assert "代码中段协会" in page and "别的协会" not in page


def test_region_suggestions_are_scoped_to_the_users_tree(personas, login):
    page = html(login(personas["city_admin"]).get(SUGGEST, {"region": "金水"}))
    assert 'value="河南省郑州市金水区（410105）"' in page and page.count("<option") == 1
    assert "<option" not in html(login(personas["staff_xinzheng"]).get(SUGGEST, {"region": "金水"}))
    by_code = html(login(personas["city_admin"]).get(SUGGEST, {"region": "41018"}))
    assert "（410184）" in by_code and "（410105）" not in by_code
    assert [c.code for c in suggest_regions("新郑", personas["city_admin"].scope_path())] == ["410184"]


def test_region_suggestions_need_a_staff_login(client, personas, login):
    assert client.get(SUGGEST, {"region": "金水"}).status_code == 302
