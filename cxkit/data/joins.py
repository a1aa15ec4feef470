"""Joins between source files on key columns, declared in a table spec's ``join`` list.

One entry per joined file::

    join:
      - file: services.xlsx            # relative to the spec; same read options as tables
        on: Customer ID                # or [a, b], or {left_col: right_col}
        columns: [Contract, Tenure in Months]   # default: every column not already present
      - file: churn_events.csv
        on: account_id
        order_by: churn_date           # several rows per key: keep one after sorting ...
        keep: first                    # ... first or last
        aggregate: {churn_events: [churn_event_id, count]}   # and/or summarise them
      - file: comments.csv
        on: response_id
        optional: true                 # covers only some rows by design: no quality note for the others

Joins are left joins: every row of the main table stays, with empty joined
columns where the key has no match (counted in the quality report). A joined
file with several rows per key is refused unless ``keep`` or ``aggregate`` says
how to reduce them, so a join never silently multiplies rows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from .._checks import check_keys
from ..errors import DataError, SpecError, format_rows

__all__ = ["apply_joins", "JOIN_KEYS", "AGGREGATES", "normalise_keys"]

JOIN_KEYS = {"file", "query", "database", "format", "sheet", "header_row", "delimiter", "decimal", "encoding",
             "use_value_labels", "on", "columns", "order_by", "keep", "aggregate", "date_format", "optional"}
AGGREGATES = ("min", "max", "first", "last", "sum", "mean", "count", "nunique")


def normalise_keys(values: pd.Series) -> pd.Series:
    """Keys as trimmed text; ``12.0`` from Excel/Parquet floats becomes ``12`` so files of any type match."""
    out = values.astype("string").str.strip()
    return out.str.replace(r"\.0$", "", regex=True)


def _key_pairs(on: Any, where: str) -> list[tuple[str, str]]:
    if isinstance(on, str):
        return [(on, on)]
    if isinstance(on, list) and on and all(isinstance(k, str) for k in on):
        return [(k, k) for k in on]
    if isinstance(on, Mapping) and on:
        return [(str(k), str(v)) for k, v in on.items()]
    raise SpecError(f"{where}: `on` must be a column name, a list of names or a mapping "
                    f"{{main_column: joined_column}}; got {on!r}.")


def _sort_key(s: pd.Series, date_format: str | None) -> pd.Series:
    if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_datetime64_any_dtype(s):
        return s
    num = pd.to_numeric(s, errors="coerce")
    if num.notna().sum() == s.notna().sum():
        return num
    dates = pd.to_datetime(s, format=date_format or "ISO8601", errors="coerce")
    if dates.notna().sum() == s.notna().sum():
        return dates
    return s.astype("string")


def _reduce(right: pd.DataFrame, keys: list[str], j: Mapping, where: str) -> pd.DataFrame:
    """One row per key: the first/last after ``order_by`` and/or the declared aggregates."""
    keep, order_by, agg = j.get("keep"), j.get("order_by"), j.get("aggregate") or {}
    if keep is not None and keep not in ("first", "last"):
        raise SpecError(f"{where}: `keep` must be 'first' or 'last'; got {keep!r}.")
    if not isinstance(agg, Mapping):
        raise SpecError(f"{where}: `aggregate` must map new column names to [column, how].")
    parts = []
    if keep:
        r = right
        if order_by:
            if order_by not in right:
                raise DataError(f"{where}: `order_by` column {order_by!r} is not in the file.")
            r = right.assign(_sort=_sort_key(right[order_by], j.get("date_format")))
            r = r.sort_values(["_sort", "_row"], kind="stable").drop(columns="_sort")
        parts.append(r.groupby(keys, sort=False).nth(0 if keep == "first" else -1).set_index(keys))
    if agg:
        named = {}
        for new, spec in agg.items():
            if not (isinstance(spec, list) and len(spec) == 2 and spec[1] in AGGREGATES):
                raise SpecError(f"{where}: `aggregate.{new}` must be [column, how] with how one of "
                                f"{AGGREGATES}; got {spec!r}.")
            if spec[0] not in right:
                raise DataError(f"{where}: `aggregate.{new}` names column {spec[0]!r}, not in the file.")
            col = right[spec[0]]
            if spec[1] in ("min", "max", "sum", "mean"):
                right = right.assign(**{f"_agg_{new}": _sort_key(col, j.get("date_format"))})
                named[new] = (f"_agg_{new}", spec[1])
            else:
                named[new] = (spec[0], spec[1])
        parts.append(right.groupby(keys, sort=False).agg(**named))
    out = pd.concat(parts, axis=1) if len(parts) > 1 else parts[0]
    return out.reset_index()


def apply_joins(main: pd.DataFrame, joins: Any, read: Callable[[Mapping], tuple[pd.DataFrame, str]],
                where: str, notes: list[str]) -> tuple[pd.DataFrame, dict[str, str]]:
    """Left-join each declared file onto ``main``.

    Parameters
    ----------
    main : DataFrame
        The table's main file (with ``_row``).
    joins : list of mapping
        The spec's ``join`` entries.
    read : callable
        ``read(entry) -> (DataFrame, source name)``, reading one entry's file or query.
    where : str
        Spec location for messages (``spec.yaml, tables.customers``).
    notes : list of str
        Receives unmatched-key counts and other facts for the quality report.

    Returns
    -------
    The joined table (same rows, same order as ``main``) and a mapping of each
    added column to the file it came from.
    """
    if joins is None:
        return main, {}
    if not isinstance(joins, list):
        raise SpecError(f"{where}: `join` must be a list of joined files.")
    origin: dict[str, str] = {}
    out = main
    for i, j in enumerate(joins, 1):
        jw = f"{where}, join {i}"
        if isinstance(j, Mapping) and True in j and "on" not in j:
            # YAML 1.1 reads a bare `on:` key as the boolean true; take it as meant.
            j = {("on" if k is True else k): v for k, v in j.items()}
        if not isinstance(j, Mapping) or not ("file" in j or "query" in j) or "on" not in j:
            raise SpecError(f"{jw}: each join needs `file` (or `query`) and `on`.")
        check_keys(j, JOIN_KEYS, jw)
        right, src = read(j)
        jw = f"{src} (join {i})"
        pairs = _key_pairs(j["on"], jw)
        lost_left = [a for a, _ in pairs if a not in out]
        lost_right = [b for _, b in pairs if b not in right]
        if lost_left or lost_right:
            raise DataError(f"{jw}: join key(s) {lost_left + lost_right} missing: "
                            f"{'the main table lacks ' + str(lost_left) if lost_left else ''}"
                            f"{'; ' if lost_left and lost_right else ''}"
                            f"{'the joined file lacks ' + str(lost_right) if lost_right else ''}.")
        rkeys = [b for _, b in pairs]
        for b in rkeys:
            right[b] = normalise_keys(right[b])
        nokey = right[rkeys].isna().any(axis=1)
        right = right[~nokey]
        if "keep" in j or "aggregate" in j:
            right = _reduce(right, rkeys, j, jw)
        else:
            dup = right.duplicated(rkeys, keep=False)
            if dup.any():
                raise DataError(f"{jw}, column(s) {rkeys}: keys {right.loc[dup, rkeys[0]].unique()[:3].tolist()} "
                                f"appear more than once ({format_rows(right.loc[dup, '_row'])}); declare "
                                "`keep: first|last` (with `order_by`) or `aggregate` to reduce them to one row.")
        cols = j.get("columns")
        available = [c for c in right.columns if c not in rkeys and c != "_row"]
        if cols is None:
            cols = [c for c in available if c not in out]  # default: only columns new to the table
        elif not isinstance(cols, list):
            raise SpecError(f"{jw}: `columns` must be a list of the joined file's columns.")
        absent = [c for c in cols if c not in right]
        if absent:
            raise DataError(f"{jw}: column(s) {absent} named in `columns` are not in the joined file; "
                            f"it has {available[:25]}.")
        clash = [c for c in cols if c in out]
        if clash:
            raise SpecError(f"{jw}: joined column(s) {clash} already exist in the table; "
                            "leave them out of `columns`.")
        left_keys = pd.DataFrame({b: normalise_keys(out[a]) for a, b in pairs})
        merged = left_keys.merge(right[rkeys + cols], on=rkeys, how="left", validate="many_to_one",
                                 indicator="_match")
        n_miss = int((merged["_match"] == "left_only").sum())
        if n_miss and not j.get("optional", False):  # optional: sparse by design (comments), not a data problem
            notes.append(f"{Path(src).name}: {n_miss:,} of {len(out):,} rows have no match on "
                         f"{[a for a, _ in pairs]} (joined columns left empty)")
        out = out.copy()
        for c in cols:
            out[c] = merged[c].to_numpy()
            origin[c] = src
    return out, origin
