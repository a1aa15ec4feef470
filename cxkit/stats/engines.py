"""Counting where the data lives: pandas, DuckDB (files read out of core) and PySpark.

Every cxkit metric, interval, comparison and grouped model needs only counts:
per group, how many answers of each value (and their weights). This module
computes those counts inside the engine that holds the data and hands back a
small pandas table; the statistics then run on that table whatever the engine.

One query serves every engine: it is written once with `narwhals
<https://narwhals-dev.github.io/narwhals/>`_, which translates it to pandas,
DuckDB, PySpark (and Polars, PyArrow, ...), rather than three hand-written copies.

Accepted ``data``
-----------------
* a pandas DataFrame (or any eager frame narwhals knows: Polars, PyArrow, ...).
  Dates, weights and missing values are checked in pandas first, so errors name
  rows; the counting query then runs on DuckDB scanning the frame in place (about
  4x faster than pandas' groupby on text keys), or on pandas itself when DuckDB
  cannot scan a column faithfully (see ``PANDAS_VIA_DUCKDB``);
* a DuckDB relation, e.g. ``duckdb.sql("select * from 'answers.parquet'")``;
* a PySpark DataFrame (the counting runs on the cluster; only counts come back);
* a path (``str`` or :class:`~pathlib.Path`) to a Parquet or CSV file, a glob
  such as ``"lake/answers/*.parquet"`` or a folder of Parquet files: read
  lazily by DuckDB, out of core, so files larger than memory work.

Rows with a missing value in any counted column are dropped, as in pandas.
Dates follow cxkit's one policy (:mod:`cxkit._dates`) on every engine:
time-zone-aware timestamps are converted to UTC, naive ones are taken as given.
Engines report no row numbers, so data errors found on the counts name the
column, the offending values and how many rows hold each.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import narwhals as nw
import numpy as np
import pandas as pd

from .._checks import FREQS, check_choice, check_columns
from .._dates import engine_utc, period_labels, to_dates
from ..errors import DataError, ParameterError, format_rows

__all__ = ["open_frame", "engine_name", "frame_columns", "count_rows",
           "describe_values", "no_rows_note", "check_not_text", "day_codes", "day_dates", "FREQS"]

# The engine counts per calendar year / month / day of the dates converted by the date policy
# (naive UTC, see cxkit._dates); the period label is made on the small count table with
# pandas ``Period`` strings, identical to :func:`cxkit.metrics.add_period`. Calendar parts
# rather than truncated timestamps: these come back without time-zone conversions, and
# weeks and quarters, which narwhals cannot truncate to on every engine, follow from them.
_PARTS = {"D": ("year", "month", "day"), "W": ("year", "month", "day"), "M": ("year", "month"),
          "Q": ("year", "month"), "Y": ("year",)}
_PARQUET = (".parquet", ".pq", ".parq")
_CSV = (".csv", ".tsv", ".txt")


_CONNECTION = None


def _duckdb_cursor():
    """A cursor on cxkit's own in-memory DuckDB database: no state shared with the analyst's
    DuckDB session, and cheap (a new database costs tens of milliseconds, a cursor microseconds)."""
    global _CONNECTION
    import duckdb

    if _CONNECTION is None:
        _CONNECTION = duckdb.connect()
    return _CONNECTION.cursor()


def _scan(path: str | os.PathLike, source: str) -> nw.LazyFrame:
    """A lazy DuckDB relation over a Parquet/CSV file, glob or folder of Parquet files."""
    import duckdb

    text = os.fspath(path)
    p = Path(text)
    if p.is_dir():
        text, suffix = str(p / "**" / "*.parquet"), ".parquet"
    else:
        suffix = p.suffix.lower()
        if not any(ch in text for ch in "*?[") and not p.exists():
            raise ParameterError(f"{source}: file {text!r} does not exist.")
    if suffix not in _PARQUET + _CSV:
        raise ParameterError(f"{source}: cannot read {text!r}; expected a Parquet ({', '.join(_PARQUET)}) "
                             f"or CSV ({', '.join(_CSV)}) file, a glob or a folder of Parquet files.")
    con = _duckdb_cursor()
    try:
        rel = con.read_parquet(text) if suffix in _PARQUET else con.read_csv(text)
    except duckdb.Error as exc:
        raise DataError(f"{source}: DuckDB cannot read {text!r}: {exc}") from None
    return nw.from_native(rel)


def open_frame(data: object, source: str = "data") -> nw.LazyFrame:
    """Wrap ``data`` as a narwhals LazyFrame (see the module docstring for what is accepted)."""
    if isinstance(data, nw.LazyFrame):
        return data
    if isinstance(data, nw.DataFrame):
        return data.lazy()
    if isinstance(data, str | os.PathLike):
        return _scan(data, source)
    try:
        frame = nw.from_native(data)
    except TypeError:
        raise ParameterError(
            f"`data` must be a pandas DataFrame, a DuckDB relation, a PySpark DataFrame or a path to a "
            f"Parquet/CSV file; got {type(data).__name__}.") from None
    return frame.lazy() if isinstance(frame, nw.DataFrame) else frame


def engine_name(frame: nw.LazyFrame) -> str:
    """``"pandas"``, ``"duckdb"``, ``"pyspark"``, ... for messages and dispatch."""
    return str(frame.implementation.value)


def frame_columns(frame: nw.LazyFrame) -> list[str]:
    return list(frame.collect_schema().names())


def no_rows_note(engine: str) -> str:
    """The sentence data errors carry when rows cannot be named."""
    return (f"Row numbers are not available: the rows were counted in {engine}; "
            "filter on these values in the engine to find them.")


def describe_values(values: pd.Series, n: pd.Series, limit: int = 5) -> str:
    """``11 (12 rows), 7.5 (3 rows)``: distinct offending values with the rows holding each."""
    def show(v: object) -> str:
        if isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool):
            return f"{float(v):g}"
        return repr(str(v))

    labels = [show(v) for v in values.to_numpy()]
    tally = pd.DataFrame({"v": labels, "n": np.asarray(n)}).groupby("v", sort=False)["n"].sum()
    tally = tally.sort_values(ascending=False, kind="stable")
    parts = [f"{v} ({k} row{'s' if k != 1 else ''})" for v, k in tally.iloc[:limit].items()]
    more = f" and {len(tally) - limit} more value(s)" if len(tally) > limit else ""
    return ", ".join(parts) + more


def _is_text(dtype: object) -> bool:
    return dtype in (nw.String, nw.Object, nw.Categorical, nw.Enum) or isinstance(
        dtype, nw.String | nw.Object | nw.Categorical | nw.Enum)


def check_not_text(schema: object, column: str, what: str, engine: str, source: str) -> None:
    """Engines cannot name rows, so a text column where dates or numbers belong is refused whole."""
    if _is_text(schema[column]):
        raise DataError(f"{source}, column {column!r} holds text ({schema[column]}) in {engine}; expected "
                        f"{what}. Cast it in the engine first.")


def day_codes(column: str) -> nw.Expr:
    """YYYYMMDD integer of a date column, computed in the engine (missing stays missing)."""
    d = nw.col(column).dt
    return d.year() * 10_000 + d.month() * 100 + d.day()


def day_dates(codes: np.ndarray) -> pd.DatetimeIndex:
    """YYYYMMDD integers -> dates; each distinct day (a few hundred at most) is parsed once."""
    idx, uniq = pd.factorize(np.asarray(codes, dtype="int64"))
    days = pd.to_datetime(pd.Series(uniq, dtype="int64").astype(str), format="%Y%m%d")
    return pd.DatetimeIndex(days.to_numpy()[idx])


def _weight_problem(data: pd.DataFrame, keys: list[str], weight: str, source: str) -> None:
    """Name the rows behind a weight problem when the data is a pandas frame."""
    keep = data[keys].notna().all(axis=1).to_numpy()
    wv = pd.to_numeric(data[weight], errors="coerce")
    bad = keep & (wv.isna() | (wv < 0) | ~np.isfinite(wv.fillna(0))).to_numpy()
    if bad.any():
        rows = data["_row"].to_numpy()[bad] if "_row" in data else np.flatnonzero(bad) + 1
        raise DataError(f"{source}, column {weight!r}: weights must be non-negative numbers; "
                        f"problem in {format_rows(rows)}.")


# Count pandas frames with DuckDB, which scans them in place with both cores: about
# 4x faster than pandas' groupby on 10 million rows of text keys (benchmarks/).
# Set to False to count with pandas itself (tests compare the two).
PANDAS_VIA_DUCKDB = True


def _pandas_counter(sub: pd.DataFrame) -> nw.LazyFrame:
    """The frame the counting query runs on: DuckDB over ``sub`` when that is safe, else pandas.

    DuckDB turns an object column mixing text and numbers into text (1 and "1" would
    become one group), so such columns, like column names that differ only in case
    and anything else DuckDB cannot scan, stay with pandas.
    """
    if PANDAS_VIA_DUCKDB:
        try:
            import duckdb
        except ImportError:  # pragma: no cover - duckdb is a dependency
            duckdb = None
        names = [c for c in sub.columns if isinstance(c, str)]
        # DuckDB's column names are case-insensitive: "Segment" and "segment" would clash.
        plain = (len(names) == sub.shape[1] and len({c.lower() for c in names}) == len(names)
                 and all(pd.api.types.infer_dtype(sub[c], skipna=True) in ("string", "empty")
                         for c in sub.columns if sub[c].dtype == object))
        if duckdb is not None and plain:
            try:
                return nw.from_native(_duckdb_cursor().from_df(sub))
            except duckdb.Error:
                pass
    return nw.from_native(sub).lazy()


def count_rows(data: object, keys: Sequence[str], *, weight: str | None = None, period: str | None = None,
               freq: str = "M", period_name: str = "period", source: str = "data",
               check: bool = True) -> tuple[pd.DataFrame, str]:
    """Count rows per combination of ``keys`` inside the data's engine.

    Parameters
    ----------
    data : DataFrame, DuckDB relation, PySpark DataFrame or path
        See the module docstring.
    keys : list of str
        Columns to count by. Rows with a missing value in any of them are dropped.
    weight : str, optional
        Column of non-negative weights; missing, negative or infinite weights
        among the counted rows raise :class:`DataError`.
    period : str, optional
        Date column; adds a ``period_name`` key, the period label at ``freq``
        (``"2025-03"`` for months). The label is the one pandas ``Period`` gives,
        of the date under cxkit's date policy (:mod:`cxkit._dates`): time-zone-aware
        timestamps in UTC, naive ones as given, whatever the engine's time zone.
    freq : {"D", "W", "M", "Q", "Y"}
    check : bool
        Check that the columns exist (False when the caller has just done so).

    Returns
    -------
    (DataFrame, str)
        The count table with the keys (``period_name`` inserted before the
        last key when ``period`` is given), ``n`` (rows), ``w`` (sum of weights;
        ``n`` without weights) and ``w2`` (sum of squared weights), in no
        particular order, with the values as the engine stores them (callers
        validate and convert); and the engine's name.
    """
    check_choice("freq", freq, FREQS)
    keys = list(keys)
    frame = open_frame(data, source)
    engine = engine_name(frame)
    needed = list(dict.fromkeys(keys + ([weight] if weight else []) + ([period] if period else [])))
    native = nw.to_native(frame) if engine == "pandas" else None
    if check:
        check_columns(frame if native is None else native, needed, argument="score/by/weight/period",
                      source=source)
    schema = frame.collect_schema()

    if native is not None:
        # Parse and check in pandas first, where the offending rows can be named.
        columns = {c: native[c] for c in needed}
        if period:
            rows = native["_row"] if "_row" in native.columns else None
            columns[period] = to_dates(native[period], period, source, rows)
        if weight and not pd.api.types.is_numeric_dtype(native[weight]):
            _weight_problem(native, [c for c in needed if c != weight], weight, source)
            columns[weight] = pd.to_numeric(native[weight])
        # Shares the columns' memory: indexing with a list or ``assign`` would copy them.
        frame = _pandas_counter(pd.DataFrame(columns, copy=False))
    else:
        frame = frame.select(needed)
        for col, what in ((period, "a date or timestamp column"), (weight, "numbers")):
            if col:
                check_not_text(schema, col, what, engine, source)
        if period:
            frame = engine_utc(frame, [period])
    group = list(keys)
    if period:
        parts = [f"__{p}" for p in _PARTS[freq]]
        frame = frame.with_columns(*[getattr(nw.col(period).dt, p)().alias(f"__{p}") for p in _PARTS[freq]])
        group = keys[:-1] + parts + keys[-1:] if keys else parts
    aggs = [nw.len().alias("n")]
    if weight:
        w = nw.col(weight).cast(nw.Float64)
        # Simple per-column aggregations only: narwhals runs them natively on every engine.
        frame = frame.with_columns(w.alias("__w"), (w * w).alias("__w2"),
                                   w.is_null().cast(nw.Int64).alias("__wnull"))
        aggs += [nw.col("__w").sum().alias("w"), nw.col("__w2").sum().alias("w2"),
                 nw.col("__w").min().alias("wmin"), nw.col("__w").max().alias("wmax"),
                 nw.col("__wnull").sum().alias("wnull")]
    try:
        # drop_null_keys: pandas drops them while factorising (no extra pass over
        # string columns); SQL engines filter.
        out = frame.group_by(*group, drop_null_keys=True).agg(*aggs).collect().to_pandas()
    except (TypeError, AttributeError, KeyError, NotImplementedError):
        raise
    except Exception as exc:  # engine-specific errors (duckdb.Error, AnalysisException, ...)
        raise DataError(f"{source}: {engine} could not count by {group}: {type(exc).__name__}: "
                        f"{str(exc).splitlines()[0] if str(exc) else ''}") from None
    out["n"] = out["n"].astype("int64")
    if weight:
        wmin, wmax = pd.to_numeric(out["wmin"]), pd.to_numeric(out["wmax"])
        nbad = int(pd.to_numeric(out["wnull"]).sum())
        bad = (out["wnull"] > 0) | (wmin < 0) | wmin.isna() & (out["wnull"] < out["n"]) | ~np.isfinite(wmax.fillna(0))
        if nbad or bad.any():
            if native is not None:
                _weight_problem(native, [c for c in needed if c != weight], weight, source)
            raise DataError(f"{source}, column {weight!r}: weights must be non-negative numbers; found "
                            f"{nbad} missing, smallest {wmin.min()}, largest {wmax.max()}. {no_rows_note(engine)}")
        out["w"] = pd.to_numeric(out["w"]).astype(float)
        out["w2"] = pd.to_numeric(out["w2"]).astype(float)
        out = out.drop(columns=["wmin", "wmax", "wnull"])
    else:
        out["w"] = out["n"].astype(float)
        out["w2"] = out["w"]
    if period:
        cal = {p: pd.to_numeric(out[f"__{p}"]).to_numpy("int64") if f"__{p}" in out else 1
               for p in ("year", "month", "day")}
        days = day_dates(cal["year"] * 10_000 + cal["month"] * 100 + cal["day"])
        out[period_name] = period_labels(days, freq)
        group = [g for g in group if g not in parts]
        group = group[:-1] + [period_name] + group[-1:] if keys else [period_name]
        if freq in ("W", "Q"):  # counted per day or month: add them up per week or quarter
            out = out.groupby(group, sort=False, observed=True)[["n", "w", "w2"]].sum().reset_index()
    return out[[*group, "n", "w", "w2"]], engine
