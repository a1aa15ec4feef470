"""Customer lifetime value (CLV) from revenue per period and a retention curve, per segment.

CLV of a customer who starts now is the discounted revenue expected over the relationship,

    CLV = m * sum_{t=1..H} S(t) / (1 + d)^t,

with ``m`` the segment's revenue per customer-month, ``S(t)`` the chance to still be a customer
``t`` months after the start, ``d`` the monthly discount rate and ``H`` the horizon in months
(revenue of a month counts when the customer is still there at its end, as in Gupta & Lehmann 2003).

``S`` is the product-limit (Kaplan-Meier) estimate on the month grid, ``S(t) = prod_{k<t} (1 - h_k)``
with ``h_k`` = churners in tenure month ``k`` / customers at risk in it, counting **delayed entry**:
a customer who joined before the data starts (``observed_from``) is at risk only from the month the
data sees them, so the curve is not biased by the customers who left before the data began
(left truncation; statsmodels' ``SurvfuncRight(entry=)`` does the same on exact times). The month
grid is our own (a few lines of ``bincount``) rather than ``kaplan_meier``'s exact times because
revenue is per month and the bootstrap redraws the table thousands of times. Beyond the last month
with ``min_risk`` customers at risk, the hazard is held at its pooled value over the last 12
observed months (said in the ``note``).

The simple formula ``m * r / (1 + d - r)`` (constant monthly retention ``r`` = 1 - pooled hazard,
infinite horizon) is shown beside it: it assumes every month has the same churn chance, whatever
the tenure, and that customers stay for ever in expectation beyond any horizon.

Intervals: percentile bootstrap, resampling customers within each segment (weights from one
multinomial draw per resample, so no rows are copied).

Count tables
------------
Nothing above needs one row per customer: every sum is over customers with the same segment, start,
end and revenue, so a table with one row per such *cell* and a ``count`` column (how many customers
the row stands for) gives the same life table, the same revenue per customer-month and so the same
CLV. The bootstrap draws ``N`` customers of a segment over its cells with chances ``count / N``
(one multinomial draw), which is the distribution of the cells' totals when ``N`` customer rows are
resampled. The row's revenue is its customers' mean; the spread of revenue *within* a row enters
through ``revenue_sd`` (the row's standard deviation of revenue per month, ``ddof=0``): the ``k``
customers a resample draws from a row bring ``k`` times its mean plus a sum with variance
``k sd^2``, and the group's revenue per customer-month gets one normal draw with the variance of
those sums (months-weighted). Two moments, not the whole distribution, so a row's skewness is lost,
but across many rows the sum is close to normal. Without ``revenue_sd`` the interval leaves the
spread out (narrower than the rows' interval when revenue varies a lot within rows).

DuckDB relations, Parquet/CSV paths and PySpark frames are counted into such cells in their engine
(customers per group, start day and end day, with their revenue total and sum of squares; as
:mod:`.churn_rate` counts customers), and only the cells, with their ``revenue_sd``, come to pandas.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import narwhals as nw
import numpy as np
import pandas as pd

from .._checks import as_list, check_columns, check_level, check_min_n, to_timestamp
from .._dates import engine_utc, parse_text, utc_naive
from .._results import Result
from ..errors import DataError, ParameterError, format_rows
from .bootstrap import MIN_BOOT
from .engines import check_not_text, day_codes, day_dates, engine_name, no_rows_note, open_frame
from .suppression import suppress

__all__ = ["CLVResult", "clv", "clv_closed_form", "clv_cells", "life_table", "MONTH_DAYS", "CLV_COLUMNS"]

MONTH_DAYS = 365.25 / 12
TAIL_MONTHS = 12
CLV_COLUMNS = ["customers", "churned", "customer_months", "revenue_per_month", "retention_month",
               "lifetime_months", "clv", "ci_low", "ci_high", "clv_simple", "observed_months", "note"]


def monthly_rate(discount: float) -> float:
    """A yearly discount rate as a monthly one: ``(1 + d) ** (1 / 12) - 1``."""
    return (1.0 + discount) ** (1 / 12) - 1.0


def clv_closed_form(revenue: float, retention: float, discount_month: float, horizon: int | None) -> float:
    """``m * sum_{t=1..H} x^t`` with ``x = r / (1 + d)``; ``H=None``: ``m * r / (1 + d - r)``."""
    x = retention / (1.0 + discount_month)
    if horizon is None:
        return revenue * retention / (1.0 + discount_month - retention)
    return revenue * x * (1 - x ** horizon) / (1 - x)


def _months(entry: np.ndarray, exit_: np.ndarray, event: np.ndarray,
            cutoff: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """First and last tenure month each customer is seen at risk (last < first: not at all), and the events.

    A tenure month counts for a customer only when the data covers all of it, at both ends: from the first
    whole month after entering the data, up to the last whole month before the cut-off (``cutoff``: tenure
    at the cut-off, known for churners too). A churn in the month the cut-off cuts through is not counted:
    those who stay in that month are not seen through it either, and counting only the leavers would raise
    the hazard of every month by about half the share cut there (a few per cent on a 24-month window).
    """
    # Customers without dates (NaN, left out by the caller) get an empty stretch instead of a cast warning.
    first = np.ceil(np.maximum(np.nan_to_num(entry, nan=0.0), 0) - 1e-9).astype(int)
    month = np.floor(np.nan_to_num(exit_, nan=-1.0) + 1e-9).astype(int)
    whole = np.floor(np.nan_to_num(cutoff, nan=0.0) + 1e-9).astype(int) - 1  # last month ending before the cut-off
    counted = event & (month <= whole)
    return first, np.where(counted, month, np.minimum(month, whole + 1) - 1), counted


def life_table(first: np.ndarray, last: np.ndarray, event: np.ndarray, weights: np.ndarray | None = None,
               size: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Customers at risk and churners per tenure month (weighted counts), from :func:`_months`."""
    ok = last >= first
    w = np.ones(len(first)) if weights is None else np.asarray(weights, float)
    size = size or (int(last[ok].max()) + 2 if ok.any() else 1)
    f, la, e, ww = first[ok], np.minimum(last[ok], size - 1), event[ok], w[ok]
    diff = np.bincount(f, ww, size + 1) - np.bincount(la + 1, ww, size + 1)
    at_risk = np.cumsum(diff)[:size]
    events = np.bincount(la[e], ww[e], size)
    return at_risk, events


