"""Control limits that allow for overdispersion: Laney's p' chart and its analogue for NPS and means.

Survey shares vary from month to month by more than binomial sampling explains (the customers
who answer differ, campaigns come and go); with hundreds of answers a period a plain p chart
then flags most months. Laney (2002, "Improved control charts for attributes", Quality
Engineering 14(4):531-537) keeps the p chart's per-period standard error and widens (or
narrows) it by ``sigma_z``, the between-period spread of the standardised values, estimated
from their moving range::

    centre  = sum x_i / sum n_i                    (the pooled share p)
    se_i    = sqrt(p (1 - p) / n_i)                (binomial SE of period i under the centre)
    z_i     = (p_i - p) / se_i
    sigma_z = mean |z_i - z_(i-1)| / 1.128         (d2 for moving ranges of two)
    limits  = p +- 3 sigma_z se_i                  (clipped to 0..1)

With ``sigma_z = 1`` this is the p chart. The same construction works for any figure with a
per-period SE under a common centre: for NPS the multinomial SE
``sqrt((p+ + p- - NPS^2) / n_i)`` with the pooled promoter and detractor shares, for a mean
the pooled SD over ``sqrt(n_i)``. :func:`prime_chart` takes those; the chart functions build
them from per-period counts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["D2", "prime_chart", "share_chart", "nps_chart", "mean_chart", "prediction_sigmas"]

#: Unbiasing constant of a moving range of two (E|X1 - X2| = 1.128 sigma for normal X).
D2 = 1.128


def prediction_sigmas(sigmas: float, k: int) -> float:
    """Limit width for judging a new period against ``k`` earlier ones, with the same false-alert rate.

    Laney's chart estimates its centre and ``sigma_z`` from the data; judging a *new* period against
    ``k`` earlier ones adds the centre's error (factor ``sqrt(1 + 1/k)``) and the moving-range
    estimate's (about ``0.62 (k - 1)`` degrees of freedom; Cryer and Ryan 1990, J. Quality Technology
    22:187-192), so ``sigmas`` normal SEs become the t quantile of the same tail probability. Without
    this, 12 earlier periods give about 1% false alerts instead of 0.135% (docs/statistics.md).
    """
    from scipy import stats

    return float(stats.t.ppf(stats.norm.cdf(sigmas), 0.62 * (k - 1)) * np.sqrt(1 + 1 / k))


def prime_chart(value: np.ndarray, se: np.ndarray, centre: float, *, sigmas: float = 3.0,
                bounds: tuple[float, float] = (-np.inf, np.inf), use: np.ndarray | None = None) -> pd.DataFrame:
    """Laney-style limits around ``centre`` for per-period values with SEs under the centre.

    Parameters
    ----------
    value, se : arrays (periods,)
        Per-period figure and its SE if the process were at ``centre`` (in time order).
    centre : float
    sigmas : float
        Width of the limits in (inflated) SEs.
    bounds : (low, high)
        Range of the figure; limits are clipped to it.
    use : bool array, optional
        Periods used to estimate ``sigma_z`` (default all with a finite z); the moving ranges are
        taken between consecutive used periods.

    Returns
    -------
    DataFrame with ``z`` (standardised value), ``sigma_z`` (the same on every row), ``lcl``, ``ucl``.
    """
    value, se = np.asarray(value, dtype=float), np.asarray(se, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, (value - centre) / se, np.nan)
    ok = np.isfinite(z) if use is None else (np.asarray(use, dtype=bool) & np.isfinite(z))
    zz = z[ok]
    sigma_z = float(np.mean(np.abs(np.diff(zz))) / D2) if len(zz) >= 2 else np.nan
    width = sigmas * sigma_z * se
    return pd.DataFrame({"z": z, "sigma_z": sigma_z, "lcl": np.clip(centre - width, *bounds),
                         "ucl": np.clip(centre + width, *bounds)})


def share_chart(x: np.ndarray, n: np.ndarray, *, sigmas: float = 3.0, use: np.ndarray | None = None
                ) -> tuple[float, np.ndarray, pd.DataFrame]:
    """Laney p' chart of ``x`` successes out of ``n`` per period: (centre, se, limits table); shares 0..1."""
    x, n = np.asarray(x, dtype=float), np.asarray(n, dtype=float)
    keep = np.ones(len(n), dtype=bool) if use is None else np.asarray(use, dtype=bool)
    p = x[keep].sum() / n[keep].sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        se = np.sqrt(p * (1 - p) / n)
        value = x / n
    return p, se, prime_chart(value, se, p, sigmas=sigmas, bounds=(0.0, 1.0), use=use)


def nps_chart(promoters: np.ndarray, detractors: np.ndarray, n: np.ndarray, *, sigmas: float = 3.0,
              use: np.ndarray | None = None) -> tuple[float, np.ndarray, pd.DataFrame]:
    """The p' construction for NPS (as a fraction -1..1) with its multinomial SE under the pooled shares."""
    pro, det, n = (np.asarray(a, dtype=float) for a in (promoters, detractors, n))
    keep = np.ones(len(n), dtype=bool) if use is None else np.asarray(use, dtype=bool)
    total = n[keep].sum()
    pp, pd_ = pro[keep].sum() / total, det[keep].sum() / total
    centre = pp - pd_
    with np.errstate(divide="ignore", invalid="ignore"):
        se = np.sqrt((pp + pd_ - centre**2) / n)
        value = (pro - det) / n
    return centre, se, prime_chart(value, se, centre, sigmas=sigmas, bounds=(-1.0, 1.0), use=use)


def mean_chart(total: np.ndarray, total_sq: np.ndarray, n: np.ndarray, *, sigmas: float = 3.0,
               use: np.ndarray | None = None, bounds: tuple[float, float] = (-np.inf, np.inf)
               ) -> tuple[float, np.ndarray, pd.DataFrame]:
    """The p' construction for a mean answer: pooled mean and SD, SE = SD / sqrt(n_i)."""
    s, ss, n = (np.asarray(a, dtype=float) for a in (total, total_sq, n))
    keep = np.ones(len(n), dtype=bool) if use is None else np.asarray(use, dtype=bool)
    m = s[keep].sum() / n[keep].sum()
    var = ss[keep].sum() / n[keep].sum() - m**2
    with np.errstate(divide="ignore", invalid="ignore"):
        se = np.sqrt(max(var, 0.0) / n)
        value = s / n
    return m, se, prime_chart(value, se, m, sigmas=sigmas, bounds=bounds, use=use)
