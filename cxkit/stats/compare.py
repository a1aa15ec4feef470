"""Comparing groups and periods: differences with intervals and tests.

The statistic compared depends on the scale's kind unless given:

=========  ==========================================  =============================
statistic  estimate (units)                            test
=========  ==========================================  =============================
nps        NPS difference (points)                     adjusted-Wald z (Rocks 2016)
top_box    difference of good shares (% points)        two-proportion score test,
                                                       Newcombe interval
mean       difference of means (scale units)           Welch t (or Mann-Whitney U)
=========  ==========================================  =============================

Defaults: NPS scales -> ``nps``, CSAT -> ``top_box``, CES -> ``mean``.

Every test uses only per-group counts, so ``data`` may be a pandas DataFrame, a
DuckDB relation, a PySpark DataFrame or a Parquet/CSV path: the counting runs in
that engine (:mod:`cxkit.engines`) and the results do not depend on which.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from itertools import combinations

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep, test_proportions_2indep

from .._checks import as_list, check_alpha, check_choice, check_level, check_min_n
from .._results import Result, p_text
from ..errors import DegenerateDataError, ParameterError
from ..scales import Scale
from .intervals import CORRECTIONS, adjust_p, nps_diff_adjusted_wald
from .metrics import DEFAULT_MIN_N, prepare_counts, totals
from .multiplicity import register
from .power import DEFAULT_DETECT, POWER, mdd, n_needed, unit_variance
from .suppression import suppress

__all__ = ["Comparison", "compare", "pairwise", "changes", "STATISTICS", "CORRECTIONS"]

STATISTICS = ("nps", "top_box", "mean")
_DEFAULT_STAT = {"nps": "nps", "csat": "top_box", "ces": "mean"}


@dataclass(frozen=True, repr=False)
class Comparison(Result):
    """One difference between two groups (``a - b``) with its interval and test.

    ``diff`` is the plain difference of the two figures; ``se`` is the standard error the interval
    used (NPS: of the adjusted-Wald difference, which the interval is centred on; mean: Welch; top box:
    NaN, the Newcombe interval has none). ``n_eff_a``/``n_eff_b`` are Kish's effective sizes, to which
    ``min_n`` applies for weighted data.
    """

    statistic: str
    group: str
    a: str
    b: str
    n_a: int
    n_b: int
    value_a: float
    value_b: float
    diff: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float
    test: str
    level: float
    note: str = ""
    suppressed: bool = False
    suppressed_reason: str = ""
    suppressed_min_n: int = DEFAULT_MIN_N
    suppressed_unit: str = "answers"
    n_eff_a: float = float("nan")
    n_eff_b: float = float("nan")
    mdd: float = float("nan")
    n_needed: float = float("nan")

    @property
    def notes(self) -> tuple[str, ...]:  # type: ignore[override]
        return (self.note,) if self.note else ()

    def power_note(self, lang: str = "en") -> str:
        """What the data could detect, for a difference that is not significant (or blank): "" otherwise.

        "With 120 answers per group, only differences of about 14 NPS points or more are detectable at
        80 % power; 5 NPS points needs about 950 answers per group." (:mod:`cxkit.stats.power`).
        """
        from ..report import i18n  # lazily: sentences live in report

        if (self.p_value < 0.05) or math.isnan(self.mdd):
            return ""
        digits = ".2f" if self.statistic == "mean" else ".0f"
        return i18n.text("cmp_mdd", lang, n=i18n.num(min(self.n_eff_a, self.n_eff_b), ",.0f", lang),
                         mdd=i18n.num(self.mdd, digits, lang), unit=i18n.text("bn_unit_" + self.statistic, lang),
                         power=round(100 * POWER), d=i18n.num(DEFAULT_DETECT[self.statistic], digits, lang),
                         need=i18n.num(self.n_needed, ",.0f", lang))

    def summary(self) -> pd.DataFrame:
        """The comparison as one row (every field)."""
        return pd.DataFrame([asdict(self)])

    def headline(self) -> str:
        unit = {"nps": " points", "top_box": " %-points", "mean": ""}[self.statistic]
        pct = round(100 * self.level)
        return (f"{self.statistic} {self.group}={self.a} vs {self.b}: {self.value_a:.2f} (n={self.n_a}) vs "
                f"{self.value_b:.2f} (n={self.n_b}); difference {self.diff:+.2f}{unit}, {pct}% CI "
                f"[{self.ci_low:.2f}, {self.ci_high:.2f}], {p_text(self.p_value)} ({self.test})")


def _resolve(scale: Scale | None, statistic: str | None, level: float = 0.95, min_n: int = DEFAULT_MIN_N,
             alpha: float = 0.05) -> tuple[Scale, str]:
    """Check the arguments every comparison shares (before any work is done)."""
    check_level(level)
    check_min_n(min_n)
    check_alpha(alpha)
    scale = Scale.nps() if scale is None else scale
    if not isinstance(scale, Scale):
        raise ParameterError(f"`scale` must be a cxkit Scale; got {type(scale).__name__}.")
    statistic = statistic or _DEFAULT_STAT[scale.kind]
    check_choice("statistic", statistic, STATISTICS)
    if statistic == "nps" and scale.kind != "nps":
        raise ParameterError(f"`statistic='nps'` needs an NPS scale; got {scale.describe()}.")
    return scale, statistic


def _values(row: pd.Series, statistic: str) -> tuple[float, float]:
    """Estimate and its sampling variance for one group's totals row."""
    W, neff = row["w"], row["n_eff"]
    if statistic == "nps":
        pp, pd_ = row["good_w"] / W, row["bad_w"] / W
        return 100 * (pp - pd_), unit_variance("nps", p_good=pp, p_bad=pd_) / neff
    if statistic == "top_box":
        p = row["good_w"] / W
        return 100 * p, unit_variance("top_box", p_good=p) / neff
    mean = row["wx"] / W
    var = max(row["wxx"] / W - mean**2, 0.0) * neff / max(neff - 1, 1e-12)
    return mean, unit_variance("mean", sd=np.sqrt(var)) / neff


