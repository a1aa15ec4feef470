"""Value at risk with an honest interval: the one rule behind notebook 03's and notebook 07's tables.

Value at risk among current customers is ``sum_i p_i v_i``: each customer's chance of leaving within the
horizon times what they would take with them, their segment's estimated lifetime value ``V_s`` (or the
declared value where there is no estimate; :func:`cxkit.research.churn.clv_values`). Both factors are
estimates, so the interval draws both:

* ``p``: draws of the churn probabilities. Notebook 03 passes the monthly hazard model's simulated
  probabilities (coefficient uncertainty, one column per customer); notebook 07 the probabilities
  ``1 - r_s^months`` at each segment's bootstrap retention (one column per segment, ``units``).
* ``V``: the bootstrap draws of each segment's CLV (:attr:`cxkit.stats.clv.CLVResult.draws`).

Draw ``b`` of a total is ``sum_i p_i^(b) V_s(i)^(b)`` (declared values held fixed); the interval is
the percentile interval of those totals (Gupta & Lehmann 2003 for the CLV; the pairing is the usual
Monte Carlo propagation of two independent estimates' sampling distributions). When the two sets
of draws come from the same bootstrap resamples (notebook 07: retention and CLV of one resample)
draw ``b`` is paired with draw ``b``, which keeps their correlation; when they are independent
(notebook 03: model coefficients and customers' bootstrap) the same index pairing is a random
pairing. With different numbers of draws the shorter set is reused cyclically. The interval does
not cover chance itself (which customers actually leave): it is the uncertainty of the expected
value, not a prediction interval.

Totals never add lifetime values to declared values (a declared value is often one month's
revenue): when segments use different sources the table has one total row per source.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..report.i18n import message, num, text
from ..report.tables import FORMATS_ATTR, format_value
from ..stats.clv import CLVResult
from .churn import _source_column, clv_values, revenue_at_risk

__all__ = ["value_at_risk", "risk_totals", "source_totals", "PROB_MODEL", "PROB_RETENTION"]

PROB_MODEL = "model"  # probability draws: the churn model's coefficient uncertainty (simulated)
PROB_RETENTION = "retention"  # probability draws: the same bootstrap resamples as the CLV

_COVERS = {
    (PROB_MODEL, True): "the churn model's coefficient uncertainty (simulated) and the uncertainty of each "
                        "segment's lifetime value (bootstrap of customers), paired draw by draw",
    (PROB_MODEL, False): "the churn model's coefficient uncertainty (simulated) only; the values are taken as "
                         "exact",
    (PROB_RETENTION, True): "the uncertainty of each segment's monthly retention and lifetime value together "
                            "(the same bootstrap resamples of customers)",
    (PROB_RETENTION, False): "the uncertainty of each segment's monthly retention (bootstrap of customers) only; "
                             "the values are taken as exact",
    (None, True): "the uncertainty of each segment's lifetime value (bootstrap of customers) only; the churn "
                  "probabilities are taken as exact",
}


def risk_totals(prob_draws: np.ndarray, units: np.ndarray, fixed: np.ndarray, cls: np.ndarray,
                cls_draws: list[np.ndarray], masks: list[np.ndarray]) -> np.ndarray:
    """Draws of ``sum_i p_i v_i`` over each mask: an array (draws, len(masks)).

    Parameters
    ----------
    prob_draws : array (n_p, n_units)
        Draws of the churn probability per unit (a customer, or a segment whose customers share it).
    units : int array (n,)
        Each customer's column in ``prob_draws``.
    fixed : array (n,)
        Each customer's value where it is held fixed (``cls == -1``); ignored elsewhere.
    cls : int array (n,)
        -1: fixed value; ``k >= 0``: the value is drawn from ``cls_draws[k]``.
    cls_draws : list of arrays (n_v,)
        Draws of each value class (a segment's CLV), all of one length.
    masks : list of bool arrays (n,)
        The customers summed in each output column.

    Draw ``b`` uses ``prob_draws[b % n_p]`` and ``cls_draws[k][b % n_v]``.
    """
    n_units = prob_draws.shape[1]
    k = len(cls_draws)
    # One weight column per (mask, class): the fixed values' sum, then each class's customer count, per unit;
    # one product with the probability draws gives every part, so the n x draws matrix is read once.
    cols = []
    for sel in masks:
        f = sel & (cls < 0)
        cols.append(np.bincount(units[f], fixed[f], n_units))
        for c in range(k):
            cols.append(np.bincount(units[sel & (cls == c)], minlength=n_units).astype(float))
    parts = prob_draws @ np.column_stack(cols)  # (n_p, masks x (1 + k))
    n_p = prob_draws.shape[0]
    n_v = len(cls_draws[0]) if k else 1
    n = max(n_p, n_v)
    parts = parts[np.arange(n) % n_p].reshape(n, len(masks), 1 + k)
    out = parts[:, :, 0].copy()
    for c in range(k):
        out += cls_draws[c][np.arange(n) % n_v][:, None] * parts[:, :, 1 + c]
    return out


def _quantiles(x: np.ndarray, level: float) -> tuple[float, float]:
    a = (1 - level) / 2
    x = x[~np.isnan(x)]
    if not len(x):
        return np.nan, np.nan
    return float(np.quantile(x, a)), float(np.quantile(x, 1 - a))


def value_at_risk(frame: pd.DataFrame, prob: np.ndarray, by: str | None, value: str = "value",
                  segment_clv: CLVResult | None = None, *, prob_draws: np.ndarray | None = None,
                  units: np.ndarray | None = None, prob_from: str | None = PROB_MODEL,
                  level: float = 0.95) -> tuple[pd.DataFrame, str]:
    """Value at risk per segment with an interval covering the churn probabilities and the values.

    Parameters
    ----------
    frame : DataFrame
        One row per current customer, with ``by`` and the declared ``value``.
    prob : array (n,)
        Each customer's chance of leaving within the horizon (point estimate).
    by : str or None
        Segment column (its values key ``segment_clv``); None: all customers as one group.
    value : str
        Declared value column, used where the segment has no estimated CLV.
    segment_clv : CLVResult, optional
        :func:`cxkit.clv` per ``by``; its bootstrap ``draws`` enter the interval.
    prob_draws : array (n_p, n_units), optional
        Draws of the probabilities: per customer (``units`` None) or per unit (``units`` maps customers).
    prob_from : {"model", "retention", None}
        What ``prob_draws`` represent (said in the note): the churn model's coefficient uncertainty, or
        each segment's retention from the same bootstrap resamples as ``segment_clv`` (paired draw by draw).
    level : float
        Confidence level.

    Returns
    -------
    (table, note)
        :func:`cxkit.research.churn.revenue_at_risk`'s table with ``value_source``; when segments use
        different sources, one total row per source instead of one ``all`` row. ``note``: which value
        was used, which uncertainty the interval covers and, when mixed, why the total is split.
    """
    prob = np.asarray(prob, float)
    used, source, vnote = clv_values(frame, segment_clv, by, value)
    f = frame.assign(_value_used=used.to_numpy(float))
    table = revenue_at_risk(f, prob, "_value_used", by, level=level)
    table = _source_column(table, f, source, by)
    group = by or "group"
    v = f["_value_used"].to_numpy(float)
    ok = ~np.isnan(v) & ~np.isnan(prob)
    keys = f[by].astype(str).to_numpy() if by else np.full(len(f), "all")
    src = source.to_numpy(object)
    mixed = by is not None and len(set(src[ok])) > 1
    masks = [ok & (keys == k) for k in table[group] if k != "all"] if by else [ok]  # by=None: one row, "all"
    if by:
        if mixed:
            # Lifetime values and declared (often monthly) values are unlike things: one total per source.
            order = sorted(set(src[ok]), key=lambda s: (s != "estimated CLV", s))  # estimated first
            tot = [revenue_at_risk(f[ok & (src == s)], prob[ok & (src == s)], "_value_used", None, level=level)
                   .rename(columns={"group": group}).assign(value_source=s) for s in order]
            table = pd.concat([table[table[group] != "all"], *tot], ignore_index=True)
            masks += [ok & (src == s) for s in order]
        else:
            masks.append(ok)
    # The value draws: each segment with an estimated CLV and bootstrap draws is one class.
    cls = np.full(len(f), -1)
    cls_draws: list[np.ndarray] = []
    if segment_clv is not None and segment_clv.draws:
        for k in sorted(set(keys[src == "estimated CLV"])):
            d = segment_clv.draws.get((k,) if by else ())
            if d is not None:
                cls[(keys == k) & (src == "estimated CLV")] = len(cls_draws)
                cls_draws.append(np.asarray(d, float))
    if prob_draws is None:
        prob_from = None
        units, prob_draws = np.arange(len(f)), np.where(ok, prob, 0.0)[None, :]
    elif units is None:
        units = np.arange(len(f))
    varied_p, varied_v = prob_from is not None, bool(cls_draws)
    if varied_p or varied_v:
        pd_ = np.where(np.isnan(prob_draws), 0.0, prob_draws)  # customers outside `ok` are in no mask anyway
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a NaN CLV draw stays NaN and is dropped below
            draws = risk_totals(pd_, np.asarray(units, int), np.where(ok, v, 0.0), cls, cls_draws, masks)
        # A row where nothing was drawn (declared values at fixed probabilities) gets no interval, not a
        # zero-width one that would claim certainty.
        moves = (np.ptp(pd_, axis=0) > 0)[np.asarray(units, int)] | (cls >= 0)
        lo_hi = [_quantiles(draws[:, j], level) if (sel & moves).any() else (np.nan, np.nan)
                 for j, sel in enumerate(masks)]
        table["ci_low"], table["ci_high"] = [x[0] for x in lo_hi], [x[1] for x in lo_hi]
        covers = _COVERS[(prob_from, varied_v)]
        interval = (f"Interval ({level:.0%}) covers {covers}. It leaves out chance itself: which customers actually "
                    "leave.")
    else:
        interval = "No interval: neither the churn probabilities nor the values were resampled (n_boot = 0)."
    has = src == "estimated CLV"
    if has.any():
        vline = (f"Value: their segment's estimated lifetime value ({segment_clv.horizon} months, "
                 f"{segment_clv.discount:.0%} a year, from `{value}` as revenue per month).")
        lines = [vline, vnote]
    elif segment_clv is None:
        lines = [f"Value: the declared `{value}` as recorded (if it is monthly revenue, this is one month's worth, "
                 "not a lifetime value)."]
    else:
        lines = [vnote]
    lines.append(interval)
    if mixed:
        lines.append(f"Totals per value source: lifetime values and declared `{value}` are not added together.")
    table = table.reset_index(drop=True)
    table.attrs[FORMATS_ATTR] = {"value": "money"}  # what the customers are worth, in money (03 and 07 alike)
    return table, "\n".join(x for x in lines if x)


def source_totals(table: pd.DataFrame, lang: str = "en", money: bool = False) -> str:
    """The total rows of a mixed :func:`value_at_risk` table as one list in ``lang`` ("" when not mixed)."""
    tot = table[table[table.columns[0]] == "all"]
    if len(tot) < 2:
        return ""

    def amount(x: float) -> str:
        return format_value(float(x), "money", lang) if money else num(x, ",.0f", lang)

    return "; ".join(text("vr_source_total", lang, source=message(r["value_source"], lang), v=amount(r["at_risk"]),
                          value=amount(r["value"]), pct=num(r["pct_at_risk"], ".1f", lang), ci=text("ci", lang),
                          lo=amount(r["ci_low"]), hi=amount(r["ci_high"])) for _, r in tot.iterrows())
