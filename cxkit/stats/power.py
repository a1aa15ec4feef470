"""Minimum detectable difference and answers needed: the power side of every comparison.

Beside a blank or non-significant difference a reader needs to know whether the data could have
shown one: "with 120 answers per group only differences of about 14 NPS points are detectable at
80 % power; 5 points need about 950 answers per group".

Both functions use the normal approximation of a two-sided test of two independent groups with the
per-answer variances the intervals and tests of :mod:`cxkit.stats.compare` use (:func:`unit_variance`):

    MDD = (z(1 - alpha/2) + z(power)) * sqrt(var_a / n_a + var_b / n_b)

and its inverse for ``n``, as in Cohen (1988, ch. 12) and Chow, Shao & Wang, *Sample Size Calculations
in Clinical Research* (2nd ed., 2008, section 3.2.1, two-sample parallel design). ``n`` may be an
effective sample size (Kish, weighted data). statsmodels' ``NormalIndPower`` solves the same equation
(with the negligible far tail included); the tests compare the two.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from .._checks import check_alpha, check_choice
from ..errors import ParameterError

__all__ = ["unit_variance", "mdd", "n_needed", "DEFAULT_DETECT", "POWER"]

#: Differences worth detecting, per statistic, for "needs about n answers to detect ..." (reporting units).
DEFAULT_DETECT = {"nps": 5.0, "top_box": 5.0, "mean": 0.25}
#: The power the sentences assume.
POWER = 0.8


def unit_variance(statistic: str, *, p_good: float = math.nan, p_bad: float = 0.0,
                  sd: float = math.nan) -> float:
    """Variance of one answer in reporting units (NPS points², %-points², scale units²).

    ``nps``: 10^4 (p+ + p- - NPS^2) with NPS = p+ - p- (the multinomial variance of the promoter
    minus detractor indicator, as in the NPS interval); ``top_box``: 10^4 p (1 - p); ``mean``: ``sd²``.
    """
    check_choice("statistic", statistic, ("nps", "top_box", "mean"))
    if statistic == "nps":
        est = p_good - p_bad
        return 1e4 * (p_good + p_bad - est**2)
    if statistic == "top_box":
        return 1e4 * p_good * (1 - p_good)
    return float(sd) ** 2


def _check_power(alpha: float, power: float) -> tuple[float, float]:
    check_alpha(alpha)
    if not (isinstance(power, int | float) and 0 < power < 1):
        raise ParameterError(f"`power` must be a number between 0 and 1 (e.g. 0.8); got {power!r}.")
    return stats.norm.isf(alpha / 2), stats.norm.ppf(power)


def mdd(var_a, n_a, var_b=None, n_b=None, *, alpha: float = 0.05, power: float = POWER):
    """Smallest difference a two-sided test at ``alpha`` detects with probability ``power``.

    Parameters
    ----------
    var_a, n_a : float or array
        Per-answer variance (:func:`unit_variance`) and (effective) number of answers of group a.
    var_b, n_b : float or array, optional
        The same for group b; default: a second group like a (same variance and size).
    alpha, power : float

    Returns
    -------
    float or array
        The difference in the units of the variance's square root; NaN where a size is 0.
    """
    za, zb = _check_power(alpha, power)
    var_b = var_a if var_b is None else var_b
    n_b = n_a if n_b is None else n_b
    var_a, n_a, var_b, n_b = (np.asarray(x, dtype=float) for x in (var_a, n_a, var_b, n_b))
    with np.errstate(divide="ignore", invalid="ignore"):
        out = (za + zb) * np.sqrt(np.where((n_a > 0) & (n_b > 0), var_a / n_a + var_b / n_b, np.nan))
    return float(out) if out.ndim == 0 else out


def n_needed(diff, var_a, var_b=None, *, ratio: float = 1.0, alpha: float = 0.05, power: float = POWER):
    """Answers needed in group a (group b: ``ratio`` times as many) to detect ``diff`` at ``power``.

    ``n_a = (z(1 - alpha/2) + z(power))^2 (var_a + var_b / ratio) / diff^2``, rounded up; NaN where
    ``diff`` is 0 or missing.
    """
    za, zb = _check_power(alpha, power)
    if not (isinstance(ratio, int | float) and ratio > 0):
        raise ParameterError(f"`ratio` must be a positive number (group b's size over group a's); got {ratio!r}.")
    var_b = var_a if var_b is None else var_b
    diff, var_a, var_b = (np.asarray(x, dtype=float) for x in (diff, var_a, var_b))
    with np.errstate(divide="ignore", invalid="ignore"):
        n = (za + zb) ** 2 * (var_a + var_b / ratio) / np.where(diff != 0, diff**2, np.nan)
    out = np.ceil(n - 1e-9)
    return float(out) if out.ndim == 0 else out
