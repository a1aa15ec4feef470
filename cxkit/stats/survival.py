"""Time to churn: Kaplan-Meier curves, log-rank tests and Cox regression (statsmodels).

Time starts at the answer (see :func:`cxkit.alignment.align_churn` with
``horizon_days=None``); customers still active at the cut-off are censored.

* :func:`kaplan_meier` uses ``statsmodels.duration.SurvfuncRight`` per group,
  with pointwise intervals on the log(-log) scale (as lifelines and R's
  ``survfit(conf.type="log-log")``), and ``survdiff`` for the log-rank test.
* :func:`cox` uses ``statsmodels.duration.PHReg`` (Efron ties) and checks the
  proportional-hazards assumption with :func:`ph_test`, the score test of R's
  ``cox.zph`` (survival >= 3.0; Grambsch & Therneau 1994), Efron ties included,
  time transform ``"km"`` by default as R. lifelines' ``proportional_hazard_test``
  is the older approximation and differs when event times are tied.
* Kaplan-Meier medians follow R's ``quantile.survfit`` (:func:`km_median`).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.duration.hazard_regression import PHReg
from statsmodels.duration.survfunc import SurvfuncRight, survdiff

from .._checks import as_list, check_choice, check_columns
from .._results import Result, p_text
from ..errors import ParameterError
from ..scales import Scale
from .design import INTERCEPT, design

__all__ = ["KaplanMeier", "kaplan_meier", "CoxResult", "cox", "ph_test", "km_median", "score_band", "BAND_ORDER"]

COX_COLUMNS = ["term", "coef", "se", "ci_low", "ci_high", "hazard_ratio", "hazard_ratio_low", "hazard_ratio_high",
               "p_value"]

BAND_ORDER = {"nps": ["detractor", "passive", "promoter"], "ces": ["hard", "neutral", "easy"],
              "csat": ["low", "middle", "top box"]}


def score_band(score: pd.Series, scale: Scale) -> pd.Series:
    """Three bands of a score: NPS category; CES hard/neutral/easy; CSAT low/middle/top box.

    CES "easy" and CSAT "top box" are the scale's declared good answers; the
    bad band is the declared ``bad`` values or, when none are declared, as
    many values at the other end of the scale.
    """
    good = set(scale.good)
    if scale.bad:
        bad = set(scale.bad)
    else:
        values = list(range(scale.min, scale.max + 1))
        k = len(good)
        bad = set(values[:k]) if min(good) > (scale.min + scale.max) / 2 else set(values[-k:])
        bad -= good
    names = {"nps": ("detractor", "passive", "promoter"), "ces": ("hard", "neutral", "easy"),
             "csat": ("low", "middle", "top box")}[scale.kind]
    out = pd.Series(names[1], index=score.index, dtype=object)
    out[score.isin(bad)] = names[0]
    out[score.isin(good)] = names[2]
    out[score.isna()] = None
    return pd.Categorical(out, categories=list(names), ordered=True)


# R's quantile.survfit tolerance: S(t) from a product of ratios is 0.5 only up to round-off.
_MEDIAN_TOL = float(np.sqrt(np.finfo(float).eps))


def km_median(times: np.ndarray, survival: np.ndarray, last_time: float) -> float:
    """Median of a Kaplan-Meier curve by R's rule (``survival::quantile.survfit``, survival 3.5).

    The first time with S(t) <= 0.5; when the curve is flat at exactly 0.5
    (within ``sqrt(machine eps)``, as R) from ``t_i`` on, the midpoint of that flat
    stretch: ``(t_i + next jump time) / 2``, or ``(t_i + last_time) / 2`` when the
    curve stays at 0.5 to the end of follow-up. NaN when S never reaches 0.5.
    ``times`` and ``survival`` are the curve's steps in time order.
    """
    below = np.flatnonzero(survival <= 0.5 + _MEDIAN_TOL)
    if not len(below):
        return float("nan")
    i = below[0]
    if abs(survival[i] - 0.5) >= _MEDIAN_TOL:
        return float(times[i])
    later = np.flatnonzero(survival < 0.5 - _MEDIAN_TOL)
    end = times[later[0]] if len(later) else last_time
    return float((times[i] + end) / 2)


def _loglog_ci(s: np.ndarray, se: np.ndarray, z: float) -> tuple[np.ndarray, np.ndarray]:
    with np.errstate(divide="ignore", invalid="ignore"):
        theta = np.log(-np.log(s))
        sd = se / (s * np.abs(np.log(s)))
        lo = np.exp(-np.exp(theta + z * sd))
        hi = np.exp(-np.exp(theta - z * sd))
    lo = np.where(s >= 1, 1.0, np.where(s <= 0, 0.0, lo))
    hi = np.where(s >= 1, 1.0, np.where(s <= 0, 0.0, hi))
    return lo, hi


@dataclass(frozen=True, repr=False)
class KaplanMeier(Result):
    """Kaplan-Meier curves per group with a log-rank test.

    Attributes
    ----------
    curves : DataFrame
        ``group, time, survival, ci_low, ci_high, at_risk, events`` at each
        event time (plus time 0).
    groups : DataFrame
        ``group, n, events, median`` (median time to churn, NaN when the
        curve stays above 0.5; the midpoint of a stretch where the curve is
        exactly 0.5, as R's ``survfit``: :func:`km_median`).
    at : DataFrame
        Survival at the requested ``times`` per group with interval.
    logrank_chi2, logrank_df, logrank_p : float
    """

    curves: pd.DataFrame
    groups: pd.DataFrame
    at: pd.DataFrame
    group: str | None
    logrank_chi2: float
    logrank_df: int
    logrank_p: float
    level: float
    notes: tuple[str, ...] = field(default_factory=tuple)

    def summary(self) -> pd.DataFrame:
        """Survival at the requested times per group (``at``)."""
        return self.at

    def headline(self) -> str:
        pct = round(100 * self.level)
        parts = []
        for _, r in self.at.iterrows():
            if np.isnan(r["survival"]):
                continue
            parts.append(f"{r['group']}: {100 * r['survival']:.1f}% still customers after {r['time']:g} days "
                         f"({pct}% CI {100 * r['ci_low']:.1f} to {100 * r['ci_high']:.1f})")
        head = f"Kaplan-Meier by {self.group}" if self.group else "Kaplan-Meier"
        test = (f"log-rank chi2 = {self.logrank_chi2:.2f}, df = {self.logrank_df}, {p_text(self.logrank_p)}"
                if not np.isnan(self.logrank_chi2) else "no log-rank test")
        return f"{head}: " + "; ".join(parts) + f". {test}."


def kaplan_meier(frame: pd.DataFrame, time: str = "time_days", event: str = "event", group: str | None = None,
                 *, times: Sequence[float] = (90, 180, 365), level: float = 0.95,
                 min_n: int = 30, weights: str | None = None) -> KaplanMeier:
    """Kaplan-Meier survival (still a customer) per group, with a log-rank test across groups.

    Groups with fewer than ``min_n`` customers are left out (noted). With ``weights`` (survey
    weights) the curve is the weighted Kaplan-Meier (R ``survfit(weights = w)``, ``svykm(se =
    FALSE)``); its Greenwood interval uses the weights scaled to sum to Kish's effective n
    (``(sum w)^2 / sum w^2``), ``min_n`` applies to that effective n, and the log-rank test stays
    unweighted (noted).
    """
    extra = [weights] if weights else []
    check_columns(frame, [time, event] + ([group] if group else []) + extra, argument="time/event/group/weights")
    d = frame[[time, event] + ([group] if group else []) + extra].dropna()
    if (d[time] < 0).any():
        raise ParameterError(f"column {time!r} has negative times; time must run from the answer onwards.")
    z = stats.norm.ppf(0.5 + level / 2)
    notes = []
    if group:
        sizes = (d[group].value_counts() if not weights else
                 d.groupby(group, observed=True)[weights].agg(lambda x: x.sum() ** 2 / (x**2).sum()).round(1))
        small = sizes[sizes < min_n]
        if len(small):
            notes.append(f"Groups with fewer than {min_n} customers left out: "
                         + ", ".join(f"{k} (n={v})" for k, v in small.items()) + ".")
            d = d[~d[group].isin(small.index)]
        cats = (list(d[group].cat.categories) if isinstance(d[group].dtype, pd.CategoricalDtype)
                else sorted(d[group].unique()))
        keys = [c for c in cats if (d[group] == c).any()]
    else:
        keys = ["all"]
    curves, groups, at = [], [], []
    for k in keys:
        g = d if not group else d[d[group] == k]
        t, e = g[time].to_numpy(float), g[event].astype(int).to_numpy()
        grow = {"group": k, "n": len(g), "events": int(e.sum()), "median": np.nan}
        if len(g) == 0:
            continue
        if e.sum() == 0:
            cur = pd.DataFrame({"time": [0.0], "survival": [1.0], "se": [0.0], "at_risk": [len(g)], "events": [0]})
        else:
            wk = None
            if weights:
                wg = g[weights].to_numpy(float)
                wk = wg * wg.sum() / (wg**2).sum()  # sums to Kish's n_eff: same curve, honest Greenwood
            sf = SurvfuncRight(t, e, freq_weights=wk)
            se = sf.surv_prob_se
            if weights:
                # Greenwood on the weighted counts: statsmodels' standard error with freq_weights is not.
                nr, ne = sf.n_risk, sf.n_events
                se = sf.surv_prob * np.sqrt(np.cumsum(ne / np.where(nr > ne, nr * (nr - ne), np.inf)))
            cur = pd.DataFrame({"time": np.r_[0.0, sf.surv_times], "survival": np.r_[1.0, sf.surv_prob],
                                "se": np.r_[0.0, se], "at_risk": np.r_[len(g), sf.n_risk],
                                "events": np.r_[0, sf.n_events]})
            grow["median"] = km_median(cur["time"].to_numpy(float), cur["survival"].to_numpy(float), float(t.max()))
        lo, hi = _loglog_ci(cur["survival"].to_numpy(), cur["se"].to_numpy(), z)
        cur["ci_low"], cur["ci_high"] = lo, hi
        cur.insert(0, "group", k)
        curves.append(cur)
        groups.append(grow)
        tmax = t.max()
        for tt in times:
            idx = np.searchsorted(cur["time"].to_numpy(), tt, side="right") - 1
            ok = tt <= tmax
            r = cur.iloc[idx]
            at.append({"group": k, "time": tt, "survival": r["survival"] if ok else np.nan,
                       "ci_low": r["ci_low"] if ok else np.nan, "ci_high": r["ci_high"] if ok else np.nan,
                       "at_risk": int((t >= tt).sum()),
                       "note": "" if ok else "beyond the longest follow-up"})
    chi2, df, p = np.nan, 0, np.nan
    if group and len(keys) >= 2 and d[event].sum() > 0:
        chi2, p = survdiff(d[time].to_numpy(float), d[event].astype(int).to_numpy(), d[group].astype(str).to_numpy())
        df = len(keys) - 1
        if weights:
            notes.append("The curves are survey-weighted; the log-rank test is not (it compares the respondents).")
    elif group:
        notes.append("Fewer than two groups with customers, or no churn: no log-rank test.")
    curves_df = pd.concat(curves, ignore_index=True) if curves else pd.DataFrame()
    return KaplanMeier(curves=curves_df.drop(columns="se", errors="ignore"), groups=pd.DataFrame(groups),
                       at=pd.DataFrame(at), group=group, logrank_chi2=float(chi2), logrank_df=int(df),
                       logrank_p=float(p), level=level, notes=tuple(notes))


@dataclass(frozen=True, repr=False)
class CoxResult(Result):
    """Cox proportional-hazards model with its proportional-hazards check.

    Attributes
    ----------
    table : DataFrame
        ``term, coef, se, ci_low, ci_high`` (log hazard ratio, Wald interval),
        ``hazard_ratio, hazard_ratio_low, hazard_ratio_high`` (their exponentials), ``p_value``.
        Dummies are named ``term[level]`` against the reference level (:mod:`cxkit.stats.design`).
    ph_test : DataFrame
        ``term, statistic, df, p_value`` (chi-square score test of R ``cox.zph``, time transform
        ``ph_transform``; one row per column and a last ``GLOBAL`` row) and ``violated`` (p below
        ``1 - level``).
    """

    table: pd.DataFrame
    ph_test: pd.DataFrame
    n: int
    events: int
    level: float
    status: str
    notes: tuple[str, ...] = field(default_factory=tuple)

    def summary(self) -> pd.DataFrame:
        """The hazard ratios (``table``)."""
        return self.table

    def headline(self) -> str:
        head = f"Cox model: n = {self.n:,}, churned = {self.events:,} ({self.status})."
        if len(self.ph_test):
            bad = self.ph_test[self.ph_test["violated"] & (self.ph_test["term"] != "GLOBAL")]
            head += (" Proportional hazards: " + ("no term violates it" if bad.empty else
                     "violated for " + ", ".join(bad["term"])) + " (score test as R cox.zph).")
        return head


PH_TRANSFORMS = ("km", "rank", "identity", "log")


def _time_transform(time: np.ndarray, event: np.ndarray, transform: str) -> np.ndarray:
    """g(t) for every row, as R ``cox.zph`` (survival 3.5): km is 1 - S(t-), the left-continuous KM."""
    if transform == "identity":
        return time.astype(float)
    if transform == "log":
        return np.log(time.astype(float))
    if transform == "rank":
        return stats.rankdata(time)  # average ranks for ties, over all rows (R: rank(times))
    # Kaplan-Meier of all rows, taken just before each time.
    ut, inv = np.unique(time, return_inverse=True)
    d = np.bincount(inv, weights=event.astype(float))
    at_risk = len(time) - np.r_[0, np.cumsum(np.bincount(inv))[:-1]]
    surv = np.cumprod(1 - d / at_risk)
    before = np.r_[1.0, surv[:-1]]
    return 1 - before[inv]


def _zph_score(time: np.ndarray, event: np.ndarray, X: np.ndarray, eta: np.ndarray, g: np.ndarray,
               weights: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Score for the X * g(t) terms and the information of (X, X * g(t)) at (beta-hat, 0), Efron ties.

    The score test of R ``cox.zph`` since survival 3.0 (Therneau's Czph1): the model is extended by the
    time-varying covariates X * g(t); the beta part of the score is zero at the fit. Written here because
    statsmodels and lifelines do not offer the exact test (lifelines uses the pre-2019 approximation and, like
    statsmodels' Schoenfeld residuals, ignores the Efron correction for tied times).
    """
    n, p = X.shape
    w = np.ones(n) if weights is None else np.asarray(weights, float)
    r = w * np.exp(eta - eta.max())  # a common factor cancels in every ratio below
    order = np.argsort(time, kind="stable")
    t, e, Xs, rs, ws, gs = time[order], event[order].astype(bool), X[order], r[order], w[order], g[order]
    rx = rs[:, None] * Xs
    rxx = rx[:, :, None] * Xs[:, None, :]
    # Sums over the risk set {time >= t}: suffix sums.
    s0 = np.cumsum(rs[::-1])[::-1]
    s1 = np.cumsum(rx[::-1], axis=0)[::-1]
    s2 = np.cumsum(rxx[::-1], axis=0)[::-1]
    u = np.zeros(p)
    info = np.zeros((3, p, p))  # sum of V, g V and g^2 V
    for tt in np.unique(t[e]):
        start = np.searchsorted(t, tt, side="left")
        dead = np.flatnonzero((t == tt) & e)
        d = len(dead)
        f = np.arange(d) / d
        den = s0[start] - f * rs[dead].sum()
        a = (s1[start][None, :] - f[:, None] * rx[dead].sum(axis=0)) / den[:, None]
        mw = ws[dead].mean()  # R's Efron with case weights: each step weighted by the deaths' mean weight
        score = (ws[dead][:, None] * Xs[dead]).sum(axis=0) - mw * a.sum(axis=0)
        V = mw * (s2[start] * (1 / den).sum() - rxx[dead].sum(axis=0) * (f / den).sum() - a.T @ a)
        gt = gs[dead[0]]
        u += gt * score
        info += np.array([V, gt * V, gt * gt * V])
    imat = np.block([[info[0], info[1]], [info[1], info[2]]])
    return u, imat


def ph_test(time: np.ndarray, event: np.ndarray, X: np.ndarray, coef: np.ndarray, names: Sequence[str], *,
            transform: str = "km", weights: np.ndarray | None = None) -> pd.DataFrame:
    """Proportional-hazards score test per column and globally, as R ``cox.zph(fit, transform)`` (survival 3.5).

    Grambsch & Therneau (1994) test in its exact score-test form (Therneau, survival >= 3.0): for each
    column j, the score test of adding X_j * g(t) to the fitted Efron Cox model, with g the time transform
    ("km": 1 - left-continuous KM, R's default; "rank", "identity", "log") centred on its mean over the
    events. Each column is its own term (R's ``terms = FALSE``, or one column per term); the last row,
    ``GLOBAL``, tests all columns together.

    Returns
    -------
    DataFrame ``term, statistic, df, p_value`` (chi-square).
    """
    check_choice("ph_transform", transform, PH_TRANSFORMS)
    time, event = np.asarray(time, float), np.asarray(event).astype(int)
    X = np.asarray(X, float)
    g = _time_transform(time, event, transform)
    g = g - g[event == 1].mean()
    u, imat = _zph_score(time, event, X, X @ np.asarray(coef, float), g, weights)
    p = X.shape[1]
    rows = []
    for j in range(p):
        kk = np.r_[np.arange(p), p + j]
        uj = np.r_[np.zeros(p), u[j]]
        stat = float(uj @ np.linalg.solve(imat[np.ix_(kk, kk)], uj))
        rows.append((names[j], stat, 1))
    full = np.r_[np.zeros(p), u]
    rows.append(("GLOBAL", float(full @ np.linalg.solve(imat, full)), p))
    out = pd.DataFrame(rows, columns=["term", "statistic", "df"])
    out["p_value"] = stats.chi2.sf(out["statistic"], out["df"])
    return out


def cox(frame: pd.DataFrame, covariates: str | Sequence[str], time: str = "time_days", event: str = "event", *,
        categorical: Sequence[str] = (), reference: Mapping[str, object] | None = None,
        level: float = 0.95, weights: str | None = None, ph_transform: str = "km") -> CoxResult:
    """Cox proportional-hazards regression of time to churn on ``covariates``.

    Categorical covariates are treatment-coded as in :func:`cxkit.logit` (reference:
    ``reference`` or the most frequent level, ties to the first in sorted order;
    dummies ``term[level]``). Covariates without variance are left out; levels with no
    churn at all (the hazard ratio would be 0, its estimate infinite) are
    reported and their ratio not shown as a number. The proportional-hazards
    check is :func:`ph_test` with ``transform=ph_transform`` (R ``cox.zph``'s default "km").

    With ``weights`` (a column of survey weights) the fit is the weighted Efron partial likelihood with
    robust (sandwich) standard errors, as R ``survey::svycoxph`` (:mod:`cxkit.stats.coxw`; statsmodels'
    PHReg takes no case weights); the proportional-hazards test is then not computed.
    """
    check_choice("ph_transform", ph_transform, PH_TRANSFORMS)
    covariates = as_list(covariates)
    extra = [weights] if weights else []
    check_columns(frame, [time, event, *covariates, *extra], argument="time/event/covariates/weights")
    d = frame[[time, event, *covariates, *extra]].dropna()
    notes = []
    keep = []
    for c in covariates:
        if d[c].nunique() < 2:
            notes.append(f"{c} has no variance: left out.")
        else:
            keep.append(c)
    n, events = len(d), int(d[event].sum())
    empty = pd.DataFrame(columns=COX_COLUMNS)
    empty_ph = pd.DataFrame(columns=["term", "statistic", "df", "p_value", "violated"])
    if events == 0 or not keep:
        notes.append("No churn in the follow-up." if events == 0 else "No usable covariate.")
        return CoxResult(empty, empty_ph, n, events, level, "not fitted", tuple(notes))
    X, _ = design(d, keep, categorical=categorical, reference=reference)
    X = X.drop(columns=INTERCEPT)
    t = d[time].to_numpy(float)
    e = d[event].astype(int).to_numpy()
    # A dummy level without any churn has a hazard ratio of 0: not estimable.
    flat = [c for c in X.columns if "[" in c and e[X[c].to_numpy() == 1].sum() == 0]
    if flat:
        notes.append(f"No churn at all in {flat}: their hazard ratio is not estimable and is left out.")
        rows = (X[flat] == 0).all(axis=1).to_numpy()
        X, t, e = X.loc[rows].drop(columns=flat), t[rows], e[rows]
        d = d.loc[rows]
    if weights:
        return _weighted(X, t, e, d[weights].to_numpy(float), level, notes, empty_ph)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = PHReg(t, X.to_numpy(float), status=e, ties="efron").fit()
    z = stats.norm.ppf(0.5 + level / 2)
    coef, se = np.asarray(res.params), np.asarray(res.bse)
    lo, hi = coef - z * se, coef + z * se
    table = pd.DataFrame({"term": X.columns, "coef": coef, "se": se, "ci_low": lo, "ci_high": hi,
                          "hazard_ratio": np.exp(coef), "hazard_ratio_low": np.exp(lo), "hazard_ratio_high": np.exp(hi),
                          "p_value": np.asarray(res.pvalues)}, columns=COX_COLUMNS)
    ph = ph_test(t, e, X.to_numpy(float), coef, list(X.columns), transform=ph_transform)
    ph["violated"] = ph["p_value"] < 1 - level
    bad = ph["violated"] & (ph["term"] != "GLOBAL")
    if bad.any():
        notes.append("Proportional hazards look violated for " + ", ".join(ph.loc[bad, "term"])
                     + ": their hazard ratio is an average over time; the Kaplan-Meier curves show how it changes.")
    return CoxResult(table, ph, len(t), int(e.sum()), level, "ok", tuple(notes))


def _weighted(X: pd.DataFrame, t: np.ndarray, e: np.ndarray, w: np.ndarray, level: float, notes: list,
              empty_ph: pd.DataFrame) -> CoxResult:
    """The survey-weighted Cox fit of :func:`cox` (weighted Efron likelihood, sandwich covariance)."""
    from .coxw import weighted_cox

    fit = weighted_cox(t, e, X.to_numpy(float), w)
    z = stats.norm.ppf(0.5 + level / 2)
    coef, se = fit["params"], np.sqrt(np.diag(fit["cov"]))
    lo, hi = coef - z * se, coef + z * se
    table = pd.DataFrame({"term": X.columns, "coef": coef, "se": se, "ci_low": lo, "ci_high": hi,
                          "hazard_ratio": np.exp(coef), "hazard_ratio_low": np.exp(lo), "hazard_ratio_high": np.exp(hi),
                          "p_value": 2 * stats.norm.sf(np.abs(coef / se))}, columns=COX_COLUMNS)
    notes = [*notes, "Survey-weighted: robust (sandwich) standard errors; the proportional-hazards test is not "
             "computed for weighted data."]
    if not fit["converged"]:
        notes.append("The weighted fit did not converge: treat the estimates as rough.")
    return CoxResult(table, empty_ph.assign(violated=pd.Series(dtype=bool)), len(t), int(e.sum()), level, "ok",
                     tuple(notes))
