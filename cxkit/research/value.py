"""What loyalty is worth: lifetime value per NPS category (and CSAT / CES band), revenue at risk.

The clock starts at the answer, exactly as in the churn study (:func:`cxkit.research.alignment.align_churn`
with no horizon, each customer's first answer): retention is the Kaplan-Meier curve from the answer on,
and revenue is what the customer pays *after* answering. With a dated ``payments`` table
(``customer_id``, date, amount) only payments on or after the answer date count, over the months
followed up after it; without one, the customers table's declared monthly ``value`` is used (said in
the notes). Money figures come from :func:`cxkit.stats.clv.clv` (same discounting, horizon and
bootstrap); differences between categories are percentile intervals of the difference of the
categories' independent bootstrap draws (customers resampled within each category).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._checks import check_columns, check_level
from .._results import Result, Study
from ..data.dataset import Dataset
from ..errors import DataError, ParameterError
from ..report.i18n import message, num, pvalue
from ..report.i18n import text as _t
from ..report.tables import FORMATS_ATTR, format_value
from ..stats.clv import MONTH_DAYS, CLVResult, clv
from ..stats.survival import BAND_ORDER, score_band
from .alignment import align_churn, effective_cut, plain_ids
from .risk import PROB_RETENTION, source_totals, value_at_risk

__all__ = ["ValueByCategory", "value_by_category", "clv_revenue_at_risk", "DIFF_COLUMNS", "ValueStudy",
           "value_study", "value_applicable", "describe_value"]

DIFF_COLUMNS = ["comparison", "difference", "ci_low", "ci_high", "n_a", "n_b"]


@dataclass(repr=False)
class ValueByCategory(Result):
    """Lifetime value after the answer per category of a metric, with differences in money.

    Attributes
    ----------
    table : DataFrame
        One row per category: ``category`` then the columns of :data:`cxkit.stats.clv.CLV_COLUMNS`.
    differences : DataFrame
        :data:`DIFF_COLUMNS`: e.g. ``promoter - detractor`` and ``passive - detractor`` (the worth of
        moving one detractor to passive), with percentile bootstrap intervals.
    """

    metric: str
    kind: str
    table: pd.DataFrame
    differences: pd.DataFrame
    clv_result: CLVResult
    revenue_source: str
    level: float
    notes: tuple[str, ...] = field(default_factory=tuple)
    title = "Lifetime value by answer"

    def summary(self) -> pd.DataFrame:
        return self.table

    def difference(self, comparison: str) -> pd.Series:
        """One row of :attr:`differences` by its name, e.g. ``"promoter - detractor"``."""
        d = self.differences.set_index("comparison")
        if comparison not in d.index:
            raise ParameterError(f"`comparison` must be one of {list(d.index)}; got {comparison!r}.")
        return d.loc[comparison]

    def headline(self) -> str:
        d = self.differences.dropna(subset=["difference"])
        if d.empty:
            return f"{self.metric}: too few customers per category for a lifetime value."
        pct = f"{self.level:.0%}"
        r = d.iloc[0]
        head = (f"{self.metric}: {r['comparison']} = {r['difference']:,.0f} of lifetime value after the answer "
                f"({pct} CI {r['ci_low']:,.0f} to {r['ci_high']:,.0f})")
        if len(d) > 1:
            m = d.iloc[1]
            head += (f"; moving one {m['comparison'].split(' - ')[1]} to {m['comparison'].split(' - ')[0]} is "
                     f"worth {m['difference']:,.0f} ({pct} CI {m['ci_low']:,.0f} to {m['ci_high']:,.0f})")
        return head + "."


def _revenue_after(frame: pd.DataFrame, payments: pd.DataFrame, cut: pd.Timestamp, date: str,
                   amount: str) -> pd.Series:
    """Revenue per month of each answer's customer, from payments on or after the answer only."""
    check_columns(payments, ["customer_id", date, amount], argument="payments", source="payments")
    pay = pd.DataFrame({"customer_id": plain_ids(payments["customer_id"]),
                        "date": pd.to_datetime(payments[date], errors="coerce"),
                        "amount": pd.to_numeric(payments[amount], errors="coerce")})
    if pay["date"].isna().any():
        rows = (np.flatnonzero(pay["date"].isna().to_numpy())[:5] + 1).tolist()
        raise DataError(f"payments: column {date!r} has values that are not dates (rows {rows}).")
    f = frame[["customer_id", "answered_at", "end_date"]].reset_index()
    event = (f["end_date"].notna() & (f["end_date"] <= cut)).to_numpy()
    stop = f["end_date"].where(event, cut)
    # The months the life table counts (cxkit.stats.clv): up to the month of leaving, or the last whole month
    # before the cut-off; payments are summed over exactly those months.
    exit_ = ((stop - f["answered_at"]).dt.days / MONTH_DAYS).to_numpy(float)
    months = np.where(event, np.floor(exit_ + 1e-9) + 1, np.floor(exit_ + 1e-9))
    until = pd.Series(np.where(event, stop, f["answered_at"] + pd.to_timedelta(np.round(months * MONTH_DAYS), "D")),
                      index=f.index)
    m = f.merge(pay, on="customer_id", how="left")
    # Never revenue from before the answer (nor after the customer left or the cut-off).
    inside = (m["date"] >= m["answered_at"]) & (m["date"] < until.reindex(m["index"]).to_numpy())
    total = m["amount"].where(inside, 0.0).groupby(m["index"]).sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        per_month = np.where(months > 0, total.reindex(f["index"]).to_numpy() / months, np.nan)
    return pd.Series(per_month, index=frame.index)


