"""Logistic regression that says when it cannot be trusted.

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

import html
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import optimize, stats
from scipy.special import expit

from .._checks import as_list, check_columns
from ..errors import ParameterError

__all__ = ["LogitResult", "logit", "nested_lr", "firth_fit", "check_separation", "Separation", "design"]

INTERCEPT = "Intercept"


# -- design matrices -----------------------------------------------------------
def _labels(col: pd.Series) -> pd.Series:
    """Category labels as strings; whole numbers stored as floats print as ``3``, not ``3.0``."""
    if pd.api.types.is_float_dtype(col) and (col.dropna() % 1 == 0).all():
        return col.astype("Int64").astype(str)
    return col.astype(str)


def design(frame: pd.DataFrame, terms: Sequence[str], *, categorical: Sequence[str] = (),
           reference: Mapping[str, object] | None = None,
           levels: Mapping[str, list] | None = None) -> tuple[pd.DataFrame, dict[str, list]]:
    """Numeric design matrix with an intercept and treatment-coded categorical terms.

    A term is categorical when listed in ``categorical`` or not numeric. Its
    reference level is ``reference[term]`` or, by default, its most frequent
    level (so odds ratios compare with the typical customer). Dummy columns are
    named ``term[level]``. Pass ``levels`` (from an earlier call) to rebuild
    the same columns for new data.
    """
    reference = dict(reference or {})
    out = {INTERCEPT: np.ones(len(frame))}
    used_levels: dict[str, list] = {}
    for t in terms:
        col = frame[t]
        is_cat = t in categorical or not (pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col))
        if is_cat:
            if levels is not None and t in levels:
                lv = list(levels[t])
            else:
                counts = _labels(col).value_counts()
                ref = str(reference.get(t, counts.index[0] if len(counts) else ""))
                if len(counts) and ref not in counts.index:
                    raise ParameterError(f"`reference` level {ref!r} of {t!r} does not occur; levels: "
                                         f"{sorted(counts.index)[:20]}.")
                lv = [ref] + sorted(x for x in counts.index if x != ref)
            used_levels[t] = lv
            s = _labels(col)
            for level in lv[1:]:
                out[f"{t}[{level}]"] = (s == level).to_numpy(float)
        else:
            out[t] = col.to_numpy(float)
    return pd.DataFrame(out, index=frame.index), used_levels


# -- separation ------------------------------------------------------------------
@dataclass(frozen=True)
class Separation:
    """Result of the separation check."""

    kind: str               # "none", "complete", "quasi-complete"
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

    With more than ``max_rows`` distinct rows the (slow) program is skipped
    and ``kind`` is ``"unchecked"``; :func:`logit` then fits first and runs it
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
@dataclass(frozen=True, repr=False)
class LogitResult:
    """A logistic regression of a 0/1 outcome, with its diagnostics.

    Attributes
    ----------
    table : DataFrame
        One row per design column: ``term, coef, se, odds_ratio, ci_low,
        ci_high`` (interval of the odds ratio), ``p_value``, ``method``. Empty
        when no model could be fitted.
    status : str
        ``ok``, ``separation``, ``no events``, ``no variance``, ``no data``.
    method : str
        ``maximum likelihood``, ``Firth penalised likelihood`` or ``none``.
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

    @property
    def fitted(self) -> bool:
        return self.method != "none"

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        """Predicted probabilities for new rows (same columns as the fit)."""
        if not self.fitted:
            raise ParameterError(f"no model was fitted ({self.status}); nothing to predict with.")
        X, _ = design(frame, list(self.used_terms), categorical=self.categorical, levels=self.levels)
        X = X.reindex(columns=self.params.index, fill_value=0.0)
        return expit(X.to_numpy(float) @ self.params.to_numpy(float))

    def term(self, name: str) -> pd.Series:
        """The table row of one design column."""
        row = self.table[self.table["term"] == name]
        if row.empty:
            raise ParameterError(f"term {name!r} is not in the model; terms: {self.table['term'].tolist()}.")
        return row.iloc[0]

    def summary(self) -> str:
        pct = round(100 * self.level)
        head = (f"Logistic regression of {self.outcome} on {', '.join(self.predictors) or 'nothing'}"
                + (f" controlling for {', '.join(self.controls)}" if self.controls else "")
                + f": n = {self.n:,}, events = {self.events:,}; {self.method} ({self.status}).")
        lines = [head]
        for _, r in self.table.iterrows():
            if r["term"] == INTERCEPT:
                continue
            lines.append(f"  {r['term']}: odds ratio {r['odds_ratio']:.3g} ({pct}% CI {r['ci_low']:.3g} to "
                         f"{r['ci_high']:.3g}), p = {r['p_value']:.3g}")
        lines += [f"  Note: {n}" for n in self.notes]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in self.notes)
        head = html.escape(self.summary().splitlines()[0])
        return f"<p>{head}</p>" + (f"<ul>{notes}</ul>" if notes else "") + self.table.to_html(index=False)

    def __str__(self) -> str:
        return self.summary()

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.summary().splitlines()[0][:200]}>"


