"""Profiles chosen by the deciding authority's region and the date: locality profiles over the
national profile in force on the same day, no silent fallback, and a library that refuses
ambiguous or inconsistent sets of versions."""

import datetime as dt

import pytest

from socredit.core.config import ConfigError
from socredit.core.policy import policy_library, profile_for, shipped_profiles
from socredit.core.policy_select import (
    NoProfile,
    governance,
    governing_locality,
    locality_profile,
    profile_in_force,
    region_chain,
)
from socredit.core.tests.test_policy import edit_line, national_copy

D = dt.date
XINZHENG = "410184"  # 新郑市 (GB/T 2260, python-stdnum's list)
JINSHUI = "410105"  # 郑州市金水区
QUZHOU_KECHENG = "330802"  # 衢州市柯城区, under 衢州市 330800

OBJECTION_STEPS = (
    "objection.forward_working_days",
    "objection.verify_working_days",
    "objection.notify_working_days",
    "objection.total_working_days",
)


def steps(profile):
    return tuple(profile.value(k) for k in OBJECTION_STEPS)


# --- the shipped localities ------------------------------------------------------------------------


def test_a_2025_objection_under_xinzheng_gets_the_xinzheng_deadlines():
    profile = profile_in_force(D(2025, 6, 3), XINZHENG)
    assert steps(profile) == (5, 5, 2, 12)  # seed 004 §六(三), in force since 2019-07-15
    assert profile.version == "xinzheng-2019.1+national-2023.1"
    assert profile.parameter("objection.total_working_days").source_version == "xinzheng-2019.1"
    # what 新郑 does not state comes from the national profile in force in 2025 (58号令 repair regime)
    assert profile.list_value("dishonesty.tiers") == ("general", "grave", "serious")
    assert not profile.has("repair.acceptance_working_days")
    assert profile.parameter("repair.serious_publicity_min_months").source_version == "national-2023.1"


def test_same_day_decisions_in_xinzheng_and_jinshui_get_their_own_rules():
    day = D(2025, 6, 3)
    xinzheng = profile_in_force(day, XINZHENG)
    jinshui = profile_in_force(day, JINSHUI)
    assert steps(xinzheng) == (5, 5, 2, 12)
    assert steps(jinshui) == (2, 5, 2, 20)
    assert jinshui.version == "national-2023.1"
    # the region of 郑州市 itself and the whole province are national too
    assert profile_in_force(day, "410100").version == "national-2023.1"
    assert profile_in_force(day, None).version == "national-2023.1"


def test_a_county_under_a_governed_city_inherits_the_city_locality():
    profile = profile_in_force(D(2026, 6, 1), QUZHOU_KECHENG)
    assert profile.version == "quzhou-2018.1+national-2026.1"
    assert profile.float_value("spot_check.min_ratio_county") == 0.05
    assert governing_locality(QUZHOU_KECHENG) == ("quzhou", "330800")
    assert governing_locality(JINSHUI) == ("national", "100000")


def test_a_region_path_is_read_as_the_chain_of_its_ancestors():
    assert region_chain("/100000/410000/410100/410184/") == ("410184", "410100", "410000", "100000")
    assert region_chain("410184") == ("410184", "410100", "410000", "100000")
    assert region_chain("100000") == ("100000",)
    # a county directly under a province: the path is exact where the code alone would guess a city
    assert region_chain("/100000/410000/419001/") == ("419001", "410000", "100000")
    path_profile = profile_in_force(D(2026, 6, 1), "/100000/410000/410100/410184/")
    assert path_profile.version == profile_in_force(D(2026, 6, 1), XINZHENG).version
    with pytest.raises(ValueError):
        region_chain("41018")


def test_a_national_revision_reaches_xinzheng_on_its_own_date():
    before = profile_in_force(D(2026, 3, 31), XINZHENG)
    after = profile_in_force(D(2026, 4, 1), XINZHENG)
    assert before.version == "xinzheng-2019.1+national-2026.0"
    assert after.version == "xinzheng-2019.1+national-2026.1"
    assert not before.has("repair.acceptance_working_days")
    assert after.int_value("repair.acceptance_working_days") == 3  # 36号令, national from 2026-04-01
    assert steps(before) == steps(after) == (5, 5, 2, 12)


# --- no silent fallback -----------------------------------------------------------------------------