def value_by_category(ds: Dataset, metric: str | None = None, *, payments: pd.DataFrame | None = None,
                      payment_date: str = "date", payment_amount: str = "amount", value: str = "value",
                      as_of: object = None, discount: float = 0.10, horizon: int = 60, level: float = 0.95,
                      n_boot: int = 1000, seed: int = 20261127, min_n: int = 30) -> ValueByCategory:
    """Lifetime value, retention and revenue after the answer, per NPS category (or CSAT / CES band).

    Parameters
    ----------
    ds : Dataset
        With dated answers and a customers table with ``end_date``.
    metric : str, optional
        The metric whose answer starts the clock; default the dataset's first NPS metric.
    payments : DataFrame, optional
        Dated revenue: ``customer_id``, ``payment_date``, ``payment_amount``. Only payments on or after
        the answer count. Without it, the customers' declared monthly ``value`` is used.
    discount, horizon, level, n_boot, seed, min_n
        As in :func:`cxkit.stats.clv.clv` (yearly discount rate, months, ...).

    Returns
    -------
    ValueByCategory
    """
    level = check_level(level)
    if metric is None:
        nps = ds.metrics("nps")
        if not nps:
            raise ParameterError(f"dataset {ds.name!r} has no NPS metric; pass `metric` (one of {ds.metrics()}).")
        metric = nps[0]
    scale = ds.scale(metric)
    aligned = align_churn(ds, metric, horizon_days=None, keep="first", as_of=as_of)
    if not aligned.timed:
        raise DataError(f"dataset {ds.name!r}: lifetime value after the answer needs answer dates and customers' "
                        "end dates; this dataset has no dates for one of them.")
    f = aligned.frame.copy()
    cut = aligned.as_of
    notes = list(aligned.notes)
    if payments is not None:
        f["_revenue"] = _revenue_after(f, payments, cut, payment_date, payment_amount)
        source = "payments on or after the answer"
    elif value in f.columns:
        f["_revenue"] = pd.to_numeric(f[value], errors="coerce")
        source = f"declared monthly `{value}`"
        notes.append(f"revenue per month: the customers table's `{value}` as recorded (one figure per customer, "
                     "not dated, so it cannot be checked to be from after the answer)")
    else:
        raise DataError(f"dataset {ds.name!r}: the customers table has no `{value}` column and no payments were "
                        "given: there is no revenue to value.")
    order = BAND_ORDER[scale.kind]
    f["category"] = pd.Series(np.asarray(score_band(f[metric], scale), dtype=object), index=f.index)
    f = f[f["category"].notna()]
    base = pd.DataFrame({"category": f["category"].astype(str), "start_date": f["answered_at"],
                         "end_date": f["end_date"].where(f["event"].astype(bool)), "value": f["_revenue"]})
    res = clv(base, by="category", as_of=cut, observed_from=base["start_date"].min(), discount=discount,
              horizon=horizon, level=level, n_boot=n_boot, seed=seed, min_n=min_n)
    table = res.summary().copy()
    table["category"] = pd.Categorical(table["category"], categories=order, ordered=True)
    table = table.sort_values("category").reset_index(drop=True)
    table["category"] = table["category"].astype(str)
    a = (1 - level) / 2
    low, mid, high = order
    diffs = []
    t = table.set_index("category")
    for hi_, lo_ in ((high, low), (mid, low), (high, mid)):
        row = {"comparison": f"{hi_} - {lo_}", "difference": np.nan, "ci_low": np.nan, "ci_high": np.nan,
               "n_a": int(t["customers"].get(hi_, 0)), "n_b": int(t["customers"].get(lo_, 0))}
        if hi_ in t.index and lo_ in t.index and not (t.loc[hi_, "suppressed"] or t.loc[lo_, "suppressed"]):
            row["difference"] = float(t.loc[hi_, "clv"] - t.loc[lo_, "clv"])
            da, db = res.draws.get((hi_,)), res.draws.get((lo_,))
            if da is not None and db is not None:
                d = da - db
                row.update(ci_low=float(np.nanquantile(d, a)), ci_high=float(np.nanquantile(d, 1 - a)))
        diffs.append(row)
    notes += [f"clock starts at each customer's first {metric} answer (churn before it is not counted; "
              "answers given on or after leaving are left out)", *res.notes]
    differences = pd.DataFrame(diffs, columns=DIFF_COLUMNS)
    differences.attrs[FORMATS_ATTR] = {"difference": "money"}  # differences of lifetime values: money
    return ValueByCategory(metric=metric, kind=scale.kind, table=table,
                           differences=differences, clv_result=res,
                           revenue_source=source, level=level, notes=tuple(notes))


