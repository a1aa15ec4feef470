"""Plots (matplotlib/seaborn) of cxkit's tables. Every function takes ``ax=None`` and returns the Axes.

Report plots draw metric tables (:func:`nps_composition`, :func:`trend`,
:func:`score_distribution`); research plots draw the result tables of the
loyalty, churn and driver studies (:func:`crosstab_heatmap` ...
:func:`revenue_at_risk`). Intervals are always drawn; suppressed groups are
drawn as suppressed (reason from the ``suppressed_reason`` code), never as values.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.transforms import blended_transform_factory

from .._checks import check_columns, check_min_n
from ..errors import ParameterError
from ..stats.survival import KaplanMeier
from . import i18n
from .i18n import check_lang, column_label, driver_words, fmt, suppression_reason
from .i18n import text as _t

__all__ = ["nps_composition", "trend", "score_distribution",
           "crosstab_heatmap", "segment_map", "retention", "churn_by_score", "km_curves", "odds_ratios",
           "auc_compare", "driver_importance", "revenue_at_risk", "calibration", "forest", "group_dots",
           "trend_panels", "number_formatter", "localise", "wrap_title"]

_NPS_COLOURS = {"pct_detractors": "#d7301f", "pct_passives": "#bdbdbd", "pct_promoters": "#1a9850"}
_NPS_KEYS = {"pct_detractors": "detractors", "pct_passives": "passives", "pct_promoters": "promoters"}
SUPPRESSED_LABEL = i18n.text("tr_suppressed_label")  # English; charts take theirs from i18n in their lang
_SUPPRESSED_STYLE = {"color": "#f0f0f0", "edgecolor": "#969696", "hatch": "///"}


class _NumberFormatter(mticker.Formatter):
    """Ticks written in ``lang`` (``1,234.5`` / ``1.234,5``), never e-notation or an offset.

    Written here because matplotlib formats by the process locale (``axes.formatter.use_locale``),
    which a report's language must not depend on.
    """

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._ticks: list[float] = []

    def set_locs(self, locs) -> None:
        self._ticks = [float(v) for v in locs]

    def _digits(self, x: float) -> int:
        # the fewest decimals that write every tick of the axis exactly (0.1, 0.2 -> 1; 500, 1000 -> 0)
        locs = [v for v in self._ticks if np.isfinite(v)] or [x]
        return next((d for d in range(7) if all(abs(round(v, d) - v) <= 1e-9 * max(1.0, abs(v)) for v in locs)), 6)

    def __call__(self, x: float, pos: int | None = None) -> str:
        digits = self._digits(x)
        if abs(x) < 0.5 * 10 ** -digits:
            x = 0.0  # no "-0"
        return i18n.num(x, f",.{digits}f", self.lang).replace("-", "\u2212")


def number_formatter(lang: str = "en") -> mticker.Formatter:
    """A tick formatter writing numbers as ``lang`` does: ``1,234.5`` (en) or ``1.234,5`` (nl)."""
    return _NumberFormatter(check_lang(lang))


def localise(ax: plt.Axes, lang: str = "en") -> plt.Axes:
    """Number ticks of ``ax`` in ``lang``'s format (axes with matplotlib's plain number ticks only).

    Category, date, log and already formatted axes (money, p-values) keep their own formatter.
    """
    check_lang(lang)
    for axis in (ax.xaxis, ax.yaxis):
        if type(axis.get_major_formatter()) is mticker.ScalarFormatter and axis.get_scale() == "linear":
            axis.set_major_formatter(number_formatter(lang))
    return ax


def wrap_title(ax: plt.Axes, title: str, *, fontsize: float = 10, pad: float = 6.0, **kwargs) -> plt.Text:
    """Set ``title`` on ``ax``, broken at spaces onto as many lines as keep each no wider than the axes.

    A long title (a league of ``segment / preferred_channel / contract``, a Dutch sentence) would otherwise
    run past the axes to the image's edge. Written here because matplotlib's own ``wrap=True`` wraps at the
    figure's edge, and not at all when the figure is saved with ``bbox_inches="tight"`` (as notebooks show
    figures). Lines already in ``title`` are kept; a single word wider than the axes is not broken.

    Parameters
    ----------
    ax : matplotlib Axes
    title : str
    fontsize, pad : float
        As in ``Axes.set_title``; further keyword arguments go there too.

    Returns
    -------
    matplotlib.text.Text
        The title.
    """
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    limit = ax.get_window_extent(renderer).width
    text = ax.set_title(title, fontsize=fontsize, pad=pad, **kwargs)
    width, chars = text.get_window_extent(renderer).width, max(len(line) for line in title.split("\n"))
    while width > limit and chars > 10:
        # characters per line in proportion to the overshoot, at least 5 % fewer each round
        chars = max(10, int(chars * min(limit / width, 0.95)))
        text.set_text("\n".join(_balanced(line, chars) for line in title.split("\n")))
        width = text.get_window_extent(renderer).width
    return text


def _balanced(line: str, chars: int) -> str:
    """``line`` on the fewest lines of at most ``chars`` characters, of about equal length (no lone last word)."""
    opts = {"break_long_words": False, "break_on_hyphens": False}
    n = len(textwrap.wrap(line, chars, **opts)) or 1
    for width in range(max(1, -(-len(line) // n)), chars + 1):
        lines = textwrap.wrap(line, width, **opts)
        if len(lines) <= n:
            return "\n".join(lines)
    return textwrap.fill(line, chars, **opts)


def _suppressed(table: pd.DataFrame) -> np.ndarray:
    """Rows to draw as suppressed: flagged, or with no figure at all (never drawn as zero)."""
    flag = table["suppressed"].fillna(False).astype(bool) if "suppressed" in table else False
    return np.asarray(flag, dtype=bool) if not np.isscalar(flag) else np.zeros(len(table), dtype=bool)


def _axes(ax, size=(7, 4)):
    if ax is None:
        _, ax = plt.subplots(figsize=size)
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
        ax.barh(y[hidden], 100, label=_t("tr_suppressed_label", lang), **_SUPPRESSED_STYLE)
    for i, r in t.iterrows():
        if hidden[i]:
            why = suppression_reason(str(r.get("suppressed_reason", "") or ""), r.get("suppressed_min_n"),
                                     r.get("suppressed_unit", "answers"), lang) or _t("no_figure", lang)
            txt = f"n={fmt(r['n'], 0, lang)}: {_t('suppressed', lang)} ({why})"
        else:
            txt = (f"NPS {fmt(r['nps'], 0, lang, sign=True)} [{fmt(r['ci_low'], 0, lang, sign=True)}, "
                   f"{fmt(r['ci_high'], 0, lang, sign=True)}], n={fmt(r['n'], 0, lang)}")
        ax.text(101, i, txt, va="center", fontsize=8)
    ax.set_yticks(y, t[by].astype(str))
    ax.set_xlim(0, 100)
    ax.set_xlabel(_t("pct_answers", lang))
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, frameon=False, fontsize=8)
    if title:  # above the legend row: padded by the legend's height
        ax.set_title(title, pad=22)
    ax.invert_yaxis()
    localise(ax, lang)
    return ax


def trend(table: pd.DataFrame, y: str, *, x: str = "period", hue: str | None = None,
          lo: str = "ci_low", hi: str = "ci_high", ax: plt.Axes | None = None,
          ylabel: str | None = None, lang: str = "en", changes: pd.DataFrame | None = None,
          legend: bool = True) -> plt.Axes:
    """Line of a metric over periods with its interval as a band.

    ``table`` is a metric table computed with ``period=``. Suppressed points
    are gaps in the line, marked by a dotted vertical line labelled
    "suppressed" (and in the legend), never plotted as values. ``lang``
    (``en``, ``nl``) sets the default axis labels and the number format.
    ``changes`` (the table of :func:`cxkit.changes` on the same data, with the
    ``hue`` column when there is one) marks each period whose move on the
    previous one is significant: ▲ for a rise, ▼ for a fall, named in the legend.
    ``legend=False`` leaves the legend to the caller (small multiples: one legend).
    """
    check_lang(lang)
    check_columns(table, [x, y, lo, hi] + ([hue] if hue else []), argument="table")
    if changes is not None:
        check_columns(changes, ["period", "diff", "significant"] + ([hue] if hue else []), argument="changes")
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
                       label=None if marked else _t("tr_suppressed_label", lang))
            ax.text(xv, 0.98, " " + _t("suppressed", lang), transform=foot, rotation=90, va="top", ha="center",
                    fontsize=7, color="#636363", backgroundcolor="white")
            marked = True
        if changes is not None:
            ch = changes if name is None else changes[changes[hue].astype(str) == str(name)]
            _mark_changes(ax, pd.Series(ys.to_numpy(), index=xs.to_numpy()), ch, lang)
    ax.set_ylabel(ylabel or column_label(y, lang))
    ax.set_xlabel(column_label(x, lang))
    ax.tick_params(axis="x", rotation=45, labelsize=8)
    # at most 6 period labels: 12 slanted months on a small panel run into each other
    ax.xaxis.set_major_locator(mticker.MaxNLocator(nbins=6, integer=True))
    localise(ax, lang)
    if legend and ax.get_legend_handles_labels()[1]:
        ax.legend(title=column_label(hue, lang) if hue else None, fontsize=8, frameon=False)
    return ax


_SIG_MARKS = {"up": ("^", "tr_sig_up"), "down": ("v", "tr_sig_down")}


def _mark_changes(ax: plt.Axes, points: pd.Series, changes: pd.DataFrame, lang: str) -> None:
    """Mark significant period-over-period moves at the later period's point (one legend entry each way)."""
    sig = changes[changes["significant"].astype("boolean").fillna(False).astype(bool)]
    have = set(ax.get_legend_handles_labels()[1])
    for way, moved in (("up", sig["diff"] > 0), ("down", sig["diff"] < 0)):
        periods = [p for p in sig.loc[moved, "period"].astype(str) if p in points.index and pd.notna(points[p])]
        if not periods:
            continue
        marker, key = _SIG_MARKS[way]
        label = _t(key, lang)
        # black-edged triangles over the line's own dots: read as "this move is real", whatever the colour
        ax.scatter(periods, [points[p] for p in periods], marker=marker, s=90, facecolor="white",
                   edgecolor="black", linewidths=1.5, zorder=5, label=None if label in have else label)


