"""Probable leakage: columns that, on their own, separate churners from stayers almost perfectly.

A column that marks nearly every churner and almost no stayer (a complaint flag logged at
cancellation, a churn reason, a fee charged on leaving, the vendor's own churn score) is
not a predictor but a record of the churn itself. Used in a model it gives huge
coefficients, an AUC of 1.00 and "predicts churn better" verdicts, and as a control it
silently distorts every other estimate. So every candidate column is measured on its own:

* **AUC**: the chance that a random churner has a "churnier" value than a random stayer
  (Mann-Whitney, :func:`cxkit.stats.auc.auc`); categories are ranked by their churn share,
  and an empty value counts as a category of its own (a field filled in only for churners
  is a copy of the flag).
* **churners / stayers flagged**: for a column with two values, the share of churners and
  of stayers holding the value that is commoner among churners.

A column is *probable leakage* when its AUC (either direction) is at least
:data:`AUC_LIMIT`, or it flags at least :data:`FLAGGED_LIMIT` of churners and at most
:data:`FALSE_ALARM_LIMIT` of stayers, or (dates) it is recorded on or after the churn date
for most churners. Quasi- and near-separation are treated like exact separation: the
limits are about what no honest predictor achieves, not about the fit breaking down.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = ["AUC_LIMIT", "FLAGGED_LIMIT", "FALSE_ALARM_LIMIT", "separation_table", "leak_message",
           "SEPARATION_COLUMNS"]

AUC_LIMIT = 0.95
FLAGGED_LIMIT = 0.99
FALSE_ALARM_LIMIT = 0.05
AFTER_CHURN_LIMIT = 0.9
MAX_LEVELS = 30  # more distinct texts than this: an id, a name or free text, not a category

SEPARATION_COLUMNS = ["column", "source", "kind", "n", "auc", "auc_best", "churners_flagged",
                      "stayers_flagged", "after_churn", "leakage", "reason"]


def _auc(y: np.ndarray, risk: np.ndarray) -> float:
    # Lazy: data and stats never import each other at import time (tests/test_layout.py); one AUC rule.
    from ..stats.auc import auc

    return auc(y, risk)


def _dates(s: pd.Series) -> pd.Series | None:
    if pd.api.types.is_datetime64_any_dtype(s):
        return s
    if not (pd.api.types.is_object_dtype(s) or pd.api.types.is_string_dtype(s)):
        return None
    text = s.dropna().astype(str).str.strip()
    if text.empty or not text.str.match(r"^\d{4}-\d{2}-\d{2}").mean() >= 0.9:
        return None
    return pd.to_datetime(s.astype("string").str.slice(0, 10), errors="coerce", format="%Y-%m-%d")


def _one(x: pd.Series, y: np.ndarray, end: pd.Series | None) -> dict | None:
    """Separation figures of one column against the churn flag ``y`` (None: not measurable)."""
    dates = _dates(x)
    after = np.nan
    if dates is not None:
        if end is not None:
            both = y & dates.notna().to_numpy() & end.notna().to_numpy()
            if both.sum() >= 10:
                after = float((dates[both] >= end[both]).mean())
        ns = dates.to_numpy(dtype="datetime64[ns]")
        x = pd.Series(np.where(np.isnat(ns), np.nan, ns.astype("int64").astype(float)), index=x.index)
    present = x.notna().to_numpy()
    if pd.api.types.is_bool_dtype(x) or str(x.dtype) == "boolean":
        x = x.astype("Float64").astype(float)
    if pd.api.types.is_numeric_dtype(x):
        vals = x.to_numpy(dtype=float)
        kind = "date" if dates is not None else "number"
        distinct = np.unique(vals[present])
        if present.sum() < 10 or len(distinct) < 2 and present.all():
            return None
        if present.all():
            risk = vals
        else:
            # Empty values are a level of their own: ranked between the values by their churn share.
            risk = _rank_levels(pd.Series(np.where(present, vals, np.nan)).rank(method="dense")
                                .fillna(-1).to_numpy(), y) if len(distinct) <= MAX_LEVELS else None
            if risk is None:
                a_present = _auc(y, present.astype(float))
                a_vals = _auc(y[present], vals[present]) if present.sum() >= 10 else np.nan
                a = a_vals if abs(a_present - 0.5) < abs(a_vals - 0.5) else a_present
                return _figures(kind, int(len(x)), a, y, None, after)
        if len(distinct) == 2 and present.all():
            return _figures(kind, len(x), _auc(y, risk), y, vals == distinct[1], after)
        return _figures(kind, len(x), _auc(y, risk), y, None, after)
    text = x.astype("string").str.strip().fillna("(empty)")
    levels = text.nunique()
    if levels < 2 or levels > MAX_LEVELS:
        return None
    codes = pd.factorize(text)[0]
    risk = _rank_levels(codes, y)
    flag = None
    if levels == 2:
        share = pd.Series(y).groupby(codes).mean()
        flag = codes == share.idxmax()
    return _figures("category", len(x), _auc(y, risk), y, flag, after)


def _rank_levels(codes: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Each level's churn share as its risk (the best any rule on this column alone can do)."""
    share = pd.Series(y.astype(float)).groupby(codes).mean()
    return pd.Series(codes).map(share).to_numpy(dtype=float)


