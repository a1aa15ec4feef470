"""Bootstrap intervals from count tables: multinomial resampling of every group at once.

Resampling n answers with replacement from a group's answers is the same as
drawing that group's histogram ``X`` from a multinomial distribution with the
observed shares ``p``, so the bootstrap never touches rows. Every statistic
cxkit bootstraps is linear in the histogram: a share of answers, a mean score,
NPS = (promoters - detractors) / n. Each is ``c @ X / n`` for a vector ``c`` of
whole-number contributions per answer value, i.e. the sum of n independent
answers drawn from ``p``, divided by n.

So instead of drawing whole histograms (``Generator.multinomial`` costs one
binomial draw per scale point per resample, about 2 s for 2,000 resamples of
1,200 seven-point groups) we compute each statistic's exact resampling
distribution, the n-fold convolution of the per-answer distribution, with one
batched FFT over all groups, and draw the resamples from it by inverse CDF.
The draws have exactly the distribution of the statistic of a resampled
histogram (tests check this against ``Generator.multinomial``); each statistic
gets its own seeded stream, which is all percentile intervals need. No library
offers this: scipy's and arch's bootstraps resample rows.

Weighted data resamples ``round(n_eff)`` answers from the weighted shares
(Kish's effective sample size), matching the analytic intervals. Intervals are
percentile intervals; they are seeded and therefore reproducible.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import ParameterError

__all__ = ["multinomial_percentiles", "resampled_sums", "histogram_matrix", "MIN_BOOT"]

MIN_BOOT = 100
# Bernstein's inequality: the sum of n answers of variance s2 and range b lies
# within t of its mean except with probability 2 exp(-t^2 / (2 (n s2 + b t / 3))).
# A circular FFT grid 2t wide with that probability at 1e-36 holds the whole
# distribution without aliasing (the rest is far below double precision).
_TAIL = float(np.log(2 / 1e-36))
# FFT cells per batch (groups x grid points): bounds memory at about 200 MB.
_CELLS = 1 << 22
# Groups per draw chunk. Uniforms are drawn group after group from one stream, so
# results do not depend on this size or on the FFT batching.
_GROUPS = 2048


def _check(n_boot: int, seed: int) -> None:
    if not isinstance(n_boot, int | np.integer) or isinstance(n_boot, bool) or n_boot < MIN_BOOT:
        raise ParameterError(f"`n_boot` must be an integer >= {MIN_BOOT}; got {n_boot!r}.")
    if not isinstance(seed, int | np.integer) or isinstance(seed, bool):
        raise ParameterError(f"`seed` must be an integer; got {seed!r}.")


def _next_pow2(x: np.ndarray) -> np.ndarray:
    return (2 ** np.ceil(np.log2(np.maximum(x, 2)))).astype(np.int64)


def _sum_cdfs(q: np.ndarray, n: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """CDFs of the sum of ``n`` draws from each row of ``q`` on a window of ``size`` points.

    Returns the window starts (G,) and the CDFs (G, size): ``cdf[g, i]`` is
    P(sum <= start[g] + i).
    """
    w = q.shape[1]
    full = n * (w - 1) + 1  # support of the sum: 0 .. n (w - 1)
    centre = n * (q @ np.arange(w))
    start = np.clip(np.floor(centre - size / 2), 0, np.maximum(full - size, 0)).astype(np.int64)
    f = np.fft.rfft(q, n=size, axis=1)
    # f ** n in polar form, only where |f| ** n does not underflow to 0 (for large n
    # that is a few percent of the frequencies; the rest are exactly 0 either way),
    # with the shift theorem moving the window start to index 0 of the circular
    # result. The shift is reduced modulo the grid in integers so the phase stays
    # exact for large n.
    with np.errstate(divide="ignore"):
        log_mod = n[:, None] * np.log(np.abs(f))
    keep = log_mod > -745.0  # exp(-745) is below the smallest double
    rows, freq = np.nonzero(keep)
    phase = n[rows] * np.angle(f[keep]) + (2 * np.pi / size) * ((freq * start[rows]) % size)
    spectrum = np.zeros_like(f)
    spectrum[keep] = np.exp(log_mod[keep] + 1j * phase)
    pmf = np.fft.irfft(spectrum, n=size, axis=1)
    np.clip(pmf, 0, None, out=pmf)  # FFT round-off leaves tiny negative values
    cdf = np.cumsum(pmf, axis=1)
    cdf /= cdf[:, -1:]
    return start, cdf


def _inverse_cdf(p: np.ndarray, n: np.ndarray, contributions: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Map uniforms ``u`` (groups, m) to resampled sums ``contributions @ X``, X ~ Multinomial(n, p)."""
    c = np.asarray(contributions)
    if not np.allclose(c, np.round(c)):
        raise ParameterError(f"`contributions` must be whole numbers; got {c.tolist()}.")
    c = np.round(c).astype(np.int64)
    low = int(c.min())
    w = int(c.max()) - low + 1
    q = p @ (np.arange(w)[None, :] == (c - low)[:, None])  # per-answer distribution of c - low
    k = np.arange(w)
    var = q @ k**2 - (q @ k) ** 2
    b = 2 * _TAIL * (w - 1) / 3
    t = (b + np.sqrt(b**2 + 8 * _TAIL * n * np.maximum(var, 0))) / 2  # Bernstein bound solved for t
    size = np.minimum(_next_pow2(n * (w - 1) + 1), _next_pow2(2 * np.ceil(t) + w))
    out = np.empty(u.shape)
    for m in np.unique(size):  # batch groups sharing a grid size
        rows = np.flatnonzero(size == m)
        step = max(1, _CELLS // int(m))
        for first in range(0, len(rows), step):
            sub = rows[first:first + step]
            start, cdf = _sum_cdfs(q[sub], n[sub], int(m))
            for i, g in enumerate(sub):
                out[g] = start[i] + np.minimum(np.searchsorted(cdf[i], u[g], side="right"), int(m) - 1)
    return out + n[:, None] * low


def resampled_sums(p: np.ndarray, n: np.ndarray, contributions: np.ndarray, *, n_boot: int,
                   rng: np.random.Generator) -> np.ndarray:
    """Draw ``n_boot`` resampled values of ``contributions @ X`` per group, X ~ Multinomial(n, p).

    Parameters
    ----------
    p : array (groups, values)
        Shares per value; rows sum to 1.
    n : array (groups,)
        Answers per resample (whole numbers >= 1).
    contributions : array (values,)
        Whole-number contribution of one answer of each value.
    n_boot : int
    rng : numpy Generator

    Returns
    -------
    array (groups, n_boot) of resampled sums.
    """
    return _inverse_cdf(p, n, contributions, rng.random((len(n), n_boot)))


def multinomial_percentiles(p: np.ndarray, n: np.ndarray, contributions: Sequence[np.ndarray], *,
                            level: float, n_boot: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Percentile intervals of ``contributions @ X / n`` for resampled histograms X.

    Parameters
    ----------
    p : array (groups, values)
        Each group's share of answers per value (rows are normalised here).
    n : array (groups,)
        Answers per resample (rounded, at least 1).
    contributions : list of arrays (values,)
        One statistic each: e.g. a 0/1 indicator of the top box (share), the scale
        values (mean), -1/0/+1 for detractors/passives/promoters (NPS).
    level : float
    n_boot : int
        Resamples per group (>= 100).
    seed : int

    Returns
    -------
    list of (low, high) arrays of shape (groups,), one per statistic: the
    ``numpy.quantile`` (linear) of ``n_boot`` resampled statistics per group.
    Groups without answers get NaN.
    """
    _check(n_boot, seed)
    p = np.asarray(p, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.nan_to_num(p / p.sum(axis=1, keepdims=True))
    empty = p.sum(axis=1) == 0
    p[empty, 0] = 1.0  # any valid distribution; the result is blanked below
    n = np.maximum(np.rint(np.nan_to_num(np.asarray(n, dtype=float))).astype(np.int64), 1)
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(len(contributions))]
    # The inverse CDF is monotone, so the order statistics of the resampled statistics
    # are the inverse CDF of the uniforms' order statistics: only the two pairs that
    # numpy.quantile interpolates between need mapping.
    a = (1 - level) / 2
    h = (n_boot - 1) * np.array([a, 1 - a])
    j = np.floor(h).astype(np.int64)
    ranks = np.unique(np.r_[j, np.minimum(j + 1, n_boot - 1)])
    result = []
    for c, rng in zip(contributions, streams, strict=True):
        picked = np.empty((len(n), len(ranks)))
        for first in range(0, len(n), _GROUPS):
            rows = slice(first, first + _GROUPS)
            u = np.partition(rng.random((len(n[rows]), n_boot)), ranks, axis=1)[:, ranks]
            picked[rows] = _inverse_cdf(p[rows], n[rows], c, u) / n[rows, None]
        x = {r: picked[:, i] for i, r in enumerate(ranks)}
        lo, hi = (x[jj] + (hh - jj) * (x[min(jj + 1, n_boot - 1)] - x[jj]) for jj, hh in zip(j, h, strict=True))
        lo[empty], hi[empty] = np.nan, np.nan
        result.append((lo, hi))
    return result


def histogram_matrix(counts: pd.DataFrame, by: Sequence[str], score: str, values: np.ndarray,
                     column: str = "w") -> np.ndarray:
    """Count table -> (groups, values) matrix of ``column`` sums.

    Groups are in the order of ``counts.groupby(by, sort=True, observed=True)``,
    the order every metric table uses.
    """
    by = list(by)
    codes = (counts.groupby(by, sort=True, observed=True).ngroup().to_numpy() if by
             else np.zeros(len(counts), dtype=np.int64))
    n_groups = int(codes.max()) + 1 if len(codes) else 0
    keep = codes >= 0  # rows whose group has a missing value belong to no group, as in groupby
    pos = np.searchsorted(values, counts[score].to_numpy(float)[keep])
    out = np.zeros((n_groups, len(values)))
    np.add.at(out, (codes[keep], pos), counts[column].to_numpy(float)[keep])
    return out