def test_a_date_before_the_locality_profile_is_an_error_naming_the_locality_and_the_date():
    with pytest.raises(NoProfile) as info:
        profile_in_force(D(2019, 7, 14), XINZHENG)
    message = str(info.value)
    assert "新郑市" in message and "2019-07-14" in message and "410184" in message
    assert "2019-07-15" in message  # when its first version starts
    assert (info.value.locality, info.value.day, info.value.region) == ("xinzheng", D(2019, 7, 14), "410184")
    assert isinstance(info.value, KeyError)


def test_a_locality_date_without_a_national_profile_beneath_is_an_error_naming_both():
    with pytest.raises(NoProfile) as info:
        profile_in_force(D(2020, 1, 1), XINZHENG)
    message = str(info.value)
    assert "新郑市" in message and "全国" in message and "2020-01-01" in message and "410184" in message
    assert info.value.locality == "national"


def test_a_date_before_the_oldest_national_profile_is_an_error():
    with pytest.raises(NoProfile) as info:
        profile_in_force(D(2023, 4, 30), JINSHUI)
    assert "全国" in str(info.value) and "2023-04-30" in str(info.value) and "2023-05-01" in str(info.value)
    with pytest.raises(NoProfile, match="没有地方 “hangzhou”"):
        locality_profile(D(2026, 6, 1), "hangzhou")


# --- a locality states only what it changes ------------------------------------------------------------


def local_text(body, *, version="dengfeng-2024.1", effective="2024-01-01", regions='["410185"]'):
    return (
        "[meta]\n"
        'kind = "policy-profile"\n'
        f'version = "{version}"\n'
        'title = "登封市政策参数"\n'
        f"effective_from = {effective}\n"
        'parent = "national"\n'
        f"regions = {regions}\n"
        "\n"
        f"{body}"
    )


ONE_CHANGE = '[lists.serious]\nrepeat_count = { value = 3, item = "登封 第5条", tag = "VERIFIED" }\n'


def test_a_profile_that_changes_one_parameter_inherits_the_rest_and_later_national_revisions():
    library = policy_library()
    library.add_text(local_text(ONE_CHANGE), source="dengfeng-2024.1.toml")
    revision = edit_line(
        national_copy("national-2027.1").replace(
            "effective_from = 2026-04-01", "effective_from = 2027-01-01"
        ),
        "fine_threshold_yuan =",
        "value = 50000",
        "value = 80000",
    )
    library.add_text(revision, source="national-2027.1.toml")

    own = library.get("dengfeng-2024.1")
    assert own.partial and own.stated_keys() == ["lists.serious.repeat_count"]
    for day, national in [
        (D(2025, 6, 1), "national-2023.1"),
        (D(2026, 6, 1), "national-2026.1"),
        (D(2027, 6, 1), "national-2027.1"),
    ]:
        profile = profile_in_force(day, "410185", library=library)
        base = library.get(national)
        assert profile.version == f"dengfeng-2024.1+{national}"
        assert profile.value("lists.serious.repeat_count") == 3
        assert base.diff(profile) == ["lists.serious.repeat_count"]  # everything else is the parent's
        assert profile.parameter("lists.serious.repeat_window_years") == base.parameter(
            "lists.serious.repeat_window_years"
        )
    assert (
        profile_in_force(D(2026, 12, 31), "410185", library=library).value(
            "lists.serious.fine_threshold_yuan"
        )
        == 50000
    )
    assert (
        profile_in_force(D(2027, 1, 1), "410185", library=library).value("lists.serious.fine_threshold_yuan")
        == 80000
    )  # the national revision flows in: 登封 does not state the threshold
    # the neighbouring county keeps the national rule on the same day
    assert profile_in_force(D(2027, 1, 1), XINZHENG, library=library).value("lists.serious.repeat_count") == 2


