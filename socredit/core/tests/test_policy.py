"""The legal policy profile: shipped versions, extends, per-parameter basis, line-accurate errors,
run-time overrides, diff and selection by date."""

import datetime as dt
import re
from importlib import resources
from pathlib import Path

import pytest

from socredit.core.config import ConfigError
from socredit.core.policy import (
    PARAMETERS,
    TAGS,
    Override,
    PolicyProfile,
    policy_library,
    profile_for,
    shipped_profiles,
)

D = dt.date
SHIPPED = ["quzhou-2018.1", "xinzheng-2019.1", "national-2023.1", "national-2026.0", "national-2026.1"]
NATIONAL_SHIPPED = ["national-2023.1", "national-2026.0", "national-2026.1"]


def shipped_text(version: str) -> str:
    return (
        resources.files("socredit.core").joinpath("policies", f"{version}.toml").read_text(encoding="utf-8")
    )


def line_of(text: str, needle: str) -> int:
    """The 1-based number of the only line of ``text`` that contains ``needle``."""
    hits = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(hits) == 1, (needle, hits)
    return hits[0]


def national_copy(version: str = "test-1") -> str:
    """The national profile under another version name: a valid standalone document to edit."""
    return shipped_text("national-2026.1").replace('version = "national-2026.1"', f'version = "{version}"')


def check(text: str) -> PolicyProfile:
    return policy_library().check_text(text, source="upload.toml")


def refused(text: str) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        check(text)
    assert info.value.source == "upload.toml"
    return info.value


def edit_line(text: str, needle: str, old: str, new: str) -> str:
    """Replace ``old`` by ``new`` in the only line containing ``needle``."""
    lines = text.splitlines(keepends=True)
    n = line_of(text, needle) - 1
    assert old in lines[n], (old, lines[n])
    lines[n] = lines[n].replace(old, new, 1)
    return "".join(lines)


def drop_line(text: str, needle: str) -> str:
    lines = text.splitlines(keepends=True)
    del lines[line_of(text, needle) - 1]
    return "".join(lines)


def insert_after(text: str, needle: str, new_line: str) -> str:
    lines = text.splitlines(keepends=True)
    lines.insert(line_of(text, needle), new_line + "\n")
    return "".join(lines)


# --- the shipped profiles -------------------------------------------------------------------------


def test_the_shipped_profiles_load():
    library = shipped_profiles()
    assert [m.version for m in library.versions()] == SHIPPED
    assert library.document("xinzheng-2019.1").meta.parent == "national"
    assert library.document("xinzheng-2019.1").meta.regions == ("410184",)
    assert library.get("xinzheng-2019.1").effective_from == D(2019, 7, 15)
    assert library.document("quzhou-2018.1").meta.parent == "national"
    assert library.document("quzhou-2018.1").meta.regions == ("330800",)
    assert library.get("quzhou-2018.1").effective_from == D(2018, 5, 9)
    assert library.document("national-2026.1").meta.extends is None
    assert library.get("national-2026.1").effective_from == D(2026, 4, 1)
    assert library.get("national-2023.1").effective_from == D(2023, 5, 1)


COMBINED = [
    (D(2026, 6, 1), "xinzheng"),
    (D(2025, 6, 1), "xinzheng"),
    (D(2026, 6, 1), "quzhou"),
    (D(2023, 5, 1), "quzhou"),
]


@pytest.mark.parametrize("version", NATIONAL_SHIPPED + [f"{loc}@{day}" for day, loc in COMBINED])
def test_every_parameter_has_item_tag_and_every_required_key(version):
    if "@" in version:
        locality, day = version.split("@")
        profile = profile_for(D.fromisoformat(day), locality)
    else:
        profile = shipped_profiles().get(version)
    for key, spec in PARAMETERS.items():
        if spec.required:
            assert profile.has(key), key
    for key in profile.stated_keys():
        parameter = profile.parameter(key)
        assert parameter.key == key
        assert parameter.item.strip(), key
        assert parameter.tag in TAGS, key
        assert parameter.source_version in SHIPPED
        assert parameter.override is None
        assert parameter.citation.startswith(parameter.item)


