"""Logistic regression that says when it cannot be trusted: one core for rows and cell counts.

* :func:`logit` fits one row per unit (frequency weights and cluster-robust intervals allowed);
* :func:`grouped_logit` counts covariate patterns where the data lives (pandas, DuckDB, files,
  PySpark) and fits the cell counts (:func:`logit_from_cells`): the same likelihood, so the
  same estimates as on the rows.

Both build the design with :func:`cxkit.stats.design.design` (reference level: the most
frequent, ties to the first in sorted order; dummies ``term[level]``), check separation with
:func:`cxkit.stats.design.check_separation`, and return a :class:`LogitResult` whose table has
``coef, se, ci_low, ci_high`` on the log-odds scale and ``odds_ratio, odds_ratio_low,
odds_ratio_high``.

Real churn data breaks logistic regression in a handful of ways; each is
detected before fitting and reported in plain words instead of printing a huge
coefficient as if it meant something:

=====================  =========================================================
status                 what happened / what is shown instead
=====================  =========================================================
``ok``                 maximum likelihood (statsmodels GLM), Wald intervals
``no data``            no complete rows
``no events``          nobody (or everybody) churned: nothing to relate
``no variance``        a predictor takes one value: it is left out
``copy of outcome``    a predictor equals the outcome (or its opposite): left out
``separation``         some values predict churn perfectly (complete or
                       quasi-complete separation; found with Konis' 2007
                       linear program): the ML estimate is infinite, so Firth's
                       penalised estimate with profile-likelihood intervals is
                       shown, and the churn rates by score remain the valid view
=====================  =========================================================

statsmodels has no Firth regression, so :func:`firth_fit` implements it
(Firth 1993; Heinze & Schemper 2002, as in R's ``logistf``): Newton steps on
the modified score ``X'(y - p + h (1/2 - p))`` with step halving on the
penalised log-likelihood ``l(b) + 1/2 log det I(b)``.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import optimize, stats
from scipy.special import expit

from .._checks import as_list, check_columns
from .._results import Result
from ..errors import DataError, DegenerateDataError, ParameterError
from .design import INTERCEPT, Separation, check_separation, design
from .engines import count_rows, describe_values, no_rows_note

__all__ = ["LogitResult", "GroupedLogit", "logit", "grouped_logit", "logit_from_cells", "outcome_cells",
           "nested_lr", "firth_fit", "check_separation", "Separation", "design", "TABLE_COLUMNS"]


# -- Firth -------------------------------------------------------------------------
def _penalised(X, y, w, beta, offset):
    eta = X @ beta + offset
    p = expit(eta)
    W = w * p * (1 - p)
    info = X.T @ (W[:, None] * X)
    sign, logdet = np.linalg.slogdet(info)
    # log(1 - p) and log(p) written via logaddexp stay finite for extreme eta.
    ll = float(np.sum(w * (y * -np.logaddexp(0, -eta) + (1 - y) * -np.logaddexp(0, eta))))
    pen = 0.5 * logdet if sign > 0 else -np.inf
    return ll + pen, ll, p, W, info


def firth_fit(X: np.ndarray, y: np.ndarray, weights: np.ndarray | None = None, *,
              offset: np.ndarray | None = None, fixed: Mapping[int, float] | None = None,
              start: np.ndarray | None = None, maxiter: int = 200, tol: float = 1e-9) -> dict:
    """Firth-penalised logistic regression (frequency weights allowed).

    Parameters
    ----------
    X : array (n, p)
        Design matrix including the intercept column.
    y : array (n,)
        0/1 outcome.
    weights : array (n,), optional
        Frequency weights (a row standing for ``w`` identical customers).
    fixed : dict of column index to value, optional
        Coefficients held fixed (used for profile-likelihood intervals).

    Returns
    -------
    dict with ``params``, ``cov`` (inverse Fisher information), ``llf_pen``
    (penalised log-likelihood), ``llf`` (plain log-likelihood at the Firth
    estimate), ``converged``, ``iterations``.
    """
    X = np.asarray(X, float)
    y = np.asarray(y, float)
    n, k = X.shape
    w = np.ones(n) if weights is None else np.asarray(weights, float)
    off = np.zeros(n) if offset is None else np.asarray(offset, float)
    fixed = dict(fixed or {})
    free = np.array([j for j in range(k) if j not in fixed], dtype=int)
    beta = np.zeros(k) if start is None else np.array(start, float)
    for j, v in fixed.items():
        beta[j] = v
    obj, ll, p, W, info = _penalised(X, y, w, beta, off)
    converged = False
    n_iter = 0
    for it in range(1, maxiter + 1):
        n_iter = it
        info_inv = np.linalg.pinv(info)
        h = W * np.einsum("ij,jk,ik->i", X, info_inv, X)
        score = X.T @ (w * (y - p) + h * (0.5 - p))
        if free.size == 0:
            converged = True
            break
        step = np.linalg.lstsq(info[np.ix_(free, free)], score[free], rcond=None)[0]
        # logistf caps each Newton step (maxstep = 5) so early iterations cannot overshoot.
        big = np.max(np.abs(step))
        if big > 5:
            step *= 5 / big
        for _ in range(30):
            trial = beta.copy()
            trial[free] += step
            new = _penalised(X, y, w, trial, off)
            if new[0] >= obj - 1e-12:
                break
            step /= 2
        beta = trial
        obj, ll, p, W, info = new
        if np.max(np.abs(step)) < tol:
            converged = True
            break
    cov = np.linalg.pinv(info)
    return {"params": beta, "cov": cov, "llf_pen": obj, "llf": ll, "converged": converged, "iterations": n_iter}


def _profile_bound(X, y, w, j, fit, side, crit) -> float:
    """Profile penalised-likelihood bound of coefficient ``j`` (side -1 lower, +1 upper)."""
    top = fit["llf_pen"]
    b0 = fit["params"][j]
    se = np.sqrt(max(fit["cov"][j, j], 1e-12))

    def gap(b):
        prof = firth_fit(X, y, w, fixed={j: b}, start=fit["params"])
        return 2 * (top - prof["llf_pen"]) - crit

    step = max(se, 0.1)
    lo_b, hi_b = b0, b0 + side * step
    for _ in range(40):
        if gap(hi_b) > 0:
            break
        lo_b, hi_b = hi_b, hi_b + side * step
        step *= 2
    else:
        return side * np.inf
    return float(optimize.brentq(gap, min(lo_b, hi_b), max(lo_b, hi_b), xtol=1e-6))


# -- results --------------------------------------------------------------------
TABLE_COLUMNS = ["term", "coef", "se", "ci_low", "ci_high", "odds_ratio", "odds_ratio_low", "odds_ratio_high",
                 "p_value", "method"]


def _table(terms, coef, se, lo, hi, p_value, method: str) -> pd.DataFrame:
    """The coefficient table: ``ci_*`` on the log-odds scale, ``odds_ratio*`` their exponentials."""
    coef, lo, hi = (np.asarray(v, float) for v in (coef, lo, hi))
    return pd.DataFrame({"term": list(terms), "coef": coef, "se": np.asarray(se, float), "ci_low": lo, "ci_high": hi,
                         "odds_ratio": np.exp(coef), "odds_ratio_low": np.exp(lo), "odds_ratio_high": np.exp(hi),
                         "p_value": np.asarray(p_value, float), "method": method}, columns=TABLE_COLUMNS)


@dataclass(frozen=True, repr=False)
class LogitResult(Result):
    """A logistic regression of a 0/1 outcome (on rows or on cell counts), with its diagnostics.

    Attributes
    ----------
    table : DataFrame
        One row per design column (``Intercept``, numeric terms, dummies ``term[level]``):
        ``term, coef, se, ci_low, ci_high`` (log odds; the interval is Wald, or profile
        penalised likelihood with Firth), ``odds_ratio, odds_ratio_low, odds_ratio_high``
        (their exponentials), ``p_value``, ``method``. Empty when no model could be fitted.
        ``summary()`` returns a copy.
    status : str
        ``ok``, ``separation``, ``no events``, ``no variance``, ``copy of outcome``, ``no data``.
    method : str
        ``maximum likelihood``, ``Firth penalised likelihood`` or ``none``.
    llf : float
        Log-likelihood of the row-level model (penalised with Firth); also ``loglik``.
    levels : dict
        Per categorical term its levels, the reference first (see :mod:`cxkit.stats.design`).
    cells : DataFrame or None
        :func:`grouped_logit` only: the covariate patterns with ``events``, ``n`` and the fitted
        ``probability``.
    notes : tuple of str
        Plain-words diagnostics (what was left out and why).
    """

    outcome: str
    predictors: tuple[str, ...]
    controls: tuple[str, ...]
    table: pd.DataFrame
    n: int
    events: int
    status: str
    method: str
    llf: float
    df_model: int
    level: float
    notes: tuple[str, ...] = field(default_factory=tuple)
    params: pd.Series | None = None
    cov: pd.DataFrame | None = None
    levels: Mapping[str, list] = field(default_factory=dict)
    categorical: tuple[str, ...] = ()
    used_terms: tuple[str, ...] = ()
    cells: pd.DataFrame | None = None

    @property
    def fitted(self) -> bool:
        return self.method != "none"

    @property
    def bse(self) -> pd.Series:
        """Standard errors by term."""
        return self.table.set_index("term")["se"]

    @property
    def reference(self) -> dict[str, str]:
        """Reference level of each categorical term."""
        return {t: lv[0] for t, lv in self.levels.items()}

    @property
    def terms(self) -> pd.DataFrame:
        """The coefficient table (alias of ``table``, the name :class:`GroupedLogit` used)."""
        return self.table

    @property
    def loglik(self) -> float:
        """Alias of ``llf``."""
        return self.llf

    def design_matrix(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The model's design matrix rebuilt for new rows (same columns, same levels)."""
        if not self.fitted:
            raise ParameterError(f"no model was fitted ({self.status}); there is no design to rebuild.")
        X, _ = design(frame, list(self.used_terms), categorical=self.categorical, levels=self.levels)
        return X.reindex(columns=self.params.index, fill_value=0.0)

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        """Predicted probabilities for new rows (same columns as the fit)."""
        return expit(self.design_matrix(frame).to_numpy(float) @ self.params.to_numpy(float))

    def term(self, name: str) -> pd.Series:
        """The table row of one design column."""
        row = self.table[self.table["term"] == name]
        if row.empty:
            raise ParameterError(f"term {name!r} is not in the model; terms: {self.table['term'].tolist()}.")
        return row.iloc[0]

    def summary(self) -> pd.DataFrame:
        return self.table.copy()

    def headline(self) -> str:
        on = f" ({len(self.cells):,} cells)" if self.cells is not None else ""
        ref = ", ".join(f"{k} = {v}" for k, v in self.reference.items())
        return (f"Logistic regression of {self.outcome} on {', '.join(self.predictors) or 'nothing'}"
                + (f" controlling for {', '.join(self.controls)}" if self.controls else "")
                + f": n = {self.n:,}{on}, events = {self.events:,}; {self.method} ({self.status})"
                + (f"; reference {ref}" if ref else "") + ".")