def test_a_locality_under_a_city_locality_rests_on_the_city_profile():
    library = policy_library()
    library.add_text(
        local_text(
            '[objection]\ntotal_working_days = { value = 15, item = "郑州 第3条", tag = "VERIFIED" }\n',
            version="zhengzhou-2024.1",
            regions='["410100"]',
        ),
        source="zhengzhou-2024.1.toml",
    )
    assert (
        profile_in_force(D(2025, 6, 1), JINSHUI, library=library).value("objection.total_working_days") == 15
    )
    # 新郑 (a county of 郑州) is governed by its own nearer locality, over the national profile
    xinzheng = profile_in_force(D(2025, 6, 1), XINZHENG, library=library)
    assert xinzheng.value("objection.total_working_days") == 12
    county = local_text(
        '[objection]\nforward_working_days = { value = 3, item = "巩义", tag = "VERIFIED" }\n',
        version="gongyi-2024.1",
        regions='["410181"]',
    ).replace('parent = "national"', 'parent = "zhengzhou"')
    library.add_text(county, source="gongyi-2024.1.toml")
    gongyi = profile_in_force(D(2025, 6, 1), "410181", library=library)
    assert gongyi.version == "gongyi-2024.1+zhengzhou-2024.1+national-2023.1"
    assert (gongyi.value("objection.forward_working_days"), gongyi.value("objection.total_working_days")) == (
        3,
        15,
    )


# --- the library refuses what cannot be selected from ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (local_text(ONE_CHANGE, regions='["410184"]'), "同时由"),  # 新郑 already governs 410184
        (local_text(ONE_CHANGE, regions='["419999"]'), "不是现行行政区划码"),
        (local_text(ONE_CHANGE, regions='["41018"]'), "6位行政区划码"),
        (local_text(ONE_CHANGE).replace('parent = "national"', 'parent = "nowhere"'), "没有任何配置版本"),
        (local_text(ONE_CHANGE).replace('parent = "national"\n', ""), "须以 parent 指明上级"),
        (
            local_text(ONE_CHANGE).replace(
                'parent = "national"', 'parent = "national"\nextends = "national-2026.1"'
            ),
            "不能同时使用",
        ),
        # 登封's total of 8 working days is below the national steps 2 + 5 + 2 it rests on
        (
            local_text('[objection]\ntotal_working_days = { value = 8, item = "登封", tag = "VERIFIED" }\n'),
            "合并后",
        ),
    ],
)
def test_a_locality_profile_that_cannot_be_selected_from_is_refused(text, message):
    library = policy_library()
    with pytest.raises(ConfigError) as info:
        library.add_text(text, source="dengfeng-2024.1.toml")
    assert message in str(info.value)


def test_a_national_revision_that_breaks_a_locality_combination_is_refused():
    library = policy_library()
    revision = national_copy("national-2027.1").replace(
        "effective_from = 2026-04-01", "effective_from = 2027-01-01"
    )
    # 新郑's steps (5 + 5 + 2 = 12) over a national minimum own-scope deadline above 12: refused
    revision = edit_line(revision, "decide_own_working_days =", "value = 5", "value = 15")
    with pytest.raises(ConfigError, match="xinzheng-2019.1"):
        library.add_text(revision, source="national-2027.1.toml")


# --- what the profile pages show --------------------------------------------------------------------------


def test_governance_lists_each_version_with_its_regions_and_period():
    rows = {r.version: r for r in governance()}
    assert [r.locality for r in governance()][:3] == ["national"] * 3
    assert (rows["xinzheng-2019.1"].regions, rows["xinzheng-2019.1"].effective_from) == (
        ("410184",),
        D(2019, 7, 15),
    )
    assert rows["xinzheng-2019.1"].until is None and rows["xinzheng-2019.1"].parent == "national"
    assert (rows["quzhou-2018.1"].regions, rows["quzhou-2018.1"].effective_from) == (
        ("330800",),
        D(2018, 5, 9),
    )
    assert rows["national-2023.1"].until == D(2026, 2, 28)
    assert rows["national-2026.0"].until == D(2026, 3, 31)
    assert rows["xinzheng-2019.1"].stated == tuple(shipped_profiles().get("xinzheng-2019.1").stated_keys())


def test_profile_for_a_locality_is_the_combined_profile():
    assert profile_for(D(2025, 6, 1), "xinzheng").version == "xinzheng-2019.1+national-2023.1"
    assert profile_for(D(2025, 6, 1)).version == "national-2023.1"


def test_the_rules_applied_are_named_by_locality_and_start_not_by_version():
    from socredit.core.policy_select import rules_description

    assert rules_description("national-2026.1") == "全国规则（2026年4月1日起）"
    assert rules_description("xinzheng-2019.1+national-2026.1; national-2026.1; …（共 3 个配置）") == (
        "新郑市规则（2019年7月15日起）、全国规则（2026年4月1日起）"
    )
    assert rules_description("gone-2020.1") == "已停用的规则"
