"""Banner tables of a dataset: the metrics of a :class:`~cxkit.data.dataset.Dataset` by its groupings.

Routes a dataset's answers (joined to customer attributes) and declared scales to
:func:`cxkit.stats.banner.banner`; a frame, DuckDB relation, Spark frame or file path goes straight
through (then ``scales`` is needed).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from .._checks import as_list
from ..data.dataset import Dataset
from ..errors import ParameterError
from ..scales import Scale
from ..stats.banner import Banner
from ..stats.banner import banner as _banner

__all__ = ["banner", "banner_frame", "banner_setup", "DEFAULT_COLUMNS"]


def banner_frame(ds: Dataset, rows: Sequence[str]) -> pd.DataFrame:
    """Long-form answers of ``rows`` (metrics) joined to the customers' attributes."""
    frames = [ds.answers(m) for m in rows]
    return pd.concat(frames, ignore_index=True)


def banner(data: Any, rows: Sequence[str] | None = None, columns: str | Sequence[str] = (), *,
           scales: Mapping[str, Scale] | None = None, weight: str | bool | None = None,
           **options: Any) -> Banner:
    """A banner table: ``rows`` (metrics) down, ``columns`` (banner variables) across.

    Parameters
    ----------
    data : Dataset, DataFrame, DuckDB relation, PySpark DataFrame or Parquet/CSV path
        A dataset brings its scales, its metrics (the default ``rows``) and its answers joined to
        customers (so customer attributes such as ``segment`` can be banner variables).
    rows : list of str, optional
        Metrics shown (default: every metric of a dataset).
    columns : str or list of str
        Banner variables.
    weight : str or bool, optional
        Weight column; ``True`` with a dataset: its ``weight`` column (when the dataset has weights).
    **options
        Passed to :func:`cxkit.stats.banner.banner` (``alpha``, ``correction``, ``min_n``,
        ``statistics``, ``power``, ``detect``, ``metric``, ``score``...).

    Returns
    -------
    Banner
    """
    columns = as_list(columns, "columns")
    if isinstance(data, Dataset):
        rows = as_list(rows, "rows") if rows else data.metrics()
        for r in rows:
            data.scale(r)
        scales = {**data.scales, **(scales or {})}
        if weight is True:
            weight = "weight" if "weight" in data.responses.columns else None
        frame = banner_frame(data, rows)
        return _banner(frame, rows, columns, scales=scales, weight=weight or None,
                       source=options.pop("source", "dataset"), **options)
    if weight is True:
        raise ParameterError("`weight=True` needs a Dataset; name the weight column instead.")
    if not rows or scales is None:
        raise ParameterError("`rows` and `scales` are needed when `data` is not a Dataset; got "
                             f"rows={rows!r}, scales={'given' if scales else None}.")
    return _banner(data, as_list(rows, "rows"), columns, scales=scales, weight=weight or None, **options)


#: Banner variables tried, in this order, when none are named (those the dataset has, with 2..20 values).
DEFAULT_COLUMNS = ("segment", "channel", "touchpoint", "contract")


def banner_setup(ds: Dataset, rows: Sequence[str] = (), columns: Sequence[str] = (), *,
                 answers: pd.DataFrame | None = None, allow_personal_data: bool = False,
                 lang: str = "en") -> tuple[list[str], list[str], dict[str, str], str]:
    """The metrics and banner variables of notebook 05, and a plain paragraph when there is no banner to make.

    Parameters
    ----------
    ds : Dataset
    rows : list of str
        Metrics; empty: every metric with answers in ``answers``.
    columns : list of str
        Banner variables; empty: those of :data:`DEFAULT_COLUMNS` the answers carry with 2..20 values.
        Named columns must exist.
    answers : DataFrame, optional
        The answers the banner is made of (default: every answer, joined to customers).
    allow_personal_data : bool
        Personal columns (ids, names, e-mails, free text) are withheld as banner variables unless allowed
        (:func:`cxkit.data.privacy.safe_group_by`).

    Returns
    -------
    (rows, columns, withheld, not_applicable)
        ``withheld`` maps a withheld column to why; ``not_applicable`` is "" when the banner can be made.
    """
    from ..data.privacy import safe_group_by
    from ..report.i18n import text

    rows = as_list(rows, "rows") if rows else ds.metrics()
    for r in rows:
        ds.scale(r)
    frame = banner_frame(ds, rows) if answers is None else answers
    rows = [r for r in rows if (frame["metric"] == r).any()]
    if not rows:
        return [], [], {}, text("bn_na_metrics", lang)
    if columns:
        columns = as_list(columns, "columns")
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise ParameterError(f"`columns`: {missing} are not columns of the answers or customers; "
                                 f"available: {sorted(str(c) for c in frame.columns if not str(c).startswith('_'))}.")
    else:
        columns = [c for c in DEFAULT_COLUMNS if c in frame.columns and 2 <= frame[c].nunique(dropna=True) <= 20]
    columns, withheld = safe_group_by(frame, columns, ds, allow=allow_personal_data)
    if not columns:
        return rows, [], withheld, text("bn_na_columns", lang, tried=", ".join(DEFAULT_COLUMNS))
    return rows, list(columns), withheld, ""
