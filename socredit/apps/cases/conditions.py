"""The conditions of credit repair (``socredit.core.repair``) in the reader's language.

The core names each condition (``Condition.code``) and the explanation that applies
(``Condition.reason``, with its facts in ``Condition.params``) and speaks no language; the titles and
explanations here are English msgids, translated in the cases catalogue to the Chinese the office has
always written, so a Chinese page (and the Chinese decision document) reads as before and an English
page reads English. A reason the table does not know is shown by its title alone, never as a code.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from socredit.common.choices import label_for
from socredit.core.repair import CONDITIONS, REASONS, Condition
from socredit.core.types import DishonestyClass

TITLES = {
    "repairable": _("Repairable by law"),
    "negative": _("Dishonesty information"),
    "effective": _("The record is in force"),
    "authority": _("Repaired by the deciding authority"),
    "in_publicity": _("Still within the publicity period"),
    "min_period": _("Minimum publicity period completed"),
    "obligations": _("Obligations performed and the conduct corrected"),
    "commitment": _("Credit commitment made"),
}
"""Each condition's title (``Condition.code``)."""

DETAILS = {
    "repairable.yes": _("Repair may be applied for"),
    "repairable.no": _(
        "Not repairable by law: “%(kind)s” is dishonesty information that laws, regulations or policy "
        "documents of the Party Central Committee and the State Council expressly make non-repairable"
    ),
    "negative.yes": _("It is dishonesty information"),
    "negative.no": _("“%(kind)s” is not dishonesty information and needs no repair"),
    "effective.yes": _("The record is in force"),
    "effective.no": _("The record's state is “%(status)s”; only a record in force can be repaired"),
    "authority.own": _("Decided by the registration authority; this authority accepts the repair"),
    "authority.other": _(
        "This information was decided by %(department)s; by the principle “whoever decides it repairs it”, "
        "apply for repair to the deciding authority (%(department)s)"
    ),
    "in_publicity.no_maximum": _("The rules in force state no maximum publicity period for this information"),
    "in_publicity.ended": _(
        "The maximum publicity period ended on %(end)s; publication stopped by itself from %(ended_on)s, "
        "nothing to repair"
    ),
    "in_publicity.until": _(
        "The maximum publicity period runs until %(end)s; publication then stops by itself"
    ),
    "min_period.unknown": _(
        "The rules in force state no publicity period for “%(class)s” dishonesty information (the classes "
        "applied: %(tiers)s); whether the minimum publicity period is complete cannot be judged "
        "automatically and staff must determine it"
    ),
    "min_period.minor": _(
        "Minor dishonesty information has no minimum publicity period; repair may be applied for once the "
        "legal liability is discharged"
    ),
    "min_period.waiting": _(
        "%(class)s dishonesty information is published for at least %(months)s months, counted from %(start)s "
        "to %(end)s; repair may be applied for from %(repair_from)s"
    ),
    "min_period.reached": _(
        "%(class)s dishonesty information is published for at least %(months)s months, completed on %(end)s"
    ),
    "obligations.confirmed": _(
        "Staff have verified that the applicant has performed the legal obligations and corrected the conduct"
    ),
    "obligations.not_done": _(
        "Staff found that the applicant has not yet performed the legal obligations or corrected the conduct"
    ),
    "obligations.to_prove": _(
        "Proof of the obligations performed and the conduct corrected must be handed in; staff verify it on "
        "acceptance"
    ),
    "commitment.not_required": _("The rules in force require no credit commitment"),
    "commitment.signed": _("The credit repair commitment is signed and made public"),
    "commitment.missing": _(
        "The credit repair commitment is not signed yet (a public commitment that the materials handed in are "
        "true, with liability for dishonesty)"
    ),
}
"""Each explanation (``Condition.reason``), with the condition's ``params`` as placeholders."""

assert set(TITLES) == set(CONDITIONS) and set(DETAILS) == set(REASONS), "a condition without its words"


def class_label(code: str) -> str:
    """A dishonesty class by its name ("" → unclassified)."""
    return label_for(DishonestyClass, code) if code else pgettext("dishonesty class", "unclassified")


def _words(params: Mapping[str, Any]) -> dict[str, Any]:
    """The params as the sentences read them: class codes by their names."""
    out = dict(params)
    if "class" in out:
        out["class"] = class_label(str(out["class"]))
    if "tiers" in out:
        out["tiers"] = "/".join(class_label(str(code)) for code in out["tiers"])
    return out


def title(condition: Condition) -> str:
    label = TITLES.get(condition.code)
    return str(label) if label is not None else ""


def detail(condition: Condition) -> str:
    """The explanation in the active language ("" where the reason is unknown)."""
    text = DETAILS.get(condition.reason)
    return str(text) % _words(condition.params) if text is not None else ""
