"""Registry pages: list filters and search, HTMX partial, scope, escaping, masking, English, queries."""

import pytest
from django.urls import reverse

from socredit.apps.registry import search as registry_search
from socredit.apps.registry import services
from socredit.core.types import OrgField, OrgStatus, OrgType
from socredit.testing import factories

pytestmark = pytest.mark.django_db

LIST = reverse("registry:organization_list")


def detail(org):
    return reverse("registry:organization_detail", args=[org.code])


@pytest.fixture
def orgs(personas):
    return {
        "elder": factories.organization(name="金水区夕阳红养老服务中心", org_type=OrgType.SERVICE_INSTITUTION,
                                        field=OrgField.ELDER_CARE.value),
        "chamber": factories.organization(name="金水区餐饮行业商会", field=OrgField.INDUSTRY.value),
        "closed": factories.organization(name="金水区已注销协会", status=OrgStatus.DEREGISTERED.value),
        "xinzheng": factories.organization(region_code="410184", name="新郑市红枣产业协会"),
    }  # fmt: skip


def names(response):
    return response.content.decode()


def test_list_requires_login(client):
    response = client.get(LIST)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_list_is_scoped_to_the_staff_region(orgs, personas, login):
    html = names(login(personas["staff_jinshui"]).get(LIST))
    assert "金水区夕阳红养老服务中心" in html and "新郑市红枣产业协会" not in html


def test_city_admin_sees_every_district(orgs, personas, login):
    html = names(login(personas["city_admin"]).get(LIST))
    assert "金水区夕阳红养老服务中心" in html and "新郑市红枣产业协会" in html


@pytest.mark.parametrize(
    ("params", "shown", "hidden"),
    [
        ({"q": "养老"}, "elder", "chamber"),
        ({"org_type": OrgType.SERVICE_INSTITUTION.value}, "elder", "chamber"),
        ({"field": OrgField.INDUSTRY.value}, "chamber", "elder"),
        ({"status": OrgStatus.DEREGISTERED.value}, "closed", "elder"),
        ({"region": "410184"}, "xinzheng", "elder"),
    ],
)
def test_list_filters(orgs, personas, login, params, shown, hidden):
    html = names(login(personas["city_admin"]).get(LIST, params))
    assert orgs[shown].name in html
    assert orgs[hidden].name not in html


def test_search_by_full_code(orgs, personas, login):
    html = names(login(personas["city_admin"]).get(LIST, {"q": orgs["chamber"].code.lower()}))
    assert orgs["chamber"].name in html and orgs["elder"].name not in html
    assert "1 个匹配" in html


def test_htmx_request_gets_only_the_table(orgs, personas, login):
    response = login(personas["city_admin"]).get(LIST, {"q": "商会"}, HTTP_HX_REQUEST="true")
    html = names(response)
    assert "金水区餐饮行业商会" in html
    assert "<html" not in html and "<form" not in html


def test_list_pages_without_counting_the_table(personas, login):
    for i in range(27):
        factories.organization(name=f"分页测试协会{i:02d}")
    client = login(personas["staff_jinshui"])
    first = names(client.get(LIST))
    assert "分页测试协会00" in first and "分页测试协会25" not in first and "page=2" in first
    second = names(client.get(LIST, {"page": "2"}))
    assert "分页测试协会25" in second and "分页测试协会26" in second and "分页测试协会00" not in second


@pytest.mark.parametrize("page", ["3", "99999", str(10**30), "9" * 5000])
def test_a_page_past_the_end_says_so_and_links_to_the_first(personas, login, page):
    for i in range(3):
        factories.organization(name=f"末页测试协会{i}")
    response = login(personas["staff_jinshui"]).get(LIST, {"page": page, "q": "末页"})
    assert response.status_code == 200
    html = response.content.decode()
    shown = min(int(page), 100_000) if len(page) < 40 else 100_000
    assert f"第 {shown} 页超出末页" in html and "page=1" in html
    assert "末页测试协会" not in names(response) and "没有符合" not in html


def test_list_query_count_is_constant(personas, login, django_assert_max_num_queries):
    for i in range(30):
        factories.organization(name=f"查询计数协会{i}")
    client = login(personas["staff_jinshui"])
    # session + user + user's region (top bar) + the ids of the regions in the user's tree (the
    # scope) + the page of rows (with each row's credit score and level, joined) + the counts per
    # credit level and the total (one read of the maintained counts)
    with django_assert_max_num_queries(6):
        client.get(LIST)
    # filtered: + the region lookup of the filter, the ids of the regions under it (the scope's and
    # the filter's), the maintained counts of the region and type (a level none holds is not
    # counted) and the search
    # index's candidates (each once, though the level counts filter again) + a capped count
    with django_assert_max_num_queries(11):
        client.get(LIST, {"q": "查询", "region": "410105", "org_type": "1"})
    # sorted by score: the evaluated, then (the page not full) the never-evaluated; the maintained
    # counts of the region (how common the level is; which levels to count at all)
    with django_assert_max_num_queries(11):
        client.get(LIST, {"region": "410105", "level": "B", "score_min": "60", "sort": "score_desc"})


def test_detail_out_of_scope_is_404(orgs, personas, login):
    client = login(personas["staff_jinshui"])
    assert client.get(detail(orgs["xinzheng"])).status_code == 404
    assert client.get(reverse("registry:organization_detail", args=["X" * 18])).status_code == 404
    assert login(personas["city_admin"]).get(detail(orgs["xinzheng"])).status_code == 200


