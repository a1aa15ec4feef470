"""Plots for the research notebooks (loyalty, churn, drivers).

Every function takes a result table from :mod:`cxkit.loyalty`,
:mod:`cxkit.churn`, :mod:`cxkit.survival` or :mod:`cxkit.drivers`, an optional
``ax`` and returns the Axes. Intervals are always drawn.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
import seaborn as sns

from .._checks import check_columns
from ..stats.survival import KaplanMeier

__all__ = ["crosstab_heatmap", "segment_map", "retention", "churn_by_score", "km_curves", "odds_ratios",
           "auc_compare", "driver_importance", "revenue_at_risk", "calibration"]

_CAT_COLOURS = {"detractor": "#d7301f", "passive": "#969696", "promoter": "#1a9850",
                "hard": "#d7301f", "neutral": "#969696", "easy": "#1a9850",
                "low": "#d7301f", "middle": "#969696", "top box": "#1a9850"}


def _axes(ax, size=(7, 4)):
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


def _pfmt(p: float) -> str:
    return "p < 1e-16" if p < 1e-16 else f"p = {p:.3g}"


def _err(values: pd.Series, lo: pd.Series, hi: pd.Series) -> np.ndarray:
    return np.vstack([(values - lo).clip(lower=0), (hi - values).clip(lower=0)]).astype(float)


def crosstab_heatmap(table: pd.DataFrame, *, ax: plt.Axes | None = None, csat_label: str = "CSAT") -> plt.Axes:
    """Row shares of NPS categories per CSAT level (:func:`cxkit.loyalty.crosstab`), n per row on the axis."""
    check_columns(table, ["csat", "category", "pct", "row_n"], argument="table")
    ax = _axes(ax, (6, 0.5 * table["csat"].nunique() + 1.5))
    wide = table.pivot(index="csat", columns="category", values="pct")
    wide = wide[[c for c in ("detractor", "passive", "promoter") if c in wide.columns]]
    n = table.groupby("csat")["row_n"].first()
    labels = [f"{int(v) if float(v).is_integer() else v} (n={n[v]:,})" for v in wide.index]
    sns.heatmap(wide, annot=True, fmt=".0f", cmap="RdYlGn", vmin=0, vmax=100, cbar_kws={"label": "% of row"},
                yticklabels=labels, ax=ax)
    ax.set_xlabel("NPS category")
    ax.set_ylabel(csat_label)
    ax.invert_yaxis()
    return ax


def segment_map(table: pd.DataFrame, *, ax: plt.Axes | None = None, csat_label: str = "mean CSAT") -> plt.Axes:
    """Mean CSAT (x) vs NPS (y) per segment, bubble area = n, with both intervals (:func:`cxkit.loyalty.segment_map`)."""
    check_columns(table, ["segment", "n", "csat_mean", "nps", "csat_ci_low", "csat_ci_high", "nps_ci_low",
                          "nps_ci_high"], argument="table")
    ax = _axes(ax)
    t = table.dropna(subset=["csat_mean", "nps"])
    size = 2000 * t["n"] / t["n"].max()
    ax.errorbar(t["csat_mean"], t["nps"], xerr=_err(t["csat_mean"], t["csat_ci_low"], t["csat_ci_high"]),
                yerr=_err(t["nps"], t["nps_ci_low"], t["nps_ci_high"]), fmt="none", ecolor="grey", lw=1, zorder=1)
    ax.scatter(t["csat_mean"], t["nps"], s=size, alpha=0.5, zorder=2)
    for _, r in t.iterrows():
        ax.annotate(f"{r['segment']} (n={r['n']:,})", (r["csat_mean"], r["nps"]), fontsize=8,
                    xytext=(6, 6), textcoords="offset points")
    ax.set_xlabel(csat_label)
    ax.set_ylabel("NPS (points)")
    ax.axhline(0, color="grey", lw=0.5)
    return ax


def retention(table: pd.DataFrame, *, ax: plt.Axes | None = None, ylabel: str = "% still customers") -> plt.Axes:
    """Retention per NPS category with Wilson intervals (:func:`cxkit.loyalty.retention_by_category`)."""
    check_columns(table, ["category", "retention", "ci_low", "ci_high", "n"], argument="table")
    ax = _axes(ax, (5, 3.5))
    t = table.dropna(subset=["retention"])
    x = np.arange(len(t))
    ax.bar(x, t["retention"], color=[_CAT_COLOURS.get(c, "#4c72b0") for c in t["category"]], alpha=0.8)
    ax.errorbar(x, t["retention"], yerr=_err(t["retention"], t["ci_low"], t["ci_high"]), fmt="none", ecolor="k")
    ax.set_xticks(x, [f"{c}\n(n={n:,})" for c, n in zip(t["category"], t["n"], strict=True)])
    lo = max(0, float(t["ci_low"].min()) - 10) if len(t) else 0
    ax.set_ylim(lo, 100)
    ax.set_ylabel(ylabel)
    return ax


def churn_by_score(table: pd.DataFrame, *, ax: plt.Axes | None = None, label: str | None = None) -> plt.Axes:
    """Churn rate per answer value with Wilson intervals (:func:`cxkit.churn.churn_by_score`)."""
    check_columns(table, ["score", "churn_rate", "ci_low", "ci_high"], argument="table")
    ax = _axes(ax, (5, 3.5))
    t = table.dropna(subset=["churn_rate"])
    ax.errorbar(t["score"], t["churn_rate"], yerr=_err(t["churn_rate"], t["ci_low"], t["ci_high"]), marker="o",
                capsize=3, label=label)
    ax.set_xlabel(label or "score")
    ax.set_ylabel("% churned within the horizon")
    ax.set_ylim(bottom=0)
    return ax


def km_curves(km: KaplanMeier, *, ax: plt.Axes | None = None, title: str | None = None) -> plt.Axes:
    """Kaplan-Meier curves per group with pointwise interval bands."""
    ax = _axes(ax, (6, 4))
    for g, c in km.curves.groupby("group", sort=False, observed=True):
        colour = _CAT_COLOURS.get(str(g))
        n = km.groups.loc[km.groups["group"] == g, "n"]
        lab = f"{g} (n={int(n.iloc[0]):,})" if len(n) else str(g)
        ax.step(c["time"], 100 * c["survival"], where="post", color=colour, label=lab)
        ax.fill_between(c["time"], 100 * c["ci_low"], 100 * c["ci_high"], step="post", alpha=0.2, color=colour,
                        linewidth=0)
    ax.set_xlabel("days after the answer")
    ax.set_ylabel("% still customers")
    if not np.isnan(km.logrank_p):
        ax.set_title((title + "\n" if title else "") + f"log-rank {_pfmt(km.logrank_p)}", fontsize=10)
    elif title:
        ax.set_title(title, fontsize=10)
    ax.legend(frameon=False, fontsize=8)
    return ax


def odds_ratios(table: pd.DataFrame, *, ax: plt.Axes | None = None, label: str = "odds ratio per point") -> plt.Axes:
    """Forest plot of odds ratios per metric and model (:func:`cxkit.research.churn.metric_models`), log scale."""
    check_columns(table, ["metric", "model", "odds_ratio", "odds_ratio_low", "odds_ratio_high"], argument="table")
    ax = _axes(ax, (6, 0.45 * len(table) + 1.2))
    t = table.dropna(subset=["odds_ratio"]).reset_index(drop=True)
    y = np.arange(len(t))
    ax.errorbar(t["odds_ratio"], y, xerr=_err(t["odds_ratio"], t["odds_ratio_low"], t["odds_ratio_high"]), fmt="o", capsize=3)
    ax.axvline(1, color="grey", lw=1, ls="--")
    ax.set_xscale("log")
    plain = mticker.FuncFormatter(lambda v, _: f"{v:g}")
    ax.xaxis.set_major_formatter(plain)
    lo, hi = ax.get_xlim()
    # Label the minor ticks only on a narrow range; over decades they would pile up.
    ax.xaxis.set_minor_formatter(plain if hi / lo < 10 else mticker.NullFormatter())
    ax.set_yticks(y, [f"{m} ({k})" for m, k in zip(t["metric"], t["model"], strict=True)])
    ax.invert_yaxis()
    ax.set_xlabel(label)
    return ax


def auc_compare(table: pd.DataFrame, *, ax: plt.Axes | None = None) -> plt.Axes:
    """AUC per metric with bootstrap intervals (:func:`cxkit.auc.auc_table`); 0.5 is a coin flip."""
    col = "metric" if "metric" in table.columns else "score"
    check_columns(table, [col, "auc", "ci_low", "ci_high"], argument="table")
    ax = _axes(ax, (5, 0.5 * len(table) + 1.2))
    t = table.dropna(subset=["auc"]).sort_values("auc", ascending=False).reset_index(drop=True)
    y = np.arange(len(t))
    ax.errorbar(t["auc"], y, xerr=_err(t["auc"], t["ci_low"], t["ci_high"]), fmt="o", capsize=3)
    ax.axvline(0.5, color="grey", lw=1, ls="--")
    ax.set_yticks(y, [f"{m} (n={n:,})" for m, n in zip(t[col], t["n"], strict=True)])
    ax.invert_yaxis()
    ax.set_xlabel("AUC (churn within the horizon)")
    return ax


def driver_importance(table: pd.DataFrame, *, ax: plt.Axes | None = None, outcome: str = "NPS") -> plt.Axes:
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
    ax.set_yticks(y, t["driver"])
    ax.invert_yaxis()
    ax.set_xlabel(f"% of the explained variance in {outcome}")
    return ax


def revenue_at_risk(table: pd.DataFrame, *, ax: plt.Axes | None = None) -> plt.Axes:
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
    ax.set_xticks(x, t[group].astype(str))
    ax.set_ylabel("expected value lost")
    return ax


def calibration(table: pd.DataFrame, *, ax: plt.Axes | None = None) -> plt.Axes:
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
    ax.set_xlabel("predicted % churned (later answers)")
    ax.set_ylabel("observed % churned")
    ax.legend(frameon=False, fontsize=8)
    return ax
