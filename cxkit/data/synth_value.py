"""Ground truth of the sample generator for lifetime value and response bias (issue 18).

Computed by the generator's own model in a large seeded simulation (the numbers are typed into
``cxkit/data/sample/README.md`` and the tests; run ``python -m cxkit.data.synth_value`` to recompute):

* **Lifetime value of a new customer per segment**: a base of new customers only
  (``existing_share=0``) followed for ``follow + 24`` months; for those who join in the first 24
  months, the realised ``monthly_revenue x sum_{t=1..H} [still a customer t months after joining]
  / (1 + d)^t`` averaged per segment (``H`` = 60 months, ``d`` = 10 % a year as a monthly rate).
* **Lifetime value after the first NPS answer per category**: the sample's parameters with
  ``follow + 24`` months (and fewer customers existing at the start, so the first 24 months hold the
  sample's mix of existing and new customers), so first answers given in the first 24 months (the sample's four waves) are
  followed for the whole horizon; the same sum counted from the answer date.
* **Response bias**: every customer invited to an NPS wave in the sample itself, with the score they
  would give (``generate(truth=...)``): the true base NPS and the respondents' NPS.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from .synth import DEFAULT_PARAMS, SynthParams, generate

__all__ = ["clv_truth", "value_truth", "response_truth", "realised_value"]

MONTH_DAYS = 365.25 / 12


def realised_value(revenue: np.ndarray, months_alive: np.ndarray, horizon: int, discount: float) -> np.ndarray:
    """``revenue x sum_{t=1..horizon} [months_alive >= t] v^t`` per customer, ``v = (1 + d)^(-1/12)``."""
    v = (1 + discount) ** (-1 / 12)
    k = np.clip(np.floor(np.asarray(months_alive, float) + 1e-9), 0, horizon)
    # sum_{t=1..k} v^t = v (1 - v^k) / (1 - v)
    return np.asarray(revenue, float) * v * (1 - v ** k) / (1 - v)


def _nps(score: pd.Series) -> float:
    return float(100 * ((score >= 9).mean() - (score <= 6).mean()))


def clv_truth(n: int = 200_000, horizon: int = 60, discount: float = 0.10, seed: int | tuple[int, ...] = 7,
              params: SynthParams = DEFAULT_PARAMS) -> pd.Series:
    """Expected discounted revenue of a new customer per segment (see the module docstring).

    ``seed``: several seeds average equally sized runs (one run of 1M customers needs about 3.5 GB).
    """
    if isinstance(seed, tuple):
        return pd.concat([clv_truth(n, horizon, discount, s, params) for s in seed], axis=1).mean(axis=1)
    p = replace(params, n_customers=n, months=horizon + 24, existing_share=0.0, seed=seed)
    cust, _ = generate(p)
    start = pd.to_datetime(cust["start_date"])
    end = pd.to_datetime(cust["end_date"])
    first = pd.Timestamp(p.end) - pd.DateOffset(months=p.months - 1)
    first = first.replace(day=1)
    early = start < first + pd.DateOffset(months=24)
    stop = end.fillna(pd.Timestamp(p.end))
    life = (stop - start).dt.days / MONTH_DAYS
    life = life.where(end.notna(), np.inf)  # still a customer at the end: alive through the horizon
    val = realised_value(cust["monthly_revenue"], life, horizon, discount)
    return pd.Series(val[early.to_numpy()]).groupby(cust.loc[early, "segment"].to_numpy()).mean()


def value_truth(n: int = 200_000, horizon: int = 60, discount: float = 0.10, seed: int = 11,
                params: SynthParams = DEFAULT_PARAMS) -> pd.Series:
    """Expected discounted revenue after the first NPS answer per NPS category (module docstring)."""
    months = horizon + 24
    # New customers join evenly over the whole run; to have the sample's mix of existing and new customers
    # within the first 24 months, fewer are existing at the start: (1 - e') 24 / months / e' = (1 - e) / e.
    e = params.existing_share
    existing = 1 / (1 + (1 - e) / e * months / 24)
    p = replace(params, n_customers=n, months=months, existing_share=existing, seed=seed)
    cust, resp = generate(p)
    window = pd.Timestamp(p.end).to_period("M") - (p.months - 1)
    nps = resp[resp["metric"] == "nps"].copy()
    nps["answered_at"] = pd.to_datetime(nps["answered_at"])
    nps = nps[nps["answered_at"] < (window + 24).start_time].sort_values("answered_at")
    nps = nps.drop_duplicates("customer_id").merge(cust, on="customer_id")
    end = pd.to_datetime(nps["end_date"])
    life = ((end - nps["answered_at"]).dt.days / MONTH_DAYS).where(end.notna(), np.inf)
    cat = np.select([nps["score"] <= 6, nps["score"] >= 9], ["detractor", "promoter"], "passive")
    val = realised_value(nps["monthly_revenue"], life, horizon, discount)
    return pd.Series(val).groupby(cat).mean()


def response_truth(params: SynthParams = DEFAULT_PARAMS) -> dict:
    """True base NPS (all invited, would-be answers) and respondents' NPS in the sample itself."""
    truth: dict = {}
    cust, _ = generate(params, truth=truth)
    inv = pd.concat(truth["nps_invited"], ignore_index=True)
    inv["segment"] = cust["segment"].to_numpy()[inv["customer"].to_numpy()]
    by = inv.groupby("segment").agg(rate=("answered", "mean"), nps=("score", _nps))
    return {"base_nps": _nps(inv["score"]), "respondent_nps": _nps(inv.loc[inv["answered"], "score"]),
            "response_rate": float(inv["answered"].mean()), "by_segment": by}


if __name__ == "__main__":  # pragma: no cover - documentation helper
    print("CLV of a new customer (60 months, 10 %/year):", clv_truth(1_000_000, seed=(7, 8, 9, 10)).round(1).to_dict())
    print("CLV after the first NPS answer:", value_truth().round(0).to_dict())
    print("Response:", response_truth())
