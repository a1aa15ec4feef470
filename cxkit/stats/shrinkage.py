"""Empirical-Bayes shrinkage of unit scores (stores, agents, touchpoints) from their count tables.

Each unit's answers fall in ``K`` categories (a share: good / not good, ``K = 2``; NPS: detractor /
passive / promoter, ``K = 3``). The units' category probabilities are taken to come from one Dirichlet
distribution ``Dir(alpha)`` (``K = 2``: a beta distribution), so a unit's counts are Dirichlet-multinomial
(beta-binomial) with the closed-form marginal likelihood

    log L(alpha) = sum_i [ lgamma(A) - lgamma(n_i + A) + sum_k lgamma(x_ik + alpha_k) - lgamma(alpha_k) ]

(``A = sum alpha``, constants left out). ``alpha`` is its maximum (type-II maximum likelihood, Minka 2000),
found by Newton steps with the exact gradient and Hessian (digamma, trigamma) on ``log alpha`` with a trust
region (scipy ``trust-exact``), started from the method of moments; no MCMC. A unit's posterior is then
``Dir(alpha + x_i)``: conjugate, so its mean and the simulation of ranks are exact given ``alpha``.

When the units vary no more than sampling does, the likelihood keeps rising as ``A -> inf`` with fixed
proportions (between-unit variance 0): :func:`fit_dirichlet_multinomial` then reports ``degenerate`` and
every unit is shrunk fully to the pooled proportions.

Written here rather than taken from a library: statsmodels and scipy have the beta-binomial and
Dirichlet-multinomial distributions (used by the tests as the independent check) but no empirical-Bayes fit
of them to grouped counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, special
from scipy.stats import rankdata

from ..errors import DegenerateDataError

__all__ = ["DMFit", "fit_dirichlet_multinomial", "dm_loglik", "posterior_draws", "rank_summary"]


@dataclass(frozen=True)
class DMFit:
    """Fitted Dirichlet-multinomial (``K = 2``: beta-binomial) prior of the units.

    Attributes
    ----------
    alpha : ndarray
        Prior parameters, one per category (``K = 2``: ``(b, a)`` for not good, good). Infinite when degenerate.
    mean : ndarray
        Prior mean proportions ``alpha / A`` (degenerate: the pooled proportions).
    strength : float
        ``A = sum alpha``: the prior counts as that many answers (``inf`` when degenerate).
    loglik : float
        Maximised log marginal likelihood (without the multinomial coefficients).
    degenerate : bool
        Between-unit variance 0: the likelihood is largest at ``A -> inf`` (no variation beyond sampling).
    converged : bool
        The optimiser reported success.
    """

    alpha: np.ndarray
    mean: np.ndarray
    strength: float
    loglik: float
    degenerate: bool
    converged: bool


def dm_loglik(alpha: np.ndarray, x: np.ndarray) -> float:
    """Dirichlet-multinomial log marginal likelihood of the count rows ``x`` (units x K), constants left out."""
    alpha = np.asarray(alpha, dtype=float)
    n = x.sum(axis=1)
    A = alpha.sum()
    return float(np.sum(special.gammaln(A) - special.gammaln(n + A))
                 + np.sum(special.gammaln(x + alpha) - special.gammaln(alpha)))


def _limit_loglik(x: np.ndarray) -> float:
    """The log-likelihood's limit as ``A -> inf`` at the pooled proportions (the multinomial, same constants)."""
    p = x.sum(axis=0) / x.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.nansum(np.where(x > 0, x * np.log(p), 0.0)))


def _boundary_score(x: np.ndarray) -> float:
    """d log L / d(1/A) at ``1/A = 0`` (pooled proportions): Tarone's (1979) overdispersion score.

    Expanding ``lgamma(x + pA) - lgamma(pA) = x log(pA) + x (x - 1) / (2 p A) + O(A^-2)`` gives
    ``0.5 * [sum_ik x_ik (x_ik - 1) / p_k - sum_i n_i (n_i - 1)]``; not positive means the likelihood is
    largest at ``A = inf`` (locally), so the units vary no more than sampling does.
    """
    p = x.sum(axis=0) / x.sum()
    n = x.sum(axis=1)
    return float(0.5 * (np.sum(x * (x - 1) / p) - np.sum(n * (n - 1))))


def _moments_start(x: np.ndarray) -> np.ndarray:
    """Method-of-moments ``log alpha``: pooled proportions and the overdispersion of the first category."""
    n = x.sum(axis=1)
    p = (x.sum(axis=0) + 0.5) / (x.sum() + 0.5 * x.shape[1])
    # Var(x_i1 / n_i) = p(1-p) [1/n_i + (1 - 1/n_i) / (A + 1)]: solve the weighted average for A.
    share = x[:, 0] / n
    v = np.average((share - p[0]) ** 2, weights=n)
    binom = p[0] * (1 - p[0]) * np.mean(1 / n)
    excess = v - binom
    rho = excess / (p[0] * (1 - p[0]) * (1 - np.mean(1 / n))) if excess > 0 else 0.0
    A = 1 / rho - 1 if 0 < rho < 1 else 1e3 * n.max()
    return np.log(np.clip(p * np.clip(A, 0.1, 1e6), 1e-3, None))


