"""Count tables: the small summaries every metric is computed from.

A count table has one row per group x answer value with

========  ===============================================================
``n``     number of answers (rows)
``w``     sum of weights (equals ``n`` when unweighted)
``w2``    sum of squared weights (for Kish's effective sample size)
========  ===============================================================

plus the group columns and the value column. Computing metrics from these
instead of raw rows keeps the statistics identical whatever produced the
counts: the counting itself runs in the data's engine (:mod:`cxkit.engines`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .._checks import as_list, check_columns
from ..errors import DataError, format_rows
from ..scales import Scale, validate_scores
from .engines import count_rows, describe_values, no_rows_note

__all__ = ["score_counts", "kish_neff", "answer_counts", "check_counted_scores",
           "tidy_counts"]


def kish_neff(w: np.ndarray | pd.Series, w2: np.ndarray | pd.Series) -> np.ndarray:
    """Kish's effective sample size (sum w)^2 / sum w^2."""
    w = np.asarray(w, dtype=float)
    w2 = np.asarray(w2, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(w2 > 0, w * w / w2, 0.0)


def score_counts(data: object, score: str, by: str | Sequence[str] | None = None,
                 weight: str | None = None, source: str = "data") -> pd.DataFrame:
    """Count answers per group and value.

    Parameters
    ----------
    data : DataFrame, DuckDB relation, PySpark DataFrame or path to a Parquet/CSV file
        Long form, one row per answer. Counting runs in the data's engine
        (see :mod:`cxkit.engines`); only the counts come back.
    score : str
        Column of numeric answers; missing answers are dropped.
    by : str or list of str, optional
        Group columns. Rows with a missing group value are dropped.
    weight : str, optional
        Column of non-negative survey weights.

    Returns
    -------
    DataFrame with columns ``*by, score, n, w, w2``, sorted by the groups and value.
    """
    by = as_list(by)
    if isinstance(data, pd.DataFrame):
        check_columns(data, [*by, score] + ([weight] if weight else []), argument="score/by/weight",
                      source=source)
        _check_groups(data, by, score, source)
    raw, engine = count_rows(data, [*by, score], weight=weight, source=source,
                             check=not isinstance(data, pd.DataFrame))
    values = pd.to_numeric(raw[score], errors="coerce")
    bad = values.isna() & raw[score].notna()
    if bad.any():
        if isinstance(data, pd.DataFrame):
            row_bad = pd.to_numeric(data[score], errors="coerce").isna() & data[score].notna()
            raise DataError(f"{source}, column {score!r}: non-numeric answers in "
                            f"{format_rows(np.flatnonzero(row_bad.to_numpy()) + 1)}; expected numbers.")
        raise DataError(f"{source}, column {score!r}: non-numeric answers "
                        f"{describe_values(raw.loc[bad, score], raw.loc[bad, 'n'])}; expected numbers. "
                        f"{no_rows_note(engine)}")
    return tidy_counts(raw.assign(**{score: values}), [*by, score])


def _check_groups(data: pd.DataFrame, by: Sequence[str], score: str, source: str) -> None:
    """A group column missing for every answer would silently empty the table: say so instead."""
    answered = data[score].notna()
    for b in by:
        if answered.any() and not (answered & data[b].notna()).any():
            raise DataError(f"{source}, column {b!r}: the group is missing for every answer; "
                            "expected at least one answer with a group value.")


def tidy_counts(raw: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Drop missing values and add up rows that became equal (``"7"`` and ``7.0``), sorted."""
    raw = raw[raw[keys].notna().all(axis=1)]
    if raw[keys].duplicated().any():
        raw = raw.groupby(keys, observed=True, sort=True)[["n", "w", "w2"]].sum().reset_index()
    else:  # already one row per key (the usual case): sorting is enough
        raw = raw.sort_values(keys, kind="stable", ignore_index=True)
    return raw.astype({"n": "int64"})


def check_counted_scores(counts: pd.DataFrame, score: str, scale: Scale, *, source: str = "data",
                         engine: str = "the engine") -> pd.Series:
    """Validate the answer values of a count table against ``scale``.

    The count table counterpart of :func:`cxkit.scales.validate_scores`: the
    same checks, reported per distinct value with the number of rows holding
    it, since an engine cannot say which rows those are.

    Returns
    -------
    Series of float answers (NaN where the answer is missing), aligned to ``counts``.

    Raises
    ------
    DataError
        Naming source, column, the offending values with their row counts and the scale.
    """
    where = f"{source}, column {score!r}"
    raw = counts[score]
    values = pd.to_numeric(raw, errors="coerce").astype(float)
    ok = values.notna()
    if len(counts) == 0 or not ok.any():
        raise DataError(f"{where}: no answers for {scale.name or scale.kind!r} (every answer missing or no rows); "
                        "expected at least one.")
    text = values.isna() & raw.notna()
    if text.any():
        raise DataError(f"{where}: non-numeric answers {describe_values(raw[text], counts.loc[text, 'n'])}; "
                        f"expected whole numbers {scale.min}..{scale.max} ({scale.describe()}). "
                        f"Map text labels to numbers first. {no_rows_note(engine)}")
    arr = values.to_numpy()
    bad = ok.to_numpy() & ((arr != np.round(arr)) | (arr < scale.min) | (arr > scale.max))
    if bad.any():
        raise DataError(f"{where}: answers {describe_values(raw[bad], counts.loc[bad, 'n'])} are not whole numbers "
                        f"in {scale.min}..{scale.max} ({scale.describe()}). {no_rows_note(engine)}")
    return values


def answer_counts(data: object, score: str, scale: Scale, by: str | Sequence[str] | None = None,
                  weight: str | None = None, *, period: str | None = None, freq: str = "M",
                  source: str = "data", check: bool = True) -> tuple[pd.DataFrame, list[str]]:
    """Validated count table of one question's answers, counted in the data's engine.

    ``check=False`` skips the column check when the caller has made it.

    Returns
    -------
    (DataFrame, list of str)
        The count table (``*groups, score, n, w, w2``; answers as floats) and
        the group columns (``by`` plus ``"period"`` when ``period`` is given).
    """
    by = as_list(by)
    raw, engine = count_rows(data, [*by, score], weight=weight, period=period, freq=freq, source=source,
                             check=check)
    if isinstance(data, pd.DataFrame):
        _check_groups(data, by, score, source)
    groups = [*by, "period"] if period else by
    try:
        values = check_counted_scores(raw, score, scale, source=source, engine=engine)
    except DataError:
        if isinstance(data, pd.DataFrame):
            # The rows are at hand: raise the row-numbered message instead.
            rows = data["_row"] if "_row" in data.columns else None
            validate_scores(data[score], scale, source=source, column=score, rows=rows)
        raise
    return tidy_counts(raw.assign(**{score: values}), [*groups, score]), groups
