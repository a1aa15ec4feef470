"""Statistics checked against independent implementations (issue 15: "statistics a referee signs").

Every expected value below was printed by software cxkit does not use or did not write (R survival 3.5.3,
survey 4.1.1, Rocks' NPS package; see /work/refs/REFERENCES.md in the audit's reference bundle). The R call and
version is written next to each value; nothing here is recomputed by cxkit.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cxkit as cx
from cxkit.stats.survival import kaplan_meier

FIXTURES = Path(__file__).parent / "fixtures"


# -- 1. Kaplan-Meier median when S(t) is exactly 0.5 -------------------------------------------------------------
# R 4.2.2, survival 3.5.3:
#   summary(survfit(Surv(time, event) ~ 1, data = sub))$table["median"]
# (quantile.survfit: where the curve is flat at exactly 0.5, the midpoint of the flat stretch;
#  tolerance sqrt(.Machine$double.eps)). No censoring.
KM_CASES = [
    ([1, 2, 3, 4], 2.5),                     # A4
    (list(range(1, 31)), 15.5),              # B30
    (list(np.repeat(np.arange(1, 11), 3)), 5.5),  # C30ties: rep(1:10, each = 3)
    ([1, 2, 2, 3, 4, 4], 2.5),               # D6ties (S(2) = 0.5000000000000001 in floating point)
    ([1, 2, 3, 4, 5], 3.0),                  # E5: S never equals 0.5, first time with S <= 0.5
]


@pytest.mark.parametrize(("times", "median"), KM_CASES)
def test_km_median_matches_r_survfit(times, median):
    d = pd.DataFrame({"time_days": np.asarray(times, float), "event": 1})
    km = kaplan_meier(d, times=(1,))
    assert km.groups["median"].iloc[0] == pytest.approx(median, abs=1e-12)


def test_km_median_flat_at_half_to_the_end_uses_last_time():
    # Worked by hand from R survival 3.5's quantile.survfit code (findq, "lastpt" branch: a flat at p that runs
    # to the end of the curve gives (t_i + last time)/2). Events at 1, 2, censored at 5 and 7:
    # S(1) = 3/4, S(2) = 3/4 * 2/3 = 1/2, flat to t = 7 -> (2 + 7) / 2 = 4.5.
    d = pd.DataFrame({"time_days": [1.0, 2.0, 5.0, 7.0], "event": [1, 1, 0, 0]})
    assert kaplan_meier(d, times=(1,)).groups["median"].iloc[0] == pytest.approx(4.5)


# -- 2. Proportional-hazards test with tied (weekly) event times -------------------------------------------------
# Data: refs b_ph_ties.csv (200 rows, R set.seed(20240611), 20 distinct weeks, 142 events), copied to
# tests/fixtures/ph_ties.csv. R 4.2.2, survival 3.5.3:
#   fit <- coxph(Surv(week, event) ~ is_b + is_c, data = d, ties = "efron")
#   cox.zph(fit, transform = tr, terms = TRUE)$table     # the exact score test used since survival 3.0
# chisq for is_b, is_c, GLOBAL:
COX_ZPH = {
    "identity": (9.95604562789907, 3.49866802898061, 10.11530401725659),
    "km": (11.54131507943588, 3.63096917748487, 11.60084836139792),
    "rank": (10.95323579290703, 3.46078035906617, 11.00988704031939),
    "log": (13.48666859592133, 4.85231379831426, 13.63252799364539),
}
# p for km (R's default transform): 0.000680664758521809, 0.056713780951734301, 0.003026270787422132


@pytest.fixture(scope="module")
def ph_ties():
    return pd.read_csv(FIXTURES / "ph_ties.csv")


@pytest.mark.parametrize("transform", sorted(COX_ZPH))
def test_ph_test_matches_r_cox_zph_with_tied_times(ph_ties, transform):
    res = cx.cox(ph_ties, ["is_b", "is_c"], time="week", event="event", ph_transform=transform)
    # Coefficients: R coxph is_b 0.0317269827949326, is_c 0.5125856040183624 (se 0.205736868734199,
    # 0.209486529166524).
    t = res.table.set_index("term")
    assert t.loc["is_b", "coef"] == pytest.approx(0.0317269827949326, abs=1e-7)
    assert t.loc["is_c", "coef"] == pytest.approx(0.5125856040183624, abs=1e-7)
    ph = res.ph_test.set_index("term")
    for term, want in zip(("is_b", "is_c", "GLOBAL"), COX_ZPH[transform], strict=True):
        assert ph.loc[term, "statistic"] == pytest.approx(want, rel=1e-6)
    assert list(ph["df"]) == [1, 1, 2]
    if transform == "km":
        assert ph.loc["is_b", "p_value"] == pytest.approx(0.000680664758521809, rel=1e-6)
        assert ph.loc["GLOBAL", "p_value"] == pytest.approx(0.003026270787422132, rel=1e-6)


def test_cox_default_ph_transform_is_r_default_km(ph_ties):
    res = cx.cox(ph_ties, ["is_b", "is_c"], time="week", event="event")
    assert res.ph_test.set_index("term").loc["is_b", "statistic"] == pytest.approx(COX_ZPH["km"][0], rel=1e-6)


# -- 3. Weighted t interval with Kish n_eff between 1 and 2 ------------------------------------------------------
# refs c: value = rep(1:5, times = 8), w = c(200, rep(1, 39)). R 4.2.2:
#   n_eff = sum(w)^2 / sum(w^2) = 1.42663403181898;  qt(0.975, n_eff - 1) = 418.682570024129
#   Kish interval: mean +/- qt(0.975, n_eff - 1) * sqrt(v_rel / n_eff), v_rel the weighted variance with the
#   reliability divisor sum(w) - sum(w^2)/sum(w):  -604.109220008943, 606.778676075888
#   (svymean(~value, svydesign(ids = ~1, weights = ~w, data = d)): 1.3347280334728)
def _small_neff():
    return pd.DataFrame({"value": np.tile(np.arange(1, 6), 8), "w": np.r_[200.0, np.ones(39)]})


def test_t_quantile_uses_fractional_df_below_two():
    from cxkit.stats.intervals import t_interval

    lo, hi = t_interval(0.0, 1.0, 1.42663403181898, 0.95)
    # half width = qt(0.975, 0.42663403181898) * 1 / sqrt(n_eff)
    assert hi == pytest.approx(418.682570024129 / np.sqrt(1.42663403181898), rel=1e-10)


def test_weighted_mean_interval_small_neff_matches_r():
    t = cx.csat(_small_neff(), score="value", weight="w", min_n=0)
    r = t.iloc[0]
    assert r["n_eff"] == pytest.approx(1.42663403181898, rel=1e-12)
    assert r["mean"] == pytest.approx(1.3347280334728, rel=1e-12)
    assert r["mean_ci_low"] == pytest.approx(-604.109220008943, rel=1e-9)
    assert r["mean_ci_high"] == pytest.approx(606.778676075888, rel=1e-9)


# -- 4. min_n applies to the effective n of weighted data --------------------------------------------------------
def test_min_n_applies_to_kish_effective_n():
    # 40 answers, one weight of 200: R n_eff = sum(w)^2 / sum(w^2) = 1.42663403181898 (refs c), below min_n=30.
    t = cx.csat(_small_neff(), score="value", weight="w").iloc[0]
    assert t["n"] == 40 and t["n_eff"] == pytest.approx(1.42663403181898, rel=1e-12)
    assert t["suppressed"] and t["suppressed_reason"] == "small_effective"
    assert np.isnan(t["mean"]) and np.isnan(t["mean_ci_low"]) and np.isnan(t["csat"])
    assert "Kish n_eff" in t["note"] and "min_n=30" in t["note"]
    # The same answers unweighted: n = n_eff = 40, shown.
    assert not cx.csat(_small_neff(), score="value").iloc[0]["suppressed"]


def test_pairwise_suppresses_a_side_with_small_effective_n():
    d = pd.concat([_small_neff().assign(g="heavy"), _small_neff().assign(g="even", w=1.0)], ignore_index=True)
    d["value"] = d["value"].astype(int)
    out = cx.pairwise(d, "g", "value", scale=cx.Scale.csat(), weight="w", statistic="mean")
    r = out.iloc[0]
    assert r["suppressed"] and r["suppressed_reason"] == "small_effective"
    assert sorted([r["n_eff_a"], r["n_eff_b"]]) == pytest.approx([1.42663403181898, 40.0], rel=1e-12)


# -- 5. Churn at period boundaries: end_date is the first day no longer a customer -------------------------------
def test_churn_rate_end_on_the_first_leaves_in_the_month_before():
    # Hand-built, monthly, Jan..Apr 2025. end_date = first day no longer a customer, so the last day as a
    # customer is end - 1 day; active at t: start < t and (no end or end > t).
    d = pd.DataFrame({
        "start_date": pd.to_datetime(["2024-12-01", "2024-12-01", "2024-12-01", "2024-12-01", "2025-01-10",
                                      "2025-02-01"]),
        "end_date": pd.to_datetime(["2025-02-01", "2025-02-02", None, "2025-04-01", "2025-02-01", "2025-02-01"]),
    })
    # row 0: end 2025-02-01 -> last day 31 Jan: left in January (active at 1 Jan, not at 1 Feb).
    # row 1: end 2025-02-02 -> last day 1 Feb: active at 1 Feb, left in February.
    # row 2: never left.
    # row 3: end 2025-04-01 -> last day 31 Mar: left in March, not active at 1 Apr.
    # row 4: joined 10 Jan, end 1 Feb -> joined and left in January (never at a month start).
    # row 5: start = end = 1 Feb: never a customer for a whole day; joins and leaves in February.
    # at_start: Jan {0,1,2,3} = 4; Feb {1,2,3} = 3; Mar {2,3} = 2; Apr {2} = 1.
    # churned (active at start, left in period): Jan {0} = 1; Feb {1} = 1; Mar {3} = 1; Apr 0.
    # joined: Jan {4} = 1; Feb {5} = 1; Mar 0; Apr 0.
    # at_end (active at the next month's start): Jan 3, Feb 2, Mar 1, Apr 1.
    t = cx.churn_rate(d, period_start="2025-01-01", period_end="2025-04-30", min_n=0).set_index("period")
    assert t["at_start"].tolist() == [4, 3, 2, 1]
    assert t["churned"].tolist() == [1, 1, 1, 0]
    assert t["joined"].tolist() == [1, 1, 0, 0]
    assert t["at_end"].tolist() == [3, 2, 1, 1]
    assert t["churn_rate"].tolist() == pytest.approx([25.0, 100 / 3, 50.0, 0.0])


# -- 6. Two-sample NPS difference with the adjusted-Wald interval ------------------------------------------------
# refs g: A = (15 detractors, 15 passives, 20 promoters), B = (20, 10, 10). R 4.2.2, Rocks' NPS package
# (github.com/brendan-r/NPS at cd9473e), nps_test_(..., test = "adjusted.wald") on the -1..1 scale:
#   delta.hat 0.32689776217639316, se.hat 0.16912867610455512,
#   interval -0.00458835174147487 .. 0.65838387609426119, p 0.05325657276061713.
def _nps_groups(a=(15, 15, 20), b=(20, 10, 10)):
    rows = []
    for g, (det, pas, pro) in (("A", a), ("B", b)):
        rows += [(g, 3)] * det + [(g, 7)] * pas + [(g, 10)] * pro
    return pd.DataFrame(rows, columns=["g", "score"])


def test_two_sample_nps_adjusted_wald_matches_rocks_package():
    c = cx.compare(_nps_groups(), "g", "A", "B", min_n=0)
    assert c.diff == pytest.approx(35.0)  # the plain difference, 0.1 - (-0.25)
    assert c.se == pytest.approx(100 * 0.16912867610455512, rel=1e-12)
    assert c.ci_low == pytest.approx(100 * -0.00458835174147487, rel=1e-9)
    assert c.ci_high == pytest.approx(100 * 0.65838387609426119, rel=1e-12)
    assert c.p_value == pytest.approx(0.05325657276061713, rel=1e-10)


def test_two_sample_nps_all_promoters_has_an_answer_and_a_note():
    # Both groups all promoters (50 and 40): plain Wald has SE 0 and no test. Adjusted Wald, by hand:
    # A: pro (50.75)/53, det 0.75/53; B: pro 40.75/43, det 0.75/43; NPS_adj A = 50/53, B = 40/43;
    # var = p+ + p- - NPS^2 on the adjusted shares, se^2 = var_A/53 + var_B/43.
    c = cx.compare(_nps_groups((0, 0, 50), (0, 0, 40)), "g", "A", "B", min_n=0)
    va = 51.5 / 53 - (50 / 53) ** 2
    vb = 41.5 / 43 - (40 / 43) ** 2
    se = np.sqrt(va / 53 + vb / 43)
    centre = 50 / 53 - 40 / 43
    assert c.se == pytest.approx(100 * se, rel=1e-12)
    assert c.ci_low == pytest.approx(100 * (centre - 1.959963984540054 * se), rel=1e-9)
    assert 0 < c.p_value <= 1 and "no variance" in c.note


def test_one_sample_nps_se_is_the_adjusted_one_and_notes_say_when_the_interval_misses():
    # refs g, one-sample A adjusted.wald (Rocks' NPS package): se 0.1132520382492141,
    # interval -0.1276302935027027 .. 0.3163095387857215.
    t = cx.nps(_nps_groups(), by="g", min_n=0).set_index("g")
    assert t.loc["A", "se"] == pytest.approx(100 * 0.1132520382492141, rel=1e-12)
    assert t.loc["A", "ci_low"] == pytest.approx(100 * -0.1276302935027027, rel=1e-12)
    assert t.loc["A", "ci_high"] == pytest.approx(100 * 0.3163095387857215, rel=1e-12)
    # One promoter: NPS 100, adjusted interval [-48.5, 98.5] (by hand: centre 1/4, se 3/8) leaves out 100.
    one = cx.nps(pd.DataFrame({"score": [10]}), min_n=0).iloc[0]
    assert one["nps"] == 100 and one["ci_high"] == pytest.approx(100 * (0.25 + 1.959963984540054 * 0.375))
    assert "does not contain the NPS" in one["note"]
    flat = cx.nps(pd.DataFrame({"score": [10] * 40}), min_n=0, ci="wald").iloc[0]
    assert flat["ci_low"] == flat["ci_high"] == 100 and "no variance" in flat["note"]


# -- 7. The multiple-testing family is every comparison made, suppressed or not ----------------------------------
# Four groups, D with 10 answers: at min_n=30 the three pairs with D are suppressed. The raw p-values of the six
# pairs (adjusted-Wald z, checked above) are typed here; R 4.2.2 p.adjust(p, "holm") on all six gives
# 0.111740914999998747, 0.033280930604869488, 1, 1, ...; on the three shown pairs only (the old family) it gave
# 0.044696365999999502, 0.016640465302434744, 0.593197894772786949.
RAW_P = [0.02234818299999975, 0.005546821767478248, 0.7117811514361476, 0.593197894772787, 0.3322852650297691,
         0.19711339861814792]


def test_holm_counts_suppressed_pairs():
    rows = []
    for g, (det, pas, pro) in {"A": (10, 20, 30), "B": (20, 20, 20), "C": (25, 15, 20), "D": (2, 3, 5)}.items():
        rows += [(g, 2)] * det + [(g, 7)] * pas + [(g, 10)] * pro
    df = pd.DataFrame(rows, columns=["g", "score"])
    assert cx.pairwise(df, "g", min_n=0)["p_value"].tolist() == pytest.approx(RAW_P, rel=1e-12)
    out = cx.pairwise(df, "g", min_n=30).set_index(["a", "b"])
    assert out.loc[("A", "B"), "p_adj"] == pytest.approx(0.111740914999998747, rel=1e-12)
    assert out.loc[("A", "C"), "p_adj"] == pytest.approx(0.033280930604869488, rel=1e-12)
    assert out.loc[("B", "C"), "p_adj"] == pytest.approx(1.0)
    assert out.loc[("A", "D"), "suppressed"] and np.isnan(out.loc[("A", "D"), "p_adj"])
    assert "counts all 6 comparisons, including the 3 suppressed" in out.loc[("A", "C"), "note"]


# -- 9. Design-based (linearisation) intervals: ci="design" -----------------------------------------------------
# Data: tests/fixtures/design_weighted.csv (120 generated answers, weights related to the answers).
# R 4.2.2, survey 4.1.1, with d$pro <- nps >= 9, d$det <- nps <= 6, d$top <- csat >= 4:
#   des <- svydesign(ids = ~1, weights = ~w, data = d); sub <- subset(des, segment == g)
#   svymean(~csat, sub); confint(., df = degf(sub))
#   svyciprop(~top, sub, method = "logit")                 (default df = degf(sub))
#   svycontrast(svymean(~pro + det, sub), c(pro = 100, det = -100)); confint(., df = degf(sub))
# Whole sample (des): degf 119; segment a: degf 72; segment b: degf 46. Domain SEs equal svyby's.
DESIGN_R = {
    # group: (mean, mean CI, share, share CI, NPS, NPS SE, NPS CI)
    "all": (3.4403474823233839, (3.1886378265660626, 3.6920571380807052),
            0.46953987690853238, (0.36526537124759295, 0.57654344083920939),
            -37.488281015475991, 8.2680043678497341, (-53.859755442800527, -21.116806588151455)),
    "a": (3.8730509836494798, (3.6287629198452782, 4.1173390474536813),
          0.60029252173598491, (0.46160402251716948, 0.72457203754525668),
          -15.377253726492182, 10.737516353759791, (-36.782101374148354, 6.0275939211639873)),
    "b": (2.9872173058013765, (2.6144083385631456, 3.3600262730396073),
          0.33261477951743473, (0.19890039615904651, 0.50010406823628673),
          -60.643105665229562, 11.394449269547987, (-83.578942452013408, -37.707268878445717)),
}


@pytest.fixture(scope="module")
def weighted_answers():
    return pd.read_csv(FIXTURES / "design_weighted.csv")


def _design_rows(data):
    whole = (cx.nps(data, "nps", weight="w", ci="design", min_n=0),
             cx.csat(data, "csat", weight="w", ci="design", min_n=0))
    groups = (cx.nps(data, "nps", by="segment", weight="w", ci="design", min_n=0).set_index("segment"),
              cx.csat(data, "csat", by="segment", weight="w", ci="design", min_n=0).set_index("segment"))
    yield "all", whole[0].iloc[0], whole[1].iloc[0]
    for g in "ab":
        yield g, groups[0].loc[g], groups[1].loc[g]


def test_design_intervals_match_r_survey(weighted_answers):
    tol = 1e-6  # svyciprop's estimate comes from an iterative svyglm fit (converged to about 1e-10)
    for g, n, c in _design_rows(weighted_answers):
        mean, mean_ci, share, share_ci, nps, nps_se, nps_ci = DESIGN_R[g]
        assert c["mean"] == pytest.approx(mean, rel=tol)
        assert (c["mean_ci_low"], c["mean_ci_high"]) == pytest.approx(mean_ci, rel=tol)
        assert c["csat"] == pytest.approx(100 * share, rel=tol)
        assert (c["ci_low"], c["ci_high"]) == pytest.approx((100 * share_ci[0], 100 * share_ci[1]), rel=tol)
        assert n["nps"] == pytest.approx(nps, rel=tol)
        assert n["se"] == pytest.approx(nps_se, rel=tol)
        assert (n["ci_low"], n["ci_high"]) == pytest.approx(nps_ci, rel=tol)
        assert n["method"] == "design" and c["method"] == "design"


def test_design_intervals_are_the_same_on_duckdb(weighted_answers):
    import duckdb

    rel = duckdb.connect().from_df(weighted_answers)
    for (g, n, c), (_, n2, c2) in zip(_design_rows(weighted_answers),
                                      _design_rows(rel), strict=True):
        assert (n2["ci_low"], n2["ci_high"], c2["ci_low"], c2["mean_ci_high"]) == pytest.approx(
            (n["ci_low"], n["ci_high"], c["ci_low"], c["mean_ci_high"]), rel=1e-12), g