def clv_revenue_at_risk(ds: Dataset, segment_clv: CLVResult | None, *, by: str = "segment", value: str = "value",
                        horizon_days: int = 180, as_of: object = None, level: float = 0.95) -> tuple[pd.DataFrame, str]:
    """Revenue at risk among current customers, valued at their segment's estimated CLV where there is one.

    Each customer active at the cut-off leaves within ``horizon_days`` with probability
    ``1 - r ** months`` (``r`` their segment's monthly retention from ``segment_clv``) and would take
    the segment's lifetime value with them. Customers of a segment without an estimate (too few
    customers) keep the declared ``value``; the ``value_source`` column and the returned note say
    which was used. The interval pairs each bootstrap resample's retention with its CLV
    (:func:`cxkit.research.risk.value_at_risk`, the rule notebook 03 uses too). Returns ``(table, note)``.
    """
    cust = ds.customers
    if cust is None or "start_date" not in cust.columns:
        raise DataError(f"dataset {ds.name!r} has no customers table with start dates: no revenue at risk.")
    cut, _ = effective_cut(ds, as_of)
    end = cust["end_date"] if "end_date" in cust.columns else pd.Series(pd.NaT, index=cust.index)
    active = cust[(cust["start_date"] <= cut) & (end.isna() | (end > cut))].copy()
    months = horizon_days / MONTH_DAYS
    # Without the segment column every customer is in one group, valued at an overall CLV (``by=None``).
    grp = by if by in active.columns else None
    keys = active[grp].astype(str) if grp else pd.Series("all", index=active.index)
    matches = segment_clv is not None and segment_clv.by == ([grp] if grp else [])
    s = segment_clv.summary() if segment_clv is not None else pd.DataFrame()
    est = s.dropna(subset=["clv", "retention_month"]) if matches else pd.DataFrame()
    ret_of = ({} if est.empty else
              dict(zip(est[grp].astype(str) if grp else ["all"] * len(est), est["retention_month"].astype(float),
                       strict=True)))
    pooled = None
    if segment_clv is not None:
        w = s["customer_months"].fillna(0)
        pooled = float((s["retention_month"].fillna(0) * w).sum() / w.sum()) if w.sum() else None
    segs = sorted(set(keys))
    point = np.array([ret_of.get(k, pooled if pooled is not None else np.nan) for k in segs], float)
    units = pd.Categorical(keys, categories=segs).codes
    prob = 1 - point[units] ** months
    # Probability draws per segment from the same bootstrap resamples as the CLV draws (paired in value_at_risk);
    # a segment without an estimate takes the pooled retention of the same resamples.
    rdraws = segment_clv.retention_draws if matches else {}

    def key(k: str) -> tuple:
        return (k,) if grp else ()

    use = [k for k in segs if k in ret_of and key(k) in rdraws]
    prob_draws = None
    if use:
        n = len(rdraws[key(use[0])])
        # The pooled retention of a segment without its own estimate, per resample: the same customer-month
        # weighted mean of the estimated segments' retention (fixed if some weighted segment has no draws).
        w = s[s["customer_months"].fillna(0) > 0]
        wkeys = (w[grp].astype(str) if grp else pd.Series(["all"] * len(w))).tolist()
        pooled_draws = np.full(n, pooled if pooled is not None else np.nan)
        if wkeys and all(key(k) in rdraws for k in wkeys):
            cm = w["customer_months"].to_numpy(float)
            pooled_draws = np.column_stack([rdraws[key(k)] for k in wkeys]) @ cm / cm.sum()
        prob_draws = np.column_stack([1 - np.asarray(rdraws[key(k)], float) ** months if k in use
                                      else 1 - pooled_draws ** months for k in segs])
    table, vnote = value_at_risk(active, prob, grp, value, segment_clv, prob_draws=prob_draws, units=units,
                                 prob_from=PROB_RETENTION, level=level)
    note = (f"Probability of leaving within {horizon_days} days for the {len(active):,} customers active on "
            f"{cut.date()}: 1 - r^months at their segment's monthly retention r.")
    return table, note + "\n" + vnote


