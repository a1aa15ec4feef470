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
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._checks import as_list, check_columns, check_level, check_min_n, to_timestamp
from .._results import Result
from ..errors import DataError, ParameterError
from .bootstrap import MIN_BOOT
from .suppression import suppress

__all__ = ["CLVResult", "clv", "clv_closed_form", "life_table", "MONTH_DAYS", "CLV_COLUMNS"]

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


def _months(entry: np.ndarray, exit_: np.ndarray, event: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First and last whole tenure month each customer is seen at risk (last < first: not at all)."""
    first = np.ceil(np.maximum(entry, 0) - 1e-9).astype(int)
    last = np.floor(exit_ + 1e-9).astype(int)
    # A censored customer is counted only for the months they completed; a churner up to the month they left.
    last = np.where(event, last, last - 1)
    return first, last


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


def _prepare(customers: pd.DataFrame, start: str, end: str, as_of, observed_from):
    check_columns(customers, [start, end], argument="start/end", source="customers")
    s = pd.to_datetime(customers[start], errors="coerce")
    e = pd.to_datetime(customers[end], errors="coerce")
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
    keep = ~(bad.to_numpy() | later | np.isnan(exit_) | (exit_ < 0))
    if (~keep).any():
        notes.append(f"{int((~keep).sum())} customer(s) left out: no start date, started after the cut-off, "
                     "or ended before they started")
    return entry, exit_, event, keep, notes


def clv(customers: pd.DataFrame, by: str | Sequence[str] | None = None, revenue: str = "value", *,
        start: str = "start_date", end: str = "end_date", as_of: object = None, observed_from: object = None,
        discount: float = 0.10, horizon: int = 60, margin: float = 1.0, level: float = 0.95,
        n_boot: int = 1000, seed: int = 20261127, min_n: int = 30, min_risk: int = 30) -> CLVResult:
    """Customer lifetime value per group from revenue per month and the retention curve.

    Parameters
    ----------
    customers : DataFrame
        One row per customer with ``start``, ``end`` (empty while still a customer) and ``revenue``
        (revenue per month).
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
    check_columns(customers, [revenue, *by_cols], argument="revenue/by", source="customers")
    entry, exit_, event, keep, notes = _prepare(customers, start, end, as_of, observed_from)
    rev = pd.to_numeric(customers[revenue], errors="coerce").to_numpy(float)
    if np.isnan(rev[keep]).any():
        n_miss = int(np.isnan(rev[keep]).sum())
        notes.append(f"{n_miss} customer(s) without {revenue} left out")
        keep &= ~np.isnan(rev)
    first, last = _months(entry, exit_, event)
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
        f, la, ev, r = first[i], last[i], event[i], rev[i] * margin
        size = max(int(la.max()) + 2 if len(la) else 1, 1)
        months_seen = np.maximum(la - f + 1, 0).astype(float)
        row = dict(zip(by_cols, key, strict=True))
        row.update(customers=len(i), churned=int(ev.sum()), customer_months=float(months_seen.sum()))
        if months_seen.sum() == 0:
            rows.append({**row, "note": "no customer-month observed"})
            continue
        m = float(np.sum(r * months_seen) / months_seen.sum())
        at_risk, events = life_table(f, la, ev, size=size)
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
        if n_boot and len(i) >= max(min_n, 2):
            boots, rets = np.empty(n_boot), np.empty(n_boot)
            p_each = np.full(len(i), 1 / len(i))
            for b in range(n_boot):
                w = rng.multinomial(len(i), p_each).astype(float)  # one resample at a time: memory stays O(n)
                ms = months_seen @ w
                mb = (r * months_seen) @ w / ms if ms > 0 else np.nan
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
