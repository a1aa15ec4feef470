"""Small-group suppression: the one place that blanks figures, and how many a report hid.

Every cxkit table that can hide a figure goes through :func:`suppress`. It adds

``suppressed``         True when the row's figures are blanked (NaN)
``suppressed_reason``  machine-readable code: ``"small_group"`` (fewer than
                       ``min_n``), ``"zero_weight"`` (weights sum to zero),
                       ``"small_effective"`` (weighted data: Kish's effective
                       sample size below ``min_n``), ``""``
``suppressed_min_n``   the threshold applied (same on every row)
``suppressed_unit``    what the group size counts: ``"answers"`` or ``"customers"``
``note``               plain English for people ("fewer than min_n=30 answers:
                       suppressed"), generated from the code by :func:`reason_text`

Code reads the code columns, never the note. The wording lives here once, in
English (``REASON_TEXT``), because stats tables carry English notes and stats
must not import :mod:`cxkit.report`; :mod:`cxkit.report.i18n` takes the English
templates from here and adds the Dutch ones, for text rendered in a language
(plots, report sentences).

:func:`suppression_summary` and :func:`describe_suppression` count the
suppressed rows across the tables of a report so the report can say so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from .._checks import check_choice, check_min_n
from ..errors import ParameterError

__all__ = ["suppress", "reason_text", "suppression_summary", "describe_suppression", "REASONS", "UNITS",
           "REASON_TEXT", "SUPPRESSION_COLUMNS"]

REASONS = ("small_group", "zero_weight", "small_effective")
UNITS = ("answers", "customers")
# English templates, filled with min_n and unit; Dutch ones are in cxkit.report.i18n.
REASON_TEXT = {"small_group": "fewer than min_n={min_n} {unit}", "zero_weight": "weights sum to zero",
               "small_effective": "effective sample size (Kish n_eff, weighted) below min_n={min_n}"}
NO_REASON = "suppressed (no reason recorded)"
SUPPRESSION_COLUMNS = ("suppressed", "suppressed_reason", "suppressed_min_n", "suppressed_unit")

_SIZE_COLUMNS = ("n", "at_start")  # group size: answers, or customers at the period start


def reason_text(code: str, min_n: object = None, unit: object = "answers") -> str:
    """The English words for a reason code (``""`` for no code, :data:`NO_REASON` for an unknown one)."""
    if not code:
        return ""
    if code not in REASON_TEXT:
        return NO_REASON
    return REASON_TEXT[code].format(min_n=min_n, unit=unit)


def suppress(table: pd.DataFrame, *, size_col: str | Sequence[str], value_cols: Sequence[str], min_n: int,
             unit: str = "answers", eff_col: str | Sequence[str] | None = None,
             own_cols: Mapping[str, Sequence[str]] | None = None) -> pd.DataFrame:
    """Blank the figures of rows whose group is too small, flag them and record why.

    Parameters
    ----------
    table : DataFrame
        One row per group (or comparison). Not modified; a copy is returned.
    size_col : str or list of str
        Group size column(s). A row is suppressed when any of them is below
        ``min_n`` (a comparison: its smaller side).
    value_cols : list of str
        Figures blanked (NaN) on suppressed rows.
    min_n : int
        Smallest group size shown.
    unit : {"answers", "customers"}
        What the size counts (for the note).
    eff_col : str or list of str, optional
        Effective size (Kish ``n_eff``), one per ``size_col``: a row with a size
        but an effective size of 0 (weights summing to zero) has nothing to
        estimate from and is suppressed with reason ``zero_weight``; otherwise a
        row whose effective size is below ``min_n`` (weighted data: ``min_n``
        applies to the effective n, which equals n without weights) is
        suppressed with reason ``small_effective``.
    own_cols : mapping of size column to list of str, optional
        Figures belonging to one side only (``{"n_b": ["value_b"]}``): blanked
        when that side is below ``min_n``, so the other side's figure stays.

    Returns
    -------
    DataFrame
        ``table`` with the value columns blanked where suppressed, the columns
        of :data:`SUPPRESSION_COLUMNS` set and ``note`` replaced by the reason
        on suppressed rows (kept elsewhere; ``""`` when the table had none).
    """
    min_n = check_min_n(min_n)
    check_choice("unit", unit, UNITS)
    sizes = [size_col] if isinstance(size_col, str) else list(size_col)
    out = table.copy()
    small = np.zeros(len(out), dtype=bool)
    for c in sizes:
        small |= (pd.to_numeric(out[c]) < min_n).to_numpy()
    weightless = np.zeros(len(out), dtype=bool)
    thin = np.zeros(len(out), dtype=bool)
    effs = [] if eff_col is None else [eff_col] if isinstance(eff_col, str) else list(eff_col)
    thin_by = {}
    for c, e in zip(sizes, effs, strict=False):
        if e not in out.columns:
            continue
        size = pd.to_numeric(out[c]).to_numpy()
        eff = pd.to_numeric(out[e]).to_numpy(float)
        weightless |= (eff == 0) & (size > 0)
        thin_by[c] = eff < min_n
        thin |= thin_by[c]
    # Too few answers is the reason given when it holds: it alone would hide the figure; zero weights are
    # the more specific reason when the effective n is below min_n.
    reason = np.where(small, "small_group", np.where(weightless, "zero_weight",
                                                      np.where(thin, "small_effective", "")))
    flag = reason != ""
    note = out["note"].astype(object) if "note" in out.columns else pd.Series("", index=out.index, dtype=object)
    words = {c: f"{reason_text(c, min_n, unit)}: suppressed" for c in REASONS}
    note = note.where(~flag, pd.Series(reason, index=out.index).map(words))
    blank = {c: flag.copy() for c in value_cols}
    for c, cols in (own_cols or {}).items():
        own_small = (pd.to_numeric(out[c]) < min_n).to_numpy() | thin_by.get(c, False)
        for v in cols:
            blank[v] = blank.get(v, np.zeros(len(out), dtype=bool)) | own_small
    for c, rows in blank.items():
        if rows.any():
            out[c] = out[c].astype(float).where(~rows)  # the one place figures are blanked
    out["note"] = note.fillna("").to_numpy()
    out["suppressed"] = flag
    out["suppressed_reason"] = reason.astype(object)
    out["suppressed_min_n"] = min_n
    out["suppressed_unit"] = unit
    return out


def _reasons(sub: pd.DataFrame) -> pd.Series:
    """Plain-words reason of each suppressed row, from its reason code (never from the note)."""
    if "suppressed_reason" not in sub.columns:
        return pd.Series(NO_REASON, index=sub.index)
    min_n = sub["suppressed_min_n"] if "suppressed_min_n" in sub.columns else pd.Series("?", index=sub.index)
    unit = sub["suppressed_unit"] if "suppressed_unit" in sub.columns else pd.Series("answers", index=sub.index)
    return pd.Series([reason_text(str(c or ""), m, u) or NO_REASON
                      for c, m, u in zip(sub["suppressed_reason"], min_n, unit, strict=True)], index=sub.index)


def suppression_summary(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Count suppressed groups per table and reason.

    Parameters
    ----------
    tables : mapping of name to DataFrame
        Metric, churn and comparison tables (anything with a ``suppressed``
        column; tables without one are skipped).

    Returns
    -------
    DataFrame with one row per table and reason (tables without suppression get
    one row with ``suppressed = 0``):
        table : the table's name
        groups : rows (groups or comparisons) in the table
        suppressed : rows suppressed for ``reason``
        reason_code : ``suppressed_reason`` of those rows (``small_group``, ``zero_weight``)
        reason : why, in plain words ("fewer than min_n=30 answers")
        n_min, n_max : smallest and largest group size among them (answers, or
            customers at the period start; for comparisons the smaller side)
    """
    if not isinstance(tables, Mapping):
        raise ParameterError(f"`tables` must map table names to DataFrames; got {type(tables).__name__}.")
    cols = ["table", "groups", "suppressed", "reason_code", "reason", "n_min", "n_max"]
    rows = []
    for name, t in tables.items():
        if not isinstance(t, pd.DataFrame) or "suppressed" not in t.columns:
            continue
        flag = t["suppressed"].fillna(False).astype(bool)
        if not flag.any():
            rows.append({"table": name, "groups": len(t), "suppressed": 0, "reason_code": "", "reason": "",
                         "n_min": pd.NA, "n_max": pd.NA})
            continue
        sub = t[flag]
        size_col = next((c for c in _SIZE_COLUMNS if c in t.columns), None)
        if size_col is not None:
            size = sub[size_col]
        elif {"n_a", "n_b"} <= set(t.columns):
            size = sub[["n_a", "n_b"]].min(axis=1)
        else:
            size = pd.Series(pd.NA, index=sub.index)
        codes = (sub["suppressed_reason"].fillna("").astype(str) if "suppressed_reason" in sub.columns
                 else pd.Series("", index=sub.index))
        reasons = _reasons(sub)
        for (code, reason), idx in reasons.groupby([codes, reasons], sort=True).groups.items():
            s = pd.to_numeric(size.loc[idx], errors="coerce")
            rows.append({"table": name, "groups": len(t), "suppressed": len(idx), "reason_code": code,
                         "reason": reason, "n_min": s.min() if s.notna().any() else pd.NA,
                         "n_max": s.max() if s.notna().any() else pd.NA})
    return pd.DataFrame(rows, columns=cols)