def test_detail_shows_registry_fields_and_timeline(personas, login, civil_affairs):
    org = factories.organization(name="金水区时间线协会", address="郑州市金水区花园路1号",
                                 supervisory_unit="金水区教育局")  # fmt: skip
    factories.record(org, "penalty_fine", amount="5000", document_number="郑民罚〔2024〕77号")
    factories.record(org, "annual_report_on_time", document_number="")
    html = names(login(personas["staff_jinshui"]).get(detail(org)))
    assert org.code in html and "郑州市金水区花园路1号" in html and "金水区教育局" in html
    assert "郑民罚〔2024〕77号" in html and "5000.00" in html
    # grouped by category in RecordCategory order: annual report before penalty
    assert html.index("年报信息") < html.index("行政处罚信息")
    assert "新增信用记录" in html


def test_viewer_gets_no_add_button(orgs, personas, login):
    html = names(login(personas["viewer_jinshui"]).get(detail(orgs["elder"])))
    assert "新增信用记录" not in html


def test_names_with_markup_are_escaped(personas, login):
    org = factories.organization(name="<script>alert(1)</script>协会")
    client = login(personas["staff_jinshui"])
    for response in (client.get(LIST), client.get(detail(org))):
        html = names(response)
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_id_numbers_are_masked_for_everyone_and_only_administrators_may_ask_for_one(personas, login):
    org = factories.organization()
    who = factories.person("李娜")
    factories.role(org, who)
    officer_html = names(login(personas["staff_jinshui"]).get(detail(org)))
    assert who.masked_id in officer_html and who.id_number not in officer_html
    person_html = names(
        login(personas["staff_jinshui"]).get(reverse("registry:person_detail", args=[who.pk]))
    )
    assert who.masked_id in person_html and who.id_number not in person_html
    assert "显示完整号码" not in officer_html + person_html
    admin = login(personas["city_admin"])
    for html in (
        names(admin.get(detail(org))),
        names(admin.get(reverse("registry:person_detail", args=[who.pk]))),
    ):
        assert who.masked_id in html and who.id_number not in html and "显示完整号码" in html


def test_person_page_lists_posts_in_scope_only(personas, login):
    who = factories.person("王芳")
    near = factories.organization(name="金水区任职协会")
    far = factories.organization(region_code="410184", name="新郑市任职协会")
    factories.role(near, who, "chair")
    factories.role(far, who, "director")
    url = reverse("registry:person_detail", args=[who.pk])
    html = names(login(personas["staff_jinshui"]).get(url))
    assert "金水区任职协会" in html and "新郑市任职协会" not in html
    assert login(personas["city_admin"]).get(url).content.decode().count("任职协会") >= 2


def test_person_out_of_scope_is_404(personas, login):
    who = factories.person("赵强")
    factories.role(factories.organization(region_code="410184"), who)
    url = reverse("registry:person_detail", args=[who.pk])
    assert login(personas["staff_jinshui"]).get(url).status_code == 404


def test_english_switch_renders_english_labels(orgs, personas, login):
    client = login(personas["staff_jinshui"])
    assert "组织" in names(client.get(LIST))
    response = client.post(reverse("set_language"), {"language": "en", "next": LIST}, follow=True)
    html = names(response)
    assert 'lang="en"' in html
    assert "Organizations" in html and "Social service institution" in html and "Log out" in html
    html = names(client.get(detail(orgs["elder"])))
    assert "Registration authority" in html and "Credit file" in html


def test_login_and_logout_pages(personas, client):
    page = client.get(reverse("accounts:login"))
    assert page.status_code == 200 and "工作人员登录" in page.content.decode()
    response = client.post(
        reverse("accounts:login"), {"username": "staff_jinshui", "password": factories.PASSWORD}
    )
    # the sign-in lands on /start/, which sends staff on to the organization list (organization accounts to /my/)
    assert response.status_code == 302 and response["Location"] == "/start/"
    assert client.get("/start/")["Location"] == LIST
    html = client.get(LIST).content.decode()
    assert "staff_jinshui" in html and "金水区" in html and 'href="/imports/"' in html
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(LIST).status_code == 302


def test_detail_shows_former_names_after_a_rename(personas, login):
    org = factories.organization(name="金水区晨曦读书会")
    client = login(personas["staff_jinshui"])
    assert "曾用名" not in names(client.get(detail(org)))
    services.update_organization(
        actor=None, channel="system", organization=org, data={"name": "金水区朝阳阅读协会"}
    )
    services.update_organization(
        actor=None, channel="system", organization=org, data={"name": "金水区星河文化协会"}
    )
    html = names(client.get(detail(org)))
    assert "曾用名" in html and "金水区晨曦读书会；金水区朝阳阅读协会" in html


def test_search_count_is_exact_under_the_cap_and_not_counted_above_it(personas, login, monkeypatch):
    for i in range(5):
        factories.organization(
            name=f"计数测试协会{i}", org_type=OrgType.ASSOCIATION if i < 3 else OrgType.FOUNDATION
        )
    client = login(personas["staff_jinshui"])
    assert "5 个匹配" in names(client.get(LIST, {"q": "计数测试"}))
    assert "3 个匹配" in names(client.get(LIST, {"q": "计数测试", "org_type": "1"}))
    monkeypatch.setattr(registry_search, "CANDIDATE_CAP", 3)
    broad = names(client.get(LIST, {"q": "计数测试"}))  # the search alone: more than the cap
    assert "超过 3 个匹配" in broad and "计数测试协会0" in broad
    narrowed = names(client.get(LIST, {"q": "计数测试", "org_type": "1"}))  # other filters: not counted
    assert "个匹配" not in narrowed and "计数测试协会2" in narrowed and "计数测试协会3" not in narrowed
