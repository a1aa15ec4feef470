"""Metrics against published worked examples and independent computations.

Published values: the R package ``NPS`` (Brendan Rocks) test cases for the NPS
standard error, and a worked CSAT example (42/32/10/9/14 answers of 5..1 -> 69.2%).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

import cxkit as cx


def nps_frame(detractors: int, passives: int, promoters: int) -> pd.DataFrame:
    return pd.DataFrame({"score": [3] * detractors + [7] * passives + [10] * promoters})


@pytest.mark.parametrize(
    "counts, nps, se",
    [((1, 2, 3), 1 / 3, 0.304), ((1, 0, 1), 0.0, 0.707), ((0, 1, 1), 0.5, 0.354)],
)
def test_nps_matches_r_nps_package(counts, nps, se):
    t = cx.nps(nps_frame(*counts), ci="wald", min_n=0).iloc[0]
    assert t["nps"] == pytest.approx(100 * nps)
    assert t["se"] / 100 == pytest.approx(se, abs=5e-4)
    assert (t["detractors"], t["passives"], t["promoters"]) == counts


def test_nps_variance_five_ninths():
    t = cx.nps(nps_frame(1, 2, 3), ci="wald", min_n=0).iloc[0]
    assert (t["se"] / 100) ** 2 * t["n"] == pytest.approx(5 / 9)


def test_adjusted_wald_by_hand():
    # Rocks (2016): add 3/4 promoter, 3/4 detractor, 3/2 passive, centre on the adjusted NPS.
    det, pas, pro = 4, 10, 16
    n = det + pas + pro
    pp, pd_ = (pro + 0.75) / (n + 3), (det + 0.75) / (n + 3)
    centre = pp - pd_
    half = 1.959964 * np.sqrt((pp + pd_ - centre**2) / (n + 3))
    t = cx.nps(nps_frame(det, pas, pro), min_n=0).iloc[0]
    assert t["nps"] == pytest.approx(100 * (pro - det) / n)
    assert t["ci_low"] == pytest.approx(100 * (centre - half), abs=1e-4)
    assert t["ci_high"] == pytest.approx(100 * (centre + half), abs=1e-4)


def test_adjusted_wald_stays_sensible_when_everyone_promotes():
    t = cx.nps(nps_frame(0, 0, 5), min_n=0).iloc[0]
    assert t["nps"] == 100
    assert t["ci_low"] < 100 and t["ci_high"] <= 100


def test_nps_categories_follow_definition():
    df = pd.DataFrame({"score": range(11)})
    t = cx.nps(df, min_n=0).iloc[0]
    assert (t["detractors"], t["passives"], t["promoters"]) == (7, 2, 2)


def test_csat_worked_example():
    df = pd.DataFrame({"score": np.repeat([5, 4, 3, 2, 1], [42, 32, 10, 9, 14])})
    t = cx.csat(df, min_n=0).iloc[0]
    assert round(t["csat"], 1) == 69.2
    lo, hi = proportion_confint(74, 107, method="wilson")
    assert (t["ci_low"], t["ci_high"]) == pytest.approx((100 * lo, 100 * hi))
    raw = df["score"].to_numpy()
    ci = stats.t.interval(0.95, len(raw) - 1, loc=raw.mean(), scale=stats.sem(raw))
    assert (t["mean_ci_low"], t["mean_ci_high"]) == pytest.approx(ci)
    assert t["sd"] == pytest.approx(raw.std(ddof=1))


def test_csat_ten_point_needs_declared_top_box():
    with pytest.raises(cx.SpecError, match="top_box"):
        cx.Scale.csat(1, 10)
    scale = cx.Scale.csat(1, 10, top_box=[9, 10])
    t = cx.csat(pd.DataFrame({"score": [10, 9, 8, 1]}), scale=scale, min_n=0).iloc[0]
    assert t["csat"] == 50


def test_ces_direction_is_never_guessed():
    df = pd.DataFrame({"score": [1, 2, 5]})
    with pytest.raises(cx.ParameterError, match="direction"):
        cx.ces(df, min_n=0, scale=None)
    with pytest.raises(cx.SpecError, match="direction"):
        cx.Scale("ces", 1, 5, good=(1, 2))


def test_ces_effort_scale_low_is_easy():
    scale = cx.Scale.ces(1, 5, "higher_is_harder", easy=[1, 2])
    t = cx.ces(pd.DataFrame({"score": [1, 2, 5, 4]}), scale=scale, min_n=0).iloc[0]
    assert t["pct_easy"] == 50 and t["direction"] == "higher_is_harder"


def test_grouped_nps_equals_per_group_computation():
    rng = np.random.default_rng(1)
    df = pd.DataFrame({"score": rng.integers(0, 11, 500), "g": rng.choice(list("abc"), 500)})
    t = cx.nps(df, by="g", min_n=0).set_index("g")
    for g, sub in df.groupby("g"):
        s = sub["score"]
        expected = 100 * ((s >= 9).mean() - (s <= 6).mean())
        assert t.loc[g, "nps"] == pytest.approx(expected)
        assert t.loc[g, "n"] == len(s)


def test_weights_use_kish_effective_n():
    df = pd.DataFrame({"score": [10, 10, 0, 5], "w": [1.0, 3.0, 1.0, 1.0]})
    t = cx.nps(df, weight="w", ci="wald", min_n=0).iloc[0]
    p_pro, p_det = 4 / 6, 2 / 6  # 0 and 5 are both detractors
    neff = 6**2 / (1 + 9 + 1 + 1)
    assert t["nps"] == pytest.approx(100 * (p_pro - p_det))
    assert t["n_eff"] == pytest.approx(neff)
    assert t["se"] == pytest.approx(100 * np.sqrt((p_pro + p_det - (p_pro - p_det) ** 2) / neff))


def test_small_groups_are_suppressed():
    df = pd.DataFrame({"score": [9] * 40 + [3] * 5, "g": ["big"] * 40 + ["small"] * 5})
    t = cx.nps(df, by="g", min_n=30).set_index("g")
    assert not t.loc["big", "suppressed"] and t.loc["small", "suppressed"]
    assert np.isnan(t.loc["small", "nps"]) and t.loc["small", "n"] == 5
    assert "min_n" in t.loc["small", "note"]


def test_bootstrap_interval_is_seeded_and_close_to_wald():
    df = nps_frame(30, 30, 40)
    a = cx.nps(df, ci="bootstrap", seed=3, min_n=0).iloc[0]
    b = cx.nps(df, ci="bootstrap", seed=3, min_n=0).iloc[0]
    w = cx.nps(df, ci="wald", min_n=0).iloc[0]
    assert (a["ci_low"], a["ci_high"]) == (b["ci_low"], b["ci_high"])
    assert a["ci_low"] == pytest.approx(w["ci_low"], abs=3) and a["ci_high"] == pytest.approx(w["ci_high"], abs=3)


def test_period_column_groups_by_month():
    df = pd.DataFrame({"score": [10, 0, 10, 10], "when": pd.to_datetime(["2025-01-03", "2025-01-30",
                                                                        "2025-02-01", "2025-02-10"])})
    t = cx.nps(df, period="when", min_n=0)
    assert t["period"].tolist() == ["2025-01", "2025-02"]
    assert t["nps"].tolist() == [0, 100]


def test_single_answer_and_no_variance_are_noted():
    t = cx.csat(pd.DataFrame({"score": [4]}), min_n=0).iloc[0]
    assert "single answer" in t["note"] and np.isnan(t["mean_ci_low"])
    t = cx.csat(pd.DataFrame({"score": [4, 4, 4]}), min_n=0).iloc[0]
    assert "no variance" in t["note"]


def test_churn_rate_article_example_and_correct_definition():
    # Article: 1000 customers at the start, 800 at the end -> 20%. Here 250 of the 1000 left and
    # 50 new customers joined: the correct churn is 25%, the netted figure 20%.
    start = ["2024-06-01"] * 1000 + ["2025-01-15"] * 50
    end = ["2025-01-20"] * 250 + [None] * 800
    customers = pd.DataFrame({"start_date": start, "end_date": end})
    t = cx.churn_rate(customers, freq="M", period_start="2025-01-01", period_end="2025-01-31", min_n=0).iloc[0]
    assert (t["at_start"], t["churned"], t["joined"], t["at_end"]) == (1000, 250, 50, 800)
    assert t["churn_rate"] == 25 and t["simple_rate"] == 20
    lo, hi = proportion_confint(250, 1000, method="wilson")
    assert (t["ci_low"], t["ci_high"]) == pytest.approx((100 * lo, 100 * hi))


def test_churn_incomplete_period_is_flagged():
    customers = pd.DataFrame({"start_date": ["2024-01-01"] * 40, "end_date": ["2025-03-05"] * 4 + [None] * 36})
    t = cx.churn_rate(customers, freq="Q", period_start="2025-01-01", period_end="2025-03-10", min_n=0)
    assert not t["complete"].iloc[0] and "not fully observed" in t["note"].iloc[0]