GroupedLogit = LogitResult  # the name grouped_logit's result had; one class, one table


def _empty(outcome, predictors, controls, n, events, status, level, notes) -> LogitResult:
    return LogitResult(outcome=outcome, predictors=tuple(predictors), controls=tuple(controls),
                       table=pd.DataFrame(columns=TABLE_COLUMNS), n=n, events=events, status=status, method="none",
                       llf=np.nan, df_model=0, level=level, notes=tuple(notes))


def _pure_values(x: pd.Series, y: np.ndarray, outcome: str) -> str:
    """Describe values of a discrete predictor whose rows all have the outcome, or none do."""
    if x.nunique() > 20:
        return ""
    g = pd.DataFrame({"x": x.to_numpy(), "y": y}).groupby("x")["y"].agg(["mean", "size"])
    allc = [f"{_fmt(v)} (n={int(r['size'])})" for v, r in g.iterrows() if r["mean"] == 1]
    none = [f"{_fmt(v)} (n={int(r['size'])})" for v, r in g.iterrows() if r["mean"] == 0]
    churn = outcome == "churned"
    parts = []
    if allc:
        parts.append(f"every customer with {x.name} {_join(allc)} churned" if churn
                     else f"{outcome} is 1 for every row with {x.name} {_join(allc)}")
    if none:
        parts.append(f"none with {x.name} {_join(none)} did" if churn
                     else f"0 for every row with {x.name} {_join(none)}")
    return "; ".join(parts)


