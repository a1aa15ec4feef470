"""Plots (matplotlib/seaborn). Every function takes ``ax=None`` and returns the Axes."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from .counts import check_columns
from .i18n import check_lang, column_label, fmt
from .i18n import text as _t

__all__ = ["nps_composition", "trend", "score_distribution"]

_NPS_COLOURS = {"pct_detractors": "#d7301f", "pct_passives": "#bdbdbd", "pct_promoters": "#1a9850"}
_NPS_KEYS = {"pct_detractors": "detractors", "pct_passives": "passives", "pct_promoters": "promoters"}


def _axes(ax):
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    return ax


def nps_composition(table: pd.DataFrame, by: str, *, ax: plt.Axes | None = None,
                    labels: dict | None = None, lang: str = "en") -> plt.Axes:
    """Stacked horizontal bars of detractors / passives / promoters per group.

    ``table`` is the output of :func:`cxkit.nps`; suppressed groups are shown
    empty and labelled. The NPS and its interval are written beside each bar.
    ``lang`` (``en``, ``nl``) sets the legend and axis words (Promoters /
    Promotors ...); ``labels`` overrides single legend entries.
    """
    check_columns(table, [by, "pct_detractors", "pct_passives", "pct_promoters", "nps", "n"], argument="table")
    check_lang(lang)
    labels = {**{c: _t(k, lang) for c, k in _NPS_KEYS.items()}, **(labels or {})}
    ax = _axes(ax)
    t = table.reset_index(drop=True)
    y = np.arange(len(t))
    left = np.zeros(len(t))
    for col, colour in _NPS_COLOURS.items():
        vals = t[col].fillna(0).to_numpy()
        ax.barh(y, vals, left=left, color=colour, label=labels[col], edgecolor="white")
        left += vals
    for i, r in t.iterrows():
        if r.get("suppressed", False):
            txt = f"n={r['n']}: {_t('too_few', lang)}"
        else:
            txt = (f"NPS {fmt(r['nps'], 0, lang, sign=True)} [{fmt(r['ci_low'], 0, lang, sign=True)}, "
                   f"{fmt(r['ci_high'], 0, lang, sign=True)}], n={r['n']}")
        ax.text(101, i, txt, va="center", fontsize=8)
    ax.set_yticks(y, t[by].astype(str))
    ax.set_xlim(0, 100)
    ax.set_xlabel(_t("pct_answers", lang))
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, frameon=False, fontsize=8)
    ax.invert_yaxis()
    return ax


def trend(table: pd.DataFrame, y: str, *, x: str = "period", hue: str | None = None,
          lo: str = "ci_low", hi: str = "ci_high", ax: plt.Axes | None = None,
          ylabel: str | None = None, lang: str = "en") -> plt.Axes:
    """Line of a metric over periods with its interval as a band.

    ``table`` is a metric table computed with ``period=``; suppressed points are gaps.
    ``lang`` (``en``, ``nl``) sets the default axis labels.
    """
    check_lang(lang)
    check_columns(table, [x, y, lo, hi] + ([hue] if hue else []), argument="table")
    ax = _axes(ax)
    groups = table.groupby(hue, sort=True) if hue else [(None, table)]
    palette = sns.color_palette(n_colors=max(1, table[hue].nunique() if hue else 1))
    for colour, (name, g) in zip(palette, groups, strict=False):
        g = g.sort_values(x)
        xs = g[x].astype(str)
        ax.plot(xs, g[y], marker="o", color=colour, label=None if name is None else str(name))
        ax.fill_between(xs, g[lo].astype(float), g[hi].astype(float), color=colour, alpha=0.2, linewidth=0)
    ax.set_ylabel(ylabel or column_label(y, lang))
    ax.set_xlabel(column_label(x, lang))
    ax.tick_params(axis="x", rotation=45, labelsize=8)
    if hue:
        ax.legend(title=hue, fontsize=8, frameon=False)
    return ax


def score_distribution(data: pd.DataFrame, score: str = "score", *, by: str | None = None,
                       ax: plt.Axes | None = None, lang: str = "en") -> plt.Axes:
    """Share of answers per score value (per group when ``by`` is given); ``lang`` sets the labels."""
    check_columns(data, [score] + ([by] if by else []), argument="score/by")
    check_lang(lang)
    ax = _axes(ax)
    d = data.dropna(subset=[score])
    sns.histplot(data=d, x=score, hue=by, discrete=True, stat="percent", common_norm=False,
                 multiple="dodge", shrink=0.8, ax=ax)
    ax.set_ylabel(_t("pct_answers", lang))
    return ax
