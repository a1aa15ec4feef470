"""The lifetime-value chart of report 07 (issue 12: honest charts, titles in words, n per group).

Segment lifetime values differ by orders of magnitude (a consumer is worth about a
hundredth of an enterprise customer), so on a linear axis from zero the small ones
collapse into the origin. The chart uses a log axis, says so in its title and axis
label, and writes each group's value in money beside its dot, so the reader never
has to read a value off the log scale.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd

from .._checks import check_columns
from . import i18n
from .i18n import check_lang
from .i18n import text as _t
from .tables import format_value

__all__ = ["clv_dots"]


def clv_dots(table: pd.DataFrame, by: str, *, level: float = 0.95, horizon: int = 60, currency: str = "€",
             n: str = "customers", ax: plt.Axes | None = None, lang: str = "en") -> plt.Axes:
    """Lifetime value per group (:meth:`cxkit.stats.clv.CLVResult.summary`) as dots with interval whiskers.

    Parameters
    ----------
    table : DataFrame
        Columns ``by``, ``clv``, ``ci_low``, ``ci_high`` and ``n``; groups without a value
        (suppressed) are named as such instead of drawn.
    by : str
        The group column (its i18n label names the groups in the title).
    level, horizon : float, int
        Interval level and months of value, for the title and axis label.
    currency : str
        Money prefix of the value labels and ticks.
    ax : matplotlib Axes, optional
    lang : {"en", "nl"}

    Returns
    -------
    matplotlib Axes
    """
    check_lang(lang)
    check_columns(table, [by, "clv", "ci_low", "ci_high", n], argument="table")
    t = table.reset_index(drop=True)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 0.55 * len(t) + 1.6))
    y = np.arange(len(t))
    shown = (t["clv"].notna() & (t["clv"] > 0)).to_numpy()
    v = t.loc[shown, "clv"].astype(float)
    lo = t.loc[shown, "ci_low"].astype(float).fillna(v)
    hi = t.loc[shown, "ci_high"].astype(float).fillna(v)
    ax.errorbar(v, y[shown], xerr=np.vstack([v - lo, hi - v]), fmt="o", capsize=3)
    for yi, val, h in zip(y[shown], v, hi, strict=True):  # the value in words beside each dot
        ax.annotate(format_value(val, "money", lang, currency), (h, yi), xytext=(6, 0), textcoords="offset points",
                    va="center", fontsize=9)
    ax.set_yticks(y, [f"{g} (n = {i18n.fmt(k, 0, lang)})" + ("" if ok else f": {_t('too_few', lang)}")
                      for g, k, ok in zip(t[by], t[n], shown, strict=True)])
    ax.set_ylim(len(t) - 0.5, -0.5)
    ax.set_xscale("log")
    if len(v):  # room on the right for the value labels (a log axis: a factor, not an offset)
        ax.set_xlim(float(lo.min()) / 2, float(hi.max()) * 4)
    ax.xaxis.set_major_formatter(mticker.FuncFormatter(lambda x, _: format_value(x, "money", lang, currency)))
    ax.xaxis.set_minor_formatter(mticker.NullFormatter())
    ax.set_xlabel(_t("va_axis_clv", lang, h=horizon, cur=currency))
    ax.set_title(_t("va_fig_clv", lang, by=i18n.column_label(by, lang), pct=round(100 * level)), fontsize=10)
    return ax
