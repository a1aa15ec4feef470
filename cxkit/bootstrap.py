"""Bootstrap intervals from count tables: multinomial resampling of every group at once.

Resampling n answers with replacement from a group's answers is the same as
drawing that group's histogram from a multinomial distribution with the
observed shares, so the bootstrap never touches rows: one
``numpy.random.Generator.multinomial`` call draws every resample of every
group. Weighted data resamples ``round(n_eff)`` answers from the weighted
shares (Kish's effective sample size), matching the analytic intervals.

Intervals are percentile intervals; they are seeded and therefore reproducible.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from .errors import ParameterError

__all__ = ["multinomial_percentiles", "histogram_matrix", "MIN_BOOT"]

MIN_BOOT = 100
# Resamples drawn per block: bounds memory at about block x groups x values x 8 bytes.
# Blocks follow one generator stream, so results do not depend on the block size.
_BLOCK = 250


def _check(n_boot: int, seed: int) -> None:
    if not isinstance(n_boot, int | np.integer) or isinstance(n_boot, bool) or n_boot < MIN_BOOT:
        raise ParameterError(f"`n_boot` must be an integer >= {MIN_BOOT}; got {n_boot!r}.")
    if not isinstance(seed, int | np.integer) or isinstance(seed, bool):
        raise ParameterError(f"`seed` must be an integer; got {seed!r}.")


def multinomial_percentiles(p: np.ndarray, n: np.ndarray, statistics: Sequence[Callable[[np.ndarray, np.ndarray], np.ndarray]],
                            *, level: float, n_boot: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Percentile intervals of statistics of resampled histograms.

    Parameters
    ----------
    p : array (groups, values)
        Each group's share of answers per value (rows are normalised here).
    n : array (groups,)
        Answers per resample (rounded, at least 1).
    statistics : list of callables
        ``f(draws, n)`` with ``draws`` of shape (resamples, groups, values),
        returning (resamples, groups).
    level : float
    n_boot : int
        Resamples per group (>= 100).
    seed : int

    Returns
    -------
    list of (low, high) arrays of shape (groups,), one per statistic.
    Groups without answers get NaN.
    """
    _check(n_boot, seed)
    p = np.asarray(p, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.nan_to_num(p / p.sum(axis=1, keepdims=True))
    empty = p.sum(axis=1) == 0
    p[empty, 0] = 1.0  # any valid distribution; the result is blanked below
    n = np.maximum(np.rint(np.nan_to_num(np.asarray(n, dtype=float))).astype(np.int64), 1)
    rng = np.random.default_rng(seed)
    sims = [np.empty((n_boot, len(n))) for _ in statistics]
    for start in range(0, n_boot, _BLOCK):
        size = min(_BLOCK, n_boot - start)
        draws = rng.multinomial(n, p, size=(size, len(n)))
        for out, f in zip(sims, statistics, strict=True):
            out[start:start + size] = f(draws, n)
    a = (1 - level) / 2
    result = []
    for s in sims:
        lo, hi = np.quantile(s, [a, 1 - a], axis=0)
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