def _pair(ta: pd.Series, tb: pd.Series, statistic: str, level: float, test: str | None,
          counts_a=None, counts_b=None) -> dict:
    va, var_a = _values(ta, statistic)
    vb, var_b = _values(tb, statistic)
    diff = va - vb
    note = ""
    if statistic == "nps":
        # Adjusted Wald on both groups (Rocks 2016; as nps_test_(test = "adjusted.wald") in his NPS R package):
        # defined for groups with every answer in one category, where the plain Wald SE is 0.
        shares = [(r["good_w"] / r["w"], r["bad_w"] / r["w"], r["n_eff"]) for r in (ta, tb)]
        _, se, lo, hi, p = (float(x) for x in nps_diff_adjusted_wald(*shares[0], *shares[1], level))
        se, lo, hi = 100 * se, 100 * lo, 100 * hi
        if var_a == 0 and var_b == 0:
            note = "no variance: every answer in both groups is in one category; the interval comes from the " \
                   "adjusted-Wald pseudo-answers"
        elif var_a == 0 or var_b == 0:
            note = "no variance in one group: every answer is in one category"
        if not lo - 1e-9 <= diff <= hi + 1e-9:
            note = (note + "; " if note else "") + "interval (centred on the adjusted difference) does not " \
                   "contain the difference: too few answers at an extreme"
        name = "adjusted-Wald z (Rocks 2016)"
    elif statistic == "top_box":
        ca, na = ta["good_w"] / ta["w"] * ta["n_eff"], ta["n_eff"]
        cb, nb = tb["good_w"] / tb["w"] * tb["n_eff"], tb["n_eff"]
        lo, hi = confint_proportions_2indep(ca, na, cb, nb, method="newcombe", compare="diff", alpha=1 - level)
        lo, hi = 100 * lo, 100 * hi
        se = np.nan  # the Newcombe interval is built from two Wilson intervals, not from one SE
        if (ca in (0, na)) and (cb in (0, nb)) and ca / na == cb / nb:
            p = 1.0
        else:
            # correction=False: the plain pooled score z test (Miettinen-Nurminen's n/(n-1) off).
            p = test_proportions_2indep(ca, na, cb, nb, method="score", compare="diff", correction=False).pvalue
        name = "two-proportion score test, Newcombe interval"
    else:
        na, nb = ta["n_eff"], tb["n_eff"]
        se = np.sqrt(var_a + var_b)
        if se == 0:
            lo = hi = diff
            p = np.nan
            note = "no variance in either group: no test"
        else:
            df = (var_a + var_b) ** 2 / (var_a**2 / max(na - 1, 1) + var_b**2 / max(nb - 1, 1))
            tq = stats.t.ppf(0.5 + level / 2, df)
            lo, hi = diff - tq * se, diff + tq * se
            p = 2 * stats.t.sf(abs(diff) / se, df)
        name = "Welch t"
        if test == "mannwhitney":
            if counts_a is None:
                raise ParameterError("`test='mannwhitney'` needs unweighted data.")
            p = stats.mannwhitneyu(counts_a, counts_b, alternative="two-sided").pvalue
            name = "Mann-Whitney U (interval: Welch)"
    # what the data could have detected (stats/power), from the same per-answer variances as the test
    unit_a, unit_b = var_a * ta["n_eff"], var_b * tb["n_eff"]
    return {"n_a": int(ta["n"]), "n_b": int(tb["n"]), "n_eff_a": float(ta["n_eff"]), "n_eff_b": float(tb["n_eff"]),
            "value_a": va, "value_b": vb, "diff": diff, "se": float(se),
            "ci_low": float(lo), "ci_high": float(hi), "p_value": float(p), "test": name, "note": note,
            "mdd": float(mdd(unit_a, ta["n_eff"], unit_b, tb["n_eff"])),
            "n_needed": float(n_needed(DEFAULT_DETECT[statistic], unit_a, unit_b))}


