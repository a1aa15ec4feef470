"""KPI monitoring (issue 17, item 2): Laney p' limits, the NPS analogue, direction-aware alerts,
the minimum-n rule, the false-alert rate of a stable series, and the planted changes of the sample.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

import cxkit as cx
from cxkit.stats.monitor import D2, nps_chart, prediction_sigmas, share_chart


def test_laney_p_prime_hand_worked():
    # Five periods of 100 answers with 10, 20, 15, 30, 25 "successes".
    # p = 100 / 500 = 0.2; se = sqrt(0.2 * 0.8 / 100) = 0.04 in every period.
    # z = (0.10 - 0.2) / 0.04 = -2.5, 0, -1.25, 2.5, 1.25
    # moving ranges |dz| = 2.5, 1.25, 3.75, 1.25 -> mean 2.1875; sigma_z = 2.1875 / 1.128 = 1.939273...
    # limits = 0.2 +- 3 * 1.939273 * 0.04 = 0.2 +- 0.232713 -> LCL 0 (clipped), UCL 0.432713
    centre, se, ch = share_chart([10, 20, 15, 30, 25], [100] * 5)
    assert centre == pytest.approx(0.2)
    np.testing.assert_allclose(se, 0.04)
    np.testing.assert_allclose(ch["z"], [-2.5, 0, -1.25, 2.5, 1.25])
    assert D2 == 1.128
    assert ch["sigma_z"].iloc[0] == pytest.approx(2.1875 / 1.128)
    assert ch["sigma_z"].iloc[0] == pytest.approx(1.939273, abs=1e-6)
    np.testing.assert_allclose(ch["ucl"], 0.432713, atol=1e-6)
    np.testing.assert_allclose(ch["lcl"], 0.0)


def test_laney_limits_follow_each_period_size():
    # n = 400, 100, 400 with 80, 30, 100: p = 210 / 900 = 0.233333; p (1 - p) = 0.178889
    # se = sqrt(0.178889 / n) = 0.0211476, 0.0422953, 0.0211476
    # z = (0.20 - p) / 0.0211476 = -1.57622, (0.30 - p) / 0.0422953 = 1.57622, (0.25 - p) / 0.0211476 = 0.78811
    # moving ranges 3.15244, 0.78811 -> mean 1.970275; sigma_z = 1.970275 / 1.128 = 1.746698
    # UCL = p + 3 * 1.746698 * se = 0.344149, 0.454964, 0.344149; LCL = 0.122518, 0.011702, 0.122518
    centre, se, ch = share_chart([80, 30, 100], [400, 100, 400])
    np.testing.assert_allclose(se, [0.0211476, 0.0422953, 0.0211476], atol=1e-7)
    np.testing.assert_allclose(ch["z"], [-1.57622, 1.57622, 0.78811], atol=1e-5)
    assert ch["sigma_z"].iloc[0] == pytest.approx(1.746698, abs=1e-6)
    np.testing.assert_allclose(ch["ucl"], [0.344149, 0.454964, 0.344149], atol=1e-6)
    np.testing.assert_allclose(ch["lcl"], [0.122518, 0.011702, 0.122518], atol=1e-6)


def test_nps_analogue_hand_worked():
    # Three periods of 200 answers: promoters 100, 80, 120; detractors 40, 60, 20.
    # pooled p+ = 300/600 = 0.5, p- = 120/600 = 0.2, centre NPS = 0.3
    # se = sqrt((0.5 + 0.2 - 0.09) / 200) = sqrt(0.00305) = 0.0552268
    # NPS_i = 0.3, 0.1, 0.5 -> z = 0, -3.621430, 3.621430; sigma_z = mean(3.621430, 7.242860) / 1.128 = 4.815731
    centre, se, ch = nps_chart([100, 80, 120], [40, 60, 20], [200, 200, 200])
    assert centre == pytest.approx(0.3)
    np.testing.assert_allclose(se, 0.0552268, atol=1e-7)
    np.testing.assert_allclose(ch["z"], [0, -3.62143, 3.62143], atol=1e-5)
    assert ch["sigma_z"].iloc[0] == pytest.approx(4.815731, abs=1e-6)
    np.testing.assert_allclose(ch["ucl"], np.minimum(1, 0.3 + 3 * 4.815731 * 0.0552268), atol=1e-6)


def _series(values: dict[str, list[float]], n: int = 400, start: str = "2024-01") -> pd.DataFrame:
    """Answers on a 1..5 CSAT scale: per channel, a top-box share per month (exact counts)."""
    rows = []
    months = pd.period_range(start, periods=len(next(iter(values.values()))), freq="M")
    for channel, shares in values.items():
        for m, share in zip(months, shares, strict=True):
            top = int(round(share * n))
            rows.append(pd.DataFrame({"answered_at": m.start_time + pd.Timedelta(days=3), "channel": channel,
                                      "score": [5] * top + [2] * (n - top)}))
    return pd.concat(rows, ignore_index=True)


STABLE = [0.70, 0.72, 0.69, 0.71, 0.70, 0.73, 0.68, 0.71, 0.70, 0.72, 0.69, 0.71]


def test_only_worse_moves_alert_by_default():
    data = _series({"web": STABLE + [0.55], "phone": STABLE + [0.85]})
    mo = cx.monitor(data, "csat", by="channel")
    alerts = mo.alerts.set_index("series")
    assert set(alerts.index) == {"web"}
    assert alerts.loc["web", "period"] == "2025-01" and alerts.loc["web", "direction"] == "worse"
    assert bool(alerts.loc["web", "latest"])
    both = cx.monitor(data, "csat", by="channel", alert_on="both").alerts
    assert set(both["series"]) == {"web", "phone"}
    assert "Alert: csat (web) in 2025-01 is 55.0, below the lower control limit" in mo.describe()
    assert "Signaal: csat (web) in 2025-01 is 55,0" in mo.describe("nl")


def test_churn_up_is_worse():
    # Constant hazard (exponential lifetimes, mean 1,500 days) plus a wave: 5% of customers leave on
    # 2024-06-10 if still there. Churn up is worse: the wave alerts, the monthly noise does not.
    rng = np.random.default_rng(4)
    n = 20_000
    start = pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 365, n), unit="D")
    leave = start + pd.to_timedelta(rng.exponential(1500, n).round(), unit="D")
    wave = (rng.random(n) < 0.05) & (leave > pd.Timestamp("2024-06-10"))
    leave = leave.where(~wave, pd.Timestamp("2024-06-10"))
    cust = pd.DataFrame({"start_date": start, "end_date": leave.where(leave <= pd.Timestamp("2024-12-31"))})
    mo = cx.monitor(cust, "churn", since="2022-06", min_n=30)
    assert mo.direction == -1
    assert set(mo.alerts["period"]) == {"2024-06"}
    assert (mo.alerts["direction"] == "worse").all()


def test_minimum_n_rule():
    data = _series({"web": STABLE + [0.40]}, n=20)
    mo = cx.monitor(data, "csat", min_n=30)
    assert not mo.chart["judged"].any() and mo.alerts.empty
    assert (mo.chart["status"] == "too few").all()
    mo = cx.monitor(data, "csat", min_n=10)
    assert mo.chart["judged"].iloc[-1]


def test_same_chart_on_every_engine(tmp_path):
    data = _series({"web": STABLE + [0.55], "phone": STABLE + [0.85]})
    data.to_parquet(tmp_path / "a.parquet", index=False)
    ref = cx.monitor(data, "csat", by="channel")
    for other in (duckdb.connect().from_df(data), str(tmp_path / "a.parquet")):
        got = cx.monitor(other, "csat", by="channel")
        pd.testing.assert_frame_equal(got.chart, ref.chart, rtol=1e-9, atol=1e-9)
        pd.testing.assert_frame_equal(got.alerts, ref.alerts, rtol=1e-9, atol=1e-9)


def test_bad_arguments():
    data = _series({"web": STABLE})
    with pytest.raises(cx.ParameterError, match="alert_on.*'worse', 'both'.*'up'"):
        cx.monitor(data, "csat", alert_on="up")
    with pytest.raises(cx.ParameterError, match="baseline.*>= 6.*2"):
        cx.monitor(data, "csat", baseline=2)
    with pytest.raises(cx.ParameterError, match="sigmas"):
        cx.monitor(data, "csat", sigmas=0)


def test_false_alert_rate_of_stable_series_is_at_most_nominal():
    """300 stable, overdispersed series of 24 months (seeded): each month judged against the up to 12
    before it. At 3 SEs the nominal one-sided rate is 0.135%; without the baseline correction it
    would be about 1%. Bound: the nominal rate plus 3 binomial SEs of the 5,400 judged periods."""
    rng = np.random.default_rng(17)
    alerts = judged = 0
    for _ in range(300):
        n = rng.integers(150, 300, 24)
        x = rng.binomial(n, rng.beta(180, 120, 24))
        for i in range(6, 24):
            lo = max(0, i - 12)
            rows = np.r_[lo:i, i]
            _, _, ch = share_chart(x[rows], n[rows], use=np.r_[np.ones(i - lo, bool), False],
                                   sigmas=prediction_sigmas(3, i - lo))
            judged += 1
            alerts += x[i] / n[i] < ch["lcl"].iloc[-1]
    nominal = 0.00135
    assert alerts / judged <= nominal + 3 * np.sqrt(nominal * (1 - nominal) / judged)


@pytest.fixture(scope="module")
def sample():
    return cx.load_dataset(cx.sample_spec_path())


@pytest.mark.parametrize("metric", ["ces", "csat"])
def test_sample_alerts_find_the_planted_change(sample, metric):
    """cxkit/data/sample/README.md, "Ground truth: a planted change": from 2026-05 email support answers
    are harder and a quarter of support contacts move to email. CES (ease itself) must alert on email and
    on all answers in 2026-05. CSAT moves less (ease enters it with weight 0.4): its drop must show as a
    z-score below -3 on email and below -2 on all answers (the other channels dilute it), but whether it
    crosses the prediction limits of a 12-period baseline depends on the draw (documented power limit). Before 2026-05 (no change planted) at most the nominal
    rate of alerts."""
    mo = cx.monitor(sample, metric, by="channel")
    found = set(zip(mo.alerts["series"], mo.alerts["period"], strict=True))
    if metric == "ces":
        assert {("all", "2026-05"), ("email", "2026-05")} <= found
    else:
        at = mo.chart[mo.chart["period"] == "2026-05"].set_index("series")
        assert at.loc["email", "z"] < -3 and at.loc["all", "z"] < -2
    before = mo.chart[(mo.chart["period"] < "2026-05") & mo.chart["judged"]]
    false = mo.alerts[mo.alerts["period"] < "2026-05"]
    assert len(before) >= 60
    assert len(false) <= max(1, 0.00135 * len(before) + 3 * np.sqrt(0.00135 * len(before)))
    if metric == "csat":
        return
    # The alert on all answers carries its split: both parts negative (documented ground truth).
    first = mo.alerts[(mo.alerts["series"] == "all") & (mo.alerts["period"] == "2026-05")].iloc[0]
    assert first["previous"] == "2026-04"
    assert first["rate"] < 0 and first["mix"] < 0
    assert first["mix"] + first["rate"] == pytest.approx(first["change"], abs=1e-12)


def test_sample_decomposition_has_the_planted_mix_and_rate_parts(sample):
    d = cx.decompose_change(sample, "ces", by="channel", period_a="2026-04", period_b="2026-05", n_boot=500)
    p = d.parts.iloc[0]
    assert p["mix_ci_high"] < 0 and p["rate_ci_high"] < 0
    email = d.segments.set_index("channel").loc["email"]
    assert email["share_after"] > email["share_before"] + 10  # the mix shift toward email
    assert email["rate"] < 0


# --- Laney p' against a published implementation: qicharts2 (Anhoej) ------------------------------------
# Reference: R package qicharts2 0.8.1, github.com/anhoej/qicharts2 commit
# 1b9487ecb3938d25a8a04578464f960d3a064f64, internal limit function qic.pp() (R/helper.functions.R),
# sourced unchanged in R 4.2.2 by /work/refs/r/qicharts2_pp_nhs_accidents.R and
# /work/refs/r/qicharts2_pp_cabg.R (outputs beside them, *.out), i.e.
#     x <- data.frame(x = i, y.sum = r, n = n, y = r / n, cl = NA, baseline = TRUE, include = TRUE)
#     qic.pp(x)   # what qic(i, r, n = n, chart = 'pp') computes; sigma_z = (ucl - cl) / (3 sqrt(cl (1 - cl) / n))
# qicharts2 screens moving ranges above 3.267 * mean MR (Nelson 1982) when attached; Laney (2002) and
# cxkit do not. On both data sets below no moving range reaches that limit (max 29.68 < 39.21 and
# 3.28 < 4.21), and qic.pp() gives identical values with qic.screenedmr = TRUE and FALSE.
# Published rounding: the package's rendered vignette (docs/articles/qicharts2.html, built 2022-01-15; figures
# unnamed-chunk-51-1.png and unnamed-chunk-52-2.png, "Case 5: Prime charts") labels the last period's limits:
# nhs_accidents (decimals = 3) UCL 96.582%, CL 95.290%, LCL 93.997%; cabg UCL 37.6%, CL 21.6%, LCL 5.7%.

# qicharts2 data nhs_accidents (Mohammed, Panesar, Laney & Wilson 2013, BMJ Qual Saf 22:362-368):
# 20 weeks of NHS A&E attendances (n) and those seen within 4 hours (r).
NHS_R = [266501, 264225, 276532, 281461, 269071, 261215, 270409, 279778, 270483, 270320,
         267923, 271478, 255353, 256820, 261835, 259144, 255910, 260863, 264465, 260989]
NHS_N = [280443, 276823, 291681, 296155, 282343, 275888, 283867, 295251, 284468, 282529,
         279618, 283932, 266629, 268091, 276803, 271578, 266005, 273520, 278574, 273772]
NHS_CL = 0.95289971134419116
NHS_SIGMA_Z = 10.640421863496472
NHS_LCL = [0.9401296441775141, 0.94004641862513627, 0.9403780655785402, 0.94047300747792362,
           0.94017268417608979, 0.94002465678041103, 0.94020689402152513, 0.94045399796641838,
           0.94022030926792188, 0.94017687421815865, 0.94011081930595297, 0.94020834697566502,
           0.93980301398912502, 0.9398387733905802, 0.94004595428549564, 0.93992289402775664,
           0.93978766173624928, 0.93996904398143111, 0.9400868775214295, 0.93997499652290417]
NHS_UCL = [0.96566977851086822, 0.96575300406324605, 0.96542135710984212, 0.9653264152104587,
           0.96562673851229253, 0.96577476590797129, 0.96559252866685719, 0.96534542472196394,
           0.96557911342046043, 0.96562254847022366, 0.96568860338242934, 0.96559107571271729,
           0.96599640869925729, 0.96596064929780212, 0.96575346840288667, 0.96587652866062568,
           0.96601176095213304, 0.96583037870695121, 0.96571254516695282, 0.96582442616547814]


def test_laney_p_prime_matches_qicharts2_nhs_accidents():
    centre, se, ch = share_chart(NHS_R, NHS_N)
    assert centre == pytest.approx(NHS_CL, abs=1e-12)
    np.testing.assert_allclose(ch["sigma_z"], NHS_SIGMA_Z, rtol=1e-9)
    np.testing.assert_allclose(ch["lcl"], NHS_LCL, rtol=0, atol=1e-12)
    np.testing.assert_allclose(ch["ucl"], NHS_UCL, rtol=0, atol=1e-12)
    # as printed in the qicharts2 vignette's P' chart (week 20, three decimals of a percentage)
    assert [round(100 * v, 3) for v in (ch["ucl"].iloc[-1], centre, ch["lcl"].iloc[-1])] == [96.582, 95.290, 93.997]
    # A plain p chart (sigma_z = 1) would be about ten times too narrow here.
    assert (ch["sigma_z"] > 10).all()


def test_monitor_laney_chart_matches_qicharts2_nhs_accidents():
    # The same data as answers (5.5 million rows, built inside DuckDB): "seen within 4 hours" is a top-box
    # answer, one week per period; baseline=None is Laney's chart over the whole series.
    weeks = pd.DataFrame({"answered_at": pd.date_range("2024-01-03", periods=20, freq="7D"), "r": NHS_R,
                          "n": NHS_N})
    con = duckdb.connect()
    con.register("weeks", weeks)
    rel = con.sql("SELECT answered_at, CASE WHEN k < r THEN 5 ELSE 2 END AS score "
                  "FROM weeks, range(n) AS t(k)")
    mo = cx.monitor(rel, "csat", freq="W", baseline=None)
    chart = mo.chart
    assert len(chart) == 20 and chart["n"].tolist() == NHS_N
    np.testing.assert_allclose(chart["centre"], 100 * NHS_CL, rtol=0, atol=1e-9)
    np.testing.assert_allclose(chart["sigma_z"], NHS_SIGMA_Z, rtol=1e-9)
    np.testing.assert_allclose(chart["lcl"], 100 * np.array(NHS_LCL), rtol=0, atol=1e-9)
    np.testing.assert_allclose(chart["ucl"], 100 * np.array(NHS_UCL), rtol=0, atol=1e-9)


# qicharts2 data cabg, readmissions by month as in its vignette (vignettes/qicharts2.Rmd, cabg_by_month):
# 36 months of 40-84 operations; lower limits below 0 are clipped to 0 by qic.pp() as by cxkit.
CABG_X = [14, 12, 15, 8, 16, 11, 12, 14, 16, 17, 5, 11, 13, 10, 14, 5, 12, 10, 11, 5, 10, 8, 11, 12, 11, 18,
          18, 21, 14, 15, 18, 22, 17, 16, 20, 15]
CABG_N = [52, 64, 70, 60, 67, 69, 67, 54, 79, 59, 49, 61, 41, 51, 56, 43, 57, 48, 69, 41, 40, 46, 59, 62, 57, 65,
          75, 70, 76, 69, 64, 67, 84, 67, 69, 78]
CABG_CL = 0.21632653061224491
CABG_SIGMA_Z = 1.1414793944122592
CABG_LCL = [0.020798005730727542, 0.040079500043208066, 0.04780213601516789, 0.034299380155607795,
            0.044070516259701153, 0.046585337581147801, 0.044070516259701153, 0.024453066801200934,
            0.057691809278354961, 0.032763258825149882, 0.014901352819059993, 0.035797571480267187, 0,
            0.018890365192326425, 0.027910529519213689, 0.001307169115084994, 0.029570614751987967,
            0.012813989526433672, 0.046585337581147801, 0, 0, 0.0084368749835189716, 0.032763258825149882,
            0.037259368486851852, 0.029570614751987967, 0.041440501342112163, 0.053516497743595931,
            0.04780213601516789, 0.054591163170233242, 0.046585337581147801, 0.040079500043208066,
            0.044070516259701153, 0.062485509927710237, 0.044070516259701153, 0.046585337581147801,
            0.056678158572644188]
CABG_UCL = [0.41185505549376228, 0.39257356118128173, 0.38485092520932196, 0.39835368106888203,
            0.38858254496478867, 0.38606772364334202, 0.38858254496478867, 0.40819999442328891,
            0.37496125194613483, 0.39988980239933991, 0.41775170840542986, 0.39685548974422263,
            0.43652782489754594, 0.41376269603216342, 0.40474253170527613, 0.43134589210940483,
            0.40308244647250185, 0.41983907169805612, 0.38606772364334202, 0.43652782489754594,
            0.43926334958803637, 0.42421618624097085, 0.39988980239933991, 0.39539369273763797,
            0.40308244647250185, 0.39121255988237769, 0.37913656348089386, 0.38485092520932196,
            0.37806189805425661, 0.38606772364334202, 0.39257356118128173, 0.38858254496478867,
            0.37016755129677958, 0.38858254496478867, 0.38606772364334202, 0.37597490265184563]


def test_monitor_laney_chart_matches_qicharts2_cabg():
    # One answer per operation (readmitted = top box), monthly; min_n below the smallest month (40).
    months = pd.period_range("2011-07", periods=36, freq="M")
    data = pd.concat([pd.DataFrame({"answered_at": m.start_time + pd.Timedelta(days=9),
                                    "score": [5] * x + [2] * (n - x)})
                      for m, x, n in zip(months, CABG_X, CABG_N, strict=True)], ignore_index=True)
    mo = cx.monitor(data, "csat", baseline=None, min_n=30)
    chart = mo.chart
    assert chart["period"].tolist() == [str(m) for m in months]
    np.testing.assert_allclose(chart["centre"], 100 * CABG_CL, rtol=0, atol=1e-9)
    np.testing.assert_allclose(chart["sigma_z"], CABG_SIGMA_Z, rtol=1e-9)
    np.testing.assert_allclose(chart["lcl"], 100 * np.array(CABG_LCL), rtol=0, atol=1e-9)
    np.testing.assert_allclose(chart["ucl"], 100 * np.array(CABG_UCL), rtol=0, atol=1e-9)
    last = chart.iloc[-1]
    assert [round(last[c], 1) for c in ("ucl", "centre", "lcl")] == [37.6, 21.6, 5.7]  # the vignette's labels
    assert (chart["lcl"] == 0).sum() == 3  # months 13, 20, 21 (n = 41, 41, 40): clipped at 0 as in qic.pp()
