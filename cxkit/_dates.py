"""Dates and periods: one policy, for the loader, every engine and every function.

The policy
----------
* A timestamp that carries a time zone or offset (``2025-04-01 00:30+02:00``, a
  tz-aware pandas column, DuckDB ``TIMESTAMPTZ``, Spark ``TIMESTAMP``) is an
  instant: it is converted to **UTC**, and the zone is then dropped.
* A naive timestamp (no zone: ``2025-04-01 00:30``, DuckDB ``TIMESTAMP``, Spark
  ``TIMESTAMP_NTZ``) is taken **as given**: no zone is assumed or applied.
* Calendar periods (day, week, month, quarter, year) are read from the result,
  with pandas ``Period`` labels (``"2025-03"`` for a month).

So ``2025-04-01 00:30+02:00`` (= 2025-03-31 22:30 UTC) falls in March on every
engine, and ``2025-04-01 00:30`` in April. The rule never depends on the
machine's, the DuckDB connection's or the Spark session's time zone. An analyst
who wants local calendar periods stores local naive timestamps.

This module is the only place that applies the rule: pandas columns and scalars
here, and engine tables (DuckDB, Spark, other narwhals backends) in
:func:`engine_utc`, in the engine's own expressions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .errors import DataError, format_rows

__all__ = ["today", "to_dates", "parse_text", "utc_naive", "utc_naive_scalar", "period_labels", "engine_utc"]


def today() -> str:
    """Today's date as ISO text (``"2026-11-27"``), the machine's local calendar day.

    The default report date: a notebook run interactively with an empty
    ``run_date`` and ``cxkit run`` without ``--run-date`` both use it.
    """
    return dt.date.today().isoformat()


def utc_naive(when: pd.Series) -> pd.Series:
    """A datetime column under the policy: tz-aware values converted to UTC and made naive."""
    return when.dt.tz_convert(None) if getattr(when.dt, "tz", None) is not None else when


def utc_naive_scalar(ts: pd.Timestamp) -> pd.Timestamp:
    """One timestamp under the policy (see :func:`utc_naive`)."""
    return ts.tz_convert(None) if ts.tzinfo is not None else ts


# A time of day followed by a zone: "Z", "UTC" or an offset such as +02:00, +0200, -05.
_ZONED = r"\d:\d\d(?::\d\d(?:[.,]\d+)?)?\s*(?:Z|UTC|[+-]\d\d(?::?\d\d)?)$"


# A year or a year and month without a day ("2025", "2025-03", "2025/3", "202503").
_PARTIAL = r"\d{4}(?:[-/.]\d{1,2})?|\d{6}"


def parse_text(values: pd.Series, fmt: str = "mixed") -> pd.Series:
    """Parse text to naive datetimes under the policy; what is not a date becomes NaT.

    ``fmt`` is a strftime format, ``"ISO8601"`` or ``"mixed"`` (each value on its own).
    A column may mix offsets, and offsets and none: values with a zone and values
    without are parsed apart, since pandas given a format reads a naive value after
    an offset as having that offset.
    """
    text = values.astype("string").str.strip()
    if fmt in ("mixed", "ISO8601"):
        # "2025" or "2025-03" is a year or a month, not a date: pandas would read it as its first day.
        partial = text.str.fullmatch(_PARTIAL).fillna(False).to_numpy(dtype=bool)
        if partial.any():
            values = values.mask(partial)
    zoned = text.str.contains(_ZONED, case=False, regex=True)
    zoned = zoned.fillna(False).to_numpy(dtype=bool)
    if zoned.all() or not zoned.any():
        # utc=True converts offsets to UTC; naive values are read as UTC, i.e. as given.
        return pd.to_datetime(values, format=fmt, errors="coerce", utc=True).dt.tz_convert(None)
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    for part in (zoned, ~zoned):
        out[part] = parse_text(values[part], fmt).to_numpy()
    return out


def to_dates(s: pd.Series, column: str, source: str = "data", rows: Any = None) -> pd.Series:
    """Parse a pandas column to naive datetimes under the policy, naming the rows that are not dates.

    Numbers are refused rather than read as nanoseconds since 1970. Text is
    parsed value by value (ISO 8601 and other unambiguous forms); a column that
    mixes offsets, or offsets and none, still gives one column.

    Raises
    ------
    DataError
        Naming ``source``, ``column``, the offending rows (``rows``, 1-based;
        default the positions + 1) and values.
    """
    if pd.api.types.is_datetime64_any_dtype(s):
        return utc_naive(s)
    row_no = np.asarray(rows) if rows is not None else np.arange(1, len(s) + 1)
    if (pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s)) and s.notna().any():
        raise DataError(f"{source}, column {column!r}: holds numbers ({s.dropna().unique()[:3].tolist()}), "
                        "not dates; expected dates such as 2025-03-31.")
    parsed = parse_text(s)  # "mixed": each value on its own (no guessing from the first value, no warning)
    bad = (parsed.isna() & s.notna()).to_numpy()
    if bad.any():
        raise DataError(f"{source}, column {column!r}: {format_rows(row_no[bad])} hold non-dates "
                        f"{list(s[bad].astype(str).unique()[:3])}; expected dates such as 2025-03-31.")
    return parsed


def period_labels(when: pd.Series | pd.DatetimeIndex, freq: str) -> np.ndarray:
    """Period labels (``"2025-03"``) of naive datetimes; missing dates give missing labels."""
    when = pd.Series(when)
    return when.dt.to_period(freq).astype(str).where(when.notna()).to_numpy(dtype=object)


def engine_utc(frame: Any, columns: Sequence[str]) -> Any:
    """The policy inside an engine: ``columns`` of a narwhals LazyFrame converted to naive UTC there.

    DuckDB ``TIMESTAMPTZ`` becomes ``timezone('UTC', col)``; Spark ``TIMESTAMP``
    (an instant shown in the session time zone) becomes
    ``to_utc_timestamp(col, current_timezone())`` cast to ``TIMESTAMP_NTZ``;
    other backends use narwhals' ``convert_time_zone("UTC")``. Naive columns
    (and anything that is not a timestamp) are left alone. Pandas frames are
    converted in pandas by :func:`to_dates` before they reach an engine.
    """
    import narwhals as nw

    columns = list(dict.fromkeys(columns))
    impl = frame.implementation
    if impl is nw.Implementation.DUCKDB:
        import duckdb

        rel = frame.to_native()
        aware = {c for c, t in zip(rel.columns, rel.types, strict=True)
                 if c in columns and (t.id == "timestamp with time zone" or t.id.startswith("timestamptz"))}
        if not aware:
            return frame
        exprs = [duckdb.FunctionExpression("timezone", duckdb.ConstantExpression("UTC"),
                                           duckdb.ColumnExpression(c)).alias(c)
                 if c in aware else duckdb.ColumnExpression(c) for c in rel.columns]
        return nw.from_native(rel.select(*exprs))
    if impl.is_spark_like():
        from pyspark.sql import functions as F
        from pyspark.sql import types as T

        sdf = frame.to_native()
        aware = [f.name for f in sdf.schema.fields
                 if f.name in columns and isinstance(f.dataType, T.TimestampType)]
        for c in aware:
            sdf = sdf.withColumn(c, F.to_utc_timestamp(F.col(c), F.current_timezone()).cast("timestamp_ntz"))
        return nw.from_native(sdf) if aware else frame
    schema = frame.collect_schema()
    aware = [c for c in columns if isinstance(schema[c], nw.Datetime) and schema[c].time_zone]
    if not aware:
        return frame
    return frame.with_columns(*[nw.col(c).dt.convert_time_zone("UTC").dt.replace_time_zone(None)
                                for c in aware])
