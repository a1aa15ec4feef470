"""Cox regression with case (survey) weights, Efron ties and a robust (sandwich) covariance.

statsmodels' ``PHReg`` takes no case weights, and lifelines is not a run-time dependency, so the
weighted fit is written here: Newton-Raphson on the weighted Efron partial likelihood (as R's
``coxph(weights = w)``: tied deaths share their mean weight), and the robust variance of Lin & Wei
(1989) from the Efron score residuals, ``V = I^-1 (sum w_i^2 L_i L_i') I^-1``, times n / (n - 1) as
R ``survey::svycoxph`` on a design with ``ids = ~1`` (without the factor it is ``coxph(robust = TRUE)``
and lifelines' ``CoxPHFitter(weights_col=..., robust=True)``). Tested against those values.
"""

from __future__ import annotations

import numpy as np

__all__ = ["weighted_cox"]


def _event_blocks(t: np.ndarray, e: np.ndarray) -> list[tuple[int, np.ndarray]]:
    """Per distinct event time (ascending): the index where its risk set starts (rows sorted by time)
    and the rows of its deaths."""
    out = []
    ev_times = np.unique(t[e == 1])
    starts = np.searchsorted(t, ev_times, side="left")
    for s, u in zip(starts, ev_times, strict=True):
        stop = np.searchsorted(t, u, side="right")
        rows = np.arange(s, stop)
        out.append((int(s), rows[e[rows] == 1]))
    return out


def _pieces(X, w, beta, blocks):
    """Log partial likelihood, gradient, information and the per-time step quantities."""
    eta = X @ beta
    r = w * np.exp(eta)
    # Risk-set sums from the end (rows sorted by time ascending).
    s0 = np.cumsum(r[::-1])[::-1]
    s1 = np.cumsum((r[:, None] * X)[::-1], axis=0)[::-1]
    s2 = np.cumsum((r[:, None, None] * X[:, :, None] * X[:, None, :])[::-1], axis=0)[::-1]
    p = X.shape[1]
    ll, grad, info = 0.0, np.zeros(p), np.zeros((p, p))
    steps = []
    for start, dead in blocks:
        d = len(dead)
        mw = w[dead].mean()
        rd = r[dead]
        d0, d1 = rd.sum(), rd @ X[dead]
        d2 = (rd[:, None, None] * X[dead][:, :, None] * X[dead][:, None, :]).sum(axis=0)
        ll += w[dead] @ eta[dead]
        grad += w[dead] @ X[dead]
        frac = np.arange(d) / d
        den = s0[start] - frac * d0
        xb = (s1[start][None, :] - frac[:, None] * d1[None, :]) / den[:, None]
        ll -= mw * np.log(den).sum()
        grad -= mw * xb.sum(axis=0)
        for k in range(d):
            m2 = (s2[start] - frac[k] * d2) / den[k]
            info += mw * (m2 - np.outer(xb[k], xb[k]))
        steps.append((start, dead, frac, mw / den, xb))
    return ll, grad, info, steps


def _score_residuals(X, w, beta, steps, n):
    """Efron score residuals L_i (the weighted score is sum w_i L_i)."""
    eta = np.exp(X @ beta)
    p = X.shape[1]
    L = np.zeros((n, p))
    # Cumulative hazard pieces for rows at risk with full weight: A (scalar) and B (vector) per time.
    A = np.zeros(len(steps))
    B = np.zeros((len(steps), p))
    for j, (_start, dead, frac, dlam, xb) in enumerate(steps):
        A[j], B[j] = dlam.sum(), dlam @ xb
        # Own-time terms of the deaths: dN spread over the d steps, at-risk weight (1 - r/d).
        wt = 1 - frac
        L[dead] += X[dead] - xb.mean(axis=0) - eta[dead][:, None] * (
            X[dead] * (wt @ dlam) - (wt * dlam) @ xb)
    starts = np.array([s for s, *_ in steps])
    # Row i is at risk with full weight at every event time t_k with start_k <= i, except its own death time.
    cA, cB = np.cumsum(A), np.cumsum(B, axis=0)
    idx = np.searchsorted(starts, np.arange(n), side="right") - 1
    own = np.zeros(n, bool)
    for _start, dead, *_ in steps:
        own[dead] = True
    for i_set, shift in ((~own, 0), (own, 1)):
        rows = np.nonzero(i_set)[0]
        k = idx[rows] - shift  # deaths: only the times before their own
        ok = k >= 0
        rows, k = rows[ok], k[ok]
        L[rows] -= eta[rows][:, None] * (X[rows] * cA[k][:, None] - cB[k])
    return L


def weighted_cox(time: np.ndarray, event: np.ndarray, X: np.ndarray, weights: np.ndarray, *,
                 tol: float = 1e-10, maxiter: int = 50) -> dict:
    """Weighted Efron Cox fit.

    Returns
    -------
    dict with ``params``, ``cov`` (robust, times n / (n - 1)), ``cov_naive`` (inverse information),
    ``llf`` and ``converged``.
    """
    order = np.argsort(time, kind="stable")
    t, e = np.asarray(time, float)[order], np.asarray(event, int)[order]
    X, w = np.asarray(X, float)[order], np.asarray(weights, float)[order]
    n, p = X.shape
    blocks = _event_blocks(t, e)
    beta = np.zeros(p)
    ll, grad, info, steps = _pieces(X, w, beta, blocks)
    converged = False
    for _ in range(maxiter):
        step = np.linalg.solve(info, grad)
        new = beta + step
        ll_new, g_new, i_new, s_new = _pieces(X, w, new, blocks)
        halvings = 0
        while ll_new < ll - 1e-12 and halvings < 20:  # step halving keeps the likelihood rising
            step /= 2
            new = beta + step
            ll_new, g_new, i_new, s_new = _pieces(X, w, new, blocks)
            halvings += 1
        beta, ll, grad, info, steps = new, ll_new, g_new, i_new, s_new
        if np.max(np.abs(step)) < tol:
            converged = True
            break
    inv = np.linalg.inv(info)
    L = _score_residuals(X, w, beta, steps, n)
    D = (w[:, None] * L) @ inv
    cov = D.T @ D * n / (n - 1)
    return {"params": beta, "cov": cov, "cov_naive": inv, "llf": float(ll), "converged": converged}
