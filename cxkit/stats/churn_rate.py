"""Churn rate per period from customers' start and end dates, counted in the engine.

A customer is *active at* time t when ``start < t`` and (``end`` is missing or
``end > t``): ``end`` is the first day no longer a customer, so a customer whose
end date is the first day of a period left in the period before. Every count the churn table needs (active at a period's start,
left during it, joined, active at its end) depends only on the *periods* the
start and end dates fall in, because periods begin at midnight. So the engine
counts customers per group, start day and end day (a few thousand cells, see
:mod:`cxkit.engines`) and the rates follow from histograms of those cells, for
pandas frames, DuckDB relations, Parquet/CSV files and PySpark alike.
Dates follow cxkit's date policy (:mod:`cxkit._dates`): time-zone-aware
timestamps are converted to UTC before their day is taken, naive ones are taken
as given.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .._checks import FREQS, as_list, check_choice, check_columns, check_level, check_min_n, to_timestamp
from .._dates import engine_utc, to_dates
from ..errors import DataError, ParameterError, format_rows
from .engines import check_not_text, count_rows, day_codes, day_dates, engine_name, no_rows_note, open_frame
from .intervals import wilson
from .metrics import DEFAULT_MIN_N
from .suppression import suppress

__all__ = ["churn_rate", "churn_share"]

_NO_END = 99_999_999  # end-day code of customers who have not left (sorts after every date)


def _pandas_cells(customers: pd.DataFrame, start: str, end: str, by: list[str], source: str) -> pd.DataFrame:
    """Check a pandas table naming rows, then count it like any engine's table."""
    check_columns(customers, [start, end, *by], argument="start/end/by", source=source)
    if len(customers) == 0:
        raise DataError(f"{source}: no customers; expected at least one row with a start date.")
    rows = customers["_row"].to_numpy() if "_row" in customers.columns else np.arange(1, len(customers) + 1)
    s = to_dates(customers[start], start, source, rows)
    e = to_dates(customers[end], end, source, rows)
    before = ((e < s) & e.notna()).to_numpy()
    if before.any():
        raise DataError(f"{source}: {format_rows(rows[before])} end "
                        f"({end!r}) before they start ({start!r}); expected {end} >= {start}.")
    if s.isna().any():
        raise DataError(f"{source}, column {start!r}: missing start dates in "
                        f"{format_rows(rows[s.isna().to_numpy()])}; expected a date for every customer.")
    parsed = pd.DataFrame({**{b: customers[b] for b in by}, start: s, end: e}, copy=False)
    return _cells(parsed, start, end, by, source, check=False)


def _cells(customers: object, start: str, end: str, by: list[str], source: str, check: bool = True) -> pd.DataFrame:
    """Count customers per group, start day and end day in their engine; problems are reported by count."""
    frame = open_frame(customers, source)
    engine = engine_name(frame)
    if check:
        check_columns(frame, [start, end, *by], argument="start/end/by", source=source)
    schema = frame.collect_schema()
    for col in (start, end):
        check_not_text(schema, col, "a date or timestamp column", engine, source)
    frame = engine_utc(frame.select(*dict.fromkeys([*by, start, end])), [start, end])
    frame = frame.select(*by, day_codes(start).fill_null(-1).alias("_sd"),
                         day_codes(end).fill_null(_NO_END).alias("_ed"))
    cells, _ = count_rows(frame, [*by, "_sd", "_ed"], source=source, check=False)
    sd, ed = cells["_sd"].to_numpy("int64"), cells["_ed"].to_numpy("int64")
    problems = []
    if (sd < 0).any():
        problems.append(f"{int(cells['n'][sd < 0].sum())} customer(s) without a start date in {start!r}; "
                        "expected a date for every customer")
    if ((ed < sd) & (sd >= 0)).any():
        problems.append(f"{int(cells['n'][(ed < sd) & (sd >= 0)].sum())} customer(s) end ({end!r}) before "
                        f"they start ({start!r}); expected {end} >= {start}")
    if problems:
        raise DataError(f"{source}: " + "; ".join(problems) + f". {no_rows_note(engine)}")
    return cells


