"""League tables of units (stores, agents, touchpoints) with empirical-Bayes shrinkage.

Ranking units by their raw NPS or CSAT puts the smallest ones at the top and the bottom by chance.
:func:`league` shrinks each unit's score towards the overall level by as much as its few answers
warrant (:mod:`cxkit.stats.shrinkage`), and gives the rank interval and the probability that a unit
really is among the worst (best) ``tail`` of units. Small units are shown shrunken, not blanked;
blanking for privacy stays under its own setting (``min_n``, :func:`cxkit.stats.suppression.suppress`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from .._checks import as_list, check_choice, check_columns, check_level, check_min_n
from .._results import Result
from ..errors import DataError, ParameterError
from ..scales import Scale
from .engines import open_frame
from .intervals import nps_adjusted_wald, wilson
from .metrics import prepare_counts, totals
from .shrinkage import DMFit, fit_dirichlet_multinomial, posterior_draws, rank_summary
from .suppression import suppress

__all__ = ["League", "league", "LEAGUE_METRICS"]

LEAGUE_METRICS = ("nps", "csat", "ces", "churn")
_COUNT_NAME = {"csat": "top_box", "ces": "easy", "churn": "churned"}
_METRIC_WORD = {"nps": "NPS", "csat": "CSAT", "ces": "CES", "churn": "churn"}


@dataclass(frozen=True, repr=False)
class League(Result):
    """A league table of units with raw and shrunken scores (:func:`league`).

    Attributes
    ----------
    table : DataFrame
        One row per unit, best first (see :func:`league` for the columns).
    metric : str
        ``nps``, ``csat``, ``ces`` or ``churn``.
    unit : list of str
        The unit column(s).
    fit : DMFit
        The fitted prior (``alpha``, prior mean, ``strength`` = the prior counts as that many answers).
    level, tail : float
        Interval level; share of units counted as the bottom / top.
    notes : tuple of str
    """

    table: pd.DataFrame
    metric: str
    unit: list[str]
    fit: DMFit
    level: float
    tail: float
    notes: tuple[str, ...] = field(default=())
    title = "League table"

    @property
    def higher_is_better(self) -> bool:
        return self.metric != "churn"

    @property
    def unit_label(self) -> str:
        return " / ".join(self.unit)

    @property
    def prior_score(self) -> float:
        """The overall level every unit is shrunk towards, in the table's units (points or %)."""
        m = self.fit.mean
        return float(100 * (m[2] - m[0])) if self.metric == "nps" else float(100 * m[1])

    def summary(self) -> pd.DataFrame:
        """The league table (one row per unit, best first)."""
        return self.table

    def reader_table(self) -> pd.DataFrame:
        """The columns a report reader needs, for ``cx.show(league.reader_table(), lang)``.

        The unit (headed by its column name), n, own and shrunken score with intervals, rank and rank interval
        (whole numbers), and the chances in % of being among the worst / best ``tail`` of units
        (``chance_bottom_pct``, ``chance_top_pct``); the privacy columns stay for the table's footnote.
        When the units do not differ beyond chance (``fit.degenerate``) they have no rank: the rank and
        chance columns are left out rather than shown as blanks, which a reader would take for too few
        answers (the notes say why there is no ranking).
        """
        t = self.table
        out = pd.DataFrame({self.unit_label: t["unit"]})
        for c in ("n", "raw", "raw_ci_low", "raw_ci_high", "shrunken", "shrunken_ci_low", "shrunken_ci_high"):
            out[c] = t[c]
        if not self.fit.degenerate:
            for c in ("rank", "rank_low", "rank_high"):
                out[c] = t[c].round().astype("Int64")
            out["chance_bottom_pct"] = 100 * t["p_bottom"]
            out["chance_top_pct"] = 100 * t["p_top"]
        for c in ("note", "suppressed", "suppressed_reason", "suppressed_min_n", "suppressed_unit"):
            out[c] = t[c]
        return out

    def headline(self) -> str:
        pct = round(100 * self.tail)
        t = self.table
        if self.fit.degenerate or t["p_bottom"].isna().all():
            return (f"The {len(t)} units do not differ by {_METRIC_WORD[self.metric]} beyond chance: every {self.unit_label} "
                    "is shrunk to the overall level.")
        i = int(np.nanargmax(t["p_bottom"].to_numpy(float)))
        who = (f"{self.unit[0]} {t['unit'].iloc[i]}" if len(self.unit) == 1
               else f"{t['unit'].iloc[i]} ({self.unit_label})")
        return (f"{who} is most likely in the bottom {pct} % (P = {t['p_bottom'].iloc[i]:.2f}) of {len(t)} units "
                f"by {_METRIC_WORD[self.metric]}.")


