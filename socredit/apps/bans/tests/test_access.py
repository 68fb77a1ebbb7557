"""bans_in_force: the interface the credit checks and the screening read (as of a day, set-based,
keyed by the normalised ID number, in words, without ids or ID numbers)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.utils import translation

from socredit.apps.bans import services
from socredit.apps.bans.access import BanView, bans_in_force, normalise_id_number
from socredit.apps.bans.models import Ban
from socredit.apps.bans.tests.conftest import ago, ahead, record
from socredit.core.codes import make_id_number
from socredit.testing import factories

pytestmark = pytest.mark.django_db


def test_a_ban_binds_from_its_start_to_its_last_day(actor, banned):
    ban = record(actor, banned, start_on=ago(10), until=ago(-5))
    numbers = [banned.id_number]
    assert bans_in_force(numbers, ago(11)) == {}  # not yet
    assert [v.document_number for v in bans_in_force(numbers, ago(10))[banned.id_number]] == [
        "金民禁〔2026〕1号"
    ]
    assert banned.id_number in bans_in_force(numbers, ban.until)  # the last day binds
    assert bans_in_force(numbers, ban.until + dt.timedelta(days=1)) == {}  # expired


def test_a_lifted_ban_binds_up_to_the_day_before_it_was_lifted(actor, banned):
    ban = record(actor, banned, start_on=ago(100), until=ahead(100))
    services.lift_ban(actor=actor, channel="form", ban=ban, lifted_on=ago(20), reason="复议决定撤销原决定")
    numbers = [banned.id_number]
    assert banned.id_number in bans_in_force(numbers, ago(21))  # as of a day in the past it still bound
    assert bans_in_force(numbers, ago(20)) == {}
    assert bans_in_force(numbers, ago(0)) == {}


def test_a_proposed_or_dismissed_ban_binds_nobody(actor, banned):
    ban = record(actor, banned)
    Ban.objects.filter(pk=ban.pk).update(state="proposed")
    assert bans_in_force([banned.id_number], ago(0)) == {}
    ban.refresh_from_db()
    services.dismiss_ban(actor=actor, channel="form", ban=ban, reason="无个人责任")
    assert bans_in_force([banned.id_number], ago(0)) == {}


def test_keys_are_normalised_numbers_and_views_carry_no_id_number_nor_database_id(actor, banned):
    record(actor, banned)
    other = factories.person("赵清白")
    typed = " " + banned.id_number[:6] + " " + banned.id_number[6:].lower()
    with translation.override("zh-hans"):
        found = bans_in_force([typed, other.id_number, "not a number", ""], ago(0))
    assert list(found) == [banned.id_number]  # a person without a ban is no key
    [view] = found[banned.id_number]
    assert isinstance(view, BanView) and dataclasses.is_dataclass(view)
    with pytest.raises(dataclasses.FrozenInstanceError):
        view.scope = "x"  # type: ignore[misc]  # assigning to a frozen field is the point
    assert "id" not in {f.name for f in dataclasses.fields(view)}
    values = [str(v) for v in dataclasses.asdict(view).values()]
    assert not any(banned.id_number in v or banned.id_number[6:14] in v for v in values)
    assert (view.kind, view.kind_label, view.authority) == (
        "post_restriction",
        "任职限制",
        "郑州市金水区民政局",
    )
    assert (view.ground, view.scope, view.legal_basis) == (
        "对协会违法行为负有直接责任",
        "不得担任社会团体负责人",
        "《社会团体登记管理条例》第三十条",
    )


def test_a_known_ground_reads_in_the_readers_language(actor, banned):
    record(actor, banned, ground="charity_penalty", kind="", ground_text="", legal_basis="", scope="",
           start_on=ago(30), until=None, years=2)  # fmt: skip
    with translation.override("en"):
        [view] = bans_in_force([banned.id_number], ago(0))[banned.id_number]
    assert view.legal_basis == "Charity Law of the People's Republic of China, Article 112"
    assert view.kind_label == "Ban from practice"
    with translation.override("zh-hans"):
        [view] = bans_in_force([banned.id_number], ago(0))[banned.id_number]
    assert view.legal_basis == "《中华人民共和国慈善法》第一百一十二条"


def test_ten_thousand_numbers_take_two_queries(actor, banned, django_assert_max_num_queries):
    record(actor, banned)
    numbers = [make_id_number("410105", dt.date(1980, 1, 1) + dt.timedelta(days=i // 900), i % 900)
               for i in range(9_999)] + [banned.id_number]  # fmt: skip
    with django_assert_max_num_queries(2):
        found = bans_in_force(numbers, ago(0))
    assert list(found) == [banned.id_number]


def test_normalise_id_number():
    assert normalise_id_number("11010519491231002x") == "11010519491231002X"
    assert normalise_id_number("1101 0519 4912 3100 2X") == "11010519491231002X"
    assert normalise_id_number("123") is None
    assert normalise_id_number(None) is None
