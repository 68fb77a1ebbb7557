"""Credit evaluation pages: the panel shows what explain_organization computes (score, level, why,
breakdown, counted records, history), bad dates and models are a 400 that says why, the "what if"
panel, the organization list's credit filters, sort and counts, batch runs (admins only), the
model page, and region scope (404)."""

import csv
import datetime as dt
import io
import re

import openpyxl
import polars as pl
import pytest
from django.test import Client
from django.urls import reverse

from socredit.apps.audit.models import AuditEvent
from socredit.apps.evaluation import hooks, services
from socredit.apps.evaluation.models import CreditScore, EvaluationRun, LevelChange
from socredit.apps.registry.filters import EvaluatedFirst
from socredit.apps.registry.models import Organization
from socredit.core.scoring.facts import MEMBERSHIP_SCHEMA, OPEN_END, day_number
from socredit.testing import factories

pytestmark = pytest.mark.django_db

LIST = reverse("registry:organization_list")
HX = {"HTTP_HX_REQUEST": "true"}


def ago(days):
    return services.today() - dt.timedelta(days=days)


def panel_url(org):
    return reverse("evaluation:organization_credit", args=[org.code])


def what_if_url(org):
    return reverse("evaluation:what_if", args=[org.code])


def text(response):
    return response.content.decode()


@pytest.fixture
def orgs(personas, civil_affairs):
    """金水区: clean (no record, never evaluated), fined (-20 → 55 C), graded (5A → 90 A, by rule),
    bad (-20 -5 → 50 D); 新郑市: one fine (-8 → 67 C). Records go in through the services, so the
    live update has stored their scores."""
    orgs = {
        "clean": factories.organization("410105", name="金水区无记录协会"),
        "fined": factories.organization("410105", name="金水区罚款协会"),
        "graded": factories.organization("410105", name="金水区五A协会"),
        "bad": factories.organization("410105", name="金水区失信协会"),
        "xinzheng": factories.organization("410184", name="新郑市罚款协会"),
    }
    factories.record(orgs["fined"], "penalty_fine", amount="60000", occurred_on=ago(30))
    factories.record(orgs["graded"], "grade_5a", occurred_on=ago(400))
    factories.record(
        orgs["bad"], "penalty_fine", amount="60000", occurred_on=ago(30), document_number="金民罚〔2025〕1号"
    )
    factories.record(orgs["bad"], "penalty_warning", occurred_on=ago(20))
    factories.record(orgs["xinzheng"], "penalty_fine", occurred_on=ago(30))
    return orgs


# --- the credit panel -----------------------------------------------------------------------------


def test_panel_shows_the_score_and_level_explain_organization_computes(orgs, personas, login):
    org = orgs["bad"]
    explained = services.explain_organization(org)
    assert (explained.score, explained.level) == (50, "D")
    response = login(personas["staff_jinshui"]).get(panel_url(org), **HX)
    html = text(response)
    assert response.status_code == 200 and "<html" not in html  # an HTMX fragment
    assert re.search(r'class="score-big">50<', html)
    assert '<span class="level-badge level-D level-badge-lg"><b>D</b> 失信</span>' in html
    # what decided the level: the thresholds, with the band of D
    assert "得分 50 分，在 D（失信）的分数段 0–54 分内" in html
    # the breakdown, grouped, one line per indicator with its points and its reason
    assert "行政处罚与其他不良信息" in html
    assert "行政处罚：罚款、没收" in html and "−20" in html
    assert "行政处罚：警告" in html and "−5" in html
    assert "近三年受到警告处罚每次扣 5 分" in html
    # the records that counted, linked; the model and the date
    for record in org.records.all():
        assert reverse("records:record_detail", args=[record.pk]) in html
    assert "reference-2026.1" in html and services.today().isoformat() in html
    # the level history: none → C on the first record, C → D on the second
    assert [
        (c.from_level, c.to_level) for c in LevelChange.objects.filter(organization=org).order_by("at", "id")
    ] == [
        ("", "C"),
        ("C", "D"),
    ]
    history = html[html.index("等级变化记录") :]
    assert "55 → 50" in history and "level-badge level-C" in history


