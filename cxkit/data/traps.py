"""Trap datasets: small seeded exports that each hold one trap real data sets hold, with ground truth.

``write_trap(name, folder)`` writes the data file(s), a ``spec.yaml`` that maps them and a
``truth.json`` with the documented ground truth (the figures a validation report must
state); it returns the spec's path. :data:`TRAPS` lists the names:

* ``leakage``: a customer table where ``complaint`` equals the churn flag for all but
  14 of 2,000 customers (declared as an extra column), and an undeclared
  ``cancellation_fee`` column that is charged to nearly every churner, i.e. recorded at churn.
* ``duplicates``: a survey export without customer ids in which 300 rows are exact
  copies of other rows.
* ``not_applicable``: a CSAT 1..5 question where 0 means "not applicable".
* ``churn_labels``: a churn flag written as ``loyal`` / ``disloyal``.
* ``synonyms``: group labels that mean the same (``Phone`` / ``Mobile Phone``,
  ``CC`` / ``Credit Card``, ``COD`` / ``Cash on Delivery``).
* ``reversed``: a satisfaction score whose relation with churn runs the other way
  (satisfied customers churn more; AUC below 0.5).
* ``customer_level``: one row per customer (satisfaction score, churn flag, contract),
  no dates at all: the commonest real churn export.
* ``stale``: dated answers (ending 2018) and customers (ending 2019), years before any run date.

The spec written is the one that handles the trap with the spec keys ``data/README.md``
documents for it (listed in ``truth.json`` under ``spec_keys``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from ..errors import ParameterError

__all__ = ["TRAPS", "write_trap"]

TRAPS = ("leakage", "duplicates", "not_applicable", "churn_labels", "synonyms", "reversed", "customer_level",
         "stale")

_SEED = 20261127
_CSAT = {"kind": "csat", "min": 1, "max": 5, "top_box": [4, 5]}


def _ids(n: int) -> list[str]:
    return [f"K{i:05d}" for i in range(n)]


def _churn_from_csat(rng: np.random.Generator, csat: np.ndarray, slope: float, base: float) -> np.ndarray:
    p = 1 / (1 + np.exp(-(base + slope * (csat - 3))))
    return rng.random(len(csat)) < p


def _csat(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.choice([1, 2, 3, 4, 5], size=n, p=[0.08, 0.12, 0.2, 0.35, 0.25])


def _auc(y: np.ndarray, risk: np.ndarray) -> float:
    """Mann-Whitney AUC (ties half), for the ground truth only; cxkit's own is ``cxkit.stats.auc``."""
    y = np.asarray(y, bool)
    pos, neg = np.asarray(risk, float)[y], np.asarray(risk, float)[~y]
    gt = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(gt / (len(pos) * len(neg)))


def _leakage(rng: np.random.Generator) -> tuple[dict[str, pd.DataFrame], dict, dict]:
    n = 2000
    csat = _csat(rng, n)
    churned = _churn_from_csat(rng, csat, -0.5, -1.2)
    complaint = churned.copy()
    flip = rng.choice(n, 14, replace=False)
    complaint[flip] = ~complaint[flip]
    fee = churned & (rng.random(n) < 0.995) | (~churned & (rng.random(n) < 0.002))
    cust = pd.DataFrame({"customer": _ids(n), "plan": rng.choice(["basic", "plus", "pro"], n),
                         "contract": rng.choice(["monthly", "annual"], n, p=[0.6, 0.4]),
                         "complaint": complaint.astype(int), "cancellation_fee": fee.astype(int),
                         "churned": np.where(churned, "yes", "no")})
    resp = pd.DataFrame({"customer": _ids(n), "question": "csat", "answer": csat})
    spec = {"tables": {
        "responses": {"file": "responses.csv",
                      "columns": {"customer_id": "customer", "metric": "question", "score": "answer"}},
        "customers": {"file": "customers.csv",
                      "columns": {"customer_id": "customer", "churned": "churned", "segment": "plan"},
                      "extra": ["contract", "complaint"]}},
        "scales": {"csat": _CSAT}}
    y = churned
    truth = {"rows": n, "churners": int(y.sum()),
             "complaint_differs_from_churn": 14,
             "complaint_auc": round(_auc(y, complaint), 4),
             "complaint_churners_flagged": round(float(complaint[y].mean()), 4),
             "complaint_stayers_flagged": round(float(complaint[~y].mean()), 4),
             "cancellation_fee_churners_flagged": round(float(fee[y].mean()), 4),
             "cancellation_fee_stayers_flagged": round(float(fee[~y].mean()), 4),
             "leaky_columns": ["complaint", "cancellation_fee"],
             "spec_keys": ["leakage is reported and kept out of models by default; nothing to declare"]}
    return {"customers.csv": cust, "responses.csv": resp}, spec, truth