# The keys another engineer codes the list rules against, with the values and bases the brief fixes.
REQUIRED = {
    "lists.abnormal.auto_removal_months": (6, "R1.10(b)", "DRAFT-ONLY"),
    "lists.abnormal.removal_working_days": (5, "R1.10(a)", "DRAFT-ONLY"),
    "lists.abnormal.transfer_years": (2, "R1.11", "SECONDARY"),
    "lists.abnormal.mail_interval_min_days": (15, "R1.7", "UNVERIFIED"),
    "lists.abnormal.mail_interval_max_days": (30, "R1.7", "UNVERIFIED"),
    "lists.abnormal.fundraising_idle_months": (6, "R1.6(4)", "SECONDARY"),
    "lists.serious.fine_threshold_yuan": (50000, "R1.12(4)", "SECONDARY"),
    "lists.serious.repeat_window_years": (3, "R1.12(5)", None),
    "lists.serious.repeat_count": (2, "R1.12(5)", None),
    "lists.serious.removal_min_years": (2, "R1.14(a)", None),
    "lists.serious.removal_working_days": (5, "R1.14", "UNVERIFIED"),
    "lists.notice.required": (True, "R1.5", "DRAFT-ONLY"),
    "lists.notice.statement_working_days": (5, "R1.5", "UNVERIFIED"),
    "lists.red.min_level": ("A", None, "UNVERIFIED"),
    "lists.red.clean_years": (3, None, "UNVERIFIED"),
    "lists.red.min_grade": ("grade_4a", None, "UNVERIFIED"),
    "lists.red.require_commitment": (True, None, "UNVERIFIED"),
    "persons.retention_years": (5, "R7.1", None),
}


@pytest.mark.parametrize(("key", "expected"), REQUIRED.items())
def test_the_list_rule_parameters_have_their_values_and_bases(key, expected):
    value, item, tag = expected
    parameter = shipped_profiles().get("national-2026.1").parameter(key)
    assert parameter.value == value and type(parameter.value) is type(value)
    if item:
        assert item in parameter.item
    if tag:
        assert parameter.tag == tag
    assert PARAMETERS[key].required


def test_the_draft_mailing_interval_is_noted():
    profile = shipped_profiles().get("national-2026.1")
    assert "20" in profile.parameter("lists.abnormal.mail_interval_min_days").note
    assert "60" in profile.parameter("lists.abnormal.mail_interval_max_days").note
    assert "政策" in profile.parameter("lists.red.min_level").note


XINZHENG = {
    "objection.forward_working_days": 5,
    "objection.verify_working_days": 5,
    "objection.notify_working_days": 2,
    "objection.total_working_days": 12,
    "objection.listing_continues": True,
    "dishonesty.tiers": ("general", "grave", "serious"),
    "persons.retention_years": 5,
    "green_channel.enabled": True,
    "green_channel.clean_years": 3,
    "bans.serious_list_sector_ban": True,
    "bans.serious_list_years": 5,
    "bans.serious_list_basis": "《新郑市民政局建立完善守信联合激励和失信联合惩戒制度加快推进社会诚信建设实施方案》五（二）3、五（六）",
}


def test_xinzheng_has_the_national_values_except_its_overrides():
    national = shipped_profiles().get("national-2026.1")
    xinzheng = profile_for(D(2026, 6, 1), "xinzheng")
    assert xinzheng.version == "xinzheng-2019.1+national-2026.1"
    assert xinzheng.chain == ("xinzheng-2019.1", "national-2026.1")
    for key, value in XINZHENG.items():
        parameter = xinzheng.parameter(key)
        assert parameter.value == value, key
        assert parameter.source_version == "xinzheng-2019.1"
        assert parameter.item.startswith("seed 004"), key
    for key in national.stated_keys():
        if key not in XINZHENG:
            assert xinzheng.parameter(key) == national.parameter(key), key  # value, item, tag and version
    optional = {"green_channel.clean_years", "bans.serious_list_years", "bans.serious_list_basis"}
    assert set(national.stated_keys()) | optional == set(xinzheng.stated_keys())
    assert national.diff(xinzheng) == [
        "dishonesty.tiers",
        "objection.forward_working_days",
        "objection.total_working_days",
        "bans.serious_list_sector_ban",
        "bans.serious_list_years",
        "bans.serious_list_basis",
        "green_channel.enabled",
        "green_channel.clean_years",
    ]


