"""Discrete-time churn hazard: one row per customer-month, covariates known at the month's start.

Churn is decided month by month; what a customer said most recently is what
the company knows when the month starts. A logistic model on customer-months
("person-period" data; Singer & Willett 2003, ch. 10-12) with the *latest
answer given before the month* as a time-varying covariate is then the
natural, leakage-free model of the monthly churn hazard:

    logit P(churn in month | active at its start)
        = controls + b_metric * (latest answer - centre) + ...

A metric not answered yet enters as 0 (at the centre) with its own "no answer
yet" indicator, so customers who never answered are compared fairly.

Months before the first month with data are not used: customers who left
before the data begins are not in it (left truncation), so counting their
survivors' earlier months as "at risk" would understate churn.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._blas import one_blas_thread
from .._checks import as_list, check_choice
from .._results import Result
from ..data.dataset import Dataset
from ..errors import DataError, ParameterError
from ..stats.logit import LogitResult, logit
from ..stats.survival import score_band
from .alignment import effective_cut, plain_ids

__all__ = ["person_months", "HazardResult", "hazard_model"]


def _month_index(d: pd.Series) -> np.ndarray:
    return (d.dt.year * 12 + d.dt.month - 1).to_numpy(float)


def person_months(ds: Dataset, metrics: Mapping[str, str], *, as_of: str | pd.Timestamp | None = None,
                  start: str | pd.Timestamp | None = None, controls: Sequence[str] = ()) -> pd.DataFrame:
    """Customer-months at risk with the latest answers known at each month's start.

    Parameters
    ----------
    ds : Dataset
        Needs customers with ``start_date`` and ``end_date`` and dated answers.
    metrics : dict of metric to coding
        ``"linear"`` (latest score, centred at the scale midpoint, 0 when not
        answered yet, plus ``<metric>_none`` = 1 then) or ``"band"`` (column
        ``<metric>_band``: the score band, e.g. detractor/passive/promoter, or
        ``none``).
    as_of : date
        Cut-off; only months that ended by then (and by the end of the data) are used.
    start : date, optional
        First month to use; default the month of the earliest answer.
    controls : list of str
        Customer columns carried along (segment, contract...).

    Returns
    -------
    DataFrame with one row per customer-month at risk
        customer_id, month (first day), event (churned in that month), the
        controls, ``tenure_years`` at the month's start (whole months / 12), and the metric
        columns described above.
    """
    cust = ds.customers
    if cust is None or "start_date" not in cust or "end_date" not in cust:
        raise DataError(f"dataset {ds.name!r}: a monthly hazard needs customers with `start_date` and `end_date`.")
    if "answered_at" not in ds.responses or ds.responses["answered_at"].isna().all():
        raise DataError(f"dataset {ds.name!r}: a monthly hazard needs dated answers (`answered_at`).")
    for m, coding in metrics.items():
        ds.scale(m)
        check_choice(f"metrics[{m!r}]", coding, ("linear", "band"))
    missing = [c for c in controls if c not in cust.columns and c != "tenure_years"]
    if missing:
        raise ParameterError(f"`controls` {missing} are not customer columns; available: "
                             f"{[c for c in cust.columns if not c.startswith('_')]}.")
    cut, _ = effective_cut(ds, as_of)
    first = pd.Timestamp(start) if start is not None else ds.responses["answered_at"].min()
    first_idx = first.year * 12 + first.month - 1
    # A month is complete when it ended by the cut-off (the cut-off day itself is observed).
    last_idx = (cut + pd.Timedelta(days=1)).year * 12 + (cut + pd.Timedelta(days=1)).month - 2
    c = cust[cust["start_date"].notna()].reset_index(drop=True)
    ended = c["end_date"].notna() & (c["end_date"] <= cut)
    # At risk from the first month starting strictly after the start date.
    lo = np.maximum(_month_index(c["start_date"]) + 1, first_idx)
    hi = np.where(ended, _month_index(c["end_date"].where(ended)), last_idx)
    hi = np.minimum(hi, last_idx)
    k = np.clip(hi - lo + 1, 0, None).astype(int)
    rows = np.repeat(np.arange(len(c)), k)
    offs = np.arange(k.sum()) - np.repeat(np.cumsum(k) - k, k)
    midx = (np.repeat(lo, k) + offs).astype(int)
    month = pd.to_datetime({"year": midx // 12, "month": midx % 12 + 1, "day": 1})
    pm = pd.DataFrame({"customer_id": plain_ids(c["customer_id"]).to_numpy()[rows], "month": month.to_numpy()})
    pm["event"] = ended.to_numpy()[rows] & (_month_index(c["end_date"].where(ended))[rows] == midx)
    for col in controls:
        if col != "tenure_years":
            pm[col] = c[col].to_numpy()[rows]
    # Whole months since the start month: tenure known at the month's start, coarse enough that
    # customer-months with equal covariates can be pooled for the fit.
    pm["tenure_years"] = (midx - _month_index(c["start_date"])[rows]) / 12
    pm = pm.sort_values("month", kind="stable").reset_index(drop=True)
    for m, coding in metrics.items():
        scale = ds.scale(m)
        ans = ds.responses.loc[(ds.responses["metric"] == m) & ds.responses["answered_at"].notna(),
                               ["customer_id", "answered_at", "score"]].sort_values("answered_at")
        ans = ans.assign(customer_id=plain_ids(ans["customer_id"]))
        # Latest answer strictly before the month starts: known when the month begins.
        pm = pd.merge_asof(pm, ans.rename(columns={"answered_at": "month_", "score": f"_{m}"}),
                           left_on="month", right_on="month_", by="customer_id", allow_exact_matches=False,
                           direction="backward").drop(columns="month_")
        raw = pm.pop(f"_{m}")
        if coding == "linear":
            centre = (scale.min + scale.max) / 2
            pm[m] = (raw - centre).fillna(0.0)
            pm[f"{m}_none"] = raw.isna().astype(float)
        else:
            band = pd.Series(np.asarray(score_band(raw, scale), dtype=object), index=pm.index)
            pm[f"{m}_band"] = band.fillna("none").astype(str)
    return pm


@dataclass(frozen=True, repr=False)
class HazardResult(Result):
    """Discrete-time hazard model: the logistic fit plus how the person-months were built."""

    model: LogitResult
    customers: int
    months: int
    events: int
    first_month: pd.Timestamp
    last_month: pd.Timestamp
    coding: Mapping[str, str]
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def table(self) -> pd.DataFrame:
        return self.model.table

    def summary(self) -> pd.DataFrame:
        """The logistic model's coefficients (``table``: log-odds of churning in a month)."""
        return self.table

    def headline(self) -> str:
        return (f"Monthly churn hazard from {self.first_month:%Y-%m} to {self.last_month:%Y-%m}: "
                f"{self.customers:,} customers, {self.months:,} customer-months, {self.events:,} churned "
                f"({self.model.status}). Coefficients are on the log-odds of churning in a month, given the latest "
                "answers known at its start.")


