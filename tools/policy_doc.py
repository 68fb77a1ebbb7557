"""Regenerate the generated tables of docs/policy-profiles.md from the shipped profiles.

    PYTHONPATH=$PWD python tools/policy_doc.py          # rewrite the tables in place
    PYTHONPATH=$PWD python tools/policy_doc.py --check  # exit 1 if the page is out of step

Two tables are generated, each between its markers: the shipped versions (``shipped``) and every
parameter (``parameters``) with its national-2026.1 value, item and tag, the values the other
shipped files state themselves, and 预留：尚未启用 for the parameters reserved for work not yet built.
``socredit/core/tests/test_policy.py`` fails when the page differs from what this prints.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from socredit.core.policy import PARAMETERS, ParameterSpec, shipped_profiles
from socredit.core.policy_parameters import reserved_for
from socredit.core.policy_select import governance

PAGE = Path(__file__).resolve().parents[1] / "docs" / "policy-profiles.md"
REFERENCE = "national-2026.1"


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return ", ".join(value)
    return str(value)


def _range(spec: ParameterSpec) -> str:
    if spec.type in ("int", "float"):
        low = "" if spec.min is None else f"{spec.min:g}"
        high = "" if spec.max is None else f"{spec.max:g}"
        text = f"{spec.type} {low}–{high}"
    elif spec.choices:
        text = f"{spec.type} of {'/'.join(spec.choices)}"
    else:
        text = spec.type
    return text + ("" if spec.required else ", optional")


def shipped_table() -> str:
    lines = [
        "| version | in force | regions governed | rests on | parameters stated |",
        "|---|---|---|---|---|",
    ]
    for g in governance():
        until = g.until.isoformat() if g.until else "now"
        regions = "national (100000)" if g.locality == "national" else ", ".join(g.regions) + " and below"
        rests = (
            f"`{g.parent}` in force on each date"
            if g.parent
            else (f"`{g.extends}` (fixed)" if g.extends else "—")
        )
        lines.append(
            f"| `{g.version}` | {g.effective_from.isoformat()} – {until} | {regions} | {rests} | {len(g.stated)} |"
        )
    return "\n".join(lines)


def parameters_table() -> str:
    library = shipped_profiles()
    reference = library.get(REFERENCE)
    others = [g.version for g in governance() if g.version != REFERENCE]
    lines = [
        f"| key | meaning | type, range | {REFERENCE} | item | tag | other shipped profiles |",
        "|---|---|---|---|---|---|---|",
    ]
    for key, spec in PARAMETERS.items():
        p = reference.parameters.get(key)
        value, item, tag = (_value(p.value), p.item, p.tag) if p else ("(absent)", "", "")
        notes = []
        for version in others:
            own = library.get(version).parameters.get(key)
            if (
                own is not None
                and own.source_version == version
                and (p is None or own.value != p.value or version.split("-")[0] != "national")
            ):
                notes.append(f"{version}: {_value(own.value)} ({own.item}, {own.tag})")
        user = reserved_for(key)
        if user:
            notes.insert(0, f"预留：尚未启用 ({user})")
        meaning = spec.description.replace("|", "\\|")
        lines.append(
            f"| `{key}` | {meaning} | {_range(spec)} | {value} | {item} | {tag} | {'; '.join(notes)} |"
        )
    return "\n".join(lines)


def render(text: str) -> str:
    for name, table in (("shipped", shipped_table()), ("parameters", parameters_table())):
        pattern = re.compile(rf"(<!-- generated:{name} -->\n)(?:.*?\n)?(<!-- /generated:{name} -->)", re.S)
        if not pattern.search(text):
            raise SystemExit(
                f"{PAGE}: markers <!-- generated:{name} --> … <!-- /generated:{name} --> missing"
            )
        text = pattern.sub(lambda m, table=table: m.group(1) + table + "\n" + m.group(2), text)
    return text


def main(argv: list[str]) -> int:
    text = PAGE.read_text(encoding="utf-8")
    new = render(text)
    if "--check" in argv:
        if new != text:
            print(f"{PAGE} is out of step: run tools/policy_doc.py")
            return 1
        return 0
    PAGE.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