def test_quzhou_raises_the_spot_check_floors_only():
    national = shipped_profiles().get("national-2026.1")
    quzhou = profile_for(D(2026, 6, 1), "quzhou")
    assert quzhou.value("spot_check.min_ratio_city") == 0.05
    assert quzhou.value("spot_check.min_ratio_county") == 0.05
    assert quzhou.value("spot_check.min_onsite_ratio") == 0.005
    assert quzhou.parameter("spot_check.min_onsite_ratio").item.startswith("seed 003")
    assert not national.has("spot_check.min_onsite_ratio")
    assert national.get("spot_check.min_onsite_ratio") is None
    assert (
        quzhou.value("spot_check.min_ratio_province")
        == national.value("spot_check.min_ratio_province")
        == 0.05
    )
    assert quzhou.value("spot_check.min_ratio_ministry") == 0.10
    assert national.diff(quzhou) == [
        "spot_check.min_ratio_county",
        "spot_check.min_ratio_city",
        "spot_check.min_onsite_ratio",
    ]
    # the local floors are never below the national ones
    for key in ("spot_check.min_ratio_county", "spot_check.min_ratio_city"):
        assert quzhou.float_value(key) >= national.float_value(key)


def test_the_2023_profile_follows_order_58():
    old = shipped_profiles().get("national-2023.1")
    new = shipped_profiles().get("national-2026.1")
    assert old.list_value("dishonesty.tiers") == ("general", "serious")
    assert new.list_value("dishonesty.tiers") == ("minor", "general", "serious")
    assert not old.has("repair.acceptance_working_days")  # UNVERIFIED under 58号令, no value given
    with pytest.raises(KeyError, match="does not state"):
        old.value("repair.acceptance_working_days")
    assert new.int_value("repair.acceptance_working_days") == 3
    # the list rules of 60号令 are the same in both
    assert [k for k in old.diff(new) if k.startswith("lists.")] == []
    march = shipped_profiles().get("national-2026.0")
    assert old.diff(march) == ["evaluation.validity_from_next_year", "evaluation.regrade_window_years"]
    assert march.parameter("repair.serious_publicity_min_months").source_version == "national-2023.1"


def test_typed_accessors():
    profile = shipped_profiles().get("national-2026.1")
    assert profile.int_value("lists.serious.fine_threshold_yuan") == 50000
    assert profile.bool_value("lists.notice.required") is True
    assert profile.str_value("lists.red.min_grade") == "grade_4a"
    assert profile.float_value("spot_check.min_ratio_county") == 0.03
    assert profile.float_value("lists.serious.repeat_count") == 2.0
    with pytest.raises(TypeError):
        profile.int_value("lists.notice.required")
    with pytest.raises(TypeError):
        profile.bool_value("lists.serious.repeat_count")
    with pytest.raises(KeyError, match="unknown"):
        profile.value("lists.serious.fine_treshold_yuan")
    with pytest.raises(KeyError, match="unknown"):
        profile.get("nope")


# --- selection by date ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "locality", "version"),
    [
        (D(2023, 5, 1), "national", "national-2023.1"),
        (D(2025, 12, 31), "national", "national-2023.1"),
        (D(2026, 2, 28), "national", "national-2023.1"),
        (D(2026, 3, 1), "national", "national-2026.0"),
        (D(2026, 3, 31), "national", "national-2026.0"),
        (D(2026, 4, 1), "national", "national-2026.1"),
        (D(2030, 1, 1), "national", "national-2026.1"),
        (D(2026, 6, 1), "xinzheng", "xinzheng-2019.1+national-2026.1"),
        (D(2025, 6, 1), "xinzheng", "xinzheng-2019.1+national-2023.1"),
        (D(2026, 6, 1), "quzhou", "quzhou-2018.1+national-2026.1"),
    ],
)
def test_profile_for_picks_the_version_in_force(day, locality, version):
    assert profile_for(day, locality).version == version


def test_no_profile_before_the_first_and_none_of_an_unknown_locality():
    with pytest.raises(KeyError):
        profile_for(D(2023, 4, 30))
    with pytest.raises(KeyError):
        profile_for(D(2019, 7, 14), "xinzheng")
    with pytest.raises(KeyError):
        profile_for(D(2026, 6, 1), "hangzhou")


def test_library_for_date_among_a_line_of_versions():
    library = shipped_profiles()
    national = [m.version for m in library.versions() if m.version.startswith("national-")]
    assert library.for_date(D(2026, 3, 15), among=national).version == "national-2026.0"