def test_panel_without_htmx_is_a_full_page(orgs, personas, login):
    html = text(login(personas["viewer_jinshui"]).get(panel_url(orgs["fined"])))
    assert "<html" in html and orgs["fined"].name in html and 'class="score-big">55<' in html


def test_capped_indicator_is_marked_and_thresholds_decide(orgs, personas, login):
    org = orgs["graded"]
    for i in range(4):  # 4 × -5 = -20, capped at -15: 75 + 15 - 15 = 75
        factories.record(org, "penalty_warning", occurred_on=ago(10 + i))
    explained = services.explain_organization(org)
    capped = [line for line in explained.lines if line.capped]
    assert [line.indicator.id for line in capped] == ["penalty_minor"]
    html = text(login(personas["staff_jinshui"]).get(panel_url(org), **HX))
    assert "已封顶" in html and f'class="score-big">{explained.score}<' in html
    # the 5A rule needs a record without negatives: now the thresholds decide
    assert explained.rule is None and "等级阈值" in html


@pytest.fixture
def serious_list():
    """Organizations put in this list are on the 严重违法失信名单 (a membership source, as the list app registers)."""
    members = []

    def source(lo, hi, ids):
        on = [m.pk for m in members if lo <= m.pk < hi]
        return pl.DataFrame(
            {"org_id": on, "list": ["serious"] * len(on), "since": [day_number(ago(5))] * len(on),
             "until": [OPEN_END] * len(on)},
            schema=MEMBERSHIP_SCHEMA,
        )  # fmt: skip

    hooks.register_membership_source("test-serious", source)
    yield members
    hooks.unregister_membership_source("test-serious")


def test_level_set_by_a_rule_shows_the_rule_its_basis_and_the_score_level(
    orgs, personas, login, serious_list
):
    org = orgs["fined"]
    serious_list.append(org)
    explained = services.explain_organization(org)
    assert (explained.score, explained.score_level, explained.level, explained.cause) == (
        55,
        "C",
        "D",
        "serious_list",
    )
    html = text(login(personas["staff_jinshui"]).get(panel_url(org), **HX))
    assert '<span class="level-badge level-D level-badge-lg"><b>D</b> 失信</span>' in html
    assert "等级规则" in html and "列入严重违法失信名单期间，信用等级为 D" in html
    # the basis: the instruments the rule rests on, not the model's items (R5.4(a); R5.5; R1.12)
    assert "本机关确定的社会组织信用评价标准；《社会组织信用信息管理办法》（民政部令第60号）" in html
    assert "R5.4" not in html and "R1.12" not in html
    assert "按分数应为 C；依此规则为 D。" in html


