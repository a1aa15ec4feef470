"""Effort (CES), NPS and satisfaction vs churn: which score predicts leaving, and how strongly.

Building blocks (each usable on its own DataFrame):

* :func:`churn_by_score` - churn rate per answer value with Wilson intervals;
  :func:`trend_test` - Cochran-Armitage test for a trend across ordered scores.
* :func:`metric_models` - logistic regression of churn on each metric, alone
  and with controls (odds ratios per point), degenerate data handled by
  :func:`cxkit.stats.logit.logit`.
* :func:`revenue_at_risk` - churn probability x value per segment, with an
  interval from the model's uncertainty; :func:`clv_values` - the value: the
  segment's estimated CLV (:func:`cxkit.clv`) where the data allows, else the declared one.
  The study's table comes from :func:`cxkit.research.risk.value_at_risk`, which builds on both and
  adds the CLV's own uncertainty to the interval.

:func:`churn_study` runs them all on a :class:`~cxkit.datasets.Dataset`
(time-aligned by :mod:`cxkit.alignment`, plus the AUC comparison of
:mod:`cxkit.auc`, survival from :mod:`cxkit.survival` and the monthly hazard of
:mod:`cxkit.hazard`), and :meth:`ChurnStudy.describe` writes the "what the data
says" text from the numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import log_expit

from .._blas import one_blas_thread
from .._checks import as_list, check_choice, check_columns
from .._progress import progress
from .._results import Study
from ..data.dataset import Dataset
from ..errors import DataError, ParameterError
from ..report.i18n import message, num, pvalue
from ..report.i18n import text as _t
from ..stats.auc import auc, auc_table, compare_auc, delong, risk_sign
from ..stats.bootstrap import MIN_BOOT
from ..stats.clv import CLVResult, clv
from ..stats.intervals import adjust_p, wilson
from ..stats.logit import INTERCEPT, LogitResult, logit, nested_lr
from ..stats.metrics import DEFAULT_MIN_N
from ..stats.suppression import suppress
from ..stats.survival import BAND_ORDER, CoxResult, KaplanMeier, cox, kaplan_meier, score_band
from ..stats.validation import brier_score, calibration_slope, calibration_table, cumulative_dynamic_auc
from .alignment import Aligned, align_churn, effective_cut, plain_ids
from .hazard import HazardResult, hazard_model

__all__ = ["churn_by_score", "trend_test", "metric_models", "validate_models", "revenue_at_risk", "clv_values", "ChurnStudy",
           "churn_study", "churn_applicable", "LANGS"]

LANGS = ("en", "nl")


def churn_by_score(frame: pd.DataFrame, score: str, outcome: str = "churned", *, level: float = 0.95,
                   min_n: int = DEFAULT_MIN_N, weights: str | None = None) -> pd.DataFrame:
    """Churn rate per answer value, with Wilson intervals.

    With ``weights`` (survey weights) the rate is the weighted share and the Wilson interval is
    computed on Kish's effective n (``(sum w)^2 / sum w^2``), to which ``min_n`` then applies.

    Returns
    -------
    DataFrame with one row per score value
        score, n, churned : answers and churners (rows)
        n_eff : Kish's effective n (only with ``weights``)
        churn_rate, ci_low, ci_high : in %, Wilson interval
        note, suppressed, suppressed_reason, suppressed_min_n, suppressed_unit : rates of values with
            fewer than ``min_n`` answers are blanked (:func:`cxkit.stats.suppression.suppress`)
    """
    check_columns(frame, [score, outcome] + ([weights] if weights else []), argument="score/outcome/weights")
    d = frame[[score, outcome] + ([weights] if weights else [])].dropna()
    g = d.groupby(score)[outcome].agg(["size", "sum"]).reset_index()
    g.columns = ["score", "n", "churned"]
    g["churned"] = g["churned"].astype(int)
    if weights:
        w = d[weights].astype(float)
        by = d.assign(_w=w, _wy=w * d[outcome].astype(float), _w2=w**2).groupby(score)[["_w", "_wy", "_w2"]].sum()
        share = (by["_wy"] / by["_w"].where(by["_w"] > 0)).to_numpy()
        neff = (by["_w"] ** 2 / by["_w2"].where(by["_w2"] > 0)).to_numpy()
        g["n_eff"] = neff
        lo, hi = wilson(share * neff, neff, level)
        g["churn_rate"] = 100 * share
    else:
        lo, hi = wilson(g["churned"], g["n"], level)
        g["churn_rate"] = 100 * g["churned"] / g["n"]
    g["ci_low"], g["ci_high"] = 100 * lo, 100 * hi
    note = np.where(g["churned"] == g["n"], "every customer churned", "")
    g["note"] = np.where(g["churned"] == 0, "no customer churned", note)
    # Weighted: the effective n decides (survey weights make fewer answers worth less).
    return suppress(g, size_col="n_eff" if weights else "n", value_cols=["churn_rate", "ci_low", "ci_high"],
                    min_n=min_n, unit="answers")


def trend_test(frame: pd.DataFrame, score: str, outcome: str = "churned") -> dict:
    """Cochran-Armitage test for a linear trend in churn across ordered scores.

    Uses the score values themselves as weights. (statsmodels' linear-by-linear
    association test, ``Table.test_ordinal_association``, is the same test up
    to the factor ``(N - 1) / N``; the Cochran-Armitage form is the one
    analysts know.)

    Returns
    -------
    dict with ``n, levels, z, p_value, direction`` ("rises", "falls" or
    "flat" as the score goes up) and ``note``.
    """
    check_columns(frame, [score, outcome], argument="score/outcome")
    d = frame[[score, outcome]].dropna()
    g = d.groupby(score)[outcome].agg(["size", "sum"])
    t, n_i, x_i = g.index.to_numpy(float), g["size"].to_numpy(float), g["sum"].to_numpy(float)
    N, X = n_i.sum(), x_i.sum()
    out = {"n": int(N), "levels": len(g), "z": np.nan, "p_value": np.nan, "direction": "flat", "note": ""}
    if len(g) < 2:
        out["note"] = "only one score value: no trend test"
        return out
    if X == 0 or X == N:
        out["note"] = "no churn variation: no trend test"
        return out
    p = X / N
    T = np.sum(t * (x_i - n_i * p))
    var = p * (1 - p) * (np.sum(n_i * t**2) - np.sum(n_i * t) ** 2 / N)
    z = T / np.sqrt(var)
    out.update(z=float(z), p_value=float(2 * stats.norm.sf(abs(z))), direction="rises" if z > 0 else "falls")
    return out


def _usable_controls(frame: pd.DataFrame, controls: Sequence[str]) -> tuple[list[str], list[str]]:
    have = [c for c in controls if c in frame.columns and frame[c].notna().any()]
    return have, [c for c in controls if c not in have]


def metric_models(frame: pd.DataFrame, metrics: Sequence[str], controls: Sequence[str] = (),
                  outcome: str = "churned", *, level: float = 0.95, cluster: str | None = None,
                  weights: str | None = None) -> tuple[pd.DataFrame, dict[str, LogitResult]]:
    """Logistic regression of ``outcome`` on each metric (per point), alone and with controls.

    With ``weights`` (survey weights) each model is the weighted pseudo-likelihood fit with sandwich
    standard errors (:func:`cxkit.stats.logit.logit` ``survey_weights``).

    Returns
    -------
    table : DataFrame with one row per metric and model
        metric, model ("alone" or "with controls"), n, events,
        coef, ci_low, ci_high (log odds per point of the metric), odds_ratio,
        odds_ratio_low, odds_ratio_high (per point), p_value,
        method, status, note
    fits : dict
        The :class:`~cxkit.logit.LogitResult` of each, keyed ``"<metric>|<model>"``.
    """
    rows, fits = [], {}
    controls = list(controls)
    for m in metrics:
        have, missing = _usable_controls(frame, controls)
        variants = [("alone", [])] + ([("with controls", have)] if have else [])
        for name, ctrl in variants:
            fit = logit(frame, outcome, [m], ctrl, level=level, cluster=cluster, survey_weights=weights)
            fits[f"{m}|{name}"] = fit
            used = _used_controls(fit, ctrl) if fit.fitted else list(ctrl)
            row = {"metric": m, "model": name, "controls": ", ".join(used), "n": fit.n, "events": fit.events,
                   "coef": np.nan, "ci_low": np.nan, "ci_high": np.nan, "odds_ratio": np.nan,
                   "odds_ratio_low": np.nan, "odds_ratio_high": np.nan, "p_value": np.nan,
                   "method": fit.method, "status": fit.status, "note": " ".join(fit.notes)}
            if fit.fitted and (fit.table["term"] == m).any():
                r = fit.term(m)
                row.update({c: r[c] for c in ("coef", "ci_low", "ci_high", "odds_ratio", "odds_ratio_low",
                                              "odds_ratio_high", "p_value")})
            if fit.fitted and len(used) < len(ctrl):
                row["note"] = ((row["note"] + " " if row["note"] else "")
                               + f"Controls left out of the fit: {[c for c in ctrl if c not in used]}.")
            if missing and name == "with controls":
                row["note"] = (row["note"] + " " if row["note"] else "") + f"Controls not in the data: {missing}."
            rows.append(row)
    return pd.DataFrame(rows), fits


def _delong_ci(y: np.ndarray, risk: np.ndarray, level: float) -> tuple[float, float, float]:
    a, cov = delong(y, risk[None, :])
    se = float(np.sqrt(cov[0, 0])) if np.isfinite(cov[0, 0]) else np.nan
    z = stats.norm.ppf(0.5 + level / 2)
    return float(a[0]), max(0.0, a[0] - z * se), min(1.0, a[0] + z * se)


def validate_models(frame: pd.DataFrame, metrics: Sequence[str], split_at: str | pd.Timestamp,
                    controls: Sequence[str] = (), outcome: str = "churned", *,
                    survival: Mapping[str, pd.DataFrame] | None = None, horizon_days: int | None = None,
                    level: float = 0.95, n_bins: int = 10, cluster: str | None = None,
                    min_events: int = 10) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Out-of-sample check of the churn models: trained before ``split_at``, tested on later answers.

    For each metric and model (alone, with controls; as :func:`metric_models`) the logistic model
    is fitted on answers given before ``split_at`` and scored on the answers given from then on.

    Parameters
    ----------
    frame : DataFrame or dict of metric to DataFrame
        Answers with ``answered_at``, the metric columns and ``outcome`` (one frame per metric
        when a dict, as :func:`cxkit.research.alignment.align_churn` gives them).
    split_at : date
        Answers before it train, answers on or after it test.
    survival : dict of metric to DataFrame, optional
        The metric's answers with ``time_days`` and ``event`` (no horizon): the time-dependent
        AUC at ``horizon_days`` is computed on those given on or after ``split_at``.

    Returns
    -------
    summary : DataFrame with one row per metric and model
        metric, model, split_at, n_train, events_train, n_test, events_test,
        auc_train, auc_test, auc_test_low, auc_test_high (DeLong interval),
        brier, brier_null (Brier of predicting the training churn rate for everyone),
        slope, slope_low, slope_high (calibration slope), observed, predicted (test churn in %),
        td_auc, td_cases, td_controls (cumulative/dynamic AUC at ``horizon_days``), note
    calibration : DataFrame
        metric, model, then :func:`cxkit.stats.validation.calibration_table` on the test answers.
    """
    split_at = pd.Timestamp(split_at)
    rows, cals = [], []
    for m in metrics:
        f = frame[m] if isinstance(frame, Mapping) else frame
        check_columns(f, ["answered_at", m, outcome], argument="frame")
        have, _ = _usable_controls(f, list(controls))
        variants = [("alone", [])] + ([("with controls", have)] if have else [])
        for name, ctrl in variants:
            d = f.dropna(subset=[m, outcome, *ctrl])
            train, test = d[d["answered_at"] < split_at], d[d["answered_at"] >= split_at]
            row: dict[str, Any] = {"metric": m, "model": name, "split_at": split_at, "n_train": len(train),
                                   "events_train": int(train[outcome].sum()), "n_test": len(test),
                                   "events_test": int(test[outcome].sum())}
            nan_cols = ("auc_train", "auc_test", "auc_test_low", "auc_test_high", "brier", "brier_null", "slope",
                        "slope_low", "slope_high", "observed", "predicted", "td_auc")
            row.update({c: np.nan for c in nan_cols})
            row.update(td_cases=0, td_controls=0, note="")
            few = min(row["events_train"], row["n_train"] - row["events_train"], row["events_test"],
                      row["n_test"] - row["events_test"])
            if few < min_events:
                row["note"] = (f"fewer than {min_events} churners or stayers before or after "
                               f"{split_at.date()}: not validated")
                rows.append(row)
                continue
            fit = logit(train, outcome, [m], ctrl, level=level, cluster=cluster)
            if not fit.fitted:
                row["note"] = f"no model on the training answers ({fit.status})"
                rows.append(row)
                continue
            y_tr, y = train[outcome].to_numpy(float), test[outcome].to_numpy(float)
            # Rounded so that rows with the same covariates tie exactly (the matrix product can differ in
            # the last bits between identical rows, which would break AUC ties at random).
            p_tr, p = np.round(fit.predict(train), 12), np.round(fit.predict(test), 12)
            auc_test, lo, hi = _delong_ci(y, p, level)
            sl = calibration_slope(y, p, level=level)
            row.update(auc_train=auc(y_tr, p_tr), auc_test=auc_test, auc_test_low=lo, auc_test_high=hi,
                       brier=brier_score(y, p), brier_null=brier_score(y, np.full(len(y), y_tr.mean())),
                       slope=sl["slope"], slope_low=sl["slope_low"], slope_high=sl["slope_high"],
                       observed=100 * y.mean(), predicted=100 * p.mean(), note=sl["note"])
            cals.append(calibration_table(y, p, n_bins, level=level).assign(metric=m, model=name))
            if survival is not None and horizon_days is not None and m in survival:
                s = survival[m].dropna(subset=[m, *ctrl])
                s = s[s["answered_at"] >= split_at]
                if len(s):
                    td = cumulative_dynamic_auc(s["time_days"], s["event"], np.round(fit.predict(s), 12),
                                                horizon_days)
                    row.update(td_auc=td["auc"], td_cases=td["cases"], td_controls=td["controls"])
                    if td["note"]:
                        row["note"] = "; ".join(x for x in (row["note"], td["note"]) if x)
            rows.append(row)
    cal_cols = ["metric", "model", "bin", "n", "events", "predicted", "observed", "ci_low", "ci_high"]
    cal = pd.concat(cals, ignore_index=True)[cal_cols] if cals else pd.DataFrame(columns=cal_cols)
    return pd.DataFrame(rows), cal


