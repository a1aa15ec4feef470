"""Key-driver analysis: which touchpoint or attribute ratings go with a higher NPS?

Regression coefficients of correlated ratings are unstable and say little
about importance. The relative-importance measures here split the model's R²
between the drivers instead:

* ``shapley`` - the Shapley value (LMG, dominance analysis' general
  dominance): each driver's R² gain averaged over every order of entering the
  model (Lindeman, Merenda & Gold 1980; Grömping 2006). Exact, from the
  correlation matrix; cost grows as 2^p, so used up to 12 drivers.
* ``relative_weights`` - Johnson's (2000) relative weights: regress on the
  closest orthogonal version of the drivers and map the weights back. Nearly
  identical to Shapley values in practice and fast for any number of drivers.

No package in the stack provides either (statsmodels has no relative
importance), so both are implemented here in a few lines of linear algebra.
Intervals are percentile bootstraps over respondents (seeded).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import combinations
from math import factorial
from typing import Any

import numpy as np
import pandas as pd

from .._checks import as_list, check_choice, check_columns
from .._progress import progress
from .._results import Result, Study
from ..data.dataset import Dataset
from ..errors import DegenerateDataError, ParameterError
from ..report.i18n import driver_words, message, num
from ..report.i18n import text as _t
from .alignment import plain_ids

__all__ = ["shapley_r2", "relative_weights", "Importance", "relative_importance", "driver_frame",
           "describe_drivers", "DriverStudy", "driver_study", "driver_outcome", "METHODS"]

METHODS = ("auto", "shapley", "relative_weights")
MAX_SHAPLEY = 12


def _r2_subsets(R: np.ndarray, r: np.ndarray) -> dict[int, float]:
    """R² of the regression on every subset of drivers (bitmask -> R²), from correlations."""
    p = len(r)
    out = {0: 0.0}
    for k in range(1, p + 1):
        subs = list(combinations(range(p), k))
        idx = np.array(subs)
        Rs = R[idx[:, :, None], idx[:, None, :]]           # (m, k, k)
        rs = r[idx]                                         # (m, k)
        # lstsq-like via pinv keeps exactly collinear subsets finite.
        beta = np.einsum("mij,mj->mi", np.linalg.pinv(Rs), rs)
        r2 = np.einsum("mi,mi->m", beta, rs)
        for s, v in zip(subs, r2, strict=True):
            out[sum(1 << j for j in s)] = float(v)
    return out


def shapley_r2(R: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Shapley decomposition of R² (LMG) from the drivers' correlation matrix ``R`` and their correlations ``r``
    with the outcome. The parts sum to the full model's R²."""
    R, r = np.asarray(R, float), np.asarray(r, float)
    p = len(r)
    if p > MAX_SHAPLEY:
        raise ParameterError(f"exact Shapley values need 2^p models; use relative weights for more than "
                             f"{MAX_SHAPLEY} drivers (got {p}).")
    r2 = _r2_subsets(R, r)
    out = np.zeros(p)
    weight = [factorial(k) * factorial(p - k - 1) / factorial(p) for k in range(p)]
    for mask, v in r2.items():
        k = bin(mask).count("1")
        for j in range(p):
            if not mask >> j & 1:
                out[j] += weight[k] * (r2[mask | 1 << j] - v)
    return out


