"""Who answered: response rates against the customer base, respondents vs non-respondents, weighting.

When the customers table covers the whole base, every customer active in a period was a potential
respondent, so the share who answered is a response rate (for metrics asked after touchpoints the
denominator is customers, not invitations: said in the notes). The unit is the customer-period
(quarter by default): a customer active at any time in the quarter, answered or not.

:func:`response_bias` compares respondents with non-respondents on what is known of both: segment
mix, tenure, revenue (means) and churn within ``horizon_days`` after the period (shares), counting
only periods whose horizon is over. A customer appears once per period, so several rows are the same
customer: every test is a Wald test with a cluster-robust covariance by customer
(:func:`cxkit.stats.clustered.cluster_wald`), not a chi-square or rank test that would count each
customer-period as a separate customer.

:func:`weight_to_base` rakes respondents to the base's margins (segment, tenure band, later churn)
through :func:`cxkit.stats.raking.rake` and shows NPS weighted and unweighted side by side.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._checks import as_list, check_level, check_min_n
from .._results import Result, p_text
from ..data.dataset import Dataset
from ..errors import DataError, ParameterError
from ..report.tables import FORMATS_ATTR
from ..stats.clustered import cluster_wald
from ..stats.intervals import wilson
from ..stats.suppression import suppress
from .alignment import effective_cut, plain_ids

__all__ = ["ResponseRates", "response_base", "response_rates", "ResponseBias", "response_bias", "weight_to_base",
           "TENURE_BANDS", "RATE_COLUMNS", "BIAS_COLUMNS"]

TENURE_BANDS = ((0, 1, "< 1 year"), (1, 2, "1-2 years"), (2, 4, "2-4 years"), (4, np.inf, "4+ years"))
RATE_COLUMNS = ["dimension", "level", "customers", "respondents", "response_rate", "ci_low", "ci_high"]
BIAS_COLUMNS = ["variable", "respondents", "non_respondents", "difference", "test", "statistic", "p_value", "n"]


def _tenure_band(years: pd.Series) -> pd.Series:
    out = pd.Series(None, index=years.index, dtype=object)
    for lo, hi, name in TENURE_BANDS:
        out[(years >= lo) & (years < hi)] = name
    return pd.Categorical(out, categories=[b[2] for b in TENURE_BANDS], ordered=True)


def response_base(ds: Dataset, metric: str | None = None, *, freq: str = "Q", as_of: object = None,
                  horizon_days: int = 180) -> pd.DataFrame:
    """One row per customer and period the customer was active in, with ``answered`` and what is known.

    Columns: ``customer_id, period, answered`` (at least one answer to ``metric`` in the period), the
    customers' columns (``segment``, ``value``, extras), ``tenure_years`` and ``tenure_band`` at the
    period start, ``churned_later`` (left within ``horizon_days`` after the period end; NaN when that
    horizon is not over by the cut-off). Only periods with answers to ``metric`` count.
    """
    if ds.customers is None or "start_date" not in ds.customers.columns:
        raise DataError(f"dataset {ds.name!r} has no customers table with start dates: response rates need the "
                        "whole customer base.")
    if not ds.has_answer_dates:
        raise DataError(f"dataset {ds.name!r} has no answer dates: response rates per period cannot be computed.")
    metric = metric or (ds.metrics("nps") or ds.metrics())[0]
    ds.scale(metric)  # names the allowed metrics when unknown
    cut, _ = effective_cut(ds, as_of)
    ans = ds.responses[ds.responses["metric"] == metric]
    ans = ans[ans["answered_at"] <= cut]
    if ans.empty:
        raise DataError(f"dataset {ds.name!r}: no {metric} answers up to {cut.date()}.")
    cust = ds.customers.drop(columns=["_row"], errors="ignore").copy()
    cust["customer_id"] = plain_ids(cust["customer_id"])
    end = cust["end_date"] if "end_date" in cust.columns else pd.Series(pd.NaT, index=cust.index)
    # Periods in which the metric was asked at all (NPS waves every few months leave empty quarters).
    periods = sorted(set(ans["answered_at"].dt.to_period(freq)))
    answered = set(zip(plain_ids(ans["customer_id"]), ans["answered_at"].dt.to_period(freq), strict=True))
    frames = []
    for per in periods:
        p0, p1 = per.start_time, min(per.end_time, cut)
        act = cust[(cust["start_date"] <= p1) & (end.isna() | (end >= p0))].copy()
        act["period"] = str(per)
        act["answered"] = [(c, per) in answered for c in act["customer_id"]]
        act["tenure_years"] = ((p0 - act["start_date"]).dt.days / 365.25).clip(lower=0)
        later = per.end_time + pd.Timedelta(days=horizon_days)
        e = end.loc[act.index]
        act["churned_later"] = np.where(later <= cut, (e.notna() & (e <= later)).astype(float), np.nan)
        frames.append(act)
    base = pd.concat(frames, ignore_index=True)
    base["tenure_band"] = _tenure_band(base["tenure_years"])
    return base


@dataclass(repr=False)
class ResponseRates(Result):
    """Response rates per dimension level: ``summary()`` has :data:`RATE_COLUMNS` (+ suppression)."""

    metric: str
    table: pd.DataFrame
    overall: float
    level: float
    notes: tuple[str, ...] = field(default_factory=tuple)
    title = "Response rates"

    def summary(self) -> pd.DataFrame:
        return self.table

    def headline(self) -> str:
        t = self.table.dropna(subset=["response_rate"])
        if t.empty:
            return f"{self.metric}: no response rate could be shown."
        hi, lo = t.loc[t["response_rate"].idxmax()], t.loc[t["response_rate"].idxmin()]
        return (f"{self.metric}: {self.overall:.1%} of active customers answered per period; highest "
                f"{hi['dimension']} {hi['level']} ({hi['response_rate']:.1%}), lowest {lo['dimension']} "
                f"{lo['level']} ({lo['response_rate']:.1%}).")


def response_rates(ds: Dataset, metric: str | None = None, by: str | Sequence[str] | None = None, *,
                   freq: str = "Q", as_of: object = None, level: float = 0.95, min_n: int = 30,
                   base: pd.DataFrame | None = None) -> ResponseRates:
    """Share of active customers who answered ``metric``, per period and per level of each ``by`` column.

    Parameters
    ----------
    by : str or list of str, optional
        Customer columns (and ``tenure_band``, ``period``); default ``segment``, ``preferred_channel``
        (when present), ``tenure_band`` and ``period``.
    freq : str
        Period length (pandas frequency: ``"Q"`` quarters, ``"M"`` months).
    base : DataFrame, optional
        A :func:`response_base` frame, to reuse.
    """
    level = check_level(level)
    min_n = check_min_n(min_n)
    metric = metric or (ds.metrics("nps") or ds.metrics())[0]
    b = response_base(ds, metric, freq=freq, as_of=as_of) if base is None else base
    dims = as_list(by) if by is not None else [d for d in ("segment", "preferred_channel", "tenure_band", "period")
                                                if d in b.columns]
    missing = [d for d in dims if d not in b.columns]
    if missing:
        raise ParameterError(f"`by` must name customer columns, 'tenure_band' or 'period'; {missing} are not "
                             f"among {sorted(c for c in b.columns if not c.startswith('_'))}.")
    rows = []
    for d in dims:
        g = b.groupby(b[d].astype(str), sort=d != "tenure_band", observed=True)["answered"].agg(["size", "sum"])
        if d == "tenure_band":
            g = g.reindex([x[2] for x in TENURE_BANDS]).dropna()
        for lev, r in g.iterrows():
            rows.append({"dimension": d, "level": lev, "customers": int(r["size"]), "respondents": int(r["sum"])})
    t = pd.DataFrame(rows, columns=RATE_COLUMNS[:4])
    t["response_rate"] = t["respondents"] / t["customers"]
    t["ci_low"], t["ci_high"] = wilson(t["respondents"], t["customers"], level)
    t = suppress(t, size_col="customers", value_cols=["respondents", "response_rate", "ci_low", "ci_high"],
                 min_n=min_n, unit="customers")
    notes = [f"unit: a customer active in a period ({freq}); answered: at least one {metric} answer in it",
             f"{level:.0%} Wilson intervals"]
    if ds.scale(metric).kind != "nps":
        notes.append("asked after touchpoints: the base is every active customer, not only those with a touchpoint")
    return ResponseRates(metric=metric, table=t, overall=float(b["answered"].mean()), level=level,
                         notes=tuple(notes))


@dataclass(repr=False)
class ResponseBias(Result):
    """Respondents vs non-respondents on what is known of both (:data:`BIAS_COLUMNS`)."""

    metric: str
    table: pd.DataFrame
    alpha: float
    notes: tuple[str, ...] = field(default_factory=tuple)
    title = "Respondents vs non-respondents"

    def summary(self) -> pd.DataFrame:
        return self.table

    @property
    def differs(self) -> list[str]:
        """Variables on which respondents differ significantly from non-respondents."""
        return self.table.loc[self.table["p_value"] < self.alpha, "variable"].tolist()

    def headline(self) -> str:
        if not self.differs:
            return f"{self.metric}: respondents resemble non-respondents on every variable checked."
        parts = []
        for _, r in self.table[self.table["p_value"] < self.alpha].iterrows():
            parts.append(f"{r['variable']} ({r['respondents']:.3g} vs {r['non_respondents']:.3g}, "
                         f"{p_text(r['p_value'])})")
        return f"{self.metric}: respondents differ from non-respondents on " + "; ".join(parts) + "."


def response_bias(ds: Dataset, metric: str | None = None, *, freq: str = "Q", as_of: object = None,
                  horizon_days: int = 180, alpha: float = 0.05, base: pd.DataFrame | None = None) -> ResponseBias:
    """Compare respondents with non-respondents: segment mix, tenure, revenue, churn afterwards.

    Rows of the table: ``segment ({largest} share)`` (the largest segment's share; the test is joint over
    all segments: do response rates differ between segments), ``tenure (years)`` and ``revenue`` (means),
    ``churned within {horizon_days} days`` (shares). ``test``: Wald chi-square, cluster-robust by customer
    (a customer is in several periods); ``n``: customer-periods.
    """
    metric = metric or (ds.metrics("nps") or ds.metrics())[0]
    b = response_base(ds, metric, freq=freq, as_of=as_of, horizon_days=horizon_days) if base is None else base
    a = b["answered"].astype(bool)
    ids = b["customer_id"].to_numpy()
    test = "Wald, clustered by customer"
    rows = []

    def add(name: str, resp: float, non: float, y, x, keep=slice(None)) -> None:
        w = cluster_wald(y[keep], x[keep], ids[keep])
        rows.append({"variable": name, "respondents": resp, "non_respondents": non, "test": test,
                     "statistic": w.statistic, "p_value": w.p_value, "n": w.n})

    if "segment" in b.columns and b["segment"].nunique() > 1:
        seg = b["segment"].astype(str)
        top = seg.value_counts().idxmax()
        add(f"segment ({top} share)", (seg[a] == top).mean(), (seg[~a] == top).mean(), a.astype(float), seg)
    for col, name in (("tenure_years", "tenure (years)"), ("value", "revenue")):
        if col in b.columns:
            x = pd.to_numeric(b[col], errors="coerce")
            if x[a].notna().any() and x[~a].notna().any():
                add(name, x[a].mean(), x[~a].mean(), x.to_numpy(float), a)
    c = b["churned_later"]
    done = c.notna().to_numpy()
    if done.any() and (~a[done]).any() and a[done].any() and c[done].nunique() > 1:
        add(f"churned within {horizon_days} days", c[done][a[done]].mean(), c[done][~a[done]].mean(),
            c.to_numpy(float), a, done)
    t = pd.DataFrame(rows, columns=BIAS_COLUMNS)
    # rows mix shares (0.637), years and money: two decimals keep a share's difference readable
    t.attrs[FORMATS_ATTR] = {"respondents": "two", "non_respondents": "two", "difference": "two"}
    t["difference"] = t["respondents"] - t["non_respondents"]
    notes = ["tests: Wald chi-square with a cluster-robust covariance by customer (a customer is in several periods)",
             f"churn: only periods whose {horizon_days}-day follow-up is over by the cut-off"]
    return ResponseBias(metric=metric, table=t, alpha=alpha, notes=tuple(notes))


def weight_to_base(ds: Dataset, metric: str | None = None, *,
                   margins: Sequence[str] = ("segment", "tenure_band"), freq: str = "Q",
                   as_of: object = None, horizon_days: int = 180, level: float = 0.95,
                   trim: Sequence[float] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rake respondents to the base's margins and give NPS unweighted and weighted side by side.

    Each answer (of a customer-period in the base) gets a weight from :func:`cxkit.stats.raking.rake` so
    that respondents' shares on ``margins`` equal the whole base's. Returns ``(nps_table, answers)``:
    ``nps_table`` has one row ``unweighted`` and one ``weighted`` (:func:`cxkit.nps` columns);
    ``answers`` the weighted answers (``weight`` column).
    """
    try:
        from ..stats.raking import rake  # issue 16 adds it; lazily, as it may not be there yet
    except ImportError:
        raise DataError("weighting to the base needs cxkit.stats.raking (issue 16), which this build does not "
                        "have yet.") from None
    from ..stats.metrics import nps

    metric = metric or (ds.metrics("nps") or ds.metrics())[0]
    b = response_base(ds, metric, freq=freq, as_of=as_of, horizon_days=horizon_days)
    margins = [m for m in margins if m in b.columns]
    if "churned_later" in margins:
        b = b[b["churned_later"].notna()]
        b["churned_later"] = b["churned_later"].map({1.0: "left", 0.0: "stayed"})
    resp = b[b["answered"]].copy()
    targets = {m: b[m].astype(str).value_counts(normalize=True).to_dict() for m in margins}
    for m in margins:
        resp[m] = resp[m].astype(str)
    w = rake(resp[margins], targets, trim=trim).weights
    resp["weight"] = w.reindex(resp.index).to_numpy(float)
    ans = ds.responses[ds.responses["metric"] == metric].copy()
    ans["customer_id"] = plain_ids(ans["customer_id"])
    ans["period"] = ans["answered_at"].dt.to_period(freq).astype(str)
    ans = ans.merge(resp[["customer_id", "period", "weight"]], on=["customer_id", "period"], how="inner")
    scale = ds.scale(metric)
    un = nps(ans, level=level, scale=scale).assign(estimate="unweighted")
    wt = nps(ans, weight="weight", level=level, scale=scale).assign(estimate="weighted")
    return pd.concat([un, wt], ignore_index=True), ans