def test_as_of_in_the_past_and_another_model_reevaluate(orgs, personas, login):
    client = login(personas["staff_jinshui"])
    org = orgs["bad"]
    # 60 days ago neither penalty had happened: the base score, level B, marked as hypothetical
    response = client.get(panel_url(org), {"as_of": ago(60).isoformat()}, **HX)
    html = text(response)
    assert response.status_code == 200
    assert services.explain_organization(org, as_of=ago(60)).score == 75
    assert 'class="score-big">75<' in html and "level-badge level-B" in html
    assert "假设的日期或模型，不保存" in html
    assert CreditScore.objects.get(organization=org).score == 50  # nothing written
    response = client.get(panel_url(org), {"model": "reference-2026.1"}, **HX)
    assert response.status_code == 200 and 'class="score-big">50<' in text(response)
    assert "假设的日期或模型" not in text(response)  # today and the default model: what is stored
    # another installed model: its own score, level names and link, marked as not stored
    other = services.explain_organization(org, model_version="status-classes-2023.1")
    html = text(client.get(panel_url(org), {"model": "status-classes-2023.1"}, **HX))
    assert f'class="score-big">{other.score}<' in html and f"level-badge level-{other.level}" in html
    assert reverse("evaluation:model_detail", args=["status-classes-2023.1"]) in html
    assert "假设的日期或模型，不保存" in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"as_of": "2024-02-30"}, "日期“2024-02-30”不存在"),
        ({"as_of": "yesterday"}, "格式错误，应为 YYYY-MM-DD"),
        ({"as_of": "1999-12-31"}, "早于 2000-01-01"),
        ({"as_of": "2999-01-01"}, "晚于今天"),
        ({"model": "no-such-model"}, "未知的评价模型版本 “no-such-model”"),
    ],
)
def test_bad_date_or_model_is_400_with_the_reason(orgs, personas, login, params, message):
    client = login(personas["staff_jinshui"])
    for extra in (HX, {}):
        response = client.get(panel_url(orgs["fined"]), params, **extra)
        assert response.status_code == 400
        html = text(response)
        assert message in html and "无法评价" in html
        assert "score-big" not in html


def test_panel_is_scoped_to_the_region(orgs, personas, login):
    far = orgs["xinzheng"]
    assert login(personas["staff_jinshui"]).get(panel_url(far), **HX).status_code == 404
    assert login(personas["staff_jinshui"]).get(what_if_url(far)).status_code == 404
    assert login(personas["city_admin"]).get(panel_url(far), **HX).status_code == 200


def test_organization_page_loads_the_credit_and_what_if_panels(orgs, personas, login):
    org = orgs["fined"]
    html = text(
        login(personas["viewer_jinshui"]).get(reverse("registry:organization_detail", args=[org.code]))
    )
    assert f'hx-get="{panel_url(org)}" hx-trigger="load"' in html
    assert f'hx-get="{what_if_url(org)}" hx-trigger="load"' in html
    assert "信用评价" in html and "假设分析" in html


# --- what if ----------------------------------------------------------------------------------------


def test_what_if_form_lists_the_effective_negative_records(orgs, personas, login):
    org = orgs["bad"]
    positive = factories.record(org, "annual_report_on_time", occurred_on=ago(40))
    html = text(login(personas["viewer_jinshui"]).get(what_if_url(org), **HX))
    negatives = list(org.records.filter(kind__polarity="negative"))
    assert len(negatives) == 2
    for record in negatives:
        assert f'name="exclude" value="{record.pk}"' in html
    assert f'value="{positive.pk}"' not in html
    assert f'hx-post="{what_if_url(org)}"' in html
    assert "−20" in html and "−5" in html  # what each counts for today


def test_what_if_leaving_out_a_record_shows_the_new_score_and_level(orgs, personas, login):
    org = orgs["bad"]
    fine = org.records.get(kind__code="penalty_fine")
    expected = services.what_if(org, [fine.pk])
    assert (expected.current.score, expected.hypothetical.score) == (50, 70)
    assert (expected.current.level, expected.hypothetical.level) == ("D", "B")
    response = login(personas["viewer_jinshui"]).post(what_if_url(org), {"exclude": [str(fine.pk)]}, **HX)
    html = text(response)
    assert response.status_code == 200 and "<html" not in html
    assert re.search(r'class="score-mid">50<', html) and re.search(r'class="score-mid">70<', html)
    assert "+20" in html and "等级将由 D 变为 B" in html
    changes = html[html.index("<table") :]
    assert "行政处罚：罚款、没收" in changes and "行政处罚：警告" not in changes
    assert f'value="{fine.pk}" id="wi-{fine.pk}" checked' in html
    assert CreditScore.objects.get(organization=org).score == 50  # nothing written
    # the same by GET, as a full page
    full = login(personas["viewer_jinshui"]).get(what_if_url(org), {"exclude": [fine.pk]})
    assert full.status_code == 200 and "<html" in text(full) and 'class="score-mid">70<' in text(full)


