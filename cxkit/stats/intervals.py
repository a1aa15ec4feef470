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

__all__ = ["wilson", "t_interval", "nps_adjusted", "nps_adjusted_wald", "nps_diff_adjusted_wald", "adjust_p",
           "CORRECTIONS"]

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

    ``n`` may be an effective sample size (weighted data); the degrees of freedom
    are then ``n_eff - 1``, fractional (1 < n_eff < 2 gives df < 1 and a very wide
    interval, as it should: R ``qt(0.975, 0.4266) = 418.68``).
    """
    mean, sd, n = (np.asarray(x, dtype=float) for x in (mean, sd, n))
    with np.errstate(divide="ignore", invalid="ignore"):
        tq = stats.t.ppf(0.5 + level / 2, np.where(n > 1, n - 1, np.nan))
        half = np.where(n > 1, tq * (sd / np.sqrt(n)), np.nan)
    return mean - half, mean + half


def nps_adjusted(p_pro, p_det, n) -> tuple[np.ndarray, np.ndarray]:
    """Adjusted NPS and its standard error (Rocks 2016), as a difference of shares (-1..1).

    Adds 3/4 promoter, 3/4 detractor and 3/2 passive to the ``n`` answers (``n`` may
    be an effective sample size: weighted data uses the effective counts
    ``p * n_eff``); SE = sqrt((p+ + p- - NPS^2) / (n + 3)) on the adjusted shares,
    as ``nps_var_`` in Rocks' NPS R package.
    """
    p_pro, p_det, n = (np.asarray(x, dtype=float) for x in (p_pro, p_det, n))
    with np.errstate(divide="ignore", invalid="ignore"):
        n_adj = n + 3
        a_pro = (p_pro * n + 0.75) / n_adj
        a_det = (p_det * n + 0.75) / n_adj
        centre = a_pro - a_det
        se = np.sqrt((a_pro + a_det - centre**2) / n_adj)
    return centre, se


def nps_adjusted_wald(p_pro, p_det, n, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Adjusted-Wald interval of an NPS (Rocks 2016), as a difference of shares (-1..1).

    Centred on the adjusted estimate (:func:`nps_adjusted`), so with few answers at
    an extreme (one promoter: NPS 100) it can exclude the plain estimate. Not clipped.
    """
    centre, se = nps_adjusted(p_pro, p_det, n)
    half = stats.norm.ppf(0.5 + level / 2) * se
    return centre - half, centre + half


def nps_diff_adjusted_wald(pa_pro, pa_det, n_a, pb_pro, pb_det, n_b, level: float):
    """Difference of two independent NPS, ``a - b``, with the adjusted-Wald interval (Rocks 2016).

    Each group gets the pseudo-answers of :func:`nps_adjusted`; the difference of the
    adjusted NPS has SE sqrt(se_a^2 + se_b^2) and a normal interval around it, as
    ``nps_test_(..., test = "adjusted.wald")`` in Rocks' NPS R package. Defined for
    every n > 0, also when both groups are all promoters (the pseudo-answers give
    each a positive variance).

    Returns
    -------
    centre, se, low, high, p : arrays (shares, -1..1; p of the z test of no difference)
    """
    ca, sa = nps_adjusted(pa_pro, pa_det, n_a)
    cb, sb = nps_adjusted(pb_pro, pb_det, n_b)
    centre = ca - cb
    se = np.sqrt(sa**2 + sb**2)
    half = stats.norm.ppf(0.5 + level / 2) * se
    with np.errstate(divide="ignore", invalid="ignore"):
        p = 2 * stats.norm.sf(np.abs(centre) / se)
    return centre, se, centre - half, centre + half, p


def adjust_p(p: pd.Series, correction: str, *, count_missing: bool = False) -> np.ndarray:
    """p-values adjusted together with ``correction`` (holm, bonferroni, fdr_bh, none); NaN stays NaN.

    With ``count_missing``, every entry is a comparison made and counts in the family size m even
    when its p-value is missing (a test that could not be run): it enters as p = 1, which raises m
    and changes nothing else for Holm, Bonferroni and Benjamini-Hochberg.
    """
    check_choice("correction", correction, CORRECTIONS)
    p = pd.Series(p, dtype=float).reset_index(drop=True)
    out = np.full(len(p), np.nan)
    ok = p.notna().to_numpy()
    if correction == "none":
        out[ok] = p[ok]
    elif ok.any():
        if count_missing:
            out[ok] = multipletests(p.fillna(1.0), method=correction)[1][ok]
        else:
            out[ok] = multipletests(p[ok], method=correction)[1]
    return out
