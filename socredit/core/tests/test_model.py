"""The indicator model: the shipped models load, and every mistake is refused at its line."""

import datetime as dt
import re
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socredit.core.catalogue import reference_kind_codes
from socredit.core.config import ConfigError, parse_document
from socredit.core.scoring.model import (
    LEVEL_CODES,
    IndicatorModel,
    build_model,
    model_library,
    shipped_models,
)

REFERENCE = (
    resources.files("socredit.core.scoring")
    .joinpath("models/reference-2026.1.toml")
    .read_text(encoding="utf-8")
)
MARK = "# edited"


def edit(old: str, new: str) -> str:
    """The reference text with ``old`` (which must occur exactly once) replaced by ``new``."""
    assert REFERENCE.count(old) == 1, old
    return REFERENCE.replace(old, new)


def line_with(text: str, needle: str) -> int:
    """The 1-based number of the only line of ``text`` containing ``needle``."""
    hits = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(hits) == 1, (needle, hits)
    return hits[0]


def header_of(text: str, key_line: str) -> int:
    """The line of the ``[[…]]`` header of the table holding the line ``key_line``."""
    lines = text.splitlines()
    index = line_with(text, key_line) - 1
    while not lines[index].startswith("[["):
        index -= 1
    return index + 1


def check(text: str, **kwargs):
    return build_model(parse_document(text, source="edited.toml", kind="indicator-model"), **kwargs)


# --- the shipped models -------------------------------------------------------------------------


def test_shipped_models_load():
    library = shipped_models()
    assert [m.version for m in library.versions()] == [
        "status-classes-2023.1",
        "annual-reports-2026.1",
        "reference-2026.1",
    ]
    for meta in library.versions():
        model = library.get(meta.version)
        assert model.version == meta.version
        assert tuple(lv.code for lv in model.levels) == LEVEL_CODES
        assert model.levels[-1].min_score == model.min_score
        assert model.kinds <= reference_kind_codes()
        owned = [k for ind in model.indicators for k in ind.kinds]
        assert len(owned) == len(set(owned))
    assert library.for_date(dt.date(2025, 6, 1)).version == "status-classes-2023.1"
    assert library.for_date(dt.date(2026, 1, 1)).version == "reference-2026.1"


def test_reference_model_values():
    model = shipped_models().get("reference-2026.1")
    assert (model.base, model.min_score, model.max_score) == (75, 0, 100)
    assert [lv.min_score for lv in model.levels] == [85, 70, 55, 0]
    assert [model.level_for(s) for s in (100, 85, 84, 70, 69, 55, 54, 0)] == list("AABBCCDD")
    assert [r.id for r in model.level_rules] == ["grade_a", "abnormal_list", "serious_list"]
    grade = model.indicator("evaluation_grade")
    assert grade.mode == "max"
    assert grade.cap is None
    assert grade.points_for("grade_5a", None, None) == 15
    assert grade.points_for("grade_1a", None, None) == 0
    with pytest.raises(KeyError):
        model.indicator("nope")


@pytest.mark.parametrize(
    ("kind", "cls", "amount", "points"),
    [
        ("penalty_fine", "", None, -8),
        ("penalty_fine", "general", 49_999.99, -8),  # general is not in by_class
        ("penalty_fine", "minor", None, -5),
        ("penalty_fine", "grave", None, -12),
        ("penalty_fine", "serious", 100, -20),
        ("penalty_fine", "general", 50_000, -20),  # the amount step, from 50,000 on
        ("penalty_fine", "minor", 60_000, -20),  # amount before class
        ("penalty_confiscation", None, None, -8),
    ],
)
def test_points_for_applies_amount_then_class_then_kind(kind, cls, amount, points):
    assert (
        shipped_models().get("reference-2026.1").indicator("penalty_fine").points_for(kind, cls, amount)
        == points
    )