def _duplicates(rng: np.random.Generator) -> tuple[dict[str, pd.DataFrame], dict, dict]:
    n = 1500
    start = pd.Timestamp("2026-01-05 08:00:00")
    secs = np.sort(rng.choice(180 * 86400, n, replace=False))
    df = pd.DataFrame({"submitted": (start + pd.to_timedelta(secs, "s")).strftime("%Y-%m-%d %H:%M:%S"),
                       "channel": rng.choice(["phone", "chat", "email"], n),
                       "satisfaction": _csat(rng, n),
                       "recommend": rng.integers(0, 11, n)})
    copies = df.iloc[rng.choice(n, 300, replace=False)]
    out = pd.concat([df, copies], ignore_index=True).sort_values("submitted", kind="stable")
    spec = {"tables": {"responses": {
        "file": "survey.csv",
        "columns": {"customer_id": "_row", "answered_at": "submitted", "channel": "channel"},
        "scores": {"csat": "satisfaction", "nps": "recommend"},
        "duplicates": {"drop": "exact"}}},
        "scales": {"csat": _CSAT, "nps": {"kind": "nps"}}}
    truth = {"rows": n + 300, "exact_duplicate_rows": 300, "rows_after_drop": n,
             "spec_keys": ["duplicates: {drop: exact}"]}
    return {"survey.csv": out}, spec, truth


def _not_applicable(rng: np.random.Generator) -> tuple[dict[str, pd.DataFrame], dict, dict]:
    n = 1200
    score = _csat(rng, n)
    na = rng.random(n) < 0.1
    score = np.where(na, 0, score)
    dates = pd.Timestamp("2026-03-01") + pd.to_timedelta(rng.integers(0, 200, n), "D")
    df = pd.DataFrame({"id": _ids(n), "date": dates.strftime("%Y-%m-%d"), "question": "csat", "score": score})
    spec = {"tables": {"responses": {
        "file": "answers.csv",
        "columns": {"customer_id": "id", "answered_at": "date", "metric": "question", "score": "score"}}},
        "scales": {"csat": {**_CSAT, "not_applicable": [0]}}}
    truth = {"rows": n, "not_applicable": int(na.sum()), "answers": int((~na).sum()),
             "top_box_share": round(float(np.isin(score[~na], [4, 5]).mean()), 4),
             "spec_keys": ["scales.csat.not_applicable: [0]", "or recode: {csat: {map: {0: null}}}"]}
    return {"answers.csv": df}, spec, truth


def _churn_labels(rng: np.random.Generator) -> tuple[dict[str, pd.DataFrame], dict, dict]:
    n = 1500
    csat = _csat(rng, n)
    churned = _churn_from_csat(rng, csat, -0.6, -1.0)
    cust = pd.DataFrame({"customer": _ids(n), "status": np.where(churned, "disloyal", "loyal"),
                         "region": rng.choice(["north", "south"], n)})
    resp = pd.DataFrame({"customer": _ids(n), "question": "csat", "answer": csat})
    spec = {"tables": {
        "responses": {"file": "responses.csv",
                      "columns": {"customer_id": "customer", "metric": "question", "score": "answer"}},
        "customers": {"file": "customers.csv",
                      "columns": {"customer_id": "customer", "churned": "status", "segment": "region"},
                      "churn_labels": {"churned": ["disloyal"], "stayed": ["loyal"]}}},
        "scales": {"csat": _CSAT}}
    truth = {"rows": n, "churners": int(churned.sum()), "churn_share": round(float(churned.mean()), 4),
             "spec_keys": ["churn_labels: {churned: [disloyal], stayed: [loyal]}"]}
    return {"customers.csv": cust, "responses.csv": resp}, spec, truth


