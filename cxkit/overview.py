"""Dataset-level overviews used by the report notebooks: every metric at once.

These functions only route a :class:`~cxkit.datasets.Dataset`'s metrics to
:mod:`cxkit.metrics` and :mod:`cxkit.compare` with their declared scales, so
notebooks stay thin and every figure keeps its n and interval.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from . import metrics
from .arguments import to_timestamp
from .compare import _adjust, changes
from .datasets import Dataset
from .errors import ParameterError
from .privacy import check_not_personal, pseudonymise_table

__all__ = ["window", "metric_table", "headline", "drilldown", "latest_changes", "describe_overview", "save_tables"]

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


def metric_table(data: pd.DataFrame, ds: Dataset, metric: str, by: str | Sequence[str] | None = None,
                 *, allow_personal_data: bool = False, **kwargs) -> pd.DataFrame:
    """The right metric function for ``metric``'s scale kind, on the rows of that metric.

    Grouping by a personal column (identifier, declared ``pii``/``free_text``,
    or values that look like e-mail addresses) is refused unless
    ``allow_personal_data``: group labels would show the personal data.
    """
    scale = ds.scale(metric)
    check_not_personal(data, metrics.as_list(by), ds, allow=allow_personal_data)
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
        scale, note
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
                     "note": t["note"], "suppressed": bool(t["suppressed"])})
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
    check_not_personal(data, metrics.as_list(by), ds, allow=allow_personal_data)
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
    out["p_adj"] = _adjust(out["p_value"], correction)
    out["significant"] = out["p_adj"] < 1 - level
    front = ["metric", "statistic"] + ([by] if by else [])
    return out[front + [c for c in out.columns if c not in front]]


def describe_overview(head: pd.DataFrame, changed: pd.DataFrame | None = None, *, level: float = 0.95) -> str:
    """Plain sentences generated from the headline and change tables (never canned)."""
    pct = round(100 * level)
    lines = []
    for _, r in head.iterrows():
        if pd.isna(r["value"]):
            lines.append(f"- {r['metric']}: not reported ({r['note'] or 'no answers'}), n = {r['n']}.")
            continue
        lines.append(f"- {r['metric']}: {r['value']:.1f} {r['unit']} ({pct}% CI {r['ci_low']:.1f} to "
                     f"{r['ci_high']:.1f}; n = {r['n']:,}).")
    if changed is not None and len(changed):
        sig = changed[changed["significant"]]
        if sig.empty:
            lines.append(f"- No metric changed significantly between its last two periods "
                         f"({len(changed)} compared, Holm-corrected).")
        for _, r in sig.iterrows():
            word = "rose" if r["diff"] > 0 else "fell"
            lines.append(f"- {r['metric']} {word} from {r['value_b']:.1f} ({r['previous']}) to {r['value_a']:.1f} "
                         f"({r['period']}): {r['diff']:+.1f}, {pct}% CI {r['ci_low']:+.1f} to {r['ci_high']:+.1f}, "
                         f"adjusted p = {r['p_adj']:.3g}.")
    return "\n".join(lines)


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

    from .report import atomic_write

    paths = []
    for name, t in tables.items():
        t = pseudonymise_table(t, dataset, salt=salt, allow=allow_personal_data)
        paths.append(str(atomic_write(Path(folder) / f"{name}.csv", t.to_csv(index=False))))
    return paths