def test_points_for_by_kind():
    late = shipped_models().get("reference-2026.1").indicator("annual_report_late")
    assert late.points_for("annual_report_late", "minor", None) == -4
    assert late.points_for("annual_report_missing", "general", None) == -10
    assert late.points_for("annual_inspection_fail", None, None) == -8


def test_the_unedited_reference_text_builds():
    model = check(REFERENCE)
    assert model == shipped_models().get("reference-2026.1")


def test_shipped_models_are_checked_against_the_known_kinds():
    with pytest.raises(ConfigError) as info:
        model_library(known_kinds={"grade_5a", "grade_4a"})
    # the first shipped model read that counts the kind (both reference models do) names its line
    assert info.value.source in ("models/reference-2026.1.toml", "models/annual-reports-2026.1.toml")
    text = resources.files("socredit.core.scoring").joinpath(info.value.source).read_text(encoding="utf-8")
    assert info.value.line == line_with(text, 'kinds = ["annual_report_on_time"')
    assert "annual_report_on_time" in info.value.message


def test_extra_known_kinds_let_a_model_use_a_custom_kind():
    text = edit(
        'kinds = ["tax_arrears", "public_fundraising_lapsed"]', 'kinds = ["tax_arrears", "levy_arrears"]'
    )
    with pytest.raises(ConfigError, match="levy_arrears"):
        check(text)
    model = check(text, known_kinds=reference_kind_codes() | {"levy_arrears"})
    assert model.indicator("other_adverse").kinds == ("tax_arrears", "levy_arrears")
    assert "levy_arrears" in model.kinds


def test_a_model_that_extends_the_reference_states_only_what_differs():
    text = (
        "[meta]\n"
        'kind = "indicator-model"\n'
        'version = "local-2026.2"\n'
        'title = "本地模型"\n'
        "effective_from = 2026-07-01\n"
        'extends = "reference-2026.1"\n'
        "\n[scale]\nbase = 70\n"
    )
    library = shipped_models()
    model = library.check_text(text, source="local.toml")
    reference = library.get("reference-2026.1")
    assert model.version == "local-2026.2"
    assert (model.base, model.min_score, model.max_score) == (70, 0, 100)
    assert model.indicators == reference.indicators
    assert model.levels == reference.levels
    assert "local-2026.2" not in [m.version for m in library.versions()]


