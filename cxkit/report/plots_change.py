"""The waterfall chart of a change decomposition (``cx.plots.waterfall``).

Kept apart from :mod:`cxkit.report.plots` so the chart of issue 17 merges without touching the
other charts; :mod:`cxkit.report.plots` re-exports it.
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from .i18n import check_lang, fmt
from .i18n import text as _t

__all__ = ["waterfall"]

_UP, _DOWN, _TOTAL = "#1a9850", "#d7301f", "#4d4d4d"
_MAX_BARS = 6  # segment bars shown; the rest are summed into one "other segments" bar


def waterfall(decomp: Any, ax: plt.Axes | None = None, *, level: int = 1, lang: str = "en") -> plt.Axes:
    """Floating horizontal bars from 0 to the total change: the mix part, each segment's within-segment part, the total.

    Parameters
    ----------
    decomp : ChangeDecomposition
        The result of :func:`cxkit.decompose_change`.
    level : int
        Drill-down level whose segments are drawn (1: the first ``by`` column).
    lang : {"en", "nl"}

    Bars are coloured by whether the move is better or worse for the metric (churn up is worse); the
    whiskers are the parts' bootstrap intervals. Suppressed segments are summed into "other segments"
    without being named.
    """
    check_lang(lang)
    parts = decomp.parts[decomp.parts["level"] == level].iloc[0]
    seg = decomp.segments[decomp.segments["level"] == level]
    cols = decomp.by[:level]
    shown = seg[~seg["suppressed"]].copy()
    shown["label"] = shown[cols].astype(str).agg(" / ".join, axis=1)
    shown = shown.reindex(shown["rate"].abs().sort_values(ascending=False, kind="stable").index)
    rows = [(_t("dc_mix", lang), parts["mix"], parts["mix_ci_low"], parts["mix_ci_high"])]
    top = shown.iloc[:_MAX_BARS]
    rows += [(f"{_t('dc_rate', lang)}: {r['label']}", r["rate"], r["rate_ci_low"], r["rate_ci_high"])
             for _, r in top.iterrows()]
    rest = parts["rate"] - top["rate"].sum()
    if len(seg) > len(top):
        rows.append((_t("dc_other", lang), rest, np.nan, np.nan))
    d = decomp.digits
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 0.45 * (len(rows) + 1) + 1.4))
    left = 0.0
    for i, (_, value, lo, hi) in enumerate(rows):
        good = value * decomp.direction >= 0
        ax.barh(i, value, left=left, color=_UP if good else _DOWN, height=0.6)
        if np.isfinite(lo) and np.isfinite(hi):
            ax.errorbar(left + value, i, xerr=[[max(value - lo, 0)], [max(hi - value, 0)]], fmt="none",
                        ecolor="black", capsize=3, lw=1)
        left += value
    total = parts["change"]
    ax.barh(len(rows), total, color=_TOTAL, height=0.6)
    ax.errorbar(total, len(rows), xerr=[[max(total - parts["change_ci_low"], 0)],
                                        [max(parts["change_ci_high"] - total, 0)]],
                fmt="none", ecolor="black", capsize=3, lw=1)
    labels = [r[0] for r in rows] + [_t("dc_total", lang, a=decomp.period_a, b=decomp.period_b,
                                          change=fmt(total, d, lang, sign=True))]
    ax.set_yticks(np.arange(len(labels)), labels)
    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.axvline(0, color="grey", lw=1)
    ax.set_xlabel(_t("dc_change_axis", lang, unit=_t(decomp.unit, lang)))
    ax.set_title(_t("dc_title", lang, metric=decomp.label(lang), a=decomp.period_a, b=decomp.period_b), fontsize=10)
    return ax
