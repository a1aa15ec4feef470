"""Confidence intervals and multiple-testing adjustment, each written once.

Every cxkit table that reports an interval of a share, a mean or an NPS, and
every table of p-values corrected together, calls these functions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

from .._checks import check_choice

__all__ = ["wilson", "t_interval", "nps_adjusted_wald", "adjust_p", "CORRECTIONS"]

CORRECTIONS = ("holm", "bonferroni", "fdr_bh", "none")


def wilson(count, nobs, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of ``count / nobs`` (arrays; NaN where ``nobs`` is 0), as shares 0..1."""
    count = np.asarray(count, dtype=float)
    nobs = np.asarray(nobs, dtype=float)
    lo = np.full(count.shape, np.nan)
    hi = np.full(count.shape, np.nan)
    ok = nobs > 0
    if ok.any():
        lo[ok], hi[ok] = proportion_confint(count[ok], nobs[ok], alpha=1 - level, method="wilson")
        # Float round-off can put the bound a hair past the estimate at p = 0 or 1.
        p = count[ok] / nobs[ok]
        lo[ok], hi[ok] = np.minimum(lo[ok], p), np.maximum(hi[ok], p)
    return lo, hi


def t_interval(mean, sd, n, level: float) -> tuple[np.ndarray, np.ndarray]:
    """t interval of a mean: ``mean -/+ t(level, n - 1) * sd / sqrt(n)``; NaN where ``n <= 1``.

    ``n`` may be an effective sample size (weighted data).
    """
    mean, sd, n = (np.asarray(x, dtype=float) for x in (mean, sd, n))
    with np.errstate(divide="ignore", invalid="ignore"):
        tq = stats.t.ppf(0.5 + level / 2, np.maximum(n - 1, 1))
        half = np.where(n > 1, tq * (sd / np.sqrt(n)), np.nan)
    return mean - half, mean + half


def nps_adjusted_wald(p_pro, p_det, n, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Adjusted-Wald interval of an NPS (Rocks 2016), as a difference of shares (-1..1).

    Adds 3/4 promoter, 3/4 detractor and 3/2 passive and centres on the adjusted
    estimate. ``n`` may be an effective sample size (weighted data uses the
    effective counts ``p * n_eff``). The interval is not clipped.
    """
    p_pro, p_det, n = (np.asarray(x, dtype=float) for x in (p_pro, p_det, n))
    z = stats.norm.ppf(0.5 + level / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        n_adj = n + 3
        a_pro = (p_pro * n + 0.75) / n_adj
        a_det = (p_det * n + 0.75) / n_adj
        centre = a_pro - a_det
        half = z * np.sqrt((a_pro + a_det - centre**2) / n_adj)
    return centre - half, centre + half


def adjust_p(p: pd.Series, correction: str) -> np.ndarray:
    """p-values adjusted together with ``correction`` (holm, bonferroni, fdr_bh, none); NaN stays NaN."""
    check_choice("correction", correction, CORRECTIONS)
    p = pd.Series(p, dtype=float).reset_index(drop=True)
    out = np.full(len(p), np.nan)
    ok = p.notna().to_numpy()
    if correction == "none":
        out[ok] = p[ok]
    elif ok.any():
        out[ok] = multipletests(p[ok], method=correction)[1]
    return out