def _synonyms(rng: np.random.Generator) -> tuple[dict[str, pd.DataFrame], dict, dict]:
    n = 1500
    csat = _csat(rng, n)
    churned = _churn_from_csat(rng, csat, -0.5, -1.2)
    device = rng.choice(["Phone", "Mobile Phone", "Computer"], n, p=[0.3, 0.2, 0.5])
    pay = rng.choice(["CC", "Credit Card", "COD", "Cash on Delivery", "Debit Card"], n,
                     p=[0.2, 0.2, 0.15, 0.15, 0.3])
    cust = pd.DataFrame({"customer": _ids(n), "payment": pay, "churn": churned.astype(int)})
    resp = pd.DataFrame({"customer": _ids(n), "device": device, "question": "csat", "answer": csat})
    spec = {"tables": {
        "responses": {"file": "responses.csv",
                      "columns": {"customer_id": "customer", "metric": "question", "score": "answer",
                                  "channel": "device"},
                      "recode": {"channel": {"map": {"Mobile Phone": "Phone"}}}},
        "customers": {"file": "customers.csv",
                      "columns": {"customer_id": "customer", "churned": "churn", "segment": "payment"},
                      "recode": {"segment": {"map": {"CC": "Credit Card", "COD": "Cash on Delivery"}}}}},
        "scales": {"csat": _CSAT}}
    merged_pay = pd.Series(pay).replace({"CC": "Credit Card", "COD": "Cash on Delivery"})
    truth = {"rows": n, "channel_raw": sorted(set(device)), "channel_merged": ["Computer", "Phone"],
             "phone_after_merge": int(np.isin(device, ["Phone", "Mobile Phone"]).sum()),
             "segment_merged": sorted(set(merged_pay)),
             "credit_card_after_merge": int((merged_pay == "Credit Card").sum()),
             "spec_keys": ["recode: {channel: {map: {Mobile Phone: Phone}}}",
                           "recode: {segment: {map: {CC: Credit Card, COD: Cash on Delivery}}}"]}
    return {"customers.csv": cust, "responses.csv": resp}, spec, truth


def _reversed(rng: np.random.Generator) -> tuple[dict[str, pd.DataFrame], dict, dict]:
    n = 2000
    csat = _csat(rng, n)
    churned = _churn_from_csat(rng, csat, 0.35, -1.2)  # satisfied customers churn MORE
    cust = pd.DataFrame({"customer": _ids(n), "churned": np.where(churned, "yes", "no")})
    resp = pd.DataFrame({"customer": _ids(n), "question": "csat", "answer": csat})
    spec = {"tables": {
        "responses": {"file": "responses.csv",
                      "columns": {"customer_id": "customer", "metric": "question", "score": "answer"}},
        "customers": {"file": "customers.csv", "columns": {"customer_id": "customer", "churned": "churned"}}},
        "scales": {"csat": _CSAT}}
    auc_low_risky = _auc(churned, -csat)  # low satisfaction counted as risky, as cxkit orients CSAT
    truth = {"rows": n, "churners": int(churned.sum()), "csat_auc": round(auc_low_risky, 4),
             "csat_auc_reversed": round(1 - auc_low_risky, 4),
             "spec_keys": ["nothing to declare: the report says the relation runs in reverse"]}
    return {"customers.csv": cust, "responses.csv": resp}, spec, truth