def _fmt(v):
    return int(v) if isinstance(v, float) and float(v).is_integer() else v


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def _prepare(frame, outcome, predictors, controls, cluster, weights):
    predictors, controls = as_list(predictors), as_list(controls)
    overlap = set(predictors) & set(controls)
    if overlap:
        raise ParameterError(f"{sorted(overlap)} appear both as predictors and as controls.")
    extra = [c for c in (cluster, weights) if c]
    check_columns(frame, [outcome, *predictors, *controls, *extra], argument="outcome/predictors/controls")
    terms = [*predictors, *controls]
    data = frame[[outcome, *terms, *extra]].dropna()
    y = data[outcome]
    if not (pd.api.types.is_bool_dtype(y) or set(pd.unique(y)) <= {0, 1}):
        raise ParameterError(f"`outcome` {outcome!r} must be 0/1 or True/False; got values {sorted(pd.unique(y))[:5]}.")
    return data, predictors, controls


def _screen(data, outcome, predictors, controls, categorical):
    """Drop terms without variance or copying the outcome; return kept terms and notes."""
    y = data[outcome].astype(float).to_numpy()
    notes, keep = [], []
    for t in [*predictors, *controls]:
        x = data[t]
        if x.nunique() < 2:
            notes.append(f"{t} has no variance (every value is {_fmt(x.iloc[0])!r}): left out of the model.")
            continue
        numeric = pd.api.types.is_numeric_dtype(x) or pd.api.types.is_bool_dtype(x)
        if x.nunique() == 2 and (numeric or t in categorical):
            codes = (x == sorted(x.unique())[1]).to_numpy(float)
            if np.array_equal(codes, y) or np.array_equal(codes, 1 - y):
                notes.append(f"{t} is a copy of the outcome ({outcome} is exactly {t} or its opposite): it "
                             "describes churn rather than predicting it, so it is left out.")
                continue
        keep.append(t)
    return keep, notes