def trend_panels(table: pd.DataFrame, y: str, by: str, *, changes: pd.DataFrame | None = None,
                 x: str = "period", lo: str = "ci_low", hi: str = "ci_high", ylabel: str | None = None,
                 title: str | None = None, lang: str = "en", ncols: int = 4) -> np.ndarray:
    """Small multiples: one :func:`trend` panel per group of ``by``, all on one y-axis.

    A shared y-axis keeps the panels comparable (each panel zooming to its own
    range makes a flat group look as volatile as a moving one). ``changes`` is
    :func:`cxkit.changes` with ``by``: significant moves are marked per panel,
    with one legend under the panels. Each panel's title is the group and its n.
    Returns the Axes, one per group.
    """
    check_lang(lang)
    check_columns(table, [by], argument="table")
    if changes is not None:
        check_columns(changes, [by], argument="changes")
    groups = sorted(table[by].dropna().unique(), key=str)
    if not groups:
        raise ParameterError(f"trend_panels: table has no group in column {by!r} (0 rows with a value)")
    ncols = max(1, min(ncols, len(groups)))
    nrows = -(-len(groups) // ncols)
    fig, grid = plt.subplots(nrows, ncols, figsize=(3.3 * ncols + 0.8, 3.0 * nrows + 0.6), sharey=True,
                             squeeze=False)
    axes = grid.ravel()
    for ax, g in zip(axes, groups, strict=False):
        sub = table[table[by] == g]
        ch = None if changes is None else changes[changes[by].astype(str) == str(g)]
        trend(sub, y, x=x, lo=lo, hi=hi, ax=ax, ylabel=ylabel, lang=lang, changes=ch, legend=False)
        n = f" (n = {fmt(sub['n'].sum(), 0, lang)})" if "n" in sub else ""
        ax.set_title(f"{g}{n}", fontsize=10)
    for ax in axes[len(groups):]:
        ax.set_visible(False)
    for i, ax in enumerate(axes[:len(groups)]):
        if i % ncols:
            ax.set_ylabel("")
        if i < len(groups) - ncols:  # only the bottom row names the x-axis
            ax.set_xlabel("")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    handles, labels = {}, []
    for ax in axes[:len(groups)]:
        for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
            if lab not in handles:
                handles[lab] = h
                labels.append(lab)
    if labels:  # one legend under all panels: never over a panel's data
        fig.legend([handles[lab] for lab in labels], labels, loc="upper center", bbox_to_anchor=(0.5, 0.0),
                   ncol=min(3, len(labels)), frameon=False, fontsize=8)
    return axes[:len(groups)]


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
        ax.text(0, -0.18, f"{_t('tr_suppressed_label', lang)} (min_n={min_n}): "
                + ", ".join(f"{k} (n={fmt(v, 0, lang)})" for k, v in small.items()), transform=ax.transAxes, fontsize=8)
        d = d[~d[by].isin(small.index)] if by else d.iloc[0:0]
    if d.empty:
        ax.set_ylabel(_t("pct_answers", lang))
        return ax
    sns.histplot(data=d, x=score, hue=by, discrete=True, stat="percent", common_norm=False,
                 multiple="dodge", shrink=0.8, ax=ax)
    ax.set_ylabel(_t("pct_answers", lang))
    localise(ax, lang)
    return ax


# -- research plots: loyalty, churn and driver studies ------------------------
_CAT_COLOURS = {"detractor": "#d7301f", "passive": "#969696", "promoter": "#1a9850",
                "hard": "#d7301f", "neutral": "#969696", "easy": "#1a9850",
                "low": "#d7301f", "middle": "#969696", "top box": "#1a9850"}



def _pfmt(p: float, lang: str = "en") -> str:
    return f"p {i18n.pvalue(p, lang)}"  # "p < 0.001", never e-notation



def _cat(c: object, lang: str) -> str:
    """NPS category / score band in words of ``lang``."""
    key = {"detractor": "detractors", "passive": "passives", "promoter": "promoters"}.get(str(c), f"band_{c}")
    try:
        return i18n.text(key, lang)
    except KeyError:  # a band or group of the data's own, shown as it is
        return str(c)


def _err(values: pd.Series, lo: pd.Series, hi: pd.Series) -> np.ndarray:
    return np.vstack([(values - lo).clip(lower=0), (hi - values).clip(lower=0)]).astype(float)


def crosstab_heatmap(table: pd.DataFrame, *, ax: plt.Axes | None = None, csat_label: str = "CSAT",
                     lang: str = "en") -> plt.Axes:
    """Row shares of NPS categories per CSAT level (:func:`cxkit.loyalty.crosstab`), n per row on the axis."""
    check_columns(table, ["csat", "category", "pct", "row_n"], argument="table")
    ax = _axes(ax, (6, 0.5 * table["csat"].nunique() + 1.5))
    wide = table.pivot(index="csat", columns="category", values="pct")
    wide = wide[[c for c in ("detractor", "passive", "promoter") if c in wide.columns]]
    n = table.groupby("csat")["row_n"].first()
    labels = [f"{int(v) if float(v).is_integer() else v} (n={fmt(n[v], 0, lang)})" for v in wide.index]
    # A share is not good or bad by its size (59 % detractors is bad, 59 % promoters good): a neutral
    # sequential map for the share; the category's meaning is in its label, not in a traffic-light colour.
    sns.heatmap(wide, annot=True, fmt=".0f", cmap="Blues", vmin=0, vmax=100, cbar_kws={"label": _t("pl_pct_row", lang)},
                yticklabels=labels, xticklabels=[_cat(c, lang) for c in wide.columns], ax=ax)
    ax.set_xlabel(_t("pl_nps_category", lang))
    ax.set_ylabel(csat_label)
    ax.invert_yaxis()
    localise(ax, lang)
    return ax


def segment_map(table: pd.DataFrame, *, ax: plt.Axes | None = None, csat_label: str = "mean CSAT",
                lang: str = "en") -> plt.Axes:
    """Mean CSAT (x) vs NPS (y) per segment, bubble area = n, with both intervals (:func:`cxkit.loyalty.segment_map`)."""
    check_columns(table, ["segment", "n", "csat_mean", "nps", "csat_ci_low", "csat_ci_high", "nps_ci_low",
                          "nps_ci_high"], argument="table")
    ax = _axes(ax)
    t = table.dropna(subset=["csat_mean", "nps"])
    size = 2000 * t["n"] / t["n"].max()
    ax.errorbar(t["csat_mean"], t["nps"], xerr=_err(t["csat_mean"], t["csat_ci_low"], t["csat_ci_high"]),
                yerr=_err(t["nps"], t["nps_ci_low"], t["nps_ci_high"]), fmt="none", ecolor="grey", lw=1, zorder=1)
    ax.scatter(t["csat_mean"], t["nps"], s=size, alpha=0.5, zorder=2)
    labels = [ax.annotate(f"{r['segment']} (n = {i18n.fmt(r['n'], 0, lang)})", (r["csat_mean"], r["nps"]),
                          fontsize=8, xytext=(6, 6), textcoords="offset points") for _, r in t.iterrows()]
    ax.set_xlabel(csat_label)
    ax.set_ylabel(_t("pl_nps_points", lang))
    ax.axhline(0, color="grey", lw=0.5)
    ax.margins(0.2)  # room for the labels, and no tick label in the corner where the axes meet
    ax.xaxis.set_major_locator(plt.MaxNLocator(5))
    _declutter(ax, labels)
    localise(ax, lang)
    return ax


def _declutter(ax: plt.Axes, labels: list) -> None:
    """Move point labels up, one line at a time, until none overlaps an earlier one (a few tries at most).

    Written here rather than taking adjustText as a dependency: the charts label a handful of points.
    """
    if len(labels) < 2:
        return
    renderer = ax.figure.canvas.get_renderer()
    placed = []
    for label in sorted(labels, key=lambda a: a.xy[1]):
        for _ in range(12):
            box = label.get_window_extent(renderer).expanded(1.0, 1.1)
            if not any(box.overlaps(b) for b in placed):
                break
            x, y = label.xyann
            label.xyann = (x, y + 11)
        placed.append(label.get_window_extent(renderer))


def retention(table: pd.DataFrame, *, ax: plt.Axes | None = None, ylabel: str | None = None,
              lang: str = "en") -> plt.Axes:
    """Retention per NPS category with Wilson intervals (:func:`cxkit.loyalty.retention_by_category`)."""
    check_columns(table, ["category", "retention", "ci_low", "ci_high", "n"], argument="table")
    ax = _axes(ax, (5, 3.5))
    t = table.dropna(subset=["retention"])
    x = np.arange(len(t))
    ax.bar(x, t["retention"], color=[_CAT_COLOURS.get(c, "#4c72b0") for c in t["category"]], alpha=0.8)
    ax.errorbar(x, t["retention"], yerr=_err(t["retention"], t["ci_low"], t["ci_high"]), fmt="none", ecolor="k")
    ax.set_xticks(x, [f"{_cat(c, lang)}\n(n = {i18n.fmt(n, 0, lang)})" for c, n in zip(t["category"], t["n"], strict=True)])
    ax.set_ylim(0, 100)  # bars of shares start at zero: a cut axis makes 90 % look like twice 80 %
    ax.set_ylabel(ylabel or _t("pl_still_customers", lang))
    localise(ax, lang)
    return ax


def churn_by_score(table: pd.DataFrame, *, ax: plt.Axes | None = None, label: str | None = None,
                   lang: str = "en") -> plt.Axes:
    """Churn rate per answer value with Wilson intervals (:func:`cxkit.churn.churn_by_score`)."""
    check_columns(table, ["score", "churn_rate", "ci_low", "ci_high"], argument="table")
    ax = _axes(ax, (5, 3.5))
    t = table.dropna(subset=["churn_rate"])
    ax.errorbar(t["score"], t["churn_rate"], yerr=_err(t["churn_rate"], t["ci_low"], t["ci_high"]), marker="o",
                capsize=3, label=label)
    ax.set_xlabel(label or _t("score", lang))
    ax.set_ylabel(_t("pl_churned_horizon", lang))
    ax.set_ylim(bottom=0)
    localise(ax, lang)
    return ax


def km_curves(km: KaplanMeier, *, ax: plt.Axes | None = None, title: str | None = None,
              lang: str = "en") -> plt.Axes:
    """Kaplan-Meier curves per group with pointwise interval bands."""
    ax = _axes(ax, (6, 4))
    for g, c in km.curves.groupby("group", sort=False, observed=True):
        colour = _CAT_COLOURS.get(str(g))
        n = km.groups.loc[km.groups["group"] == g, "n"]
        lab = f"{_cat(g, lang)} (n = {i18n.fmt(int(n.iloc[0]), 0, lang)})" if len(n) else _cat(g, lang)
        ax.step(c["time"], 100 * c["survival"], where="post", color=colour, label=lab)
        ax.fill_between(c["time"], 100 * c["ci_low"], 100 * c["ci_high"], step="post", alpha=0.2, color=colour,
                        linewidth=0)
    ax.set_xlabel(_t("pl_days_after", lang))
    ax.set_ylabel(_t("pl_still_customers", lang))
    if not np.isnan(km.logrank_p):
        ax.set_title((title + "\n" if title else "") + f"log-rank {_pfmt(km.logrank_p, lang)}", fontsize=10)
    elif title:
        ax.set_title(title, fontsize=10)
    ax.legend(frameon=False, fontsize=8)
    localise(ax, lang)
    return ax


def odds_ratios(table: pd.DataFrame, *, ax: plt.Axes | None = None, label: str | None = None,
                lang: str = "en") -> plt.Axes:
    """Forest plot of odds ratios per metric and model (:func:`cxkit.research.churn.metric_models`), log scale."""
    check_columns(table, ["metric", "model", "odds_ratio", "odds_ratio_low", "odds_ratio_high"], argument="table")
    ax = _axes(ax, (6, 0.45 * len(table) + 1.2))
    t = table.dropna(subset=["odds_ratio"]).reset_index(drop=True)
    y = np.arange(len(t))
    ax.errorbar(t["odds_ratio"], y, xerr=_err(t["odds_ratio"], t["odds_ratio_low"], t["odds_ratio_high"]), fmt="o", capsize=3)
    ax.axvline(1, color="grey", lw=1, ls="--")
    ax.set_xscale("log")
    plain = mticker.FuncFormatter(lambda v, _: i18n.num(v, "g", lang))
    ax.xaxis.set_major_formatter(plain)
    lo, hi = ax.get_xlim()
    # Label the minor ticks only on a narrow range; over decades they would pile up.
    ax.xaxis.set_minor_formatter(plain if hi / lo < 10 else mticker.NullFormatter())
    ax.set_yticks(y, [f"{m} ({k})" for m, k in zip(t["metric"], t["model"], strict=True)])
    ax.invert_yaxis()
    ax.set_xlabel(label or _t("pl_or_per_point", lang))
    localise(ax, lang)
    return ax


def forest(table: pd.DataFrame, estimate: str | None = None, *, low: str | None = None, high: str | None = None,
           label: str = "term", log: bool = True, ref: float | None = None, ax: plt.Axes | None = None,
           xlabel: str | None = None, lang: str = "en") -> plt.Axes:
    """Forest plot: one estimate and its interval per row (a Cox, hazard or logistic coefficient table).

    Parameters
    ----------
    table : DataFrame
        One row per term, e.g. ``CoxResult.table`` or ``LogitResult.table``.
    estimate : str, optional
        Column of the estimate; default ``hazard_ratio`` or ``odds_ratio``, whichever the table has.
    low, high : str, optional
        Interval columns; default ``{estimate}_low`` and ``{estimate}_high``.
    label : str
        Column naming each row.
    log : bool
        Log scale (ratios), with the reference line at 1; ``False`` for differences (reference 0).
    ref : float, optional
        Where the reference line is drawn (default 1 on a log scale, else 0).
    xlabel : str, optional
        Axis label; default the estimate's column label in ``lang``.
    """
    check_lang(lang)
    if estimate is None:
        estimate = next((c for c in ("hazard_ratio", "odds_ratio") if c in table.columns), "hazard_ratio")
    low, high = low or f"{estimate}_low", high or f"{estimate}_high"
    check_columns(table, [label, estimate, low, high], argument="table")
    t = table.dropna(subset=[estimate]).reset_index(drop=True)
    if log:  # a ratio of 0 or infinity (separation) has no place on a log axis
        t = t[(t[estimate] > 0) & np.isfinite(t[estimate])].reset_index(drop=True)
    ax = _axes(ax, (6, 0.4 * len(t) + 1.2))
    y = np.arange(len(t))
    ax.errorbar(t[estimate], y, xerr=_err(t[estimate], t[low], t[high]), fmt="o", capsize=3)
    ax.axvline(ref if ref is not None else (1 if log else 0), color="grey", lw=1, ls="--")
    if log:
        ax.set_xscale("log")
        plain = mticker.FuncFormatter(lambda v, _: i18n.num(v, "g", lang))
        ax.xaxis.set_major_formatter(plain)
        lo, hi = ax.get_xlim()
        ax.xaxis.set_minor_formatter(plain if hi / lo < 10 else mticker.NullFormatter())
    ax.set_yticks(y, [str(v) for v in t[label]])
    ax.set_ylim(len(t) - 0.5, -0.5)  # first term on top
    ax.set_xlabel(xlabel or column_label(estimate, lang))
    localise(ax, lang)
    return ax


def group_dots(table: pd.DataFrame, value: str, by: str, *, low: str = "ci_low", high: str = "ci_high",
               n: str = "n", ax: plt.Axes | None = None, xlabel: str | None = None, title: str | None = None,
               lang: str = "en") -> plt.Axes:
    """A metric per group as dots with interval whiskers and each group's n (CSAT, CES by segment...).

    Dots rather than bars: a share of 80 % against 84 % reads as a gap on a dot plot, and the axis
    need not start at 0. Suppressed groups (no value) are named as such instead of drawn.
    """
    check_lang(lang)
    check_columns(table, [by, value, low, high, n], argument="table")
    t = table.reset_index(drop=True)
    ax = _axes(ax, (6, 0.4 * len(t) + 1.3))
    y = np.arange(len(t))
    shown = t[value].notna()
    ax.errorbar(t.loc[shown, value], y[shown], xerr=_err(t.loc[shown, value], t.loc[shown, low], t.loc[shown, high]),
                fmt="o", capsize=3)
    ax.set_yticks(y, [f"{g} (n = {fmt(k, 0, lang)})" + ("" if ok else f": {_t('too_few', lang)}")
                      for g, k, ok in zip(t[by], t[n], shown, strict=True)])
    ax.set_ylim(len(t) - 0.5, -0.5)
    ax.margins(x=0.1)
    ax.set_xlabel(xlabel or column_label(value, lang))
    if title:
        ax.set_title(title, fontsize=10)
    localise(ax, lang)
    return ax


def auc_compare(table: pd.DataFrame, *, ax: plt.Axes | None = None, lang: str = "en") -> plt.Axes:
    """AUC per metric with bootstrap intervals (:func:`cxkit.auc.auc_table`); 0.5 is a coin flip."""
    col = "metric" if "metric" in table.columns else "score"
    check_columns(table, [col, "auc", "ci_low", "ci_high"], argument="table")
    ax = _axes(ax, (5, 0.5 * len(table) + 1.2))
    t = table.dropna(subset=["auc"]).sort_values("auc", ascending=False).reset_index(drop=True)
    y = np.arange(len(t))
    ax.errorbar(t["auc"], y, xerr=_err(t["auc"], t["ci_low"], t["ci_high"]), fmt="o", capsize=3)
    ax.axvline(0.5, color="grey", lw=1, ls="--")
    ax.set_yticks(y, [f"{m} (n = {i18n.fmt(n, 0, lang)})" for m, n in zip(t[col], t["n"], strict=True)])
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: i18n.num(v, ".2f", lang)))
    ax.set_xlabel(_t("pl_auc", lang))
    localise(ax, lang)
    return ax


