"""Change decomposition on count tables: mix (composition) and rate (within-segment) parts.

A metric that is a weighted average over segments, ``M = sum_s m_s r_s`` (``m_s`` the
segment's share of answers, ``r_s`` its own figure: NPS, a share, a mean or a churn rate),
changes between periods a and b by::

    M_b - M_a = sum_s (m_bs - m_as) (r_as + r_bs) / 2      mix: who answered
              + sum_s (r_bs - r_as) (m_as + m_bs) / 2      rate: change inside segments

Kitagawa's (1955) symmetric two-factor decomposition ("shift-share" with the averages of
both periods as weights, Das Gupta 1993 ch. 2): each segment's two terms add up to
``m_bs r_bs - m_as r_as``, so the parts add up to the total change without a residual
and do not depend on which period is called the base. A segment present in one period
only has no figure in the other; its figure is taken to be the same in both, so its
whole contribution is mix (it joined or left the answers) and its rate part is 0.

Intervals come from a bootstrap of each period's count table (segments x answer values): each
resample is one multinomial draw over its cells with the observed shares, which is resampling
the period's rows with replacement without touching rows (as :mod:`cxkit.stats.bootstrap`
explains). Weighted data resamples ``round(n_eff)`` answers per period (Kish), as the other
bootstrap intervals do.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import ParameterError
from .bootstrap import MIN_BOOT
from .counts import kish_neff

__all__ = ["kitagawa", "segment_table", "decompose_segments", "bootstrap_parts"]


def kitagawa(m_a: np.ndarray, r_a: np.ndarray, m_b: np.ndarray, r_b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mix and rate part per segment (arrays broadcast; the last axis is the segments).

    A missing figure (NaN: no answers in that period) is replaced by the other period's, so that
    segment's change is all mix; a segment without answers in both periods contributes 0.
    """
    r_a = np.where(np.isnan(r_a), r_b, r_a)
    r_b = np.where(np.isnan(r_b), r_a, r_b)
    r_a, r_b = np.nan_to_num(r_a), np.nan_to_num(r_b)
    mix = (m_b - m_a) * (r_a + r_b) / 2
    rate = (r_b - r_a) * (m_a + m_b) / 2
    return mix, rate


def segment_table(counts: pd.DataFrame, by: Sequence[str], value: str, contributions: pd.Series | np.ndarray,
                  period: str, period_a: str, period_b: str) -> pd.DataFrame:
    """Per segment and period: answers ``n``, weight ``w``, ``w2`` and the weighted sum of contributions ``s``.

    ``counts`` is a count table (``*by, period, value, n, w, w2``); ``contributions`` gives each of its
    rows' contribution (aligned to ``counts``). Returns one row per segment with columns
    ``n_a, w_a, w2_a, s_a, n_b, w_b, w2_b, s_b`` (0 where a segment has no answers in a period).
    """
    by = list(by)
    c = counts[counts[period].isin([period_a, period_b])].copy()
    c["s"] = c["w"].to_numpy(float) * np.asarray(contributions, dtype=float)[counts[period].isin(
        [period_a, period_b]).to_numpy()]
    keys = [*by, period]
    g = c.groupby(keys, observed=True, sort=True)[["n", "w", "w2", "s"]].sum()
    wide = g.unstack(period, fill_value=0)
    out = pd.DataFrame(index=wide.index)
    for side, p in (("a", period_a), ("b", period_b)):
        for col in ("n", "w", "w2", "s"):
            out[f"{col}_{side}"] = wide[(col, p)] if (col, p) in wide.columns else 0.0
    out = out.reset_index() if by else out.reset_index(drop=True)
    out[["n_a", "n_b"]] = out[["n_a", "n_b"]].astype("int64")
    return out


def decompose_segments(seg: pd.DataFrame, factor: float = 1.0) -> pd.DataFrame:
    """Add ``share_a/b`` (segment share of weight), ``value_a/b`` (segment figure x ``factor``),
    ``mix``, ``rate`` and ``change`` (= mix + rate) to a :func:`segment_table`."""
    out = seg.copy()
    for side in ("a", "b"):
        w = out[f"w_{side}"].to_numpy(float)
        total = w.sum()
        out[f"share_{side}"] = w / total if total > 0 else np.nan
        with np.errstate(divide="ignore", invalid="ignore"):
            out[f"value_{side}"] = np.where(w > 0, factor * out[f"s_{side}"].to_numpy(float) / w, np.nan)
    mix, rate = kitagawa(out["share_a"].to_numpy(), out["value_a"].to_numpy(),
                         out["share_b"].to_numpy(), out["value_b"].to_numpy())
    out["mix"], out["rate"] = mix, rate
    out["change"] = mix + rate
    return out