def _rank(X: np.ndarray) -> int:
    """Column rank from the small cross-product matrix (columns scaled), not an SVD of all rows."""
    scale = np.sqrt((X**2).sum(axis=0))
    Z = X / np.where(scale > 0, scale, 1.0)
    return int(np.linalg.matrix_rank(Z.T @ Z, tol=1e-10))


def _ml_fit(X: pd.DataFrame, y: np.ndarray, w: np.ndarray | None = None, groups: np.ndarray | None = None,
            sw: np.ndarray | None = None):
    """Maximum-likelihood fit with statsmodels' GLM (frequency weights; cluster-robust with ``groups``).

    With frequency weights the likelihood is the row-level one, so a fit on cell counts equals
    the fit on the rows (estimates, standard errors and log-likelihood). With survey weights
    ``sw`` it is the pseudo-likelihood (``var_weights``) with a sandwich covariance (HC0, or
    cluster-robust with ``groups``); :func:`_ml_table` scales HC0 by n / (n - 1) as R's ``svyglm``.
    """
    if groups is None and sw is None and len(y) > 200:
        # Identical (x, y) rows pooled into frequency weights: the same likelihood, estimates and standard
        # errors (see above), on far fewer rows when the predictors are discrete (a score alone).
        Xa = np.column_stack([np.asarray(X, float), y])
        cells, inv = np.unique(Xa, axis=0, return_inverse=True)
        if len(cells) < len(y) // 2:
            wc = np.bincount(inv.ravel(), weights=np.ones(len(y)) if w is None else w, minlength=len(cells))
            X = pd.DataFrame(cells[:, :-1], columns=X.columns)
            y, w = cells[:, -1], wc
    model = sm.GLM(y, X, family=sm.families.Binomial(), freq_weights=w, var_weights=sw)
    kw = ({"cov_type": "cluster", "cov_kwds": {"groups": groups}} if groups is not None
          else {"cov_type": "HC0"} if sw is not None else {})
    start = _warm_start(np.asarray(X, float), np.asarray(y, float),
                        (np.ones(len(y)) if w is None else w) * (1.0 if sw is None else sw))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return model.fit(tol=1e-12, maxiter=100, start_params=start, **kw)


def _warm_start(X: np.ndarray, y: np.ndarray, w: np.ndarray) -> np.ndarray | None:
    """Newton-Raphson in numpy (Cholesky, no SVD) to near the optimum, so statsmodels' IRLS only polishes
    it (two or three iterations instead of eight); None when it does not settle (separation): IRLS
    then starts from its own default, as before."""
    beta = np.zeros(X.shape[1])
    for _ in range(30):
        p = expit(X @ beta)
        g = X.T @ (w * (y - p))
        H = X.T @ (X * (w * p * (1 - p))[:, None])
        try:
            step = np.linalg.solve(H, g)
        except np.linalg.LinAlgError:
            return None
        beta = beta + step
        if not np.isfinite(beta).all() or np.abs(beta).max() > 30:
            return None
        if np.abs(step).max() < 1e-8:
            return beta
    return None


def _ml_table(res, columns, z: float, method: str, scale: float = 1.0) -> tuple[pd.DataFrame, pd.Series, pd.DataFrame]:
    """Table, parameters and covariance of a statsmodels fit, with Wald intervals (covariance times ``scale``)."""
    params = pd.Series(np.asarray(res.params, float), index=columns)
    se = np.asarray(res.bse, float) * np.sqrt(scale)
    p_value = np.asarray(res.pvalues, float) if scale == 1.0 else 2 * stats.norm.sf(np.abs(params / se))
    table = _table(columns, params, se, params - z * se, params + z * se, np.asarray(p_value, float), method)
    cov = pd.DataFrame(np.asarray(res.cov_params()) * scale, index=columns, columns=columns)
    return table, params, cov


