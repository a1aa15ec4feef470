"""Wald tests that allow for repeated rows of the same unit (cluster-robust covariance).

When a customer appears in several periods, their rows are not independent and tests that treat
them as such (chi-square, Mann-Whitney) report p-values that are too small. A least-squares fit
with a cluster-robust covariance (by customer) is the standard remedy (Liang & Zeger 1986; Cameron
& Miller 2015): the coefficient of a 0/1 group indicator is the difference in means (or shares),
and a joint Wald test of a categorical's indicators tests that its levels have the same mean.
The fit is statsmodels' ``OLS(...).fit(cov_type="cluster")`` (small-sample factor
``G/(G-1) (N-1)/(N-K)``, as R's ``sandwich::vcovCL(type = "HC1")``); the Wald statistic is referred
to the chi-square distribution (``lmtest::waldtest(test = "Chisq")``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from ..errors import DataError

__all__ = ["ClusterWald", "cluster_wald"]


@dataclass(frozen=True)
class ClusterWald:
    """Result of :func:`cluster_wald`: the coefficients tested, the Wald statistic, df and p-value."""

    coef: pd.Series
    se: pd.Series
    statistic: float
    df: int
    p_value: float
    clusters: int
    n: int


def cluster_wald(y: np.ndarray | pd.Series, x: pd.Series, clusters: np.ndarray | pd.Series) -> ClusterWald:
    """Regress ``y`` on ``x`` (a 0/1 or numeric column, or a categorical's indicators) and test its terms.

    Parameters
    ----------
    y : array
        The outcome (a number, or 0/1 for a share).
    x : Series
        Bool/numeric: one term (its coefficient is the difference in means for a 0/1 ``x``).
        Object/category: indicators for every level but the first (sorted), tested jointly.
    clusters : array
        Unit ids (customer); rows of one unit may be correlated.

    Returns
    -------
    ClusterWald
        ``coef`` and ``se`` of the tested terms, chi-square ``statistic`` with ``df`` terms, ``p_value``,
        the number of ``clusters`` and rows ``n``.
    """
    y = np.asarray(y, float)
    ok = ~np.isnan(y) & pd.notna(x).to_numpy()
    y, xs, g = y[ok], x[ok], pd.factorize(np.asarray(clusters)[ok])[0]
    if xs.dtype == bool or pd.api.types.is_numeric_dtype(xs):
        X = pd.DataFrame({str(x.name or "x"): xs.astype(float).to_numpy()})
    else:
        X = pd.get_dummies(xs.astype(str), drop_first=True, dtype=float).reset_index(drop=True)
    if X.shape[1] == 0 or len(y) <= X.shape[1] + 1 or g.max(initial=-1) < 1:
        raise DataError(f"cluster_wald: {len(y)} row(s) in {g.max(initial=-1) + 1} cluster(s) with "
                        f"{X.shape[1]} term(s) to test; need at least two clusters and two levels.")
    X.insert(0, "const", 1.0)
    fit = sm.OLS(y, X.to_numpy()).fit(cov_type="cluster", cov_kwds={"groups": g})
    terms = list(X.columns[1:])
    b = np.asarray(fit.params)[1:]
    v = np.asarray(fit.cov_params())[1:, 1:]
    stat = float(b @ np.linalg.solve(v, b))
    return ClusterWald(coef=pd.Series(b, index=terms), se=pd.Series(np.sqrt(np.diag(v)), index=terms),
                       statistic=stat, df=len(terms), p_value=float(stats.chi2.sf(stat, len(terms))),
                       clusters=int(g.max() + 1), n=int(len(y)))