# -- the study of notebook 07 ---------------------------------------------------------------------

@dataclass(repr=False)
class ValueStudy(Study):
    """What loyalty is worth and who answered: CLV per segment, value per answer, revenue at risk, response."""

    segment_clv: CLVResult | None
    by_answer: dict
    risk: pd.DataFrame | None
    risk_note: str
    rates: object | None
    bias: object | None
    weighted: pd.DataFrame | None
    weighting_note: str
    params: dict
    notes: tuple[str, ...] = field(default_factory=tuple)
    title = "What loyalty is worth and who answered"

    @property
    def tables(self) -> dict:
        out = {}
        if self.segment_clv is not None:
            out["clv_by_segment"] = self.segment_clv.summary()
        for m, r in self.by_answer.items():
            out[f"value_by_{m}"] = r.summary()
            out[f"value_differences_{m}"] = r.differences
        if self.risk is not None:
            out["value_at_risk"] = self.risk
        if self.rates is not None:
            out["response_rates"] = self.rates.summary()
        if self.bias is not None:
            out["response_bias"] = self.bias.summary()
        if self.weighted is not None:
            out["weighted_nps"] = self.weighted
        return out

    def describe(self, lang: str = "en") -> str:
        return describe_value(self, lang)


def _money(x: float, lang: str) -> str:
    return format_value(float(x), "money", lang)  # as the tables: "€ 5,129"


