"""Shared checks of arguments and spec options, so every module rejects bad input the same way.

Each check raises a :class:`~cxkit.errors.CxkitError` subclass whose message
names the argument (or spec key), what was passed and what is expected, and
returns the cleaned value. The columns a function is told to use are checked
by :func:`check_columns` (pandas frames and engine tables alike), choices by
:func:`check_choice`, period frequencies against :data:`FREQS`.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable, Mapping, Sequence
from numbers import Integral, Real
from typing import Any

import pandas as pd

from ._dates import utc_naive_scalar
from .errors import CxkitError, DataError, ParameterError, SpecError

__all__ = ["FREQS", "check_choice", "as_list", "check_columns", "check_min_n", "check_level", "check_alpha",
           "to_timestamp", "check_table_options", "check_parameter_value", "check_keys"]

#: Period frequencies (pandas period aliases): day, week, month, quarter, year.
FREQS = ("D", "W", "M", "Q", "Y")


def check_keys(mapping: Mapping[str, Any], allowed: Iterable[str], where: str,
               error: type[CxkitError] = SpecError, hint: str = "") -> None:
    """Refuse keys of a spec or batch mapping outside ``allowed``, naming ``where``, the keys and the allowed ones."""
    allowed = set(allowed)
    unknown = set(mapping) - allowed
    if unknown:
        raise error(f"{where}: unknown keys {sorted(unknown)}; allowed: {sorted(allowed)}{hint}.")


def check_choice(name: str, value: object, allowed: Sequence[object]) -> None:
    """Raise :class:`ParameterError` unless ``value`` is one of ``allowed``.

    The message names the argument, the allowed values and what was passed
    (as seaborn's ``_check_argument`` does).
    """
    if value not in allowed:
        raise ParameterError(
            f"`{name}` must be one of {', '.join(repr(a) for a in allowed)}; got {value!r}."
        )


def as_list(by: str | Sequence[str] | None, name: str = "by") -> list[str]:
    """Normalise a column-name argument (``by``, ``controls``, ...) to a list of column names."""
    if by is None:
        return []
    if isinstance(by, str):
        return [by]
    items = list(by) if isinstance(by, Iterable) else None
    if items is None or not all(isinstance(b, str) for b in items):
        raise ParameterError(f"`{name}` must be a column name or a list of column names; got {by!r} "
                             f"({type(by).__name__}).")
    return items


def check_columns(data: Any, columns: Sequence[str], *, argument: str = "columns", source: str = "data",
                  error: type[CxkitError] = ParameterError) -> None:
    """Raise ``error`` (default :class:`ParameterError`) naming any of ``columns`` absent from ``data``.

    ``data`` is a pandas DataFrame or an engine's table (a narwhals frame, as
    :func:`cxkit.stats.engines.open_frame` returns); only its column names are
    read. A named column that appears more than once in a pandas frame is a
    :class:`DataError`.
    """
    if isinstance(data, pd.DataFrame):
        names = list(data.columns)
    elif hasattr(data, "collect_schema"):
        names = list(data.collect_schema().names())
    else:
        raise ParameterError(f"`data` must be a pandas DataFrame; got {type(data).__name__}.")
    missing = [c for c in columns if c not in names]
    if missing:
        raise error(f"{source}: column(s) {missing} named in `{argument}` are not in the data; "
                    f"available: {names[:20]}.")
    if isinstance(data, pd.DataFrame) and data.columns.has_duplicates:
        dup = set(data.columns[data.columns.duplicated()])
        clash = [c for c in dict.fromkeys(columns) if c in dup]
        if clash:
            raise DataError(f"{source}: column(s) {clash} appear more than once; rename them.")


def check_min_n(min_n: object, name: str = "min_n") -> int:
    """A non-negative whole number (``True``/``30.0``/``"30"`` are refused: they hide mistakes)."""
    if isinstance(min_n, bool) or not isinstance(min_n, Integral) or min_n < 0:
        raise ParameterError(f"`{name}` must be a non-negative integer (e.g. 30); "
                             f"got {min_n!r} ({type(min_n).__name__}).")
    return int(min_n)


def check_level(level: object, name: str = "level", example: str = "0.95") -> float:
    """A confidence level strictly between 0 and 1 (``95`` is refused, not read as 95%)."""
    if isinstance(level, bool) or not isinstance(level, Real) or not 0 < float(level) < 1:
        hint = f" (did you mean {level / 100:g}?)" if isinstance(level, Real) and 1 < level < 100 else ""
        raise ParameterError(f"`{name}` must be a number strictly between 0 and 1, e.g. {example}; "
                             f"got {level!r}{hint}.")
    return float(level)


def check_alpha(alpha: object, name: str = "alpha") -> float:
    """A significance threshold strictly between 0 and 1."""
    return check_level(alpha, name, example="0.05")


def to_timestamp(value: object, name: str) -> pd.Timestamp:
    """Parse a date argument (``"2025-03-31"``, date, Timestamp) or raise naming the argument."""
    if isinstance(value, bool) or value is None or isinstance(value, Real):
        raise ParameterError(f"`{name}` must be a date such as '2025-03-31'; got {value!r}.")
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError, OverflowError):
        raise ParameterError(f"`{name}` must be a date such as '2025-03-31'; got {value!r}.") from None
    if pd.isna(ts):
        raise ParameterError(f"`{name}` must be a date such as '2025-03-31'; got {value!r}.")
    return utc_naive_scalar(ts)  # the date policy (cxkit._dates): an offset is converted to UTC


# spec key -> (accepted types, description)
_OPTION_TYPES: dict[str, tuple[tuple[type, ...], str]] = {
    "file": ((str,), "a file name relative to the spec"),
    "format": ((str,), "'csv', 'parquet' or 'excel'"),
    "delimiter": ((str,), "one character such as ',' or ';'"),
    "decimal": ((str,), "one character such as '.' or ','"),
    "encoding": ((str,), "an encoding name such as 'utf-8' or 'cp1252'"),
    "sheet": ((str, int), "a sheet name or 0-based sheet number"),
    "header_row": ((int,), "a 1-based row number"),
    "date_format": ((str,), "a strftime format such as '%d-%m-%Y'"),
    "extra": ((list, dict), "a list of column names or a mapping {new_name: column}"),
    "pii": ((list,), "a list of column names"),
    "free_text": ((list,), "a list of column names"),
}


def check_table_options(table: str, options: Mapping[str, Any], src: str) -> None:
    """Type-check one ``tables.<table>`` entry of a dataset spec before any file is read."""
    for key, value in options.items():
        if key not in _OPTION_TYPES:
            continue
        types, expected = _OPTION_TYPES[key]
        bad = isinstance(value, bool) or not isinstance(value, types)
        if not bad and key in ("delimiter", "decimal") and len(value) != 1:
            bad = True
        if not bad and key == "header_row" and value < 1:
            bad = True
        if not bad and isinstance(value, list) and not all(isinstance(v, str) for v in value):
            bad = True
        if not bad and key == "encoding":
            try:
                codecs.lookup(value)
            except LookupError:
                bad = True
        if bad:
            raise SpecError(f"{src}: `tables.{table}.{key}` must be {expected}; got {value!r}.")


# Parameters that mean the same in every cxkit notebook, checked before a kernel is started.
_COMMON_PARAMETERS = {
    "level": check_level,
    "alpha": check_alpha,
    "min_n": check_min_n,
    **{name: (lambda v, _n=name: v if v in ("", None) else to_timestamp(v, _n))
       for name in ("run_date", "period_start", "period_end", "start", "end")},
}


def check_parameter_value(notebook: str, name: str, value: Any) -> None:
    """Range checks of parameters common to the report notebooks (types are checked by the caller)."""
    try:
        if name in _COMMON_PARAMETERS and value is not None:
            _COMMON_PARAMETERS[name](value)
        if name == "freq":
            check_choice("freq", value, FREQS)
    except ParameterError as exc:
        raise ParameterError(f"{notebook}: parameter {exc}") from None