def logit(frame: pd.DataFrame, outcome: str, predictors: str | Sequence[str],
          controls: str | Sequence[str] = (), *, categorical: Sequence[str] = (),
          reference: Mapping[str, object] | None = None, level: float = 0.95, cluster: str | None = None,
          weights: str | None = None, firth: str = "auto", center: Mapping[str, float] | None = None,
          survey_weights: str | None = None) -> LogitResult:
    """Logistic regression of ``outcome`` on ``predictors`` (and ``controls``), degenerate data reported.

    Parameters
    ----------
    frame : DataFrame
        One row per unit (e.g. from :func:`cxkit.alignment.align_churn`).
    outcome : str
        0/1 or boolean column (e.g. ``churned``).
    predictors, controls : str or list of str
        Columns. Numeric columns enter linearly (per unit); others (and those
        in ``categorical``) as treatment-coded dummies.
    reference : dict, optional
        Reference level per categorical term (default: the most frequent).
    cluster : str, optional
        Column of cluster ids (customer) for cluster-robust intervals.
    weights : str, optional
        Frequency weights (rows standing for several identical units).
    survey_weights : str, optional
        Sampling (survey) weights: the weighted pseudo-likelihood with sandwich (robust) standard
        errors, HC0 times n / (n - 1), which equals R ``survey::svyglm`` on a design with
        ``ids = ~1`` (with ``cluster``: cluster-robust). ``n`` and ``events`` stay counts of rows;
        a separated fit (Firth) uses the weights in the estimate but model-based standard errors.
    firth : {"auto", "always", "never"}
        ``auto``: Firth only when separation is found.
    center : dict, optional
        Values subtracted from numeric terms first (moves only the intercept).

    Returns
    -------
    LogitResult
    """
    if firth not in ("auto", "always", "never"):
        raise ParameterError(f"`firth` must be 'auto', 'always' or 'never'; got {firth!r}.")
    if not 0 < level < 1:
        raise ParameterError(f"`level` must be strictly between 0 and 1; got {level!r}.")
    if weights and survey_weights:
        raise ParameterError(f"give `weights` (frequency) or `survey_weights` (sampling), not both; got "
                             f"{weights!r} and {survey_weights!r}.")
    data, predictors, controls = _prepare(frame, outcome, predictors, controls, cluster, weights or survey_weights)
    data = data.copy()
    for t, c in (center or {}).items():
        if t in data:
            data[t] = data[t] - c
    w = data[weights].to_numpy(float) if weights else np.ones(len(data))
    y = data[outcome].astype(float).to_numpy()
    n, events = int(round(w.sum())), int(round((w * y).sum()))
    notes: list[str] = []
    dropped = len(frame) - len(data)
    if dropped:
        notes.append(f"{dropped:,} rows with a missing value in the model's columns were left out.")
    if n == 0:
        return _empty(outcome, predictors, controls, 0, 0, "no data", level, notes + ["No complete rows."])
    if events in (0, n):
        state = "churned" if events == n else "stayed"
        notes.append(f"All {n:,} customers {state}: there is no variation in {outcome} to relate to anything.")
        return _empty(outcome, predictors, controls, n, events, "no events", level, notes)
    keep, screen_notes = _screen(data, outcome, predictors, controls, categorical)
    notes += screen_notes
    kept_pred = [t for t in predictors if t in keep]
    status = "ok"
    if not kept_pred:
        status = "no variance" if any("no variance" in s for s in screen_notes) else "copy of outcome"
        notes.append("No usable predictor is left: no model is fitted.")
        return _empty(outcome, predictors, controls, n, events, status, level, notes)
    X, levels = design(data, keep, categorical=categorical, reference=reference, weights=w)
    groups = pd.factorize(data[cluster])[0] if cluster else None
    fw = w if weights else None
    sw = data[survey_weights].to_numpy(float) if survey_weights else None
    if sw is not None and (np.any(sw < 0) or not np.isfinite(sw).all() or sw.sum() <= 0):
        raise ParameterError(f"`survey_weights` column {survey_weights!r} must be finite, non-negative and not "
                             f"all zero; got values from {np.nanmin(sw)!r} to {np.nanmax(sw)!r}.")
    # Collinear columns (e.g. a control implied by another) have no separate estimate.
    if _rank(X.to_numpy(float)) < X.shape[1]:
        cols = list(X.columns)
        kept_cols = [INTERCEPT]
        for c in cols[1:]:
            if _rank(X[[*kept_cols, c]].to_numpy(float)) > len(kept_cols):
                kept_cols.append(c)
        gone = [c for c in cols if c not in kept_cols]
        notes.append(f"{gone} are linear combinations of other columns (collinear): left out.")
        X = X[kept_cols]
    sep = check_separation(X, y, max_rows=20_000)
    ml = None
    if sep.kind == "unchecked" and firth != "always":
        ml = _ml_fit(X, y, fw, groups, sw)
        p = np.asarray(ml.fittedvalues)
        if not ml.converged or np.any(np.abs(ml.params) > 15) or np.any(ml.bse > 10) or np.any((p < 1e-8) | (p > 1 - 1e-8)):
            sep = check_separation(X, y)
        else:
            sep = Separation("none", ())
    use_firth = firth == "always" or (firth == "auto" and sep.separated)
    if sep.separated:
        status = "separation"
        terms_hit = sorted({c.split("[")[0] for c in sep.columns})
        detail = "; ".join(d for d in (_pure_values(data[t], y, outcome) for t in terms_hit if t in data) if d)
        notes.append(
            f"{sep.kind.capitalize()} separation on {', '.join(terms_hit)}"
            + (f": {detail}" if detail else "")
            + ". Maximum likelihood has no finite estimate here (the coefficient runs off to infinity), "
            + ("so Firth's penalised estimate with profile-likelihood intervals is shown: read it as "
               "'very strong, size uncertain', and rely on the churn rates by score." if firth != "never"
               else "and no coefficient is reported (firth='never'); rely on the churn rates by score."))
        if firth == "never":
            return _empty(outcome, predictors, controls, n, events, status, level, notes)
    epv = min(events, n - events) / max(X.shape[1] - 1, 1)
    if epv < 10:
        notes.append(f"Only {epv:.1f} events per estimated coefficient (fewer than 10): estimates are "
                     "unstable and tend to be too large.")
    z = stats.norm.ppf(0.5 + level / 2)
    if use_firth:
        # Identical (x, y) rows pooled as frequency weights: the same estimate, far fewer rows to iterate on.
        cells, inv = np.unique(np.column_stack([X.to_numpy(float), y]), axis=0, return_inverse=True)
        Xc, yc = cells[:, :-1], cells[:, -1]
        wc = np.bincount(inv.ravel(), weights=w if sw is None else sw, minlength=len(cells))
        fit = firth_fit(Xc, yc, wc)
        crit = stats.chi2.ppf(level, 1)
        rows = []
        for j, name in enumerate(X.columns):
            lo = _profile_bound(Xc, yc, wc, j, fit, -1, crit)
            hi = _profile_bound(Xc, yc, wc, j, fit, +1, crit)
            prof0 = firth_fit(Xc, yc, wc, fixed={j: 0.0}, start=fit["params"])
            lr = max(2 * (fit["llf_pen"] - prof0["llf_pen"]), 0.0)
            rows.append((name, fit["params"][j], np.sqrt(fit["cov"][j, j]), lo, hi, stats.chi2.sf(lr, 1)))
        method = "Firth penalised likelihood"
        table = _table(*zip(*rows, strict=True), method)
        llf = fit["llf_pen"]
        params = pd.Series(fit["params"], index=X.columns)
        cov = pd.DataFrame(fit["cov"], index=X.columns, columns=X.columns)
        if not fit["converged"]:
            notes.append("Firth's iterations did not converge: treat the estimates as rough.")
    else:
        # The fit made to look for signs of separation is this very fit: reuse it.
        res = ml if ml is not None else _ml_fit(X, y, fw, groups, sw)
        method = "maximum likelihood" + (" (cluster-robust)" if cluster else "")
        scale = 1.0
        if sw is not None:
            method = "survey-weighted pseudo-likelihood (" + ("cluster-robust" if cluster else "sandwich") + " SE)"
            # statsmodels' HC0 times n / (n - 1): R svyglm's with-replacement variance (ids = ~1).
            scale = 1.0 if cluster else len(y) / (len(y) - 1)
        table, params, cov = _ml_table(res, X.columns, z, method, scale)
        llf = float(res.llf)
        if np.any(table["se"].to_numpy()[1:] > 10) or not res.converged:
            notes.append("Some standard errors are very large (near-separation: a group with almost no churners "
                         "or almost only churners); those estimates are not reliable.")
    return LogitResult(outcome=outcome, predictors=tuple(predictors), controls=tuple(controls), table=table,
                       n=n, events=events, status=status, method=method, llf=llf, df_model=X.shape[1] - 1,
                       level=level, notes=tuple(notes), params=params, cov=cov, levels=levels,
                       categorical=tuple(categorical), used_terms=tuple(keep))


