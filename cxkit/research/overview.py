"""Dataset-level overviews used by the report notebooks: every metric at once.

These functions only route a :class:`~cxkit.datasets.Dataset`'s metrics to
:mod:`cxkit.metrics` and :mod:`cxkit.compare` with their declared scales, so
notebooks stay thin and every figure keeps its n and interval.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .._checks import as_list, to_timestamp
from ..data.dataset import Dataset
from ..data.privacy import check_not_personal, pseudonymise_table, safe_group_by
from ..errors import ParameterError
from ..report.i18n import check_lang, fmt
from ..report.i18n import text as _t
from ..report.summary import metric_short
from ..stats import metrics
from ..stats.churn_rate import churn_rate, churn_share
from ..stats.compare import changes
from ..stats.intervals import adjust_p
from ..stats.suppression import SUPPRESSION_COLUMNS

__all__ = ["window", "metric_table", "headline", "drilldown", "latest_changes", "describe_overview", "save_tables",
           "churn_share", "churn_overview", "overview_period"]

_HEADLINE = {"nps": ("nps", "points"), "csat": ("csat", "% top box"), "ces": ("pct_easy", "% easy")}


def window(ds: Dataset, start: str | None = None, end: str | None = None) -> pd.DataFrame:
    """Answers (joined to customers) with ``start <= answered_at <= end``."""
    frames = [ds.answers(m) for m in ds.metrics()]
    df = pd.concat(frames, ignore_index=True) if frames else ds.responses.iloc[0:0]
    if (start or end) and "answered_at" not in df:
        raise ParameterError("`start`/`end` need an `answered_at` column, and this dataset maps none.")
    if start:
        df = df[df["answered_at"] >= to_timestamp(start, "start")]
    if end:
        df = df[df["answered_at"] <= to_timestamp(end, "end")]
    return df.reset_index(drop=True)


def overview_period(ds: Dataset, period_start: str | None, run_date: str | pd.Timestamp,
                    lang: str = "en") -> tuple[str | None, str, str]:
    """The overview's answer period, derived from the data when ``period_start`` is empty.

    Empty ``period_start`` means the last 12 months of data up to ``run_date``: from the first day of
    the month 11 months before the latest answer on or before ``run_date`` (so data that ends years
    before the run date still gets a period). A given period that holds no answers is explained.

    Returns
    -------
    start : str or None
        The period's first day (ISO date); None when the dataset has no answer dates.
    note : str
        A sentence saying how the period was chosen ("" when given and non-empty).
    missing : str
        A plain paragraph when the period holds no answers (the report's question cannot be answered),
        else "".
    """
    from ..report.i18n import text as _t

    if not ds.has_answer_dates:
        return None, "", ""
    end = to_timestamp(run_date, "run_date")
    when = pd.to_datetime(ds.responses["answered_at"], errors="coerce").dropna()
    upto = when[when <= end + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)]
    if upto.empty:
        return (period_start or None), "", _t("ov_no_answers", lang, run_date=end.date().isoformat())
    first, last = upto.min().date().isoformat(), upto.max().date().isoformat()
    if not period_start:
        start = (upto.max().to_period("M") - 11).start_time.date().isoformat()
        # The period ends with the data ("2017-03-01 to 2018-02-10"), not at a run date years later.
        return start, _t("ov_period_derived", lang, start=start, end=last,
                         run_date=end.date().isoformat(), last=last), ""
    begin = to_timestamp(period_start, "period_start")
    if not (upto >= begin).any():
        return period_start, "", _t("ov_period_empty", lang, start=begin.date().isoformat(),
                                    end=end.date().isoformat(), first=first, last=last)
    return period_start, "", ""


def metric_table(data: pd.DataFrame, ds: Dataset, metric: str, by: str | Sequence[str] | None = None,
                 *, allow_personal_data: bool = False, **kwargs) -> pd.DataFrame:
    """The right metric function for ``metric``'s scale kind, on the rows of that metric.

    Grouping by a personal column (identifier, declared ``pii``/``free_text``,
    or values that look like e-mail addresses) is refused unless
    ``allow_personal_data``: group labels would show the personal data.
    """
    scale = ds.scale(metric)
    check_not_personal(data, as_list(by), ds, allow=allow_personal_data)
    rows = data[data["metric"] == metric]
    weight = "weight" if "weight" in rows else None
    src = str(ds.files.get("responses", "responses"))
    if scale.kind == "nps":
        return metrics.nps(rows, "score", by, weight, scale=scale, source=src, **kwargs)
    fn = metrics.csat if scale.kind == "csat" else metrics.ces
    return fn(rows, "score", by, weight, scale=scale, source=src, **kwargs)


def headline(ds: Dataset, data: pd.DataFrame, *, level: float = 0.95, min_n: int = 30) -> pd.DataFrame:
    """One row per metric: headline figure, interval, n and the mean.

    Returns
    -------
    DataFrame with columns
        metric, kind : metric name and scale kind
        value, unit : NPS points, % top box (CSAT) or % easy (CES)
        ci_low, ci_high, n : interval and answers
        mean, mean_ci_low, mean_ci_high : mean answer (NaN for NPS)
        scale, note, suppressed, suppressed_reason, suppressed_min_n, suppressed_unit : as in the metric table
    """
    rows = []
    for m in ds.metrics():
        if not (data["metric"] == m).any():
            continue
        t = metric_table(data, ds, m, level=level, min_n=min_n).iloc[0]
        col, unit = _HEADLINE[ds.scale(m).kind]
        rows.append({"metric": m, "kind": ds.scale(m).kind, "value": t[col], "unit": unit,
                     "ci_low": t["ci_low"], "ci_high": t["ci_high"], "n": int(t["n"]),
                     "mean": t.get("mean", np.nan), "mean_ci_low": t.get("mean_ci_low", np.nan),
                     "mean_ci_high": t.get("mean_ci_high", np.nan), "scale": ds.scale(m).describe(),
                     "note": t["note"], **{c: t[c] for c in SUPPRESSION_COLUMNS}})
    return pd.DataFrame(rows)


def drilldown(ds: Dataset, data: pd.DataFrame, by: str, *, level: float = 0.95,
              min_n: int = 30, allow_personal_data: bool = False) -> dict[str, pd.DataFrame]:
    """Per-group tables for every metric that has answers, keyed by metric name."""
    if by not in data.columns:
        raise ParameterError(f"`group_by` entry {by!r} is not a column of the answers; "
                             f"available: {[c for c in data.columns if not c.startswith('_')]}.")
    check_not_personal(data, [by], ds, allow=allow_personal_data, argument="group_by")
    return {m: metric_table(data, ds, m, by, level=level, min_n=min_n, allow_personal_data=True)
            for m in ds.metrics() if (data["metric"] == m).any()}


def latest_changes(ds: Dataset, data: pd.DataFrame, by: str | None = None, *, freq: str = "M",
                   level: float = 0.95, min_n: int = 30, correction: str = "holm",
                   allow_personal_data: bool = False) -> pd.DataFrame:
    """Last period with answers against the one before, per metric (and group), corrected together."""
    check_not_personal(data, as_list(by), ds, allow=allow_personal_data)
    parts = []
    for m in ds.metrics():
        rows = data[data["metric"] == m]
        if rows.empty:
            continue
        ch = changes(rows, "answered_at", "score", by, freq=freq, scale=ds.scale(m),
                             level=level, min_n=min_n, correction="none")
        if ch.empty:
            continue
        last = ch["period"].max()
        parts.append(ch[ch["period"] == last].assign(metric=m))
    if not parts:
        return pd.DataFrame()
    out = pd.concat(parts, ignore_index=True)
    out["p_adj"] = adjust_p(out["p_value"], correction)
    out["significant"] = out["p_adj"] < 1 - level
    front = ["metric", "statistic"] + ([by] if by else [])
    return out[front + [c for c in out.columns if c not in front]]


def _p(p: float, lang: str) -> str:
    s = f"{p:.3g}"
    return s.replace(".", ",") if lang == "nl" else s


def describe_overview(head: pd.DataFrame, changed: pd.DataFrame | None = None, *, level: float = 0.95,
                      lang: str = "en", churn: pd.DataFrame | None = None) -> str:
    """Plain sentences generated from the headline and change tables (never canned).

    ``lang`` (``en``, ``nl``) sets the words and the number format (``12.5`` / ``12,5``).
    ``churn`` (the ``churn`` table of :func:`churn_overview`) adds the churn headline: the share
    flagged as churned, or the rate of the last complete period, so every headline computed is named.
    """
    check_lang(lang)
    pct = round(100 * level)
    ci = f"{pct}% {_t('ci', lang)}" if lang == "en" else f"{pct}%-{_t('ci', lang)}"
    to = _t("to", lang)
    lines = []
    for _, r in head.iterrows():
        n = fmt(r["n"], 0, lang)
        if pd.isna(r["value"]):
            lines.append(f"- {metric_short(r['metric'])}: {_t('not_reported', lang)} ({r['note'] or _t('no_answers', lang)}), "
                         f"n = {n}.")
            continue
        unit = _t(r["unit"], lang) if r["unit"] in ("points", "% top box", "% easy") else r["unit"]
        lines.append(f"- {metric_short(r['metric'])}: {fmt(r['value'], 1, lang)} {unit} ({ci} {fmt(r['ci_low'], 1, lang)} {to} "
                     f"{fmt(r['ci_high'], 1, lang)}; n = {n}).")
    if changed is not None and len(changed):
        sig = changed[changed["significant"]]
        if sig.empty:
            lines.append("- " + _t("no_change", lang, n=len(changed)))
        for _, r in sig.iterrows():
            word = _t("rose" if r["diff"] > 0 else "fell", lang)
            lines.append(f"- {metric_short(r['metric'])} {word} {_t('from', lang)} {fmt(r['value_b'], 1, lang)} ({r['previous']}) "
                         f"{_t('to_value', lang)} {fmt(r['value_a'], 1, lang)} ({r['period']}): "
                         f"{fmt(r['diff'], 1, lang, sign=True)}, {ci} {fmt(r['ci_low'], 1, lang, sign=True)} {to} "
                         f"{fmt(r['ci_high'], 1, lang, sign=True)}, {_t('adjusted_p', lang)} = "
                         f"{_p(r['p_adj'], lang)}.")
    lines += _churn_lines(churn, ci, to, lang)
    return "\n".join(lines)


def _churn_lines(churn: pd.DataFrame | None, ci: str, to: str, lang: str) -> list[str]:
    if churn is None or churn.empty:
        return []
    if "complete" in churn:  # per-period rates: the last complete period
        done = churn[churn["complete"]]
        if done.empty or pd.isna(done["churn_rate"].iloc[-1]):
            return []
        r = done.iloc[-1]
        return [_t("ov_churn_rate", lang, pct=fmt(r["churn_rate"], 1, lang), n=fmt(r["at_start"], 0, lang),
                   period=str(r["period"]), ci=ci, ci1=f"{fmt(r['ci_low'], 1, lang)} {to} {fmt(r['ci_high'], 1, lang)}")]
    if "churn_pct" not in churn or pd.isna(churn["churn_pct"].iloc[0]):
        return []
    r = churn.iloc[0]
    return [_t("ov_churn_share", lang, pct=fmt(r["churn_pct"], 1, lang), n=fmt(r["n"], 0, lang), ci=ci,
               ci1=f"{fmt(r['ci_low'], 1, lang)} {to} {fmt(r['ci_high'], 1, lang)}")]


_STALE_DAYS = 90  # customer dates ending this long before the period end count as data that stopped


def churn_overview(ds: Dataset, *, period_start: str | pd.Timestamp | None = None,
                   period_end: str | pd.Timestamp | None = None, freq: str = "M", level: float = 0.95,
                   min_n: int = 30, by: str = "segment", allow_personal_data: bool = False, lang: str = "en"
                   ) -> tuple[dict[str, pd.DataFrame], str]:
    """Churn of the dataset's customers, whichever way the data allows (the overview report's churn section).

    With customer start dates: :func:`~cxkit.stats.churn_rate.churn_rate` per period (``churn``) and per
    year by ``by`` (``churn_by_segment``). With only a ``churned`` flag: the share flagged
    (:func:`~cxkit.stats.churn_rate.churn_share`), overall and by ``by``. The ``by`` breakdown is left
    out when the column is missing or holds personal data (unless ``allow_personal_data``).

    Returns
    -------
    tables : dict of name to DataFrame
        ``churn`` and, where possible, ``churn_by_segment``; empty when churn cannot be computed.
    note : str
        What was computed instead of per-period rates, or why nothing was ("" for rates); when the
        customer dates end more than 90 days before ``period_end``, that the rates stop there (``lang``).
    """
    cust = ds.customers
    # Missing column (a customer table without segments): no breakdown, as documented above.
    by_ok = (cust is not None and by in cust.columns
             and by in safe_group_by(cust, [by], ds, allow=allow_personal_data)[0])
    if cust is not None and "start_date" in cust:
        note = ""
        # The data's last known date: customer starts and ends, and answers (a live export has recent ones).
        dated = [pd.to_datetime(cust[c], errors="coerce") for c in ("start_date", "end_date") if c in cust]
        if ds.has_answer_dates:
            dated.append(pd.to_datetime(ds.responses["answered_at"], errors="coerce"))
        latest = pd.concat(dated).max()
        if period_end is not None and pd.notna(latest) and \
                latest < to_timestamp(period_end, "period_end") - pd.Timedelta(days=_STALE_DAYS):
            # Data that ends years before the run date: customers without an end date are not known to
            # be active since, so later periods would show a false 0% churn.
            note = _t("ov_churn_stale", lang, last=latest.date().isoformat(),
                      end=to_timestamp(period_end, "period_end").date().isoformat())
            period_end = latest
            if period_start is not None and to_timestamp(period_start, "period_start") > latest:
                period_start = None  # a period after the data: show the rates the data holds
        tables = {"churn": churn_rate(cust, period_start=period_start, period_end=period_end, freq=freq,
                                      level=level, min_n=min_n)}
        if by_ok:
            # Yearly by group: monthly rates per segment are too thin to read.
            tables["churn_by_segment"] = churn_rate(cust, by=by, period_start=period_start, period_end=period_end,
                                                    freq="Y", level=level, min_n=min_n)
        return tables, note
    if cust is not None and "churned" in cust:
        tables = {"churn": churn_share(cust, level=level, min_n=min_n)}
        if by_ok:
            tables["churn_by_segment"] = churn_share(cust, by, level=level, min_n=min_n)
        return tables, "No customer start/end dates: churn is shown as the share of customers flagged as churned."
    return {}, "This dataset has no customer start/end dates or churn flag: churn cannot be computed."


def save_tables(tables: dict[str, pd.DataFrame], folder: str, *, dataset: Dataset | None = None,
                salt: str | None = None, allow_personal_data: bool = False) -> list[str]:
    """Write each table to ``folder/<name>.csv`` atomically; returns the paths.

    Personal data is protected first (:func:`cxkit.privacy.pseudonymise_table`):
    customer identifiers become salted-hash pseudonyms (salt from ``salt`` or
    the ``CXKIT_SALT`` environment variable, needed only when a table holds
    identifiers) and other personal columns (``dataset``'s declared ``pii`` and
    ``free_text``, e-mail-like values) are dropped, unless ``allow_personal_data``.
    """
    from pathlib import Path

    from .._files import atomic_write

    paths = []
    for name, t in tables.items():
        t = pseudonymise_table(t, dataset, salt=salt, allow=allow_personal_data)
        paths.append(str(atomic_write(Path(folder) / f"{name}.csv", t.to_csv(index=False))))
    return paths