def observed_months(at_risk: np.ndarray, min_risk: float) -> int:
    """Tenure months from 0 on with at least ``min_risk`` customers at risk (estimated, not extrapolated)."""
    low = np.flatnonzero(at_risk < min_risk)
    return int(low[0]) if len(low) else len(at_risk)


def _curve_value(at_risk: np.ndarray, events: np.ndarray, revenue: float, v: float, horizon: int,
                 k_obs: int) -> tuple[float, float]:
    """(CLV, expected months within the horizon) from one life table, estimated over ``k_obs`` months."""
    h = np.zeros(horizon)
    m = min(k_obs, horizon)
    h[:m] = events[:m] / at_risk[:m]
    if k_obs < horizon:
        tail = slice(max(0, k_obs - TAIL_MONTHS), k_obs)
        risk = at_risk[tail].sum()
        h[k_obs:] = events[tail].sum() / risk if risk > 0 else np.nan
    surv = np.cumprod(1 - h)  # S(1..H)
    disc = v ** np.arange(1, horizon + 1)
    return float(revenue * np.sum(surv * disc)), float(surv.sum())


@dataclass(repr=False)
class CLVResult(Result):
    """CLV per group: ``summary()`` has one row per group (columns :data:`CLV_COLUMNS`)."""

    table: pd.DataFrame
    by: list[str]
    discount: float
    horizon: int
    level: float
    notes: tuple[str, ...] = field(default_factory=tuple)
    #: group key (tuple of ``by`` values) -> the bootstrap CLVs (for differences between groups).
    draws: dict = field(default_factory=dict)
    #: group key -> the pooled monthly retention of the same resamples (value at risk pairs the two).
    retention_draws: dict = field(default_factory=dict)
    title = "Customer lifetime value"

    def summary(self) -> pd.DataFrame:
        return self.table

    def headline(self) -> str:
        t = self.table.dropna(subset=["clv"])
        if t.empty:
            return "No group has enough customers for a lifetime value."
        pct = f"{self.level:.0%}"
        parts = []
        for _, r in t.head(4).iterrows():
            name = " / ".join(str(r[b]) for b in self.by) if self.by else "all customers"
            parts.append(f"{name} {r['clv']:,.0f} ({pct} CI {r['ci_low']:,.0f} to {r['ci_high']:,.0f})")
        return (f"Lifetime value over {self.horizon} months at {self.discount:.0%} a year: " + "; ".join(parts)
                + ".")