def _figures(kind: str, n: int, a: float, y: np.ndarray, flag: np.ndarray | None, after: float) -> dict:
    best = max(a, 1 - a) if np.isfinite(a) else np.nan
    if flag is not None:
        flag = np.asarray(flag, bool)
        if flag[y].mean() < flag[~y].mean():
            flag = ~flag
        cf, sf = float(flag[y].mean()), float(flag[~y].mean())
    else:
        cf = sf = np.nan
    reasons = []
    if np.isfinite(best) and best >= AUC_LIMIT:
        reasons.append("auc")
    if np.isfinite(cf) and cf >= FLAGGED_LIMIT and sf <= FALSE_ALARM_LIMIT:
        reasons.append("flagged")
    if np.isfinite(after) and after >= AFTER_CHURN_LIMIT:
        reasons.append("after_churn")
    return {"kind": kind, "n": n, "auc": a, "auc_best": best, "churners_flagged": cf, "stayers_flagged": sf,
            "after_churn": after, "leakage": bool(reasons), "reason": ",".join(reasons)}


def separation_table(frame: pd.DataFrame, churned: Sequence[bool] | pd.Series,
                     columns: Mapping[str, str] | Sequence[str] | None = None,
                     end_date: pd.Series | None = None) -> pd.DataFrame:
    """How well each column alone separates churners from stayers, and which are probable leakage.

    Parameters
    ----------
    frame : DataFrame
        One row per customer.
    churned : bool array
        The churn flag of each row.
    columns : mapping or list, optional
        Columns to measure (name shown -> column of ``frame``); default every column but ``_row``.
    end_date : Series of datetime, optional
        The churn date of each row, to spot columns recorded on or after it.

    Returns
    -------
    DataFrame with columns
        column, source : name shown and the column measured
        kind : number, date or category
        n : rows
        auc : AUC with higher values (or categories with a higher churn share) as "churnier"
        auc_best : max(auc, 1 - auc)
        churners_flagged, stayers_flagged : two-valued columns: shares holding the churners' value
        after_churn : dates: share of churners whose date is on or after their churn date
        leakage : probable leakage
        reason : which limits were reached (auc, flagged, after_churn)
    """
    y = np.asarray(churned, bool)
    if columns is None:
        columns = [c for c in frame.columns if c != "_row"]
    names = dict(columns) if isinstance(columns, Mapping) else {c: c for c in columns}
    rows = []
    if y.sum() < 10 or (~y).sum() < 10:  # too few of either to judge a column
        return pd.DataFrame(columns=SEPARATION_COLUMNS)
    end = None if end_date is None else pd.Series(pd.to_datetime(end_date), index=frame.index)
    for name, src in names.items():
        if src not in frame:
            continue
        fig = _one(frame[src].reset_index(drop=True), y, None if end is None else end.reset_index(drop=True))
        if fig is not None:
            rows.append({"column": name, "source": src, **fig})
    return pd.DataFrame(rows, columns=SEPARATION_COLUMNS)


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def leak_message(row: Mapping) -> str:
    """Plain words for one probable leak: what, the figure, why it cannot be a predictor."""
    what = f"{row['column']!r}" + (f" (column {row['source']!r})" if row["source"] != row["column"] else "")
    figures = []
    if np.isfinite(row["churners_flagged"]):
        figures.append(f"it marks {_pct(row['churners_flagged'])} of churners and "
                       f"{_pct(row['stayers_flagged'])} of stayers")
    if np.isfinite(row["auc_best"]):
        figures.append(f"on its own it tells churners from stayers with an AUC of {row['auc_best']:.2f} "
                       "(1.00 = perfect, 0.50 = a coin flip)")
    if row["kind"] == "metric" and not (np.isfinite(row["after_churn"]) and row["after_churn"] >= AFTER_CHURN_LIMIT):
        return (f"probable leakage: the answers to {what}: {'; '.join(figures)}. No survey answer predicts churn "
                "this well: such answers were most likely given after the customer had decided to leave (in an "
                "exit survey, or filled in from the churn record), so they describe who left rather than predict "
                "it. Read its churn figures as a description, not a prediction, and keep it out of models of "
                "other scores.")
    if np.isfinite(row["after_churn"]) and row["after_churn"] >= AFTER_CHURN_LIMIT:
        figures.append(f"for {_pct(row['after_churn'])} of churners it is dated on or after the day they left")
        why = "A value recorded at or after the churn date cannot have predicted it"
    else:
        why = ("No real predictor is this close to the outcome: a column like this is most likely recorded "
               "because the customer left (an exit complaint, a cancellation fee, a churn reason or score) "
               "or copied from the churn flag, so it cannot predict churn")
    return (f"probable leakage: {what}: {'; '.join(figures)}. {why}. It is kept out of churn models by default; "
            "remove it from the spec (or from the study's controls) unless you know it was recorded before "
            "the customer left.")
