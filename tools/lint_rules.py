"""Project rules that ruff and mypy cannot express. Each rule has a reason and good/bad examples.

Run by tools/lint; exits 1 and lists file:line for every violation.
"""

from __future__ import annotations

import pathlib
import re
import sys
from dataclasses import dataclass

ROOT = pathlib.Path(__file__).resolve().parent.parent
PROTECTED = "Organization|Person|Role|CreditRecord|RecordStateChange|ImportRun"


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: re.Pattern[str]
    files: str
    why: str
    bad: str
    good: str


RULES = [
    Rule(
        "access-functions-only",
        re.compile(rf"\b({PROTECTED})\.objects\.(get|filter|all|exclude|select_related|order_by)\("),
        "socredit/apps/*/[va][ip]*.py",  # views.py and api.py
        "non-public rows are read only through access_* functions, which scope by region (style §2.10)",
        "Organization.objects.get(code=code)",
        "access_organization(request.user, code)",
    ),
    Rule(
        "no-safe-filter-on-data",
        re.compile(r"\|\s*safe\b|{%\s*autoescape\s+off"),
        "socredit/**/templates/**/*.html",
        "names and summaries come from users and other departments; they must render inert",
        "{{ org.name|safe }}",
        "{{ org.name }}",
    ),
    Rule(
        "type-ignore-needs-code-and-reason",
        re.compile(r"#\s*type:\s*ignore(?!\[[a-z-, ]+\]\s*#\s*\S)"),
        "socredit/**/*.py",
        "every exception to a type rule says which rule and why (style §2.15)",
        "x = f()  # type: ignore",
        "x = f()  # type: ignore[attr-defined]  # stdnum has no stubs",
    ),
    Rule(
        "no-django-in-core",
        re.compile(r"^\s*(from|import)\s+django\b", re.M),
        "socredit/core/**/*.py",
        "the core is pure Python (also enforced by import-linter; this catches it before install)",
        "from django.db import models",
        "pass plain values in from the app floor",
    ),
    Rule(
        "one-clock",
        re.compile(r"timezone\.localdate\(\)|\bdate\.today\(\)|timezone\.now\(\)\.date\(\)"),
        "socredit/apps/**/*.py (not tests)",
        "the product has one clock, so a test sets the day in one place and no test runs on two days",
        "day = timezone.localdate()",
        "from socredit.common.clock import today; day = today()",
    ),
]


def _selected(pattern: str) -> list[pathlib.Path]:
    if pattern == "socredit/apps/**/*.py (not tests)":
        return sorted(p for p in ROOT.glob("socredit/apps/**/*.py") if "tests" not in p.parts)
    if pattern == "socredit/apps/*/[va][ip]*.py":
        return sorted(p for name in ("views.py", "api.py") for p in ROOT.glob(f"socredit/apps/*/{name}"))
    return sorted(ROOT.glob(pattern))


def main() -> int:
    failures = 0
    for rule in RULES:
        for path in _selected(rule.files):
            text = path.read_text(encoding="utf-8")
            for m in rule.pattern.finditer(text):
                line = text.count("\n", 0, m.start()) + 1
                print(
                    f"{path.relative_to(ROOT)}:{line}: [{rule.name}] {rule.why}\n    bad:  {rule.bad}\n    good: {rule.good}"
                )
                failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    if "--help" in sys.argv:
        print(__doc__)
        sys.exit(0)
    sys.exit(main())