def _policy_dates(col: pd.Series) -> pd.Series:
    """Dates under cxkit's date policy (tz-aware in UTC, naive as given), as the engines count them;
    what is not a date becomes missing (the customer is left out and counted in the notes)."""
    return utc_naive(col) if pd.api.types.is_datetime64_any_dtype(col) else parse_text(col)


def _prepare(customers: pd.DataFrame, start: str, end: str, as_of, observed_from, counts: np.ndarray):
    check_columns(customers, [start, end], argument="start/end", source="customers")
    s, e = _policy_dates(customers[start]), _policy_dates(customers[end])
    bad = s.isna()
    if bad.all():
        raise DataError(f"customers: column {start!r} has no dates; CLV needs each customer's start date.")
    notes = []
    if as_of is None:
        as_of = max(s.max(), e.max() if e.notna().any() else s.max())
        notes.append(f"cut-off: the latest date in the customers table ({as_of.date()})")
    else:
        as_of = to_timestamp(as_of, "as_of")
    if observed_from is None:
        # The first churn in the table: customers who left before it cannot be in the table, so only
        # months from then on are counted for customers who joined earlier (no bias either way).
        observed_from = e.min() if e.notna().any() else s.min()
        notes.append(f"months counted from {observed_from.date()} (the first churn in the table) for customers "
                     "who joined earlier")
    else:
        observed_from = to_timestamp(observed_from, "observed_from")
    event = (e.notna() & (e <= as_of)).to_numpy()
    stop = e.where(event, as_of)
    later = (s > as_of).to_numpy()
    entry = ((observed_from - s).dt.days / MONTH_DAYS).to_numpy(float)
    exit_ = ((stop - s).dt.days / MONTH_DAYS).to_numpy(float)
    cutoff = ((as_of - s).dt.days / MONTH_DAYS).to_numpy(float)
    keep = ~(bad.to_numpy() | later | np.isnan(exit_) | (exit_ < 0))
    if (~keep).any():
        notes.append(f"{counts[~keep].sum():,.0f} customer(s) left out: no start date, started after the "
                     "cut-off, or ended before they started")
    return entry, exit_, event, cutoff, keep, notes


def _counts(customers: pd.DataFrame, count: str | None, source: str) -> np.ndarray:
    """Customers per row: 1 each, or the ``count`` column of a count table (whole numbers >= 0)."""
    if count is None:
        return np.ones(len(customers))
    c = pd.to_numeric(customers[count], errors="coerce").to_numpy(float)
    # Whole customers: the bootstrap draws customers, and a fractional count has no customer behind it.
    bad = ~np.isfinite(c) | (c < 0) | (c != np.round(c))
    if bad.any():
        # The loader's row numbers when it left them (``_row``), else positions in the table.
        rows = customers["_row"].to_numpy()[bad] if "_row" in customers.columns else np.flatnonzero(bad) + 1
        raise DataError(f"{source}, column {count!r}: counts of customers must be whole numbers >= 0; "
                        f"found {_shown(customers[count][bad])} in {format_rows(rows)}.")
    return c


def _months_seen(first: np.ndarray, last: np.ndarray) -> np.ndarray:
    """Months each customer (row) is seen at risk, from :func:`_months`."""
    return np.maximum(last - first + 1, 0).astype(float)


