import datetime as dt
from decimal import Decimal

import pytest

from socredit.core.regions import NATIONAL_CODE, ancestor_paths, parent_code, region_level, stdnum_regions
from socredit.core.types import OrgField, RegionLevel
from socredit.core.values import clean_text, parse_amount, parse_date

TODAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize("text", ["2024-02-29", "2024/2/29", "2024.02.29", "20240229", "2024年02月29日"])
def test_dates_in_common_spreadsheet_forms(text):
    assert parse_date(text, today=TODAY) == dt.date(2024, 2, 29)


@pytest.mark.parametrize(
    ("text", "reason"),
    [("2023-02-29", "不存在"), ("29/02/2024", "格式错误"), ("", "不能为空"), ("1900-01-01", "早于 1949-10-01"),
     ("2026-11-24", "晚于今天")],
)  # fmt: skip
def test_bad_dates_say_why(text, reason):
    with pytest.raises(ValueError, match=reason):
        parse_date(text, today=TODAY)


def test_the_iso_fast_path_reads_every_day_as_strptime_does():
    day = dt.date(2023, 12, 25)
    for _ in range(800):  # two leap days and every month end
        text = day.isoformat()
        assert parse_date(text, today=TODAY) == dt.datetime.strptime(text, "%Y-%m-%d").date() == day  # noqa: DTZ007
        day += dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("text", "expected"), [("2024-5-1", dt.date(2024, 5, 1)), ("2024-05-01", dt.date(2024, 5, 1))]
)
def test_unpadded_dates_still_read(text, expected):
    assert parse_date(text, today=TODAY) == expected


@pytest.mark.parametrize(
    ("text", "reason"), [("2024-W01-1", "格式错误"), ("2024-13-01", "不存在"), ("2024-00-10", "不存在")]
)
def test_other_iso_forms_are_not_dates_here(text, reason):
    with pytest.raises(ValueError, match=reason):
        parse_date(text, today=TODAY)


def test_today_itself_is_allowed():
    assert parse_date("2026-11-23", today=TODAY) == TODAY


@pytest.mark.parametrize(
    ("text", "value"), [("50000", "50000.00"), ("49,999.99", "49999.99"), ("3000元", "3000.00"), ("", None)]
)
def test_amounts(text, value):
    assert parse_amount(text) == (Decimal(value) if value else None)


@pytest.mark.parametrize(
    ("text", "reason"), [("-1", "负数"), ("abc", "不是数字"), ("1.005", "两位小数"), ("NaN", "不是数字")]
)
def test_bad_amounts(text, reason):
    with pytest.raises(ValueError, match=reason):
        parse_amount(text)


def test_text_is_kept_as_text_and_limited():
    assert clean_text("<script>alert(1)</script>", max_length=100) == "<script>alert(1)</script>"
    with pytest.raises(ValueError, match="过长"):
        clean_text("长" * 11, max_length=10)
    with pytest.raises(ValueError, match="控制字符"):
        clean_text("a\x00b", max_length=10)
    with pytest.raises(ValueError, match="控制字符"):
        clean_text("a\x1fb", max_length=10)
    assert clean_text(" a\tb\nc\rd ", max_length=10) == "a\tb\nc\rd"


def test_region_levels_and_parents():
    assert region_level("410000") is RegionLevel.PROVINCE
    assert region_level("410100") is RegionLevel.CITY
    assert region_level("410184") is RegionLevel.DISTRICT
    assert parent_code("410184") == "410100"
    assert parent_code("410000") == NATIONAL_CODE
    # 济源市 (419001) is a province-administered county-level city: its parent is the province.
    assert parent_code("419001", known={"410000"}) == "410000"


def test_stdnum_region_list_has_current_names():
    regions = {r.code: r for r in stdnum_regions()}
    assert regions["410184"].name == "新郑市" and regions["410184"].active
    assert regions["410107"].active is False  # 新密区 was abolished in 1987
    assert regions["310107"].name == "普陀区"
    assert "410101" not in regions  # the 市辖区 placeholder is skipped


def test_labelled_enums_accept_code_and_labels():
    assert OrgField.from_text("养老服务") is OrgField.ELDER_CARE
    assert OrgField.from_text("elder care") is OrgField.ELDER_CARE
    assert OrgField.from_text("elder_care") is OrgField.ELDER_CARE
    with pytest.raises(ValueError, match="可选"):
        OrgField.from_text("不存在的领域")


def test_ancestor_paths_run_from_the_nation_down_to_the_region_itself():
    assert ancestor_paths("/100000/410000/410100/410105/") == [
        "/100000/",
        "/100000/410000/",
        "/100000/410000/410100/",
        "/100000/410000/410100/410105/",
    ]
    assert ancestor_paths("/100000/") == ["/100000/"]
