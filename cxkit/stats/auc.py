"""How well a score separates churners from stayers: AUC with intervals and paired comparisons.

The AUC is the probability that a randomly chosen churner had a "riskier"
score than a randomly chosen stayer (ties count half): the Mann-Whitney
statistic. Scores are oriented by their scale, never by the data: a low NPS,
a low CSAT and an *effortful* CES answer count as risky, whatever the AUC
turns out to be (flipping a score because it works better would be fitting
to the sample).

Intervals are percentile bootstraps (seeded). Two scores answered by the same
customers are compared with DeLong's test (DeLong, DeLong & Clarke-Pearson
1988, in the fast midrank form of Sun & Xu 2014; neither scipy nor
statsmodels provides it) and a paired bootstrap of the difference.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from .._checks import check_columns
from ..errors import ParameterError
from ..scales import Scale

__all__ = ["auc", "delong", "risk_sign", "auc_table", "compare_auc"]


def risk_sign(scale: Scale) -> int:
    """+1 when a higher answer means more risk (an effort scale where higher is harder), else -1."""
    return 1 if scale.direction == "higher_is_harder" else -1


def _split(y: np.ndarray, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y, bool)
    s = np.asarray(s, float)
    return s[y], s[~y]


def auc(y: Sequence, risk: Sequence) -> float:
    """Mann-Whitney AUC of ``risk`` for the 0/1 outcome ``y`` (NaN when a class is empty)."""
    pos, neg = _split(np.asarray(y), np.asarray(risk))
    if len(pos) == 0 or len(neg) == 0:
        return np.nan
    ranks = stats.rankdata(np.concatenate([pos, neg]))
    return float((ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def delong(y: Sequence, risks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """AUCs of several risk scores on the same rows and their DeLong covariance matrix.

    Parameters
    ----------
    y : array (n,)
        0/1 outcome.
    risks : array (k, n)
        One row per score.

    Returns
    -------
    aucs : array (k,)
    cov : array (k, k)
    """
    y = np.asarray(y, bool)
    risks = np.atleast_2d(np.asarray(risks, float))
    pos, neg = risks[:, y], risks[:, ~y]
    m, n = pos.shape[1], neg.shape[1]
    if m == 0 or n == 0:
        k = risks.shape[0]
        return np.full(k, np.nan), np.full((k, k), np.nan)
    # Midranks within the positives, the negatives and both (Sun & Xu 2014).
    tx = np.apply_along_axis(stats.rankdata, 1, pos)
    ty = np.apply_along_axis(stats.rankdata, 1, neg)
    tz = np.apply_along_axis(stats.rankdata, 1, np.concatenate([pos, neg], axis=1))
    aucs = (tz[:, :m].sum(axis=1) / m - (m + 1) / 2) / n
    v01 = (tz[:, :m] - tx) / n
    v10 = 1 - (tz[:, m:] - ty) / m
    sx = np.atleast_2d(np.cov(v01))
    sy = np.atleast_2d(np.cov(v10))
    return aucs, sx / m + sy / n


def _cell_aucs(pos: np.ndarray, neg: np.ndarray) -> np.ndarray:
    """AUCs from counts of churners ``pos`` and stayers ``neg`` per ordered risk value, (b, v) arrays."""
    below = np.cumsum(neg, axis=1) - neg
    num = (pos * (below + 0.5 * neg)).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return num / (pos.sum(axis=1) * neg.sum(axis=1))


def _boot_aucs(y: np.ndarray, risks: np.ndarray, n_boot: int, seed: int) -> np.ndarray:
    """Bootstrap AUCs (n_boot, k), resampling rows (customers) with replacement.

    Resampling rows is the same as drawing the counts of the distinct
    (scores, outcome) cells from a multinomial, which is far faster for
    survey scores with a handful of values each.
    """
    rng = np.random.default_rng(seed)
    cells, inverse = np.unique(np.column_stack([risks.T, y.astype(float)]), axis=0, return_inverse=True)
    freq = np.bincount(inverse.ravel(), minlength=len(cells)) / len(y)
    draws = rng.multinomial(len(y), freq, size=n_boot).astype(float)  # (n_boot, cells)
    is_pos = cells[:, -1] == 1
    out = np.empty((n_boot, risks.shape[0]))
    for k in range(risks.shape[0]):
        _, vidx = np.unique(cells[:, k], return_inverse=True)
        onehot = np.zeros((len(cells), vidx.max() + 1))
        onehot[np.arange(len(cells)), vidx.ravel()] = 1
        out[:, k] = _cell_aucs(draws @ (onehot * is_pos[:, None]), draws @ (onehot * ~is_pos[:, None]))
    return out


def _check_boot(n_boot: int) -> None:
    if not isinstance(n_boot, int | np.integer) or n_boot < 50:
        raise ParameterError(f"`n_boot` must be a whole number >= 50; got {n_boot!r}.")


def auc_table(frame: pd.DataFrame, scores: Mapping[str, int], outcome: str = "churned", *,
              n_boot: int = 1000, seed: int = 0, level: float = 0.95, min_events: int = 10) -> pd.DataFrame:
    """AUC of each score for ``outcome`` with a bootstrap interval, each on its own complete rows.

    Parameters
    ----------
    scores : dict of column to sign
        ``+1`` when a higher value means more risk, ``-1`` when lower does
        (see :func:`risk_sign`).
    min_events : int
        Fewer churners (or stayers) than this: AUC not reported.

    Returns
    -------
    DataFrame with one row per score
        score, n, events : rows and churners used
        auc, ci_low, ci_high : AUC and percentile bootstrap interval
        se : DeLong standard error
        note
    """
    _check_boot(n_boot)
    check_columns(frame, [outcome, *scores], argument="outcome/scores")
    rows = []
    a = (1 - level) / 2
    for i, (col, sign) in enumerate(scores.items()):
        d = frame[[outcome, col]].dropna()
        y = d[outcome].astype(bool).to_numpy()
        r = sign * d[col].to_numpy(float)
        ev = int(y.sum())
        row = {"score": col, "n": len(d), "events": ev, "auc": np.nan, "ci_low": np.nan, "ci_high": np.nan,
               "se": np.nan, "note": ""}
        if min(ev, len(d) - ev) < min_events:
            row["note"] = f"fewer than {min_events} churners or stayers: no AUC"
        elif np.unique(r).size < 2:
            row["note"] = "no variance in the score: no AUC"
        else:
            aucs, cov = delong(y, r[None, :])
            boot = _boot_aucs(y, r[None, :], n_boot, seed + i)[:, 0]
            row.update(auc=float(aucs[0]), se=float(np.sqrt(cov[0, 0])),
                       ci_low=float(np.nanquantile(boot, a)), ci_high=float(np.nanquantile(boot, 1 - a)))
        rows.append(row)
    return pd.DataFrame(rows)


def compare_auc(frame: pd.DataFrame, a: str, b: str, signs: Mapping[str, int], outcome: str = "churned", *,
                n_boot: int = 1000, seed: int = 0, level: float = 0.95, min_events: int = 10) -> dict:
    """Paired comparison of two scores' AUCs on the rows where both are answered.

    Returns
    -------
    dict with
        a, b, n, events
        auc_a, auc_b, diff : AUCs and ``auc_a - auc_b``
        ci_low, ci_high, p_value : DeLong interval of the difference and test
        boot_low, boot_high : paired percentile bootstrap interval of the difference
        note
    """
    _check_boot(n_boot)
    check_columns(frame, [outcome, a, b], argument="outcome/a/b")
    d = frame[[outcome, a, b]].dropna()
    y = d[outcome].astype(bool).to_numpy()
    risks = np.vstack([signs[a] * d[a].to_numpy(float), signs[b] * d[b].to_numpy(float)])
    ev = int(y.sum())
    out = {"a": a, "b": b, "n": len(d), "events": ev, "auc_a": np.nan, "auc_b": np.nan, "diff": np.nan,
           "ci_low": np.nan, "ci_high": np.nan, "p_value": np.nan, "boot_low": np.nan, "boot_high": np.nan,
           "note": ""}
    if min(ev, len(d) - ev) < min_events:
        out["note"] = f"fewer than {min_events} churners or stayers answered both: no comparison"
        return out
    aucs, cov = delong(y, risks)
    diff = aucs[0] - aucs[1]
    var = cov[0, 0] + cov[1, 1] - 2 * cov[0, 1]
    z = stats.norm.ppf(0.5 + level / 2)
    se = np.sqrt(max(var, 0.0))
    boot = _boot_aucs(y, risks, n_boot, seed)
    bd = boot[:, 0] - boot[:, 1]
    q = (1 - level) / 2
    out.update(auc_a=float(aucs[0]), auc_b=float(aucs[1]), diff=float(diff), ci_low=float(diff - z * se),
               ci_high=float(diff + z * se), p_value=float(2 * stats.norm.sf(abs(diff) / se)) if se > 0 else np.nan,
               boot_low=float(np.nanquantile(bd, q)), boot_high=float(np.nanquantile(bd, 1 - q)))
    if se == 0:
        out["note"] = "the two scores rank customers identically: no test"
    return out