def _spread(customers: pd.DataFrame, revenue_sd: str | None, rev: np.ndarray, source: str) -> np.ndarray:
    """The ``revenue_sd`` column of a count table (numbers >= 0 where there is revenue; 0 without one)."""
    if revenue_sd is None:
        return np.zeros(len(customers))
    sd = pd.to_numeric(customers[revenue_sd], errors="coerce").to_numpy(float)
    bad = (~np.isfinite(sd) | (sd < 0)) & ~np.isnan(rev)
    if bad.any():
        rows = customers["_row"].to_numpy()[bad] if "_row" in customers.columns else np.flatnonzero(bad) + 1
        raise DataError(f"{source}, column {revenue_sd!r}: standard deviations of revenue must be numbers >= 0; "
                        f"found {_shown(customers[revenue_sd][bad])} in {format_rows(rows)}.")
    return np.where(np.isnan(rev), 0.0, sd)


def _shown(values: pd.Series, limit: int = 3) -> str:
    shown = ", ".join(repr(v) for v in values.head(limit).tolist())
    return shown + (f" (and {len(values) - limit} more)" if len(values) > limit else "")


_NO_END = 99_999_999  # end-day code of customers who have not left (as in .churn_rate)


def clv_cells(data: object, by: str | Sequence[str] | None = None, revenue: str = "value", *,
              start: str = "start_date", end: str = "end_date", count: str | None = None,
              revenue_sd: str | None = None, source: str = "customers") -> tuple[pd.DataFrame, str]:
    """Count customers into CLV cells in the data's engine: one row per group, start day, end day.

    Parameters
    ----------
    data : DataFrame, DuckDB relation, PySpark DataFrame or path to a Parquet/CSV file
        One row per customer (or a count table with ``count``), as :func:`clv` takes it.
    by, revenue, start, end, count, revenue_sd : see :func:`clv`.

    Returns
    -------
    (DataFrame, str)
        The cells, columns ``*by, start, end, revenue, revenue_sd, count``: ``start`` / ``end``
        are the days (``end`` missing while still a customer, under cxkit's date policy),
        ``revenue`` the cell's mean revenue per customer-month (missing for the customers without
        revenue, who get cells of their own), ``revenue_sd`` (named ``"<revenue>_sd"`` when not
        given) its standard deviation within the cell (``ddof=0``) and ``count`` the customers
        (named ``"customers"`` when ``count`` is None); and the engine's name. :func:`clv` with
        ``count=`` and ``revenue_sd=`` on these cells gives the CLV of the rows, identically.
    """
    by_cols = as_list(by)
    frame = open_frame(data, source)
    engine = engine_name(frame)
    needed = list(dict.fromkeys([*by_cols, start, end, revenue] + [c for c in (count, revenue_sd) if c]))
    check_columns(frame, needed, argument="start/end/revenue/by/count/revenue_sd", source=source)
    schema = frame.collect_schema()
    for col, what in ((start, "a date or timestamp column"), (end, "a date or timestamp column"),
                      (revenue, "numbers"), (count, "numbers"), (revenue_sd, "numbers")):
        if col:
            check_not_text(schema, col, what, engine, source)
    frame = engine_utc(frame.select(*needed), [start, end])
    n = nw.col(count).cast(nw.Float64) if count else nw.lit(1.0, nw.Float64)
    rev = nw.col(revenue).cast(nw.Float64)
    # Sum of squares per customer: a row of a count table adds n (sd^2 + mean^2).
    sq = rev * rev + (nw.col(revenue_sd).cast(nw.Float64) ** 2 if revenue_sd else nw.lit(0.0, nw.Float64))
    frame = frame.select(*by_cols, day_codes(start).fill_null(-1).alias("__sd"),
                         day_codes(end).fill_null(_NO_END).alias("__ed"), rev.is_null().alias("__norev"),
                         n.alias("__n"), (rev * n).alias("__r"), (sq * n).alias("__r2"))
    # Simple per-column aggregations only, as in engines.count_rows: narwhals runs them on every engine.
    aggs = [nw.col("__n").sum().alias("__n"), nw.col("__r").sum().alias("__r"), nw.col("__r2").sum().alias("__r2"),
            nw.col("__n").min().alias("__nmin"), nw.col("__n").is_null().cast(nw.Int64).sum().alias("__nnull")]
    try:
        # Sorted on the (unique) keys in the engine: engines return groups in any order (DuckDB's threads),
        # and sorted cells make a seeded bootstrap repeat exactly on every engine (pandas' sort of 2M cells on
        # text keys took 3 s of the 10M-customer benchmark, the engine's well under one).
        keys = [*by_cols, "__sd", "__ed", "__norev"]
        out = (frame.group_by(*keys, drop_null_keys=False).agg(*aggs).sort(*keys, nulls_last=True)
               .collect().to_pandas())
    except (TypeError, AttributeError, KeyError, NotImplementedError):
        raise
    except Exception as exc:  # engine-specific errors (duckdb.Error, AnalysisException, ...)
        raise DataError(f"{source}: {engine} could not count customers by {[*by_cols, start, end]}: "
                        f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}") from None
    if count:
        nmin = pd.to_numeric(out["__nmin"])
        c = pd.to_numeric(out["__n"])
        if (pd.to_numeric(out["__nnull"]) > 0).any() or (nmin < 0).any() or (c != c.round()).any():
            raise DataError(f"{source}, column {count!r}: counts of customers must be whole numbers >= 0; found "
                            f"{int(pd.to_numeric(out['__nnull']).sum())} missing, smallest {nmin.min()}. "
                            f"{no_rows_note(engine)}")
    sd, ed = out["__sd"].to_numpy("int64"), out["__ed"].to_numpy("int64")
    s_days = pd.Series(pd.NaT, index=out.index, dtype="datetime64[ns]")
    e_days = s_days.copy()
    ok_s, ok_e = sd >= 0, ed != _NO_END
    s_days[ok_s] = day_dates(sd[ok_s])
    e_days[ok_e] = day_dates(ed[ok_e])
    n_out = pd.to_numeric(out["__n"]).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_rev = np.where(out["__norev"].astype(bool) | (n_out == 0), np.nan,
                            pd.to_numeric(out["__r"]).astype(float) / n_out)
        # E[r^2] - E[r]^2, floored at 0 (rounding); a row of a count table without an sd adds none.
        sd_rev = np.sqrt(np.maximum(pd.to_numeric(out["__r2"]).astype(float) / n_out - mean_rev ** 2, 0.0))
    name = count or "customers"
    sd_name = revenue_sd or f"{revenue}_sd"
    cells = pd.DataFrame({**{b: out[b] for b in by_cols}, start: s_days.to_numpy(), end: e_days.to_numpy(),
                          revenue: mean_rev, sd_name: sd_rev, name: n_out.to_numpy()})
    return cells, engine


