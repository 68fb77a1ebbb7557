"""从业禁止、任职限制 — the grounds on which a person is barred from posts or from practice.

A ground is a row of data: its kind, what sets it off (the revocation of an organization's
registration, a serious-list decision, or a decision of its own), which organizations' events and
which of their posts it reaches, the posts or sector it bars, how long (a policy parameter, never a
literal here) and its legal basis by title and article, as a reader sees it. ``item`` names the
rules.md item for code and logs only.

Only what rules.md R1.19 supports is here:

- 《中华人民共和国慈善法》第十六条: no 负责人 of a 慈善组织 within five years after an organization
  where the person was 负责人 had its registration certificate revoked (吊销) or was banned (取缔);
- 《基金会管理条例》第二十三条: no 理事长、副理事长、秘书长 of a 基金会 within five years after a
  foundation where the person held such a post was revoked (撤销) for violations and the person bears
  personal responsibility (a finding of fact: such a ban is only ever *proposed* to staff);
- 《中华人民共和国慈善法》第一百一十二条: a decision barring a directly responsible person from
  charity management posts for one to five years (a penalty decision: entered, not derived);
- a locality's own rule that the 法定代表人 and 主要负责人 of an organization put on the serious list
  are barred from the sector (行业禁入; seed 004 §五(二)3, 新郑). Off unless the profile turns it on;
  the 60号令 itself has no personal list (R1.19: "do not invent one"). Its length is the locality's
  parameter, a design default where the instrument gives none.

Everything else (a court's 从业禁止, another department's restriction) arrives as a decision of its
own with its ground, basis and scope in words (``OTHER``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from socredit.core.scoring.facts import add_months
from socredit.core.types import Labelled


class BanKind(Labelled):
    """种类 of a ban on a person."""

    EMPLOYMENT_BAN = ("employment_ban", "从业禁止", "Ban from practice")
    POST_RESTRICTION = ("post_restriction", "任职限制", "Restriction on holding posts")


class BanTrigger(Labelled):
    """What sets a ground off."""

    REVOCATION = ("revocation", "组织被撤销登记", "Revocation of the organization's registration")
    SERIOUS_LISTING = (
        "serious_listing",
        "组织被列入严重违法失信名单",
        "Serious-list decision on the organization",
    )
    DECISION = ("decision", "单独作出的决定", "A decision of its own")


LEGAL_REPRESENTATIVE, RESPONSIBLE, CHAIR, SECRETARY_GENERAL = (
    "legal_rep",
    "responsible",
    "chair",
    "secretary_general",
)
"""The ``RoleKind`` codes the grounds name (kept as codes: the core's grounds are data)."""
FOUNDATION = "3"
"""``OrgType.FOUNDATION``'s code."""


@dataclass(frozen=True)
class BanGround:
    """One ground (事由) of a ban, as data."""

    code: str
    kind: BanKind
    trigger: BanTrigger
    title_zh: str
    title_en: str
    basis_zh: str
    basis_en: str
    scope_zh: str
    scope_en: str
    item: str
    posts: tuple[str, ...] = ()
    """The posts in the organization whose holders on the day incur it (triggered grounds)."""
    org_types: tuple[str, ...] = ()
    """The organization types whose event sets it off; empty: any."""
    years_key: str | None = None
    """The policy parameter giving its length in years, counted from the event."""
    min_years_key: str | None = None
    max_years_key: str | None = None
    """For a decided length: the profile's bounds."""
    enabled_key: str | None = None
    """A boolean parameter that must be true in the profile for the ground to apply."""
    basis_key: str | None = None
    """A text parameter with the locality's own instrument (its title and article)."""
    needs_finding: bool = True
    """Staff must confirm it (a finding of fact or a discretion the law leaves them): proposed."""

    def title(self, language: str | None = "zh-hans") -> str:
        return self.title_en if (language or "").startswith("en") else self.title_zh

    def scope(self, language: str | None = "zh-hans") -> str:
        return self.scope_en if (language or "").startswith("en") else self.scope_zh

    def basis(self, language: str | None = "zh-hans") -> str:
        return self.basis_en if (language or "").startswith("en") else self.basis_zh


CHARITY_HEAD = BanGround(
    code="charity_head",
    kind=BanKind.POST_RESTRICTION,
    trigger=BanTrigger.REVOCATION,
    title_zh="曾任被吊销登记证书的组织的负责人",
    title_en="Was a responsible person of an organization whose registration certificate was revoked",
    basis_zh="《中华人民共和国慈善法》第十六条",
    basis_en="Charity Law of the People's Republic of China, Article 16",
    scope_zh="不得担任慈善组织的负责人",
    scope_en="May not be a responsible person of a charitable organization",
    item="R1.19",
    posts=(LEGAL_REPRESENTATIVE, RESPONSIBLE, CHAIR, SECRETARY_GENERAL),
    years_key="bans.charity_head_years",
    # the registry's 撤销登记 covers both 吊销登记证书 and 撤销成立登记; only the first is this ground
)
FOUNDATION_OFFICER = BanGround(
    code="foundation_officer",
    kind=BanKind.POST_RESTRICTION,
    trigger=BanTrigger.REVOCATION,
    title_zh="曾在因违法被撤销登记的基金会担任理事长、副理事长或者秘书长，且对其违法行为负有个人责任",
    title_en="Was chair, vice-chair or secretary-general of a foundation revoked for violations and bears "
    "personal responsibility for them",
    basis_zh="《基金会管理条例》第二十三条",
    basis_en="Regulations on the Administration of Foundations, Article 23",
    scope_zh="不得担任基金会的理事长、副理事长或者秘书长",
    scope_en="May not be chair, vice-chair or secretary-general of a foundation",
    item="R1.19",
    posts=(CHAIR, SECRETARY_GENERAL),
    org_types=(FOUNDATION,),
    years_key="bans.foundation_officer_years",
)
CHARITY_PENALTY = BanGround(
    code="charity_penalty",
    kind=BanKind.EMPLOYMENT_BAN,
    trigger=BanTrigger.DECISION,
    title_zh="违反《慈善法》情节严重，直接负责的人员被禁止担任慈善组织的管理人员",
    title_en="Directly responsible for a serious violation of the Charity Law and barred from charity "
    "management posts",
    basis_zh="《中华人民共和国慈善法》第一百一十二条",
    basis_en="Charity Law of the People's Republic of China, Article 112",
    scope_zh="不得担任慈善组织的管理人员",
    scope_en="May not hold a management post in a charitable organization",
    item="R1.19",
    min_years_key="bans.charity_penalty_min_years",
    max_years_key="bans.charity_penalty_max_years",
)
SERIOUS_LIST_SECTOR = BanGround(
    code="serious_list_sector",
    kind=BanKind.EMPLOYMENT_BAN,
    trigger=BanTrigger.SERIOUS_LISTING,
    title_zh="所在社会组织被列入严重违法失信名单时任其法定代表人或者主要负责人（行业禁入）",
    title_en="Was legal representative or principal responsible person of a social organization when it was "
    "put on the serious list (barred from the sector)",
    basis_zh="",
    basis_en="",
    scope_zh="不得担任社会组织的法定代表人、负责人",
    scope_en="May not be legal representative or responsible person of a social organization",
    item="seed 004 §五(二)3; §五(六); R1.19",
    posts=(LEGAL_REPRESENTATIVE, RESPONSIBLE),
    years_key="bans.serious_list_years",
    enabled_key="bans.serious_list_sector_ban",
    basis_key="bans.serious_list_basis",
)
OTHER = BanGround(
    code="other",
    kind=BanKind.EMPLOYMENT_BAN,
    trigger=BanTrigger.DECISION,
    title_zh="其他决定（事由、依据、范围见决定）",
    title_en="Another decision (ground, basis and scope as the decision states them)",
    basis_zh="",
    basis_en="",
    scope_zh="",
    scope_en="",
    item="",
)

GROUNDS: tuple[BanGround, ...] = (
    CHARITY_HEAD,
    FOUNDATION_OFFICER,
    CHARITY_PENALTY,
    SERIOUS_LIST_SECTOR,
    OTHER,
)
GROUNDS_BY_CODE = {g.code: g for g in GROUNDS}

ProfileValue = Callable[[str], object]
"""``profile.get``: a parameter's value, None where the profile does not state it."""


def applies(ground: BanGround, value: ProfileValue) -> bool:
    """Whether the profile lets ``ground`` apply: its switch on, its length stated."""
    if ground.enabled_key is not None and not value(ground.enabled_key):
        return False
    return ground.years_key is None or value(ground.years_key) is not None


def triggered_grounds(trigger: BanTrigger, org_type: str, value: ProfileValue) -> list[BanGround]:
    """The grounds an event of ``trigger`` on an organization of ``org_type`` sets off under a profile."""
    return [
        g for g in GROUNDS
        if g.trigger is trigger and (not g.org_types or org_type in g.org_types) and applies(g, value)
    ]  # fmt: skip


def ban_until(start: dt.date, years: int) -> dt.date:
    """The last day of a ban of ``years`` from ``start``: "自…之日起未逾N年" ends on the corresponding
    day N years on (the start day not counted, 民法典 第二百零一条, as rules.md R1.11 counts periods)."""
    return add_months(start, 12 * years)


def in_force(start: dt.date, until: dt.date | None, lifted_on: dt.date | None, day: dt.date) -> bool:
    """A ban binds on ``day`` from its start to its last day, unless lifted on or before ``day``."""
    return start <= day and (until is None or day <= until) and (lifted_on is None or day < lifted_on)


__all__ = [
    "GROUNDS",
    "GROUNDS_BY_CODE",
    "BanGround",
    "BanKind",
    "BanTrigger",
    "applies",
    "ban_until",
    "in_force",
    "triggered_grounds",
]