def describe_suppression(summary: pd.DataFrame, *, min_n: int | None = None) -> str:
    """Plain sentences from :func:`suppression_summary`: how many groups were hidden and why."""
    if summary is None or summary.empty:
        return "No table in this report can suppress groups."
    per_table = summary.groupby("table", sort=False)["groups"].first()
    total, tables = int(per_table.sum()), len(per_table)
    hidden = summary[summary["suppressed"] > 0]
    threshold = f" (every group had at least min_n={min_n} answers)" if min_n is not None else ""
    if hidden.empty:
        return f"No group was suppressed in the {tables} tables ({total} groups){threshold}."
    n_hidden = int(hidden["suppressed"].sum())
    lines = [f"{n_hidden} of {total} groups or comparisons in {tables} tables were suppressed: their figures "
             "are left blank (the number of answers is still shown), because a figure from so few answers "
             "would be too uncertain to act on, and could point at individual customers."]
    by_reason = hidden.groupby("reason", sort=True).agg(count=("suppressed", "sum"),
                                                        tables=("table", lambda s: sorted(set(s))))
    for reason, r in by_reason.iterrows():
        where = ", ".join(r["tables"][:6]) + (f" and {len(r['tables']) - 6} more" if len(r["tables"]) > 6 else "")
        lines.append(f"- {int(r['count'])}: {reason} (in {where}).")
    return "\n".join(lines)