def revenue_at_risk(frame: pd.DataFrame, prob: np.ndarray, value: str = "value", by: str | None = "segment", *,
                    sims: np.ndarray | None = None, level: float = 0.95) -> pd.DataFrame:
    """Expected value lost: sum of churn probability x value, per group.

    Parameters
    ----------
    frame : DataFrame
        One row per current customer with ``value`` (and ``by``).
    prob : array
        Each customer's churn probability over the horizon.
    sims : array (n_sim, n), optional
        Simulated probabilities (from the model's uncertainty) for an interval.

    Returns
    -------
    DataFrame with one row per group (and a total row "all")
        group, customers, value : customers and their summed value
        expected_churners : sum of probabilities
        at_risk, ci_low, ci_high : sum of probability x value, with interval
        pct_at_risk : at_risk as % of value
    """
    check_columns(frame, [value] + ([by] if by else []), argument="value/by")
    v = frame[value].to_numpy(float)
    ok = ~np.isnan(v) & ~np.isnan(prob)
    groups = frame[by].astype(str).to_numpy() if by else np.full(len(frame), "all")
    a = (1 - level) / 2
    rows = []
    keys = sorted(set(groups[ok])) + (["all"] if by else [])
    sels = [ok & ((groups == k) if k != "all" or not by else True) for k in keys]
    if sims is not None:
        # Every group's simulated totals in one product (value in the group's column, 0 elsewhere), instead of
        # copying the customers' columns of the n_sim x customers matrix once per group.
        V = np.column_stack([np.where(sel, v, 0.0) for sel in sels])[ok]
        totals = (sims if ok.all() else sims[:, ok]) @ V
    for j, (k, sel) in enumerate(zip(keys, sels, strict=True)):
        risk = float(np.sum(prob[sel] * v[sel]))
        row = {"group": k, "customers": int(sel.sum()), "value": float(v[sel].sum()),
               "expected_churners": float(prob[sel].sum()), "at_risk": risk, "ci_low": np.nan, "ci_high": np.nan}
        if sims is not None:
            tot = totals[:, j]
            row.update(ci_low=float(np.quantile(tot, a)), ci_high=float(np.quantile(tot, 1 - a)))
        rows.append(row)
    out = pd.DataFrame(rows)
    out["pct_at_risk"] = 100 * out["at_risk"] / out["value"].where(out["value"] != 0)
    return out.rename(columns={"group": by or "group"})


