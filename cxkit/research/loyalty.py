"""Satisfaction vs loyalty: are satisfied customers loyal?

Satisfaction (CSAT) and loyalty (NPS, retention) are often treated as one
thing; the functions here show how far they go together on an analyst's data:

* :func:`crosstab` - CSAT level x NPS category with row shares (Wilson intervals)
  and a chi-square test of independence;
* :func:`rank_correlation` - Spearman's rho and Kendall's tau-b with Fisher-z
  intervals (standard errors of Bonett & Wright 2000 for rho and Fieller,
  Hartley & Pearson 1957 for tau-b);
* :func:`share` - a share with its Wilson interval (e.g. satisfied customers who
  are not promoters);
* :func:`compare_churn` - churn of two groups: difference with Newcombe's
  interval and the score test (statsmodels);
* :func:`segment_map` - mean CSAT and NPS per segment with intervals and n;
* :func:`retention_by_category` - attitudinal (NPS category) vs behavioural
  loyalty (still a customer after the horizon).

:func:`loyalty_study` runs them all on a dataset and :meth:`LoyaltyStudy.describe`
writes the generated summary.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep, test_proportions_2indep

from .._checks import check_choice, check_columns
from .._results import Study
from ..data.dataset import Dataset
from ..errors import DegenerateDataError
from ..report.i18n import message, num, pvalue
from ..report.i18n import text as _t
from ..scales import Scale
from ..stats.intervals import t_interval, wilson
from ..stats.metrics import DEFAULT_MIN_N, nps
from ..stats.suppression import suppress
from ..stats.survival import score_band
from .alignment import Aligned, align_churn, pair_answers, plain_ids

__all__ = ["crosstab", "rank_correlation", "share", "weighted_share", "compare_churn", "segment_map", "retention_by_category",
           "LoyaltyStudy", "loyalty_study"]

NPS_CATEGORIES = ["detractor", "passive", "promoter"]


def nps_category(score: pd.Series, scale: Scale | None = None) -> pd.Categorical:
    """detractor / passive / promoter of 0..10 answers (scale's promoter and detractor values)."""
    return score_band(score, scale or Scale.nps())


def _kish(w: pd.Series | np.ndarray) -> float:
    """Kish's effective sample size ``(sum w)^2 / sum w^2`` (0 when the weights sum to zero)."""
    w = np.asarray(w, dtype=float)
    w2 = float((w**2).sum())
    return float(w.sum() ** 2 / w2) if w2 > 0 else 0.0


def crosstab(frame: pd.DataFrame, csat: str, nps_col: str, *, nps_scale: Scale | None = None,
             level: float = 0.95, weights: str | None = None) -> tuple[pd.DataFrame, dict]:
    """CSAT level x NPS category: counts and row shares with Wilson intervals.

    With ``weights`` (survey weights) the row shares are weighted and each row's Wilson interval
    uses Kish's effective n of that row (``row_n_eff``); the chi-square test is Pearson's on the
    weighted table rescaled to the overall effective n (a first-order design-effect correction,
    like Rao-Scott's with one design effect ``n / n_eff`` for every cell).

    Returns
    -------
    table : DataFrame, one row per CSAT level x NPS category
        csat, category, n (cell count, rows), row_n (answers at that CSAT level),
        pct (share of the row in %, weighted with ``weights``), ci_low, ci_high;
        with ``weights`` also row_n_eff
    test : dict
        ``chi2, df, p_value, n, cramers_v`` (chi-square test of independence; ``n`` is the
        effective n with ``weights``) and ``note`` (expected counts below 5 make it approximate).
    """
    check_columns(frame, [csat, nps_col] + ([weights] if weights else []), argument="csat/nps/weights")
    d = frame[[csat, nps_col] + ([weights] if weights else [])].dropna()
    cat = pd.Series(nps_category(d[nps_col], nps_scale), index=d.index)
    tab = pd.crosstab(d[csat], cat).reindex(columns=NPS_CATEGORIES, fill_value=0)
    if weights:
        w = d[weights].astype(float)
        wtab = pd.crosstab(d[csat], cat, values=w, aggfunc="sum").reindex(columns=NPS_CATEGORIES).fillna(0.0)
        wsum, w2sum = w.groupby(d[csat]).sum(), (w**2).groupby(d[csat]).sum()
        row_eff = (wsum**2 / w2sum.where(w2sum > 0)).fillna(0.0).reindex(tab.index)
    else:
        wtab = tab.astype(float)
        row_eff = tab.sum(axis=1).astype(float)
    rows = []
    for lvl, r in tab.iterrows():
        wr = wtab.loc[lvl]
        tot = float(wr.sum())
        p = wr.to_numpy() / tot if tot > 0 else np.full(3, np.nan)
        ne = float(row_eff.loc[lvl])
        lo, hi = wilson(p * ne, np.full(3, ne), level)
        for j, c in enumerate(NPS_CATEGORIES):
            row = {"csat": lvl, "category": c, "n": int(r[c]), "row_n": int(r.sum()),
                   "pct": 100 * p[j] if r.sum() else np.nan, "ci_low": 100 * lo[j], "ci_high": 100 * hi[j]}
            if weights:
                row["row_n_eff"] = ne
            rows.append(row)
    out = pd.DataFrame(rows)
    n_all = _kish(d[weights]) if weights else float(tab.to_numpy().sum())
    test = {"chi2": np.nan, "df": 0, "p_value": np.nan, "n": n_all if weights else int(n_all), "cramers_v": np.nan,
            "note": ""}
    t = tab.loc[tab.sum(axis=1) > 0, tab.sum(axis=0) > 0]
    if weights:  # rows or columns whose weights sum to zero carry nothing to test
        t = t.loc[wtab.loc[t.index].sum(axis=1) > 0, wtab[t.columns].sum(axis=0) > 0]
    if t.shape[0] >= 2 and t.shape[1] >= 2:
        # Weighted: the weighted table scaled to the effective n (Kish), so the test has the power of n_eff.
        tt = wtab.loc[t.index, t.columns].to_numpy() if weights else t.to_numpy()
        if weights:
            tt = tt / tt.sum() * n_all
        res = stats.chi2_contingency(tt)
        n = tt.sum()
        v = np.sqrt(res.statistic / (n * (min(t.shape) - 1)))
        test.update(chi2=float(res.statistic), df=int(res.dof), p_value=float(res.pvalue), cramers_v=float(v))
        if (res.expected_freq < 5).any():
            test["note"] = "some expected counts are below 5: the chi-square p-value is approximate"
    else:
        test["note"] = "fewer than two CSAT levels or NPS categories answered: no test"
    return out, test


def rank_correlation(frame: pd.DataFrame, x: str, y: str, *, level: float = 0.95) -> pd.DataFrame:
    """Spearman's rho and Kendall's tau-b between two ordinal answers, with intervals.

    Intervals use Fisher's z transform with the standard errors
    ``sqrt((1 + rho^2 / 2) / (n - 3))`` for rho (Bonett & Wright 2000) and
    ``sqrt(0.437 / (n - 4))`` for tau-b (Fieller et al. 1957). p-values are
    scipy's.

    Returns
    -------
    DataFrame with rows ``spearman`` and ``kendall_tau_b`` and columns
        method, n, estimate, ci_low, ci_high, p_value, interval, note
    """
    check_columns(frame, [x, y], argument="x/y")
    d = frame[[x, y]].dropna()
    n = len(d)
    z = stats.norm.ppf(0.5 + level / 2)
    rows = []
    for method in ("spearman", "kendall_tau_b"):
        row = {"method": method, "n": n, "estimate": np.nan, "ci_low": np.nan, "ci_high": np.nan,
               "p_value": np.nan, "interval": "Fisher z", "note": ""}
        if n < 5:
            row["note"] = "fewer than 5 pairs: no estimate"
        elif d[x].nunique() < 2 or d[y].nunique() < 2:
            row["note"] = "one of the answers has no variance: no correlation"
        else:
            if method == "spearman":
                r, p = stats.spearmanr(d[x], d[y])
                se = np.sqrt((1 + r**2 / 2) / (n - 3))
            else:
                r, p = stats.kendalltau(d[x], d[y], variant="b")
                se = np.sqrt(0.437 / (n - 4))
            zr = np.arctanh(np.clip(r, -0.999999, 0.999999))
            row.update(estimate=float(r), p_value=float(p), ci_low=float(np.tanh(zr - z * se)),
                       ci_high=float(np.tanh(zr + z * se)))
        rows.append(row)
    return pd.DataFrame(rows)


def share(hits: int, n: int, *, level: float = 0.95) -> dict:
    """A share in % with its Wilson interval: ``{hits, n, pct, ci_low, ci_high}``."""
    lo, hi = wilson(np.array([hits]), np.array([n]), level)
    return {"hits": int(hits), "n": int(n), "pct": 100 * hits / n if n else np.nan,
            "ci_low": 100 * float(lo[0]), "ci_high": 100 * float(hi[0])}


def weighted_share(hit: Sequence[bool], weights: Sequence[float], *, level: float = 0.95) -> dict:
    """A weighted share in % with the Wilson interval on Kish's effective n.

    ``hit`` flags the rows of the base (every row counts in the denominator) that count in the
    numerator; ``weights`` are their survey weights.

    Returns
    -------
    dict with ``hits, n`` (rows), ``n_eff`` (Kish), ``pct`` (weighted), ``ci_low, ci_high``.
    """
    h, w = np.asarray(hit, bool), np.asarray(weights, float)
    tot = float(w.sum())
    p = float(w[h].sum() / tot) if tot > 0 else np.nan
    ne = _kish(w)
    lo, hi = wilson(np.array([p * ne]), np.array([ne]), level)
    return {"hits": int(h.sum()), "n": int(len(h)), "n_eff": ne, "pct": 100 * p, "ci_low": 100 * float(lo[0]),
            "ci_high": 100 * float(hi[0])}


def compare_churn(churned_a: Sequence[bool], churned_b: Sequence[bool], *, level: float = 0.95,
                  labels: tuple[str, str] = ("a", "b"), weights_a: Sequence[float] | None = None,
                  weights_b: Sequence[float] | None = None) -> dict:
    """Churn rate of group a minus group b (percentage points): Newcombe interval, score test.

    With ``weights_a`` and ``weights_b`` (survey weights) the rates are weighted and the interval
    and test use each group's effective counts (weighted share x Kish's n_eff).

    Returns
    -------
    dict with ``a, b, n_a, n_b, churned_a, churned_b, rate_a, rate_b`` (in %),
    ``diff`` (points), ``ci_low, ci_high, p_value, note``; weighted also ``n_eff_a, n_eff_b``.
    """
    ya, yb = np.asarray(churned_a, bool), np.asarray(churned_b, bool)
    na, nb, ca, cb = len(ya), len(yb), int(ya.sum()), int(yb.sum())
    weighted = weights_a is not None and weights_b is not None
    # Effective counts: the statistics below see a weighted group as n_eff answers with its weighted share.
    if weighted:
        wa, wb = np.asarray(weights_a, float), np.asarray(weights_b, float)
        ea, eb = _kish(wa), _kish(wb)
        pa = float(wa[ya].sum() / wa.sum()) if wa.sum() > 0 else np.nan
        pb = float(wb[yb].sum() / wb.sum()) if wb.sum() > 0 else np.nan
    else:
        ea, eb = float(na), float(nb)
        pa, pb = (ca / na if na else np.nan), (cb / nb if nb else np.nan)
    out = {"a": labels[0], "b": labels[1], "n_a": na, "n_b": nb, "churned_a": ca, "churned_b": cb,
           "rate_a": 100 * pa, "rate_b": 100 * pb,
           "diff": np.nan, "ci_low": np.nan, "ci_high": np.nan, "p_value": np.nan, "note": ""}
    if weighted:
        out.update(n_eff_a=ea, n_eff_b=eb)
    if na == 0 or nb == 0 or ea == 0 or eb == 0:
        out["note"] = f"no customers in {labels[0] if na == 0 or ea == 0 else labels[1]}: no comparison"
        return out
    out["diff"] = out["rate_a"] - out["rate_b"]
    xa, xb = (pa * ea, pb * eb) if weighted else (ca, cb)
    lo, hi = confint_proportions_2indep(xa, ea, xb, eb, method="newcombe", compare="diff", alpha=1 - level)
    out["ci_low"], out["ci_high"] = 100 * lo, 100 * hi
    if (ca in (0, na)) and (cb in (0, nb)) and ca / na == cb / nb:
        out["p_value"] = 1.0
        out["note"] = "both groups all churned or all stayed"
    else:
        out["p_value"] = float(test_proportions_2indep(xa, ea, xb, eb, method="score", compare="diff",
                                                       correction=False).pvalue)
    return out


def segment_map(frame: pd.DataFrame, by: str, csat: str, nps_col: str, *, csat_scale: Scale | None = None,
                level: float = 0.95, min_n: int = DEFAULT_MIN_N, weights: str | None = None) -> pd.DataFrame:
    """Mean CSAT and NPS per segment (for the bubble chart: x = CSAT, y = NPS, size = n).

    With ``weights`` (survey weights) the means and NPS are weighted, the intervals use Kish's
    effective n (``n_eff``; the t interval's df are ``n_eff - 1``) and ``min_n`` applies to it.

    Returns
    -------
    DataFrame with one row per segment
        segment, n, csat_mean, csat_ci_low, csat_ci_high (t interval),
        nps, nps_ci_low, nps_ci_high (adjusted Wald, points), suppressed (and its reason columns), note;
        with ``weights`` also n_eff
    """
    check_columns(frame, [by, csat, nps_col] + ([weights] if weights else []), argument="by/csat/nps/weights")
    d = frame[[by, csat, nps_col] + ([weights] if weights else [])].dropna()
    if d.empty:
        raise DegenerateDataError(f"no rows with {by}, {csat} and {nps_col} all answered.")
    if weights:
        w = d[weights].astype(float)
        x = d[csat].astype(float)
        a = d.assign(_w=w, _wx=w * x, _w2=w**2).groupby(by, observed=True)[["_w", "_wx", "_w2"]].sum()
        mean = a["_wx"] / a["_w"].where(a["_w"] > 0)
        # Weighted SD with the n_eff / (n_eff - 1) correction, as the weighted metric tables use.
        dev = d.assign(_d=w * (x - d[by].map(mean)) ** 2).groupby(by, observed=True)["_d"].sum()
        neff = (a["_w"] ** 2 / a["_w2"].where(a["_w2"] > 0)).fillna(0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            sd = np.sqrt(dev / a["_w"] * neff / (neff - 1))
        g = pd.DataFrame({by: a.index, "size": d.groupby(by, observed=True).size().reindex(a.index).to_numpy(),
                          "mean": mean.to_numpy(), "std": sd.to_numpy(), "n_eff": neff.to_numpy()})
        lo, hi = t_interval(g["mean"], g["std"], g["n_eff"], level)
    else:
        g = d.groupby(by, observed=True)[csat].agg(["size", "mean", "std"]).reset_index()
        lo, hi = t_interval(g["mean"], g["std"], g["size"], level)
    out = pd.DataFrame({"segment": g[by].astype(str), "n": g["size"].astype(int), "csat_mean": g["mean"],
                        "csat_ci_low": lo, "csat_ci_high": hi})
    if weights:
        out["n_eff"] = g["n_eff"].to_numpy()
    nt = nps(d.rename(columns={nps_col: "_nps"}), "_nps", by, weights, level=level, min_n=0)
    nt = nt.assign(segment=nt[by].astype(str))[["segment", "nps", "ci_low", "ci_high"]]
    out = out.merge(nt.rename(columns={"ci_low": "nps_ci_low", "ci_high": "nps_ci_high"}), on="segment")
    cols = ["csat_mean", "csat_ci_low", "csat_ci_high", "nps", "nps_ci_low", "nps_ci_high"]
    return suppress(out, size_col="n", value_cols=cols, min_n=min_n, unit="customers",
                    eff_col="n_eff" if weights else None)


def retention_by_category(frame: pd.DataFrame, nps_col: str, outcome: str = "churned", *,
                          nps_scale: Scale | None = None, level: float = 0.95,
                          min_n: int = DEFAULT_MIN_N, weights: str | None = None) -> pd.DataFrame:
    """Attitudinal vs behavioural loyalty: share still a customer per NPS category.

    With ``weights`` (survey weights) the retention is the weighted share, its Wilson interval
    uses Kish's effective n (``n_eff``) and ``min_n`` applies to it.

    Returns
    -------
    DataFrame with one row per category
        category, n, retained, retention (in %), ci_low, ci_high (Wilson), note, suppressed (and its
        reason columns, :func:`cxkit.stats.suppression.suppress`); with ``weights`` also n_eff
    """
    check_columns(frame, [nps_col, outcome] + ([weights] if weights else []), argument="nps/outcome/weights")
    d = frame[[nps_col, outcome] + ([weights] if weights else [])].dropna()
    cat = pd.Series(nps_category(d[nps_col], nps_scale), index=d.index)
    kept = ~d[outcome].astype(bool)
    g = kept.groupby(cat, observed=False).agg(["size", "sum"]).reindex(NPS_CATEGORIES, fill_value=0)
    out = pd.DataFrame({"category": NPS_CATEGORIES, "n": g["size"].astype(int).to_numpy(),
                        "retained": g["sum"].astype(int).to_numpy()})
    if weights:
        w = d[weights].astype(float)
        a = pd.DataFrame({"w": w, "wy": w * kept, "w2": w**2}).groupby(cat, observed=False).sum().reindex(
            NPS_CATEGORIES, fill_value=0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            p = (a["wy"] / a["w"].where(a["w"] > 0)).to_numpy()
            neff = (a["w"] ** 2 / a["w2"].where(a["w2"] > 0)).fillna(0.0).to_numpy()
        lo, hi = wilson(p * neff, neff, level)
        out["n_eff"] = neff
        out["retention"] = 100 * p
    else:
        lo, hi = wilson(g["sum"].to_numpy(), g["size"].to_numpy(), level)
        with np.errstate(divide="ignore", invalid="ignore"):
            out["retention"] = 100 * out["retained"] / out["n"]
    out["ci_low"], out["ci_high"] = 100 * lo, 100 * hi
    return suppress(out, size_col="n", value_cols=["retention", "ci_low", "ci_high"], min_n=min_n,
                    unit="customers", eff_col="n_eff" if weights else None)


# -- the study ------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False)
class LoyaltyStudy(Study):
    """Everything the satisfaction-vs-loyalty notebook shows.

    Attributes
    ----------
    pairs : DataFrame
        One CSAT-NPS pair per customer (``csat``/``nps`` columns named after the metrics).
    crosstab, crosstab_test : see :func:`crosstab`
    correlations : DataFrame (see :func:`rank_correlation`)
    satisfied_not_promoters, satisfied_detractors : dict (see :func:`share`)
    churn_satisfied : dict or None
        :func:`compare_churn` of satisfied non-promoters vs satisfied promoters.
    segments : DataFrame or None (see :func:`segment_map`)
    retention : DataFrame or None (see :func:`retention_by_category`)
    """

    dataset: str
    csat: str
    nps: str
    params: Mapping[str, object]
    top_box: tuple[int, ...]
    pairs: pd.DataFrame
    pair_steps: pd.DataFrame
    timed: bool
    crosstab: pd.DataFrame
    crosstab_test: Mapping[str, object]
    correlations: pd.DataFrame
    satisfied_not_promoters: Mapping[str, float]
    satisfied_detractors: Mapping[str, float]
    churn_satisfied: Mapping[str, object] | None
    churn_aligned: Aligned | None
    segments: pd.DataFrame | None
    segment_by: str | None
    retention: pd.DataFrame | None
    retention_aligned: Aligned | None
    notes: tuple[str, ...] = field(default_factory=tuple)
    #: A plain paragraph (English) when the data lacks what the full question needs ("" when it applies);
    #: :meth:`not_applicable` gives it in another language.
    missing: str = ""
    #: One satisfaction score and churn, no NPS: retention per score value (see :func:`retention_by_score`).
    score_retention: pd.DataFrame | None = None
    satisfied_left: Mapping[str, float] | None = None
    dissatisfied_stayed: Mapping[str, float] | None = None

    def describe(self, lang: str = "en") -> str:
        """The "what the data says" text, generated from the results (markdown bullets)."""
        return describe_loyalty(self, lang=lang)

    def not_applicable(self, lang: str = "en") -> str:
        """The paragraph saying what the data lacks, in ``lang`` ("" when the full question applies)."""
        if not self.missing:
            return ""
        lacking = "NPS" if self.csat and self.nps is None else "CSAT"
        key = "lo_na_one_score" if self.score_retention is not None else "lo_na_nothing"
        return _t(key, lang, m=self.csat, lacking=lacking)

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table the notebook shows, by the name its CSV copy gets (no customer-level rows)."""
        out: dict[str, pd.DataFrame] = {"pairs_steps": self.pair_steps}
        if self.crosstab is not None:
            out.update({"crosstab": self.crosstab, "correlations": self.correlations, "satisfied_shares": pd.DataFrame(
                [{"group": "satisfied, not promoter", **self.satisfied_not_promoters},
                 {"group": "satisfied detractor", **self.satisfied_detractors}])})
        if self.score_retention is not None:
            out["score_retention"] = self.score_retention
            out["score_churn_shares"] = pd.DataFrame(
                [{"group": "satisfied but left", **self.satisfied_left},
                 {"group": "dissatisfied but stayed", **self.dissatisfied_stayed}])
        if self.churn_satisfied is not None:
            out["churn_satisfied"] = pd.DataFrame([self.churn_satisfied])
        if self.segments is not None:
            out["segments"] = self.segments
        if self.retention is not None:
            out["retention"] = self.retention
        return out

    @property
    def figures(self) -> dict[str, Callable[..., Any]]:
        """``crosstab``, and where the data allows ``segments`` and ``retention``."""
        from ..report import plots as rp

        out: dict[str, Callable[..., Any]] = {}
        if self.crosstab is not None:
            out["crosstab"] = lambda ax=None: rp.crosstab_heatmap(self.crosstab, ax=ax, csat_label=self.csat)
        if self.segments is not None:
            out["segments"] = lambda ax=None: rp.segment_map(self.segments, ax=ax, csat_label=f"mean {self.csat}")
        if self.retention is not None:
            out["retention"] = lambda ax=None: rp.retention(self.retention, ax=ax)
        return out


def _segment_column(ds: Dataset, frame: pd.DataFrame, segment: str | None) -> str | None:
    if not segment:
        return None
    if segment in frame.columns:
        return segment
    return None


def loyalty_study(ds: Dataset, csat: str | None = None, nps_metric: str | None = None, *, window_days: int = 90,
                  horizon_days: int = 180, as_of: str | pd.Timestamp | None = None, segment: str = "segment",
                  level: float = 0.95, min_n: int = DEFAULT_MIN_N) -> LoyaltyStudy:
    """Satisfaction vs loyalty on ``ds``: pairs each customer's CSAT and NPS answers, then every table.

    Parameters
    ----------
    csat, nps_metric : str, optional
        Metric names; default the dataset's first CSAT and first NPS metric.
    window_days : int
        A CSAT and an NPS answer are paired when given within this many days
        (ignored without dates: answers are paired per customer).
    horizon_days : int
        Churn counts when it happens within this many days after the (later) answer.
    as_of : date, optional
        Data cut-off (the run date).
    segment : str
        Column for the segment map (customer or answer column); "" for none.
    """
    csat = csat or next(iter(ds.metrics("csat")), None)
    nps_metric = nps_metric or next(iter(ds.metrics("nps")), None)
    if not csat or not nps_metric:
        # The commonest real shape: one satisfaction score and a churn flag. Report what applies.
        return _score_churn_study(ds, csat or nps_metric, window_days=window_days, horizon_days=horizon_days,
                                  as_of=as_of, level=level, min_n=min_n)
    cs, ns = ds.scale(csat), ds.scale(nps_metric)
    check_choice("csat scale kind", cs.kind, ("csat",))
    check_choice("nps scale kind", ns.kind, ("nps",))
    notes: list[str] = []
    pairs, steps = pair_answers(ds.responses, [nps_metric, csat], window_days=window_days)
    timed = bool(pairs["answered_at"].notna().any())
    before = len(pairs)
    pairs = pairs.sort_values(["customer_id", "answered_at"], kind="stable").drop_duplicates("customer_id")
    steps.append(("later pairs of the same customer (left out)", before - len(pairs),
                  "one pair per customer keeps observations independent"))
    if ds.customers is not None:
        cust = ds.customers.drop(columns=["_row"], errors="ignore").assign(
            customer_id=lambda d: plain_ids(d["customer_id"]))
        extra = [c for c in cust.columns if c not in pairs.columns or c == "customer_id"]
        pairs = pairs.merge(cust[extra], on="customer_id", how="left")
    steps.append(("analysed", len(pairs), f"{pairs['customer_id'].nunique():,} customers"))
    if not timed:
        notes.append("The answers have no dates: each customer's CSAT and NPS answers are paired as given, "
                     "without checking how far apart they were.")
    if pairs.empty:
        raise DegenerateDataError(f"no customer answered both {csat} and {nps_metric}"
                                  + (f" within {window_days} days" if timed else "") + ".")
    # Survey weights: each pair carries the weight of its NPS answer (the anchor of the pairing).
    wcol = "weight" if ds.weighted and "weight" in pairs.columns else None
    if wcol:
        notes.append("Survey weights applied (each CSAT-NPS pair weighted by its NPS answer's weight) to the "
                     "crosstab shares and chi-square test, the satisfied shares, the churn comparison, the "
                     "retention by category and the segment map, with intervals and min_n on Kish's effective "
                     "n. Not weighted: the rank correlations (Spearman, Kendall), which describe the "
                     "respondents as they answered.")
    ct, ct_test = crosstab(pairs, csat, nps_metric, nps_scale=ns, level=level, weights=wcol)
    corr = rank_correlation(pairs, csat, nps_metric, level=level)
    sat = pairs[csat].isin(cs.good)
    cat = pd.Series(nps_category(pairs[nps_metric], ns), index=pairs.index)
    if wcol:
        ws = pairs.loc[sat, wcol].astype(float)
        snp = weighted_share((cat != "promoter")[sat], ws, level=level)
        sdet = weighted_share((cat == "detractor")[sat], ws, level=level)
    else:
        snp = share(int((sat & (cat != "promoter")).sum()), int(sat.sum()), level=level)
        sdet = share(int((sat & (cat == "detractor")).sum()), int(sat.sum()), level=level)
    churn_cmp, churn_al, retention, ret_al = None, None, None, None
    has_churn = ds.customers is not None and "churned" in ds.customers.columns
    if has_churn:
        churn_al = align_churn(ds, [nps_metric, csat], window_days=window_days, horizon_days=horizon_days,
                               as_of=as_of)
        f = churn_al.frame
        fs = f[f[csat].isin(cs.good)]
        fcat = pd.Series(nps_category(fs[nps_metric], ns), index=fs.index)
        a_rows, b_rows = fcat != "promoter", fcat == "promoter"
        fw = wcol if wcol and wcol in fs.columns else None
        churn_cmp = compare_churn(fs.loc[a_rows, "churned"], fs.loc[b_rows, "churned"],
                                  level=level, labels=("satisfied non-promoters", "satisfied promoters"),
                                  weights_a=fs.loc[a_rows, fw] if fw else None,
                                  weights_b=fs.loc[b_rows, fw] if fw else None)
        ret_al = align_churn(ds, nps_metric, horizon_days=horizon_days, as_of=as_of)
        rw = wcol if wcol and wcol in ret_al.frame.columns else None
        retention = retention_by_category(ret_al.frame, nps_metric, nps_scale=ns, level=level, min_n=min_n,
                                          weights=rw)
    else:
        notes.append("This dataset has no churn or retention outcome: behavioural loyalty (who actually stayed) "
                     "cannot be compared with what customers said.")
    seg_col = _segment_column(ds, pairs, segment)
    segments = None
    if seg_col:
        segments = segment_map(pairs, seg_col, csat, nps_metric, level=level, min_n=min_n, weights=wcol)
    elif segment:
        notes.append(f"No column {segment!r} in the data: no segment map.")
    params = {"window_days": window_days, "horizon_days": horizon_days, "as_of": as_of, "level": level,
              "min_n": min_n}
    return LoyaltyStudy(dataset=ds.name, csat=csat, nps=nps_metric, params=params, top_box=tuple(cs.good),
                        pairs=pairs.reset_index(drop=True),
                        pair_steps=pd.DataFrame(steps, columns=["step", "rows", "note"]), timed=timed,
                        crosstab=ct, crosstab_test=ct_test, correlations=corr, satisfied_not_promoters=snp,
                        satisfied_detractors=sdet, churn_satisfied=churn_cmp, churn_aligned=churn_al,
                        segments=segments, segment_by=seg_col, retention=retention, retention_aligned=ret_al,
                        notes=tuple(notes))


def retention_by_score(frame: pd.DataFrame, score: str, outcome: str = "churned", *, level: float = 0.95,
                       min_n: int = DEFAULT_MIN_N) -> pd.DataFrame:
    """Share still a customer per score value (Wilson intervals); groups below ``min_n`` suppressed.

    Returns
    -------
    DataFrame with one row per score value
        score, n, retained, retention (in %), ci_low, ci_high, suppressed, note
    """
    check_columns(frame, [score, outcome], argument="score/outcome")
    d = frame[[score, outcome]].dropna()
    g = (~d[outcome].astype(bool)).groupby(d[score]).agg(["size", "sum"]).sort_index()
    lo, hi = wilson(g["sum"].to_numpy(), g["size"].to_numpy(), level)
    out = pd.DataFrame({"score": g.index.to_numpy(), "n": g["size"].astype(int).to_numpy(),
                        "retained": g["sum"].astype(int).to_numpy()})
    out["retention"] = 100 * out["retained"] / out["n"]
    out["ci_low"], out["ci_high"] = 100 * lo, 100 * hi
    return suppress(out, size_col="n", value_cols=["retention", "ci_low", "ci_high"], min_n=min_n, unit="customers")


def _score_churn_study(ds: Dataset, metric: str | None, *, window_days: int, horizon_days: int,
                       as_of: str | pd.Timestamp | None, level: float, min_n: int) -> LoyaltyStudy:
    """One score (no CSAT-NPS pair): satisfied-but-left, dissatisfied-but-stayed and retention by score."""
    has_churn = ds.customers is not None and bool({"churned", "end_date"} & set(ds.customers.columns))
    lacking = "NPS" if metric and ds.scale(metric).kind != "nps" else "CSAT"
    params = {"window_days": window_days, "horizon_days": horizon_days, "as_of": as_of, "level": level,
              "min_n": min_n}
    empty = {"n": 0, "hits": 0, "pct": np.nan, "ci_low": np.nan, "ci_high": np.nan}
    base = dict(dataset=ds.name, csat=metric or "", nps=None, params=params, top_box=(), pairs=pd.DataFrame(),
                timed=False, crosstab=None, crosstab_test={}, correlations=None, satisfied_not_promoters=empty,
                satisfied_detractors=empty, churn_satisfied=None, churn_aligned=None, segments=None,
                segment_by=None, retention=None, retention_aligned=None)
    if not metric or not has_churn:
        what = _t("lo_na_nothing", "en", lacking=lacking)
        return LoyaltyStudy(**base, pair_steps=pd.DataFrame(columns=["step", "rows", "note"]), missing=what)
    sc = ds.scale(metric)
    al = align_churn(ds, metric, horizon_days=horizon_days, as_of=as_of)
    f = al.frame
    good, bad = f[metric].isin(sc.good), f[metric].isin(sc.bad) if sc.bad else ~f[metric].isin(sc.good)
    left = share(int((good & f["churned"].astype(bool)).sum()), int(good.sum()), level=level)
    stayed = share(int((bad & ~f["churned"].astype(bool)).sum()), int(bad.sum()), level=level)
    steps = pd.DataFrame([("customers with a score and a churn outcome", len(f), f"{metric}, one per customer")],
                         columns=["step", "rows", "note"])
    return LoyaltyStudy(**{**base, "churn_aligned": al, "timed": al.timed}, pair_steps=steps,
                        missing=_t("lo_na_one_score", "en", m=metric, lacking=lacking),
                        score_retention=retention_by_score(f, metric, level=level, min_n=min_n),
                        satisfied_left=left, dissatisfied_stayed=stayed,
                        notes=tuple(ds.unweighted_note()))  # this one-score view is not weighted: say so


# -- generated text -------------------------------------------------------------------------
def describe_loyalty(study: LoyaltyStudy, lang: str = "en") -> str:
    """Plain sentences from a :class:`LoyaltyStudy` (numbers with intervals, caveats).

    ``lang`` (``en``, ``nl``) sets the words and the number format (``0.68`` / ``0,68``). Notes gathered
    from the data checks are passed through as written.
    """
    check_choice("lang", lang, ("en", "nl"))
    pct = round(100 * study.level)
    alpha = 1 - study.level
    c, n = study.csat, study.nps
    ci = _t("ci_pct", lang, pct=pct)
    if study.nps is None:
        return _describe_score_churn(study, lang, ci)

    def f(x: float, spec: str = ".1f") -> str:
        return num(x, spec, lang)

    def rng(lo: float, hi: float, spec: str = ".1f") -> str:
        return _t("range", lang, lo=f(lo, spec), hi=f(hi, spec))

    def cat(k: str) -> str:
        return _t(k, lang) if k in ("promoter", "passive", "detractor") else k

    out = []
    win = _t("lo_within", lang, w=study.params["window_days"]) if study.timed else ""
    out.append(_t("lo_pairs", lang, n=f(len(study.pairs), ","), c=c, nps=n, win=win))
    sp = study.correlations.set_index("method")
    rho, tau = sp.loc["spearman"], sp.loc["kendall_tau_b"]
    if not np.isnan(rho["estimate"]):
        strength = _t("weakly" if abs(rho["estimate"]) < 0.3 else "moderately" if abs(rho["estimate"]) < 0.6
                      else "strongly", lang)
        out.append(_t("lo_corr", lang, c=c, nps=n, strength=strength, rho=f(rho["estimate"], ".2f"), ci=ci,
                      rho_ci=rng(rho["ci_low"], rho["ci_high"], ".2f"), tau=f(tau["estimate"], ".2f"),
                      tau_ci=rng(tau["ci_low"], tau["ci_high"], ".2f"), n=f(int(rho["n"]), ",")))
    else:
        out.append(_t("lo_no_corr", lang, note=rho["note"]))
    s = study.satisfied_not_promoters
    if s["n"]:
        d = study.satisfied_detractors
        out.append(_t("lo_snp", lang, n=f(s["n"], ","), c=c, top=list(study.top_box), pct_s=f(s["pct"]), ci=ci,
                      ci_s=rng(s["ci_low"], s["ci_high"]), pct_d=f(d["pct"]), ci_d=rng(d["ci_low"], d["ci_high"])))
    t = study.crosstab_test
    if not np.isnan(t["chi2"]):
        out.append(_t("lo_chi2", lang, c=c, chi2=f(t["chi2"]), df=t["df"], p=pvalue(t["p_value"], lang),
                      v=f(t["cramers_v"], ".2f")) + (f"; {t['note']}" if t["note"] else "") + ".")
    cc = study.churn_satisfied
    if cc is not None:
        h = study.params["horizon_days"]
        if np.isnan(cc["diff"]):
            out.append(_t("lo_churn_note", lang, note=cc["note"]))
        else:
            verdict = _t("lo_sig_diff" if cc["p_value"] < alpha else "lo_ns_diff", lang)
            out.append(_t("lo_churn", lang, ra=f(cc["rate_a"]), na=f(cc["n_a"], ","), rb=f(cc["rate_b"]),
                          nb=f(cc["n_b"], ","), h=h, d=f(cc["diff"], "+.1f"), ci=ci,
                          ci1=rng(cc["ci_low"], cc["ci_high"], "+.1f"), p=pvalue(cc["p_value"], lang),
                          verdict=verdict))
        if study.churn_aligned is not None and study.churn_aligned.left_out:
            out.append(_t("lo_left_out", lang, n=f(study.churn_aligned.left_out, ","), h=h))
        if study.churn_aligned is not None and not study.churn_aligned.timed:
            out.append(_t("lo_caveat", lang))
    if study.retention is not None:
        r = study.retention.set_index("category")
        ok = r.dropna(subset=["retention"])
        if len(ok):
            parts = [f"{cat(k)} {f(v['retention'])}% ({rng(v['ci_low'], v['ci_high'])}; n = {f(int(v['n']), ',')})"
                     for k, v in ok.iterrows()]
            out.append(_t("lo_retention", lang, h=study.params["horizon_days"], parts=", ".join(parts)))
            if {"promoter", "detractor"} <= set(ok.index):
                gap = ok.loc["promoter", "retention"] - ok.loc["detractor", "retention"]
                out.append(_t("lo_gap", lang, gap=f(gap, "+.1f"), left=f(100 - ok.loc["promoter", "retention"]),
                              stay=f(ok.loc["detractor", "retention"])))
    if study.segments is not None:
        seg = study.segments.dropna(subset=["nps"])
        if len(seg) >= 2:
            hi, lo = seg.loc[seg["nps"].idxmax()], seg.loc[seg["nps"].idxmin()]
            out.append(_t("lo_segments", lang, by=study.segment_by, lo=f(lo["nps"], "+.0f"), lo_seg=lo["segment"],
                          ci=ci, lo_ci=rng(lo["nps_ci_low"], lo["nps_ci_high"], "+.0f"), lo_n=f(int(lo["n"]), ","),
                          hi=f(hi["nps"], "+.0f"), hi_seg=hi["segment"],
                          hi_ci=rng(hi["nps_ci_low"], hi["nps_ci_high"], "+.0f"), hi_n=f(int(hi["n"]), ","),
                          c=c, cmin=f(seg["csat_mean"].min(), ".2f"), cmax=f(seg["csat_mean"].max(), ".2f")))
        small = study.segments[study.segments["suppressed"]]
        if len(small):
            out.append(_t("lo_small", lang, k=study.params["min_n"], names=", ".join(small["segment"])))
    out += [f"- {message(x, lang)}" for x in study.notes]
    return "\n".join(out)


def _describe_score_churn(study: LoyaltyStudy, lang: str, ci: str) -> str:
    """Text of the one-score study: what is missing, then the shares and retention by score."""
    def f(x: float, spec: str = ".1f") -> str:
        return num(x, spec, lang)

    def rng(lo: float, hi: float) -> str:
        return _t("range", lang, lo=f(lo), hi=f(hi))

    al = study.churn_aligned
    out = [f"- {study.not_applicable(lang)}"]
    if study.score_retention is None:
        return "\n".join(out)
    when = (_t("lo_sc_within", lang, h=study.params["horizon_days"]) if al is not None and al.timed
            else _t("lo_sc_flagged", lang))
    for key, s in (("lo_sc_left", study.satisfied_left), ("lo_sc_stayed", study.dissatisfied_stayed)):
        if s and s["n"]:
            out.append(_t(key, lang, m=study.csat, pct=f(s["pct"]), ci=ci, ci1=rng(s["ci_low"], s["ci_high"]),
                          n=f(s["n"], ","), when=when))
    r = study.score_retention.dropna(subset=["retention"])
    if len(r):
        parts = ", ".join(f"{study.csat} = {num(v['score'], 'g', lang)}: {f(v['retention'])}% "
                          f"({rng(v['ci_low'], v['ci_high'])}; n = {f(int(v['n']), ',')})" for _, v in r.iterrows())
        out.append(_t("lo_sc_retention", lang, parts=parts, when=when))
    if al is not None and not al.timed:
        out.append(_t("lo_caveat", lang))
    return "\n".join(out)
