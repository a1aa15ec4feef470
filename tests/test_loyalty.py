"""Satisfaction vs loyalty: tables against plain computations; the sample's design recovered."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

import cxkit as cx
from cxkit.research.loyalty import compare_churn, crosstab, rank_correlation, segment_map, share

RUN_DATE = "2026-11-01"


def _pairs(seed=0, n=500):
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=n)
    csat = np.clip(np.rint(3 + latent + rng.normal(0, 0.8, n)), 1, 5)
    nps = np.clip(np.rint(7 + 1.5 * latent + rng.normal(0, 1.5, n)), 0, 10)
    return pd.DataFrame({"csat": csat, "nps": nps, "segment": rng.choice(["a", "b", "c"], n)})


def test_crosstab_counts_shares_and_test():
    d = _pairs()
    table, test = crosstab(d, "csat", "nps")
    cat = np.where(d["nps"] >= 9, "promoter", np.where(d["nps"] <= 6, "detractor", "passive"))
    plain = pd.crosstab(d["csat"], cat)
    for _, r in table.iterrows():
        assert r["n"] == plain.loc[r["csat"], r["category"]]
        assert r["pct"] == pytest.approx(100 * r["n"] / plain.loc[r["csat"]].sum())
        lo, hi = proportion_confint(r["n"], r["row_n"], method="wilson")
        assert r["ci_low"] == pytest.approx(100 * lo)
    chi2 = stats.chi2_contingency(plain.to_numpy())
    assert test["chi2"] == pytest.approx(chi2.statistic) and test["df"] == chi2.dof


def test_rank_correlations_and_their_intervals():
    d = _pairs(seed=1)
    t = rank_correlation(d, "csat", "nps").set_index("method")
    rho = stats.spearmanr(d["csat"], d["nps"]).statistic
    tau = stats.kendalltau(d["csat"], d["nps"]).statistic      # scipy's default is tau-b
    n = len(d)
    assert t.loc["spearman", "estimate"] == pytest.approx(rho)
    assert t.loc["kendall_tau_b", "estimate"] == pytest.approx(tau)
    z = stats.norm.ppf(0.975)
    se_rho = np.sqrt((1 + rho**2 / 2) / (n - 3))          # Bonett & Wright (2000)
    assert t.loc["spearman", "ci_low"] == pytest.approx(np.tanh(np.arctanh(rho) - z * se_rho))
    se_tau = np.sqrt(0.437 / (n - 4))                      # Fieller, Hartley & Pearson (1957)
    assert t.loc["kendall_tau_b", "ci_high"] == pytest.approx(np.tanh(np.arctanh(tau) + z * se_tau))
    flat = rank_correlation(d.assign(csat=3.0), "csat", "nps")
    assert flat["estimate"].isna().all() and "no variance" in flat.loc[0, "note"]


def test_share_and_newcombe_difference_by_hand():
    s = share(30, 120)
    lo, hi = proportion_confint(30, 120, method="wilson")
    assert s["pct"] == pytest.approx(25) and s["ci_low"] == pytest.approx(100 * lo)
    a = np.r_[np.ones(18), np.zeros(82)].astype(bool)
    b = np.r_[np.ones(9), np.zeros(111)].astype(bool)
    res = compare_churn(a, b)
    p1, p2 = 18 / 100, 9 / 120
    l1, u1 = proportion_confint(18, 100, method="wilson")
    l2, u2 = proportion_confint(9, 120, method="wilson")
    d = p1 - p2
    # Newcombe (1998) method 10
    assert res["diff"] == pytest.approx(100 * d)
    assert res["ci_low"] == pytest.approx(100 * (d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)))
    assert res["ci_high"] == pytest.approx(100 * (d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)))
    pooled = 27 / 220
    z = d / np.sqrt(pooled * (1 - pooled) * (1 / 100 + 1 / 120))
    assert res["p_value"] == pytest.approx(2 * stats.norm.sf(abs(z)), rel=1e-6)
    assert "no customers" in compare_churn([], b)["note"]


def test_segment_map_against_plain_pandas():
    d = _pairs(seed=2)
    t = segment_map(d, "segment", "csat", "nps", min_n=0).set_index("segment")
    for seg, g in d.groupby("segment"):
        assert t.loc[seg, "n"] == len(g)
        assert t.loc[seg, "csat_mean"] == pytest.approx(g["csat"].mean())
        nps = 100 * ((g["nps"] >= 9).mean() - (g["nps"] <= 6).mean())
        assert t.loc[seg, "nps"] == pytest.approx(nps)
    assert segment_map(d, "segment", "csat", "nps", min_n=1000)["suppressed"].all()


@pytest.fixture(scope="module")
def study(sample):
    return cx.loyalty_study(sample.as_of(RUN_DATE), window_days=90, horizon_days=180, as_of=RUN_DATE)


def test_sample_satisfied_customers_are_not_all_loyal(study):
    # the generator makes loyalty only moderately related to satisfaction (README: some satisfied customers
    # are not loyal), and gives promoters less and detractors more churn
    rho = study.correlations.set_index("method").loc["spearman"]
    assert 0.15 < rho["ci_low"] and rho["ci_high"] < 0.6
    assert study.satisfied_not_promoters["ci_low"] > 30
    c = study.churn_satisfied
    assert c["diff"] > 0 and c["ci_low"] > 0
    ret = study.retention.set_index("category")["retention"]
    assert ret["detractor"] < ret["passive"] < ret["promoter"]
    text = study.describe()
    assert f"{study.satisfied_not_promoters['pct']:.1f}%" in text and "satisfied is not the same as loyal" in text


def test_pairs_are_one_per_customer_within_the_window(study):
    p = study.pairs
    assert p["customer_id"].is_unique
    gap = (p["nps_at"] - p["csat_at"]).abs().dt.days
    assert gap.max() <= 90


def test_studies_say_when_they_apply_survey_weights(sample):
    # The loyalty and driver studies apply declared weights (issue 15, item 8) and say which figures stay
    # unweighted; unweighted data gets no such note.
    from dataclasses import replace

    rng = np.random.default_rng(0)
    weighted = replace(sample, responses=sample.responses.assign(weight=rng.uniform(0.5, 2, len(sample.responses))))
    assert weighted.weighted and not sample.weighted
    left_out = "survey weights, which this analysis does not apply"
    lo_notes = cx.loyalty_study(weighted, as_of="2026-11-01").notes
    assert any("Survey weights applied" in n and "Not weighted: the rank correlations" in n for n in lo_notes)
    assert not any(left_out in n for n in lo_notes)
    assert not any("Survey weights" in n for n in cx.loyalty_study(sample, as_of="2026-11-01").notes)
    study = cx.driver_study(weighted, n_boot=100)
    assert any("Survey weights applied" in n for n in study.importance.notes)
    assert not any(left_out in n for n in study.notes)
    flat = replace(sample, responses=sample.responses.assign(weight=1.0))
    assert not flat.weighted and flat.unweighted_note() == []
