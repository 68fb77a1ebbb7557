"""Domain vocabulary shared by every floor.

Each enum member carries a stable code (stored in the database and in files), a Chinese label
(the term of art) and an English label. The web floors choose the label by the active language;
nothing here knows about Django.
"""

from __future__ import annotations

import enum
from typing import Any, Self


class Labelled(enum.Enum):
    """An enum whose value is a stored code and which carries zh and en labels."""

    zh: str
    en: str

    def __new__(cls, code: Any, zh: str, en: str) -> Self:
        obj = object.__new__(cls)
        obj._value_ = code
        obj.zh = zh
        obj.en = en
        return obj

    @property
    def code(self) -> Any:
        return self.value

    def label(self, language: str | None = "zh-hans") -> str:
        return self.en if (language or "").startswith("en") else self.zh

    @classmethod
    def by_code(cls, code: Any) -> Self:
        """The member stored as `code`; ValueError if none."""
        try:
            return cls._value2member_map_[code]  # type: ignore[return-value]  # the map holds members of cls
        except (KeyError, TypeError):
            raise ValueError(f"{code!r} is not a valid {cls.__name__}") from None

    @classmethod
    def from_text(cls, text: str) -> Self:
        """Accept the code, the Chinese label or the English label (case-insensitive); raise ValueError."""
        t = str(text).strip()
        for m in cls:
            if t == str(m.value) or t == m.zh or t.lower() == m.en.lower() or t.lower() == m.name.lower():
                return m
        allowed = "、".join(f"{m.zh}({m.value})" for m in cls)
        raise ValueError(f"“{t}”不是有效取值，可选：{allowed}")


class OrgType(Labelled):
    """社会组织类型 — the 机构类别码 (2nd character) of a civil-affairs USCC (rules.md R8.2)."""

    ASSOCIATION = ("1", "社会团体", "Association")
    SERVICE_INSTITUTION = ("2", "社会服务机构（民办非企业单位）", "Social service institution")
    FOUNDATION = ("3", "基金会", "Foundation")
    OTHER = ("9", "其他", "Other")


class OrgField(Labelled):
    """业务领域 — the field an organization works in."""

    ELDER_CARE = ("elder_care", "养老服务", "Elder care")
    EDUCATION = ("education", "教育培训", "Education and training")
    INDUSTRY = ("industry", "行业协会商会", "Industry association / chamber of commerce")
    CHARITY = ("charity", "慈善公益", "Charity")
    SCIENCE = ("science", "科学技术", "Science and technology")
    COMMUNITY = ("community", "社区服务", "Community service")
    CULTURE_SPORTS = ("culture_sports", "文化体育", "Culture and sports")
    OTHER = ("other", "其他", "Other")


class OrgStatus(Labelled):
    """登记状态."""

    NORMAL = ("normal", "正常", "Normal")
    DEREGISTERED = ("deregistered", "已注销", "Deregistered")
    REVOKED = ("revoked", "已撤销/吊销", "Revoked")
    SUSPENDED = ("suspended", "限期停止活动", "Suspended")


class RoleKind(Labelled):
    """任职类型 — the posts a person holds in an organization."""

    LEGAL_REPRESENTATIVE = ("legal_rep", "法定代表人", "Legal representative")
    RESPONSIBLE_PERSON = ("responsible", "负责人", "Responsible person")
    CHAIR = ("chair", "理事长", "Chair of the board")
    SECRETARY_GENERAL = ("secretary_general", "秘书长", "Secretary-general")
    DIRECTOR = ("director", "理事", "Director")
    SUPERVISOR = ("supervisor", "监事", "Supervisor")
    PARTY_SECRETARY = ("party_secretary", "党组织书记", "Party organization secretary")


class RecordCategory(Labelled):
    """信用信息类别 — rules.md R1.3 (basic, annual report, inspection, penalty, other) refined."""

    BASIC = ("basic", "基础信息", "Basic information")
    ANNUAL_REPORT = ("annual_report", "年报信息", "Annual report")
    INSPECTION = ("inspection", "行政检查信息", "Inspection")
    PENALTY = ("penalty", "行政处罚信息", "Administrative penalty")
    EVALUATION_GRADE = ("evaluation_grade", "评估等级", "Evaluation grade")
    COMMENDATION = ("commendation", "表彰奖励", "Commendation")
    COMMITMENT = ("commitment", "信用承诺", "Credit commitment")
    COMPLAINT = ("complaint", "投诉举报", "Complaint")
    OTHER = ("other", "其他信息", "Other")


class Polarity(Labelled):
    """信息性质 — whether a record speaks for or against the organization."""

    POSITIVE = ("positive", "良好信息", "Positive")
    NEUTRAL = ("neutral", "一般信息", "Neutral")
    NEGATIVE = ("negative", "失信信息", "Negative")


class DishonestyClass(Labelled):
    """失信程度 — national 轻微/一般/严重 (rules.md R2.8, R5.2) plus 较重 for localities such as 新郑 (seed 004)."""

    MINOR = ("minor", "轻微", "Minor")
    GENERAL = ("general", "一般", "General")
    GRAVE = ("grave", "较重", "Grave")
    SERIOUS = ("serious", "严重", "Serious")


class Visibility(Labelled):
    """公开范围."""

    PUBLIC = (1, "社会公开", "Public")
    GOVERNMENT = (2, "政务共享", "Shared with government")
    INTERNAL = (3, "内部使用", "Internal")


class RecordStatus(Labelled):
    """信用记录状态 — a record's state; records are never deleted, only moved between states."""

    EFFECTIVE = (1, "有效", "Effective")
    CORRECTED = (2, "已更正", "Corrected")
    REVOKED = (3, "已撤销", "Revoked")
    REPAIRED = (4, "已修复", "Repaired")
    EXPIRED = (5, "已过期", "Expired")


class RecordSource(Labelled):
    """来源渠道."""

    FORM = (1, "页面录入", "Form")
    IMPORT = (2, "批量导入", "Import")
    API = (3, "接口推送", "API")
    SYSTEM = (4, "系统生成", "System")


class RegionLevel(Labelled):
    """行政区划层级 (GB/T 2260)."""

    NATIONAL = (0, "全国", "National")
    PROVINCE = (1, "省级", "Province")
    CITY = (2, "市级", "City")
    DISTRICT = (3, "县级", "District / county")
    STREET = (4, "乡级（乡镇、街道）", "Township / street")


class DepartmentKind(Labelled):
    """部门类别 — the departments that share records and check subjects."""

    CIVIL_AFFAIRS = ("civil_affairs", "民政", "Civil affairs")
    FINANCE = ("finance", "财政", "Finance")
    TAX = ("tax", "税务", "Tax")
    MARKET = ("market", "市场监管", "Market regulation")
    COURT = ("court", "法院", "Court")
    PUBLIC_SECURITY = ("public_security", "公安", "Public security")
    DEVELOPMENT_REFORM = ("development_reform", "发展改革", "Development and reform")
    OTHER = ("other", "其他", "Other")
