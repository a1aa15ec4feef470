"""Property-based fuzzing (hypothesis) of the loaders and the metrics.

Whatever the input, cxkit either returns a valid result or raises a
:class:`cxkit.CxkitError`: never a KeyError, TypeError or traceback from deep
inside pandas. Results are checked for the invariants every table promises.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cxkit as cx
from cxkit.scales import Scale

SCALES = {"nps": {"kind": "nps"}, "csat": {"kind": "csat", "min": 1, "max": 5},
          "ces": {"kind": "ces", "min": 1, "max": 7, "direction": "higher_is_easier", "easy": [5, 6, 7]}}
FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Cells an analyst's export might contain, good and bad.
CELLS = st.one_of(
    st.integers(-3, 13).map(str),
    st.sampled_from(["", " ", "nps", "csat", "ces", "NPS", "nan", "NA", "inf", "-inf", "1e3", "4.5", "9,5",
                     "2025-01-31", "31/01/2025", "2999-01-01", "2025-02-30", "yes", "no", "maybe", "True",
                     '"quoted, with comma"', '"unclosed', "a;b", "\t", "é", "🙂", "0x1F", "1_000"]),
    st.text(max_size=6),
)
HEADERS = st.sampled_from(["id", "date", "q", "a", "w", "seg", "start", "end", "", "id", "a"])


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    return "\n".join(",".join(r) for r in [header, *rows]) + "\n"


@st.composite
def csv_files(draw) -> str:
    header = draw(st.one_of(st.just(["id", "date", "q", "a"]), st.lists(HEADERS, min_size=0, max_size=6)))
    width = max(len(header), 1)
    body = draw(st.lists(st.lists(CELLS, min_size=max(width - 1, 0), max_size=width + 1), max_size=8))
    return csv_text(header, body)


def load_or_error(responses: bytes | str, customers: str | None = None, weight: bool = False):
    """Write the files and load them; return the Dataset, or None after a CxkitError."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        data = responses if isinstance(responses, bytes) else responses.encode("utf-8", "surrogatepass")
        (tmp / "r.csv").write_bytes(data)
        cols = {"customer_id": "id", "answered_at": "date", "metric": "q", "score": "a"}
        if weight:
            cols["weight"] = "w"
        spec = {"name": "fuzz", "tables": {"responses": {"file": "r.csv", "columns": cols}}, "scales": SCALES}
        if customers is not None:
            (tmp / "c.csv").write_text(customers, encoding="utf-8", errors="surrogatepass")
            spec["tables"]["customers"] = {"file": "c.csv", "columns": {
                "customer_id": "id", "start_date": "start", "end_date": "end", "segment": "seg"}}
        (tmp / "spec.yaml").write_text(yaml.safe_dump(spec))
        try:
            return cx.load_dataset(tmp / "spec.yaml")
        except cx.CxkitError:
            return None


def check_dataset(ds) -> None:
    r = ds.responses
    assert set(r["metric"]) <= set(SCALES)
    for metric, group in r.groupby("metric"):
        s = ds.scale(metric)
        assert group["score"].between(s.min, s.max).all()
        assert (group["score"] == np.round(group["score"])).all()
    assert r["customer_id"].notna().all()
    assert r["_row"].min() >= 1
    if "answered_at" in r:
        assert pd.api.types.is_datetime64_dtype(r["answered_at"])
    if ds.customers is not None:
        c = ds.customers
        assert c["customer_id"].is_unique
        assert not (c["end_date"] < c["start_date"]).any()


@given(st.binary(max_size=400))
@FUZZ
def test_loader_survives_random_bytes(data):
    ds = load_or_error(data)
    if ds is not None:
        check_dataset(ds)


@given(csv_files())
@FUZZ
def test_loader_survives_random_csv(text):
    ds = load_or_error(text)
    if ds is not None:
        check_dataset(ds)


def mostly(good: st.SearchStrategy, bad: st.SearchStrategy) -> st.SearchStrategy:
    """Usually a valid value, sometimes a bad one, so that some files load and the checks run."""
    return st.integers(0, 19).flatmap(lambda i: bad if i == 0 else good)


