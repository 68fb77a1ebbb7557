"""A warning's facts in words for staff (never codes): one sentence per fact, in the reader's language."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from socredit.common.choices import label_for
from socredit.core.annualreports.schema import FIGURES
from socredit.core.riskwarnings.rules import RuleKind
from socredit.core.types import RoleKind

FIGURE_BY_CODE = {f.code: f for f in FIGURES}


def _figure(code: str) -> str:
    f = FIGURE_BY_CODE.get(code)
    return f.label(get_language()) if f else code


def _yuan(value: Any) -> str:
    return _("%(amount)s yuan") % {"amount": f"{float(value):,.2f}"}


def _sources(sources: list[str]) -> str:
    names = {"spot_check": _("a spot check found no one at the address"),
             "letters": _("two special letters went unsigned")}  # fmt: skip
    return _("; ").join(names.get(s, s) for s in sources)


def _transactions(t: dict[str, Any]) -> list[str]:
    """Transactions reported by finance and banking departments, in words (the source named)."""
    what = {"single": _("single transactions at or above the line"), "related_party": _("related-party transactions"),
            "overseas": _("cross-border transactions")}.get(t.get("mode", ""), "")  # fmt: skip
    out = [_("Reported by finance and banking departments within %(days)s days (%(first)s to %(last)s): "
             "%(what)s, %(n)s in all, together %(total)s.")
           % {"n": t.get("count"), "what": what, "days": t.get("days"), "first": t.get("first"), "last": t.get("last"),
              "total": _yuan(t.get("total", 0))}]  # fmt: skip
    for m in t.get("largest") or []:
        flags = [
            label
            for on, label in (
                (m.get("related_party"), _("related party")),
                (m.get("overseas"), _("cross-border")),
            )
            if on
        ]
        direction = _("received from") if m.get("direction") == "in" else _("paid to")
        out.append(_("%(day)s: %(amount)s %(direction)s %(counterparty)s%(flags)s (reported by %(department)s).")
                   % {"day": m.get("on"), "amount": _yuan(m.get("amount", 0)), "direction": direction,
                      "counterparty": m.get("counterparty"), "department": m.get("department"),
                      "flags": _(" (%(flags)s)") % {"flags": pgettext("list separator", ", ").join(flags)} if flags else ""})  # fmt: skip
    return out


def facts_in_words(kind: str, facts: dict[str, Any]) -> list[str]:
    f = facts or {}
    if "reason" in f and "reported_by" in f:
        return [_("Raised by %(who)s: %(reason)s") % {"who": f["reported_by"], "reason": f["reason"]}]
    if kind == RuleKind.ANNUAL_REPORT_OVERDUE.value:
        return [
            _("The work report on %(year)s is overdue since %(since)s.")
            % {"year": f.get("year"), "since": f.get("since")}
        ]
    if kind == RuleKind.DORMANT.value:
        years = pgettext("list separator", ", ").join(str(y) for y in f.get("missing_years") or [])
        out = [_("No annual work report filed on the report years %(years)s.") % {"years": years}]
        out.append(_("Last activity: %(day)s.") % {"day": f["last_activity"]} if f.get("last_activity")
                   else _("No activity on record."))  # fmt: skip
        if f.get("unreachable_on"):
            out.append(
                _("Found unreachable at the registered address, last on %(day)s.")
                % {"day": f["unreachable_on"]}
            )
        return out
    if kind == RuleKind.ADDRESS_UNREACHABLE.value:
        return [_("Unreachable at the registered address %(n)s time(s), last on %(day)s: %(how)s.")
                % {"n": f.get("times"), "day": f.get("last"), "how": _sources(f.get("sources") or [])}]  # fmt: skip
    if kind == RuleKind.ELECTION_OVERDUE.value:
        basis = {"report": _("the last election an annual report names"), "record": _("the last recorded election"),
                 "registry": _("the start of the current legal representative's or chair's post"),
                 "registration": _("registration (no election on record)")}.get(f.get("basis", ""), "")  # fmt: skip
        return [_("Term counted from %(basis)s (%(start)s); it ended on %(end)s.")
                % {"basis": basis, "start": f.get("start"), "end": f.get("term_end")}]  # fmt: skip
    if kind == RuleKind.BANNED_PERSON.value:
        out = []
        for p in f.get("persons", []):
            cause = (
                _("a ban on holding posts in force")
                if p.get("cause") == "ban"
                else _("named in a serious-list decision")
            )
            until = _(" until %(day)s") % {"day": p["until"]} if p.get("until") else ""
            out.append(_("%(name)s, %(post)s: %(cause)s%(until)s.")
                       % {"name": p.get("name"), "post": label_for(RoleKind, p.get("post")), "cause": cause, "until": until})  # fmt: skip
        return out
    if kind == RuleKind.COMPLAINT_BURST.value:
        return [_("%(n)s complaints found true within %(days)s days (%(first)s to %(last)s).")
                % {"n": f.get("count"), "days": f.get("days"), "first": f.get("first"), "last": f.get("last")}]  # fmt: skip
    if kind == RuleKind.FIGURE_CHANGE.value:
        return [_("%(figure)s on %(year)s: %(value)s against %(previous)s the year before (%(change)+.0f %%).")
                % {"figure": _figure(f.get("figure", "")), "year": f.get("year"), "value": _yuan(f.get("value", 0)),
                   "previous": _yuan(f.get("previous", 0)), "change": float(f.get("change", 0)) * 100}]  # fmt: skip
    if kind == RuleKind.FIGURE_AMOUNT.value:
        out = []
        if f.get("year"):
            parts = _("; ").join(f"{_figure(p['code'])} {_yuan(p['value'])}" for p in f.get("parts") or [])
            out.append(_("Annual report on %(year)s: %(parts)s (together %(total)s).")
                       % {"year": f.get("year"), "parts": parts, "total": _yuan(f.get("total", 0))})  # fmt: skip
        if f.get("transactions"):
            out.extend(_transactions(f["transactions"]))
        return out
    return []