_TABLE_COLS = ["term", "coef", "se", "odds_ratio", "ci_low", "ci_high", "p_value", "method"]


def _empty(outcome, predictors, controls, n, events, status, level, notes) -> LogitResult:
    return LogitResult(outcome=outcome, predictors=tuple(predictors), controls=tuple(controls),
                       table=pd.DataFrame(columns=_TABLE_COLS), n=n, events=events, status=status, method="none",
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


def _ml_fit(X, y, w, weights, data, cluster):
    """Maximum-likelihood fit with statsmodels' GLM (cluster-robust when asked)."""
    model = sm.GLM(y, X, family=sm.families.Binomial(), freq_weights=w if weights else None)
    kw = {"cov_type": "cluster", "cov_kwds": {"groups": pd.factorize(data[cluster])[0]}} if cluster else {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return model.fit(**kw)


def logit(frame: pd.DataFrame, outcome: str, predictors: str | Sequence[str],
          controls: str | Sequence[str] = (), *, categorical: Sequence[str] = (),
          reference: Mapping[str, object] | None = None, level: float = 0.95, cluster: str | None = None,
          weights: str | None = None, firth: str = "auto", center: Mapping[str, float] | None = None) -> LogitResult:
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
    data, predictors, controls = _prepare(frame, outcome, predictors, controls, cluster, weights)
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
    X, levels = design(data, keep, categorical=categorical, reference=reference)
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
    if sep.kind == "unchecked" and firth != "always":
        ml = _ml_fit(X, y, w, weights, data, cluster)
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
        wc = np.bincount(inv.ravel(), weights=w, minlength=len(cells))
        fit = firth_fit(Xc, yc, wc)
        crit = stats.chi2.ppf(level, 1)
        rows = []
        for j, name in enumerate(X.columns):
            lo = _profile_bound(Xc, yc, wc, j, fit, -1, crit)
            hi = _profile_bound(Xc, yc, wc, j, fit, +1, crit)
            prof0 = firth_fit(Xc, yc, wc, fixed={j: 0.0}, start=fit["params"])
            lr = max(2 * (fit["llf_pen"] - prof0["llf_pen"]), 0.0)
            rows.append((name, fit["params"][j], np.sqrt(fit["cov"][j, j]), lo, hi, stats.chi2.sf(lr, 1)))
        t = pd.DataFrame(rows, columns=["term", "coef", "se", "lo", "hi", "p_value"])
        method = "Firth penalised likelihood"
        llf = fit["llf_pen"]
        params = pd.Series(fit["params"], index=X.columns)
        cov = pd.DataFrame(fit["cov"], index=X.columns, columns=X.columns)
        if not fit["converged"]:
            notes.append("Firth's iterations did not converge: treat the estimates as rough.")
    else:
        res = _ml_fit(X, y, w, weights, data, cluster)
        se = np.asarray(res.bse, float)
        params = pd.Series(np.asarray(res.params, float), index=X.columns)
        t = pd.DataFrame({"term": X.columns, "coef": params.to_numpy(), "se": se,
                          "lo": params.to_numpy() - z * se, "hi": params.to_numpy() + z * se,
                          "p_value": np.asarray(res.pvalues, float)})
        method = "maximum likelihood" + (" (cluster-robust)" if cluster else "")
        llf = float(res.llf)
        cov = pd.DataFrame(np.asarray(res.cov_params()), index=X.columns, columns=X.columns)
        if np.any(se[1:] > 10) or not res.converged:
            notes.append("Some standard errors are very large (near-separation: a group with almost no churners "
                         "or almost only churners); those estimates are not reliable.")
    table = pd.DataFrame({"term": t["term"], "coef": t["coef"], "se": t["se"], "odds_ratio": np.exp(t["coef"]),
                          "ci_low": np.exp(t["lo"]), "ci_high": np.exp(t["hi"]), "p_value": t["p_value"],
                          "method": method})
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