def nested_lr(frame: pd.DataFrame, outcome: str, base: str | Sequence[str], added: str | Sequence[str],
              controls: str | Sequence[str] = (), *, categorical: Sequence[str] = (),
              level: float = 0.95) -> pd.DataFrame:
    """Likelihood-ratio test: does adding ``added`` to ``base`` (+ controls) improve the model?

    Both models are fitted on the same rows (complete in every column). With
    separation both use Firth's penalised likelihood (as ``logistf``'s
    ``anova`` does).

    Returns
    -------
    DataFrame with one row
        base, added : the terms
        n, events : rows used
        llf_base, llf_full : log-likelihoods
        lr_stat, df, p_value : chi-square test of the added terms
        method, note
    """
    base, added, controls = as_list(base), as_list(added), as_list(controls)
    cols = [outcome, *base, *added, *controls]
    check_columns(frame, cols, argument="outcome/base/added/controls")
    data = frame[cols].dropna()
    full = logit(data, outcome, [*base, *added], controls, categorical=categorical, level=level)
    reduced = logit(data, outcome, base, controls, categorical=categorical, level=level)
    if full.method.startswith("Firth") != reduced.method.startswith("Firth"):
        # Compare like with like: both penalised when either model is separated.
        full = logit(data, outcome, [*base, *added], controls, categorical=categorical, level=level,
                     firth="always")
        reduced = logit(data, outcome, base, controls, categorical=categorical, level=level, firth="always")
    note = "; ".join(dict.fromkeys([*full.notes, *reduced.notes]))
    row = {"base": " + ".join(base), "added": " + ".join(added), "n": full.n, "events": full.events,
           "llf_base": reduced.llf, "llf_full": full.llf, "lr_stat": np.nan, "df": np.nan, "p_value": np.nan,
           "method": full.method, "note": note}
    if full.fitted and reduced.fitted:
        df = full.df_model - reduced.df_model
        lr = max(2 * (full.llf - reduced.llf), 0.0)
        row.update(lr_stat=lr, df=df, p_value=stats.chi2.sf(lr, df) if df > 0 else np.nan)
        if df <= 0:
            row["note"] = (note + "; " if note else "") + f"{' + '.join(added)} added no usable column."
    return pd.DataFrame([row])


