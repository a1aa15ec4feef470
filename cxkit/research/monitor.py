"""KPI monitoring: control limits per series that allow for overdispersion, and direction-aware alerts.

:func:`monitor` counts a metric per period (and per segment) in the data's engine, draws
Laney-style limits (:mod:`cxkit.stats.monitor`: the p' chart for shares and churn rates, its
analogue for NPS and means) and raises an alert where a period lies outside them on the worse
side (by default; churn up is worse). Periods with fewer than ``min_n`` answers are not judged
and not used for the limits. Each alert carries the decomposition of its change against the
series' previous period (:func:`cxkit.research.decompose.decompose_counts`): how much came from
who answered and how much from change within segments.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._checks import FREQS, as_list, check_choice, check_min_n
from .._results import Study
from ..errors import ParameterError
from ..report.i18n import check_lang, fmt
from ..report.i18n import text as _t
from ..stats.monitor import mean_chart, nps_chart, prediction_sigmas, share_chart
from .decompose import STATISTICS, decompose_counts, metric_direction, prepare_counts

__all__ = ["Monitor", "monitor", "ALERT_ON", "ALL"]

#: ``worse``: only moves for the worse raise an alert; ``both``: either direction.
ALERT_ON = ("worse", "both")
#: Series label of the whole data (not split by ``by``).
ALL = "all"
#: Judged periods needed before a period can be judged against them (``baseline``).
MIN_BASELINE = 6


@dataclass(repr=False)
class Monitor(Study):
    """Result of :func:`monitor`.

    Attributes
    ----------
    chart : DataFrame
        One row per series and period: ``series`` (``"all"`` or the segment, ``"web"``,
        ``"north / web"``), the ``by`` columns, ``period``, ``n``, ``value``, ``centre``, ``lcl``, ``ucl``
        (in the metric's unit), ``z``, ``sigma_z``, ``judged`` (``n >= min_n``), ``status``
        (``ok``, ``worse``, ``better``, ``too few``) and ``alert``.
    alerts : DataFrame
        One row per alert: ``metric``, ``series``, ``period``, ``previous``, ``value``, ``centre``,
        ``limit`` (the limit crossed), ``n``, ``direction`` (``worse``/``better``), ``latest`` (the series'
        last period), ``change`` (against ``previous``), ``mix``, ``rate`` (its decomposition by
        ``decompose_by``; NaN when not decomposed) and ``largest`` (the segment that moved most).
    """

    metric: str
    kind: str
    statistic: str
    unit: str
    by: list[str]
    chart: pd.DataFrame
    alerts: pd.DataFrame
    direction: int
    params: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    title = "KPI monitoring"

    @property
    def tables(self) -> Mapping[str, pd.DataFrame]:
        return {"chart": self.chart, "alerts": self.alerts}

    @property
    def figures(self) -> Mapping[str, Callable[..., Any]]:
        return {}

    @property
    def active(self) -> pd.DataFrame:
        """Alerts in each series' latest period: what a reader should look at now."""
        return self.alerts[self.alerts["latest"]] if len(self.alerts) else self.alerts

    def label(self, lang: str = "en") -> str:
        if self.kind == "churn":
            return _t("dc_churn", lang)
        return _t("dc_mean_of", lang, metric=self.metric) if self.statistic == "mean" else self.metric

    def alert_sentences(self, lang: str = "en", active_only: bool = True) -> list[str]:
        """One sentence per alert (``Alert: nps for web in 2026-10 is 12.3, below the lower limit 20.1 ...``)."""
        check_lang(lang)
        d = 2 if self.statistic == "mean" else 1
        rows = self.active if active_only else self.alerts
        out = []
        for _, a in rows.iterrows():
            key = "mo_alert_low" if a["value"] < a["centre"] else "mo_alert_high"
            text = _t(key, lang, metric=self.label(lang), series=_series_word(a["series"], lang), period=a["period"],
                      value=fmt(a["value"], d, lang), limit=fmt(a["limit"], d, lang), centre=fmt(a["centre"], d, lang),
                      n=fmt(a["n"], 0, lang))
            if pd.notna(a["mix"]):
                text += " " + _t("mo_split", lang, previous=a["previous"], change=fmt(a["change"], d, lang, sign=True),
                                 rate=fmt(a["rate"], d, lang, sign=True), mix=fmt(a["mix"], d, lang, sign=True),
                                 largest=a["largest"] or "–")
            out.append(text)
        return out

    def describe(self, lang: str = "en") -> str:
        check_lang(lang)
        n_series = self.chart["series"].nunique() if len(self.chart) else 0
        active = self.active
        head = (_t("mo_none", lang, metric=self.label(lang), k=n_series) if active.empty
                else _t("mo_some", lang, metric=self.label(lang), a=len(active), k=n_series))
        lines = [head] + ["- " + s for s in self.alert_sentences(lang)]
        lines.append("- " + _t("mo_method", lang, sigmas=fmt(self.params["sigmas"], 0, lang),
                                min_n=self.params["min_n"]))
        if (~self.chart["judged"]).any():
            lines.append("- " + _t("mo_not_judged", lang, k=int((~self.chart["judged"]).sum()),
                                   min_n=self.params["min_n"]))
        return "\n".join(lines)

    @property
    def level(self) -> float:
        return float(self.params.get("level", 0.95))


def _series_word(series: str, lang: str) -> str:
    return _t("mo_all", lang) if series == ALL else series


def _period_sums(counts: pd.DataFrame, keys: list[str], contrib_good: np.ndarray, contrib_bad: np.ndarray,
                 values: np.ndarray) -> pd.DataFrame:
    """Per key and period: n, good, bad (answer counts), s, ss (sum and sum of squares of the answers)."""
    pos = np.searchsorted(values, counts["value"].to_numpy(float))
    n = counts["n"].to_numpy(float)
    x = counts["value"].to_numpy(float)
    c = counts[[*keys, "period"]].assign(n=n, good=n * contrib_good[pos], bad=n * contrib_bad[pos], s=n * x,
                                          ss=n * x * x)
    return c.groupby([*keys, "period"], observed=True, sort=True)[["n", "good", "bad", "s", "ss"]].sum().reset_index()


def monitor(data: object, metric: str, by: str | Sequence[str] | None = None, freq: str = "M", *,
            statistic: str = "headline", score: str = "score", date: str = "answered_at", scale: Any = None,
            sigmas: float = 3.0, min_n: int = 30, alert_on: str = "worse",
            decompose_by: str | Sequence[str] | None = None, baseline: int | None = 12,
            since: str | None = None, start: str = "start_date", end: str = "end_date",
            source: str = "data") -> Monitor:
    """Control limits per series that allow for overdispersion, with direction-aware alerts.

    Parameters
    ----------
    data : Dataset, DataFrame, DuckDB relation, PySpark DataFrame or path
        As in :func:`cxkit.decompose_change` (``metric`` a dataset metric, or the kind for plain data).
    metric : str
    by : str or list of str, optional
        Series: the whole data (``"all"``) plus one series per value (combination) of these columns.
    freq : {"D", "W", "M", "Q", "Y"}
    statistic : {"headline", "mean"}
        NPS / % top box / % easy / churn rate, or the mean answer.
    sigmas : float
        Limits at ``sigmas`` (inflated) SEs from the centre (3: about 1 false alert in 740 periods per
        direction for a stable series).
    min_n : int
        Periods with fewer answers (customers for churn) are shown but neither judged nor used for the limits.
    alert_on : {"worse", "both"}
        Which side raises an alert; "worse" follows the metric (lower NPS / CSAT / % easy, higher churn,
        and for means the scale's direction).
    baseline : int or None
        Each period is judged against the centre and ``sigma_z`` of the (at most) ``baseline`` judged
        periods before it, so a slow drift or an old change does not keep every later period out of
        limits; periods with fewer than 6 judged periods before them are not judged. The limits then
        allow for the baseline's own estimation error (:func:`cxkit.stats.monitor.prediction_sigmas`),
        so a stable series keeps the nominal false-alert rate (0.135% per period at 3 SEs). ``None``: one
        centre and ``sigma_z`` from all judged periods (Laney's retrospective chart).
    since : str, optional
        First period to monitor (a label at ``freq`` such as ``"2024-11"``); earlier periods are left out
        (e.g. churn before the data's observation window, which holds no leavers).
    decompose_by : str or list of str, optional
        Segments for each alert's mix/rate split (default: ``by`` for the ``"all"`` series; other series
        are split only when this is given).

    Returns
    -------
    Monitor
        ``chart`` (every series and period with its limits) and ``alerts``; ``active`` are the alerts in
        each series' latest period. Counts are unweighted (a control chart asks whether the answers
        changed, not the population estimate).
    """
    by = as_list(by)
    split = as_list(decompose_by, "decompose_by")
    check_choice("freq", freq, FREQS)
    check_choice("statistic", statistic, STATISTICS)
    check_choice("alert_on", alert_on, ALERT_ON)
    min_n = check_min_n(min_n)
    if baseline is not None and (isinstance(baseline, bool) or not isinstance(baseline, int)
                                 or baseline < MIN_BASELINE):
        raise ParameterError(f"`baseline` must be None or a whole number of periods >= {MIN_BASELINE}; "
                             f"got {baseline!r}.")
    if isinstance(sigmas, bool) or not isinstance(sigmas, int | float) or not sigmas > 0:
        raise ParameterError(f"`sigmas` must be a positive number such as 3; got {sigmas!r}.")
    keys = list(dict.fromkeys([*by, *split]))
    counts, kind, values, contrib, factor, unit, scale = prepare_counts(
        data, metric, keys, statistic=statistic, score=score, date=date, scale=scale, weight=None, freq=freq,
        start=start, end=end, source=source)
    counts = counts.assign(period=counts["period"].astype(str))
    if since is not None:
        counts = counts[counts["period"] >= str(since)]
    direction = metric_direction(kind, statistic, scale)
    good = np.clip(contrib, 0, None).astype(float)
    bad = np.clip(-contrib, 0, None).astype(float) if kind == "nps" else np.zeros(len(values))
    series_defs = [(ALL, [], ())]
    if by:
        combos = counts[by].drop_duplicates().sort_values(by).itertuples(index=False, name=None)
        series_defs += [(" / ".join(map(str, c)), by, c) for c in combos]
    rows, alerts = [], []
    bounds = (values.min(), values.max())
    def chart_fn(t: Mapping[str, np.ndarray], use: np.ndarray, width: float = sigmas):
        if kind == "nps" and statistic == "headline":
            return nps_chart(t["good"], t["bad"], t["n"], sigmas=width, use=use)
        if statistic == "mean":
            return mean_chart(t["s"], t["ss"], t["n"], sigmas=width, use=use, bounds=bounds)
        return share_chart(t["good"], t["n"], sigmas=width, use=use)

    for name, cols, combo in series_defs:
        sub = counts
        for col, v in zip(cols, combo, strict=True):
            sub = sub[sub[col] == v]
        t = _period_sums(sub, [], good, bad, values)
        use = (t["n"] >= min_n).to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            value = ((t["good"] - t["bad"]) / t["n"] if statistic == "headline" else t["s"] / t["n"]).to_numpy()
        chart = pd.DataFrame({"centre": np.nan, "z": np.nan, "sigma_z": np.nan, "lcl": np.nan, "ucl": np.nan},
                             index=t.index)
        if baseline is None:  # Laney's chart: one centre and sigma_z from every judged period
            if use.sum() >= 2:
                centre, _, ch = chart_fn({c: t[c].to_numpy(float) for c in t.columns if c != "period"}, use)
                chart[["z", "sigma_z", "lcl", "ucl"]] = ch[["z", "sigma_z", "lcl", "ucl"]].to_numpy()
                chart["centre"] = centre
        else:  # each period against the judged periods before it, at most `baseline` of them
            judged_rows = np.flatnonzero(use)
            arrays = {c: t[c].to_numpy(float) for c in t.columns if c != "period"}
            found = np.full((len(t), 5), np.nan)
            for j, i in enumerate(judged_rows):
                before = judged_rows[max(0, j - baseline):j]
                if len(before) < MIN_BASELINE:
                    continue
                rows_i = np.r_[before, i]
                centre, _, ch = chart_fn({c: a[rows_i] for c, a in arrays.items()},
                                         np.r_[np.ones(len(before), bool), False],
                                         prediction_sigmas(sigmas, len(before)))
                found[i] = [centre, *ch[["z", "sigma_z", "lcl", "ucl"]].to_numpy()[-1]]
            chart[["centre", "z", "sigma_z", "lcl", "ucl"]] = found
            use = use & chart["lcl"].notna().to_numpy()
        out = pd.DataFrame({"series": name, **{c: v for c, v in zip(cols, combo, strict=True)},
                            "period": t["period"], "n": t["n"].astype("int64"), "value": factor * value,
                            "centre": factor * chart["centre"].to_numpy(), "lcl": factor * chart["lcl"].to_numpy(),
                            "ucl": factor * chart["ucl"].to_numpy(), "z": chart["z"].to_numpy(),
                            "sigma_z": chart["sigma_z"].to_numpy(), "judged": use})
        low, high = out["value"] < out["lcl"], out["value"] > out["ucl"]
        worse = (low if direction > 0 else high) & out["judged"]
        better = (high if direction > 0 else low) & out["judged"]
        out["status"] = np.select([~out["judged"], worse, better], ["too few", "worse", "better"], "ok")
        out["alert"] = worse | (better if alert_on == "both" else False)
        rows.append(out)
        segs = split or (by if name == ALL else [])
        for i in np.flatnonzero(out["alert"].to_numpy()):
            alerts.append(_alert(out, i, name, sub, segs, metric, kind, statistic, values, contrib, factor, unit,
                                 scale, freq, min_n, source))
    chart = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
    cols = ["metric", "series", "period", "previous", "value", "centre", "limit", "n", "direction", "latest", "change",
            "mix", "rate", "largest"]
    alert_table = pd.DataFrame(alerts, columns=cols)
    notes = []
    if (~chart["judged"]).any():
        notes.append(f"{int((~chart['judged']).sum())} series-periods were not judged (fewer than {min_n} answers, "
                     "or too few earlier periods to compare with)")
    return Monitor(metric=metric, kind=kind, statistic=statistic, unit=unit, by=by, chart=chart, alerts=alert_table,
                   direction=direction, params={"freq": freq, "sigmas": float(sigmas), "min_n": min_n,
                                                "alert_on": alert_on, "decompose_by": split,
                                                "baseline": baseline}, notes=tuple(notes))


def _alert(out: pd.DataFrame, i: int, name: str, sub: pd.DataFrame, segs: list[str], metric: str, kind: str,
           statistic: str, values: np.ndarray, contrib: np.ndarray, factor: float, unit: str, scale: Any, freq: str,
           min_n: int, source: str) -> dict[str, Any]:
    r = out.iloc[i]
    judged = out.iloc[:i][out["judged"].iloc[:i].to_numpy()]
    previous = str(judged["period"].iloc[-1]) if len(judged) else ""
    worse_low = r["value"] < r["centre"]
    rec = {"metric": metric, "series": name, "period": str(r["period"]), "previous": previous, "value": r["value"],
           "centre": r["centre"], "limit": r["lcl"] if worse_low else r["ucl"], "n": int(r["n"]),
           "direction": r["status"], "latest": i == len(out) - 1, "change": np.nan, "mix": np.nan, "rate": np.nan,
           "largest": ""}
    if previous:
        rec["change"] = r["value"] - judged["value"].iloc[-1]
    if previous and segs:
        d = decompose_counts(sub, metric, segs[:1], kind=kind, statistic=statistic, values=values,
                             contributions=contrib, factor=factor, unit=unit, scale=scale, period_a=previous,
                             period_b=str(r["period"]), freq=freq, n_boot=None, min_n=min_n, source=source)
        p = d.parts.iloc[0]
        rec.update(change=p["change"], mix=p["mix"], rate=p["rate"])
        top = d.largest(1, level=1)
        rec["largest"] = str(top["group"].iloc[0]) if len(top) else ""
    return rec