def test_an_authority_adds_a_newer_version_of_its_own():
    library = policy_library()
    text = national_copy("national-2027.1").replace(
        "effective_from = 2026-04-01", "effective_from = 2027-01-01"
    )
    text = edit_line(text, "repeat_count =", "value = 2", "value = 3")
    library.add_text(text, source="national-2027.1.toml")
    assert profile_for(D(2026, 12, 31), library=library).value("lists.serious.repeat_count") == 2
    assert profile_for(D(2027, 1, 1), library=library).value("lists.serious.repeat_count") == 3


# --- refused documents, at the right line -----------------------------------------------------------


def test_a_copy_of_the_national_profile_is_valid():
    profile = check(national_copy())
    assert profile.version == "test-1"
    assert profile.diff(shipped_profiles().get("national-2026.1")) == []


@pytest.mark.parametrize(
    ("needle", "old", "new", "message"),
    [
        # missing tag / unknown tag / missing item
        ("fine_threshold_yuan =", ', tag = "SECONDARY"', "", "缺少 tag"),
        ("fine_threshold_yuan =", 'tag = "SECONDARY"', 'tag = "PROBABLE"', "tag “PROBABLE” 无效"),
        ("fine_threshold_yuan =", 'item = "R1.6(5); R1.12(4)", ', "", "缺少 item"),
        ("fine_threshold_yuan =", 'item = "R1.6(5); R1.12(4)"', 'item = "  "', "缺少 item"),
        ("fine_threshold_yuan =", "value = 50000, ", "", "缺少 value"),
        # wrong type
        ("fine_threshold_yuan =", "value = 50000", 'value = "50000"', "应为整数"),
        ("fine_threshold_yuan =", "value = 50000", "value = 50000.0", "应为整数"),
        ("required = {", "value = true", "value = 1", "布尔值"),
        ("repeat_count =", "value = 2", "value = true", "应为整数"),
        ("min_ratio_county =", "value = 0.03", 'value = "3%"', "数值"),
        ("min_level =", 'value = "A"', 'value = "AA"', "不在可选值中"),
        ("tiers =", '["minor", "general", "serious"]', '["minor", "severe"]', "“severe” 不在可选值中"),
        ("tiers =", '["minor", "general", "serious"]', "[]", "非空"),
        ("tiers =", '["minor", "general", "serious"]', '["serious", "minor"]', "由轻到重"),
        ("list_fields =", '"name", "uscc"', '"name", "name"', "重复"),
        # out of range
        ("repeat_count =", "value = 2", "value = 1", "超出允许范围"),
        ("min_ratio_county =", "value = 0.03", "value = 1.5", "超出允许范围"),
        ("fine_threshold_yuan =", "value = 50000", "value = -5", "超出允许范围"),
        # keys inside a parameter
        ("repeat_count =", "value = 2", "valeu = 2", "未知的键 “valeu”"),
        ("repeat_count =", 'tag = "SECONDARY"', 'tag = "SECONDARY", source = "x"', "未知的键 “source”"),
        ("repeat_count =", 'item = "R1.12(5)"', "item = 5", "缺少 item"),
        ("repeat_count =", 'tag = "SECONDARY"', 'tag = "SECONDARY", note = 3', "note"),
        # a bare value instead of an inline table
        ("repeat_count =", "{ value = 2,", "2 # {", "内联表"),
        # relations between parameters
        ("mail_interval_min_days =", "value = 15", "value = 45", "不应大于"),
        ("general_publicity_min_months =", "value = 3", "value = 13", "不应大于"),
        ("decide_own_working_days =", "value = 5", "value = 21", "不应大于"),
    ],
)
def test_a_bad_parameter_is_refused_at_its_line(needle, old, new, message):
    text = edit_line(national_copy(), needle, old, new)
    error = refused(text)
    assert message in error.message, error.message
    expected_needle = {
        "mail_interval_min_days =": "mail_interval_max_days =",
        "general_publicity_min_months =": "general_publicity_max_months =",
        "decide_own_working_days =": "total_working_days =",
    }.get(needle, needle)
    assert error.line == line_of(text, expected_needle)
    assert str(error).startswith(f"upload.toml:{error.line}: ")


def test_objection_steps_beyond_the_total_are_refused_at_the_total():
    text = edit_line(national_copy(), "verify_working_days =", "value = 5", "value = 19")
    error = refused(text)
    assert "总期限" in error.message
    assert error.line == line_of(text, "total_working_days =")


