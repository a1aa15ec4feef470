"""Count tables: the small summaries every metric is computed from.

A count table has one row per group x answer value with

========  ===============================================================
``n``     number of answers (rows)
``w``     sum of weights (equals ``n`` when unweighted)
``w2``    sum of squared weights (for Kish's effective sample size)
========  ===============================================================

plus the group columns and the value column. Computing metrics from these
instead of raw rows keeps the statistics identical whatever produced the
counts (pandas here; other engines in :mod:`cxkit.engines`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .errors import DataError, ParameterError, format_rows

__all__ = ["score_counts", "as_list", "check_columns", "kish_neff"]


def as_list(by: str | Sequence[str] | None) -> list[str]:
    """Normalise a ``by`` argument to a list of column names."""
    if by is None:
        return []
    if isinstance(by, str):
        return [by]
    return list(by)


def check_columns(df: pd.DataFrame, columns: Sequence[str], *, argument: str = "columns",
                  source: str = "data") -> None:
    """Raise :class:`ParameterError` naming any column absent from ``df``."""
    if not isinstance(df, pd.DataFrame):
        raise ParameterError(f"`data` must be a pandas DataFrame; got {type(df).__name__}.")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ParameterError(
            f"{source}: column(s) {missing} named in `{argument}` are not in the data; "
            f"available: {list(df.columns)[:20]}."
        )
    dup = df.columns[df.columns.duplicated()].tolist()
    clash = [c for c in columns if c in dup]
    if clash:
        raise DataError(f"{source}: column(s) {clash} appear more than once; rename them.")


def kish_neff(w: np.ndarray | pd.Series, w2: np.ndarray | pd.Series) -> np.ndarray:
    """Kish's effective sample size (sum w)^2 / sum w^2."""
    w = np.asarray(w, dtype=float)
    w2 = np.asarray(w2, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(w2 > 0, w * w / w2, 0.0)


def score_counts(data: pd.DataFrame, score: str, by: str | Sequence[str] | None = None,
                 weight: str | None = None, source: str = "data") -> pd.DataFrame:
    """Count answers per group and value.

    Parameters
    ----------
    data : DataFrame
        Long form, one row per answer.
    score : str
        Column of numeric answers; missing answers are dropped.
    by : str or list of str, optional
        Group columns. Rows with a missing group value are dropped.
    weight : str, optional
        Column of non-negative survey weights.

    Returns
    -------
    DataFrame with columns ``*by, score, n, w, w2``.
    """
    by = as_list(by)
    cols = [*by, score] + ([weight] if weight else [])
    check_columns(data, cols, argument="score/by/weight", source=source)
    frame = data[cols]
    values = pd.to_numeric(frame[score], errors="coerce")
    bad = values.isna() & frame[score].notna()
    if bad.any():
        raise DataError(
            f"{source}, column {score!r}: non-numeric answers in "
            f"{format_rows(np.flatnonzero(bad.to_numpy()) + 1)}; expected numbers."
        )
    keep = values.notna()
    for b in by:
        has = frame[b].notna()
        if keep.any() and not (keep & has).any():
            # Otherwise every answer would be dropped and an empty table returned without a word.
            raise DataError(f"{source}, column {b!r}: the group is missing for every answer; "
                            "expected at least one answer with a group value.")
        keep &= has
    if weight:
        wv = pd.to_numeric(frame[weight], errors="coerce")
        badw = keep & (wv.isna() | (wv < 0) | ~np.isfinite(wv.fillna(0)))
        if badw.any():
            raise DataError(
                f"{source}, column {weight!r}: weights must be non-negative numbers; "
                f"problem in {format_rows(np.flatnonzero(badw.to_numpy()) + 1)}."
            )
    else:
        wv = pd.Series(1.0, index=frame.index)
    tidy = pd.DataFrame({**{b: frame[b] for b in by}, score: values, "w": wv.astype(float)})[keep]
    tidy["w2"] = tidy["w"] ** 2
    tidy["n"] = 1
    out = (tidy.groupby([*by, score], observed=True, sort=True)[["n", "w", "w2"]]
           .sum().reset_index())
    out["n"] = out["n"].astype("int64")
    return out