def _unit_names(t: pd.DataFrame, unit: list[str]) -> pd.Series:
    return t[unit].astype(str).agg(" / ".join, axis=1) if len(unit) > 1 else t[unit[0]].astype(str)


def _counts(data, metric, unit, score, scale, churned, source) -> tuple[pd.DataFrame, np.ndarray, Scale | None]:
    """Per-unit table (unit columns, n, category counts) and the count matrix ``units x K``."""
    if metric == "churn":
        if not isinstance(data, pd.DataFrame):
            raise ParameterError("`metric='churn'` needs a pandas DataFrame of customers with a churn flag; got "
                                 f"{type(data).__name__}.")
        check_columns(data, [*unit, churned], argument="unit/churned", source=source)
        flag = data[churned]
        if flag.isna().any() or not flag.isin([0, 1, True, False]).all():
            bad = np.flatnonzero((flag.isna() | ~flag.isin([0, 1, True, False])).to_numpy()) + 1
            raise DataError(f"{source}, column {churned!r}: expected True/False or 1/0 churn flags; problem in "
                            f"{len(bad)} row(s), the first {bad[:5].tolist()}.")
        g = data[unit].assign(_c=flag.astype(bool)).groupby(unit, observed=True, dropna=True)["_c"]
        t = g.agg(n="size", churned="sum").reset_index()
        t["churned"] = t["churned"].astype("int64")
        return t, np.column_stack([t["n"] - t["churned"], t["churned"]]), None
    if scale is None:
        if metric == "ces":
            raise ParameterError("`metric='ces'` needs `scale`: a CES Scale declaring its direction, e.g. "
                                 "Scale.ces(1, 7, 'higher_is_easier', easy=[5, 6, 7]); got None.")
        scale = Scale.nps() if metric == "nps" else Scale.csat()
    if not isinstance(scale, Scale) or scale.kind != metric:
        raise ParameterError(f"`scale` must be a {metric.upper()} Scale for `metric={metric!r}`; got "
                             f"{scale.describe() if isinstance(scale, Scale) else repr(scale)}.")
    counts, groups = prepare_counts(data, score, scale, unit, None, None, "M", source)
    tot = totals(counts, groups, score, scale.good, scale.bad)
    t = tot[unit].copy()
    t["n"] = tot["n"].astype("int64")
    good = tot["good_n"].to_numpy("int64")
    if metric == "nps":
        bad = tot["bad_n"].to_numpy("int64")
        t["promoters"], t["passives"], t["detractors"] = good, t["n"].to_numpy() - good - bad, bad
        return t, np.column_stack([bad, t["passives"], good]), scale
    t[_COUNT_NAME[metric]] = good
    return t, np.column_stack([t["n"] - good, good]), scale