ANSWER = st.tuples(
    mostly(st.sampled_from(["1", "2", "3", "4"]), st.sampled_from(["", "x y", "1.0"])),
    mostly(st.sampled_from(["2025-01-01", "2025-03-15T10:00:00+02:00", "2025-02-28"]),
           st.sampled_from(["", "soon", "2025-13-01", "2999-01-01"])),
    mostly(st.sampled_from(["nps", "csat", "ces"]), st.sampled_from(["", "other", "NPS"])),
    mostly(st.integers(1, 5).map(str), CELLS),
    # an answer without a weight is refused (every answer needs one), so "" is among the bad values
    mostly(st.sampled_from(["1", "0.5", "2"]), st.sampled_from(["", "0", "-1", "inf", "abc", "1e300"])),
)
CUSTOMER = st.tuples(
    mostly(st.sampled_from(["1", "2", "3", "4"]), st.sampled_from(["1.0", ""])),
    mostly(st.sampled_from(["2024-01-01", "2024-06-01"]), st.sampled_from(["", "never", "2026-01-01"])),
    mostly(st.sampled_from(["", "", "2025-02-01", "2025-06-01"]), st.sampled_from(["2023-01-01", "bad"])),
    mostly(st.sampled_from(["a", "b"]), st.sampled_from(["", "x@y.org"])),
)
LOADED = {"responses": 0, "customers": 0}


@given(st.lists(ANSWER, min_size=1, max_size=10), st.lists(CUSTOMER, min_size=0, max_size=5, unique_by=lambda c: c[0]))
@settings(max_examples=100, deadline=None, derandomize=True)  # fixed examples: the guard below stays stable
def test_loader_survives_structured_garbage(answers, customers):
    resp = csv_text(["id", "date", "q", "a", "w"], [list(a) for a in answers])
    cust = csv_text(["id", "start", "end", "seg"], [list(c) for c in customers])
    for cust_text in (None, cust):
        ds = load_or_error(resp, cust_text, weight=True)
        if ds is None:
            continue
        LOADED["customers" if cust_text else "responses"] += 1
        check_dataset(ds)
        assert np.isfinite(ds.responses["weight"]).all() and (ds.responses["weight"] >= 0).all()
        cut = ds.as_of("2025-02-01")
        when = cut.responses["answered_at"]
        assert (when.isna() | (when <= pd.Timestamp("2025-02-01"))).all()
        assert sum(cut.excluded.values()) >= 0


def test_structured_fuzz_loads_some_files():
    """The fuzz above is only worth something if part of its files load and reach the checks."""
    if LOADED["responses"] == 0:
        test_loader_survives_structured_garbage()
    assert LOADED["responses"] > 0 and LOADED["customers"] > 0


# -- metrics -----------------------------------------------------------------
SCORES = st.one_of(st.integers(-2, 12), st.floats(allow_nan=True, allow_infinity=True, width=32),
                   st.sampled_from(["9", " 4 ", "x", "", None]), st.none())
GROUPS = st.one_of(st.sampled_from(["a", "b", "c"]), st.none(), st.integers(0, 2))
WEIGHTS = st.one_of(st.floats(0, 5), st.sampled_from([0.0, -1.0, math.nan, math.inf, "w"]))
METRICS = {
    "nps": lambda df, kw: cx.nps(df, **kw),
    "csat": lambda df, kw: cx.csat(df, **kw),
    "ces": lambda df, kw: cx.ces(df, scale=Scale.ces(1, 7, "higher_is_easier", easy=[5, 6, 7]), **kw),
}
VALUE = {"nps": "nps", "csat": "csat", "ces": "pct_easy"}


@given(st.sampled_from(sorted(METRICS)),
       st.lists(st.tuples(SCORES, GROUPS, WEIGHTS), min_size=0, max_size=40),
       st.booleans(), st.booleans(),
       st.sampled_from([0, 1, 5, 30, -1, "30", 2.5, True]),
       st.sampled_from([0.95, 0.8, 95, 0, "0.9"]))