# --- mistakes, each at its line -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        # overlapping thresholds: B.min >= A.min
        (
            'code = "B"\nname = "良好"\nmin = 70',
            f'code = "B"\nname = "良好"\nmin = 85  {MARK}',
            "等级阈值重叠",
        ),
        (
            'code = "B"\nname = "良好"\nmin = 70',
            f'code = "B"\nname = "良好"\nmin = 90  {MARK}',
            "等级阈值重叠",
        ),
        # a D level that is not at the bottom of the scale
        ('name = "失信"\nmin = 0', f'name = "失信"\nmin = 10  {MARK}', "scale.min"),
        # a level above the top of the scale
        ("min = 85", f"min = 120  {MARK}", "高于满分"),
        # an unknown record kind
        ('kinds = ["party_org_established"]', f'kinds = ["party_org_founded"]  {MARK}', "party_org_founded"),
        # a kind in two indicators (tax_arrears belongs to other_adverse, which comes first)
        (
            'kinds = ["commitment_broken"]',
            f'kinds = ["commitment_broken", "tax_arrears"]  {MARK}',
            "other_adverse",
        ),
        # an unknown key (a typo)
        (
            'window_months = 24\nreason = "近两年投诉举报',
            f'window_mnths = 24  {MARK}\nreason = "近两年投诉举报',
            "window_mnths",
        ),
        # mixed-sign points: by_kind gives +8/+5, points -3
        (
            "points = 3\nby_kind = { commendation_national",
            f"points = -3  {MARK}\nby_kind = {{ commendation_national",
            "有正有负",
        ),
        # a non-integer weight
        ("points = -30", f"points = -30.5  {MARK}", "整数"),
        # an undefined group
        ('group = "honour"\nname = "表彰奖励"', f'group = "honours"  {MARK}\nname = "表彰奖励"', "honours"),
        # a duplicate indicator id
        ('id = "government_purchase"', f'id = "commendation"  {MARK}', "重复"),
        # by_kind naming a kind the indicator does not count
        (
            "by_kind = { commendation_national = 8, commendation_provincial = 5 }",
            f"by_kind = {{ commendation_national = 8, commendation_local = 5 }}  {MARK}",
            "commendation_local",
        ),
        # by_class naming no dishonesty class
        (
            "by_class = { general = -8, grave = -12, serious = -20 }",
            f"by_class = {{ severe = -20 }}  {MARK}",
            "severe",
        ),
        # amount steps out of order
        (
            "amount_steps = [{ at_least = 50000, points = -20 }]",
            f"amount_steps = [{{ at_least = 50000, points = -20 }}, {{ at_least = 1000, points = -10 }}]  {MARK}",
            "从小到大",
        ),
        # amount steps that are not a list
        (
            "amount_steps = [{ at_least = 50000, points = -20 }]",
            f"amount_steps = 50000  {MARK}",
            "应为列表",
        ),
        # a cap on a max-mode indicator
        ('mode = "max"', f'mode = "max"\ncap = 20  {MARK}', "不需要 cap"),
        # a window that is not positive
        (
            'window_months = 60\nreason = "近五年按章程',
            f'window_months = 0  {MARK}\nreason = "近五年按章程',
            "大于 0",
        ),
        # a level rule on an unknown list
        ('list = "abnormal"', f'list = "abnormals"  {MARK}', "list"),
        # a level rule on an unknown kind
        ('kinds = ["grade_5a", "grade_4a"]', f'kinds = ["grade_5a", "grade_6a"]  {MARK}', "grade_6a"),
        # a level rule whose kinds are not names
        ('kinds = ["grade_5a", "grade_4a"]', f'kinds = [{{ code = "grade_5a" }}]  {MARK}', "kinds"),
        # a level rule naming no level
        ('set = "D"', f'set = "E"  {MARK}', "A、B、C、D"),
        # a misspelled array of tables
        ('[[indicator]]\nid = "commendation"', f'[[indicators]]  {MARK}\nid = "commendation"', "indicators"),
        # an unknown top-level table
        (
            'basis = "R5.4(a); R5.5; R1.12"',
            f'basis = "R5.4(a); R5.5; R1.12"\n\n[extra]  {MARK}\nfoo = 1',
            "extra",
        ),
    ],
    ids=[
        "overlap-equal",
        "overlap-above",
        "d-not-at-scale-min",
        "level-above-max",
        "unknown-kind",
        "kind-in-two-indicators",
        "unknown-key",
        "mixed-sign",
        "non-integer-points",
        "unknown-group",
        "duplicate-id",
        "by-kind-not-in-kinds",
        "by-class-unknown",
        "amount-steps-order",
        "amount-steps-not-a-list",
        "cap-on-max-mode",
        "window-not-positive",
        "rule-unknown-list",
        "rule-unknown-kind",
        "rule-kinds-not-names",
        "rule-unknown-level",
        "misspelled-array",
        "unknown-table",
    ],
)
def test_a_mistake_is_refused_at_its_line(old, new, message):
    text = edit(old, new)
    with pytest.raises(ConfigError) as info:
        check(text)
    assert message in info.value.message
    assert info.value.line == line_with(text, MARK)
    assert info.value.source == "edited.toml"


def test_a_missing_weight_is_refused_at_its_indicator():
    text = edit("points = -25\n", "")
    with pytest.raises(ConfigError) as info:
        check(text)
    assert "dishonest_debtor" in info.value.message
    assert "points" in info.value.message
    assert info.value.line == header_of(text, 'id = "dishonest_debtor"')
    assert info.value.line == line_with(text, 'id = "dishonest_debtor"') - 1


