"""Plots (matplotlib/seaborn). Every function takes ``ax=None`` and returns the Axes."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.transforms import blended_transform_factory

from .._checks import check_columns, check_min_n
from .i18n import check_lang, column_label, fmt
from .i18n import text as _t

__all__ = ["nps_composition", "trend", "score_distribution"]

_NPS_COLOURS = {"pct_detractors": "#d7301f", "pct_passives": "#bdbdbd", "pct_promoters": "#1a9850"}
SUPPRESSED_LABEL = "suppressed: too few answers"
_SUPPRESSED_STYLE = {"color": "#f0f0f0", "edgecolor": "#969696", "hatch": "///"}


def _suppressed(table: pd.DataFrame) -> np.ndarray:
    """Rows to draw as suppressed: flagged, or with no figure at all (never drawn as zero)."""
    flag = table["suppressed"].fillna(False).astype(bool) if "suppressed" in table else False
    return np.asarray(flag, dtype=bool) if not np.isscalar(flag) else np.zeros(len(table), dtype=bool)
_NPS_KEYS = {"pct_detractors": "detractors", "pct_passives": "passives", "pct_promoters": "promoters"}


def _axes(ax):
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    return ax


def nps_composition(table: pd.DataFrame, by: str, *, ax: plt.Axes | None = None,
                    labels: dict | None = None, lang: str = "en", title: str | None = None) -> plt.Axes:
    """Stacked horizontal bars of detractors / passives / promoters per group.

    ``table`` is the output of :func:`cxkit.nps`. Suppressed groups (and any
    without figures) get a hatched grey bar labelled with their n and the reason,
    never a zero-length or zero-valued bar. The NPS and its interval are written
    beside each other bar. ``lang`` (``en``, ``nl``) sets the legend and axis
    words (Promoters / Promotors ...); ``labels`` overrides single legend entries.
    ``title`` is drawn above the legend (never under it).
    """
    check_columns(table, [by, "pct_detractors", "pct_passives", "pct_promoters", "nps", "n"], argument="table")
    check_lang(lang)
    labels = {**{c: _t(k, lang) for c, k in _NPS_KEYS.items()}, **(labels or {})}
    ax = _axes(ax)
    t = table.reset_index(drop=True)
    y = np.arange(len(t))
    hidden = _suppressed(t) | t["nps"].isna().to_numpy()
    left = np.zeros(len(t))
    for col, colour in _NPS_COLOURS.items():
        vals = t[col].to_numpy(dtype=float)
        ax.barh(y[~hidden], vals[~hidden], left=left[~hidden], color=colour, label=labels[col], edgecolor="white")
        left[~hidden] += vals[~hidden]
    if hidden.any():
        ax.barh(y[hidden], 100, label=SUPPRESSED_LABEL, **_SUPPRESSED_STYLE)
    for i, r in t.iterrows():
        if hidden[i]:
            why = str(r.get("note", "") or "").removesuffix(": suppressed") or "no figure"
            txt = f"n={r['n']}: suppressed ({why})"
        else:
            txt = (f"NPS {fmt(r['nps'], 0, lang, sign=True)} [{fmt(r['ci_low'], 0, lang, sign=True)}, "
                   f"{fmt(r['ci_high'], 0, lang, sign=True)}], n={r['n']}")
        ax.text(101, i, txt, va="center", fontsize=8)
    ax.set_yticks(y, t[by].astype(str))
    ax.set_xlim(0, 100)
    ax.set_xlabel(_t("pct_answers", lang))
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, frameon=False, fontsize=8)
    if title:  # above the legend row: padded by the legend's height
        ax.set_title(title, pad=22)
    ax.invert_yaxis()
    return ax


def trend(table: pd.DataFrame, y: str, *, x: str = "period", hue: str | None = None,
          lo: str = "ci_low", hi: str = "ci_high", ax: plt.Axes | None = None,
          ylabel: str | None = None, lang: str = "en") -> plt.Axes:
    """Line of a metric over periods with its interval as a band.

    ``table`` is a metric table computed with ``period=``. Suppressed points
    are gaps in the line, marked by a dotted vertical line labelled
    "suppressed" (and in the legend), never plotted as values. ``lang``
    (``en``, ``nl``) sets the default axis labels.
    """
    check_lang(lang)
    check_columns(table, [x, y, lo, hi] + ([hue] if hue else []), argument="table")
    ax = _axes(ax)
    groups = table.groupby(hue, sort=True) if hue else [(None, table)]
    palette = sns.color_palette(n_colors=max(1, table[hue].nunique() if hue else 1))
    foot = blended_transform_factory(ax.transData, ax.transAxes)
    marked = False
    for colour, (name, g) in zip(palette, groups, strict=False):
        g = g.sort_values(x)
        xs = g[x].astype(str)
        hidden = _suppressed(g)
        ys = g[y].astype(float).where(~hidden)
        ax.plot(xs, ys, marker="o", color=colour, label=None if name is None else str(name))
        ax.fill_between(xs, g[lo].astype(float).where(~hidden), g[hi].astype(float).where(~hidden), color=colour,
                        alpha=0.2, linewidth=0)
        for xv in xs[hidden]:
            # A dotted full-height line cannot be misread as a value, unlike a point at zero.
            ax.axvline(xv, color="#969696", linestyle=":", linewidth=1.2,
                       label=None if marked else SUPPRESSED_LABEL)
            ax.text(xv, 0.98, " suppressed", transform=foot, rotation=90, va="top", ha="center",
                    fontsize=7, color="#636363", backgroundcolor="white")
            marked = True
    ax.set_ylabel(ylabel or column_label(y, lang))
    ax.set_xlabel(column_label(x, lang))
    ax.tick_params(axis="x", rotation=45, labelsize=8)
    if hue or marked:
        ax.legend(title=hue, fontsize=8, frameon=False)
    return ax


def score_distribution(data: pd.DataFrame, score: str = "score", *, by: str | None = None,
                       ax: plt.Axes | None = None, min_n: int = 30, lang: str = "en") -> plt.Axes:
    """Share of answers per score value (per group when ``by`` is given).

    Groups with fewer than ``min_n`` answers are left out and named, with their
    n, in a note under the plot, as in the metric tables. ``lang`` sets the labels.
    """
    check_columns(data, [score] + ([by] if by else []), argument="score/by")
    min_n = check_min_n(min_n)
    check_lang(lang)
    ax = _axes(ax)
    d = data.dropna(subset=[score])
    sizes = d.groupby(by, observed=True).size() if by else pd.Series({"all answers": len(d)})
    small = sizes[sizes < min_n]
    if len(small):
        ax.text(0, -0.18, f"{SUPPRESSED_LABEL} (min_n={min_n}): "
                + ", ".join(f"{k} (n={v})" for k, v in small.items()), transform=ax.transAxes, fontsize=8)
        d = d[~d[by].isin(small.index)] if by else d.iloc[0:0]
    if d.empty:
        ax.set_ylabel(_t("pct_answers", lang))
        return ax
    sns.histplot(data=d, x=score, hue=by, discrete=True, stat="percent", common_norm=False,
                 multiple="dodge", shrink=0.8, ax=ax)
    ax.set_ylabel(_t("pct_answers", lang))
    return ax