def clv_values(frame: pd.DataFrame, segment_clv: CLVResult | None, by: str | None,
               value: str = "value") -> tuple[pd.Series, pd.Series, str]:
    """Each customer's value to put at risk: their segment's estimated CLV, else the declared ``value``.

    The one rule behind every revenue-at-risk table (notebook 03's churn study and notebook 07's
    :func:`cxkit.research.value.clv_revenue_at_risk`).

    Parameters
    ----------
    frame : DataFrame
        One row per current customer, with ``by`` (and ``value`` when declared).
    segment_clv : CLVResult or None
        :func:`cxkit.clv` per ``by`` (or over all customers when ``by`` is None); None: no estimate.
    by : str or None
        Segment column.
    value : str
        The declared value column, used where a segment has no estimate.

    Returns
    -------
    (value_used, value_source, note)
        Two Series on ``frame``'s index (``"estimated CLV"`` or ``"declared <value>"``) and an empty
        note when every customer got a CLV, else a sentence saying where the declared value was used.
    """
    key = frame[by].astype(str) if by else pd.Series("all", index=frame.index)
    est = pd.Series(dtype=float)
    if segment_clv is not None and segment_clv.by == ([by] if by else []):
        s = segment_clv.summary().dropna(subset=["clv"])
        est = s.set_index(s[by].astype(str))["clv"] if by else pd.Series(s["clv"].to_numpy(), index=["all"] * len(s))
    est_for = key.map(est) if len(est) else pd.Series(np.nan, index=frame.index)
    has = est_for.notna()
    declared = (pd.to_numeric(frame[value], errors="coerce") if value in frame.columns
                else pd.Series(np.nan, index=frame.index))
    used = est_for.where(has, declared).astype(float)
    source = pd.Series(np.where(has, "estimated CLV", f"declared {value}"), index=frame.index)
    if has.all():
        note = ""
    elif has.any():
        note = (f"Value at risk: estimated lifetime value where the segment had enough customers; declared `{value}` "
                f"for segments {sorted(set(key[~has]))}.")
    else:
        note = f"Value at risk: no lifetime value could be estimated; declared `{value}` is used."
    return used, source, note


def _source_column(table: pd.DataFrame, frame: pd.DataFrame, source: pd.Series, by: str | None) -> pd.DataFrame:
    """``value_source`` per row of a :func:`revenue_at_risk` table (the total row: the common source or mixed)."""
    key = frame[by].astype(str) if by else pd.Series("all", index=frame.index)
    per = source.groupby(key).agg(lambda s: s.iloc[0] if s.nunique() == 1 else "mixed")
    overall = source.iloc[0] if source.nunique() == 1 else "mixed"
    table["value_source"] = table[by or "group"].map(per).fillna(overall) if by else overall
    return table