def _expand(counts: pd.DataFrame, score: str) -> np.ndarray:
    return np.repeat(counts[score].to_numpy(float), counts["n"].to_numpy())


def _group_totals(data, score, scale, group_cols, weight, source, period=None, freq="M"):
    """Count table and per-group totals, counted in the data's engine (pandas, DuckDB, Spark, files)."""
    counts, groups = prepare_counts(data, score, scale, group_cols, weight, period, freq, source)
    return counts, totals(counts, groups, score, scale.good, scale.bad)


def compare(data: pd.DataFrame, group: str, a: object, b: object, score: str = "score", *,
            scale: Scale | None = None, statistic: str | None = None, weight: str | None = None,
            test: str | None = None, level: float = 0.95, min_n: int = DEFAULT_MIN_N,
            source: str = "data") -> Comparison:
    """Compare group ``a`` with group ``b`` of column ``group``: difference ``a - b``.

    Parameters
    ----------
    group : str
        Column holding the groups (segment, channel, period...).
    a, b : values of ``group``
    scale : Scale, optional
        The answers' scale (default: NPS 0..10). Decides the default statistic.
    statistic : {"nps", "top_box", "mean"}, optional
    test : {None, "mannwhitney"}
        For ``mean``: Welch t by default; Mann-Whitney U on request (unweighted).

    Returns
    -------
    Comparison
    """
    scale, statistic = _resolve(scale, statistic, level, min_n)
    check_choice("test", test, (None, "welch", "mannwhitney"))
    if a == b:
        raise ParameterError(f"`a` and `b` are the same group ({a!r}); compare two different values of {group!r}.")
    counts, t = _group_totals(data, score, scale, [group], weight, source)
    rows = {}
    for name, val in (("a", a), ("b", b)):
        sel = t[t[group] == val]
        if sel.empty:
            raise DegenerateDataError(
                f"`{name}`={val!r} has no answers in column {group!r}; groups with answers: "
                f"{t[group].tolist()[:20]}.")
        rows[name] = sel.iloc[0]
    ca = _expand(counts[counts[group] == a], score) if test == "mannwhitney" and not weight else None
    cb = _expand(counts[counts[group] == b], score) if test == "mannwhitney" and not weight else None
    res = _suppress_pairs(pd.DataFrame([_pair(rows["a"], rows["b"], statistic, level, test, ca, cb)]),
                          min_n).iloc[0].to_dict()
    res = {k: v.item() if isinstance(v, np.generic) else v for k, v in res.items()}  # plain Python fields
    register([res["p_value"]], [f"{statistic} {group}: {a} vs {b}"], "compare")  # the run's error budget
    return Comparison(statistic=statistic, group=group, a=str(a), b=str(b), level=level, **res)


def _suppress_pairs(table: pd.DataFrame, min_n: int) -> pd.DataFrame:
    """Blank comparisons involving a group below ``min_n`` (answers, or Kish effective n of weighted data),
    and that group's own value (:func:`suppress`)."""
    return suppress(table, size_col=["n_a", "n_b"], value_cols=["diff", "se", "ci_low", "ci_high", "p_value", "mdd", "n_needed"],
                    min_n=min_n, eff_col=["n_eff_a", "n_eff_b"], unit="answers", own_cols={"n_a": ["value_a"], "n_b": ["value_b"]})


