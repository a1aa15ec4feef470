"""Survey weights in the loyalty and driver studies, against values cxkit did not compute.

Fixture ``tests/fixtures/weighted_loyalty.csv``: 80 generated customers (csat 1..5, nps 0..10, segment,
churned, survey weight ``w``). The R values were printed by R 4 with survey 4.1.1 on that file:

    d <- read.csv("tests/fixtures/weighted_loyalty.csv")
    d$cat <- cut(d$nps, c(-1, 6, 8, 10), labels = c("detractor", "passive", "promoter"))
    d$retained <- 1 - d$churned
    des <- svydesign(ids = ~1, weights = ~w, data = d)
    prop.table(svytable(~csat + cat, des), 1)         # weighted row shares
    svyby(~retained, ~cat, des, svymean)              # weighted retention
    svyby(~csat, ~segment, des, svymean)              # weighted mean CSAT
    kish <- function(w) sum(w)^2 / sum(w^2)           # Kish n_eff; Wilson on it:
    prop.test(p * kish(w), kish(w), correct = FALSE)$conf.int
"""

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cxkit as cx
from cxkit.research import drivers, loyalty

FIXTURE = Path(__file__).parent / "fixtures" / "weighted_loyalty.csv"


@pytest.fixture(scope="module")
def data():
    return pd.read_csv(FIXTURE)


def test_weighted_crosstab_row_shares_match_svytable_and_kish_wilson(data):
    table, test = loyalty.crosstab(data, "csat", "nps", weights="w")
    t = table.set_index(["csat", "category"])
    # R: prop.table(svytable(~csat + cat, des), 1)
    assert t.loc[(2, "detractor"), "pct"] == pytest.approx(94.7969924812, abs=1e-8)
    assert t.loc[(3, "passive"), "pct"] == pytest.approx(38.5703648548, abs=1e-8)
    assert t.loc[(4, "promoter"), "pct"] == pytest.approx(70.6010928962, abs=1e-8)
    # R: csat 5, promoter p = 0.782154882155, n_eff = 14.196757933, prop.test(p*ne, ne, correct=FALSE)
    assert t.loc[(5, "promoter"), "pct"] == pytest.approx(78.2154882155, abs=1e-8)
    assert t.loc[(5, "promoter"), "row_n_eff"] == pytest.approx(14.196757933, abs=1e-8)
    assert t.loc[(5, "promoter"), "ci_low"] == pytest.approx(52.2324345441, abs=1e-8)
    assert t.loc[(5, "promoter"), "ci_high"] == pytest.approx(92.1808754439, abs=1e-8)
    # rows are still counted as rows
    assert t.loc[(5, "promoter"), "n"] == ((data["csat"] == 5) & (data["nps"] >= 9)).sum()
    w = data["w"]
    assert test["n"] == pytest.approx(w.sum() ** 2 / (w**2).sum())
    unweighted, _ = loyalty.crosstab(data, "csat", "nps")
    assert "row_n_eff" not in unweighted.columns


def test_weighted_retention_matches_svymean_with_kish_wilson(data):
    out = loyalty.retention_by_category(data, "nps", "churned", weights="w", min_n=11).set_index("category")
    # R: svyby(~retained, ~cat, des, svymean)
    assert out.loc["detractor", "retention"] == pytest.approx(81.1607697083, abs=1e-8)
    assert out.loc["promoter", "retention"] == pytest.approx(92.9368029740, abs=1e-8)
    # R: n_eff 35.5789047988 and 21.4744669158; prop.test(p * n_eff, n_eff, correct = FALSE)
    assert out.loc["detractor", "n_eff"] == pytest.approx(35.5789047988, abs=1e-8)
    assert out.loc["detractor", ["ci_low", "ci_high"]].tolist() == pytest.approx([65.5456317406, 90.7027615827],
                                                                                 abs=1e-8)
    assert out.loc["promoter", ["ci_low", "ci_high"]].tolist() == pytest.approx([74.5028119886, 98.3402643052],
                                                                                abs=1e-8)
    # passive: n_eff 10.77 (R) < min_n = 11 although it has more rows: suppressed on the effective n
    assert out.loc["passive", "n"] >= 11
    assert out.loc["passive", "suppressed"] and out.loc["passive", "suppressed_reason"] == "small_effective"
    assert np.isnan(out.loc["passive", "retention"])


def test_weighted_segment_map_means_match_svymean(data):
    out = loyalty.segment_map(data, "segment", "csat", "nps", weights="w", min_n=5).set_index("segment")
    # R: svyby(~csat, ~segment, des, svymean)
    assert out.loc["north", "csat_mean"] == pytest.approx(3.11298315164, abs=1e-9)
    assert out.loc["south", "csat_mean"] == pytest.approx(3.11449451888, abs=1e-9)
    assert (out["n_eff"] < out["n"]).all()
    # the NPS is the weighted one of the metric tables (cx.nps with weight=)
    ref = cx.nps(data[data["segment"] == "north"], "nps", weight="w", min_n=0)
    assert out.loc["north", "nps"] == pytest.approx(float(ref["nps"].iloc[0]))


