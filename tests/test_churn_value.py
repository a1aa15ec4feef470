"""Revenue at risk in the churn study (notebook 03): segment CLV where the data allows, else declared value.

Issue 18, build item 2's last sentence. The rule lives in :func:`cxkit.research.churn.clv_values`, shared
with notebook 07's :func:`cxkit.clv_revenue_at_risk`.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import cxkit as cx
from cxkit.research.alignment import effective_cut
from cxkit.research.churn import _source_column, clv_values, revenue_at_risk
from cxkit.stats.clv import CLVResult

RUN_DATE = "2026-11-01"


def _clv_result(table: pd.DataFrame, by: list[str]) -> CLVResult:
    return CLVResult(table=table, by=by, discount=0.10, horizon=60, level=0.95)


def test_hand_worked_mixed_example():
    # Segment a has an estimated CLV of 120; b's estimate is suppressed (NaN), c has none at all:
    #   a: 0.5 x 120 + 0.25 x 120 = 90   (value 240)
    #   b: 0.1 x 5 (declared)      = 0.5 (value 5)
    #   c: 0.2 x 7 (declared)      = 1.4 (value 7)
    #   all: 91.9 of 252
    frame = pd.DataFrame({"segment": ["a", "a", "b", "c"], "value": [10.0, 20.0, 5.0, 7.0]})
    seg = _clv_result(pd.DataFrame({"segment": ["a", "b"], "clv": [120.0, np.nan]}), ["segment"])
    used, source, note = clv_values(frame, seg, "segment", "value")
    assert used.tolist() == [120.0, 120.0, 5.0, 7.0]
    assert source.tolist() == ["estimated CLV", "estimated CLV", "declared value", "declared value"]
    assert "declared `value` for segments ['b', 'c']" in note
    t = _source_column(revenue_at_risk(frame.assign(v=used), np.array([0.5, 0.25, 0.1, 0.2]), "v", "segment"),
                       frame, source, "segment").set_index("segment")
    assert t.loc["a", "at_risk"] == pytest.approx(90.0)
    assert t.loc["b", "at_risk"] == pytest.approx(0.5)
    assert t.loc["c", "at_risk"] == pytest.approx(1.4)
    assert t.loc["all", "at_risk"] == pytest.approx(91.9)
    assert t.loc["all", "value"] == pytest.approx(252.0)
    assert t["value_source"].to_dict() == {"a": "estimated CLV", "b": "declared value", "c": "declared value",
                                           "all": "mixed"}


def test_all_estimated_and_no_segment_column():
    frame = pd.DataFrame({"value": [10.0, 30.0]})
    seg = _clv_result(pd.DataFrame({"clv": [50.0]}), [])
    used, source, note = clv_values(frame, seg, None, "value")
    assert used.tolist() == [50.0, 50.0] and (source == "estimated CLV").all() and note == ""
    # 0.1 x 50 + 0.3 x 50 = 20
    t = _source_column(revenue_at_risk(frame.assign(v=used), np.array([0.1, 0.3]), "v", None), frame, source, None)
    assert t["at_risk"].tolist() == pytest.approx([20.0])
    assert t["value_source"].tolist() == ["estimated CLV"]


def test_no_estimate_keeps_the_declared_value():
    frame = pd.DataFrame({"segment": ["a", "b"], "value": [10.0, 30.0]})
    used, source, note = clv_values(frame, None, "segment", "value")
    assert used.tolist() == [10.0, 30.0]
    assert (source == "declared value").all()
    assert note == "Value at risk: no lifetime value could be estimated; declared `value` is used."
    assert cx.i18n.message(note, "nl") == ("Waarde in gevaar: er was geen klantwaarde te schatten; de opgegeven "
                                           "`value` is gebruikt.")


@pytest.fixture(scope="module")
def sample_study(sample):
    return cx.churn_study(sample.as_of(RUN_DATE), as_of=RUN_DATE, n_boot=100, seed=1)


def test_sample_revenue_at_risk_is_valued_at_segment_clv(sample, sample_study):
    risk = sample_study.revenue.set_index("segment")
    assert (risk["value_source"] == "estimated CLV").all()
    # Each segment's value is its current customers x that segment's CLV from cx.clv at the same cut-off.
    ds = sample.as_of(RUN_DATE)
    cut, _ = effective_cut(ds, RUN_DATE)
    seg = cx.clv(ds.customers, by="segment", revenue="value", as_of=cut, n_boot=0).summary().set_index("segment")
    for s in seg.index:
        assert risk.loc[s, "value"] == pytest.approx(risk.loc[s, "customers"] * seg.loc[s, "clv"], rel=1e-9)
        assert 0 < risk.loc[s, "at_risk"] < risk.loc[s, "value"]
    note = sample_study.revenue_note
    assert "estimated lifetime value (60 months, 10% a year" in note
    nl = cx.i18n.message(note, "nl")
    assert "geschatte klantwaarde van hun segment" in nl and "estimated" not in nl
    assert cx.i18n.message("estimated CLV", "nl") == "geschatte klantwaarde"


def test_undated_dataset_uses_the_declared_value(tmp_path):
    rng = np.random.default_rng(4)
    n = 300
    ids = [f"c{i}" for i in range(n)]
    nps = rng.integers(0, 11, n)
    churned = (rng.random(n) < 0.4 - 0.03 * nps).astype(int)
    value = rng.integers(10, 100, n).astype(float)
    pd.DataFrame({"customer_id": ids, "nps": nps}).to_csv(tmp_path / "r.csv", index=False)
    pd.DataFrame({"customer_id": ids, "churned": churned, "value": value,
                  "segment": rng.choice(["x", "y"], n)}).to_csv(tmp_path / "c.csv", index=False)
    spec = {"name": "undated",
            "tables": {"responses": {"file": "r.csv", "columns": {"customer_id": "customer_id"},
                                     "scores": {"nps": "nps"}},
                       "customers": {"file": "c.csv",
                                     "columns": {"customer_id": "customer_id", "churned": "churned",
                                                 "value": "value", "segment": "segment"}}},
            "scales": {"nps": {"kind": "nps"}}}
    (tmp_path / "spec.yaml").write_text(json.dumps(spec))
    study = cx.churn_study(cx.load_dataset(tmp_path / "spec.yaml"), controls=["segment"], n_boot=50, seed=1)
    risk = study.revenue.set_index("segment")
    assert (risk["value_source"] == "declared value").all()
    # Without dates the customers at risk are those not churned, at their declared value.
    assert risk.loc["all", "value"] == pytest.approx(value[churned == 0].sum())
