"""CX metrics with intervals: NPS, CSAT, CES and churn rate.

Every function takes a long-form DataFrame and column names, and returns a
tidy DataFrame with one row per group (and period). All answer metrics are
computed from a count table (:func:`cxkit.counts.score_counts`), so weighted,
grouped and engine-computed inputs share one code path.

Conventions shared by the tables
--------------------------------
``n``            answers (rows) in the group
``n_eff``        Kish's effective sample size; equals ``n`` without weights
``ci_low/high``  interval of the headline figure, same units as the figure
``suppressed``   True when ``n < min_n`` (weighted data: or ``n_eff < min_n``): the figures are set to NaN
``suppressed_reason``, ``suppressed_min_n``, ``suppressed_unit``
                 why (code), threshold and unit (:func:`cxkit.stats.suppression.suppress`)
``note``         plain-words caveat ("" when none)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from .._checks import FREQS, as_list, check_choice, check_columns, check_level
from .._dates import period_labels, to_dates
from ..errors import DataError, ParameterError, format_rows
from ..scales import Scale, validate_scores
from .bootstrap import histogram_matrix, multinomial_percentiles
from .counts import answer_counts, kish_neff
from .intervals import nps_adjusted, nps_adjusted_wald, t_interval, wilson
from .suppression import suppress

__all__ = [
    "nps", "csat", "ces", "add_period",
    "nps_from_counts", "csat_from_counts", "ces_from_counts",
    "NPS_INTERVALS", "SHARE_INTERVALS", "DEFAULT_MIN_N",
]

NPS_INTERVALS = ("adjusted-wald", "wald", "bootstrap", "design")
SHARE_INTERVALS = ("wilson", "bootstrap", "design")
DEFAULT_MIN_N = 30


# -- shared helpers ----------------------------------------------------------
def add_period(data: pd.DataFrame, date: str, freq: str = "M", name: str = "period") -> pd.DataFrame:
    """Return a copy of ``data`` with a string period column (e.g. ``2025-03``).

    ``freq`` is a pandas period alias: ``"D"`` day, ``"W"`` week, ``"M"`` month,
    ``"Q"`` quarter, ``"Y"`` year. Strings sort chronologically and serialise
    cleanly. Dates follow cxkit's date policy (:mod:`cxkit._dates`): time-zone-aware
    timestamps are converted to UTC, naive ones are taken as given; the periods
    are the ones ``nps(..., period=date)`` reports.
    """
    check_columns(data, [date], argument="period")
    check_choice("freq", freq, FREQS)
    when = to_dates(data[date], date, "data", data.get("_row"))
    out = data.copy()
    out[name] = period_labels(when, freq)
    return out


def prepare_counts(data, score, scale, by, weight, period, freq, source):
    """Validate inputs and build the count table shared by the answer metrics and comparisons.

    ``data`` may be a pandas DataFrame, a DuckDB relation, a PySpark DataFrame
    or a Parquet/CSV path: the counting runs in its engine (:mod:`cxkit.engines`).
    The columns are checked once, here for pandas (before its rows are read) and
    by the counting for engines.
    """
    check_choice("freq", freq, FREQS)
    pandas = isinstance(data, pd.DataFrame)
    if pandas:
        # Rows are at hand: check them here, so messages name rows (engines can only name values).
        check_columns(data, [score, *as_list(by)] + ([weight] if weight else []) + ([period] if period else []),
                      argument="score/by/weight/period", source=source)
        rows = data["_row"] if "_row" in data.columns else None
        data = data.assign(**{score: validate_scores(data[score], scale, source=source, column=score, rows=rows)})
        if weight:
            w = pd.to_numeric(data[weight], errors="coerce")
            bad = data[score].notna() & (w.isna() | (w < 0) | ~np.isfinite(w.fillna(0)))
            if bad.any():
                raise DataError(f"{source}, column {weight!r}: weights must be non-negative numbers; problem in "
                                f"{format_rows(np.flatnonzero(bad.to_numpy()) + 1)}.")
            data = data.assign(**{weight: w})
        if period is not None:
            to_dates(data[period], period, source, rows)
    return answer_counts(data, score, scale, by, weight, period=period, freq=freq, source=source,
                         check=not pandas)


def totals(counts: pd.DataFrame, by: list[str], score: str, good: Sequence, bad: Sequence) -> pd.DataFrame:
    """Per-group sums needed by every metric, from a count table."""
    x = counts[score].astype(float)
    c = counts.assign(
        good_n=np.where(x.isin(good), counts["n"], 0),
        bad_n=np.where(x.isin(bad), counts["n"], 0),
        good_w=np.where(x.isin(good), counts["w"], 0.0),
        bad_w=np.where(x.isin(bad), counts["w"], 0.0),
        wx=counts["w"] * x,
        wxx=counts["w"] * x * x,
    )
    cols = ["n", "w", "w2", "good_n", "bad_n", "good_w", "bad_w", "wx", "wxx"]
    if by:
        t = c.groupby(by, observed=True, sort=True)[cols].sum().reset_index()
    else:
        t = c[cols].sum().to_frame().T
    t["n"] = t["n"].astype("int64")
    t["n_eff"] = kish_neff(t["w"], t["w2"])
    return t


def _suppress(table: pd.DataFrame, value_cols: Sequence[str], min_n: int) -> pd.DataFrame:
    """Answer tables: blank groups below ``min_n`` answers, whose weights sum to zero, or (weighted data)
    whose Kish effective n is below ``min_n`` (:func:`suppress`)."""
    return suppress(table, size_col="n", value_cols=value_cols, min_n=min_n, unit="answers", eff_col="n_eff")




def design_se(counts: pd.DataFrame, by: Sequence[str], score: str, y, t: pd.DataFrame) -> np.ndarray:
    """Linearisation (design-based) SE of each group's weighted mean of ``y(score)``, from a count table.

    The design is R ``survey::svydesign(ids = ~1, weights = ~w)`` and groups are domains
    (``svyby``): SE^2 = N/(N-1) * sum_i w_i^2 (y_i - ybar_g)^2 / W_g^2 over the group's rows,
    N the rows of the whole table. ``y`` is constant within a cell of the count table, so the
    cells' ``w2`` (sum of squared weights) give the sum exactly, on every engine. No strata,
    clusters or finite-population correction (cxkit's data carry none).
    """
    y_cell = np.asarray(y(counts[score].astype(float).to_numpy()), dtype=float)
    c = counts[list(by)].copy() if by else pd.DataFrame(index=counts.index)
    c["w"], c["w2"], c["wy"] = counts["w"].to_numpy(float), counts["w2"].to_numpy(float), counts["w"] * y_cell
    if by:
        g = c.groupby(list(by), observed=True, sort=True)
        ybar = g["wy"].transform("sum") / g["w"].transform("sum")
    else:
        ybar = c["wy"].sum() / c["w"].sum()
    c["ss"] = c["w2"] * (y_cell - ybar) ** 2
    ss = (c.groupby(list(by), observed=True, sort=True)["ss"].sum().to_numpy() if by
          else np.array([c["ss"].sum()]))
    N = float(t["n"].sum())
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.sqrt(N / (N - 1) * ss / t["w"].to_numpy(float) ** 2)


def _design_t(t: pd.DataFrame, level: float) -> np.ndarray:
    """t quantile per group with the domain's degrees of freedom, its rows - 1.

    As R ``degf(subset(design, group))`` for an ids = ~1 design, which ``svyciprop`` uses by default.
    """
    n = t["n"].to_numpy(float)
    with np.errstate(invalid="ignore"):
        return stats.t.ppf(0.5 + level / 2, np.where(n > 1, n - 1, np.nan))


def _mean_interval(t: pd.DataFrame, level: float) -> pd.DataFrame:
    """Weighted mean, SD and t interval using the effective sample size."""
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = t["wx"] / t["w"]
        var_w = np.clip(t["wxx"] / t["w"] - mean**2, 0, None)
        neff = t["n_eff"]
        var = var_w * neff / (neff - 1)
        sd = np.sqrt(var)
    lo, hi = t_interval(mean, sd, neff, level)
    return pd.DataFrame({"mean": mean, "sd": np.where(neff > 1, sd, np.nan), "mean_ci_low": lo, "mean_ci_high": hi},
                        index=t.index)


def _notes(t: pd.DataFrame, share: pd.Series) -> pd.Series:
    note = pd.Series("", index=t.index, dtype=object)
    note[t["n"] < 2] = "single answer: no interval"
    flat = (t["n"] >= 2) & np.isclose(t["wxx"] / t["w"], (t["wx"] / t["w"]) ** 2)
    note[flat] = "no variance: every answer is the same"
    return note


# -- NPS ---------------------------------------------------------------------
def nps_from_counts(counts: pd.DataFrame, by: Sequence[str] = (), score: str = "score", *,
                    scale: Scale | None = None, ci: str = "adjusted-wald", level: float = 0.95,
                    n_boot: int = 2000, seed: int = 0, min_n: int = DEFAULT_MIN_N) -> pd.DataFrame:
    """NPS table from a count table (see :func:`nps` for the columns)."""
    check_choice("ci", ci, NPS_INTERVALS)
    level = check_level(level)
    scale = scale or Scale.nps()
    by = list(by)
    t = totals(counts, by, score, scale.good, scale.bad)
    W, neff = t["w"].to_numpy(float), t["n_eff"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p_pro = t["good_w"].to_numpy(float) / W
        p_det = t["bad_w"].to_numpy(float) / W
    p_pas = 1 - p_pro - p_det
    est = p_pro - p_det
    z = stats.norm.ppf(0.5 + level / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        se = np.sqrt((p_pro + p_det - est**2) / neff)
    if ci == "adjusted-wald":  # Rocks (2016); the default: keeps its coverage for small n
        lo, hi = nps_adjusted_wald(p_pro, p_det, neff, level)
        se = nps_adjusted(p_pro, p_det, neff)[1]  # the SE the interval used
    elif ci == "design":  # linearisation, as survey::svycontrast on svymean(~pro + det) with df = degf
        se = design_se(counts, by, score, lambda x: np.isin(x, scale.good) * 1.0 - np.isin(x, scale.bad), t)
        tq = _design_t(t, level)
        lo, hi = est - tq * se, est + tq * se
    elif ci == "wald":
        lo, hi = est - z * se, est + z * se
    else:
        lo, hi = _nps_bootstrap(np.column_stack([p_det, p_pas, p_pro]), neff, level, n_boot, seed)
    lo, hi = np.clip(lo, -1, 1), np.clip(hi, -1, 1)
    out = t[by].copy()
    out["n"] = t["n"]
    out["promoters"] = t["good_n"].astype("int64")
    out["passives"] = (t["n"] - t["good_n"] - t["bad_n"]).astype("int64")
    out["detractors"] = t["bad_n"].astype("int64")
    out["pct_promoters"] = 100 * p_pro
    out["pct_passives"] = 100 * p_pas
    out["pct_detractors"] = 100 * p_det
    out["nps"] = 100 * est
    out["se"] = 100 * se
    out["ci_low"] = 100 * lo
    out["ci_high"] = 100 * hi
    out["n_eff"] = neff
    out["method"] = ci
    out["note"] = _nps_notes(t, est, lo, hi, ci)
    return _suppress(out, ["pct_promoters", "pct_passives", "pct_detractors", "nps", "se",
                           "ci_low", "ci_high"], min_n)


def _nps_notes(t: pd.DataFrame, est: np.ndarray, lo: np.ndarray, hi: np.ndarray, ci: str) -> np.ndarray:
    """Caveats of an NPS row: one answer, no variance, an interval that leaves out the estimate."""
    n = t["n"].to_numpy()
    one_kind = ((t[["good_w", "bad_w"]].to_numpy(float) == t[["w"]].to_numpy(float)).any(axis=1)
                | ((t["good_w"] + t["bad_w"]).to_numpy(float) == 0))
    with np.errstate(invalid="ignore"):
        outside = (est < lo - 1e-12) | (est > hi + 1e-12)
    pseudo = " (adjusted Wald adds 3 pseudo-answers)" if ci == "adjusted-wald" else ""
    note = np.full(len(t), "", dtype=object)
    note[(n >= 2) & one_kind] = "no variance: every answer is in one category" + (
        "; the interval comes from the pseudo-answers" if ci == "adjusted-wald" else ": zero-width interval")
    note[outside] = f"interval does not contain the NPS{pseudo}: too few answers at an extreme"
    single = n < 2
    note[single] = "single answer: interval unreliable"
    note[single & outside] = f"single answer: interval unreliable; it does not contain the NPS{pseudo}"
    return note


def _nps_bootstrap(p: np.ndarray, neff: np.ndarray, level: float, n_boot: int, seed: int):
    """Percentile interval from multinomial resampling of every group's (det, pas, pro) histogram at once."""
    return multinomial_percentiles(p, neff, [np.array([-1, 0, 1])], level=level, n_boot=n_boot, seed=seed)[0]


def nps(data: pd.DataFrame, score: str = "score", by: str | Sequence[str] | None = None,
        weight: str | None = None, *, period: str | None = None, freq: str = "M",
        ci: str = "adjusted-wald", level: float = 0.95, n_boot: int = 2000, seed: int = 0,
        min_n: int = DEFAULT_MIN_N, scale: Scale | None = None, source: str = "data") -> pd.DataFrame:
    """Net Promoter Score per group with an interval.

    Parameters
    ----------
    data : DataFrame, DuckDB relation, PySpark DataFrame or path to a Parquet/CSV file
        One row per answer to the 0..10 likelihood-to-recommend question. The
        answers are counted where the data lives (:mod:`cxkit.engines`); every
        statistic is computed from the counts, so results do not depend on the
        engine. Engines cannot name rows: data errors then name the offending
        values and how many rows hold each.
    score : str
        Column with the 0..10 answers.
    by : str or list of str, optional
        Group columns (segment, channel, touchpoint...).
    weight : str, optional
        Survey weights; intervals then use Kish's effective sample size (or the
        design-based SE with ``ci="design"``), and ``min_n`` applies to it.
    period : str, optional
        Date column; adds a ``period`` group at frequency ``freq``.
    ci : {"adjusted-wald", "wald", "bootstrap", "design"}
        Interval method. Adjusted Wald (Rocks 2016) is the default: it keeps
        its coverage for small n and extreme scores. ``"design"``: the
        linearisation (design-based) SE of weighted data and a t interval with
        the group's rows - 1 degrees of freedom, as R ``survey::svycontrast`` on
        ``svymean(~pro + det)`` for ``svydesign(ids = ~1, weights = ~w)`` (groups
        as domains); it accounts for weights that go with the answers, which
        Kish's n_eff ignores, but is a plain Wald interval (zero width when every
        answer is in one category). See ``docs/statistics.md``.
    level : float
        Confidence level.
    min_n : int
        Groups with fewer answers are suppressed (figures NaN, flag set).

    Returns
    -------
    DataFrame with the group columns and
        n : answers
        promoters, passives, detractors : answer counts (9-10, 7-8, 0-6)
        pct_promoters, pct_passives, pct_detractors : weighted shares in %
        nps : % promoters - % detractors, in points (-100..100)
        se : standard error (points) that the interval used: adjusted Wald, sqrt((a+ + a- - (a+ - a-)^2) / (n + 3))
            on the adjusted shares a (Rocks 2016); Wald and bootstrap, sqrt((p+ + p- - nps^2) / n)
        ci_low, ci_high : interval in points
        n_eff, method, suppressed, note
    """
    scale = Scale.nps() if scale is None else scale
    if not isinstance(scale, Scale) or scale.kind != "nps":
        raise ParameterError("`scale` must be an NPS Scale (0..10), e.g. Scale.nps(); got "
                             f"{scale.describe() if isinstance(scale, Scale) else repr(scale)}.")
    counts, groups = prepare_counts(data, score, scale, by, weight, period, freq, source)
    return nps_from_counts(counts, groups, score, scale=scale, ci=ci, level=level,
                           n_boot=n_boot, seed=seed, min_n=min_n)


# -- CSAT and CES ------------------------------------------------------------
def _share_table(counts, by, score, scale, level, min_n, share_name, count_name, ci="wilson",
                 n_boot=2000, seed=0):
    check_choice("ci", ci, SHARE_INTERVALS)
    level = check_level(level)
    by = list(by)
    t = totals(counts, by, score, scale.good, scale.bad)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = t["good_w"] / t["w"]
    lo, hi = wilson(share * t["n_eff"], t["n_eff"], level)
    out = t[by].copy()
    out["n"] = t["n"]
    out[count_name] = t["good_n"].astype("int64")
    out[share_name] = 100 * share
    out["ci_low"] = 100 * lo
    out["ci_high"] = 100 * hi
    out = pd.concat([out, _mean_interval(t, level)], axis=1)
    out["n_eff"] = t["n_eff"]
    if ci == "design":
        # Linearisation (survey::svyciprop(method = "logit") and svymean with df = degf): the share's interval
        # on the logit scale stays inside 0..100.
        tq = _design_t(t, level)
        p = share.to_numpy(float)
        se_p = design_se(counts, by, score, lambda x: np.isin(x, scale.good) * 1.0, t)
        with np.errstate(divide="ignore", invalid="ignore"):
            eta, se_eta = np.log(p / (1 - p)), se_p / (p * (1 - p))
            slo, shi = 1 / (1 + np.exp(-(eta - tq * se_eta))), 1 / (1 + np.exp(-(eta + tq * se_eta)))
        extreme = (p == 0) | (p == 1)  # no variance: the logit interval degenerates to the share itself
        out["ci_low"] = 100 * np.where(extreme, p, slo)
        out["ci_high"] = 100 * np.where(extreme, p, shi)
        se_m = design_se(counts, by, score, lambda x: x, t)
        out["mean_ci_low"] = out["mean"] - tq * se_m
        out["mean_ci_high"] = out["mean"] + tq * se_m
        out["method"] = "design"
    elif ci == "bootstrap":
        (slo, shi), (mlo, mhi) = _share_bootstrap(counts, by, score, scale, t, level, n_boot, seed)
        # One answer cannot be resampled meaningfully: no interval, as with the t interval.
        single = t["n_eff"].to_numpy(float) < 2
        out["ci_low"] = np.where(single, np.nan, 100 * slo)
        out["ci_high"] = np.where(single, np.nan, 100 * shi)
        out["mean_ci_low"] = np.where(single, np.nan, mlo)
        out["mean_ci_high"] = np.where(single, np.nan, mhi)
        out["method"] = "bootstrap"
    else:
        out["method"] = "wilson/t"
    out["note"] = _notes(t, share)
    return out


def _share_bootstrap(counts, by, score, scale, t, level, n_boot, seed):
    """Percentile intervals of the good share and the mean, from one set of resampled histograms."""
    values = scale.values
    hist = histogram_matrix(counts, by, score, values.astype(float))
    good = np.isin(values, scale.good).astype(np.int64)
    return multinomial_percentiles(hist, t["n_eff"].to_numpy(float), [good, values], level=level,
                                   n_boot=n_boot, seed=seed)


def csat_from_counts(counts: pd.DataFrame, by: Sequence[str] = (), score: str = "score", *,
                     scale: Scale | None = None, ci: str = "wilson", level: float = 0.95,
                     n_boot: int = 2000, seed: int = 0, min_n: int = DEFAULT_MIN_N) -> pd.DataFrame:
    """CSAT table from a count table (see :func:`csat`)."""
    scale = scale or Scale.csat()
    out = _share_table(counts, by, score, scale, level, min_n, "csat", "top_box", ci, n_boot, seed)
    return _suppress(out, ["csat", "ci_low", "ci_high", "mean", "sd", "mean_ci_low", "mean_ci_high"], min_n)


def csat(data: pd.DataFrame, score: str = "score", by: str | Sequence[str] | None = None,
         weight: str | None = None, *, scale: Scale | None = None, period: str | None = None,
         freq: str = "M", ci: str = "wilson", level: float = 0.95, n_boot: int = 2000, seed: int = 0,
         min_n: int = DEFAULT_MIN_N, source: str = "data") -> pd.DataFrame:
    """Customer satisfaction: top-box share (Wilson interval) and mean (t interval).

    Parameters
    ----------
    scale : Scale, optional
        Defaults to 1..5 with top box 4-5. Other ranges must declare their top box.
    ci : {"wilson", "bootstrap", "design"}
        ``"wilson"``: Wilson interval for the share and t interval for the mean.
        ``"bootstrap"``: percentile intervals for both from ``n_boot`` seeded
        multinomial resamples of each group's answer histogram.
        ``"design"``: linearisation SEs of weighted data (R ``survey``): the share
        as ``svyciprop(method = "logit")``, the mean as ``svymean`` with a t
        interval on the group's rows - 1 degrees of freedom.
    (others as in :func:`nps`)

    Returns
    -------
    DataFrame with the group columns and
        n : answers
        top_box : answers in the top box
        csat : top-box share in %
        ci_low, ci_high : Wilson interval of ``csat`` in %
        mean, sd : mean answer and its standard deviation
        mean_ci_low, mean_ci_high : t interval of the mean
        n_eff
        method : ``"wilson/t"`` or ``"bootstrap"``
        suppressed, note
    """
    scale = Scale.csat() if scale is None else scale
    if not isinstance(scale, Scale) or scale.kind != "csat":
        raise ParameterError("`scale` must be a CSAT Scale, e.g. Scale.csat(1, 5); got "
                             f"{scale.describe() if isinstance(scale, Scale) else repr(scale)}.")
    counts, groups = prepare_counts(data, score, scale, by, weight, period, freq, source)
    return csat_from_counts(counts, groups, score, scale=scale, ci=ci, level=level, n_boot=n_boot,
                            seed=seed, min_n=min_n)


def ces_from_counts(counts: pd.DataFrame, by: Sequence[str] = (), score: str = "score", *,
                    scale: Scale, ci: str = "wilson", level: float = 0.95, n_boot: int = 2000, seed: int = 0,
                    min_n: int = DEFAULT_MIN_N) -> pd.DataFrame:
    """CES table from a count table (see :func:`ces`)."""
    out = _share_table(counts, by, score, scale, level, min_n, "pct_easy", "easy", ci, n_boot, seed)
    out["direction"] = scale.direction
    return _suppress(out, ["pct_easy", "ci_low", "ci_high", "mean", "sd", "mean_ci_low", "mean_ci_high"],
                     min_n)


def ces(data: pd.DataFrame, score: str = "score", by: str | Sequence[str] | None = None,
        weight: str | None = None, *, scale: Scale | None = None, period: str | None = None, freq: str = "M",
        ci: str = "wilson", level: float = 0.95, n_boot: int = 2000, seed: int = 0,
        min_n: int = DEFAULT_MIN_N, source: str = "data") -> pd.DataFrame:
    """Customer Effort Score: share of "easy" answers and mean, per group.

    Parameters
    ----------
    scale : Scale
        Required: CES scales differ in range and direction, and cxkit never
        guesses whether a high answer means easy (``higher_is_easier``) or
        hard (``higher_is_harder``).
    ci : {"wilson", "bootstrap", "design"}
        As in :func:`csat`.

    Returns
    -------
    DataFrame with the group columns and
        n, easy : answers and answers counted as easy (``scale.good``)
        pct_easy, ci_low, ci_high : share easy in % with Wilson interval
        mean, sd, mean_ci_low, mean_ci_high : mean on the raw scale
        direction : the scale's declared direction (read the mean with it)
        n_eff, method, suppressed, note
    """
    if not isinstance(scale, Scale) or scale.kind != "ces":
        raise ParameterError(
            "`scale` must be a CES Scale declaring its direction, e.g. "
            "Scale.ces(1, 7, 'higher_is_easier', easy=[5, 6, 7]); got "
            f"{scale.describe() if isinstance(scale, Scale) else repr(scale)}."
        )
    counts, groups = prepare_counts(data, score, scale, by, weight, period, freq, source)
    return ces_from_counts(counts, groups, score, scale=scale, ci=ci, level=level, n_boot=n_boot,
                           seed=seed, min_n=min_n)
