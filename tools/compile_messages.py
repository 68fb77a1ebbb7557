"""Compile the committed .po translations to .mo with polib (no gettext tools needed on the machine)."""

from __future__ import annotations

import pathlib
import sys

import polib

ROOT = pathlib.Path(__file__).resolve().parent.parent


def main() -> int:
    for po_path in sorted((ROOT / "socredit").glob("**/locale/*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
