"""Exception hierarchy.

Every error cxkit raises on purpose is a :class:`CxkitError`. The concrete
classes also inherit :class:`ValueError` (like statsmodels and seaborn do), so
``except ValueError`` in analyst code keeps working.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "CxkitError",
    "DataError",
    "SpecError",
    "ParameterError",
    "DegenerateDataError",
    "OutputError",
    "format_rows",
]


class CxkitError(Exception):
    """Base class of all errors raised deliberately by cxkit."""


class DataError(CxkitError, ValueError):
    """The data does not match what its dataset spec or the function expects."""


class SpecError(CxkitError, ValueError):
    """A dataset spec (YAML) is malformed or refers to something missing."""


class ParameterError(CxkitError, ValueError):
    """A function or notebook parameter has a wrong name, type or value."""


class DegenerateDataError(CxkitError, ValueError):
    """The data cannot support the requested statistic (no variance, empty group...)."""


class OutputError(CxkitError, ValueError):
    """An output location is unusable (exists already, locked, not writable)."""


def format_rows(rows: Sequence[int], limit: int = 5) -> str:
    """Describe offending row numbers briefly: ``rows 3, 8, 12 (and 40 more)``.

    Row numbers are 1-based data rows as an analyst sees them in a spreadsheet
    (header excluded), so callers pass positional indices + 1.
    """
    rows = list(rows)
    if not rows:
        return "no rows"
    head = ", ".join(str(r) for r in rows[:limit])
    more = f" (and {len(rows) - limit} more)" if len(rows) > limit else ""
    word = "row" if len(rows) == 1 else "rows"
    return f"{word} {head}{more}"