# -- cell counts ------------------------------------------------------------------
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


def _separation_message(cells, categorical, numeric, sep: Separation, outcome, source) -> str:
    """Plain words for a separation found in a cell table: which levels or score ranges are pure."""
    involved = [c.split("[")[0] for c in sep.columns]
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
        f"a combination of {list(sep.columns) or [*categorical, *numeric]} predicts it exactly")
    return (f"{source}: {outcome!r} is perfectly predicted ({sep.kind} separation): {detail}. The maximum-likelihood "
            "estimates do not exist (coefficients run off to infinity), so no model is fitted. Merge sparse "
            "levels, drop the predictor, or use cxkit.logit on the rows (Firth's penalised estimate).")


def logit_from_cells(cells: pd.DataFrame, outcome: str = "outcome", categorical: str | Sequence[str] | None = None,
                     numeric: str | Sequence[str] | None = None, *, events: str = "events", n: str = "n",
                     reference: Mapping[str, object] | None = None, level: float = 0.95,
                     source: str = "data") -> LogitResult:
    """Fit the logistic regression on a cell table (see :func:`grouped_logit`).

    Each cell enters as two frequency-weighted rows (its events with outcome 1, its
    non-events with outcome 0), so the design, the reference levels, the separation
    check and the fit are exactly those of :func:`logit` on the rows.
    """
    categorical, numeric = as_list(categorical), as_list(numeric)
    if not 0 < level < 1:
        raise ParameterError(f"`level` must be strictly between 0 and 1; got {level!r}.")
    missing = [c for c in [*categorical, *numeric, events, n] if c not in cells.columns]
    if missing:
        raise ParameterError(f"cell table lacks column(s) {missing}; has {list(cells.columns)}.")
    unknown = set(reference or {}) - set(categorical)
    if unknown:
        raise ParameterError(f"`reference` names {sorted(unknown)}, which are not categorical predictors "
                             f"({categorical}).")
    text = [c for c in numeric if not pd.api.types.is_numeric_dtype(cells[c])]
    if text:
        raise ParameterError(f"numeric predictor(s) {text} are not numeric; list them in `categorical`.")
    terms = [*categorical, *numeric]
    cells = cells[cells[n] > 0].reset_index(drop=True)
    ev = cells[events].to_numpy(float)
    tot = cells[n].to_numpy(float)
    if ev.sum() == 0 or ev.sum() == tot.sum():
        raise DegenerateDataError(f"{source}: {'no' if ev.sum() == 0 else 'every'} row has the outcome "
                                  f"{outcome!r} ({int(tot.sum())} rows); there is nothing to model.")
    rows = pd.concat([cells[terms].assign(_y=1.0, _w=ev), cells[terms].assign(_y=0.0, _w=tot - ev)],
                     ignore_index=True)
    rows = rows[rows["_w"] > 0]
    y, w = rows["_y"].to_numpy(), rows["_w"].to_numpy()
    X, levels = design(rows, terms, categorical=categorical, reference=reference, weights=w)
    rank = _rank(X.to_numpy(float))
    if rank < X.shape[1]:
        raise DegenerateDataError(
            f"{source}: the predictors are collinear (design rank {rank} < {X.shape[1]} terms: "
            f"{list(X.columns)}); a level always occurs with another or a numeric predictor is constant. "
            "Drop or merge predictors.")
    sep = check_separation(X, y)
    if sep.separated:
        raise DegenerateDataError(_separation_message(cells.assign(events=ev, n=tot), categorical, numeric, sep,
                                                      outcome, source))
    res = _ml_fit(X, y, w)
    table, params, cov = _ml_table(res, X.columns, stats.norm.ppf(0.5 + level / 2), "maximum likelihood")
    Xc, _ = design(cells, terms, categorical=categorical, levels=levels)
    out_cells = cells[terms].assign(events=ev.astype("int64"), n=tot.astype("int64"),
                                    probability=expit(Xc[X.columns].to_numpy(float) @ params.to_numpy()))
    return LogitResult(outcome=outcome, predictors=tuple(terms), controls=(), table=table, n=int(tot.sum()),
                       events=int(ev.sum()), status="ok", method="maximum likelihood", llf=float(res.llf),
                       df_model=X.shape[1] - 1, level=float(level), params=params, cov=cov, levels=levels,
                       categorical=tuple(categorical), used_terms=tuple(terms), cells=out_cells)