def _metric(code: str, lang: str) -> str:
    """A metric in words ("Net Promoter Score"), as the KPI tiles name it."""
    from ..report.summary import kpi_label

    return kpi_label({"name": code}, lang)


def _spans_zero(row: pd.Series) -> bool:
    """True when the interval of a difference includes 0 (no interval, ``n_boot=0``: False, the estimate is shown)."""
    lo, hi = row.get("ci_low"), row.get("ci_high")
    return bool(pd.notna(lo) and pd.notna(hi) and lo <= 0 <= hi)


def describe_value(study: ValueStudy, lang: str = "en") -> str:
    """The study's findings as markdown bullets in ``lang`` (en, nl), the answer first."""
    p = study.params
    pct = f"{round(100 * p['level'])}"
    lines = []
    for m, r in study.by_answer.items():
        d = r.differences.dropna(subset=["difference"])
        if d.empty:
            lines.append(_t("va_no_diff", lang, m=_metric(m, lang)))
            continue
        top, mid = d.iloc[0], d[d["comparison"] == r.differences["comparison"].iloc[1]]
        hi, lo = top["comparison"].split(" - ")
        # An interval that includes no difference is said as such, never as "worth X more" in bold.
        key = "va_diff_unclear" if _spans_zero(top) else "va_diff"
        line = _t(key, lang, m=_metric(m, lang), hi=_t(f"va_cat_{hi}", lang), lo=_t(f"va_cat_{lo}", lang),
                  d=_money(top["difference"], lang), pct=pct, a=_money(top["ci_low"], lang),
                  b=_money(top["ci_high"], lang), h=p["horizon"])
        if r.kind == "nps" and len(mid) and pd.notna(mid["difference"].iloc[0]):
            mm = mid.iloc[0]
            line += " " + _t("va_move_unclear" if _spans_zero(mm) else "va_move", lang, d=_money(mm["difference"], lang),
                             pct=pct, a=_money(mm["ci_low"], lang), b=_money(mm["ci_high"], lang))
        lines.append(line)
    if study.segment_clv is not None:
        t = study.segment_clv.summary().dropna(subset=["clv"])
        by = study.segment_clv.by
        parts = [f"{' / '.join(str(r[b]) for b in by) if by else _t('va_all', lang)} {_money(r['clv'], lang)} "
                 f"({_money(r['ci_low'], lang)}–{_money(r['ci_high'], lang)})" for _, r in t.iterrows()]
        if parts:
            lines.append(_t("va_segments", lang, h=p["horizon"], d=num(100 * p["discount"], ".0f", lang),
                            list="; ".join(parts)))
    if study.risk is not None and len(study.risk):
        tot = study.risk.iloc[-1]
        per_source = source_totals(study.risk, lang, money=True)  # lifetime and declared values: a total per source
        head = (_t("va_risk_sources", lang, days=p["horizon_days"], list=per_source) if per_source else
                _t("va_risk", lang, v=_money(tot["at_risk"], lang), n=num(tot["customers"], ",.0f", lang),
                   days=p["horizon_days"], pct=num(tot["pct_at_risk"], ".1f", lang)))
        lines.append(head + " " + message(study.risk_note, lang))
    if study.rates is not None:
        lines.append(_t("va_rate", lang, m=_metric(study.rates.metric, lang), r=num(100 * study.rates.overall, ".1f", lang)))
    if study.bias is not None:
        b = study.bias
        if b.differs:
            t = b.table[b.table["p_value"] < b.alpha]
            parts = [f"{message(r['variable'], lang)} ({num(r['respondents'], '.3g', lang)} / {num(r['non_respondents'], '.3g', lang)}, "
                     f"p {pvalue(r['p_value'], lang)})" for _, r in t.iterrows()]
            lines.append(_t("va_bias", lang, list="; ".join(parts)))
        else:
            lines.append(_t("va_no_bias", lang))
    if study.weighted is not None and len(study.weighted) == 2:
        u, w = study.weighted["nps"].to_numpy(float)
        lines.append(_t("va_weighted", lang, w=num(w, "+.1f", lang), u=num(u, "+.1f", lang)))
    elif study.weighting_note:
        lines.append(message(study.weighting_note, lang))
    lines += [message(n, lang) for n in study.notes]
    return "\n".join(f"- {x}" for x in lines)


