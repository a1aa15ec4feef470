"""``cx.rake``: raking weights to population margins on any engine (the IPF itself is :mod:`cxkit._raking`).

Pandas data is raked in memory (one integer per row and cell); a DuckDB relation, PySpark DataFrame or
Parquet/CSV path is counted by target cells in its own engine (:func:`cxkit.stats.engines.count_rows`) and
only the cells are raked, so ``.weights`` is None there and ``.cells`` holds each cell's ``factor`` to join.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from .._checks import as_list, check_columns
from .._raking import RakeResult, _check_targets, rake_frame, weight_diagnostics
from ..errors import ParameterError
from ..scales import Scale
from .engines import count_rows, open_frame
from .metrics import DEFAULT_MIN_N

__all__ = ["rake", "RakeResult", "weight_diagnostics", "weighting_sensitivity", "HEADLINE_COLUMN"]

#: The headline figure of each scale kind, as named in the metric tables.
HEADLINE_COLUMN = {"nps": "nps", "csat": "csat", "ces": "pct_easy"}


def rake(data: object, targets: Mapping[str, Mapping[Any, float]], *, weight: str | None = None,
         trim: Sequence[float] | None = None, max_iter: int = 100, tol: float = 1e-10,
         count: str | None = None, source: str = "data") -> RakeResult:
    """Rake weights so that each target variable's weighted shares equal the given margins.

    Parameters
    ----------
    data : DataFrame, DuckDB relation, PySpark DataFrame or path
        Long-form data (one row per answer or customer), or a count table with ``count``.
        Only the target columns (and ``weight``/``count``) are read.
    targets : dict
        ``{column: {level: share or count}}``. Shares: each variable's shares sum to 1, and
        the weights sum to the base weights' total (the number of rows without ``weight``).
        Counts: every variable sums to the same population total, which the weights then sum
        to. Every level in the data needs a target and every target level must occur.
    weight : str, optional
        Column of base (design) weights to start from; raked weights are base x factor.
        For a count table, the sum of base weights in each cell.
    trim : (lower, upper), optional
        Bounds on each answer's raking factor relative to the mean factor (without ``weight``:
        on the weight relative to the mean weight), e.g. ``(0.2, 5)``; raking goes on within
        the bounds until margins and bounds both hold.
    max_iter : int
        Largest number of sweeps over the variables.
    tol : float
        Largest difference between a weighted margin and its target, as a share of the total.
    count : str, optional
        Column of answer counts: ``data`` is then a count table (one row per cell).
    source : str
        Name of the data in error messages.

    Returns
    -------
    RakeResult
        ``.weights`` (aligned to ``data``'s index), ``.summary()`` (margins), ``.diagnostics()``,
        ``converged``, ``iterations``, ``n_eff``, ``efficiency``, ``deff``, ``largest``.

    Raises
    ------
    ParameterError
        Malformed targets (shares not summing to 1, counts without a common total), a target of
        0 for a level that has answers, bad ``trim``/``max_iter``/``tol``.
    DataError
        A target level absent from the data, a data level without a target, missing levels,
        bad weights, or a level whose base weights sum to 0 (a zero cell).
    DegenerateDataError
        The margins (within the trimming bounds) are not reached in ``max_iter`` sweeps.

    Examples
    --------
    >>> r = cx.rake(df, {"segment": {"consumer": .6, "smb": .3, "enterprise": .1}})  # doctest: +SKIP
    >>> df["w"] = r.weights  # doctest: +SKIP
    """
    if isinstance(data, pd.DataFrame):
        return rake_frame(data, targets, weight=weight, trim=trim, max_iter=max_iter, tol=tol, count=count,
                          source=source)
    cols = list(_check_targets(targets))
    if count is not None:
        raise ParameterError("`count` (a count table) needs `data` as a pandas DataFrame; "
                             f"got {type(data).__name__}.")
    cells, _ = count_rows(open_frame(data, source), cols, weight=weight, source=source)
    return rake_frame(None, targets, weight=weight, trim=trim, max_iter=max_iter, tol=tol, source=source,
                      cells=cells)


def weighting_sensitivity(data: pd.DataFrame, weights: str | pd.Series, scales: Mapping[str, Scale], *,
                          by: str | Sequence[str] | None = None, metric: str = "metric", score: str = "score",
                          min_n: int = DEFAULT_MIN_N, source: str = "data") -> pd.DataFrame:
    """Each metric's headline figure unweighted and weighted, side by side: what the weights change.

    Parameters
    ----------
    data : DataFrame
        Long responses table (one row per answer; ``Dataset.responses``).
    weights : str or Series
        The weight column, or weights aligned to ``data``'s index (``RakeResult.weights``).
    scales : dict of str to Scale
        The metrics (``Dataset.scales``).
    by : str or list of str, optional
        Groups to show the change for (each figure per group).
    metric, score, min_n, source
        As in :func:`cxkit.metric_suite`; ``min_n`` applies to the weighted ``n_eff``.

    Returns
    -------
    DataFrame
        ``metric, [by...], figure, n, n_eff, unweighted, weighted, diff`` (weighted - unweighted,
        in the figure's units: NPS points, % top box, % easy), with the weighted figure's
        suppression columns; a suppressed weighted cell has no ``weighted``/``diff``.
    """
    from .suite import metric_suite  # the metric tables, as every report computes them

    if not isinstance(data, pd.DataFrame):
        raise ParameterError(f"`data` must be a pandas DataFrame; got {type(data).__name__}.")
    by = as_list(by)
    if isinstance(weights, pd.Series):
        if not weights.index.equals(data.index):
            raise ParameterError("`weights` (a Series) must be aligned to `data`'s index, as "
                                 "`RakeResult.weights` of the same data is.")
        data = data.assign(__weight=weights.to_numpy())
        wcol = "__weight"
    elif isinstance(weights, str):
        check_columns(data, [weights], argument="weights", source=source)
        wcol = weights
    else:
        raise ParameterError(f"`weights` must be a column name or a Series; got {type(weights).__name__}.")
    plain = metric_suite(data, scales, by, metric=metric, score=score, min_n=min_n, source=source)
    weighted = metric_suite(data, scales, by, wcol, metric=metric, score=score, min_n=min_n, source=source)
    rows = []
    for name, wt in weighted.items():
        col = HEADLINE_COLUMN[scales[name].kind]
        keep = [*by, "n", "n_eff", col, "suppressed", "suppressed_reason"]
        w = wt[keep].rename(columns={col: "weighted"})
        u = plain[name][[*by, col]].rename(columns={col: "unweighted"})
        t = u.merge(w, on=by, how="outer") if by else pd.concat([u, w.drop(columns=[])], axis=1)
        t.insert(0, "figure", col)
        t.insert(0, "metric", name)
        t["diff"] = t["weighted"] - t["unweighted"]
        rows.append(t)
    cols = ["metric", *by, "figure", "n", "n_eff", "unweighted", "weighted", "diff", "suppressed",
            "suppressed_reason"]
    if not rows:
        return pd.DataFrame(columns=cols)
    return pd.concat(rows, ignore_index=True)[cols]
