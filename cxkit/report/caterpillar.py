"""Caterpillar plot of a league table (:func:`cxkit.league`): each unit's own score and its shrunken score.

Offered as ``cx.plots.caterpillar`` (re-exported by :mod:`cxkit.report.plots`); a module of its own so
the league-table feature stays in one place.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .._checks import check_columns
from ..errors import ParameterError
from ..stats.league import League
from .i18n import check_lang, fmt, num, unit_words
from .i18n import text as _t

__all__ = ["caterpillar"]

_RAW = {"color": "#969696", "marker": "o", "mfc": "white", "ms": 5}
_SHRUNK = {"color": "#2171b5", "marker": "o", "ms": 5}


def caterpillar(league, *, ax: plt.Axes | None = None, lang: str = "en", title: str | None = None) -> plt.Axes:
    """Raw and shrunken score of every unit with their intervals, best unit at the top.

    Parameters
    ----------
    league : League
        The result of :func:`cxkit.league`.
    ax : matplotlib Axes, optional
        Where to draw; a new figure sized to the number of units when omitted.
    lang : {"en", "nl"}
        Language of the title, legend and axis label.
    title : str, optional
        Replaces the default title ("NPS per store: own score and shrunken score").

    Returns
    -------
    matplotlib Axes

    Each unit's row shows its own score with its interval (grey, hollow) and, just under it, its
    shrunken score with the posterior interval (blue, filled); the dashed line is the overall level
    the units are shrunk towards. Tick labels give each unit's n. Units blanked for privacy
    (``min_n``) are named with "too few answers" and drawn without figures.
    """
    if not isinstance(league, League):
        raise ParameterError(f"`league` must be the result of cx.league(...); got {type(league).__name__}.")
    check_lang(lang)
    t = league.table.reset_index(drop=True)
    check_columns(t, ["unit", "n", "raw", "raw_ci_low", "raw_ci_high", "shrunken", "shrunken_ci_low",
                      "shrunken_ci_high"], argument="league.table")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 0.38 * len(t) + 2.0))
    y = np.arange(len(t), dtype=float)
    shown = t["shrunken"].notna().to_numpy()
    pct = fmt(100 * league.level, 0, lang)

    def bars(col: str, offset: float, style: dict, label: str) -> None:
        v = t.loc[shown, col].to_numpy(float)
        lo, hi = t.loc[shown, f"{col}_ci_low"].to_numpy(float), t.loc[shown, f"{col}_ci_high"].to_numpy(float)
        err = np.vstack([np.clip(v - lo, 0, None), np.clip(hi - v, 0, None)])
        ax.errorbar(v, y[shown] + offset, xerr=err, ls="none", capsize=2, lw=1, label=label, **style)

    bars("raw", -0.17, _RAW, _t("lg_raw", lang, pct=pct))
    bars("shrunken", 0.17, _SHRUNK, _t("lg_shrunken", lang, pct=pct))
    ax.axvline(league.prior_score, color="#636363", ls="--", lw=1, label=_t("lg_overall", lang))
    ax.set_yticks(y, [f"{u} (n = {fmt(k, 0, lang)})" + ("" if ok else f": {_t('too_few', lang)}")
                      for u, k, ok in zip(t["unit"], t["n"], shown, strict=True)], fontsize=8)
    ax.set_ylim(len(t) - 0.5, -0.5)
    ax.set_xlabel(_t(f"lg_{league.metric}", lang))
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: num(v, "g", lang)))
    ax.grid(axis="x", color="#f0f0f0")
    ax.set_axisbelow(True)
    handles, labels = ax.get_legend_handles_labels()
    order = [1, 2, 0]  # own score, shrunken score, then the overall level
    legend = ax.legend([handles[i] for i in order], [labels[i] for i in order], loc="lower center",
                       bbox_to_anchor=(0.5, 1.0), ncol=1, frameon=False, fontsize=8)
    # The title sits above the legend: padded by how far the drawn legend reaches above the axes
    # (it depends on the words' length and the language).
    fig = ax.figure
    fig.canvas.draw()
    top = legend.get_window_extent(fig.canvas.get_renderer()).y1 - ax.get_window_extent().y1
    height = max(top, 0) * 72 / fig.dpi
    # wrapped to the axes' width: a combined unit makes a long title (lazily: plots imports this module)
    from .plots import wrap_title

    wrap_title(ax, title or _t("lg_title", lang, metric=league.metric.upper() if league.metric != "churn"
                               else _t("lg_churn", lang), unit=unit_words(league.unit, lang)), pad=height + 4,
               fontsize=10)
    return ax