def test_a_missing_reason_is_refused_at_its_indicator():
    text = edit('reason = "被列为失信被执行人的扣 25 分"\n', "")
    with pytest.raises(ConfigError) as info:
        check(text)
    assert "reason" in info.value.message
    assert info.value.line == header_of(text, 'id = "dishonest_debtor"')


def test_a_level_rule_with_two_targets_is_refused_at_its_rule():
    text = edit('set = "D"', 'set = "D"\nat_least = "B"')
    with pytest.raises(ConfigError) as info:
        check(text)
    assert "serious_list" in info.value.message
    assert info.value.line == header_of(text, 'id = "serious_list"')


def test_levels_out_of_order_are_refused_at_the_first_level():
    text = edit('code = "B"', 'code = "X"')
    with pytest.raises(ConfigError) as info:
        check(text)
    assert info.value.line == line_with(text, 'code = "A"') - 1


LINES_BY_KEY: dict[str, list[int]] = {}
for _n, _line in enumerate(REFERENCE.splitlines()):
    if (_key := re.match(r"([a-z_]+) = ", _line)) and _key.group(1) != "description":
        LINES_BY_KEY.setdefault(_key.group(1), []).append(_n)
VALUE_LINES = st.sampled_from(sorted(LINES_BY_KEY)).flatmap(lambda key: st.sampled_from(LINES_BY_KEY[key]))
"""A line ``key = value`` of the reference text: first a key, then one of its lines."""
OTHER_VALUES = st.sampled_from(
    ["0", "-5", "7", "1.5", "true", '"x"', '"grade_5a"', '"A"', "[]", "[1]", '["grade_5a"]', "{}", "{ a = 1 }",
     "{ grade_5a = 1 }", "[{ at_least = 1, points = 2 }]", "2026-01-01"]
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(VALUE_LINES, OTHER_VALUES)
def test_any_value_of_another_shape_builds_or_is_refused_with_a_line(index, value):
    """An uploaded model never breaks the loader: it builds, or a ConfigError names a line."""
    lines = REFERENCE.splitlines()
    key = lines[index].split(" = ", 1)[0]
    lines[index] = f"{key} = {value}"
    text = "\n".join(lines) + "\n"
    try:
        model = check(text)
    except ConfigError as exc:
        assert exc.line is not None
        assert 1 <= exc.line <= len(lines)
    else:
        assert isinstance(model, IndicatorModel)


# --- English texts ------------------------------------------------------------------------------


def test_every_shipped_text_has_its_english_and_computing_is_unchanged():
    for version in ("reference-2026.1", "status-classes-2023.1"):
        model = shipped_models().get(version)
        english = model.in_english()
        texts = [
            *(lv.name for lv in english.levels),
            *(g.name for g in english.groups),
            *(t for i in english.indicators for t in (i.name, i.reason)),
            *(r.reason for r in english.level_rules),
        ]
        assert texts and not [t for t in texts if re.search(r"[\u4e00-\u9fff]", t)], version
        assert [i.points for i in english.indicators] == [i.points for i in model.indicators]
        assert [(lv.code, lv.min_score) for lv in english.levels] == [
            (lv.code, lv.min_score) for lv in model.levels
        ]
        assert model.level_rules[0].reason != english.level_rules[0].reason  # the model itself is untouched


def test_a_text_without_english_stays_as_written():
    text = edit('reason_en = "−25 when listed as a dishonest judgment debtor"\n', "")
    english = check(text).in_english()
    assert english.indicator("dishonest_debtor").reason == "被列为失信被执行人的扣 25 分"


def test_an_english_text_that_is_not_text_is_refused_at_its_line():
    text = edit('name_en = "Dishonest judgment debtor"\n', f"name_en = 3  {MARK}\n")
    with pytest.raises(ConfigError) as info:
        check(text)
    assert "name_en" in info.value.message and info.value.line == line_with(text, MARK)