def value_applicable(ds: Dataset, lang: str = "en") -> str:
    """``""`` when notebook 07 can run on ``ds``, else one plain paragraph why not (for ``cx.not_applicable``)."""
    cust = ds.customers
    if cust is None or "start_date" not in cust.columns or "end_date" not in cust.columns:
        return _t("va_na_customers", lang, name=ds.name)
    if cust["start_date"].isna().all():
        return _t("va_na_customers", lang, name=ds.name)
    return ""


def value_study(ds: Dataset, *, by: str = "segment", value: str = "value", payments: pd.DataFrame | None = None,
                discount: float = 0.10, horizon: int = 60, horizon_days: int = 180, freq: str = "Q",
                weight: bool = True, level: float = 0.95, n_boot: int = 1000, seed: int = 20261127,
                min_n: int = 30) -> ValueStudy:
    """Everything notebook 07 shows, computed once; parts the data cannot support are left out and said."""
    from .response import response_base, response_bias, response_rates, weight_to_base

    notes: list[str] = []
    cust = ds.customers
    seg = None
    if cust is not None and value in cust.columns:
        seg = clv(cust, by=by if by in cust.columns else None, revenue=value, as_of=effective_cut(ds, None)[0], discount=discount, horizon=horizon, level=level,
                  n_boot=n_boot, seed=seed, min_n=min_n)
    else:
        notes.append(f"no `{value}` column for customers: no lifetime value per segment")
    by_answer = {}
    if ds.has_answer_dates and cust is not None and "end_date" in cust.columns:
        for kind in ("nps", "csat", "ces"):
            for m in ds.metrics(kind)[:1]:
                try:
                    by_answer[m] = value_by_category(ds, m, payments=payments, value=value, discount=discount,
                                                     horizon=horizon, level=level, n_boot=n_boot, seed=seed,
                                                     min_n=min_n)
                except DataError as e:
                    notes.append(str(e))
    risk, risk_note = None, ""
    if cust is not None:
        try:
            risk, risk_note = clv_revenue_at_risk(ds, seg, by=by, value=value, horizon_days=horizon_days,
                                                  level=level)
        except DataError as e:
            notes.append(str(e))
    rates = bias = weighted = None
    weighting_note = ""
    metric = (ds.metrics("nps") or ds.metrics() or [None])[0]
    if metric is not None and ds.has_answer_dates:
        try:
            base = response_base(ds, metric, freq=freq, horizon_days=horizon_days)
            rates = response_rates(ds, metric, freq=freq, level=level, min_n=min_n, base=base)
            bias = response_bias(ds, metric, freq=freq, horizon_days=horizon_days, base=base)
        except DataError as e:
            notes.append(str(e))
        if weight and rates is not None and ds.scale(metric).kind == "nps":
            try:
                weighted, _ = weight_to_base(ds, metric, freq=freq, horizon_days=horizon_days, level=level)
            except DataError as e:
                weighting_note = str(e)
    params = {"discount": discount, "horizon": horizon, "horizon_days": horizon_days, "level": level,
              "n_boot": n_boot, "seed": seed, "min_n": min_n, "freq": freq}
    return ValueStudy(segment_clv=seg, by_answer=by_answer, risk=risk, risk_note=risk_note, rates=rates, bias=bias,
                      weighted=weighted, weighting_note=weighting_note, params=params, notes=tuple(notes))
