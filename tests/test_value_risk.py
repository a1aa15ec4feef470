"""Value at risk's interval covers the churn probability and the lifetime value (issue 18 polish).

The one rule is :func:`cxkit.research.risk.value_at_risk`, called by notebook 03's churn study and notebook
07's :func:`cxkit.clv_revenue_at_risk`. The hand-worked examples below type in every draw and the arithmetic;
quantiles are numpy's default (linear interpolation between order statistics: with draws sorted
``x_0 <= ... <= x_{n-1}`` the ``q`` quantile sits at position ``q (n - 1)``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cxkit as cx
from cxkit.data.dataset import Dataset
from cxkit.research.alignment import effective_cut
from cxkit.research.risk import PROB_MODEL, PROB_RETENTION, source_totals, value_at_risk
from cxkit.research.value import clv_revenue_at_risk
from cxkit.stats.clv import CLVResult


def _seg(clv: dict, draws: dict) -> CLVResult:
    table = pd.DataFrame({"segment": list(clv), "clv": list(clv.values())})
    return CLVResult(table=table, by=["segment"], discount=0.10, horizon=60, level=0.95,
                     draws={(k,): np.array(v, float) for k, v in draws.items()})


def test_model_draws_paired_with_clv_draws_and_totals_per_source():
    # Customers: two of segment a (estimated CLV 120, bootstrap draws 100, 140, 110, 130) and one of segment b
    # (no estimate: declared value 5, fixed). Churn model: point probabilities 0.5, 0.25, 0.1 and two simulated
    # draws per customer: [0.4, 0.2, 0.1] and [0.6, 0.3, 0.2].
    frame = pd.DataFrame({"segment": ["a", "a", "b"], "value": [10.0, 20.0, 5.0]})
    seg = _seg({"a": 120.0, "b": np.nan}, {"a": [100, 140, 110, 130]})
    sims = np.array([[0.4, 0.2, 0.1], [0.6, 0.3, 0.2]])
    t, note = value_at_risk(frame, np.array([0.5, 0.25, 0.1]), "segment", "value", seg, prob_draws=sims,
                            prob_from=PROB_MODEL, level=0.95)
    # Point: a = (0.5 + 0.25) x 120 = 90 of 240; b = 0.1 x 5 = 0.5 of 5.
    # Four draws (the longer set); draw k uses model draw k mod 2 and CLV draw k mod 4:
    #   a: (0.4 + 0.2) x 100 = 60, (0.6 + 0.3) x 140 = 126, 0.6 x 110 = 66, 0.9 x 130 = 117 -> 60, 66, 117, 126
    #      2.5 %: position 0.075 -> 60 + 0.075 x 6 = 60.45;  97.5 %: position 2.925 -> 117 + 0.925 x 9 = 125.325
    #   b: 0.1 x 5, 0.2 x 5, 0.1 x 5, 0.2 x 5 -> 0.5, 0.5, 1, 1 -> 0.5 and 1.0
    rows = {(r["segment"], r["value_source"]): r for _, r in t.iterrows()}
    a, b = rows[("a", "estimated CLV")], rows[("b", "declared value")]
    assert (a["at_risk"], a["value"], a["ci_low"], a["ci_high"]) == pytest.approx((90.0, 240.0, 60.45, 125.325))
    assert (b["at_risk"], b["value"], b["ci_low"], b["ci_high"]) == pytest.approx((0.5, 5.0, 0.5, 1.0))
    # Lifetime values and a declared value are not added (90.5 would be): one total per source, same figures.
    tot_clv, tot_decl = rows[("all", "estimated CLV")], rows[("all", "declared value")]
    assert (tot_clv["at_risk"], tot_clv["ci_low"], tot_clv["ci_high"]) == pytest.approx((90.0, 60.45, 125.325))
    assert (tot_decl["at_risk"], tot_decl["ci_low"], tot_decl["ci_high"]) == pytest.approx((0.5, 0.5, 1.0))
    assert len(t) == 4 and not np.isclose(t["at_risk"], 90.5).any()
    assert "churn model's coefficient uncertainty (simulated) and the uncertainty of each segment's lifetime" in note
    assert "Totals per value source" in note and "declared `value` for segments ['b']" in note
    nl = cx.i18n.message(note, "nl")
    assert "Totalen per waardebron" in nl and "trekking voor trekking gekoppeld" in nl and "covers" not in nl
    en_tot, nl_tot = source_totals(t, "en"), source_totals(t, "nl")
    assert en_tot.startswith("estimated CLV: 90 of 240") and "declared value: 0 of 5" in en_tot
    assert nl_tot.startswith("geschatte klantwaarde: 90 van 240")


def test_retention_and_clv_from_the_same_resample_are_paired_per_segment():
    # Notebook 07: probabilities per segment (units), drawn from the same bootstrap resamples as the CLV.
    # Segment a (2 customers): probability draws 0.1, 0.3 with CLV draws 10, 20; segment b (1 customer):
    # 0.2, 0.4 with CLV draws 100, 200. Point: probabilities 0.15 and 0.3, CLVs 15 and 150.
    frame = pd.DataFrame({"segment": ["a", "a", "b"], "value": [1.0, 1.0, 1.0]})
    seg = _seg({"a": 15.0, "b": 150.0}, {"a": [10, 20], "b": [100, 200]})
    prob_draws = np.array([[0.1, 0.2], [0.3, 0.4]])  # rows: resamples, columns: units a, b
    t, note = value_at_risk(frame, np.array([0.15, 0.15, 0.3]), "segment", "value", seg, prob_draws=prob_draws,
                            units=np.array([0, 0, 1]), prob_from=PROB_RETENTION)
    t = t.set_index("segment")
    # Point: a = 2 x 0.15 x 15 = 4.5; b = 0.3 x 150 = 45; all = 49.5.
    # Draw 0: a = 2 x 0.1 x 10 = 2, b = 0.2 x 100 = 20, all 22; draw 1: a = 2 x 0.3 x 20 = 12, b = 0.4 x 200 = 80,
    # all 92. Two draws: 2.5 % = x0 + 0.025 (x1 - x0), 97.5 % = x0 + 0.975 (x1 - x0).
    assert t.loc["a", ["at_risk", "ci_low", "ci_high"]].tolist() == pytest.approx([4.5, 2.25, 11.75])
    assert t.loc["b", ["at_risk", "ci_low", "ci_high"]].tolist() == pytest.approx([45.0, 21.5, 78.5])
    assert t.loc["all", ["at_risk", "ci_low", "ci_high"]].tolist() == pytest.approx([49.5, 23.75, 90.25])
    assert (t["value_source"] == "estimated CLV").all() and "Totals per value source" not in note
    assert "monthly retention and lifetime value together (the same bootstrap resamples" in note


def test_fixed_probabilities_and_no_draws_at_all():
    frame = pd.DataFrame({"segment": ["a", "b"], "value": [3.0, 4.0]})
    # CLV draws only: a's CLV 10 drawn as 8 and 12; b's declared 4. Probabilities fixed at 0.5 and 0.25.
    seg = _seg({"a": 10.0, "b": np.nan}, {"a": [8, 12]})
    t, note = value_at_risk(frame, np.array([0.5, 0.25]), "segment", "value", seg)
    r = t.set_index(["segment", "value_source"])
    # a: 0.5 x 8 = 4, 0.5 x 12 = 6 -> 4.05 to 5.95; b: 0.25 x 4 = 1 in every draw: nothing of b was drawn, so
    # no interval rather than a zero-width one.
    assert r.loc[("a", "estimated CLV"), ["at_risk", "ci_low", "ci_high"]].tolist() == pytest.approx([5, 4.05, 5.95])
    assert r.loc[("b", "declared value"), ["ci_low", "ci_high"]].isna().all()
    assert "churn probabilities are taken as exact" in note
    t2, note2 = value_at_risk(frame, np.array([0.5, 0.25]), "segment", "value", None)
    assert t2[["ci_low", "ci_high"]].isna().all().all() and note2.startswith("Value: the declared `value` as recorded")
    assert "No interval" in note2 and "Geen interval" in cx.i18n.message(note2, "nl")


def test_sample_value_at_risk_has_an_interval_in_both_notebooks(sample):
    seg = cx.clv(sample.customers, by="segment", n_boot=100, seed=3)
    t, note = clv_revenue_at_risk(sample, seg)
    assert t["ci_low"].notna().all() and (t["ci_low"] < t["at_risk"]).all() and (t["at_risk"] < t["ci_high"]).all()
    assert "the same bootstrap resamples of customers)" in note
    nl = cx.i18n.message(note, "nl")
    assert "dezelfde bootstrapsteekproeven" in nl and "Interval (" not in nl
    # Notebook 03's discount and horizon reach the lifetime value behind revenue at risk.
    study = cx.churn_study(sample, n_boot=100, seed=1, metrics=["nps"], discount=0.05, horizon=24)
    r = study.revenue
    assert r["ci_low"].notna().all() and (r["ci_low"] < r["at_risk"]).all() and (r["at_risk"] < r["ci_high"]).all()
    note = study.revenue_note
    assert "coefficient uncertainty (simulated) and the uncertainty of each segment's lifetime value" in note
    assert "estimated lifetime value (24 months, 5% a year" in note
    assert study.params["discount"] == 0.05 and study.params["horizon"] == 24
    cut, _ = effective_cut(sample, None)
    clv24 = cx.clv(sample.customers, by="segment", as_of=cut, discount=0.05, horizon=24, n_boot=0).summary()
    r = r[r["segment"] != "all"].set_index("segment")
    for s, v in clv24.set_index("segment")["clv"].items():
        assert r.loc[s, "value"] == pytest.approx(r.loc[s, "customers"] * v, rel=1e-9)


@pytest.fixture(scope="module")
def mixed(sample):
    # 20 consumers relabelled into a segment too small for a CLV (min_n 30): its customers keep the declared
    # monthly `value`, the other segments get their estimated CLV, so the sources are mixed.
    cust = sample.customers.copy()
    tiny = cust.index[cust["segment"] == "consumer"][:20]
    cust.loc[tiny, "segment"] = "tiny"
    return Dataset("mixed", sample.responses, cust, sample.scales)


def test_mixed_sources_are_never_added_in_either_notebook(mixed):
    s07 = cx.value_study(mixed, n_boot=0, weight=False)
    t = s07.risk
    tot = t[t["segment"] == "all"].set_index("value_source")
    assert list(tot.index) == ["estimated CLV", "declared value"]
    seg = t[t["segment"] != "all"].set_index("segment")
    assert seg.loc["tiny", "value_source"] == "declared value"
    assert tot.loc["declared value", "at_risk"] == pytest.approx(seg.loc["tiny", "at_risk"])
    # n_boot=0: nothing drawn, no interval anywhere (and the note says so)
    assert t[["ci_low", "ci_high"]].isna().all().all() and "No interval" in s07.risk_note
    assert tot.loc["estimated CLV", "at_risk"] == pytest.approx(seg.drop("tiny")["at_risk"].sum())
    en, nl = s07.describe("en"), s07.describe("nl")
    assert "per value source (lifetime values and declared values are not added together)" in en
    assert "per waardebron (klantwaarden en opgegeven waarden worden niet bij elkaar opgeteld)" in nl
    assert "Totalen per waardebron" in nl and "Totals per value source" not in nl
    # With draws, the declared segment's interval comes from the pooled retention of the same resamples.
    r07, _ = clv_revenue_at_risk(mixed, cx.clv(mixed.customers, by="segment", n_boot=100, seed=5))
    tiny = r07.set_index("segment").loc["tiny"]
    assert tiny["ci_low"] < tiny["at_risk"] < tiny["ci_high"]
    s03 = cx.churn_study(mixed, metrics=["nps"], n_boot=100, seed=2)
    r = s03.revenue
    assert list(r.loc[r["segment"] == "all", "value_source"]) == ["estimated CLV", "declared value"]
    en3, nl3 = s03.describe("en"), s03.describe("nl")
    assert "Value at risk per value source" in en3 and "estimated CLV: " in en3 and "declared value: " in en3
    assert "Waarde in gevaar per waardebron" in nl3 and "geschatte klantwaarde: " in nl3


def test_without_a_segment_column_all_customers_share_one_clv(sample):
    ds = Dataset("nosegment", sample.responses, sample.customers.drop(columns=["segment"]), sample.scales)
    seg = cx.clv(ds.customers, n_boot=100, seed=4)
    t, note = clv_revenue_at_risk(ds, seg)
    assert len(t) == 1 and t["value_source"].tolist() == ["estimated CLV"]
    r = t.iloc[0]
    assert r["value"] == pytest.approx(r["customers"] * seg.summary()["clv"].iloc[0], rel=1e-9)
    assert r["ci_low"] < r["at_risk"] < r["ci_high"]
    assert "the same bootstrap resamples" in note