def test_an_unknown_key_is_refused_at_its_line():
    text = insert_after(
        national_copy(),
        "fine_threshold_yuan =",
        'fine_treshold_yuan = { value = 5, item = "R1.12(4)", tag = "SECONDARY" }',
    )
    error = refused(text)
    assert "lists.serious.fine_treshold_yuan" in error.message
    assert error.line == line_of(text, "fine_treshold_yuan")


def test_an_unknown_section_is_refused_at_its_header():
    text = national_copy() + '\n[lists.purple]\nmin_level = { value = "A", item = "x", tag = "UNVERIFIED" }\n'
    error = refused(text)
    assert "lists.purple" in error.message
    assert error.line == line_of(text, "[lists.purple]")


def test_a_section_written_as_a_value_is_refused():
    original = national_copy()
    start = original.index("[dishonesty]")
    end = original.index("# --- 信用修复")
    text = "dishonesty = 3\n" + original[:start] + original[end:]
    error = refused(text)
    assert "应为一个表" in error.message
    assert error.line == line_of(text, "dishonesty = 3")


def test_a_missing_required_parameter_is_refused_at_its_section():
    text = drop_line(national_copy(), "repeat_count =")
    error = refused(text)
    assert "缺少必需的参数 lists.serious.repeat_count" in error.message
    assert error.line == line_of(text, "[lists.serious]")


def test_a_missing_section_is_refused_at_the_meta():
    original = national_copy()
    start = original.index("[remedies]")
    end = original.index("# --- 公示")
    text = original[:start] + original[end:]
    error = refused(text)
    assert "remedies.reconsideration_days" in error.message
    assert error.line == line_of(text, "[meta]")


def test_a_parameter_written_as_a_subtable_is_accepted_and_located():
    text = national_copy().replace(
        '[records]\nentry_working_days = { value = 5, item = "R1.4", tag = "SECONDARY", note = "民政部令第60号，条文号（可能为第八条）未核实" }',
        '[records.entry_working_days]\nvalue = 5\nitem = "R1.4"\ntag = "SEC"',
    )
    error = refused(text)
    assert error.line == line_of(text, 'tag = "SEC"')
    assert check(text.replace('tag = "SEC"', 'tag = "SECONDARY"')).value("records.entry_working_days") == 5


# --- extends ---------------------------------------------------------------------------------------------


def local_text(body: str, version: str = "local-2026.1") -> str:
    return (
        "# a locality\n"
        "[meta]\n"
        'kind = "policy-profile"\n'
        f'version = "{version}"\n'
        'title = "某地政策参数"\n'
        "effective_from = 2026-05-01\n"
        'extends = "national-2026.1"\n'
        "\n"
        f"{body}"
    )


def test_an_extending_profile_states_only_its_differences():
    text = local_text(
        '[lists.serious]\nrepeat_count = { value = 3, item = "local rule 第5条", tag = "VERIFIED" }\n'
    )
    profile = check(text)
    national = shipped_profiles().get("national-2026.1")
    parameter = profile.parameter("lists.serious.repeat_count")
    assert (parameter.value, parameter.item, parameter.tag, parameter.source_version) == (
        3,
        "local rule 第5条",
        "VERIFIED",
        "local-2026.1",
    )
    assert parameter.note == ""  # the national note does not leak into the local parameter
    assert profile.parameter("lists.serious.repeat_window_years") == national.parameter(
        "lists.serious.repeat_window_years"
    )
    assert national.diff(profile) == ["lists.serious.repeat_count"]
    assert profile.extends == "national-2026.1"


def test_an_extending_profile_is_checked_at_its_own_lines():
    text = local_text('[lists.serious]\nrepeat_count = { value = 3, item = "local rule" }\n')
    error = refused(text)
    assert "缺少 tag" in error.message
    assert error.line == line_of(text, "repeat_count")

    text = local_text('[objection]\ntotal_working_days = { value = 8, item = "local", tag = "VERIFIED" }\n')
    error = refused(text)  # the inherited steps 2 + 5 + 2 = 9 exceed 8
    assert "总期限" in error.message
    assert error.line == line_of(text, "total_working_days")

    text = local_text("[spot_check]\nmin_ratio_county = 0.05\n")
    error = refused(text)
    assert "内联表" in error.message
    assert error.line == line_of(text, "min_ratio_county")