def relative_weights(R: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Johnson's (2000) relative weights; they sum to the full model's R²."""
    R, r = np.asarray(R, float), np.asarray(r, float)
    evals, evecs = np.linalg.eigh(R)
    evals = np.clip(evals, 0, None)
    lam = evecs @ np.diag(np.sqrt(evals)) @ evecs.T        # drivers = lam @ orthogonal versions
    beta = np.linalg.pinv(lam) @ r                          # outcome on the orthogonal versions
    return (lam**2) @ (beta**2)


def _corr(data: np.ndarray, pairwise: bool = False, w: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Correlations of the drivers among themselves (R) and with the outcome (r); column 0 is the outcome.

    ``w``: survey weights, giving weighted (Pearson) correlations; pairwise, each pair uses the
    rows where both are answered, with their weights.
    """
    if w is not None:
        c = _wcorr_pairwise(data, w) if pairwise else _wcorr(data, w)
        if pairwise:
            c = _nearest_corr(c)
    elif pairwise:
        c = pd.DataFrame(data).corr().to_numpy()
        c = _nearest_corr(c)
    else:
        c = np.corrcoef(data, rowvar=False)
    return c[1:, 1:], c[1:, 0]


def _wcorr(data: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted correlation matrix of complete rows (as statsmodels ``DescrStatsW(...).corrcoef``)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        c = np.cov(data, rowvar=False, aweights=w)
        d = np.sqrt(np.diag(c))
        return c / np.outer(d, d)


def _wcorr_pairwise(data: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted correlations, each pair on the rows where both columns are answered."""
    p = data.shape[1]
    c = np.eye(p)
    ok = ~np.isnan(data)
    for i in range(p):
        for j in range(i + 1, p):
            m = ok[:, i] & ok[:, j]
            c[i, j] = c[j, i] = _wcorr(data[m][:, [i, j]], w[m])[0, 1] if m.sum() > 2 else np.nan
    return c


def _nearest_corr(c: np.ndarray) -> np.ndarray:
    """Pairwise-complete correlations need not form a valid matrix: clip negative eigenvalues, rescale."""
    evals, evecs = np.linalg.eigh(c)
    if evals.min() >= 0:
        return c
    fixed = evecs @ np.diag(np.clip(evals, 1e-8, None)) @ evecs.T
    d = np.sqrt(np.diag(fixed))
    return fixed / np.outer(d, d)


def _pairwise_drop(d: pd.DataFrame, outcome: str, drivers: list[str], min_n: int) -> tuple[list[str], list[str]]:
    """Drop drivers until every pair (and every driver with the outcome) has at least ``min_n`` rows."""
    drivers = list(drivers)
    dropped = []
    while drivers:
        m = d[[outcome, *drivers]].notna().astype(int)
        counts = m.T @ m
        short = (counts < min_n).sum(axis=0)
        short[outcome] = 0
        if short.max() == 0:
            break
        worst = short.idxmax() if short.max() > 0 else None
        drivers.remove(worst)
        dropped.append(worst)
    return drivers, dropped


@dataclass(frozen=True, repr=False)
class Importance(Result):
    """Relative importance of drivers for one outcome.

    Attributes
    ----------
    table : DataFrame, one row per driver, most important first
        driver, correlation (with the outcome), beta (standardised coefficient
        in the full model), importance (share of variance explained, R² units),
        pct_of_r2 (% of the model's R²), rank, n (answers to the driver used),
        ci_low, ci_high (bootstrap interval of
        ``pct_of_r2``), p_top (share of bootstrap samples in which this
        driver ranks first)
    r2, r2_ci_low, r2_ci_high : float
        Variance of the outcome explained by all drivers together.
    """

    outcome: str
    method: str
    table: pd.DataFrame
    n: int
    r2: float
    r2_ci_low: float
    r2_ci_high: float
    level: float
    n_boot: int
    seed: int
    notes: tuple[str, ...] = field(default_factory=tuple)

    def summary(self) -> pd.DataFrame:
        """The drivers, most important first (``table``)."""
        return self.table

    def headline(self) -> str:
        return self.describe().splitlines()[0]

    def describe(self, lang: str = "en", extra_notes: Sequence[str] = ()) -> str:
        """Plain sentences (numbers with intervals, caveats).

        ``lang`` (``en``, ``nl``) sets the words and the number format (``0.68`` / ``0,68``). Notes gathered
        from the data checks and ``extra_notes`` are passed through as written.
        """
        check_choice("lang", lang, ("en", "nl"))
        pct = round(100 * self.level)
        ci = _t("ci_pct", lang, pct=pct)
        t = self.table
        name = _t("dr_shapley" if self.method == "shapley" else "dr_johnson", lang)
        r2ci = (_t("dr_r2_ci", lang, ci=ci, lo=num(100 * self.r2_ci_low, ".1f", lang),
                   hi=num(100 * self.r2_ci_high, ".1f", lang)) if not np.isnan(self.r2_ci_low) else "")
        out = [_t("dr_head", lang, k=len(t), r2=num(100 * self.r2, ".1f", lang), y=self.outcome, r2ci=r2ci,
                  n=num(self.n, ",", lang), name=name)]
        has_ci = not t["ci_low"].isna().all()
        for _, r in t.head(5).iterrows():
            rci = (_t("dr_r2_ci", lang, ci=ci, lo=num(r["ci_low"], ".1f", lang), hi=num(r["ci_high"], ".1f", lang))
                   if has_ci else "")
            out.append(_t("dr_row", lang, rank=r["rank"], d=driver_words(r["driver"], lang), share=num(r["pct_of_r2"], ".1f", lang),
                          ci=rci, y=self.outcome, r=num(r["correlation"], "+.2f", lang)))
        if len(t) >= 2 and has_ci:
            first, second = t.iloc[0], t.iloc[1]
            p_top = num(100 * first["p_top"], ".0f", lang)
            if first["ci_low"] <= second["ci_high"]:
                out.append(_t("dr_overlap", lang, a=driver_words(first["driver"], lang), b=driver_words(second["driver"], lang),
                               p=p_top))
            else:
                out.append(_t("dr_leads", lang, a=driver_words(first["driver"], lang), p=p_top))
        if self.r2 < 0.1:
            out.append(_t("dr_little", lang, y=self.outcome))
        out.append(_t("dr_assoc", lang, y=self.outcome))
        out += [f"- {message(n, lang)}" for n in [*self.notes, *extra_notes]]
        return "\n".join(out)


def relative_importance(frame: pd.DataFrame, outcome: str, drivers: Sequence[str], *, method: str = "auto",
                        missing: str = "listwise", n_boot: int = 500, seed: int = 0, level: float = 0.95,
                        min_n: int = 30, weights: str | None = None) -> Importance:
    """Relative importance of ``drivers`` for ``outcome`` with bootstrap intervals.

    Drivers without variance are left out (noted). With ``weights`` (survey weights) the
    correlation matrix is weighted (Pearson with weights), so the Shapley or relative-weights
    importance, betas and R² describe the weighted population; the bootstrap resamples rows
    with their weights and recomputes the weighted correlations in each resample.

    Parameters
    ----------
    method : {"auto", "shapley", "relative_weights"}
        ``auto``: Shapley up to 12 drivers, relative weights beyond.
    missing : {"listwise", "pairwise"}
        ``listwise`` uses only rows with every driver answered (the count
        left out is noted). ``pairwise`` builds the correlations from every
        pair of answers available (customers rarely rate every touchpoint);
        drivers are dropped until each pair has ``min_n`` rows, and an
        invalid correlation matrix is repaired (both noted). Pairwise results
        mix different customers per correlation: read them as indicative.
    n_boot : int
        Bootstrap resamples (0: no intervals).
    weights : str, optional
        Column of non-negative survey weights (rows without a weight are left out).
    """
    check_choice("method", method, METHODS)
    check_choice("missing", missing, ("listwise", "pairwise"))
    drivers = as_list(drivers)
    if not drivers:
        raise ParameterError("`drivers` must name at least one column.")
    if outcome in drivers:
        raise ParameterError(f"the outcome {outcome!r} cannot also be a driver.")
    check_columns(frame, [outcome, *drivers] + ([weights] if weights else []), argument="outcome/drivers/weights")
    if not isinstance(n_boot, int | np.integer) or (n_boot and n_boot < 50):
        raise ParameterError(f"`n_boot` must be 0 or a whole number >= 50; got {n_boot!r}.")
    notes = []
    pairwise = missing == "pairwise"
    d = frame[[outcome, *drivers]].apply(pd.to_numeric, errors="coerce")
    if weights:
        wall = pd.to_numeric(frame[weights], errors="coerce")
        if (wall < 0).any():
            raise ParameterError(f"column {weights!r}: weights must be non-negative; "
                                 f"{int((wall < 0).sum())} are negative.")
        d = d[wall.notna()]
    if pairwise:
        d = d[d[outcome].notna() & d[drivers].notna().any(axis=1)]
        drivers, dropped = _pairwise_drop(d, outcome, drivers, min_n)
        if dropped:
            notes.append(f"{dropped} share fewer than {min_n} answers with another driver: left out.")
        d = d[[outcome, *drivers]]
        d = d[d[drivers].notna().any(axis=1)] if drivers else d
        notes.append("Pairwise correlations: each one uses the customers who answered both, so different parts "
                     "rest on different customers; read the ranking as indicative.")
    else:
        d = d.dropna()
        if len(d) < len(frame):
            notes.append(f"{len(frame) - len(d):,} of {len(frame):,} rows miss the outcome or a driver and were "
                         "left out (listwise).")
    flat = [c for c in drivers if d[c].nunique() < 2]
    if flat:
        notes.append(f"{flat} have no variance: left out.")
        drivers = [c for c in drivers if c not in flat]
    if len(d) < max(min_n, len(drivers) + 3) or not drivers:
        raise DegenerateDataError(f"only {len(d)} complete rows for {len(drivers)} drivers of {outcome!r} "
                                  f"(need at least {max(min_n, len(drivers) + 3)}); use fewer drivers or a "
                                  "wider pairing window.")
    if d[outcome].nunique() < 2:
        raise DegenerateDataError(f"the outcome {outcome!r} has no variance: nothing to explain.")
    if method == "auto":
        method = "shapley" if len(drivers) <= MAX_SHAPLEY else "relative_weights"
    fn = shapley_r2 if method == "shapley" else relative_weights
    X = d[[outcome, *drivers]].to_numpy(float)
    W = pd.to_numeric(frame.loc[d.index, weights]).to_numpy(float) if weights else None
    if pairwise:
        raw = _wcorr_pairwise(X, W) if weights else pd.DataFrame(X).corr().to_numpy()
        if np.linalg.eigvalsh(raw).min() < 0:
            notes.append("The pairwise correlations did not form a valid matrix; the nearest valid one was used.")
    R, r = _corr(X, pairwise, W)
    imp = fn(R, r)
    beta = np.linalg.pinv(R) @ r
    r2 = float(r @ beta)
    rows = {"driver": drivers, "correlation": r, "beta": beta, "importance": imp,
            "pct_of_r2": 100 * imp / r2 if r2 > 0 else np.full(len(imp), np.nan)}
    lo = hi = np.full(len(drivers), np.nan)
    r2_lo = r2_hi = np.nan
    p_top = np.full(len(drivers), np.nan)
    if n_boot:
        rng = np.random.default_rng(seed)
        boot, boot_r2 = [], []
        for _ in progress(range(n_boot), desc="driver bootstrap", unit="sample"):
            idx = rng.integers(0, len(X), len(X))
            Xb = X[idx]
            if np.any(np.nanstd(Xb, axis=0) == 0):
                continue
            Rb, rb = _corr(Xb, pairwise, None if W is None else W[idx])
            if np.isnan(Rb).any() or np.isnan(rb).any():
                continue
            ib = fn(Rb, rb)
            tot = float(rb @ np.linalg.pinv(Rb) @ rb)
            boot.append(100 * ib / tot if tot > 0 else np.full(len(ib), np.nan))
            boot_r2.append(tot)
        boot = np.array(boot)
        a = (1 - level) / 2
        lo, hi = np.nanquantile(boot, a, axis=0), np.nanquantile(boot, 1 - a, axis=0)
        r2_lo, r2_hi = np.quantile(boot_r2, a), np.quantile(boot_r2, 1 - a)
        p_top = np.bincount(np.nanargmax(boot, axis=1), minlength=len(drivers)) / len(boot)
    table = pd.DataFrame({**rows, "n": d[drivers].notna().sum().to_numpy(), "ci_low": lo, "ci_high": hi,
                          "p_top": p_top})
    table = table.sort_values("importance", ascending=False).reset_index(drop=True)
    table.insert(5, "rank", np.arange(1, len(table) + 1))
    neg = table.loc[table["correlation"] < 0, "driver"].tolist()
    if neg:
        notes.append(f"{neg} correlate negatively with {outcome}: importance says how much, not which way.")
    return Importance(outcome=outcome, method=method, table=table, n=len(d), r2=r2, r2_ci_low=float(r2_lo),
                      r2_ci_high=float(r2_hi), level=level, n_boot=int(n_boot), seed=seed, notes=tuple(notes))


def driver_frame(ds: Dataset, outcome: str | None = None, drivers: Sequence[str] | None = None, *,
                 by_touchpoint: bool = False, window_days: int | None = 365,
                 min_answers: int = 30) -> tuple[pd.DataFrame, list[str], list[str]]:
    """One row per customer: their first ``outcome`` answer and their nearest answer to each driver.

    Parameters
    ----------
    outcome : str, optional
        Outcome metric (default: the first NPS metric).
    drivers : list of str, optional
        Driver metrics, or columns of the answers/customers (e.g. attribute
        ratings kept as ``extra`` columns of a wide survey file). Default:
        every CSAT and CES metric.
    by_touchpoint : bool
        Split each driver metric by touchpoint (``csat_onboarding``...).
    window_days : int or None
        Driver answers must lie within this many days of the outcome answer
        (nearest taken). Ignored without dates.
    min_answers : int
        Drivers answered by fewer customers are left out (noted).

    Returns
    -------
    frame : DataFrame
        ``customer_id``, the outcome (named after the metric) and one column per driver; with survey
        weights (``ds.weighted``) also ``weight``, the weight of the outcome answer.
    drivers : list of str
        The driver columns kept.
    notes : list of str
    """
    outcome = outcome or next(iter(ds.metrics("nps")), None)
    if not outcome:
        raise ParameterError(f"dataset {ds.name!r} has no NPS metric; name the outcome metric.")
    r = ds.responses.assign(customer_id=lambda d: plain_ids(d["customer_id"]))
    if outcome == "churned" and outcome not in ds.scales:  # the churn flag as outcome (no NPS; see driver_outcome)
        if ds.customers is None or "churned" not in ds.customers.columns:
            raise ParameterError(f"dataset {ds.name!r} has no `churned` customer column to use as the outcome.")
        dated = False  # one flag per customer: drivers are each customer's first answers
        base = ds.customers.assign(customer_id=lambda d: plain_ids(d["customer_id"])).drop_duplicates("customer_id")
        base = base[base["churned"].notna()]
        frame = base[["customer_id"]].copy()
        frame[outcome] = base["churned"].astype(float).to_numpy()
    else:
        ds.scale(outcome)
        dated = "answered_at" in r.columns and r["answered_at"].notna().any()
        base = r[r["metric"] == outcome]
        if dated:
            base = base.sort_values("answered_at", kind="stable")
        base = base.drop_duplicates("customer_id")
        frame = base[["customer_id"] + (["answered_at"] if dated else [])].copy()
        frame[outcome] = base["score"].to_numpy()
        if ds.weighted:  # the survey weight of the outcome answer weights the customer's row
            frame["weight"] = pd.to_numeric(base["weight"], errors="coerce").to_numpy()
    notes: list[str] = []
    if drivers:
        wanted = as_list(drivers)
    else:
        wanted = [m for m in ds.metrics() if ds.scale(m).kind in ("csat", "ces") and m != outcome]
    metric_drivers = [m for m in wanted if m in ds.scales]
    cust = None if ds.customers is None else ds.customers.assign(customer_id=lambda d: plain_ids(d["customer_id"]))
    col_drivers = [c for c in wanted if c not in ds.scales]
    unknown = [c for c in col_drivers if c not in r.columns and (cust is None or c not in cust.columns)]
    if unknown:
        raise ParameterError(f"`drivers` {unknown} are neither metrics ({sorted(ds.scales)}) nor columns of the "
                             f"answers or customers.")
    keys: list[str] = []
    for m in metric_drivers:
        rows = r[(r["metric"] == m)]
        if by_touchpoint and "touchpoint" in rows.columns and rows["touchpoint"].notna().any():
            parts = [(f"{m}_{tp}", g) for tp, g in rows.groupby("touchpoint", observed=True)]
        else:
            parts = [(m, rows)]
        for key, g in parts:
            g = g[["customer_id", "score"] + (["answered_at"] if dated else [])].rename(columns={"score": key})
            if dated:
                g = g[g["answered_at"].notna()].rename(columns={"answered_at": f"{key}_at"}).sort_values(f"{key}_at")
                tol = None if window_days is None else pd.Timedelta(days=int(window_days))
                frame = pd.merge_asof(frame.sort_values("answered_at"), g, left_on="answered_at",
                                      right_on=f"{key}_at", by="customer_id", direction="nearest",
                                      tolerance=tol).drop(columns=f"{key}_at")
            else:
                frame = frame.merge(g.drop_duplicates("customer_id"), on="customer_id", how="left")
            keys.append(key)
    for c in col_drivers:
        if c in r.columns and c in base.columns:
            frame[c] = pd.to_numeric(base.set_index("customer_id")[c], errors="coerce").reindex(
                frame["customer_id"]).to_numpy()
        else:
            frame[c] = pd.to_numeric(cust.set_index("customer_id")[c], errors="coerce").reindex(
                frame["customer_id"]).to_numpy()
        keys.append(c)
    counts = frame[keys].notna().sum()
    rare = counts[counts < min_answers]
    if len(rare):
        notes.append("Drivers answered by fewer than " f"{min_answers} customers left out: "
                     + ", ".join(f"{k} (n={v})" for k, v in rare.items()) + ".")
    kept = [k for k in keys if k not in rare.index]
    if dated and window_days is not None:
        notes.append(f"Driver answers are the customer's nearest within {window_days} days of their first "
                     f"{outcome} answer.")
    elif not dated:
        notes.append("No answer dates: each customer's answers are combined as given.")
    return frame.reset_index(drop=True), kept, notes


def describe_drivers(result: Importance | DriverStudy, lang: str = "en", extra_notes: Sequence[str] = ()) -> str:
    """Plain sentences from a :class:`DriverStudy` or an :class:`Importance` (see :meth:`Importance.describe`)."""
    imp = result.importance if isinstance(result, DriverStudy) else result
    return imp.describe(lang, extra_notes)


@dataclass(frozen=True, repr=False)
class DriverStudy(Study):
    """Everything the drivers notebook shows: the relative importance and the answers it used.

    Attributes
    ----------
    dataset : str
    importance : Importance
        Relative importance of the drivers (its ``notes`` include the data checks' notes).
    frame : DataFrame
        One row per customer: ``customer_id``, the outcome and one column per driver.
    params : mapping
        The parameters of the run.
    """

    dataset: str
    importance: Importance
    frame: pd.DataFrame
    params: Mapping[str, object]

    @property
    def notes(self) -> tuple[str, ...]:  # type: ignore[override]
        return self.importance.notes

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """``importance`` (one row per driver) and ``answers`` (per column: count, mean, sd, quartiles)."""
        answers = self.frame.drop(columns=["customer_id", "answered_at", "weight"], errors="ignore").describe().T
        return {"importance": self.importance.table, "answers": answers.rename_axis("column").reset_index()}

    @property
    def figures(self) -> dict[str, Callable[..., Any]]:
        """``importance``: the drivers' shares of R² with their intervals."""
        def importance(ax: Any = None, lang: str = "en") -> Any:
            from ..report import i18n, plots

            imp = self.importance
            ax = plots.driver_importance(imp.table, ax=ax, outcome=imp.outcome, lang=lang)
            ax.set_title(i18n.text("ti_drivers", lang, y=imp.outcome, r2=i18n.num(imp.r2, ".2f", lang),
                                   n=i18n.fmt(imp.n, 0, lang)))
            return ax

        return {"importance": importance}

    def describe(self, lang: str = "en") -> str:
        """The "what the data says" text, generated from the results (markdown bullets)."""
        return self.importance.describe(lang)


def driver_outcome(ds: Dataset, outcome: str | None = None, drivers: Sequence[str] | None = None,
                   lang: str = "en") -> tuple[str | None, str, str]:
    """The outcome the drivers study can use on ``ds``, and what to tell the reader about it.

    Default: the first NPS metric. Without NPS, the first CSAT metric that leaves other CSAT/CES
    metrics (or the given ``drivers``) to explain it; else the customers' churn flag with every
    score as a driver. Without any of these the question does not apply.

    Returns
    -------
    outcome : str or None
        Metric name, ``"churned"``, or None when nothing applies.
    note : str
        A sentence saying the outcome replaces NPS ("" when NPS is used or the outcome was given).
    missing : str
        A plain paragraph when the question cannot be answered on this data, else "".
    """
    if outcome:
        return outcome, "", ""
    nps_m = ds.metrics("nps")
    if nps_m:
        return nps_m[0], "", ""
    scores = [m for m in ds.metrics() if ds.scale(m).kind in ("csat", "ces")]
    for m in ds.metrics("csat"):
        if drivers or [d for d in scores if d != m]:
            return m, _t("dr_no_nps_metric", lang, y=m), ""
    if scores and ds.customers is not None and "churned" in ds.customers.columns:
        return "churned", _t("dr_no_nps_churn", lang, drivers=", ".join(scores)), ""
    return None, "", _t("dr_na", lang, metrics=", ".join(ds.metrics()) or "-")


def driver_study(ds: Dataset, outcome: str | None = None, drivers: Sequence[str] | None = None, *,
                 by_touchpoint: bool = False, window_days: int | None = 365, method: str = "auto",
                 missing: str = "listwise",
                 n_boot: int = 500, seed: int = 0, level: float = 0.95, min_n: int = 30) -> DriverStudy:
    """:func:`driver_frame` then :func:`relative_importance`, as a :class:`DriverStudy`.

    The importance's ``notes`` gather the fit's notes and the data checks' notes.
    """
    frame, kept, notes = driver_frame(ds, outcome, drivers, by_touchpoint=by_touchpoint, window_days=window_days,
                                      min_answers=min_n)
    outcome = outcome or ds.metrics("nps")[0]
    if not kept and not drivers and not ds.metrics("nps"):
        raise DegenerateDataError(f"dataset {ds.name!r} has no NPS metric and {outcome!r} has no drivers to explain "
                                  "it; use cxkit.driver_outcome to pick an outcome the data allows.")
    if not kept:
        raise DegenerateDataError(f"no driver has at least {min_n} answers paired with {outcome!r}.")
    wcol = "weight" if "weight" in frame.columns and "weight" not in kept else None
    imp = relative_importance(frame, outcome, kept, method=method, missing=missing, n_boot=n_boot, seed=seed,
                              level=level, min_n=min_n, weights=wcol)
    if wcol:
        notes.append("Survey weights applied (each customer weighted by their outcome answer's weight): weighted "
                     "correlations, importance and R², bootstrap resampling customers with their weights.")
    elif outcome == "churned" and ds.weighted:
        notes.extend(ds.unweighted_note())
    imp = replace(imp, notes=(*imp.notes, *notes))
    params = {"outcome": outcome, "drivers": list(kept), "by_touchpoint": by_touchpoint, "window_days": window_days,
              "method": method, "missing": missing, "n_boot": n_boot, "seed": seed, "level": level, "min_n": min_n}
    return DriverStudy(dataset=ds.name, importance=imp, frame=frame, params=params)
