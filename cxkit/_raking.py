"""Raking (iterative proportional fitting) of weights to known population margins.

``cx.rake(data, targets)`` (:mod:`cxkit.stats.raking`) adjusts weights so that the weighted shares (or totals) of each target
variable equal the given margins, as R's ``survey::rake`` does. Raking needs only the margins, so
it works on the cells of the cross-classification of the target variables: the data is counted
once (in its own engine: pandas, DuckDB, Parquet/CSV, PySpark, through
:func:`cxkit.stats.engines.count_rows`), the cells are raked (a handful of numbers, however many
rows), and each row's weight is its base weight times its cell's factor. That is what makes it
scale to 10M rows.

Why our own IPF rather than a library (compared in issue 16): ``weightipy`` 0.4.2 matches R on
``apistrat`` (2.4e-12) but rakes row by row, always starts from unit weights (no base/design
weight), stops when the improvement stalls rather than at a tolerance, prints instead of raising
on non-convergence and silently turns zero targets into 1e-8 and zero weights into 1; ``svy``
pulls in polars 2 and a compiled extension for the same forty lines. The IPF below is the
textbook one (Deming and Stephan 1940; Lumley, *Complex Surveys*, 2010, sec. 7.2), checked
against ``survey::rake`` in ``tests/test_raking.py``.

Trimming (``trim=(lower, upper)``) bounds each answer's raking factor, relative to its mean
(without a base weight: the weight relative to the mean weight, the usual ``(0.2, 5)`` bounds),
and re-rakes within the bounds (bounded raking, as ``anesrake`` and ``weightipy``'s cap do;
``survey::trimWeights`` redistributes once without re-raking). Margins and bounds must both hold
within ``tol``, otherwise the targets cannot be met within the bounds and an error says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd

from ._checks import check_columns
from ._results import Result
from .errors import DataError, DegenerateDataError, ParameterError, format_rows

__all__ = ["rake_frame", "RakeResult", "weight_diagnostics"]

#: How far a margin of shares may be from 1 (or margins of counts from their common total), relatively.
_SUM_TOL = 1e-6


def weight_diagnostics(weights: np.ndarray | pd.Series) -> dict[str, float]:
    """Kish's summaries of a set of weights: n, n_eff, efficiency, design effect, largest ratio.

    ``n_eff = (sum w)^2 / sum w^2``, weighting efficiency ``n_eff / n`` and the design effect
    due to weighting ``n / n_eff = 1 + CV^2`` (CV with denominator n; Kish 1965, sec. 11.7).
    """
    w = np.asarray(weights, dtype=float)
    return _diagnostics(float(len(w)), float(w.sum()), float((w * w).sum()),
                        float(w.max()) if len(w) else float("nan"), float(w.min()) if len(w) else float("nan"))


def _diagnostics(n: float, sw: float, sw2: float, wmax: float, wmin: float) -> dict[str, float]:
    n_eff = sw * sw / sw2 if sw2 > 0 else 0.0
    mean = sw / n if n else float("nan")
    return {"n": n, "sum_weights": sw, "n_eff": n_eff, "efficiency": n_eff / n if n else float("nan"),
            "deff": n / n_eff if n_eff else float("inf"), "max_weight": wmax, "min_weight": wmin,
            "max_ratio": wmax / mean if mean else float("nan")}


@dataclass(repr=False)
class RakeResult(Result):
    """Weights raked to population margins, with the weighting report.

    Attributes
    ----------
    weights : pandas.Series or None
        One weight per row of ``data``, aligned to its index (pandas data); for a count table
        (``count=``), each cell's raked total (what a count table's weight column holds). None
        when ``data`` is a DuckDB/Spark table or a path: join :attr:`cells` (``factor``) instead.
    cells : DataFrame
        One row per cell of the target variables: the levels, ``n`` (answers), ``base`` (sum of
        base weights), ``factor`` (raking factor of every answer in the cell) and ``weighted``
        (sum of raked weights).
    margins : DataFrame
        Per variable and level: ``n``, unweighted share, target share, weighted share (and
        ``target``/``weighted_total`` in the targets' units).
    converged, iterations : bool, int
        Whether the margins (and trimming bounds) hold within ``tol``, and the sweeps it took.
    n, n_eff, efficiency, deff : float
        Answers, Kish's effective sample size, weighting efficiency ``n_eff / n`` and the design
        effect due to weighting ``n / n_eff = 1 + CV^2``.
    max_weight, min_weight, max_ratio : float
        Largest and smallest weight of one answer, and the largest relative to the mean weight.
    """

    weights: pd.Series | None
    cells: pd.DataFrame
    margins: pd.DataFrame
    converged: bool
    iterations: int
    n: float
    n_eff: float
    efficiency: float
    deff: float
    max_weight: float
    min_weight: float
    max_ratio: float
    total: float
    trim: tuple[float, float] | None = None
    trimmed_cells: int = 0
    notes: tuple[str, ...] = field(default=())

    title = "Raking"

    @property
    def largest(self) -> pd.DataFrame:
        """The cells whose answers carry the largest weights (at most 5), largest first.

        Cells, not rows, so no customer ids; ``weight`` is the weight of one answer (the
        cell's mean when base weights vary within it).
        """
        c = self.cells.assign(weight=self.cells["weighted"] / self.cells["n"])
        return c.sort_values("weight", ascending=False).head(5).reset_index(drop=True)

    def summary(self) -> pd.DataFrame:
        """The margins table: per variable and level, unweighted, target and weighted shares."""
        return self.margins

    def diagnostics(self) -> pd.DataFrame:
        """The weighting report as a two-column table (statistic, value)."""
        rows = [("converged", self.converged), ("iterations", self.iterations), ("n", self.n),
                ("n_eff", self.n_eff), ("efficiency", self.efficiency), ("deff", self.deff),
                ("max_weight", self.max_weight), ("min_weight", self.min_weight),
                ("max_ratio", self.max_ratio), ("trimmed_cells", self.trimmed_cells)]
        return pd.DataFrame(rows, columns=["statistic", "value"])

    def headline(self) -> str:
        # Only converged results exist (non-convergence raises); the template is in report/i18n (nl).
        nvars = self.margins["variable"].nunique() if len(self.margins) else 0
        return (f"Raked to {nvars} margins in {self.iterations} iterations: weighting efficiency "
                f"{100 * self.efficiency:.1f} %, design effect {self.deff:.2f}, n_eff {self.n_eff:.0f} of "
                f"{self.n:.0f}; largest weight {self.max_ratio:.2f} x the mean")


def _check_targets(targets: object) -> dict[str, dict[Any, float]]:
    if not isinstance(targets, Mapping) or not targets:
        raise ParameterError("`targets` must be a non-empty dict {column: {level: share or count}}; "
                             f"got {targets!r}.")
    out: dict[str, dict[Any, float]] = {}
    for col, margin in targets.items():
        if not isinstance(col, str):
            raise ParameterError(f"`targets` keys must be column names; got {col!r}.")
        if not isinstance(margin, Mapping) or not margin:
            raise ParameterError(f"`targets[{col!r}]` must be a non-empty dict {{level: share or count}}; "
                                 f"got {margin!r}.")
        values = {}
        for level, v in margin.items():
            if isinstance(v, bool) or not isinstance(v, Real) or not np.isfinite(float(v)) or float(v) < 0:
                raise ParameterError(f"`targets[{col!r}][{level!r}]` must be a share or count >= 0; got {v!r}.")
            values[level] = float(v)
        out[col] = values
    return out


def _target_total(targets: dict[str, dict[Any, float]]) -> float | None:
    """None when the margins are shares (each sums to 1), else the common total of the counts."""
    sums = {col: sum(m.values()) for col, m in targets.items()}
    if all(v <= 1 for m in targets.values() for v in m.values()):
        bad = {c: s for c, s in sums.items() if abs(s - 1) > _SUM_TOL}
        if bad:
            raise ParameterError("`targets`: shares must sum to 1 for each variable; "
                                 + "; ".join(f"{c!r} sums to {s:.6g}" for c, s in bad.items())
                                 + ". Give counts (summing to one common total) or shares (summing to 1).")
        return None
    first = next(iter(sums.values()))
    if any(abs(s - first) > _SUM_TOL * max(first, 1) for s in sums.values()) or first <= 0:
        raise ParameterError("`targets`: margins given as counts must sum to one common total; got "
                             + ", ".join(f"{c!r} {s:.10g}" for c, s in sums.items()) + ".")
    return first


def _level_key(value: object) -> object:
    # YAML gives 1 where the data says "1" (or the reverse): levels match by their text.
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _count_cells(data: object, cols: list[str], weight: str | None, count: str | None,
                 source: str, cells: pd.DataFrame | None) -> tuple[pd.DataFrame, np.ndarray | None, bool]:
    """Cells (cols, n, w, w2) and, for pandas rows, each row's cell number (``cells``: counted elsewhere)."""
    if cells is None and isinstance(data, pd.DataFrame):
        check_columns(data, cols + [c for c in (weight, count) if c], argument="targets/weight/count",
                      source=source)
        missing = data[cols].isna().any(axis=1).to_numpy()
        if missing.any():
            raise DataError(f"{source}: {format_rows(np.flatnonzero(missing) + 1)} have no value in "
                            f"{[c for c in cols if data[c].isna().any()]}; raking needs every row's "
                            "level of every target variable (fill or drop them first).")
        if weight is not None:
            w = pd.to_numeric(data[weight], errors="coerce").to_numpy(dtype=float)
            bad = ~np.isfinite(w) | (w < 0)
            if bad.any():
                raise DataError(f"{source}: weight column {weight!r} must hold numbers >= 0; "
                                f"{format_rows(np.flatnonzero(bad) + 1)} do not.")
        else:
            w = None
        if count is not None:
            n = pd.to_numeric(data[count], errors="coerce").to_numpy(dtype=float)
            bad = ~np.isfinite(n) | (n < 0)
            if bad.any():
                raise DataError(f"{source}: count column {count!r} must hold numbers >= 0; "
                                f"{format_rows(np.flatnonzero(bad) + 1)} do not.")
            if w is None:
                w = n
            # A count table's cells hold answers with one weight each (w / n): sum w^2 = w^2 / n.
            with np.errstate(divide="ignore", invalid="ignore"):
                w2 = np.where(n > 0, w * w / n, 0.0)
        else:
            n = np.ones(len(data))
            if w is None:
                w = n
            w2 = w * w
        # One integer per row and cell (factorising each column once keeps 10M rows fast).
        codes = np.zeros(len(data), dtype=np.int64)
        uniques = []
        for col in cols:
            c, u = pd.factorize(data[col], sort=False)
            codes = codes * len(u) + c
            uniques.append(u)
        cell, first = np.unique(codes, return_index=True) if len(data) < 2_000_000 else (None, None)
        if cell is None:  # hashing is faster than sorting for many rows
            cell_codes, cell_vals = pd.factorize(codes, sort=False)
        else:
            cell_codes = np.searchsorted(cell, codes)
            cell_vals = cell
        k = len(cell_vals)
        cells = {}
        rest = np.asarray(cell_vals, dtype=np.int64)
        for col, u in zip(reversed(cols), reversed(uniques), strict=True):
            cells[col] = np.asarray(u, dtype=object)[rest % len(u)]
            rest = rest // len(u)
        table = pd.DataFrame({c: cells[c] for c in cols})
        table["n"] = np.bincount(cell_codes, weights=n, minlength=k)
        table["w"] = np.bincount(cell_codes, weights=w, minlength=k)
        table["w2"] = np.bincount(cell_codes, weights=w2, minlength=k)
        return table, cell_codes, True
    if count is not None:
        raise ParameterError("`count` (a count table) needs `data` as a pandas DataFrame; "
                             f"got {type(data).__name__}.")
    if cells is None:
        raise ParameterError(f"`data` must be a pandas DataFrame; got {type(data).__name__}.")
    for col in ("w", "w2"):
        if col not in cells:
            cells[col] = cells["n"].astype(float)
    return cells[cols + ["n", "w", "w2"]].reset_index(drop=True), None, False


def rake_frame(data: object, targets: Mapping[str, Mapping[Any, float]], *, weight: str | None = None,
               trim: Sequence[float] | None = None, max_iter: int = 100, tol: float = 1e-10,
               count: str | None = None, source: str = "data", cells: pd.DataFrame | None = None) -> RakeResult:
    """Rake pandas data or an already counted cell table (``cells``: cols, n, w, w2); see :func:`cxkit.rake`.

    Lives at the top level so the dataset loader (``data``, which may not import ``stats``) rakes
    with the same code as ``cx.rake``.
    """
    tgt = _check_targets(targets)
    if isinstance(max_iter, bool) or not isinstance(max_iter, int) or max_iter < 1:
        raise ParameterError(f"`max_iter` must be a positive integer; got {max_iter!r}.")
    if isinstance(tol, bool) or not isinstance(tol, Real) or not 0 < tol < 1:
        raise ParameterError(f"`tol` must be a number between 0 and 1; got {tol!r}.")
    bounds = None
    if trim is not None:
        ok = (isinstance(trim, Sequence) and not isinstance(trim, str) and len(trim) == 2
              and all(isinstance(b, Real) and not isinstance(b, bool) for b in trim))
        if not ok or not 0 <= trim[0] < 1 < trim[1]:
            raise ParameterError(f"`trim` must be (lower, upper) with 0 <= lower < 1 < upper "
                                 f"(bounds relative to the mean factor); got {trim!r}.")
        bounds = (float(trim[0]), float(trim[1]))
    total_target = _target_total(tgt)
    cols = list(tgt)
    cells, row_cell, is_pandas = _count_cells(data, cols, weight, count, source, cells)
    n_arr = cells["n"].to_numpy(dtype=float)
    base = cells["w"].to_numpy(dtype=float)
    base2 = cells["w2"].to_numpy(dtype=float)

    # Map each variable's data levels onto its targets' levels, both ways.
    level_idx = []
    for col in cols:
        want = {_level_key(k): k for k in tgt[col]}
        have = pd.Series(cells[col].map(_level_key))
        extra = sorted(set(have) - set(want))
        if extra:
            raise DataError(f"{source}: column {col!r} has level(s) {extra} without a target; targets "
                            f"given for {list(tgt[col])}. Add them to `targets[{col!r}]` (or drop their rows).")
        absent = [want[k] for k in want if k not in set(have)]
        if absent:
            raise DataError(f"{source}: target level(s) {absent} of {col!r} do not occur in the data "
                            f"(levels present: {sorted(set(have))}); raking cannot give weight to "
                            "answers that are not there. Merge or drop those levels.")
        keys = list(want)
        level_idx.append((col, keys, [want[k] for k in keys], have.map({k: i for i, k in enumerate(keys)})
                          .to_numpy(dtype=np.int64)))

    total_base = float(base.sum())
    if total_base <= 0:
        raise DataError(f"{source}: the base weights sum to 0; nothing to rake.")
    total = total_base if total_target is None else total_target
    target_arrays = []
    for col, keys, labels, idx in level_idx:
        t = np.array([tgt[col][lab] for lab in labels]) * (total if total_target is None else 1.0)
        have_base = np.bincount(idx, weights=base, minlength=len(keys))
        have_n = np.bincount(idx, weights=n_arr, minlength=len(keys))
        zero_cell = (have_base <= 0) & (t > 0)
        if zero_cell.any():
            raise DataError(f"{source}: level(s) {[labels[i] for i in np.flatnonzero(zero_cell)]} of {col!r} "
                            "have answers whose base weights sum to 0 (a zero cell), so no factor can "
                            "reach their targets.")
        zero_target = (t <= 0) & (have_n > 0)
        if zero_target.any():
            bad = [f"{labels[i]!r} ({have_n[i]:.0f} answers)" for i in np.flatnonzero(zero_target)]
            raise ParameterError(f"`targets[{col!r}]` gives 0 to level(s) {', '.join(bad)}; that would "
                                 "weight those answers 0. Drop their rows instead, or give a positive target.")
        target_arrays.append(t)

    # Bounded IPF on cells: g is the factor of every answer in a cell.
    g = np.ones(len(cells))
    mean_g = total / total_base  # the factors' base-weighted mean once the margins hold
    lo, hi = (bounds[0] * mean_g, bounds[1] * mean_g) if bounds else (0.0, np.inf)
    converged, iterations, worst = False, 0, np.inf
    for iterations in range(1, max_iter + 1):  # noqa: B007 - the count is reported
        for (_, keys, _, idx), t in zip(level_idx, target_arrays, strict=True):
            cur = np.bincount(idx, weights=base * g, minlength=len(keys))
            g = g * (t / cur)[idx]
        if bounds:
            g = np.clip(g, lo, hi)
        worst = max(float(np.max(np.abs(np.bincount(idx, weights=base * g, minlength=len(keys)) - t)))
                    for (_, keys, _, idx), t in zip(level_idx, target_arrays, strict=True)) / total
        if worst < tol:
            converged = True
            break
    if not converged:
        errs = []
        for (col, keys, labels, idx), t in zip(level_idx, target_arrays, strict=True):
            cur = np.bincount(idx, weights=base * g, minlength=len(keys))
            i = int(np.argmax(np.abs(cur - t)))
            errs.append((abs(cur[i] - t[i]), col, labels[i], cur[i] / total, t[i] / total))
        _, col, lab, got, want = max(errs, key=lambda e: e[0])
        why = (f" within the trimming bounds {bounds}" if bounds else "")
        raise DegenerateDataError(
            f"{source}: raking did not converge{why} in {max_iter} iterations (max_iter): the weighted share "
            f"of {col!r} = {lab!r} is {got:.6f}, target {want:.6f} (largest gap {worst:.2e} of the total, "
            f"tol {tol:g}). The targets may be impossible together for these data (a combination of levels "
            "the targets need is empty)" + (", or the bounds too tight; widen `trim`" if bounds else
                                              "; check the targets or raise `max_iter`") + ".")

    weighted = base * g
    cells = cells[cols].copy()
    cells["n"] = n_arr
    cells["base"] = base
    cells["factor"] = g
    cells["weighted"] = weighted
    # Per answer: the cell's answers share its base weights, so sum w^2 = g^2 * sum base^2.
    answers = n_arr > 0
    per_answer = np.where(answers, weighted / np.where(answers, n_arr, 1), np.nan)
    if row_cell is not None and count is None and weight is not None:
        w_rows = pd.to_numeric(data[weight]).to_numpy(dtype=float) * g[row_cell]  # type: ignore[index]
        wmax, wmin = float(w_rows.max()), float(w_rows.min())
    else:
        w_rows = None
        wmax, wmin = float(np.nanmax(per_answer)), float(np.nanmin(per_answer))
    diag = _diagnostics(float(n_arr.sum()), float(weighted.sum()), float((g * g * base2).sum()), wmax, wmin)

    if is_pandas:
        if count is not None:
            values = weighted[row_cell]
        elif w_rows is not None:
            values = w_rows
        else:
            values = g[row_cell]
        weights = pd.Series(values, index=data.index, name="weight")  # type: ignore[union-attr]
    else:
        weights = None

    rows = []
    n_total = float(n_arr.sum())
    for (col, keys, labels, idx), t in zip(level_idx, target_arrays, strict=True):
        nn = np.bincount(idx, weights=n_arr, minlength=len(keys))
        ww = np.bincount(idx, weights=weighted, minlength=len(keys))
        for i, lab in enumerate(labels):
            rows.append({"variable": col, "level": lab, "n": nn[i], "share_unweighted": nn[i] / n_total,
                         "share_target": t[i] / total, "share_weighted": ww[i] / total,
                         "target": t[i], "weighted_total": ww[i]})
    margins = pd.DataFrame(rows)
    trimmed = int(((g <= lo * (1 + 1e-9)) | (g >= hi * (1 - 1e-9))).sum()) if bounds else 0
    notes = []
    if trimmed:
        notes.append(f"{trimmed} cells were held at the trimming bounds {bounds} (relative to the mean factor).")
    if diag["efficiency"] < 0.5:
        notes.append("Weighting efficiency is below 50 %: the weighted figures rest on fewer than half the "
                     "answers' worth of information; consider coarser targets or trimming.")
    return RakeResult(weights=weights, cells=cells, margins=margins, converged=converged, iterations=iterations,
                      n=diag["n"], n_eff=diag["n_eff"], efficiency=diag["efficiency"], deff=diag["deff"],
                      max_weight=diag["max_weight"], min_weight=diag["min_weight"],
                      max_ratio=diag["max_ratio"], total=total, trim=bounds, trimmed_cells=trimmed,
                      notes=tuple(notes))
