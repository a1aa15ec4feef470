"""How many groups a report suppressed, and why.

Every cxkit table that can hide a figure has a boolean ``suppressed`` column and
a ``note`` saying why (``fewer than min_n=30 answers: suppressed``,
``weights sum to zero: suppressed``). These functions count them across all the
tables of a report so the report can say so in plain words.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ..errors import ParameterError

__all__ = ["suppression_summary", "describe_suppression"]

_SIZE_COLUMNS = ("n", "at_start")  # group size: answers, or customers at the period start


def _reason(note: object) -> str:
    text = str(note or "").strip()
    return text.removesuffix(": suppressed").strip() or "suppressed (no reason recorded)"


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
        reason : why, in plain words ("fewer than min_n=30 answers")
        n_min, n_max : smallest and largest group size among them (answers, or
            customers at the period start; for comparisons the smaller side)
    """
    if not isinstance(tables, Mapping):
        raise ParameterError(f"`tables` must map table names to DataFrames; got {type(tables).__name__}.")
    rows = []
    for name, t in tables.items():
        if not isinstance(t, pd.DataFrame) or "suppressed" not in t.columns:
            continue
        flag = t["suppressed"].fillna(False).astype(bool)
        if not flag.any():
            rows.append({"table": name, "groups": len(t), "suppressed": 0, "reason": "", "n_min": pd.NA,
                         "n_max": pd.NA})
            continue
        sub = t[flag]
        size_col = next((c for c in _SIZE_COLUMNS if c in t.columns), None)
        if size_col is not None:
            size = sub[size_col]
        elif {"n_a", "n_b"} <= set(t.columns):
            size = sub[["n_a", "n_b"]].min(axis=1)
        else:
            size = pd.Series(pd.NA, index=sub.index)
        reasons = sub["note"].map(_reason) if "note" in sub.columns else pd.Series("", index=sub.index)
        for reason, idx in reasons.groupby(reasons, sort=True).groups.items():
            s = pd.to_numeric(size.loc[idx], errors="coerce")
            rows.append({"table": name, "groups": len(t), "suppressed": len(idx), "reason": reason,
                         "n_min": s.min() if s.notna().any() else pd.NA,
                         "n_max": s.max() if s.notna().any() else pd.NA})
    return pd.DataFrame(rows, columns=["table", "groups", "suppressed", "reason", "n_min", "n_max"])


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