@one_blas_thread()  # tall, narrow matrices: BLAS threads only wait (cxkit/_blas.py)
def hazard_model(ds: Dataset, metrics: Mapping[str, str] | Sequence[str], controls: str | Sequence[str] = (),
                 *, as_of: str | pd.Timestamp | None = None, start: str | pd.Timestamp | None = None,
                 reference: Mapping[str, object] | None = None, level: float = 0.95) -> HazardResult:
    """Fit the discrete-time (monthly) churn hazard on the latest answers known at each month's start.

    Parameters
    ----------
    metrics : dict of metric to coding, or list
        ``"linear"`` per point (centred at the scale midpoint) or ``"band"``
        (NPS: detractor/promoter vs passive; CES: hard/easy vs neutral; CSAT:
        low/top box vs middle). A list means: NPS as bands, others linear.
    controls : list of str
        Customer columns (e.g. ``segment``, ``contract``) or ``tenure_years``
        (at each month's start); categorical ones are coded against their most
        frequent level unless ``reference`` names another.

    Returns
    -------
    HazardResult
    """
    if not isinstance(metrics, Mapping):
        metrics = {m: ("band" if ds.scale(m).kind == "nps" else "linear") for m in as_list(metrics)}
    controls = as_list(controls)
    pm = person_months(ds, metrics, as_of=as_of, start=start, controls=controls)
    terms, categorical = [], []
    refs: dict[str, object] = {}
    for m, coding in metrics.items():
        if coding == "linear":
            terms += [m, f"{m}_none"]
        else:
            terms.append(f"{m}_band")
            categorical.append(f"{m}_band")
            refs[f"{m}_band"] = {"nps": "passive", "ces": "neutral", "csat": "middle"}[ds.scale(m).kind]
    refs.update(reference or {})
    notes = []
    for t in [*terms]:
        if t.endswith("_none") and pm[t].nunique() < 2:
            terms.remove(t)  # everyone (or no one) answered: the indicator has nothing to say
    # Customer-months with identical covariates are exchangeable: fit on their counts (same MLE, far faster).
    keys = terms + controls
    agg = pm.groupby(keys, dropna=False, observed=True)["event"].agg(["sum", "size"]).reset_index()
    both = pd.concat([agg.assign(churned=1, w=agg["sum"]), agg.assign(churned=0, w=agg["size"] - agg["sum"])],
                     ignore_index=True)
    both = both[both["w"] > 0]
    fit = logit(both, "churned", terms, controls, categorical=categorical, reference=refs,
                weights="w", level=level)
    return HazardResult(model=fit, customers=int(pm["customer_id"].nunique()), months=len(pm),
                        events=int(pm["event"].sum()), first_month=pm["month"].min(),
                        last_month=pm["month"].max(), coding=dict(metrics), notes=tuple(notes))
