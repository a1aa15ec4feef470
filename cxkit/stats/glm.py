"""Logistic regression on cell counts: one row per covariate pattern, not per customer.

With categorical predictors (segment, plan, NPS group) and whole-number scores,
millions of rows share a few hundred covariate patterns. A binomial GLM fitted
to the events and non-events of each pattern has the same likelihood, up to a
constant, as the logistic regression on the rows, so the coefficients and
standard errors are identical (statsmodels ``GLM`` with a two-column
``[events, non-events]`` outcome). The counting runs where the data lives
(:mod:`cxkit.engines`: pandas, DuckDB, files, PySpark); the fit takes milliseconds.

Separation (a level or score range in which everyone, or no one, has the
outcome) means the maximum-likelihood estimates do not exist. It is detected
before fitting with the linear program of Konis (2007), as in the R package
``detectseparation``, and reported in plain words instead of fitting huge,
meaningless coefficients.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from scipy.optimize import linprog

from .._checks import as_list
from ..errors import DataError, DegenerateDataError, ParameterError
from .engines import count_rows, describe_values, no_rows_note

__all__ = ["GroupedLogit", "grouped_logit", "logit_from_cells", "outcome_cells", "design_matrix"]


@dataclass(frozen=True)
class GroupedLogit:
    """A logistic regression fitted on cell counts.

    Attributes
    ----------
    outcome : str
    terms : DataFrame
        One row per coefficient: ``term``, ``coef`` (log odds), ``se``, ``z``,
        ``p_value``, ``ci_low``, ``ci_high`` and ``odds_ratio``, ``or_ci_low``,
        ``or_ci_high``. Categorical terms read ``column[T.level]`` against the
        reference level.
    cells : DataFrame
        The covariate patterns with ``events``, ``n`` and the fitted ``probability``.
    n, events : int
        Rows and rows with the outcome.
    reference : dict
        Reference level of each categorical predictor.
    loglik : float
        Log-likelihood of the row-level model (comparable to a fit on the rows).
    level : float
    """

    outcome: str
    terms: pd.DataFrame
    cells: pd.DataFrame
    n: int
    events: int
    reference: Mapping[str, object] = field(default_factory=dict)
    loglik: float = float("nan")
    level: float = 0.95

    @property
    def params(self) -> pd.Series:
        return self.terms.set_index("term")["coef"]

    @property
    def bse(self) -> pd.Series:
        return self.terms.set_index("term")["se"]

    def summary(self) -> str:
        ref = ", ".join(f"{k}={v}" for k, v in self.reference.items())
        head = (f"Logistic regression of {self.outcome!r} on {len(self.cells)} cells "
                f"({self.n} rows, {self.events} with the outcome); reference: {ref or 'none'}; "
                f"log-likelihood {self.loglik:.3f}.")
        pct = round(100 * self.level)
        lines = [head, f"term: odds ratio [{pct}% CI], p"]
        for _, r in self.terms.iterrows():
            lines.append(f"  {r['term']}: {r['odds_ratio']:.3f} [{r['or_ci_low']:.3f}, {r['or_ci_high']:.3f}], "
                         f"p = {r['p_value']:.3g}")
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        return self.terms.copy()

    def _repr_html_(self) -> str:
        head = html.escape(self.summary().splitlines()[0])
        return f"<p>{head}</p>" + self.terms.to_html(index=False, float_format=lambda v: f"{v:.4g}")

    def __str__(self) -> str:
        return self.summary()


def _binary(values: pd.Series, n: pd.Series, outcome: str, source: str, engine: str) -> pd.Series:
    """Outcome values of a count table as 0/1, or a DataError naming the other values."""
    if pd.api.types.is_bool_dtype(values):
        return values.astype("int64")
    num = pd.to_numeric(values.map(lambda v: int(v) if isinstance(v, bool | np.bool_) else v), errors="coerce")
    bad = ~num.isin([0, 1])
    if bad.any():
        raise DataError(f"{source}, column {outcome!r}: the outcome must be 0/1 or True/False; found "
                        f"{describe_values(values[bad], n[bad])}. Recode it first (e.g. churned = status == 'left'). "
                        f"{no_rows_note(engine)}")
    return num.astype("int64")


def outcome_cells(data: object, outcome: str, categorical: str | Sequence[str] | None = None,
                  numeric: str | Sequence[str] | None = None, *, source: str = "data") -> pd.DataFrame:
    """Events and rows per covariate pattern, counted in the data's engine.

    Returns
    -------
    DataFrame with the predictor columns and
        events : rows with ``outcome`` = 1 (True)
        n : rows in the pattern
    Rows with a missing outcome or predictor are dropped.
    """
    categorical, numeric = as_list(categorical), as_list(numeric)
    if not categorical and not numeric:
        raise ParameterError("give at least one predictor in `categorical` or `numeric`.")
    overlap = set(categorical) & set(numeric) | {outcome} & set(categorical + numeric)
    if overlap:
        raise ParameterError(f"column(s) {sorted(overlap)} are named twice among outcome and predictors.")
    keys = [*categorical, *numeric, outcome]
    raw, engine = count_rows(data, keys, source=source)
    if raw.empty:
        raise DegenerateDataError(f"{source}: no rows with {keys} all present; nothing to fit.")
    raw[outcome] = _binary(raw[outcome], raw["n"], outcome, source, engine)
    for col in numeric:
        num = pd.to_numeric(raw[col], errors="coerce")
        bad = num.isna()
        if bad.any():
            raise DataError(f"{source}, column {col!r}: numeric predictor holds non-numbers "
                            f"{describe_values(raw.loc[bad, col], raw.loc[bad, 'n'])}. {no_rows_note(engine)}")
        raw[col] = num.astype(float)
    raw["events"] = raw["n"] * raw[outcome]
    cells = raw.groupby([*categorical, *numeric], sort=True, observed=True)[["events", "n"]].sum().reset_index()
    return cells.astype({"events": "int64", "n": "int64"})


def design_matrix(cells: pd.DataFrame, categorical: Sequence[str], numeric: Sequence[str],
                  reference: Mapping[str, object] | None = None) -> tuple[pd.DataFrame, dict]:
    """Intercept, treatment-coded dummies (``col[T.level]``) and numeric columns, one row per cell."""
    reference = dict(reference or {})
    unknown = set(reference) - set(categorical)
    if unknown:
        raise ParameterError(f"`reference` names {sorted(unknown)}, which are not categorical predictors "
                             f"({list(categorical)}).")
    cols = {"Intercept": np.ones(len(cells))}
    used = {}
    for c in categorical:
        levels = sorted(cells[c].unique(), key=lambda v: (str(type(v)), v))
        ref = reference.get(c, levels[0])
        if ref not in levels:
            raise ParameterError(f"`reference` level {ref!r} of {c!r} does not occur; levels: {levels[:20]}.")
        used[c] = ref
        for lev in levels:
            if lev != ref:
                cols[f"{c}[T.{lev}]"] = (cells[c] == lev).to_numpy(float)
    for c in numeric:
        cols[c] = cells[c].to_numpy(float)
    return pd.DataFrame(cols, index=cells.index), used


def _separation(X: np.ndarray, events: np.ndarray, nonevents: np.ndarray) -> np.ndarray | None:
    """Konis (2007) linear program: a direction b with X b >= 0 where events occur and
    X b <= 0 where non-events occur, not identically zero, exists iff the data are
    (quasi-)completely separated. Returns b (scaled to max |b| = 1) or None."""
    A = np.vstack([X[events > 0], -X[nonevents > 0]])
    scale = np.maximum(np.abs(A).max(axis=0), 1e-300)
    As = A / scale  # columns on a common scale for a stable tolerance
    res = linprog(-As.sum(axis=0), A_ub=-As, b_ub=np.zeros(len(As)), bounds=[(-1, 1)] * X.shape[1],
                  method="highs")
    if res.status != 0 or -res.fun < 1e-7 * len(As):
        return None
    b = res.x / scale
    return b / np.abs(b).max()


def _separation_message(cells, categorical, numeric, names, direction, outcome, source):
    involved = [t for t, v in zip(names, direction, strict=True) if abs(v) > 1e-6 and t != "Intercept"]
    causes = []
    for c in categorical:
        per = cells.groupby(c, observed=True)[["events", "n"]].sum()
        for lev, r in per.iterrows():
            if r["events"] == 0 or r["events"] == r["n"]:
                what = "none" if r["events"] == 0 else "all"
                causes.append(f"{c}={lev}: {what} of its {int(r['n'])} rows have the outcome")
    for c in numeric:
        if c not in involved:
            continue
        with_ev = cells.loc[cells["events"] > 0, c]
        without = cells.loc[cells["n"] > cells["events"], c]
        if with_ev.max() <= without.min() or without.max() <= with_ev.min():
            causes.append(f"rows with the outcome have {c} in {with_ev.min():g}..{with_ev.max():g}, "
                          f"rows without it {without.min():g}..{without.max():g}")
    detail = "; ".join(causes[:5]) if causes else (
        f"a combination of {involved or names} predicts it exactly")
    return (f"{source}: {outcome!r} is perfectly predicted (separation): {detail}. The maximum-likelihood "
            "estimates do not exist (coefficients run off to infinity), so no model is fitted. Merge sparse "
            "levels, drop the predictor, or use a penalised (Firth) model.")


def logit_from_cells(cells: pd.DataFrame, outcome: str = "outcome", categorical: str | Sequence[str] | None = None,
                     numeric: str | Sequence[str] | None = None, *, events: str = "events", n: str = "n",
                     reference: Mapping[str, object] | None = None, level: float = 0.95,
                     source: str = "data") -> GroupedLogit:
    """Fit the logistic regression on a cell table (see :func:`grouped_logit`)."""
    categorical, numeric = as_list(categorical), as_list(numeric)
    if not 0 < level < 1:
        raise ParameterError(f"`level` must be strictly between 0 and 1; got {level!r}.")
    missing = [c for c in [*categorical, *numeric, events, n] if c not in cells.columns]
    if missing:
        raise ParameterError(f"cell table lacks column(s) {missing}; has {list(cells.columns)}.")
    cells = cells[cells[n] > 0].reset_index(drop=True)
    ev = cells[events].to_numpy(float)
    tot = cells[n].to_numpy(float)
    if ev.sum() == 0 or ev.sum() == tot.sum():
        raise DegenerateDataError(f"{source}: {'no' if ev.sum() == 0 else 'every'} row has the outcome "
                                  f"{outcome!r} ({int(tot.sum())} rows); there is nothing to model.")
    Xf, used = design_matrix(cells, categorical, numeric, reference)
    X = Xf.to_numpy()
    rank = np.linalg.matrix_rank(X)
    if rank < X.shape[1]:
        raise DegenerateDataError(
            f"{source}: the predictors are collinear (design rank {rank} < {X.shape[1]} terms: "
            f"{list(Xf.columns)}); a level always occurs with another or a numeric predictor is constant. "
            "Drop or merge predictors.")
    direction = _separation(X, ev, tot - ev)
    if direction is not None:
        raise DegenerateDataError(_separation_message(
            cells.assign(events=ev, n=tot), categorical, numeric, list(Xf.columns), direction, outcome, source))
    # Two-column endog [events, non-events]: the binomial likelihood of the cells equals the
    # Bernoulli likelihood of the rows up to a constant, so estimates and SEs are identical.
    model = sm.GLM(np.column_stack([ev, tot - ev]), Xf, family=sm.families.Binomial())
    fit = model.fit(tol=1e-12, maxiter=100)
    z = stats.norm.ppf(0.5 + level / 2)
    terms = pd.DataFrame({"term": Xf.columns, "coef": fit.params.to_numpy(), "se": fit.bse.to_numpy()})
    terms["z"] = terms["coef"] / terms["se"]
    terms["p_value"] = 2 * stats.norm.sf(np.abs(terms["z"]))
    terms["ci_low"] = terms["coef"] - z * terms["se"]
    terms["ci_high"] = terms["coef"] + z * terms["se"]
    terms["odds_ratio"] = np.exp(terms["coef"])
    terms["or_ci_low"] = np.exp(terms["ci_low"])
    terms["or_ci_high"] = np.exp(terms["ci_high"])
    prob = fit.fittedvalues.to_numpy() if hasattr(fit.fittedvalues, "to_numpy") else np.asarray(fit.fittedvalues)
    with np.errstate(divide="ignore", invalid="ignore"):
        loglik = float(np.sum(np.where(ev > 0, ev * np.log(prob), 0.0)
                              + np.where(tot - ev > 0, (tot - ev) * np.log1p(-prob), 0.0)))
    out_cells = cells[[*categorical, *numeric]].assign(events=ev.astype("int64"), n=tot.astype("int64"),
                                                       probability=prob)
    return GroupedLogit(outcome=outcome, terms=terms, cells=out_cells, n=int(tot.sum()), events=int(ev.sum()),
                        reference=used, loglik=loglik, level=float(level))


def grouped_logit(data: object, outcome: str, categorical: str | Sequence[str] | None = None,
                  numeric: str | Sequence[str] | None = None, *, reference: Mapping[str, object] | None = None,
                  level: float = 0.95, source: str = "data") -> GroupedLogit:
    """Logistic regression of a 0/1 outcome, fitted on cell counts.

    Parameters
    ----------
    data : DataFrame, DuckDB relation, PySpark DataFrame or path to a Parquet/CSV file
        One row per customer (or answer). Counted where it lives (:mod:`cxkit.engines`).
    outcome : str
        0/1 or True/False column (e.g. ``churned``).
    categorical : str or list of str
        Predictors entered as treatment-coded levels (segment, plan, NPS group...).
    numeric : str or list of str
        Predictors entered linearly (e.g. the 0..10 score). Each distinct value
        makes its own cells, so use whole-number scores, not continuous measures.
    reference : dict, optional
        Reference level per categorical predictor; default the first in sort order.
    level : float
        Confidence level of the intervals.

    Returns
    -------
    GroupedLogit
        ``.terms`` has the coefficients, standard errors, Wald tests and odds
        ratios, equal to the row-level ``statsmodels`` logistic regression.

    Raises
    ------
    DegenerateDataError
        On separation (a level or range where everyone or no one has the
        outcome), collinear predictors, or an outcome without variation.
    """
    categorical, numeric = as_list(categorical), as_list(numeric)
    cells = outcome_cells(data, outcome, categorical, numeric, source=source)
    return logit_from_cells(cells, outcome, categorical, numeric, reference=reference, level=level, source=source)