def driver_importance(table: pd.DataFrame, *, ax: plt.Axes | None = None, outcome: str = "NPS",
                      lang: str = "en") -> plt.Axes:
    """Share of explained variance per driver with bootstrap intervals (:func:`cxkit.drivers.relative_importance`)."""
    check_columns(table, ["driver", "pct_of_r2", "ci_low", "ci_high"], argument="table")
    ax = _axes(ax, (6, 0.4 * len(table) + 1.2))
    t = table.reset_index(drop=True)
    y = np.arange(len(t))
    colours = ["#1a9850" if c >= 0 else "#d7301f" for c in t.get("correlation", pd.Series(1, index=t.index))]
    ax.barh(y, t["pct_of_r2"], color=colours, alpha=0.8)
    if not t["ci_low"].isna().all():
        ax.errorbar(t["pct_of_r2"], y, xerr=_err(t["pct_of_r2"], t["ci_low"], t["ci_high"]), fmt="none", ecolor="k",
                    capsize=2)
    ax.set_yticks(y, [driver_words(d, lang) for d in t["driver"]])  # csat_renewal: "CSAT after renewal"
    ax.invert_yaxis()
    ax.set_xlabel(_t("pl_pct_r2", lang, outcome=outcome))
    localise(ax, lang)
    return ax


