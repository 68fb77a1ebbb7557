"""The `socredit` console command: one front door for all management work.

`socredit --help` lists the product's own commands first, then Django's. Command names may be
written with hyphens (`socredit demo-data`), as in the documentation.
"""

from __future__ import annotations

import os
import sys

PRODUCT_APPS_PREFIX = "socredit."


def _product_help() -> str:
    from django.core.management import get_commands, load_command_class

    commands = get_commands()
    ours = sorted(name for name, app in commands.items() if app.startswith(PRODUCT_APPS_PREFIX))
    lines = [
        "socredit — 社会组织信用管理平台 management commands",
        "",
        "Usage: socredit <command> [options]    (socredit <command> --help for its options)",
        "",
        "Product commands:",
    ]
    for name in ours:
        cmd = load_command_class(commands[name], name)
        summary = (cmd.help or "").strip().splitlines()[0] if cmd.help else ""
        lines.append(f"  {name.replace('_', '-'):<22} {summary}")
    lines += ["", "Django commands (migrate, runserver, createsuperuser, shell, …):"]
    others = sorted(name for name, app in commands.items() if not app.startswith(PRODUCT_APPS_PREFIX))
    lines.append("  " + ", ".join(others))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socredit.settings")
    import django
    from django.core.management import execute_from_command_line

    if len(argv) < 2 or argv[1] in {"-h", "--help", "help"} and len(argv) == 2:
        django.setup()
        print(_product_help())
        return 0
    argv[1] = argv[1].replace("-", "_")
    execute_from_command_line(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