def test_weighted_share_and_churn_comparison_use_effective_counts(data):
    sat = data[data["csat"] >= 4]
    s = loyalty.weighted_share(sat["nps"] < 9, sat["w"])
    p = 1 - (sat["w"] * (sat["nps"] >= 9)).sum() / sat["w"].sum()
    assert s["pct"] == pytest.approx(100 * p)
    a, b = sat[sat["nps"] < 9], sat[sat["nps"] >= 9]
    c = loyalty.compare_churn(a["churned"], b["churned"], weights_a=a["w"], weights_b=b["w"])
    ra = (a["w"] * a["churned"]).sum() / a["w"].sum()
    assert c["rate_a"] == pytest.approx(100 * ra) and c["n_eff_a"] < c["n_a"]


def _wls_r2(y, X, w):
    import statsmodels.api as sm
    return sm.WLS(y, sm.add_constant(X), weights=w).fit().rsquared


def test_weighted_shapley_matches_weighted_least_squares_r2(data):
    # Independent value: statsmodels WLS R² of every sub-model; Shapley of two drivers by hand.
    from statsmodels.stats.weightstats import DescrStatsW

    f = data.assign(churn=data["churned"].astype(float))
    imp = drivers.relative_importance(f, "nps", ["csat", "churn"], method="shapley", n_boot=0, weights="w")
    y, w = f["nps"], f["w"]
    full = _wls_r2(y, f[["csat", "churn"]], w)
    r_c, r_h = _wls_r2(y, f[["csat"]], w), _wls_r2(y, f[["churn"]], w)
    t = imp.table.set_index("driver")
    assert imp.r2 == pytest.approx(full, rel=1e-9)
    assert t.loc["csat", "importance"] == pytest.approx((r_c + full - r_h) / 2, rel=1e-9)
    assert t.loc["churn", "importance"] == pytest.approx((r_h + full - r_c) / 2, rel=1e-9)
    corr = DescrStatsW(f[["nps", "csat"]].to_numpy(float), weights=w).corrcoef[0, 1]
    assert t.loc["csat", "correlation"] == pytest.approx(corr, rel=1e-9)
    unweighted = drivers.relative_importance(f, "nps", ["csat", "churn"], method="shapley", n_boot=0)
    assert unweighted.r2 != pytest.approx(imp.r2, rel=1e-6)


def test_weighted_bootstrap_resamples_rows_with_their_weights(data):
    f = data.assign(churn=data["churned"].astype(float))
    imp = drivers.relative_importance(f, "nps", ["csat", "churn"], n_boot=200, weights="w", seed=1)
    assert imp.r2_ci_low < imp.r2 < imp.r2_ci_high
    t = imp.table
    assert (t["ci_low"] <= t["pct_of_r2"]).all() and (t["pct_of_r2"] <= t["ci_high"]).all()


def test_studies_apply_weights_and_say_which_figures_stay_unweighted(sample):
    rng = np.random.default_rng(0)
    weighted = replace(sample, responses=sample.responses.assign(weight=rng.uniform(0.5, 2, len(sample.responses))))
    lo = cx.loyalty_study(weighted, as_of="2026-11-01")
    assert any("Survey weights applied" in n and "rank correlations" in n for n in lo.notes)
    assert not any("does not apply" in n for n in lo.notes)
    assert "row_n_eff" in lo.crosstab.columns and "n_eff" in lo.retention.columns
    plain = cx.loyalty_study(sample, as_of="2026-11-01")
    assert not any("Survey weights" in n for n in plain.notes)
    assert lo.crosstab["pct"].to_numpy() != pytest.approx(plain.crosstab["pct"].to_numpy())
    dr = cx.driver_study(weighted, n_boot=100)
    assert any("Survey weights applied" in n for n in dr.notes)
    assert "weight" not in dr.tables["answers"]["column"].tolist()
    assert dr.importance.r2 != pytest.approx(cx.driver_study(sample, n_boot=0).importance.r2, rel=1e-6)


def test_weighted_crosstab_with_a_zero_weight_row_still_tests_the_rest(data):
    d = data.assign(w=data["w"].where(data["csat"] != 1, 0.0))
    table, test = loyalty.crosstab(d, "csat", "nps", weights="w")
    row = table[table["csat"] == 1]
    assert row["pct"].isna().all() and (row["row_n_eff"] == 0).all()
    assert test["df"] == (4 - 1) * (3 - 1) and np.isfinite(test["chi2"])
