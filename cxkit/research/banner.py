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

__all__ = ["banner", "banner_frame"]


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
