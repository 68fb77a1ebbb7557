"""The status inputs of many subjects at once (Polars): years without a negative record and
green-channel eligibility, the vectorised twin of ``evaluate.full_years`` and
``evaluate.green_channel_eligible`` (a property test proves them equal).

``clean_years_frame`` takes, per subject, the day its clean period starts (``clean_since``: the day
after its last negative record or listing, else its registration) and whether it is listed on the
day, and returns the whole years clean and the eligibility.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from socredit.core.measures.evaluate import GreenChannelRule


def clean_years_frame(frame: pl.DataFrame, as_of: dt.date, rule: GreenChannelRule) -> pl.DataFrame:
    """``frame`` has ``clean_since`` (Date, null = unknown) and ``listed`` (bool); adds ``clean_years``
    (Int32, null when unknown) and ``green_channel`` (bool)."""
    since = pl.col("clean_since")
    # 29 February anniversaries fall on 28 February in other years (as full_years does)
    anniversary_day = (
        pl.when((since.dt.month() == 2) & (since.dt.day() == 29)).then(28).otherwise(since.dt.day())
    )
    before_anniversary = (pl.lit(as_of.month) < since.dt.month()) | (
        (pl.lit(as_of.month) == since.dt.month()) & (pl.lit(as_of.day) < anniversary_day)
    )
    years = (pl.lit(as_of.year) - since.dt.year() - before_anniversary.cast(pl.Int32)).clip(lower_bound=0)
    years = pl.when(since > pl.lit(as_of)).then(0).otherwise(years).cast(pl.Int32)
    out = frame.with_columns(clean_years=years)
    if not rule.enabled or rule.clean_years is None:
        return out.with_columns(green_channel=pl.lit(False))
    return out.with_columns(
        green_channel=(pl.col("clean_years") >= rule.clean_years).fill_null(False) & ~pl.col("listed")
    )