def test_what_if_refuses_records_of_another_organization(orgs, personas, login):
    other = orgs["fined"].records.get()
    client = login(personas["staff_jinshui"])
    for value in (str(other.pk), "abc", "999999"):
        response = client.post(what_if_url(orgs["bad"]), {"exclude": [value]}, **HX)
        assert response.status_code == 400
        assert f"记录 #{value} 不是本组织的信用记录" in text(response)
        assert "score-mid" not in text(response)
        assert "−20" in text(response)  # the choice is still there, with what each record counts for


def test_what_if_without_negative_records(orgs, personas, login):
    html = text(login(personas["staff_jinshui"]).get(what_if_url(orgs["clean"]), **HX))
    assert "本组织没有有效的失信信息" in html


# --- the organization list --------------------------------------------------------------------------


def rows(html):
    """Organization names in the order of the result table."""
    return re.findall(r'<td data-label="[^"]+"><a href="/organizations/[^"]+/">([^<]+)</a></td>', html)


def counts(html):
    nav = html[html.index('class="level-counts"') : html.index("</nav>", html.index('class="level-counts"'))]
    found = re.findall(r'level-badge level-(\w+)">(?:<b>\w</b>|[^<]+)</span>[^<]*<b>(\d+)</b>', nav)
    return {code: int(n) for code, n in found}


def test_list_shows_score_and_level_and_counts_per_level(orgs, personas, login):
    html = text(login(personas["city_admin"]).get(LIST))
    assert '<span class="score">55</span><span class="level-badge level-C"' in html
    assert '<span class="score">90</span><span class="level-badge level-A"' in html
    assert counts(html) == {"A": 1, "B": 0, "C": 2, "D": 1, "none": 1}


def test_list_filter_by_level_keeps_only_that_level(orgs, personas, login):
    client = login(personas["city_admin"])
    html = text(client.get(LIST, {"level": "C"}))
    assert sorted(rows(html)) == sorted([orgs["fined"].name, orgs["xinzheng"].name])
    assert "2 个匹配" in html
    # the counts are those of the other filters, so every level stays one click away
    assert counts(html) == {"A": 1, "B": 0, "C": 2, "D": 1, "none": 1}
    html = text(client.get(LIST, {"level": "C", "region": "410105"}))
    assert rows(html) == [orgs["fined"].name]
    assert counts(html) == {"A": 1, "B": 0, "C": 1, "D": 1, "none": 1}
    assert rows(text(client.get(LIST, {"level": "none"}))) == [orgs["clean"].name]
    # the staff of a district count only their own organizations
    html = text(login(personas["staff_xinzheng"]).get(LIST))
    assert counts(html) == {"A": 0, "B": 0, "C": 1, "D": 0, "none": 0}


def test_list_score_range_and_sort(orgs, personas, login):
    client = login(personas["city_admin"])
    html = text(client.get(LIST, {"score_min": "60"}))
    assert sorted(rows(html)) == sorted([orgs["graded"].name, orgs["xinzheng"].name])
    html = text(client.get(LIST, {"score_min": "50", "score_max": "60"}))
    assert sorted(rows(html)) == sorted([orgs["fined"].name, orgs["bad"].name])
    by_score = [orgs[k].name for k in ("graded", "xinzheng", "fined", "bad", "clean")]
    assert rows(text(client.get(LIST, {"sort": "score_desc"}))) == by_score
    assert rows(text(client.get(LIST, {"sort": "score_asc"}))) == [*by_score[3::-1], orgs["clean"].name]
    assert rows(text(client.get(LIST, {"sort": "level"})))[0] == orgs["graded"].name
    assert rows(text(client.get(LIST, {"sort": "level_desc"})))[0] == orgs["bad"].name
    # sorting is not filtering: no count of matches
    assert "个匹配" not in text(client.get(LIST, {"sort": "score_desc"}))