def revenue_at_risk(table: pd.DataFrame, *, ax: plt.Axes | None = None, lang: str = "en",
                    currency: str = "€") -> plt.Axes:
    """Value at risk per group with its interval (:func:`cxkit.churn.revenue_at_risk`), total row left out."""
    group = table.columns[0]
    check_columns(table, [group, "at_risk", "ci_low", "ci_high"], argument="table")
    ax = _axes(ax, (6, 3.5))
    t = table[table[group] != "all"] if len(table) > 1 else table
    x = np.arange(len(t))
    ax.bar(x, t["at_risk"], alpha=0.8)
    if not t["ci_low"].isna().all():
        ax.errorbar(x, t["at_risk"], yerr=_err(t["at_risk"], t["ci_low"], t["ci_high"]), fmt="none", ecolor="k",
                    capsize=3)
    n = t["customers"] if "customers" in t else None  # n on every group chart
    ax.set_xticks(x, [str(g) if n is None else f"{g}\n(n = {fmt(k, 0, lang)})"
                      for g, k in zip(t[group], t["customers"] if n is not None else t[group], strict=True)])
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: f"{currency} {i18n.num(v, ',.0f', lang)}"))
    ax.set_ylabel(_t("pl_value_lost", lang))
    localise(ax, lang)
    return ax


