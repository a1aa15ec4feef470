"""Every metric of a long responses table from one pass over the data.

A canonical responses table (``data/README.md``) holds every question's answers
in one ``metric``/``score`` pair of columns. :func:`metric_suite` counts them
all at once, in the data's engine (one scan of a Parquet lake, one Spark job),
and computes NPS, CSAT and CES tables with intervals from the count table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from .._checks import as_list, check_choice, check_columns
from ..errors import DataError, ParameterError
from ..scales import Scale, validate_scores
from .counts import check_counted_scores, tidy_counts
from .engines import count_rows
from .metrics import DEFAULT_MIN_N, ces_from_counts, csat_from_counts, nps_from_counts

__all__ = ["metric_suite", "SUITE_INTERVALS"]

SUITE_INTERVALS = ("analytic", "bootstrap")


def metric_suite(data: object, scales: Mapping[str, Scale], by: str | Sequence[str] | None = None,
                 weight: str | None = None, *, metric: str = "metric", score: str = "score",
                 period: str | None = None, freq: str = "M", ci: str = "analytic", level: float = 0.95,
                 n_boot: int = 2000, seed: int = 0, min_n: int = DEFAULT_MIN_N,
                 source: str = "data") -> dict[str, pd.DataFrame]:
    """NPS, CSAT and CES tables for every metric in ``scales``, from one count table.

    Parameters
    ----------
    data : DataFrame, DuckDB relation, PySpark DataFrame or path to a Parquet/CSV file
        Long responses table: one row per answer, the question in ``metric``
        and the answer in ``score``.
    scales : dict of str to Scale
        The metrics to compute, keyed by their value in ``metric`` (e.g.
        ``Dataset.scales``). Answers of other metrics are ignored.
    by, weight, period, freq, level, min_n
        As in :func:`cxkit.nps`.
    ci : {"analytic", "bootstrap"}
        ``"analytic"``: adjusted Wald for NPS, Wilson and t for CSAT/CES.
        ``"bootstrap"``: seeded multinomial bootstrap (``n_boot`` resamples) for all.

    Returns
    -------
    dict of str to DataFrame
        One table per metric that has answers, with the columns of
        :func:`cxkit.nps`, :func:`cxkit.csat` or :func:`cxkit.ces` by the
        scale's kind.
    """
    check_choice("ci", ci, SUITE_INTERVALS)
    if not isinstance(scales, Mapping) or not scales or not all(isinstance(s, Scale) for s in scales.values()):
        raise ParameterError("`scales` must be a non-empty dict of metric name -> Scale, e.g. "
                             "{'nps': Scale.nps(), 'csat': Scale.csat()}; got " f"{scales!r}.")
    by = as_list(by)
    if isinstance(data, pd.DataFrame):
        check_columns(data, [metric, score, *by] + ([weight] if weight else []) + ([period] if period else []),
                      argument="metric/score/by/weight/period", source=source)
    raw, engine = count_rows(data, [metric, *by, score], weight=weight, period=period, freq=freq, source=source,
                             check=not isinstance(data, pd.DataFrame))
    groups = [*by, "period"] if period else by
    names = raw[metric].astype(str)
    out = {}
    for name, scale in scales.items():
        part = raw[(names == str(name)).to_numpy()]
        if part.empty:
            continue
        where = f"{source} (metric {name!r})"
        try:
            values = check_counted_scores(part, score, scale, source=where, engine=engine)
        except DataError:
            if isinstance(data, pd.DataFrame):  # name the rows when they are at hand
                rows = data[data[metric].astype(str) == str(name)]
                validate_scores(rows[score], scale, source=where, column=score,
                                rows=rows["_row"] if "_row" in rows.columns else None)
            raise
        counts = tidy_counts(part.drop(columns=[metric]).assign(**{score: values}), [*groups, score])
        common = dict(scale=scale, level=level, min_n=min_n)
        if ci == "bootstrap":
            common.update(ci="bootstrap", n_boot=n_boot, seed=seed)
        if scale.kind == "nps":
            out[name] = nps_from_counts(counts, groups, score, **common)
        elif scale.kind == "csat":
            out[name] = csat_from_counts(counts, groups, score, **common)
        else:
            out[name] = ces_from_counts(counts, groups, score, **common)
    return out
