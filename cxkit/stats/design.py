"""Design matrices and the separation check shared by every regression in cxkit.

One rule each, used by :func:`cxkit.logit`, :func:`cxkit.grouped_logit` and :func:`cxkit.cox`:

* **Rows or cells.** :func:`design` takes one row per unit, or one row per covariate
  pattern with ``weights`` (how many units the row stands for); the matrix is the same.
* **Categorical terms** are treatment-coded: one 0/1 column per level except the reference.
  A term is categorical when listed in ``categorical`` or not numeric (nor boolean).
* **Reference level**: the level given in ``reference``, else **the most frequent level**
  (counting units, so rows weighted by ``weights``), so ratios compare with the typical
  customer; **ties go to the first level in sorted order** (the category order of a pandas
  ``Categorical``, otherwise the natural order of the values: numbers numerically, text
  alphabetically).
* **Dummy names**: ``term[level]``, e.g. ``plan[pro]``; levels print as text, and whole
  numbers stored as floats print as ``3``, not ``3.0``. The intercept is ``Intercept``.
* **Separation** (exact or quasi-complete): :func:`check_separation`, the linear program
  of Konis (2007), as in R's ``detectseparation``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize

from ..errors import ParameterError

__all__ = ["INTERCEPT", "design", "reference_level", "level_labels", "check_separation", "Separation"]

INTERCEPT = "Intercept"


def level_labels(col: pd.Series) -> pd.Series:
    """Category labels as strings; whole numbers stored as floats print as ``3``, not ``3.0``."""
    if pd.api.types.is_float_dtype(col) and (col.dropna() % 1 == 0).all():
        return col.astype("Int64").astype(str)
    return col.astype(str)


def _sorted_levels(col: pd.Series) -> list[str]:
    """Labels of the levels present in ``col``, in sorted order (category order for Categoricals)."""
    present = col.dropna()
    if isinstance(col.dtype, pd.CategoricalDtype):
        used = set(present.astype(str))
        return [c for c in pd.Series(col.cat.categories).astype(str) if c in used]
    values = pd.unique(present)
    try:
        values = sorted(values)
    except TypeError:  # mixed types: group by type, then value
        values = sorted(values, key=lambda v: (type(v).__name__, str(v)))
    return list(dict.fromkeys(level_labels(pd.Series(values, dtype=present.dtype)).tolist()))


def reference_level(col: pd.Series, weights: np.ndarray | None = None) -> tuple[str, list[str]]:
    """The default reference level of ``col`` and all its levels in sorted order.

    The reference is the most frequent level (rows weighted by ``weights``); ties go to the
    first level in sorted order.
    """
    order = _sorted_levels(col)
    w = np.ones(len(col)) if weights is None else np.asarray(weights, float)
    counts = pd.Series(w, index=col.index).groupby(level_labels(col).to_numpy()).sum().reindex(order)
    # idxmax returns the first maximum in index (= sorted) order: the tie rule.
    return (str(counts.idxmax()) if len(counts) else ""), order


def design(frame: pd.DataFrame, terms: Sequence[str], *, categorical: Sequence[str] = (),
           reference: Mapping[str, object] | None = None, levels: Mapping[str, list] | None = None,
           weights: np.ndarray | None = None) -> tuple[pd.DataFrame, dict[str, list]]:
    """Numeric design matrix with an intercept and treatment-coded categorical terms.

    Parameters
    ----------
    frame : DataFrame
        One row per unit, or per covariate pattern (then pass ``weights``).
    terms : list of str
        Columns, in model order. Numeric ones enter linearly.
    categorical : list of str
        Terms coded as levels even when numeric (non-numeric terms always are).
    reference : dict, optional
        Reference level per categorical term; default the most frequent (see the module docstring).
    levels : dict, optional
        ``levels`` returned by an earlier call: rebuilds the same columns for new data.
    weights : array, optional
        Units per row, used only to find the most frequent level.

    Returns
    -------
    X : DataFrame
        ``Intercept``, then per term its column or its dummies ``term[level]``.
    levels : dict
        Per categorical term its levels, reference first.
    """
    reference = dict(reference or {})
    out = {INTERCEPT: np.ones(len(frame))}
    used_levels: dict[str, list] = {}
    for t in terms:
        col = frame[t]
        is_cat = t in categorical or not (pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col))
        if not is_cat:
            out[t] = col.to_numpy(float)
            continue
        if levels is not None and t in levels:
            lv = list(levels[t])
        else:
            ref, order = reference_level(col, weights)
            if t in reference:
                ref = str(reference[t])
                if ref not in order:
                    raise ParameterError(f"`reference` level {ref!r} of {t!r} does not occur; levels: "
                                         f"{order[:20]}.")
            lv = [ref] + [x for x in order if x != ref]
        used_levels[t] = lv
        s = level_labels(col)
        for level in lv[1:]:
            out[f"{t}[{level}]"] = (s == level).to_numpy(float)
    return pd.DataFrame(out, index=frame.index), used_levels


@dataclass(frozen=True)
class Separation:
    """Result of the separation check."""

    kind: str               # "none", "complete", "quasi-complete" or "unchecked"
    columns: tuple[str, ...]  # design columns whose ML estimate is infinite

    @property
    def separated(self) -> bool:
        return self.kind in ("complete", "quasi-complete")


def check_separation(X: pd.DataFrame, y: np.ndarray, tol: float = 1e-7, max_rows: int | None = None) -> Separation:
    """Detect (quasi-)complete separation with Konis' (2007) linear program.

    Maximises ``sum s_i x_i b`` subject to ``s_i x_i b >= 0`` and ``-1 <= b <= 1``
    with ``s = 2y - 1``. A positive optimum means a direction ``b`` along which
    the likelihood keeps increasing: the ML estimate does not exist. Columns
    with non-zero ``b`` are the ones whose estimates run off to infinity.

    Cell counts are checked as rows: a cell with events gives a row with ``y = 1``,
    a cell with non-events one with ``y = 0`` (only distinct rows matter).

    With more than ``max_rows`` distinct rows the (slow) program is skipped
    and ``kind`` is ``"unchecked"``; :func:`cxkit.logit` then fits first and runs it
    only if the fit shows the signs of separation.
    """
    y = np.asarray(y, dtype=float)
    Xv = X.to_numpy(float)
    # Only distinct (x, y) rows matter, and standardising keeps the LP well scaled.
    u = np.unique(np.column_stack([Xv, y]), axis=0)
    if max_rows is not None and len(u) > max_rows:
        return Separation("unchecked", ())
    Xu, yu = u[:, :-1], u[:, -1]
    sd = Xu.std(axis=0)
    scale = np.where(sd > 0, sd, 1.0)
    Z = Xu / scale
    s = 2 * yu - 1
    A = s[:, None] * Z
    res = optimize.linprog(-A.sum(axis=0), A_ub=-A, b_ub=np.zeros(len(A)), bounds=[(-1, 1)] * Z.shape[1],
                           method="highs")
    if res.status != 0 or -res.fun <= tol * len(A):
        return Separation("none", ())
    b = res.x
    margin = A @ b
    cols = tuple(c for c, v in zip(X.columns, b, strict=True) if abs(v) > 1e-6 and c != INTERCEPT)
    if not cols:
        cols = tuple(c for c, v in zip(X.columns, b, strict=True) if abs(v) > 1e-6)
    kind = "complete" if np.all(margin > 1e-9) else "quasi-complete"
    if kind == "quasi-complete":
        # The first program may land on a boundary; ask directly for a strictly separating direction.
        k = Z.shape[1]
        res2 = optimize.linprog(np.r_[np.zeros(k), -1.0], A_ub=np.column_stack([-A, np.ones(len(A))]),
                                b_ub=np.zeros(len(A)), bounds=[(-1, 1)] * k + [(0, 1)], method="highs")
        if res2.status == 0 and -res2.fun > 1e-9:
            kind = "complete"
    return Separation(kind, cols)