def _simulate(fit: LogitResult, X: np.ndarray, n_sim: int, seed: int, months: float | None = None) -> np.ndarray:
    """Probabilities under coefficient draws from the estimate's normal approximation.

    With ``months``, the probability of churning within that many months of a monthly hazard,
    ``1 - (1 - h)^months``, computed as ``-expm1(months * log(1 - h))`` with ``log(1 - h) =
    log_expit(-eta)`` (the same number to round-off, a third of the cost of the power). The
    n_sim x customers matrix is filled in blocks of draws, in place, so each block stays in the
    processor's cache (three times faster than whole-matrix temporaries, bit for bit the same).
    """
    rng = np.random.default_rng(seed)
    draws = rng.multivariate_normal(fit.params.to_numpy(float), fit.cov.to_numpy(float), size=n_sim,
                                    check_valid="ignore")
    out = np.empty((n_sim, X.shape[0]))
    step = 50
    for i in range(0, n_sim, step):
        e = draws[i:i + step] @ X.T
        np.negative(e, out=e)
        if months is not None:
            log_expit(e, out=e)
            e *= months
            np.expm1(e, out=e)
            np.negative(e, out=out[i:i + step])
        else:
            np.exp(e, out=e)
            e += 1
            np.divide(1.0, e, out=out[i:i + step])
    return out


