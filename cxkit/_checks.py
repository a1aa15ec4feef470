"""Shared checks of arguments and spec options, so every module rejects bad input the same way.

Each check raises a :class:`~cxkit.errors.CxkitError` subclass whose message
names the argument (or spec key), what was passed and what is expected, and
returns the cleaned value.
"""

from __future__ import annotations

import codecs
from collections.abc import Mapping
from numbers import Integral, Real
from typing import Any

import pandas as pd

from .errors import ParameterError, SpecError, check_choice

__all__ = ["check_min_n", "check_level", "check_alpha", "to_timestamp", "check_table_options",
           "check_parameter_value"]


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
    return ts.tz_localize(None) if ts.tzinfo is not None else ts


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
            check_choice("freq", value, ("D", "W", "M", "Q", "Y"))
    except ParameterError as exc:
        raise ParameterError(f"{notebook}: parameter {exc}") from None