def churn_rate(customers: object, start: str = "start_date", end: str = "end_date",
               by: str | Sequence[str] | None = None, *, freq: str = "M",
               period_start: str | pd.Timestamp | None = None,
               period_end: str | pd.Timestamp | None = None, level: float = 0.95,
               min_n: int = DEFAULT_MIN_N, source: str = "customers") -> pd.DataFrame:
    """Churn rate per period: customers active at the period's start who left during it.

    A customer is *active at* time t when ``start < t`` and (``end`` is missing or
    ``end > t``); ``end`` is the first day they are no longer a customer, so they
    left in the period holding their last day, ``end - 1 day``: an end date on
    the 1st of a month is a leaver of the month before, not active at that
    month's start.

    The "simple" figure used in many articles, (active at start - active at
    end) / active at start, nets new customers against leavers: with growth it
    understates churn and can turn negative. It is reported beside the correct
    rate for comparison only.

    Parameters
    ----------
    customers : DataFrame, DuckDB relation, PySpark DataFrame or path to a Parquet/CSV file
        One row per customer with start and (possibly missing) end dates. The
        customers are counted where the data lives (per group, start day and end
        day); pandas inputs are checked first so errors name rows.
    by : str or list of str, optional
        Customer attributes (segment...). Rates are per group and period.
    freq : {"D", "W", "M", "Q", "Y"}
    period_start, period_end : date, optional
        First and last period to report; default: the span of the data.

    Returns
    -------
    DataFrame with the group columns and
        period : period label (e.g. ``2025-03``)
        at_start : customers active at the period start (the denominator)
        churned : of those, customers whose last day (``end - 1 day``) falls in the period
        churn_rate, ci_low, ci_high : churned / at_start in % with Wilson interval
        joined : customers who started during the period
        at_end : customers active at the period end
        simple_rate : (at_start - at_end) / at_start in % (nets out new customers)
        complete : False when the period ends after ``period_end`` (or the data)
        note, suppressed, suppressed_reason, suppressed_min_n, suppressed_unit : periods with fewer
            than ``min_n`` customers at the start are blanked (unit ``customers``)
    """
    by = as_list(by)
    level = check_level(level)
    min_n = check_min_n(min_n)
    check_choice("freq", freq, FREQS)
    if isinstance(customers, pd.DataFrame):
        cells = _pandas_cells(customers, start, end, by, source)
    else:
        cells = _cells(customers, start, end, by, source)
    if cells.empty:
        raise DataError(f"{source}: no customers; expected at least one row with a start date.")
    sd, ed = cells["_sd"].to_numpy("int64"), cells["_ed"].to_numpy("int64")
    left = ed != _NO_END
    s_day = day_dates(sd)
    last_day = max(s_day.max(), day_dates(ed[left]).max()) if left.any() else s_day.max()
    lo_date = to_timestamp(period_start, "period_start") if period_start is not None else s_day.min()
    hi_date = to_timestamp(period_end, "period_end") if period_end is not None else last_day
    periods = pd.period_range(lo_date, hi_date, freq=freq)
    if len(periods) == 0:
        raise ParameterError(f"`period_start` ({lo_date.date()}) is after `period_end` ({hi_date.date()}).")

    # Period of each cell's start and end as a bin: 0 = before the first period,
    # 1..P = the periods, P + 1 = after the last one (or not left).
    first, n_per = periods[0].ordinal, len(periods)

    def bins(days: pd.DatetimeIndex) -> np.ndarray:
        return np.clip(days.to_period(freq).asi8 - first + 1, 0, n_per + 1)

    sb = bins(s_day)
    eb = np.full(len(cells), n_per + 1)
    if left.any():
        # The period of the last day as a customer; an end on the start day (never a customer a whole
        # day) stays in the start's period, so it joins and leaves there.
        eb[left] = np.maximum(bins(day_dates(ed[left]) - pd.Timedelta(days=1)), sb[left])
    if by:
        groups = cells.groupby(by, sort=True, observed=True)
        g = groups.ngroup().to_numpy()
        keys = groups.size().index.to_frame(index=False)
    else:
        g, keys = np.zeros(len(cells), dtype=np.int64), pd.DataFrame(index=[0])
    n = cells["n"].to_numpy("int64")  # count_rows dropped customers with a missing group value

    def hist(b: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
        out = np.zeros((len(keys), n_per + 2), dtype=np.int64)
        m = np.ones(len(n), dtype=bool) if mask is None else mask
        np.add.at(out, (g[m], b[m]), n[m])
        return out

    starts, ends, same = hist(sb), hist(eb), hist(eb, sb == eb)  # end >= start, so eb >= sb
    cs, ce = starts.cumsum(axis=1), ends.cumsum(axis=1)
    k = np.arange(1, n_per + 1)
    # for period bin k: started before (bins < k) minus ended before (bins < k)
    at_start = cs[:, k - 1] - ce[:, k - 1]
    churned = ends[:, k] - same[:, k]  # ended in k, having started before k
    joined = starts[:, k]
    at_end = cs[:, k] - ce[:, k]

    out = keys.loc[keys.index.repeat(n_per)].reset_index(drop=True) if by else pd.DataFrame(index=range(n_per))
    out["period"] = np.tile(periods.astype(str), len(keys))
    out["at_start"] = at_start.ravel()
    out["churned"] = churned.ravel()
    out["joined"] = joined.ravel()
    out["at_end"] = at_end.ravel()
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = out["churned"] / out["at_start"]
        simple = ((out["at_start"] - out["at_end"]) / out["at_start"]).where(out["at_start"] > 0)
    lo, hi = wilson(out["churned"], out["at_start"], level)
    out.insert(len(by) + 3, "churn_rate", 100 * rate)
    out.insert(len(by) + 4, "ci_low", 100 * lo)
    out.insert(len(by) + 5, "ci_high", 100 * hi)
    out["simple_rate"] = 100 * simple
    # A period that ends after the data does is only partly observed: its rate is too low.
    data_end = last_day if period_end is None else hi_date
    ends_at = np.tile([(p + 1).start_time for p in periods], len(keys))
    out["complete"] = ends_at <= data_end + pd.Timedelta(days=1)
    note = np.where(out["at_start"] == 0, "no customers active at the period start", "")
    note = np.where((out["at_start"] > 0) & (out["churned"] == 0), "no churn in the period", note)
    note = np.where(~out["complete"], "period not fully observed: rate understated", note)
    out["note"] = note
    return suppress(out, size_col="at_start", value_cols=["churn_rate", "ci_low", "ci_high", "simple_rate"],
                    min_n=min_n, unit="customers")


def churn_share(customers: pd.DataFrame, by: str | Sequence[str] | None = None, *, churned: str = "churned",
                level: float = 0.95, min_n: int = DEFAULT_MIN_N) -> pd.DataFrame:
    """Share of customers flagged as churned, with a Wilson interval (for data with a flag but no dates).

    Without start and end dates no churn *rate per period* exists (see :func:`churn_rate`); this is
    the share of the customer table flagged ``churned`` (e.g. one quarter's churn in IBM's Telco sample).

    Returns
    -------
    DataFrame with the group columns and
        n : customers
        churned : of those, flagged as churned
        churn_pct, ci_low, ci_high : churned / n in % with Wilson interval
        note, suppressed, suppressed_reason, suppressed_min_n, suppressed_unit : groups with fewer than
            ``min_n`` customers are blanked (unit ``customers``)
    """
    by = as_list(by)
    check_columns(customers, [churned, *by], argument="churned/by", source="customers")
    level = check_level(level)
    flag = customers[churned].astype(bool)
    d = customers[by].assign(_churned=flag) if by else pd.DataFrame({"_churned": flag})
    g = d.groupby(by, observed=True, dropna=True)["_churned"] if by else d.groupby(lambda _: 0)["_churned"]
    t = g.agg(n="size", churned="sum").reset_index()
    if not by:
        t = t.drop(columns=t.columns[0])
    t["churn_pct"] = 100 * t["churned"] / t["n"]
    lo, hi = wilson(t["churned"], t["n"], level)
    t["ci_low"], t["ci_high"] = 100 * lo, 100 * hi
    t["note"] = ""
    return suppress(t, size_col="n", value_cols=["churn_pct", "ci_low", "ci_high"], min_n=min_n, unit="customers")