# -- the whole study --------------------------------------------------------------------------
@dataclass(frozen=True, repr=False)
class ChurnStudy(Study):
    """Everything the churn notebook shows, computed from one dataset and one set of parameters.

    Attributes
    ----------
    aligned : dict of metric to Aligned
        Each metric's answers with churn within the horizon after them.
    by_score : DataFrame
        :func:`churn_by_score` per metric (column ``metric``).
    trends : DataFrame
        :func:`trend_test` per metric, with Holm-adjusted ``p_adj``.
    models : DataFrame
        :func:`metric_models` (odds ratio per point, alone and with controls).
    auc : DataFrame
        AUC per metric on its own answers (:func:`cxkit.auc.auc_table`).
    auc_pairs : DataFrame
        Paired AUC comparisons on customers who answered both within the window.
    lr_tests : DataFrame
        Does one metric add to another (likelihood-ratio tests of nested models)?
    km : dict of metric to KaplanMeier
        Time to churn by score band.
    cox : dict of metric to CoxResult
        Hazard ratios of the bands (with controls), proportional-hazards check.
    hazard : HazardResult or None
        Monthly churn hazard on the latest answers (needs dates).
    revenue : DataFrame or None
        Revenue at risk per segment, with ``value_source`` (``estimated CLV``, ``declared <value>`` or
        ``mixed``): segment CLV when customers have dates and ``value`` is revenue per month.
    validation, calibration : DataFrame or None
        :func:`validate_models`: each model trained on the answers before a cut-off date and
        checked on the later ones (AUC, Brier score, calibration slope, time-dependent AUC at
        the horizon; observed vs predicted churn per decile). None without dates.
    """

    dataset: str
    metrics: tuple[str, ...]
    params: Mapping[str, object]
    timed: bool
    aligned: Mapping[str, Aligned]
    by_score: pd.DataFrame
    trends: pd.DataFrame
    models: pd.DataFrame
    fits: Mapping[str, LogitResult]
    auc: pd.DataFrame
    auc_pairs: pd.DataFrame
    lr_tests: pd.DataFrame
    km: Mapping[str, KaplanMeier]
    cox: Mapping[str, CoxResult]
    hazard: HazardResult | None
    revenue: pd.DataFrame | None
    revenue_note: str
    notes: tuple[str, ...] = field(default_factory=tuple)
    validation: pd.DataFrame | None = None
    calibration: pd.DataFrame | None = None

    def describe(self, lang: str = "en") -> str:
        """The "what the data says" text, generated from the results (markdown bullets)."""
        return describe_churn(self, lang=lang)

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table the notebook shows, by the name its CSV copy gets."""
        out = {"churn_by_score": self.by_score, "trend_tests": self.trends, "models": self.models, "auc": self.auc,
               "auc_pairs": self.auc_pairs, "lr_tests": self.lr_tests}
        out.update({f"km_{m}": k.at for m, k in self.km.items()})
        out.update({f"cox_{m}": c.table for m, c in self.cox.items()})
        if self.hazard is not None:
            out["hazard"] = self.hazard.table
        if self.revenue is not None:
            out["revenue_at_risk"] = self.revenue
        if self.validation is not None:
            out["validation"] = self.validation
            out["calibration"] = self.calibration
        return out

    @property
    def figures(self) -> dict[str, Callable[..., Any]]:
        """``churn_by_score_<metric>``, ``odds_ratios``, ``auc``, ``km_<metric>``, ``revenue_at_risk``, ``calibration``."""
        from ..report import plots as rp

        def by_score(m: str) -> Callable[..., Any]:
            return lambda ax=None: rp.churn_by_score(self.by_score[self.by_score["metric"] == m], ax=ax, label=m)

        def km(m: str) -> Callable[..., Any]:
            return lambda ax=None: rp.km_curves(self.km[m], ax=ax, title=m)

        out = {f"churn_by_score_{m}": by_score(m) for m in self.metrics}
        out["odds_ratios"] = lambda ax=None: rp.odds_ratios(self.models, ax=ax)
        out["auc"] = lambda ax=None: rp.auc_compare(self.auc, ax=ax)
        out.update({f"km_{m}": km(m) for m in self.km})
        if self.revenue is not None:
            out["revenue_at_risk"] = lambda ax=None: rp.revenue_at_risk(self.revenue, ax=ax)
        if self.calibration is not None and len(self.calibration):
            out["calibration"] = lambda ax=None: rp.calibration(self.calibration, ax=ax)
        return out


def _default_metrics(ds: Dataset) -> list[str]:
    out = []
    for kind in ("ces", "nps", "csat"):
        out += ds.metrics(kind)
    return out


def _signs(ds: Dataset, metrics: Sequence[str]) -> dict[str, int]:
    return {m: risk_sign(ds.scale(m)) for m in metrics}


def churn_applicable(ds: Dataset, metrics: Sequence[str] | None = None, lang: str = "en") -> str:
    """Whether :func:`churn_study` can run on ``ds``: ``""`` when it can, else one plain paragraph why not.

    The study needs at least one CES, NPS or CSAT metric and a customers table with a churn label
    (``churned``) or an end date. The paragraph (``lang``: en, nl) is meant for
    :func:`cxkit.report.kpis.not_applicable`, so the notebook ends with status ``not applicable``
    instead of a traceback.
    """
    check_choice("lang", lang, LANGS)
    have = list(metrics) if metrics else _default_metrics(ds)
    if not have:
        return _t("ch_na_metrics", lang, name=ds.name, metrics=", ".join(ds.metrics()) or "-")
    cust = ds.customers
    if cust is None or not ({"churned", "end_date"} & set(cust.columns)):
        return _t("ch_na_churn", lang, name=ds.name)
    return ""


@one_blas_thread()  # tall, narrow matrices: BLAS threads only wait (cxkit/_blas.py)
def churn_study(ds: Dataset, metrics: Sequence[str] | None = None, *, horizon_days: int = 180,
                window_days: int = 90, as_of: str | pd.Timestamp | None = None,
                controls: Sequence[str] = ("tenure_years", "segment", "channel"), keep: str = "first",
                level: float = 0.95, n_boot: int = 1000, seed: int = 0, min_n: int = DEFAULT_MIN_N,
                value: str = "value", segment: str = "segment", survival_times: Sequence[int] = (90, 180, 365),
                hazard: bool = True, split_at: str | pd.Timestamp | None = None,
                use_leaky_controls: bool = False, discount: float = 0.10, horizon: int = 60) -> ChurnStudy:
    """Run the whole churn analysis of the CES / NPS / CSAT metrics of ``ds``.

    Parameters
    ----------
    metrics : list of str, optional
        Default: every CES, NPS and CSAT metric of the dataset, in that order.
    horizon_days : int
        Churn counts when it happens within this many days after the answer.
    window_days : int
        Two metrics are compared on customers who answered both within this window.
    as_of : date, optional
        Data cut-off (the run date). Answers whose horizon ends later are left out.
    controls : list of str
        Columns to control for where present (``tenure_years`` is computed
        from the start date; ``channel`` is the answer's channel).
    keep : {"first", "last", "all"}
        Which answers per customer (see :mod:`cxkit.alignment`).
    n_boot : int
        Bootstrap resamples for the AUC intervals (also coefficient draws for
        the revenue-at-risk interval).
    seed : int
        Seed of every random draw, for reproducible reports.
    split_at : date, optional
        Cut-off of the out-of-sample check (:func:`validate_models`): models trained on answers
        before it are tested on the answers from it on. Default: the date before which 70% of the
        analysed answers (all metrics) were given.
    value, segment : str
        Customer value column and segment column of the revenue at risk. With start and end dates,
        ``value`` is read as revenue per month and each customer is valued at their segment's
        estimated CLV (:func:`cxkit.clv` with ``discount`` and ``horizon``); otherwise (or for a suppressed
        segment) at the declared ``value``. The table's ``value_source`` says which; its interval
        combines the churn model's draws with the CLV's bootstrap (:mod:`cxkit.research.risk`).
    discount, horizon : float, int
        Yearly discount rate and horizon in months of the lifetime value used for revenue at risk
        (as in :func:`cxkit.clv`; ``horizon`` is months of future revenue, not ``horizon_days``).
    use_leaky_controls : bool
        Controls the dataset lists as probable leakage (:attr:`Dataset.leakage`: a near-copy
        of churn, or recorded at/after it) are left out of the models unless this is true.

    Returns
    -------
    ChurnStudy
    """
    check_choice("keep", keep, ("first", "last", "all"))
    metrics = list(metrics) if metrics else _default_metrics(ds)
    if not metrics:
        raise ParameterError(f"dataset {ds.name!r} declares no NPS, CSAT or CES metric; scales: {sorted(ds.scales)}.")
    for m in metrics:
        ds.scale(m)
    controls = as_list(controls)
    signs = _signs(ds, metrics)
    cluster = "customer_id" if keep == "all" else None
    params = {"horizon_days": horizon_days, "window_days": window_days, "as_of": as_of, "controls": controls,
              "keep": keep, "level": level, "n_boot": n_boot, "seed": seed, "min_n": min_n, "split_at": split_at,
              "discount": discount, "horizon": horizon}
    wcol = "weight" if ds.weighted else None
    notes: list[str] = []
    if wcol:
        notes.append("Survey weights applied to the churn rates by score (Kish effective n), the logistic models "
                     "(sandwich standard errors), the Kaplan-Meier curves and the Cox models (sandwich standard "
                     "errors). Not weighted: the trend tests, AUCs, DeLong and likelihood-ratio tests, the "
                     "out-of-sample check and the monthly hazard model; they describe the respondents.")
    leaky = [] if use_leaky_controls else ds.leaky(controls)
    if leaky:
        # A near-copy of churn as a control would distort every other estimate (data/leakage.py).
        controls = [c for c in controls if c not in leaky]
        params["controls"] = controls
        notes.append(f"Left out of the models as probable leakage: {', '.join(leaky)} (each tells churners from "
                     "stayers almost perfectly on its own, so it records the churn rather than predicting it).")
    unused = [c for c in ds.leaky() if c not in leaky and c not in metrics]
    if unused:
        # Named even when not asked for as a control: a reader of the churn report must not find it elsewhere.
        notes.append("Never used in these models, as probable leakage: " + " ".join(
            ds.leakage[c][len("probable leakage: "):].split(". ")[0] + "." for c in unused)
            + " A column this close to churn records the churn rather than predicting it.")
    if keep == "all":
        notes.append("keep='all': the regressions cluster by customer, but the AUC intervals, DeLong tests and "
                     "trend tests treat every answer as independent, so with several answers per customer they "
                     "are too narrow.")
    aligned = {m: align_churn(ds, m, horizon_days=horizon_days, as_of=as_of, keep=keep) for m in metrics}
    timed = all(a.timed for a in aligned.values())
    by_score, trends, model_tables, fits = [], [], [], {}
    for m, a in progress(aligned.items(), total=len(aligned), desc="churn study", unit="metric"):
        by_score.append(churn_by_score(a.frame, m, level=level, min_n=min_n, weights=wcol).assign(metric=m))
        trends.append({"metric": m, **trend_test(a.frame, m)})
        tab, f = metric_models(a.frame, [m], controls, level=level, cluster=cluster, weights=wcol)
        model_tables.append(tab)
        fits.update(f)
    by_score_df = pd.concat(by_score, ignore_index=True)
    by_score_df = by_score_df[["metric"] + [c for c in by_score_df.columns if c != "metric"]]
    trends_df = pd.DataFrame(trends)
    trends_df["p_adj"] = adjust_p(trends_df["p_value"], "holm")
    models_df = pd.concat(model_tables, ignore_index=True)
    auc_parts = [auc_table(a.frame, {m: signs[m]}, n_boot=n_boot, seed=seed + i, level=level)
                 for i, (m, a) in enumerate(aligned.items())]
    auc_df = pd.concat(auc_parts, ignore_index=True).rename(columns={"score": "metric"})
    pairs, lrs = [], []
    for i, (a_m, b_m) in enumerate(combinations(metrics, 2)):
        try:
            pa = align_churn(ds, [a_m, b_m], window_days=window_days, horizon_days=horizon_days, as_of=as_of,
                             keep=keep)
        except ParameterError:
            raise
        except Exception as exc:  # a pair without common customers is reported, not fatal
            pairs.append({"a": a_m, "b": b_m, "n": 0, "events": 0, "note": str(exc)})
            continue
        pairs.append(compare_auc(pa.frame, a_m, b_m, signs, n_boot=n_boot, seed=seed + 100 + i, level=level))
        have, _ = _usable_controls(pa.frame, controls)
        have = [c for c in have if pa.frame[c].nunique() > 1]
        for base, add in ((a_m, b_m), (b_m, a_m)):
            lrs.append(nested_lr(pa.frame, "churned", [base], [add], have, level=level))
    auc_pairs = pd.DataFrame(pairs)
    lr_df = pd.concat(lrs, ignore_index=True) if lrs else pd.DataFrame()
    km, cox_res, surv = {}, {}, {}
    if timed:
        for m in metrics:
            sa = align_churn(ds, m, horizon_days=None, as_of=as_of, keep="first")
            surv[m] = sa.frame
            f = sa.frame.assign(band=score_band(sa.frame[m], ds.scale(m)))
            km[m] = kaplan_meier(f, group="band", times=survival_times, level=level, min_n=min_n, weights=wcol)
            have, _ = _usable_controls(f, [c for c in controls if c != "channel"])
            ref = {"band": BAND_ORDER[ds.scale(m).kind][1]}
            cox_res[m] = cox(f, ["band", *have], categorical=["band"], reference=ref, level=level, weights=wcol)
    else:
        notes.append("Without answer and churn dates there is no time to churn: survival curves and the "
                     "monthly hazard model are not available.")
    hz = None
    cust_ctrl = [c for c in controls if ds.customers is not None and c in ds.customers.columns]
    has_start = ds.customers is not None and "start_date" in ds.customers.columns and \
        ds.customers["start_date"].notna().any()
    if timed and hazard and not has_start:
        notes.append("Customers have no start dates: the monthly hazard model is not available.")
    if timed and hazard and has_start:
        hz = hazard_model(ds, metrics, [*cust_ctrl, *([c for c in controls if c == "tenure_years"])],
                          as_of=as_of, level=level)
    validation = calibration = None
    if timed:
        if split_at is None:
            dates = pd.concat([a.frame["answered_at"] for a in aligned.values()])
            split_at = dates.quantile(0.7).normalize()
        validation, calibration = validate_models({m: a.frame for m, a in aligned.items()}, metrics, split_at,
                                                  controls, survival=surv, horizon_days=horizon_days,
                                                  level=level, cluster=cluster)
    else:
        notes.append("Without answer dates the models cannot be checked on later answers (out-of-sample "
                     "validation needs a time split).")
    revenue, rnote = _revenue(ds, aligned, hz, fits, metrics, controls, value, segment, horizon_days, as_of,
                              n_boot, seed, level, timed, discount=discount, horizon=horizon)
    return ChurnStudy(dataset=ds.name, metrics=tuple(metrics), params=params, timed=timed, aligned=aligned,
                      by_score=by_score_df, trends=trends_df, models=models_df, fits=fits, auc=auc_df,
                      auc_pairs=auc_pairs, lr_tests=lr_df, km=km, cox=cox_res, hazard=hz, revenue=revenue,
                      revenue_note=rnote, notes=tuple(notes), validation=validation, calibration=calibration)


def _revenue(ds, aligned, hz, fits, metrics, controls, value, segment, horizon_days, as_of, n_sim, seed, level,
             timed, *, discount=0.10, horizon=60):
    """Revenue at risk among current customers: from the monthly hazard when dated, else the label model."""
    # The table, its interval and its value note are value_at_risk's, shared with notebook 07 (imported here, not at
    # the top: research.risk builds on this module's revenue_at_risk and clv_values).
    from .risk import PROB_MODEL, value_at_risk

    cust = ds.customers
    if cust is None or value not in cust.columns:
        return None, f"No `{value}` column for customers: revenue at risk cannot be computed."
    by = segment if segment in cust.columns else None
    if hz is not None and hz.model.fitted:
        cut, _ = effective_cut(ds, as_of)
        active = cust[(cust["start_date"] <= cut) & (cust["end_date"].isna() | (cust["end_date"] > cut))].copy()
        active["tenure_years"] = (cut - active["start_date"]).dt.days / 365.25
        for m, coding in hz.coding.items():
            ans = ds.responses[(ds.responses["metric"] == m) & (ds.responses["answered_at"] <= cut)]
            last = ans.assign(customer_id=plain_ids(ans["customer_id"])).sort_values("answered_at").groupby(
                "customer_id")["score"].last()
            raw = plain_ids(active["customer_id"]).map(last)
            scale = ds.scale(m)
            if coding == "linear":
                active[m] = (raw - (scale.min + scale.max) / 2).fillna(0.0)
                active[f"{m}_none"] = raw.isna().astype(float)
            else:
                band = pd.Series(np.asarray(score_band(raw, scale), dtype=object), index=active.index)
                active[f"{m}_band"] = band.fillna("none").astype(str)
        fit = hz.model
        X = fit.design_matrix(active).to_numpy(float)
        months = horizon_days / 30.4375
        h = fit.predict(active)
        prob = 1 - (1 - h) ** months
        sims = _simulate(fit, X, n_sim, seed, months) if n_sim else None
        # Dates and a revenue column: value each customer at the segment's estimated CLV (cx.clv), with its
        # bootstrap draws so the interval covers the lifetime value too (n_boot below MIN_BOOT: point only).
        try:
            seg = clv(cust, by=by, revenue=value, as_of=cut, discount=discount, horizon=horizon, level=level,
                      n_boot=n_sim if n_sim >= MIN_BOOT else 0, seed=seed)
        except (DataError, ParameterError):  # e.g. no end dates or a non-numeric value: declared value
            seg = None
        table, vnote = value_at_risk(active, prob, by, value, seg, prob_draws=sims, prob_from=PROB_MODEL, level=level)
        note = (f"Probability of leaving within {horizon_days} days for the {len(active):,} customers active on "
                f"{cut.date()}, from the monthly hazard model with their latest answers held fixed.")
        return table, note + "\n" + vnote
    # Untimed: the label model of the first metric with controls, applied to customers who have not churned.
    m = metrics[0]
    fit = fits.get(f"{m}|with controls") or fits.get(f"{m}|alone")
    if fit is None or not fit.fitted:
        return None, "No churn model could be fitted: revenue at risk is not computed."
    f = aligned[m].frame
    current = f[~f["churned"].astype(bool)].copy()
    if current.empty:
        return None, "No current customers left to put at risk."
    X = fit.design_matrix(current).to_numpy(float)
    prob = fit.predict(current)
    sims = _simulate(fit, X, n_sim, seed) if n_sim else None
    note = (f"Churn probability from the model of the churn label on {m}"
            + (f" and {', '.join(_used_controls(fit, fit.controls))}" if _used_controls(fit, fit.controls) else "")
            + f" ({fit.method}), for the {len(current):,} customers not (yet) churned, times `{value}`. Without "
            "dates this is no forecast: it is how much value sits with customers who look like those who left.")
    # Without dates there is no retention curve, so no CLV: the declared value, said in `value_source`.
    table, vnote = value_at_risk(current, prob, by, value, None, prob_draws=sims, prob_from=PROB_MODEL, level=level)
    return table, note + "\n" + vnote


# -- generated text -----------------------------------------------------------------------------
def _ci(lo: float, hi: float, spec: str = ".1f", lang: str = "en") -> str:
    return _t("range", lang, lo=num(lo, spec, lang), hi=num(hi, spec, lang))


def _sig(p: float, alpha: float) -> bool:
    return not np.isnan(p) and p < alpha


def _describe_validation(study: ChurnStudy, lang: str, ci: str) -> list[str]:
    """The out-of-sample sentences: per score (model alone) AUC, Brier, calibration slope; then the verdict."""
    v = study.validation
    if v is None:
        return [_t("ch_no_valid", lang)] if not study.timed else []
    alone = v[(v["model"] == "alone") & v["auc_test"].notna()]
    if alone.empty:
        return []
    h = study.params["horizon_days"]
    parts = []
    for _, r in alone.iterrows():
        td = (_t("ch_valid_td", lang, h=h, td=num(r["td_auc"], ".2f", lang)) if not np.isnan(r["td_auc"]) else "")
        parts.append(_t("ch_valid_part", lang, m=r["metric"], auc=num(r["auc_test"], ".2f", lang),
                        ci1=_ci(r["auc_test_low"], r["auc_test_high"], ".2f", lang), brier=num(r["brier"], ".3f", lang),
                        slope=num(r["slope"], ".2f", lang), ci2=_ci(r["slope_low"], r["slope_high"], ".2f", lang),
                        td=td))
    date = pd.Timestamp(alone["split_at"].iloc[0]).date()
    nulls = "; ".join(f"{r['metric']} {num(r['brier_null'], '.3f', lang)}" for _, r in alone.iterrows())
    out = [_t("ch_valid", lang, date=date, n=num(int(alone["n_test"].max()), ",", lang), ci=ci,
              parts="; ".join(parts), null=nulls)]
    ranked = alone.sort_values("auc_test", ascending=False)
    best = ranked.iloc[0]
    nxt = "".join(_t("ch_verdict_next", lang, m=r["metric"], auc=num(r["auc_test"], ".2f", lang))
                  for _, r in ranked.iloc[1:].iterrows())
    out.append(_t("ch_verdict", lang, date=date, best=best["metric"], auc=num(best["auc_test"], ".2f", lang), ci=ci,
                  ci1=_ci(best["auc_test_low"], best["auc_test_high"], ".2f", lang),
                  n=num(int(best["n_test"]), ",", lang), ev=num(int(best["events_test"]), ",", lang), next=nxt))
    return out


def _reversed_auc(r: pd.Series, lang: str) -> str:
    """For an AUC below 0.5: say the relation runs the other way, with the reversed figure (0.42 -> 0.58)."""
    if not r["auc"] < 0.5:
        return ""
    return "; " + _t("ch_auc_reversed", lang, half=num(0.5, "g", lang), rev=num(1 - r["auc"], ".2f", lang),
                     rci=_ci(1 - r["ci_high"], 1 - r["ci_low"], ".2f", lang))


def _used_controls(fit: LogitResult | None, controls: Sequence[str]) -> list[str]:
    """The controls with at least one column left in the fitted model (not dropped as constant or collinear)."""
    if fit is None or fit.params is None:
        return []
    cols = list(fit.params.index)
    return [c for c in controls if any(col == c or col.startswith(f"{c}[") for col in cols)]


def describe_churn(study: ChurnStudy, lang: str = "en") -> str:
    """Plain sentences from a :class:`ChurnStudy` (numbers with intervals and the caveats that apply).

    ``lang`` (``en``, ``nl``) sets the words and the number format (``0.68`` / ``0,68``). Notes gathered
    from the fits and the data checks are passed through as written.
    """
    check_choice("lang", lang, LANGS)
    lv = study.level
    pct = round(100 * lv)
    alpha = 1 - lv
    h = study.params["horizon_days"]
    ci = _t("ci_pct", lang, pct=pct)

    def n_(x: float) -> str:
        return num(x, ",", lang)

    def p_(x: float) -> str:
        return pvalue(x, lang)

    out: list[str] = []
    # Data and alignment
    for m, a in study.aligned.items():
        if study.timed:
            out.append(_t("ch_timed", lang, m=m, n=n_(a.n), churned=n_(int(a.frame["churned"].sum())), h=h,
                          left=n_(a.left_out), date=a.as_of.date()))
        else:
            out.append(_t("ch_untimed", lang, m=m, n=n_(a.n), churned=n_(int(a.frame["churned"].sum()))))
    if not study.timed:
        out.append(_t("ch_caveat", lang))
    # Rates and trend
    sig_any = False
    for _, t in study.trends.iterrows():
        m = t["metric"]
        tab = study.by_score[(study.by_score["metric"] == m) & ~study.by_score["suppressed"]]
        if len(tab) >= 2:
            lo_r, hi_r = tab.iloc[0], tab.iloc[-1]
            span = _t("ch_span", lang, r1=num(lo_r["churn_rate"], ".1f", lang), ci=ci,
                      ci1=_ci(lo_r["ci_low"], lo_r["ci_high"], lang=lang), n1=n_(int(lo_r["n"])), m=m,
                      s1=num(lo_r["score"], "g", lang), r2=num(hi_r["churn_rate"], ".1f", lang),
                      ci2=_ci(hi_r["ci_low"], hi_r["ci_high"], lang=lang), n2=n_(int(hi_r["n"])),
                      s2=num(hi_r["score"], "g", lang))
        else:
            span = _t("ch_span_few", lang)
        if _sig(t["p_adj"], alpha):
            sig_any = True
            holm = (_t("ch_holm", lang, k=len(study.trends), p=p_(t["p_adj"])) if len(study.trends) > 1 else "")
            direction = _t(t["direction"], lang) if t["direction"] in ("rises", "falls", "flat") else t["direction"]
            out.append(_t("ch_trend", lang, direction=direction, m=m, span=span, p=p_(t["p_value"]), holm=holm))
        else:
            why = message(t["note"], lang) or (_t("ch_holm_p", lang, p=p_(t["p_adj"])) if len(study.trends) > 1
                                else _t("ch_trend_p", lang, p=p_(t["p_value"])))
            out.append(_t("ch_no_trend", lang, m=m, span=span, why=why))
    # Models
    for _, r in study.models.iterrows():
        if r["status"] == "separation":
            out.append(_t("ch_sep", lang, m=r["metric"], model=r["model"], method=r["method"]))
            continue
        if r["status"] != "ok" or np.isnan(r["odds_ratio"]):
            if r["status"] != "ok":
                out.append(_t("ch_status", lang, m=r["metric"], model=r["model"], status=r["status"],
                              note=message(r["note"], lang)))
            continue
        ctrl = _t("ch_ctrl", lang, controls=r["controls"]) if r["controls"] else ""
        verdict = "" if _sig(r["p_value"], alpha) else _t("ch_or_ns", lang)
        out.append(_t("ch_or", lang, m=r["metric"], ctrl=ctrl, odds=num(r["odds_ratio"], ".2f", lang), ci=ci,
                      ci1=_ci(r["odds_ratio_low"], r["odds_ratio_high"], ".2f", lang), p=p_(r["p_value"]), n=n_(r["n"]),
                      ev=n_(r["events"]), verdict=verdict))
    # Discrimination
    auc = study.auc.dropna(subset=["auc"]).sort_values("auc", ascending=False)
    if len(auc):
        parts = [f"{r['metric']} {num(r['auc'], '.2f', lang)} ({_ci(r['ci_low'], r['ci_high'], '.2f', lang)}; "
                 f"n = {n_(r['n'])}" + _reversed_auc(r, lang) + ")" for _, r in auc.iterrows()]
        out.append(_t("ch_auc", lang, half=num(0.5, "g", lang), pct=pct, parts=", ".join(parts)))
    out += _describe_validation(study, lang, ci)
    for _, r in study.auc_pairs.iterrows():
        if np.isnan(r.get("diff", np.nan)):
            out.append(f"- {r['a']} {_t('vs', lang)} {r['b']}: {message(r.get('note', _t('no_comparison', lang)), lang)}.")
            continue
        better = r["a"] if r["diff"] > 0 else r["b"]
        # Without dates there is no before and after: a closer association, not a better prediction.
        verdict = (_t("ch_auc_better" if study.timed else "ch_auc_assoc_better", lang, better=better)
                   if _sig(r["p_value"], alpha) else _t("no_sig_diff", lang))
        rev = [x for x, v in ((r["a"], r["auc_a"]), (r["b"], r["auc_b"])) if v < 0.5]
        if rev:  # a reversed relation is not 'worse': a ranking on oriented AUCs would mislead
            verdict = _t("ch_auc_pair_reversed", lang, rev=", ".join(rev), half=num(0.5, "g", lang))
        out.append(_t("ch_auc_pair" if study.timed else "ch_auc_pair_untimed", lang, a=r["a"], b=r["b"], n=n_(r["n"]), w=study.params["window_days"],
                      ev=n_(r["events"]), aa=num(r["auc_a"], ".2f", lang), ab=num(r["auc_b"], ".2f", lang),
                      d=num(r["diff"], "+.2f", lang), ci=ci, ci1=_ci(r["ci_low"], r["ci_high"], "+.2f", lang),
                      p=p_(r["p_value"]), verdict=verdict))
    for _, r in study.lr_tests.iterrows():
        if np.isnan(r["p_value"]):
            continue
        verdict = _t("ch_lr_adds" if _sig(r["p_value"], alpha) else "ch_lr_nothing", lang, added=r["added"])
        out.append(_t("ch_lr", lang, base=r["base"], verdict=verdict, lr=num(r["lr_stat"], ".1f", lang),
                      df=int(r["df"]), p=p_(r["p_value"])))
    # Survival
    for m, k in study.km.items():
        at = k.at.dropna(subset=["survival"])
        if at.empty:
            continue
        tmax = at["time"].max()
        last = at[at["time"] == tmax]
        parts = [f"{r['group']} {num(100 * r['survival'], '.1f', lang)}% "
                 f"({_ci(100 * r['ci_low'], 100 * r['ci_high'], lang=lang)})" for _, r in last.iterrows()]
        test = (_t("ch_logrank", lang, p=p_(k.logrank_p)) if not np.isnan(k.logrank_p)
                else _t("ch_no_logrank", lang))
        out.append(_t("ch_km", lang, t=num(tmax, "g", lang), m=m, parts=", ".join(parts), test=test))
    for m, c in study.cox.items():
        bands = c.table[c.table["term"].str.startswith("band[")]
        if bands.empty:
            continue
        parts = [f"{r['term'][5:-1]} {num(r['hazard_ratio'], '.2f', lang)} "
                 f"({_ci(r['hazard_ratio_low'], r['hazard_ratio_high'], '.2f', lang)})" for _, r in bands.iterrows()]
        ph = c.ph_test[c.ph_test["term"].str.startswith("band[")]
        caveat = _t("ch_ph", lang) if ph["violated"].any() else ""
        out.append(_t("ch_cox", lang, m=m, parts=", ".join(parts), caveat=caveat))
    if study.hazard is not None and study.hazard.model.fitted:
        t = study.hazard.table
        parts = []
        for _, r in t.iterrows():
            if r["term"] == INTERCEPT or r["term"].endswith("_none") or "[none]" in r["term"]:
                continue
            if not any(r["term"].startswith(m) for m in study.metrics):
                continue
            parts.append(f"{r['term']} x {num(r['odds_ratio'], '.2f', lang)} "
                         f"({_ci(r['odds_ratio_low'], r['odds_ratio_high'], '.2f', lang)})")
        if parts:
            out.append(_t("ch_hazard", lang, months=n_(study.hazard.months), ev=n_(study.hazard.events),
                          parts=", ".join(parts)))
    # Revenue
    if study.revenue is not None and len(study.revenue):
        from .risk import source_totals  # research.risk builds on this module

        tot = study.revenue.iloc[-1]
        seg_col = study.revenue.columns[0]
        rest = study.revenue[study.revenue[seg_col] != "all"] if len(study.revenue) > 1 else study.revenue.iloc[:0]
        top = rest.sort_values("at_risk", ascending=False).head(3)
        parts = [f"{r[seg_col]} {num(r['at_risk'], ',.0f', lang)} ({_ci(r['ci_low'], r['ci_high'], ',.0f', lang)})"
                 for _, r in top.iterrows()]
        per_source = source_totals(study.revenue, lang)  # lifetime and declared values: a total per source
        head = (_t("ch_value_sources", lang, list=per_source) if per_source else
                _t("ch_value", lang, risk=num(tot["at_risk"], ",.0f", lang), value=num(tot["value"], ",.0f", lang),
                   pct_risk=num(tot["pct_at_risk"], ".1f", lang), ci=ci,
                   ci1=_ci(tot["ci_low"], tot["ci_high"], ",.0f", lang)))
        out.append(head + (": " + ", ".join(parts) if len(parts) else "") + ". " + message(study.revenue_note, lang))
    elif study.revenue_note:
        out.append(f"- {message(study.revenue_note, lang)}")
    if not sig_any and len(study.trends):
        out.append(_t("ch_bottom", lang))
    # Degenerate-data notes gathered from the fits
    sep = [f for f in study.fits.values() if f.status == "separation"]
    if sep:
        out.append(_t("ch_separation", lang, note=sep[0].notes[[i for i, n in enumerate(sep[0].notes)
                                                                if "separation" in n][0]]))
    out += [f"- {message(n, lang)}" for n in study.notes]
    return "\n".join(out)
