"""Report figures (年度工作报告财务数据) as the evaluation reads them: one row per organization, report
year and figure code.

An indicator of the model may read a figure of the organization's annual work report instead of
counting records (``figure = "bs_total_net_assets"`` with ``below`` or ``at_least``): it looks at the
latest report made known on or before the evaluation date (and within the indicator's window), and
gives its points once when that report's figure meets the condition. Which reports the evaluation
sees (concluded, or submitted where the rules publish submitted reports) is decided by whoever
builds the frame (the annual-reports app, through the evaluation's figure hook).

``FIGURE_SCHEMA``:

- ``org_id``: the organization;
- ``year``: the reported year N (the report on year N is filed in year N + 1);
- ``day``: the day the report became known (concluded, or submitted), as a day number
  (``facts.day_number``); a report counts from that day on;
- ``code``: the figure code of the annual-report contract (``bs_total_net_assets`` …);
- ``value``: the amount in yuan.
"""

from __future__ import annotations

import re
from functools import cache

import polars as pl

from socredit.core.annualreports.schema import FIGURE_BY_CODE

FIGURE_SCHEMA: dict[str, pl.DataType] = {
    "org_id": pl.Int32(),
    "year": pl.Int32(),
    "day": pl.Int32(),
    "code": pl.String(),
    "value": pl.Float64(),
}

FIGURE_CODE = re.compile(r"^[a-z][a-z0-9_]{1,63}$")
"""The shape of a figure code (lower-case ASCII words joined by underscores)."""


@cache
def empty_figures() -> pl.DataFrame:
    """No figures (one frame, built once)."""
    return pl.DataFrame(schema=FIGURE_SCHEMA)


def figures_from_rows(rows: list[tuple[int, int, int, str, float]]) -> pl.DataFrame:
    """Figures from Python tuples in FIGURE_SCHEMA column order."""
    return pl.DataFrame(rows, schema=FIGURE_SCHEMA, orient="row")


@cache
def contract_figure_codes() -> frozenset[str]:
    """The figure codes an indicator may read: those of the annual-report contract."""
    return frozenset(FIGURE_BY_CODE)


def figure_label(code: str, language: str | None = "zh-hans") -> str:
    """The name of a figure as a reader reads it (资产总计 / Total assets); the code if unknown."""
    figure = FIGURE_BY_CODE.get(code)
    return figure.label(language) if figure else code