def _adjust_then_suppress(table: pd.DataFrame, correction: str, min_n: int) -> pd.DataFrame:
    """Adjust the p-values over every comparison made, then suppress.

    The family is every comparison in the table, suppressed or not: leaving the hidden ones out would
    make the shown ones look more significant because a group was small. The note says so.
    """
    table = table.assign(p_adj=adjust_p(table["p_value"], correction, count_missing=True))
    out = _suppress_pairs(table, min_n)
    hidden = int(out["suppressed"].sum())
    out.loc[out["suppressed"], "p_adj"] = np.nan
    if hidden and correction != "none":
        words = (f"p_adj ({correction}) counts all {len(out)} comparisons, including the {hidden} suppressed")
        shown = ~out["suppressed"]
        out.loc[shown, "note"] = [f"{n}; {words}" if n else words for n in out.loc[shown, "note"]]
    return out


def pairwise(data: pd.DataFrame, group: str, score: str = "score", *, scale: Scale | None = None,
             statistic: str | None = None, weight: str | None = None, correction: str = "holm",
             level: float = 0.95, alpha: float = 0.05, min_n: int = DEFAULT_MIN_N,
             source: str = "data") -> pd.DataFrame:
    """All pairs of groups, with multiple-testing correction.

    Returns
    -------
    DataFrame with one row per pair
        a, b : the groups (difference is ``a - b``)
        n_a, n_b, n_eff_a, n_eff_b, value_a, value_b, diff, se, ci_low, ci_high : as in :class:`Comparison`
        p_value : unadjusted p-value
        p_adj : adjusted with ``correction`` (holm, bonferroni, fdr_bh, none) over every pair, suppressed
            ones included (the note says so); blank on suppressed pairs
        significant : ``p_adj < alpha``
        test, note
    """
    scale, statistic = _resolve(scale, statistic, level, min_n, alpha)
    counts, t = _group_totals(data, score, scale, [group], weight, source)
    if len(t) < 2:
        raise DegenerateDataError(f"column {group!r} has {len(t)} group(s) with answers; need at least 2.")
    rows = []
    for (_i, ra), (_j, rb) in combinations(t.iterrows(), 2):
        rows.append({"a": ra[group], "b": rb[group], **_pair(ra, rb, statistic, level, None)})
    out = _adjust_then_suppress(pd.DataFrame(rows), correction, min_n)
    out["significant"] = out["p_adj"] < alpha
    out["statistic"] = statistic
    register(out["p_value"], [f"{statistic} {group}: {a} vs {b}" for a, b in zip(out["a"], out["b"], strict=True)],
             "pairwise")
    return out


def changes(data: pd.DataFrame, date: str, score: str = "score", by: str | Sequence[str] | None = None, *,
            freq: str = "M", scale: Scale | None = None, statistic: str | None = None,
            weight: str | None = None, correction: str = "holm", level: float = 0.95,
            alpha: float = 0.05, min_n: int = DEFAULT_MIN_N, source: str = "data") -> pd.DataFrame:
    """Each period against the previous one with answers, per group.

    Returns
    -------
    DataFrame with the group columns and
        period, previous : the two periods compared (difference ``period - previous``)
        n_a, n_b, n_eff_a, n_eff_b, value_a, value_b, diff, se, ci_low, ci_high, p_value : as in :class:`Comparison`
        p_adj, significant : corrected across every comparison in the table, suppressed ones included
        test, note
    """
    scale, statistic = _resolve(scale, statistic, level, min_n, alpha)
    by = as_list(by)  # freq is checked by prepare_counts
    counts, t = _group_totals(data, score, scale, by, weight, source, period=date, freq=freq)
    rows = []
    groups = t.groupby(by, sort=True) if by else [((), t)]
    for key, g in groups:
        key = key if isinstance(key, tuple) else (key,)
        g = g.sort_values("period")
        for (_, prev), (_, cur) in zip(g.iloc[:-1].iterrows(), g.iloc[1:].iterrows(), strict=False):
            res = _pair(cur, prev, statistic, level, None)
            rows.append({**dict(zip(by, key, strict=False)), "period": cur["period"], "previous": prev["period"], **res})
    cols = [*by, "period", "previous", "n_a", "n_b", "n_eff_a", "n_eff_b", "value_a", "value_b", "diff", "se",
            "ci_low", "ci_high", "p_value", "test", "note", "mdd", "n_needed"]
    out = _adjust_then_suppress(pd.DataFrame(rows, columns=cols), correction, min_n)
    out["significant"] = out["p_adj"] < alpha
    out["statistic"] = statistic
    keys = out[by].astype(str).agg(" ".join, axis=1) + " " if by and len(out) else ""
    register(out["p_value"], list(f"{statistic} " + keys + out["period"].astype(str) + " vs "
                                  + out["previous"].astype(str)), "changes")
    return out
