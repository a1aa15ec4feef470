"""Scale definitions for NPS, CSAT and CES questions, and score validation.

A :class:`Scale` says what range a question's answers take, which values
count as "good" (NPS promoters, CSAT top box, CES easy) and, for CES, which
direction is good. cxkit never guesses a CES direction: it must be declared.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._checks import check_keys
from .errors import DataError, SpecError, format_rows

__all__ = ["Scale", "KINDS", "CES_DIRECTIONS", "validate_scores", "range_hint"]

KINDS = ("nps", "csat", "ces")
CES_DIRECTIONS = ("higher_is_easier", "higher_is_harder")


@dataclass(frozen=True)
class Scale:
    """One survey question's answer scale.

    Parameters
    ----------
    kind : {"nps", "csat", "ces"}
    min, max : int
        Lowest and highest valid answer (inclusive). NPS is always 0..10;
        recode other codings (e.g. 1..11) in the dataset spec.
    good : tuple of int
        Values counted as good: NPS promoters (9, 10), CSAT top box
        (e.g. 4, 5 of 5), CES "easy" answers.
    bad : tuple of int
        NPS detractors (0..6); for CSAT and CES the "bottom box" (optional).
    direction : {"higher_is_better", "higher_is_easier", "higher_is_harder"}
        CES scales must declare ``higher_is_easier`` or ``higher_is_harder``.
    name : str
        The metric key used in the responses table (e.g. ``"csat_support"``).
    """

    kind: str
    min: int
    max: int
    good: tuple[int, ...]
    bad: tuple[int, ...] = ()
    direction: str = "higher_is_better"
    name: str = ""
    labels: Mapping[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        where = f"scale {self.name!r}" if self.name else "scale"
        if self.kind not in KINDS:
            raise SpecError(f"{where}: `kind` must be one of {KINDS}; got {self.kind!r}.")
        if not (isinstance(self.min, int | np.integer) and isinstance(self.max, int | np.integer)):
            raise SpecError(f"{where}: `min` and `max` must be integers; got {self.min!r}, {self.max!r}.")
        if self.min >= self.max:
            raise SpecError(f"{where}: `min` must be below `max`; got {self.min}..{self.max}.")
        for label, values in (("good", self.good), ("bad", self.bad)):
            outside = [v for v in values if not self.min <= v <= self.max]
            if outside:
                raise SpecError(
                    f"{where}: `{label}` values {outside} lie outside {self.min}..{self.max}."
                )
        if set(self.good) & set(self.bad):
            raise SpecError(f"{where}: values {sorted(set(self.good) & set(self.bad))} are both good and bad.")
        if not self.good:
            raise SpecError(f"{where}: declare which values are good (`top_box` / `easy`).")
        if self.kind == "nps":
            if (self.min, self.max) != (0, 10):
                raise SpecError(
                    f"{where}: NPS is answered on 0..10; got {self.min}..{self.max}. "
                    "Declare a recode in the dataset spec (e.g. subtract 1 for a 1..11 coding)."
                )
        if self.kind == "ces" and self.direction not in CES_DIRECTIONS:
            raise SpecError(
                f"{where}: a CES scale must declare `direction` as one of {CES_DIRECTIONS}; "
                f"got {self.direction!r}. cxkit does not guess whether high means easy."
            )
        if self.kind != "ces" and self.direction != "higher_is_better":
            raise SpecError(f"{where}: only CES scales take a `direction`; got {self.direction!r}.")

    # -- constructors ---------------------------------------------------------
    @classmethod
    def nps(cls, name: str = "nps") -> Scale:
        """The standard 0..10 likelihood-to-recommend scale."""
        return cls("nps", 0, 10, good=(9, 10), bad=tuple(range(0, 7)), name=name)

    @classmethod
    def csat(cls, min: int = 1, max: int = 5, top_box: Iterable[int] | None = None,
             name: str = "csat") -> Scale:
        """A satisfaction scale; ``top_box`` defaults only for 1..5 (4, 5) and 1..3 (3)."""
        if top_box is None:
            defaults = {(1, 5): (4, 5), (1, 3): (3,)}
            if (min, max) not in defaults:
                raise SpecError(
                    f"scale {name!r}: declare `top_box` for a {min}..{max} CSAT scale "
                    "(defaults exist only for 1..5 and 1..3)."
                )
            top_box = defaults[(min, max)]
        return cls("csat", min, max, good=tuple(top_box), name=name)

    @classmethod
    def ces(cls, min: int, max: int, direction: str, easy: Iterable[int], name: str = "ces") -> Scale:
        """An effort scale; ``direction`` and ``easy`` are required."""
        return cls("ces", min, max, good=tuple(easy), direction=direction, name=name)

    @classmethod
    def from_dict(cls, name: str, d: Mapping) -> Scale:
        """Build from a dataset-spec entry (see ``data/README.md``)."""
        if not isinstance(d, Mapping):
            raise SpecError(f"scale {name!r}: expected a mapping; got {d!r}.")
        allowed = {"kind", "min", "max", "top_box", "easy", "promoters", "detractors",
                   "bottom_box", "direction", "labels"}
        check_keys(d, allowed, f"scale {name!r}")
        for key in ("min", "max"):
            if key in d and (isinstance(d[key], bool) or not isinstance(d[key], int)):
                raise SpecError(f"scale {name!r}: `{key}` must be a whole number; got {d[key]!r}.")
        for key in ("top_box", "easy", "promoters", "detractors", "bottom_box"):
            v = d.get(key)
            if v is not None and (not isinstance(v, list | tuple)
                                  or not all(isinstance(x, int) and not isinstance(x, bool) for x in v)):
                raise SpecError(f"scale {name!r}: `{key}` must be a list of whole numbers such as [4, 5]; "
                                f"got {v!r}.")
        kind = d.get("kind")
        if kind == "nps":
            base = cls.nps(name)
            return cls("nps", d.get("min", 0), d.get("max", 10),
                       good=tuple(d.get("promoters", base.good)),
                       bad=tuple(d.get("detractors", base.bad)), name=name,
                       labels=dict(d.get("labels", {})))
        if kind == "csat":
            if "min" not in d or "max" not in d:
                raise SpecError(f"scale {name!r}: a CSAT scale needs `min` and `max`.")
            s = cls.csat(d["min"], d["max"], d.get("top_box"), name=name)
            return cls("csat", s.min, s.max, good=s.good, bad=tuple(d.get("bottom_box", ())),
                       name=name, labels=dict(d.get("labels", {})))
        if kind == "ces":
            missing = [k for k in ("min", "max", "direction", "easy") if k not in d]
            if missing:
                raise SpecError(
                    f"scale {name!r}: a CES scale needs {missing} "
                    f"(direction one of {CES_DIRECTIONS}; never guessed)."
                )
            return cls("ces", d["min"], d["max"], good=tuple(d["easy"]), bad=tuple(d.get("bottom_box", ())),
                       direction=d["direction"], name=name, labels=dict(d.get("labels", {})))
        raise SpecError(f"scale {name!r}: `kind` must be one of {KINDS}; got {kind!r}.")

    # -- helpers --------------------------------------------------------------
    @property
    def values(self) -> np.ndarray:
        return np.arange(self.min, self.max + 1)

    @property
    def higher_is_good(self) -> bool:
        return self.direction != "higher_is_harder"

    def describe(self) -> str:
        extra = f", {self.direction}" if self.kind == "ces" else ""
        return f"{self.kind.upper()} {self.min}..{self.max}, good = {list(self.good)}{extra}"


def range_hint(values: np.ndarray, scale: Scale) -> str:
    """A hint for answers above the scale: an NPS coded 1..11, or a wider scale mixed in."""
    arr = np.asarray(values, dtype=float)
    ok = np.isfinite(arr)
    above = ok & (arr == np.round(arr)) & (arr > scale.max)
    if not above.any():
        return ""
    top = arr[above].max()
    if scale.kind == "nps" and top == 11 and np.nanmin(arr[ok]) >= 1:
        return " The column looks coded 1..11: recode it to 0..10 (subtract 1) before loading."
    return (f" {int(above.sum())} answer(s) above {scale.max} (up to {top:g}) suggest answers on "
            "a wider scale mixed into this column: give each scale its own metric, or recode.")


def validate_scores(values: pd.Series, scale: Scale, *, source: str = "data",
                    column: str = "score", rows: pd.Series | None = None) -> pd.Series:
    """Check that every non-missing answer is a whole number on ``scale``.

    Parameters
    ----------
    values : Series
        Raw answers (numbers, or strings that parse as numbers).
    scale : Scale
    source, column : str
        File (or table) and column named in error messages.
    rows : Series, optional
        1-based data-row numbers to report (defaults to position + 1).

    Returns
    -------
    Series of float with missing answers as NaN (same index).

    Raises
    ------
    DataError
        Naming file, column, the first offending rows and the expected range.
    """
    row_no = np.asarray(rows) if rows is not None else np.arange(1, len(values) + 1)
    where = f"{source}, column {column!r}"
    if len(values) == 0:
        raise DataError(f"{where}: no answers for {scale.name or scale.kind!r}; expected at least one.")
    if pd.api.types.is_bool_dtype(values):
        # True/False would silently count as answers 1 and 0.
        raise DataError(f"{where}: holds true/false values, not answers; expected whole numbers "
                        f"{scale.min}..{scale.max} ({scale.describe()}).")
    numeric = pd.to_numeric(values, errors="coerce")
    missing_before = values.isna().to_numpy()
    bad_text = numeric.isna().to_numpy() & ~missing_before
    if bad_text.any():
        examples = pd.unique(values[bad_text].astype(str))[:3]
        raise DataError(
            f"{where}: non-numeric answers {list(examples)} in {format_rows(row_no[bad_text])}; "
            f"expected whole numbers {scale.min}..{scale.max} ({scale.describe()}). "
            "Map text labels to numbers in the dataset spec."
        )
    if numeric.isna().all():
        raise DataError(f"{where}: every answer for {scale.name or scale.kind!r} is missing.")
    arr = numeric.to_numpy(dtype=float)
    ok = ~np.isnan(arr)
    not_whole = ok & (arr != np.round(arr))
    outside = ok & ((arr < scale.min) | (arr > scale.max))
    bad = not_whole | outside
    if bad.any():
        examples = pd.unique(arr[bad])[:3].tolist()
        hint = range_hint(arr, scale)
        raise DataError(
            f"{where}: answers {examples} in {format_rows(row_no[bad])} are not whole numbers in "
            f"{scale.min}..{scale.max} ({scale.describe()}).{hint}"
        )
    return numeric.astype(float)
