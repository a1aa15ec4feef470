"""Reading source files into DataFrames, with errors that name the file.

Each reader returns the raw table plus a ``_row`` column: the 1-based data
row in the source (1 = first row after the header), used in every error
message so analysts can find the row in their own file.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import DataError, SpecError

__all__ = ["read_table", "FORMATS"]

FORMATS = ("csv", "parquet", "excel")


def _format_of(path: Path, declared: str | None) -> str:
    if declared:
        if declared not in FORMATS:
            raise SpecError(f"{path}: `format` must be one of {FORMATS}; got {declared!r}.")
        return declared
    suffix = path.suffix.lower()
    by_suffix = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".parquet": "parquet",
                 ".pq": "parquet", ".xlsx": "excel", ".xls": "excel"}
    if suffix not in by_suffix:
        raise SpecError(f"{path}: cannot tell the format from the suffix {suffix!r}; "
                        f"declare `format` as one of {FORMATS}.")
    return by_suffix[suffix]


def read_table(path: str | Path, options: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Read one source file.

    Parameters
    ----------
    path : path
        The file.
    options : mapping, optional
        ``format`` (csv, parquet, excel); for CSV ``delimiter``, ``decimal``,
        ``encoding``; for Excel ``sheet`` and ``header_row`` (1-based).

    Returns
    -------
    DataFrame with the file's columns (all read as text for CSV, so that
    validation sees exactly what the file says) and ``_row``.
    """
    path = Path(path)
    options = dict(options or {})
    if not path.exists():
        raise SpecError(f"{path}: file not found (resolved to {path.resolve()}).")
    if path.is_dir():
        raise SpecError(f"{path}: is a folder; expected a file.")
    fmt = _format_of(path, options.get("format"))
    try:
        if fmt == "csv":
            df = pd.read_csv(path, sep=options.get("delimiter", ","), decimal=options.get("decimal", "."),
                             encoding=options.get("encoding", "utf-8"), dtype=str,
                             keep_default_na=True, skipinitialspace=True)
        elif fmt == "parquet":
            df = pd.read_parquet(path)
        else:
            header = int(options.get("header_row", 1)) - 1
            df = pd.read_excel(path, sheet_name=options.get("sheet", 0), header=header)
    except pd.errors.EmptyDataError:
        raise DataError(f"{path}: the file is empty; expected a header row and data rows.") from None
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: cannot decode as {options.get('encoding', 'utf-8')} ({exc.reason} at "
                        f"byte {exc.start}); declare `encoding` (e.g. cp1252) in the spec.") from None
    except (pd.errors.ParserError, ValueError, OSError) as exc:
        raise DataError(f"{path}: cannot be read as {fmt}: {exc}") from None
    if df.empty:
        raise DataError(f"{path}: has a header but no data rows.")
    dup = [c for c in df.columns if str(c).rsplit(".", 1)[0] in df.columns and str(c) != str(c).rsplit(".", 1)[0]
           and str(c).rsplit(".", 1)[-1].isdigit()]
    if dup:
        raise DataError(f"{path}: duplicated column names {dup} (pandas renamed the repeats); "
                        "give every column a unique header.")
    df = df.reset_index(drop=True)
    df["_row"] = range(1, len(df) + 1)
    return df
