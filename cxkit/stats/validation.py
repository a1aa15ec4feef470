"""Is a churn model right, not only ranked right: calibration, Brier score and time-dependent AUC.

* :func:`brier_score` - mean squared difference between the predicted probability and the 0/1
  outcome (as scikit-learn's ``brier_score_loss``).
* :func:`calibration_table` - observed vs predicted churn per bin of the predicted probability
  (quantile bins as scikit-learn's ``calibration_curve(strategy="quantile")``), with Wilson
  intervals for the observed share.
* :func:`calibration_slope` - slope (and intercept) of the logistic regression of the outcome
  on the model's log-odds (Cox 1958): 1 when the spread of the predictions is right, below 1
  when they are too extreme (overfitting).
* :func:`cumulative_dynamic_auc` - AUC at a horizon ``t`` for censored times (cases churned by
  ``t``, controls still customers after ``t``; cases weighted by the inverse probability of
  being uncensored, Uno et al. 2007 / Hung & Chiang 2010), as scikit-survival's
  ``cumulative_dynamic_auc``. It is written here so that scikit-survival is not a run-time
  dependency; the tests compare it with scikit-survival and with a brute-force pair count.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.special import logit as _logodds

from ..errors import ParameterError
from .intervals import wilson
from .logit import logit

__all__ = ["brier_score", "calibration_table", "calibration_slope", "cumulative_dynamic_auc"]


def _yp(y: Sequence, p: Sequence) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y, float)
    p = np.asarray(p, float)
    if y.shape != p.shape:
        raise ParameterError(f"outcome and predictions differ in length: {len(y)} vs {len(p)}.")
    ok = ~np.isnan(y) & ~np.isnan(p)
    return y[ok], p[ok]


def brier_score(y: Sequence, p: Sequence) -> float:
    """Mean of ``(p - y)^2`` over rows with both (NaN when none)."""
    y, p = _yp(y, p)
    return float(np.mean((p - y) ** 2)) if len(y) else np.nan


def calibration_table(y: Sequence, p: Sequence, n_bins: int = 10, *, level: float = 0.95) -> pd.DataFrame:
    """Observed vs predicted churn per quantile bin of the predictions (deciles by default).

    Bin edges are the quantiles of ``p`` (``numpy.percentile``); tied predictions (a discrete
    score) merge bins, and empty bins are dropped, exactly as scikit-learn's
    ``calibration_curve(strategy="quantile")`` does.

    Returns
    -------
    DataFrame with one row per non-empty bin
        bin : 1, 2, ... in order of the predictions
        n, events : rows and churners in the bin
        predicted : mean predicted probability, in %
        observed, ci_low, ci_high : observed churn in %, Wilson interval
    """
    if int(n_bins) != n_bins or n_bins < 1:
        raise ParameterError(f"`n_bins` must be a positive whole number; got {n_bins!r}.")
    y, p = _yp(y, p)
    cols = ["bin", "n", "events", "predicted", "observed", "ci_low", "ci_high"]
    if not len(y):
        return pd.DataFrame(columns=cols)
    edges = np.percentile(p, np.linspace(0, 100, int(n_bins) + 1))
    ids = np.searchsorted(edges[1:-1], p)
    n = np.bincount(ids, minlength=len(edges))
    ev = np.bincount(ids, weights=y, minlength=len(edges))
    sp = np.bincount(ids, weights=p, minlength=len(edges))
    keep = n > 0
    n, ev, sp = n[keep], ev[keep], sp[keep]
    lo, hi = wilson(ev, n, level)
    return pd.DataFrame({"bin": np.arange(1, len(n) + 1), "n": n.astype(int), "events": ev.astype(int),
                         "predicted": 100 * sp / n, "observed": 100 * ev / n, "ci_low": 100 * lo,
                         "ci_high": 100 * hi})[cols]


def calibration_slope(y: Sequence, p: Sequence, *, level: float = 0.95) -> dict:
    """Calibration slope and intercept: logistic regression of ``y`` on ``logit(p)``.

    Returns
    -------
    dict with ``slope, slope_low, slope_high`` (1 = well spread), ``intercept`` and ``note``.
    Predictions of exactly 0 or 1 are clipped to 1e-12 from the edge.
    """
    y, p = _yp(y, p)
    out = {"slope": np.nan, "slope_low": np.nan, "slope_high": np.nan, "intercept": np.nan, "note": ""}
    lp = _logodds(np.clip(p, 1e-12, 1 - 1e-12))
    if len(y) == 0 or y.min() == y.max() or np.ptp(lp) == 0:
        out["note"] = "no variation in the outcome or the predictions: no calibration slope"
        return out
    fit = logit(pd.DataFrame({"y": y, "lp": lp}), "y", ["lp"], level=level, firth="never")
    if not fit.fitted:
        out["note"] = "; ".join(fit.notes)
        return out
    r = fit.term("lp")
    out.update(slope=float(r["coef"]), slope_low=float(r["ci_low"]), slope_high=float(r["ci_high"]),
               intercept=float(fit.params.iloc[0]))
    return out


def _censoring_survival(time: np.ndarray, event: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Kaplan-Meier of the censoring times (an event at the same time as a censoring comes first)."""
    ut = np.unique(time)
    at_risk = len(time) - np.searchsorted(np.sort(time), ut, side="left")
    idx = np.searchsorted(ut, time)
    cens = np.bincount(idx, weights=(~event).astype(float), minlength=len(ut))
    died = np.bincount(idx, weights=event.astype(float), minlength=len(ut))
    # Events at t leave the risk set before the censorings at t are counted.
    return ut, np.cumprod(1 - cens / np.maximum(at_risk - died, 1))


def cumulative_dynamic_auc(time: Sequence, event: Sequence, risk: Sequence, t: float) -> dict:
    """Cumulative/dynamic AUC at ``t``: does a higher ``risk`` go with churning by ``t``?

    Cases: churned at or before ``t``; controls: still customers after ``t``; rows censored before
    ``t`` are neither, and each case is weighted by ``1 / G(T_i)`` with ``G`` the Kaplan-Meier
    estimate of staying uncensored (estimated on the same rows). Ties in ``risk`` count half.

    Returns
    -------
    dict with ``auc, cases, controls, censored`` (censored before ``t``) and ``note``.
    """
    time = np.asarray(time, float)
    event = np.asarray(event).astype(bool)
    risk = np.asarray(risk, float)
    ok = ~np.isnan(time) & ~np.isnan(risk)
    time, event, risk = time[ok], event[ok], risk[ok]
    case = (time <= t) & event
    ctrl = time > t
    out = {"auc": np.nan, "cases": int(case.sum()), "controls": int(ctrl.sum()),
           "censored": int((~case & ~ctrl).sum()), "note": ""}
    if not case.any() or not ctrl.any():
        out["note"] = "no churner or no customer beyond the horizon: no time-dependent AUC"
        return out
    ut, g = _censoring_survival(time, event)
    w = 1 / g[np.searchsorted(ut, time[case])]
    # Per case: controls with a lower risk, plus half the ties (sorted controls, two binary searches).
    rc = np.sort(risk[ctrl])
    below = np.searchsorted(rc, risk[case], side="left")
    ties = np.searchsorted(rc, risk[case], side="right") - below
    out["auc"] = float(np.sum(w * (below + 0.5 * ties)) / (w.sum() * len(rc)))
    return out