_CELLS = 1 << 22  # resampled cells per chunk (resamples x segments x values): bounds memory at about 32 MB


def _period_draws(hist: np.ndarray, w: np.ndarray, w2: np.ndarray, contributions: np.ndarray, n_boot: int,
                  rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """One period's resampled segment shares and figures, each (n_boot, segments).

    The period's count table (segments x answer values) is resampled whole: one multinomial draw of
    ``round(n_eff)`` answers over its cells per resample, i.e. the period's rows resampled with
    replacement. (The FFT route of :func:`~cxkit.stats.bootstrap.resampled_sums` needs a fixed number of
    answers per group; here a segment's count differs between resamples, and drawing it first and
    the sums per count after took 40x longer on 50 segments.)
    """
    total = w.sum()
    n_res = max(int(np.rint(kish_neff(np.array([total]), np.array([w2.sum()]))[0])), 1)
    cells = hist.ravel() / hist.sum()
    c = np.tile(np.asarray(contributions, dtype=float), hist.shape[0])
    seg = np.repeat(np.arange(hist.shape[0]), hist.shape[1])
    k = np.empty((n_boot, hist.shape[0]))
    sums = np.empty((n_boot, hist.shape[0]))
    step = max(1, _CELLS // max(len(cells), 1))
    for first in range(0, n_boot, step):
        x = rng.multinomial(n_res, cells, size=min(step, n_boot - first)).astype(float)
        rows = slice(first, first + len(x))
        # Per segment: answers and sum of contributions (cells are segment-major).
        k[rows] = np.add.reduceat(x, np.r_[0, np.flatnonzero(np.diff(seg)) + 1], axis=1)
        sums[rows] = np.add.reduceat(x * c, np.r_[0, np.flatnonzero(np.diff(seg)) + 1], axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        rates = np.where(k > 0, sums / k, np.nan)
    return k / n_res, rates


def bootstrap_parts(hist_a: np.ndarray, hist_b: np.ndarray, w: tuple[np.ndarray, np.ndarray],
                    w2: tuple[np.ndarray, np.ndarray], contributions: np.ndarray, *, factor: float = 1.0,
                    level: float = 0.95, n_boot: int = 2000, seed: int = 0) -> dict[str, np.ndarray]:
    """Percentile intervals of every segment's mix and rate part and of the totals.

    Parameters
    ----------
    hist_a, hist_b : arrays (segments, values)
        Weighted answer histograms of each segment in periods a and b (same segment order).
    w, w2 : pairs of arrays (segments,)
        Sum of weights and of squared weights per segment in a and b.
    contributions : array (values,)
        Whole-number contribution of one answer of each value (NPS -1/0/1, top box 0/1, the score).
    factor : float
        Unit of the figures (100 for points and %).

    Returns
    -------
    dict with ``mix``, ``rate`` (each (2, segments): low, high) and ``total_mix``, ``total_rate``,
    ``total`` (each (2,)).
    """
    if not isinstance(n_boot, int | np.integer) or isinstance(n_boot, bool) or n_boot < MIN_BOOT:
        raise ParameterError(f"`n_boot` must be an integer >= {MIN_BOOT}; got {n_boot!r}.")
    rng_a, rng_b = (np.random.default_rng(q) for q in np.random.SeedSequence(seed).spawn(2))
    m_a, r_a = _period_draws(hist_a, w[0], w2[0], contributions, n_boot, rng_a)
    m_b, r_b = _period_draws(hist_b, w[1], w2[1], contributions, n_boot, rng_b)
    mix, rate = kitagawa(m_a, factor * r_a, m_b, factor * r_b)
    q = [(1 - level) / 2, (1 + level) / 2]
    tm, tr = mix.sum(axis=1), rate.sum(axis=1)
    return {"mix": np.quantile(mix, q, axis=0), "rate": np.quantile(rate, q, axis=0),
            "total_mix": np.quantile(tm, q), "total_rate": np.quantile(tr, q), "total": np.quantile(tm + tr, q)}