def clv(customers: object, by: str | Sequence[str] | None = None, revenue: str = "value", *,
        start: str = "start_date", end: str = "end_date", as_of: object = None, observed_from: object = None,
        discount: float = 0.10, horizon: int = 60, margin: float = 1.0, level: float = 0.95,
        n_boot: int = 1000, seed: int = 20261127, min_n: int = 30, min_risk: int = 30,
        count: str | None = None, revenue_sd: str | None = None) -> CLVResult:
    """Customer lifetime value per group from revenue per month and the retention curve.

    Parameters
    ----------
    customers : DataFrame, DuckDB relation, PySpark DataFrame or path to a Parquet/CSV file
        One row per customer with ``start``, ``end`` (empty while still a customer) and ``revenue``
        (revenue per month); or a count table, one row per group of like customers, with ``count``.
        Other than pandas, the table is counted into cells in its engine (:func:`clv_cells`,
        by calendar day) and only the cells are read.
    by : str or list of str, optional
        Segment column(s); one row per combination. None: all customers.
    revenue : str
        Column with each customer's revenue per month (the sample's ``value``).
    as_of : date, optional
        Data cut-off: later ends are not yet churn. Default: the latest date in the table (noted).
    observed_from : date, optional
        First date the table covers: customers who joined before it count from it on (delayed entry).
        Default: the first churn date in the table (noted).
    discount : float
        Yearly discount rate (0.10: 10 % a year), applied monthly as ``(1 + d) ** (1/12) - 1``.
    horizon : int
        Months of future revenue counted (the cap).
    margin : float
        Share of revenue that is margin (1.0: CLV in revenue).
    level, n_boot, seed : float, int, int
        Percentile bootstrap interval: its level, number of resamples (0: no interval) and seed.
    min_n : int
        Groups with fewer customers are suppressed.
    min_risk : int
        Tenure months with fewer customers at risk are not estimated; the hazard is extrapolated.
    count : str, optional
        Column with the number of customers each row stands for (a count table: customers with the
        same group, start, end and revenue per month; ``revenue`` is per customer, the row's mean).
        Gives the CLV of the rows the table counts.
    revenue_sd : str, optional
        With ``count``: column with the standard deviation (``ddof=0``) of revenue per month among
        each row's customers, so the interval includes that spread (see the module notes); without
        it, the interval leaves it out. Counted from an engine, it is computed there.

    Returns
    -------
    CLVResult
        ``summary()``: the ``by`` columns, then :data:`CLV_COLUMNS`: ``clv`` with ``ci_low`` /
        ``ci_high``, ``clv_simple`` (``m r / (1 + d - r)``), ``retention_month`` (1 - pooled monthly
        hazard), ``lifetime_months`` (expected months within the horizon), ``observed_months`` (tenure
        months estimated from data rather than extrapolated).
    """
    by_cols = as_list(by)
    level = check_level(level)
    min_n = check_min_n(min_n)
    if not isinstance(horizon, int | np.integer) or isinstance(horizon, bool) or horizon < 1:
        raise ParameterError(f"`horizon` must be a whole number of months >= 1; got {horizon!r}.")
    if not isinstance(discount, int | float) or isinstance(discount, bool) or not 0 <= discount < 1:
        raise ParameterError(f"`discount` must be a yearly rate in [0, 1), e.g. 0.10; got {discount!r}.")
    if not isinstance(margin, int | float) or isinstance(margin, bool) or not 0 < margin <= 1:
        raise ParameterError(f"`margin` must be a share of revenue in (0, 1]; got {margin!r}.")
    if not isinstance(n_boot, int | np.integer) or (n_boot != 0 and n_boot < MIN_BOOT):
        raise ParameterError(f"`n_boot` must be 0 (no interval) or at least {MIN_BOOT}; got {n_boot!r}.")
    counted = []
    if not isinstance(customers, pd.DataFrame):
        customers, engine = clv_cells(customers, by_cols, revenue, start=start, end=end, count=count,
                                      revenue_sd=revenue_sd)
        count, revenue_sd = count or "customers", revenue_sd or f"{revenue}_sd"
        counted = [f"counted in {engine}: {len(customers):,} cells of customers by group, start day and end day"]
    if revenue_sd is not None and count is None:
        raise ParameterError("`revenue_sd` is the spread of revenue within a row of a count table: give `count` "
                             f"too (or leave `revenue_sd` out for one row per customer); got revenue_sd={revenue_sd!r}.")
    check_columns(customers, [revenue, *by_cols] + [c for c in (count, revenue_sd) if c],
                  argument="revenue/by/count/revenue_sd", source="customers")
    cnt = _counts(customers, count, "customers")
    entry, exit_, churned, cutoff, keep, notes = _prepare(customers, start, end, as_of, observed_from, cnt)
    notes = counted + notes
    rev = pd.to_numeric(customers[revenue], errors="coerce").to_numpy(float)
    spread = _spread(customers, revenue_sd, rev, "customers") * margin
    if np.isnan(rev[keep]).any():
        n_miss = cnt[keep & np.isnan(rev)].sum()
        notes.append(f"{n_miss:,.0f} customer(s) without {revenue} left out")
        keep &= ~np.isnan(rev)
    first, last, event = _months(entry, exit_, churned, cutoff)
    dm = monthly_rate(float(discount))
    v = 1 / (1 + dm)
    rng = np.random.default_rng(seed)
    a = (1 - level) / 2
    kept = np.flatnonzero(keep)
    if by_cols:
        # Positions per group straight from groupby (no per-row Python tuples: 10M customers stay fast).
        labels = pd.DataFrame({b: customers[b].to_numpy()[kept].astype(str) for b in by_cols})
        groups = {(k if isinstance(k, tuple) else (k,)): kept[v]
                  for k, v in sorted(labels.groupby(by_cols, sort=True).indices.items())}
    else:
        groups = {(): kept}
    rows, extrapolated, draws, ret_draws = [], False, {}, {}
    for key, i in groups.items():
        f, la, ev, r, c = first[i], last[i], event[i], rev[i] * margin, cnt[i]
        # Variance of a drawn customer's revenue x months, per row (0 for customer rows).
        var_rm = (spread[i] * _months_seen(f, la)) ** 2 if revenue_sd else None
        size = max(int(la.max()) + 2 if len(la) else 1, 1)
        months_seen = _months_seen(f, la)
        n_cust = int(c.sum())
        row = dict(zip(by_cols, key, strict=True))
        row.update(customers=n_cust, churned=int(c @ churned[i]), customer_months=float(months_seen @ c))
        if months_seen @ c == 0:
            rows.append({**row, "note": "no customer-month observed"})
            continue
        m = float((r * months_seen) @ c / (months_seen @ c))
        at_risk, events = life_table(f, la, ev, None if count is None else c, size=size)
        # The estimated stretch is fixed from the data, so every resample extrapolates from the same months.
        k_obs = observed_months(at_risk, min_risk)
        value, life = _curve_value(at_risk, events, m, v, horizon, k_obs)
        ret = 1 - events.sum() / at_risk.sum()
        row.update(revenue_per_month=m, retention_month=ret, lifetime_months=life, clv=value,
                   clv_simple=clv_closed_form(m, ret, dm, None), observed_months=min(k_obs, horizon),
                   ci_low=np.nan, ci_high=np.nan, note="")
        if k_obs < horizon:
            extrapolated = True
            row["note"] = f"months {k_obs}..{horizon} extrapolated at the hazard of the last 12 observed"
        if n_boot and n_cust >= max(min_n, 2):
            boots, rets = np.empty(n_boot), np.empty(n_boot)
            # N customers drawn over the rows in proportion to the customers each holds (1 per customer row).
            p_each = np.full(len(i), 1 / len(i)) if count is None else c / n_cust
            for b in range(n_boot):
                w = rng.multinomial(n_cust, p_each).astype(float)  # one resample at a time: memory stays O(n)
                ms = months_seen @ w
                mb = (r * months_seen) @ w / ms if ms > 0 else np.nan
                if var_rm is not None:  # the drawn customers' revenue within their rows (module notes)
                    mb += np.sqrt(var_rm @ w) * rng.standard_normal() / ms if ms > 0 else np.nan
                ar, evb = life_table(f, la, ev, w, size=size)
                with np.errstate(invalid="ignore", divide="ignore"):
                    boots[b] = _curve_value(ar, evb, mb, v, horizon, k_obs)[0]
                    rets[b] = 1 - evb.sum() / ar.sum()
            row.update(ci_low=float(np.nanquantile(boots, a)), ci_high=float(np.nanquantile(boots, 1 - a)))
            draws[tuple(key)] = boots
            ret_draws[tuple(key)] = rets
        rows.append(row)
    table = pd.DataFrame(rows).reindex(columns=by_cols + CLV_COLUMNS)
    table["note"] = table["note"].fillna("")
    table = suppress(table, size_col="customers",
                     value_cols=["customer_months", "revenue_per_month", "retention_month", "lifetime_months", "clv",
                                 "ci_low", "ci_high", "clv_simple"], min_n=min_n, unit="customers")
    notes = [*notes,
             f"CLV: revenue per customer-month x the Kaplan-Meier retention curve (tenure months, delayed entry), "
             f"discounted at {discount:.0%} a year, over {horizon} months"
             + (f", x margin {margin:g}" if margin != 1 else ""),
             "clv_simple: m r / (1 + d - r), constant monthly retention r and no horizon (for comparison)"]
    if extrapolated:
        notes.append("beyond the observed tenure the monthly hazard is held at its level over the last 12 observed "
                     "months")
    if n_boot:
        notes.append(f"{level:.0%} percentile bootstrap intervals ({n_boot} resamples of customers, seed {seed})")
    return CLVResult(table=table, by=by_cols, discount=float(discount), horizon=int(horizon), level=level,
                     notes=tuple(notes), draws=draws, retention_draws=ret_draws)
