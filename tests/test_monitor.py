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
    z-score below -3 on both series, but whether it crosses the prediction limits of a 12-period baseline
    depends on the draw (documented power limit). Before 2026-05 (no change planted) at most the nominal
    rate of alerts."""
    mo = cx.monitor(sample, metric, by="channel")
    found = set(zip(mo.alerts["series"], mo.alerts["period"], strict=True))
    if metric == "ces":
        assert {("all", "2026-05"), ("email", "2026-05")} <= found
    else:
        at = mo.chart[mo.chart["period"] == "2026-05"].set_index("series")
        assert at.loc["email", "z"] < -3 and at.loc["all", "z"] < -3
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
