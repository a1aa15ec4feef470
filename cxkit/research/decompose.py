"""Why did it move? A metric's change between two periods split into mix and rate parts.

:func:`decompose_change` counts the answers (or customers, for churn) per segment and period in
the data's engine, and splits the change of NPS, a top-box / easy share, a mean or the churn
rate into a mix part (who answered: the segments' shares changed) and a rate part (the figure
changed inside segments), per drill-down level, each with a bootstrap interval. The arithmetic
lives in :mod:`cxkit.stats.decompose`; see ``docs/statistics.md`` for the formula and sources.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._checks import as_list, check_choice, check_level, check_min_n
from .._results import Study
from ..data.dataset import Dataset
from ..errors import DegenerateDataError, ParameterError
from ..report.i18n import check_lang, fmt
from ..report.i18n import text as _t
from ..report.summary import metric_short
from ..scales import Scale
from ..stats.churn_rate import churn_rate
from ..stats.counts import answer_counts
from ..stats.decompose import bootstrap_parts, decompose_segments, segment_table
from ..stats.suppression import suppress

__all__ = ["ChangeDecomposition", "decompose_change", "decompose_counts", "prepare_counts", "metric_direction", "STATISTICS"]

#: ``headline``: NPS, % top box (CSAT), % easy (CES); ``mean``: the mean answer.
STATISTICS = ("headline", "mean")
_KINDS = ("nps", "csat", "ces", "churn")
_SHARE = {"csat": "% top box", "ces": "% easy"}


def metric_direction(kind: str, statistic: str = "headline", scale: Scale | None = None) -> int:
    """+1 when a higher figure is better, -1 when worse (churn; the mean of a ``higher_is_harder`` CES)."""
    if kind == "churn":
        return -1
    if statistic == "mean" and scale is not None and scale.direction == "higher_is_harder":
        return -1
    return 1


@dataclass(repr=False)
class ChangeDecomposition(Study):
    """Result of :func:`decompose_change`.

    Attributes
    ----------
    parts : DataFrame
        One row per drill-down level: ``level`` (1, 2, ...), ``by`` (the columns, joined by " x "),
        ``value_before``, ``value_after`` (the metric in ``period_a`` and ``period_b``), ``change`` (= ``mix`` + ``rate``), ``mix``, ``mix_ci_low``,
        ``mix_ci_high``, ``rate``, ``rate_ci_low``, ``rate_ci_high``, ``change_ci_low``, ``change_ci_high``,
        ``n_before``, ``n_after``.
    segments : DataFrame
        One row per level and segment: ``level``, the segment columns, ``n`` (both periods),
        ``n_before``, ``n_after``, ``share_before``, ``share_after`` (% of answers), ``value_before``, ``value_after``, ``mix``, ``mix_ci_low``, ``mix_ci_high``, ``rate``,
        ``rate_ci_low``, ``rate_ci_high``, ``change`` and the suppression columns.
    """

    metric: str
    kind: str
    statistic: str
    unit: str
    period_a: str
    period_b: str
    by: list[str]
    parts: pd.DataFrame
    segments: pd.DataFrame
    direction: int
    params: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    title = "Change decomposition"

    @property
    def total(self) -> float:
        return float(self.parts["change"].iloc[0])

    @property
    def tables(self) -> Mapping[str, pd.DataFrame]:
        return {"parts": self.parts, "segments": self.segments}

    @property
    def figures(self) -> Mapping[str, Callable[..., Any]]:
        from ..report import plots

        return {"waterfall": lambda ax=None, lang="en": plots.waterfall(self, ax=ax, lang=lang)}

    def label(self, lang: str = "en") -> str:
        """The metric in words: ``NPS``, ``csat_support (% top box)``, ``churn rate``."""
        if self.kind == "churn":
            return _t("dc_churn", lang)
        name = metric_short(self.metric)  # NPS, CSAT support: as a reader writes it
        if self.statistic == "mean":
            return _t("dc_mean_of", lang, metric=name)
        return name if self.kind == "nps" else f"{name} ({_t(_SHARE[self.kind], lang)})"

    def sentence(self, level: int = 1, lang: str = "en") -> str:
        """``NPS fell 4.1 points: -3.2 from within-segment change, -0.9 from a shift in who answered (by channel).``"""
        check_lang(lang)
        r = self.parts[self.parts["level"] == level].iloc[0]
        unit = _t(self.unit, lang)
        change = r["change"]
        word = "dc_rose" if change > 0 else "dc_fell" if change < 0 else "dc_same"
        d = self.digits
        return _t(word, lang, metric=self.label(lang), size=fmt(abs(change), d, lang), unit=unit,
                  a=self.period_a, b=self.period_b, rate=fmt(r["rate"], d, lang, sign=True),
                  mix=fmt(r["mix"], d, lang, sign=True), by=r["by"])

    @property
    def digits(self) -> int:
        """Decimals shown: 1 for points and %, 2 for means."""
        return 2 if self.statistic == "mean" else 1

    def describe(self, lang: str = "en") -> str:
        check_lang(lang)
        d = self.digits
        pct = round(100 * self.level)
        to = _t("to", lang)
        lines = [self.sentence(1, lang)]
        for _, r in self.parts.iterrows():
            lines.append("- " + _t("dc_level", lang, by=r["by"], rate=fmt(r["rate"], d, lang, sign=True),
                                   rate_ci=f"{fmt(r['rate_ci_low'], d, lang, sign=True)} {to} "
                                           f"{fmt(r['rate_ci_high'], d, lang, sign=True)}",
                                   mix=fmt(r["mix"], d, lang, sign=True),
                                   mix_ci=f"{fmt(r['mix_ci_low'], d, lang, sign=True)} {to} "
                                          f"{fmt(r['mix_ci_high'], d, lang, sign=True)}", pct=pct))
        top = self.largest(1)
        if len(top):
            s = top.iloc[0]
            lines.append("- " + _t("dc_largest", lang, segment=s["group"], change=fmt(s["change"], d, lang, sign=True),
                                   unit=_t(self.unit, lang), rate=fmt(s["rate"], d, lang, sign=True),
                                   mix=fmt(s["mix"], d, lang, sign=True)))
        if self.notes:
            lines.append("- " + _t("dc_note_suppressed", lang))
        return "\n".join(lines)

    def largest(self, k: int = 3, level: int | None = None) -> pd.DataFrame:
        """The ``k`` segments (of ``level``, default the finest) contributing most to the change, in size order,
        with a ``group`` column naming them (``"web"``, ``"north / web"``)."""
        level = int(self.parts["level"].max()) if level is None else level
        seg = self.segments[(self.segments["level"] == level) & ~self.segments["suppressed"]].copy()
        cols = self.by[:level]
        seg["group"] = seg[cols].astype(str).agg(" / ".join, axis=1)
        order = seg["change"].abs().sort_values(ascending=False, kind="stable").index
        return seg.loc[order[:k], ["group", *cols, "change", "mix", "rate", "value_before", "value_after", "n_before", "n_after"]]


def prepare_counts(data: object, metric: str, by: list[str], *, statistic: str, score: str, date: str,
            scale: Scale | None, weight: str | None, freq: str, start: str, end: str, source: str
            ) -> tuple[pd.DataFrame, str, np.ndarray, np.ndarray, float, str, Scale | None]:
    """Count table (``*by, period, value, n, w, w2``), kind, answer values, their contributions, factor, unit, scale.

    ``metric`` names a metric of a :class:`Dataset` (or ``"churn"``), or for other data the kind
    (``"nps"``, ``"csat"``, ``"ces"``, ``"churn"``); the counting runs in the data's engine.
    """
    kind = None if isinstance(data, Dataset) else (metric if metric in _KINDS else None)
    if not isinstance(data, Dataset) and kind is None:
        check_choice("metric", metric, _KINDS)
    if isinstance(data, Dataset):
        ds = data
        if metric == "churn":
            if ds.customers is None or "start_date" not in ds.customers:
                raise ParameterError("`metric='churn'` needs customers with start/end dates; this dataset has none.")
            data, kind = ds.customers, "churn"
        else:
            if metric not in ds.metrics():
                raise ParameterError(f"`metric` must be one of {[*ds.metrics(), 'churn']}; got {metric!r}.")
            scale = ds.scale(metric)
            data, kind = ds.answers(metric), scale.kind
            if weight is None and "weight" in data:
                weight = "weight"
            source = str(ds.files.get("responses", "responses"))
    if kind is None:
        check_choice("metric", metric, _KINDS)
        kind = metric
    if kind == "churn":
        if statistic != "headline":
            raise ParameterError(f"`statistic` must be 'headline' for churn; got {statistic!r}.")
        t = churn_rate(data, start, end, by, freq=freq, min_n=0, source=source)
        t = t[t["complete"]] if "complete" in t else t
        rows = []
        for v, col in ((1.0, "churned"), (0.0, None)):
            n = t["churned"] if col else t["at_start"] - t["churned"]
            rows.append(t[[*by, "period"]].assign(value=v, n=n.astype("int64"), w=n.astype(float), w2=n.astype(float)))
        counts = pd.concat(rows, ignore_index=True)
        values = np.array([0.0, 1.0])
        return counts, kind, values, np.array([0, 1]), 100.0, "percentage points", None
    if scale is None:
        scale = Scale.nps() if kind == "nps" else Scale.csat() if kind == "csat" else None
    if scale is None:
        raise ParameterError("`scale` is required for CES (its direction must be declared), e.g. "
                             "Scale.ces(1, 7, 'higher_is_easier', easy=[5, 6, 7]); got None.")
    counts, _ = answer_counts(data, score, scale, by, weight, period=date, freq=freq, source=source)
    counts = counts.rename(columns={score: "value"})
    values = scale.values.astype(float)
    if statistic == "mean":
        return counts, kind, values, scale.values.astype(np.int64), 1.0, "answer scale", scale
    contrib = np.isin(scale.values, scale.good).astype(np.int64)
    if kind == "nps":
        contrib = contrib - np.isin(scale.values, scale.bad).astype(np.int64)
    return counts, kind, values, contrib, 100.0, "points" if kind == "nps" else "percentage points", scale


def decompose_change(data: object, metric: str, by: str | Sequence[str], period_a: str | None = None,
                     period_b: str | None = None, *, statistic: str = "headline", score: str = "score",
                     date: str = "answered_at", scale: Scale | None = None, weight: str | None = None,
                     freq: str = "M", level: float = 0.95, n_boot: int = 2000, seed: int = 0, min_n: int = 30,
                     start: str = "start_date", end: str = "end_date", source: str = "data") -> ChangeDecomposition:
    """Split a metric's change from ``period_a`` to ``period_b`` into mix and rate parts per segment.

    Parameters
    ----------
    data : Dataset, DataFrame, DuckDB relation, PySpark DataFrame or path to a Parquet/CSV file
        A :class:`~cxkit.data.dataset.Dataset` (``metric`` names one of its metrics, or ``"churn"``), or
        answers in long form (one row per answer; ``metric`` is ``"nps"``, ``"csat"`` or ``"ces"`` and
        ``scale`` the question's scale) or customers with start/end dates (``metric="churn"``).
        Counting runs in the data's engine; the result does not depend on it.
    metric : str
    by : str or list of str
        Segment columns, coarse to fine: level 1 splits by ``by[0]``, level 2 by ``by[0]`` x ``by[1]``...
    period_a, period_b : str, optional
        Period labels at ``freq`` (``"2025-02"``); default the last two periods with data.
    statistic : {"headline", "mean"}
        NPS / % top box / % easy / churn rate, or the mean answer.
    level, n_boot, seed : bootstrap percentile intervals (:mod:`cxkit.stats.decompose`).
    min_n : int
        Segment rows with fewer answers (customers) in the two periods together are suppressed in
        ``segments`` (they still count in the level totals, so the shown rows may not add up).

    Returns
    -------
    ChangeDecomposition
        ``parts`` per level and ``segments`` per level and segment; per level ``mix + rate == change``
        (to rounding, 1e-12) and ``change`` is the metric's change.

    Raises
    ------
    DegenerateDataError
        Fewer than two periods with data (nothing to compare).
    """
    by = as_list(by)
    if not by:
        raise ParameterError("`by` must name at least one segment column; got none.")
    check_choice("statistic", statistic, STATISTICS)
    level = check_level(level)
    min_n = check_min_n(min_n)
    counts, kind, values, contrib, factor, unit, scale = prepare_counts(
        data, metric, by, statistic=statistic, score=score, date=date, scale=scale, weight=weight,
        freq=freq, start=start, end=end, source=source)
    return decompose_counts(counts, metric, by, kind=kind, statistic=statistic, values=values, contributions=contrib,
                            factor=factor, unit=unit, scale=scale, period_a=period_a, period_b=period_b, freq=freq,
                            level=level, n_boot=n_boot, seed=seed, min_n=min_n, source=source)


def decompose_counts(counts: pd.DataFrame, metric: str, by: list[str], *, kind: str, statistic: str,
                     values: np.ndarray, contributions: np.ndarray, factor: float, unit: str, scale: Scale | None,
                     period_a: str | None, period_b: str | None, freq: str = "M", level: float = 0.95,
                     n_boot: int | None = 2000, seed: int = 0, min_n: int = 30, source: str = "data"
                     ) -> ChangeDecomposition:
    """:func:`decompose_change` on a prepared count table (``*by, period, value, n, w, w2``).

    ``n_boot=None`` skips the bootstrap (intervals NaN): the monitor decomposes each alert this way.
    """
    contrib = contributions
    periods = sorted(counts.loc[counts["n"] > 0, "period"].astype(str).unique())
    if len(periods) < 2:
        raise DegenerateDataError(f"{source}: a change needs two periods with data; found {periods} at freq={freq!r}.")
    period_a = periods[-2] if period_a is None else str(period_a)
    period_b = periods[-1] if period_b is None else str(period_b)
    for name, p in (("period_a", period_a), ("period_b", period_b)):
        if p not in periods:
            raise ParameterError(f"`{name}` must be a period with data at freq={freq!r}, one of {periods}; got {p!r}.")
    counts = counts.assign(period=counts["period"].astype(str))
    pos = np.searchsorted(values, counts["value"].to_numpy(float))
    per_row = contrib[pos]
    seeds = np.random.SeedSequence(seed).generate_state(len(by))
    parts, segs = [], []
    for k in range(1, len(by) + 1):
        cols = by[:k]
        seg = decompose_segments(segment_table(counts, cols, "value", per_row, "period", period_a, period_b), factor)
        idx = pd.MultiIndex.from_frame(seg[cols]) if len(cols) > 1 else pd.Index(seg[cols[0]])
        hists = []
        for p in (period_a, period_b):
            side = counts[counts["period"] == p]
            h = side.groupby([*cols, "value"], observed=True)["w"].sum().unstack("value")
            hists.append(h.reindex(index=idx, columns=values, fill_value=0.0).fillna(0.0).to_numpy())
        if n_boot is None:
            blank = np.full((2, len(seg)), np.nan)
            ci = {"mix": blank, "rate": blank, **{t: np.full(2, np.nan) for t in ("total_mix", "total_rate", "total")}}
        else:
            ci = bootstrap_parts(hists[0], hists[1], (seg["w_a"].to_numpy(float), seg["w_b"].to_numpy(float)),
                                 (seg["w2_a"].to_numpy(float), seg["w2_b"].to_numpy(float)), contrib, factor=factor,
                                 level=level, n_boot=n_boot, seed=int(seeds[k - 1]))
        value_a = float((seg["share_a"] * seg["value_a"].fillna(0)).sum())
        value_b = float((seg["share_b"] * seg["value_b"].fillna(0)).sum())
        parts.append({"level": k, "by": " x ".join(cols), "value_before": value_a, "value_after": value_b,
                      "change": float(seg["mix"].sum() + seg["rate"].sum()),
                      "mix": float(seg["mix"].sum()), "mix_ci_low": ci["total_mix"][0], "mix_ci_high": ci["total_mix"][1],
                      "rate": float(seg["rate"].sum()), "rate_ci_low": ci["total_rate"][0],
                      "rate_ci_high": ci["total_rate"][1], "change_ci_low": ci["total"][0],
                      "change_ci_high": ci["total"][1], "n_before": int(seg["n_a"].sum()), "n_after": int(seg["n_b"].sum())})
        out = seg[cols].copy()
        out.insert(0, "level", k)
        out["n"] = seg["n_a"] + seg["n_b"]
        out["n_before"], out["n_after"] = seg["n_a"], seg["n_b"]
        out["share_before"], out["share_after"] = 100 * seg["share_a"], 100 * seg["share_b"]
        out["value_before"], out["value_after"] = seg["value_a"], seg["value_b"]
        out["mix"], out["mix_ci_low"], out["mix_ci_high"] = seg["mix"], ci["mix"][0], ci["mix"][1]
        out["rate"], out["rate_ci_low"], out["rate_ci_high"] = seg["rate"], ci["rate"][0], ci["rate"][1]
        out["change"] = seg["change"]
        unit_word = "customers" if kind == "churn" else "answers"
        out = suppress(out, size_col="n", value_cols=["share_before", "share_after", "value_before", "value_after", "mix", "mix_ci_low",
                                                      "mix_ci_high", "rate", "rate_ci_low", "rate_ci_high", "change"],
                       min_n=min_n, unit=unit_word)
        segs.append(out)
    parts_df = pd.DataFrame(parts)
    segments = pd.concat(segs, ignore_index=True)
    notes = []
    if segments["suppressed"].any():
        notes.append("segments with too few answers are left out of the segment rows but counted in the totals")
    return ChangeDecomposition(
        metric=metric, kind=kind, statistic=statistic, unit=unit, period_a=period_a, period_b=period_b, by=by,
        parts=parts_df, segments=segments, direction=metric_direction(kind, statistic, scale),
        params={"level": level, "n_boot": n_boot, "seed": seed, "freq": freq, "min_n": min_n}, notes=tuple(notes))