# --- run-time overrides and diff -------------------------------------------------------------------------


def test_with_overrides_records_the_authority_and_keeps_the_basis():
    national = shipped_profiles().get("national-2026.1")
    adjusted = national.with_overrides(
        {"lists.serious.fine_threshold_yuan": 100000, "spot_check.min_ratio_county": 0.06},
        authority="某市民政局",
        reason="本市规定",
    )
    parameter = adjusted.parameter("lists.serious.fine_threshold_yuan")
    assert parameter.value == 100000
    assert parameter.override == Override("某市民政局", "本市规定", 50000)
    assert (parameter.item, parameter.tag, parameter.source_version) == (
        "R1.6(5); R1.12(4)",
        "SECONDARY",
        "national-2026.1",
    )
    assert "经某市民政局调整" in parameter.citation
    assert adjusted.overridden == ["lists.serious.fine_threshold_yuan", "spot_check.min_ratio_county"]
    assert national.diff(adjusted) == ["lists.serious.fine_threshold_yuan", "spot_check.min_ratio_county"]
    assert adjusted.diff(national) == national.diff(adjusted)
    # the profile itself is untouched
    assert national.value("lists.serious.fine_threshold_yuan") == 50000
    assert national.overridden == []
    # overriding again keeps the profile's own value as the replaced one
    again = adjusted.with_overrides({"lists.serious.fine_threshold_yuan": 80000})
    assert again.parameter("lists.serious.fine_threshold_yuan").override.replaced == 50000
    # an int given for a float parameter is a number like any other
    assert (
        national.with_overrides({"spot_check.min_ratio_county": 1}).value("spot_check.min_ratio_county")
        == 1.0
    )
    # lists become tuples
    tiers = national.with_overrides({"dishonesty.tiers": ["general", "serious"]}).value("dishonesty.tiers")
    assert tiers == ("general", "serious")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"lists.serious.fine_treshold_yuan": 1}, "未知的参数"),
        ({"lists.serious.fine_threshold_yuan": "50000"}, "整数"),
        ({"lists.serious.repeat_count": 0}, "超出允许范围"),
        ({"lists.red.min_grade": "grade_6a"}, "不在可选值中"),
        ({"lists.abnormal.mail_interval_min_days": 31}, "不应大于"),
        ({"spot_check.min_onsite_ratio": 0.01}, "未规定参数"),
    ],
)
def test_bad_overrides_are_refused(overrides, message):
    national = shipped_profiles().get("national-2026.1")
    with pytest.raises(ConfigError) as info:
        national.with_overrides(overrides, authority="某市民政局")
    assert message in info.value.message
    assert "某市民政局" in str(info.value)


def test_quzhou_may_override_its_onsite_floor():
    quzhou = profile_for(D(2026, 6, 1), "quzhou")
    assert (
        quzhou.with_overrides({"spot_check.min_onsite_ratio": 0.01}).value("spot_check.min_onsite_ratio")
        == 0.01
    )
    with pytest.raises(ConfigError, match="不应大于"):
        quzhou.with_overrides({"spot_check.min_onsite_ratio": 0.06})


# --- the documentation ---------------------------------------------------------------------------------


def test_the_documentation_lists_every_parameter_with_its_national_value():
    page = Path(__file__).resolve().parents[3] / "docs" / "policy-profiles.md"
    text = page.read_text(encoding="utf-8")
    rows = {m.group(1): m.group(0) for m in re.finditer(r"^\| `([a-z_.]+)` \|.*$", text, re.MULTILINE)}
    assert set(rows) == set(PARAMETERS)
    national = shipped_profiles().get("national-2026.1")
    for key in national.stated_keys():
        parameter = national.parameter(key)
        assert parameter.tag in rows[key], key


def test_the_documentation_is_generated_from_the_profiles():
    import importlib.util

    path = Path(__file__).resolve().parents[3] / "tools" / "policy_doc.py"
    spec = importlib.util.spec_from_file_location("policy_doc", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = module.PAGE.read_text(encoding="utf-8")
    assert module.render(text) == text, "docs/policy-profiles.md is out of step: run tools/policy_doc.py"
    assert "预留：尚未启用" in module.parameters_table()
    assert "410184 and below" in module.shipped_table()