def test_list_credit_filters_with_htmx_return_the_table(orgs, personas, login):
    html = text(login(personas["city_admin"]).get(LIST, {"level": "D"}, **HX))
    assert "<form" not in html and rows(html) == [orgs["bad"].name]


# --- batch runs -----------------------------------------------------------------------------------


def test_run_start_is_for_administrators_only(orgs, personas, login):
    url = reverse("evaluation:run_start")
    for persona in ("viewer_jinshui", "staff_jinshui"):
        client = login(personas[persona])
        assert client.get(url).status_code == 403
        assert (
            client.post(
                url, {"model": "reference-2026.1", "region": factories.region("410105").pk}
            ).status_code
            == 403
        )
        assert "开始信用评价" not in text(client.get(reverse("evaluation:run_list")))
    assert not EvaluationRun.objects.exists()


def test_admin_starts_a_run_and_sees_its_result(orgs, personas, login):
    client = login(personas["city_admin"])
    form = client.get(reverse("evaluation:run_start"))
    assert form.status_code == 200
    regions = form.context["form"].fields["region"].queryset
    assert set(regions.values_list("code", flat=True)) >= {"410100", "410105", "410184"}
    assert all(r.path.startswith(factories.region("410100").path) for r in regions)
    region = factories.region("410105")
    response = client.post(
        reverse("evaluation:run_start"), {"as_of": "", "model": "reference-2026.1", "region": region.pk}
    )
    run = EvaluationRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "evaluation:run_detail", args=[run.pk]
    )
    assert run.status == "done" and run.organizations == 4 and run.region == region
    assert run.level_counts == {"A": 1, "B": 1, "C": 1, "D": 1}  # the clean one is scored now: 75 B
    assert run.changed == 1 and run.started_by == personas["city_admin"]
    html = text(client.get(response["Location"]))
    assert "已完成" in html and "金水区" in html and orgs["clean"].name in html  # its new level
    listing = text(login(personas["viewer_jinshui"]).get(reverse("evaluation:run_list")))
    assert reverse("evaluation:run_detail", args=[run.pk]) in listing and "reference-2026.1" in listing


def test_run_start_refuses_bad_inputs(orgs, personas, login):
    client = login(personas["city_admin"])
    url = reverse("evaluation:run_start")
    kaifeng = factories.region("410200")  # outside 郑州市
    response = client.post(url, {"model": "reference-2026.1", "region": kaifeng.pk})
    assert response.status_code == 400 and "region" in response.context["form"].errors
    response = client.post(
        url, {"model": "reference-2026.1", "region": ""}
    )  # no whole-country run for a city
    assert response.status_code == 400 and "region" in response.context["form"].errors
    future = (services.today() + dt.timedelta(days=2)).isoformat()
    response = client.post(
        url, {"as_of": future, "model": "reference-2026.1", "region": factories.region("410100").pk}
    )
    assert response.status_code == 400 and "晚于今天" in text(response)
    assert not EvaluationRun.objects.exists()


def test_run_detail_is_scoped(orgs, personas):
    run = services.run_evaluation(
        actor=personas["city_admin"], channel="form", region=factories.region("410184")
    )
    url = reverse("evaluation:run_detail", args=[run.pk])
    for persona, code in (("staff_jinshui", 404), ("staff_xinzheng", 200), ("city_admin", 200)):
        client = Client()
        client.force_login(personas[persona])
        assert client.get(url).status_code == code, persona


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_run_level_changes_export_names_each_move_in_words(orgs, personas, login, fmt):
    run = services.run_evaluation(
        actor=personas["city_admin"], channel="form", region=factories.region("410105")
    )
    assert run.changed == 1
    page = text(login(personas["staff_jinshui"]).get(reverse("evaluation:run_detail", args=[run.pk])))
    url = reverse("evaluation:run_change_export", args=[run.pk, fmt])
    assert url in page
    response = login(personas["staff_jinshui"]).get(url)
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    if fmt == "csv":
        lines = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
        lines = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    assert run.as_of.isoformat() in lines[0][0] and "等级变动" in lines[0][0]
    assert lines[1][:5] == ["社会组织", "统一社会信用代码", "行政区划", "变动前等级", "变动后等级"]
    clean = orgs["clean"]
    (row,) = [line for line in lines[2:] if clean.code in line]
    assert row[0] == clean.name and row[3] == "" and row[4] == "B 良好" and row[7] == "等级阈值"
    assert len(lines) == 2 + run.changed
    event = AuditEvent.objects.get(action="file.download")
    assert event.data["file"] == "export_level_changes"
    # another region's staff: the same 404 as for the run's page
    assert login(personas["staff_xinzheng"]).get(url).status_code == 404
    assert (
        login(personas["staff_jinshui"])
        .get(reverse("evaluation:run_change_export", args=[run.pk, "pdf"]))
        .status_code
        == 404
    )