def grouped_logit(data: object, outcome: str, categorical: str | Sequence[str] | None = None,
                  numeric: str | Sequence[str] | None = None, *, reference: Mapping[str, object] | None = None,
                  level: float = 0.95, source: str = "data") -> LogitResult:
    """Logistic regression of a 0/1 outcome, fitted on cell counts (for big data).

    With categorical predictors (segment, plan, NPS group) and whole-number scores,
    millions of rows share a few hundred covariate patterns. The counting runs where the
    data lives (:mod:`cxkit.stats.engines`: pandas, DuckDB, files, PySpark); the fit, with
    frequency weights, has the likelihood of the rows, so it equals :func:`logit` on the rows:
    same terms, reference levels, coefficients, standard errors and table columns.

    Parameters
    ----------
    data : DataFrame, DuckDB relation, PySpark DataFrame or path to a Parquet/CSV file
        One row per customer (or answer). Counted where it lives.
    outcome : str
        0/1 or True/False column (e.g. ``churned``).
    categorical : str or list of str
        Predictors entered as treatment-coded levels (segment, plan, NPS group...).
    numeric : str or list of str
        Predictors entered linearly (e.g. the 0..10 score). Each distinct value
        makes its own cells, so use whole-number scores, not continuous measures.
    reference : dict, optional
        Reference level per categorical predictor; default the most frequent level
        (ties: the first in sorted order), as everywhere (:mod:`cxkit.stats.design`).
    level : float
        Confidence level of the intervals.

    Returns
    -------
    LogitResult
        ``.table`` (also ``.terms``) with ``coef, se, ci_low, ci_high`` on the log-odds scale
        and ``odds_ratio, odds_ratio_low, odds_ratio_high``; ``.cells`` the covariate patterns.

    Raises
    ------
    DegenerateDataError
        On separation (a level or range where everyone or no one has the
        outcome), collinear predictors, or an outcome without variation.
    """
    categorical, numeric = as_list(categorical), as_list(numeric)
    cells = outcome_cells(data, outcome, categorical, numeric, source=source)
    return logit_from_cells(cells, outcome, categorical, numeric, reference=reference, level=level, source=source)