def _customer_level(rng: np.random.Generator) -> tuple[dict[str, pd.DataFrame], dict, dict]:
    n = 3000
    csat = _csat(rng, n)
    churned = _churn_from_csat(rng, csat, -0.7, -1.1)
    df = pd.DataFrame({"Customer ID": _ids(n), "Satisfaction Score": csat,
                       "Churn": np.where(churned, "Yes", "No"),
                       "Contract": rng.choice(["Month-to-Month", "One Year", "Two Year"], n, p=[0.5, 0.3, 0.2]),
                       "Monthly Charge": np.round(rng.uniform(20, 110, n), 2)})
    spec = {"tables": {
        "customers": {"file": "customers.csv",
                      "columns": {"customer_id": "Customer ID", "churned": "Churn", "segment": "Contract",
                                  "value": "Monthly Charge"},
                      "scores": {"csat": "Satisfaction Score"}}},
        "scales": {"csat": _CSAT}}
    truth = {"rows": n, "churners": int(churned.sum()), "churn_share": round(float(churned.mean()), 4),
             "csat_auc": round(_auc(churned, -csat), 4), "answer_dates": False,
             "spec_keys": ["tables.customers.scores: {csat: Satisfaction Score} (no responses table)"]}
    return {"customers.csv": df}, spec, truth


def _stale(rng: np.random.Generator) -> tuple[dict[str, pd.DataFrame], dict, dict]:
    n = 1500
    start = pd.Timestamp("2017-01-01") + pd.to_timedelta(rng.integers(0, 365, n), "D")
    csat = _csat(rng, n)
    churned = _churn_from_csat(rng, csat, -0.5, -1.5)
    end = start + pd.to_timedelta(rng.integers(60, 700, n), "D")
    end = end.where(churned & (end <= pd.Timestamp("2019-06-30")))
    ans = start + pd.to_timedelta(rng.integers(10, 50, n), "D")
    cust = pd.DataFrame({"customer": _ids(n), "since": start.strftime("%Y-%m-%d"),
                         "left_on": pd.Series(end).dt.strftime("%Y-%m-%d"),
                         "plan": rng.choice(["basic", "plus"], n)})
    resp = pd.DataFrame({"customer": _ids(n), "date": ans.strftime("%Y-%m-%d"), "question": "csat",
                         "answer": csat})
    spec = {"tables": {
        "responses": {"file": "responses.csv",
                      "columns": {"customer_id": "customer", "answered_at": "date", "metric": "question",
                                  "score": "answer"}},
        "customers": {"file": "customers.csv",
                      "columns": {"customer_id": "customer", "start_date": "since", "end_date": "left_on",
                                  "segment": "plan"}}},
        "scales": {"csat": _CSAT}}
    truth = {"rows": n, "last_answer": str(ans.max().date()),
             "last_customer_date": str(max(start.max(), pd.Series(end).max()).date()),
             "spec_keys": ["report parameter period_start/period_end (or the default: the data's last 12 months)"]}
    return {"customers.csv": cust, "responses.csv": resp}, spec, truth


_BUILDERS = {"leakage": _leakage, "duplicates": _duplicates, "not_applicable": _not_applicable,
             "churn_labels": _churn_labels, "synonyms": _synonyms, "reversed": _reversed,
             "customer_level": _customer_level, "stale": _stale}


def build_trap(name: str) -> tuple[dict[str, pd.DataFrame], dict[str, Any], dict[str, Any]]:
    """The trap's files (name -> table), spec mapping and ground truth, without writing anything."""
    if name not in _BUILDERS:
        raise ParameterError(f"`name` must be one of {list(TRAPS)}; got {name!r}.")
    rng = np.random.default_rng(_SEED + TRAPS.index(name))
    files, spec, truth = _BUILDERS[name](rng)
    spec = {"name": f"cxkit trap dataset: {name}",
            "description": f"Synthetic export holding one trap ({name}); ground truth in truth.json.", **spec}
    return files, spec, {"trap": name, **truth}


def write_trap(name: str, folder: str | Path) -> Path:
    """Write trap dataset ``name`` (one of :data:`TRAPS`) into ``folder``; return the spec's path.

    The folder gets the data file(s), ``spec.yaml`` and ``truth.json`` (the ground truth).
    """
    files, spec, truth = build_trap(name)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for fname, table in files.items():
        table.to_csv(folder / fname, index=False)
    (folder / "truth.json").write_text(json.dumps(truth, indent=2) + "\n", encoding="utf-8")
    path = folder / "spec.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path