def league(data, unit: str | Sequence[str] = "store", metric: str = "nps", *, score: str = "score",
           scale: Scale | None = None, churned: str = "churned", level: float = 0.95, tail: float = 0.10,
           n_draws: int = 4000, seed: int = 0, min_n: int = 0, source: str = "data") -> League:
    """League table of units by a metric, with empirical-Bayes shrunken scores and rank intervals.

    Each unit's counts (NPS: detractors, passives, promoters; a share: good and not good) are taken to
    come from one Dirichlet (beta) distribution of the units' true proportions, fitted by maximum
    likelihood on the count table (:func:`cxkit.stats.shrinkage.fit_dirichlet_multinomial`). A unit's
    shrunken score is its posterior mean: with few answers it sits near the overall level, with many near
    its raw score. Ranks and the probabilities of being in the bottom / top ``tail`` of units come from
    ``n_draws`` seeded draws of the conjugate posteriors (reproducible). Hyper-parameters are plugged in
    (empirical Bayes), so the intervals leave out their uncertainty; with many units it is small.

    Parameters
    ----------
    data : DataFrame, DuckDB relation, PySpark DataFrame or Parquet/CSV path
        One row per answer of one metric (``metric="churn"``: one row per customer, pandas only).
    unit : str or list of str
        Unit column(s); several are combined (``"consumer / chat"``).
    metric : {"nps", "csat", "ces", "churn"}
        NPS (Dirichlet-multinomial), CSAT top box, CES % easy or churn share (beta-binomial).
    score : str
        Answer column (not used for churn).
    scale : Scale, optional
        As in :func:`cxkit.nps` / :func:`cxkit.csat`; required for CES.
    churned : str
        Churn flag column (True/False or 1/0) for ``metric="churn"``.
    level : float
        Level of every interval (raw, posterior and rank).
    tail : float
        Share of units counted as the bottom (top), 0 < tail <= 0.5: the ``max(1, round(tail * units))``
        worst (best) units.
    n_draws, seed : int
        Posterior draws and the seed of their generator.
    min_n : int
        Privacy threshold: units with fewer answers have every figure blanked (they still count in the
        fit and the ranking). Default 0: shrinkage already handles the uncertainty of small units.
    source : str
        Names the data in error messages.

    Returns
    -------
    League
        ``League.summary()``: one row per unit, best first, with the unit column(s) and
        unit : the unit's name (columns joined by " / ")
        n : answers (churn: customers)
        promoters, passives, detractors (NPS) or top_box / easy / churned : counts
        raw, raw_ci_low, raw_ci_high : the unit's own score and interval (NPS: adjusted Wald, points;
            shares: Wilson, %)
        shrunken, shrunken_ci_low, shrunken_ci_high : posterior mean and equal-tailed posterior interval
        shrinkage : weight of the overall level in the shrunken score, ``A / (A + n)`` (0 none, 1 fully)
        rank : rank of the shrunken score (1 = best; churn: lowest); mean_rank, rank_low, rank_high : the
            posterior mean rank and rank interval
        p_bottom, p_top : posterior probability of being among the worst / best ``tail`` of units
        note, suppressed, suppressed_reason, suppressed_min_n, suppressed_unit : privacy blanking
            (:func:`cxkit.stats.suppression.suppress`)

    Raises
    ------
    ParameterError
        Unknown metric, bad level / tail / n_draws, missing scale for CES.
    ParameterError
        Unit, score or churn column missing (named with the columns available).
    DataError
        Bad answers or churn flags.
    DegenerateDataError
        One unit only, or every answer in one category.
    """
    check_choice("metric", metric, LEAGUE_METRICS)
    level = check_level(level)
    min_n = check_min_n(min_n)
    unit = as_list(unit, "unit")
    if not unit:
        raise ParameterError("`unit` must name the unit column(s), e.g. unit='store'; got none.")
    if not isinstance(tail, (int, float)) or isinstance(tail, bool) or not 0 < tail <= 0.5:
        raise ParameterError(f"`tail` must be a share of units between 0 and 0.5, e.g. 0.1; got {tail!r}.")
    if not isinstance(n_draws, (int, np.integer)) or isinstance(n_draws, bool) or n_draws < 100:
        raise ParameterError(f"`n_draws` must be an integer of at least 100, e.g. 4000; got {n_draws!r}.")
    # Name the argument a missing column came from (engines: from their schema, no rows read).
    frame = data if isinstance(data, pd.DataFrame) or metric == "churn" else open_frame(data, source)
    check_columns(frame, unit, argument="unit", source=source)
    check_columns(frame, [churned] if metric == "churn" else [score],
                  argument="churned" if metric == "churn" else "score", source=source)
    t, x, scale = _counts(data, metric, unit, score, scale, churned, source)
    keep = x.sum(axis=1) > 0
    t, x = t[keep].reset_index(drop=True), x[keep]
    what = f"{source}: {metric} per {' / '.join(unit)}"
    fit = fit_dirichlet_multinomial(x, what=what)
    K = x.shape[1]
    weights = np.array([-1.0, 0.0, 1.0]) if K == 3 else np.array([0.0, 1.0])
    n = x.sum(axis=1)
    # raw scores with the intervals every cxkit table uses
    if metric == "nps":
        p_pro, p_det = x[:, 2] / n, x[:, 0] / n
        raw = 100 * (p_pro - p_det)
        lo, hi = nps_adjusted_wald(p_pro, p_det, n, level)
        raw_lo, raw_hi = 100 * np.clip(lo, -1, 1), 100 * np.clip(hi, -1, 1)
    else:
        raw = 100 * x[:, 1] / n
        lo, hi = wilson(x[:, 1], n, level)
        raw_lo, raw_hi = 100 * lo, 100 * hi
    draws = posterior_draws(fit, x, weights, n_draws, seed)
    q = [0.5 - level / 2, 0.5 + level / 2]
    notes = []
    out = t.copy()
    out.insert(0, "unit", _unit_names(t, unit))
    out["raw"], out["raw_ci_low"], out["raw_ci_high"] = raw, raw_lo, raw_hi
    if fit.degenerate:
        post = float(fit.mean @ weights)
        # One common proportion: its posterior (flat prior) from all answers pooled.
        pooled = x.sum(axis=0)
        if K == 2:
            plo, phi = stats.beta.ppf(q, pooled[1] + 1, pooled[0] + 1)
        else:
            g = np.random.default_rng(seed).dirichlet(pooled + 1, n_draws) @ weights
            plo, phi = np.quantile(g, q)
        out["shrunken"], out["shrunken_ci_low"], out["shrunken_ci_high"] = 100 * post, 100 * plo, 100 * phi
        out["shrinkage"] = 1.0
        for c in ("mean_rank", "rank_low", "rank_high", "p_bottom", "p_top"):
            out[c] = np.nan
        notes.append(f"The units do not vary in {_METRIC_WORD[metric]} beyond what sampling explains (between-unit variance 0): "
                     "every unit is shrunk fully to the overall level and they cannot be ranked.")
    else:
        post = (fit.alpha[None, :] + x) / (fit.strength + n)[:, None] @ weights
        if K == 2:
            a = fit.alpha[1] + x[:, 1]
            b = fit.alpha[0] + x[:, 0]
            plo, phi = stats.beta.ppf(q[0], a, b), stats.beta.ppf(q[1], a, b)
        else:
            plo, phi = np.quantile(draws, q, axis=0)
        out["shrunken"], out["shrunken_ci_low"], out["shrunken_ci_high"] = 100 * post, 100 * plo, 100 * phi
        out["shrinkage"] = fit.strength / (fit.strength + n)
        mean_rank, rlo, rhi, pb, pt = rank_summary(draws, higher_is_better=metric != "churn", level=level,
                                                   tail=tail)
        out["mean_rank"], out["rank_low"], out["rank_high"], out["p_bottom"], out["p_top"] = (
            mean_rank, rlo, rhi, pb, pt)
        if not fit.converged:
            notes.append("The fit of the overall distribution did not converge; treat the shrunken scores with care.")
    order = np.argsort(-out["shrunken"].to_numpy() if metric != "churn" else out["shrunken"].to_numpy(),
                       kind="stable")
    out = out.iloc[order].reset_index(drop=True)
    out.insert(out.columns.get_loc("mean_rank"), "rank", np.arange(1, len(out) + 1))
    if fit.degenerate:  # every unit has the same shrunken score: no order to give
        out["rank"] = np.nan
    out["note"] = ""
    values = ["raw", "raw_ci_low", "raw_ci_high", "shrunken", "shrunken_ci_low", "shrunken_ci_high", "shrinkage",
              "rank", "mean_rank", "rank_low", "rank_high", "p_bottom", "p_top"]
    out = suppress(out, size_col="n", value_cols=values, min_n=min_n,
                   unit="customers" if metric == "churn" else "answers")
    return League(table=out, metric=metric, unit=unit, fit=fit, level=level, tail=float(tail), notes=tuple(notes))