@settings(max_examples=300, deadline=None)
def test_metrics_survive_random_frames(metric, rows, grouped, weighted, min_n, level):
    df = pd.DataFrame(rows, columns=["score", "g", "w"]) if rows else pd.DataFrame(
        {"score": pd.Series(dtype=float), "g": pd.Series(dtype=object), "w": pd.Series(dtype=float)})
    kw = {"by": "g" if grouped else None, "weight": "w" if weighted else None, "min_n": min_n, "level": level}
    try:
        t = METRICS[metric](df, kw)
    except cx.CxkitError:
        return
    value = VALUE[metric]
    assert {"n", value, "ci_low", "ci_high", "n_eff", "suppressed", "note"} <= set(t.columns)
    assert (t["n"] >= 1).all()
    shown = t[~t["suppressed"]]
    assert t.loc[t["suppressed"], value].isna().all()
    assert (t.loc[t["suppressed"], "note"].str.len() > 0).all()
    lo, hi = (-100, 100) if metric == "nps" else (0, 100)
    assert shown[value].between(lo, hi).all()
    assert (shown["ci_low"] <= shown["ci_high"] + 1e-9).all()
    if metric != "nps":  # Wilson intervals contain the estimate
        assert ((shown["ci_low"] <= shown[value] + 1e-9) & (shown[value] <= shown["ci_high"] + 1e-9)).all()
    # every answer that is counted is a valid one: n adds up to the valid, grouped rows
    valid = pd.to_numeric(df["score"], errors="coerce").notna()
    if grouped:
        valid &= df["g"].notna()
    assert t["n"].sum() == valid.sum()


@given(st.lists(st.tuples(st.sampled_from(["2024-01-01", "2024-02-10", "2024-03-31", None, "x", 5]),
                          st.sampled_from(["2024-02-01", "2024-04-15", None, None, "2023-01-01", "bad"]),
                          st.sampled_from(["a", "b", None])), min_size=0, max_size=12),
       st.sampled_from(["M", "Q", "W", "D"]), st.sampled_from([0, 3, 30, "3"]),
       st.sampled_from([None, "2024-01-01", "tomorrow"]))
@settings(max_examples=200, deadline=None)
def test_churn_survives_random_customers(rows, freq, min_n, period_start):
    df = pd.DataFrame(rows, columns=["start_date", "end_date", "segment"])
    try:
        t = cx.churn_rate(df, freq=freq, min_n=min_n, period_start=period_start, period_end="2024-06-30")
    except cx.CxkitError:
        return
    shown = t[~t["suppressed"] & (t["at_start"] > 0)]
    assert shown["churn_rate"].between(0, 100).all()
    assert (t["churned"] <= t["at_start"]).all()
    assert not np.isinf(t["simple_rate"]).any()


@given(st.lists(st.tuples(st.integers(0, 10), st.sampled_from(["a", "b", "c", None])), min_size=0, max_size=60),
       st.sampled_from(["compare", "pairwise", "changes"]), st.sampled_from([None, "nps", "top_box", "mean"]),
       st.sampled_from([0, 2, 30, "30"]), st.sampled_from([0.95, 95, 0.5]))
@settings(max_examples=100, deadline=None)
# All-equal groups make statsmodels divide by zero on its way to a valid answer.
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_comparisons_survive_random_frames(rows, fn, statistic, min_n, level):
    df = pd.DataFrame(rows, columns=["score", "g"])
    df["d"] = ["2025-01-15" if i % 2 else "2025-02-15" for i in range(len(df))]
    kw = {"statistic": statistic, "min_n": min_n, "level": level}
    try:
        if fn == "compare":
            res = cx.compare(df, "g", "a", "b", **kw).to_frame()
        elif fn == "pairwise":
            res = cx.pairwise(df, "g", **kw)
        else:
            res = cx.changes(df, "d", by="g", **kw)
    except cx.CxkitError:
        return
    assert "suppressed" in res.columns
    shown = res[~res["suppressed"].astype(bool)]
    assert (shown["ci_low"].isna() | (shown["ci_low"] <= shown["ci_high"] + 1e-9)).all()
    assert res.loc[res["suppressed"].astype(bool), "diff"].isna().all()
    if "p_adj" in res:
        assert res["p_adj"].dropna().between(0, 1).all()