# --- the model page -----------------------------------------------------------------------------------


def test_model_page_reads_like_the_model(personas, login):
    client = login(personas["viewer_jinshui"])
    html = text(client.get(reverse("evaluation:model_detail", args=["reference-2026.1"])))
    assert "社会组织信用评价参考模型（2026.1）" in html
    assert "行政处罚：罚款、没收" in html and "近三年受到罚款或没收处罚每次扣 8 分" in html
    assert "R1.12(4)(5); R2.8" in html  # the basis
    assert "85–100" in html and "0–54" in html  # the level bands
    assert "列入严重违法失信名单期间，信用等级为 D" in html
    assert client.get(reverse("evaluation:model_detail", args=["nope-1"])).status_code == 404


def test_english_labels(orgs, personas, login):
    client = login(personas["staff_jinshui"])
    client.post(reverse("set_language"), {"language": "en", "next": LIST})
    html = text(client.get(panel_url(orgs["bad"]), **HX))
    assert "Credit evaluation" in html and "What decided the level" in html and "Level history" in html


def test_list_sorted_by_score_pages_from_the_evaluated_into_the_never_evaluated(personas, login):
    """Sorted by score or level the list reads the evaluated organizations, then the others: a page
    across the boundary, and a page past every evaluated one, continue in the one order."""
    made = [factories.organization("410105", name=f"分页排序协会{i:02d}") for i in range(30)]
    services.refresh_organizations([o.pk for o in made[:27]], trigger="test")
    assert CreditScore.objects.filter(organization__in=made).count() == 27
    levels = set(CreditScore.objects.filter(organization__in=made).values_list("level", flat=True))
    client = login(personas["staff_jinshui"])
    whole = [o.name for o in made]  # one score for every evaluated one: ties by name
    for sort in ("score_desc", "score_asc", "level", "level_desc"):
        assert rows(text(client.get(LIST, {"sort": sort}))) == whole[:25], sort
        assert rows(text(client.get(LIST, {"sort": sort, "page": 2}))) == whole[25:], sort
        assert rows(text(client.get(LIST, {"sort": sort, "page": 3}))) == [], sort
    # slices across the boundary and past the 27 evaluated ones (then counted once)
    ordered = Organization.objects.filter(pk__in=[o.pk for o in made])
    split = EvaluatedFirst(
        ordered.filter(credit__isnull=False).order_by("name_sort"),
        ordered.filter(credit__isnull=True).order_by("name_sort"),
    )
    assert [o.name for o in split[20:30]] == whole[20:30]
    assert [o.name for o in split[27:40]] == whole[27:]
    assert [o.name for o in split[28:29]] == whole[28:29]
    # a level all of them hold (found along the name index on SQLite) lists the same rows
    (level,) = levels
    assert rows(text(client.get(LIST, {"level": level}))) == whole[:25]
    assert rows(text(client.get(LIST, {"level": level, "page": 2}))) == whole[25:27]
    assert rows(text(client.get(LIST, {"level": "none"}))) == whole[27:]