def fit_dirichlet_multinomial(x: np.ndarray, *, what: str = "counts") -> DMFit:
    """Maximum-likelihood Dirichlet-multinomial prior of count rows ``x`` (units x K categories).

    Parameters
    ----------
    x : array of int, shape (units, K)
        Answers per unit and category; every unit has at least one answer.
    what : str
        Names the counts in error messages (``"NPS answers per store"``).

    Returns
    -------
    DMFit

    Raises
    ------
    DegenerateDataError
        Fewer than two units, or every answer in one category (nothing to estimate).
    """
    x = np.asarray(x, dtype=float)
    if x.ndim != 2 or x.shape[0] < 2:
        raise DegenerateDataError(f"{what}: shrinkage needs at least 2 units to learn how much they differ; "
                                  f"got {x.shape[0] if x.ndim == 2 else 0}.")
    totals = x.sum(axis=0)
    if (totals > 0).sum() < 2:
        raise DegenerateDataError(f"{what}: every answer is in one category, so there is nothing to rank; "
                                  "expected answers in at least two categories.")
    # A category nobody used has alpha -> 0 at the maximum; fit the others (their marginal is unchanged).
    used = totals > 0
    xu = x[:, used]
    n = xu.sum(axis=1)

    def negll(t):
        return -dm_loglik(np.exp(t), xu)

    def grad(t):
        a = np.exp(t)
        A = a.sum()
        g = np.sum(special.digamma(A) - special.digamma(n + A)) + np.sum(
            special.digamma(xu + a) - special.digamma(a), axis=0)
        return -(a * g)

    def hess(t):
        a = np.exp(t)
        A = a.sum()
        g = np.sum(special.digamma(A) - special.digamma(n + A)) + np.sum(
            special.digamma(xu + a) - special.digamma(a), axis=0)
        h = np.full((a.size, a.size), np.sum(special.polygamma(1, A) - special.polygamma(1, n + A)))
        h[np.diag_indices(a.size)] += np.sum(special.polygamma(1, xu + a) - special.polygamma(1, a), axis=0)
        # chain rule on log alpha: d2/dt2 = diag(a) H diag(a) + diag(a * g)
        return -(a[:, None] * h * a[None, :] + np.diag(a * g))

    if _boundary_score(xu) <= 0:
        # Tarone's score at A = inf is not positive: no overdispersion to fit, the maximum is the boundary.
        return DMFit(alpha=np.where(used, np.inf, 0.0), mean=totals / totals.sum(), strength=float("inf"),
                     loglik=_limit_loglik(xu), degenerate=True, converged=True)
    res = optimize.minimize(negll, _moments_start(xu), jac=grad, hess=hess, method="trust-exact",
                            options={"gtol": 1e-8, "maxiter": 500})
    a_used = np.exp(res.x)
    # Near the optimum the trust region can stop on round-off ("failure to predict improvement") with the
    # gradient already ~1e-8: that is convergence too.
    ok = bool(res.success or np.max(np.abs(res.jac)) < 1e-5)
    ll = -float(res.fun)
    ll_inf = _limit_loglik(xu)  # the likelihood's supremum along A -> inf (between-unit variance 0)
    degenerate = bool(ll_inf >= ll - 1e-9 or a_used.sum() > 1e9)
    alpha = np.zeros(x.shape[1])
    if degenerate:
        alpha[used] = np.inf
        mean = totals / totals.sum()
        return DMFit(alpha=alpha, mean=mean, strength=float("inf"), loglik=max(ll, ll_inf), degenerate=True,
                     converged=ok)
    alpha[used] = a_used
    return DMFit(alpha=alpha, mean=alpha / alpha.sum(), strength=float(alpha.sum()), loglik=ll, degenerate=False,
                 converged=ok)


def posterior_draws(fit: DMFit, x: np.ndarray, weights: np.ndarray, n_draws: int, seed: int) -> np.ndarray:
    """Draws of each unit's score ``sum_k weights_k p_k`` from its posterior ``Dir(alpha + x_i)``.

    Returns an array (n_draws, units). Seeded (``numpy.random.default_rng(seed)``): the same call gives the
    same draws. Degenerate fits have no between-unit variation: every unit gets the pooled proportions.
    """
    x = np.asarray(x, dtype=float)
    weights = np.asarray(weights, dtype=float)
    rng = np.random.default_rng(seed)
    if fit.degenerate:
        return np.full((n_draws, x.shape[0]), float(fit.mean @ weights))
    post = fit.alpha[None, :] + x  # units x K
    # Dirichlet draws as normalised gammas, all units at once (rng.dirichlet takes one alpha vector).
    g = rng.standard_gamma(np.broadcast_to(post, (n_draws, *post.shape)))
    p = g / g.sum(axis=2, keepdims=True)
    return p @ weights


def rank_summary(draws: np.ndarray, *, higher_is_better: bool, level: float, tail: float):
    """Rank interval and tail probabilities of each unit from posterior draws (n_draws x units).

    Rank 1 is the best unit. A unit is in the bottom (top) ``tail`` when its rank is among the
    ``max(1, round(tail * units))`` worst (best).

    Returns
    -------
    mean_rank, rank_low, rank_high, p_bottom, p_top : arrays (one per unit)
    """
    units = draws.shape[1]
    ranks = rankdata(-draws if higher_is_better else draws, axis=1, method="average")
    k = max(1, int(round(tail * units)))
    lo, hi = np.quantile(ranks, [0.5 - level / 2, 0.5 + level / 2], axis=0, method="inverted_cdf")
    return (ranks.mean(axis=0), lo, hi, (ranks > units - k).mean(axis=0), (ranks <= k).mean(axis=0))