def calibration(table: pd.DataFrame, *, ax: plt.Axes | None = None, lang: str = "en") -> plt.Axes:
    """Observed vs predicted churn per decile of the prediction, with Wilson intervals, per metric and model
    (:func:`cxkit.research.churn.validate_models`); on the diagonal the model is calibrated."""
    check_columns(table, ["metric", "model", "predicted", "observed", "ci_low", "ci_high"], argument="table")
    ax = _axes(ax, (5, 4.5))
    top = 0.0
    for (m, k), t in table.groupby(["metric", "model"], sort=False):
        ax.errorbar(t["predicted"], t["observed"], yerr=_err(t["observed"], t["ci_low"], t["ci_high"]), marker="o",
                    capsize=2, ls="-" if k == "alone" else ":", label=f"{m} ({k})")
        top = max(top, float(t["ci_high"].max()), float(t["predicted"].max()))
    ax.plot([0, top], [0, top], color="grey", lw=1, ls="--")
    ax.set_xlabel(_t("pl_cal_predicted", lang))
    ax.set_ylabel(_t("pl_cal_observed", lang))
    ax.legend(frameon=False, fontsize=8)
    localise(ax, lang)
    return ax


# League tables (issue 16): the caterpillar plot lives in its own module, offered here as cx.plots.caterpillar.
from .caterpillar import caterpillar  # noqa: E402

__all__ += ["caterpillar"]
# The change decomposition's waterfall (issue 17) lives in its own module; offered here as cx.plots.waterfall.
from .plots_change import waterfall as waterfall  # noqa: E402

__all__ += ["waterfall"]
