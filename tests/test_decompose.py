"""Change decomposition (issue 17, item 1): mix and rate parts of a metric's change.

The formula (Kitagawa 1955, symmetric; docs/statistics.md) is checked on a hand-worked example,
the parts' exact additivity on every engine, and the bootstrap intervals' coverage by a seeded
simulation of fixed size.
"""

from __future__ import annotations

import duckdb
import matplotlib
import numpy as np
import pandas as pd
import pytest

import cxkit as cx
from cxkit.stats import engines
from cxkit.stats.decompose import bootstrap_parts, decompose_segments, kitagawa, segment_table

matplotlib.use("Agg")


def _answers(cells: dict[tuple[str, str], tuple[int, int]], good: int = 5, bad: int = 2) -> pd.DataFrame:
    """One row per answer: {(month, channel): (answers, top-box answers)}."""
    rows = []
    for (month, channel), (n, top) in cells.items():
        rows += [{"answered_at": pd.Timestamp(f"{month}-10"), "channel": channel, "score": good if i < top else bad}
                 for i in range(n)]
    return pd.DataFrame(rows)


# Hand-worked example: CSAT (top box 4-5 of 5), two channels, January and February 2025.
#
#            January (a)                      February (b)
#   web      60 answers, 30 top box (50 %)    80 answers, 36 top box (45 %)
#   phone    40 answers, 32 top box (80 %)    20 answers, 15 top box (75 %)
#   all     100 answers, 62 top box (62 %)   100 answers, 51 top box (51 %)    change -11 points
#
# Shares of answers m: a = (0.6, 0.4), b = (0.8, 0.2).
# mix  = sum (m_b - m_a) (r_a + r_b) / 2
#      = web (0.8 - 0.6) (0.50 + 0.45) / 2 = +0.095     phone (0.2 - 0.4) (0.80 + 0.75) / 2 = -0.155
#      = -0.060 -> -6.0 points (more answers from web, the lower-scoring channel)
# rate = sum (r_b - r_a) (m_a + m_b) / 2
#      = web (0.45 - 0.50) (0.6 + 0.8) / 2 = -0.035     phone (0.75 - 0.80) (0.4 + 0.2) / 2 = -0.015
#      = -0.050 -> -5.0 points
# total -6.0 + -5.0 = -11.0 = 51 - 62.
HAND = {("2025-01", "web"): (60, 30), ("2025-01", "phone"): (40, 32),
        ("2025-02", "web"): (80, 36), ("2025-02", "phone"): (20, 15)}


@pytest.fixture(scope="module")
def hand() -> pd.DataFrame:
    return _answers(HAND)


def test_hand_worked_example(hand):
    r = cx.decompose_change(hand, "csat", by="channel", n_boot=500, min_n=0)
    p = r.parts.iloc[0]
    assert (r.period_a, r.period_b) == ("2025-01", "2025-02")
    assert p["value_before"] == pytest.approx(62.0) and p["value_after"] == pytest.approx(51.0)
    assert p["mix"] == pytest.approx(-6.0, abs=1e-12)
    assert p["rate"] == pytest.approx(-5.0, abs=1e-12)
    assert p["change"] == pytest.approx(-11.0, abs=1e-12)
    seg = r.segments.set_index("channel")
    assert seg.loc["web", "mix"] == pytest.approx(9.5) and seg.loc["phone", "mix"] == pytest.approx(-15.5)
    assert seg.loc["web", "rate"] == pytest.approx(-3.5) and seg.loc["phone", "rate"] == pytest.approx(-1.5)
    assert seg.loc["web", "share_before"] == pytest.approx(60.0) and seg.loc["phone", "value_after"] == pytest.approx(75.0)
    # Intervals hold their estimate.
    for part in ("mix", "rate", "change"):
        assert p[f"{part}_ci_low"] <= p[part] <= p[f"{part}_ci_high"]


def test_headline_in_english_and_dutch(hand):
    r = cx.decompose_change(hand, "csat", by="channel", n_boot=200, min_n=0)
    assert r.headline() == ("CSAT (% top box) fell 11.0 percentage points from 2025-01 to 2025-02: -5.0 from "
                            "within-segment change, -6.0 from a shift in who answered (by channel).")
    nl = r.describe("nl").splitlines()[0]
    assert nl == ("CSAT (% topbox) daalde 11,0 procentpunten van 2025-01 naar 2025-02: -5,0 door verandering "
                  "binnen segmenten, -6,0 door een verschuiving in wie antwoordde (naar channel).")
    assert "Largest move: phone" in r.describe()
    assert "<strong>" in r._repr_html_() or "Change decomposition" in r._repr_html_()


def test_a_segment_in_one_period_only_is_all_mix():
    m_a, r_a = np.array([0.5, 0.5, 0.0]), np.array([0.2, 0.4, np.nan])
    m_b, r_b = np.array([0.4, 0.4, 0.2]), np.array([0.3, 0.4, 0.9])
    mix, rate = kitagawa(m_a, r_a, m_b, r_b)
    assert rate[2] == 0 and mix[2] == pytest.approx(0.2 * 0.9)
    assert (mix + rate).sum() == pytest.approx((m_b * np.nan_to_num(r_b)).sum() - (m_a * np.nan_to_num(r_a)).sum(),
                                               abs=1e-15)


def _mixed(seed: int = 5, n: int = 4000) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    month = rng.choice(["2025-03", "2025-04"], n)
    channel = np.where(month == "2025-03", rng.choice(["web", "phone", "store"], n, p=[0.5, 0.3, 0.2]),
                       rng.choice(["web", "phone", "store", "chat"], n, p=[0.6, 0.2, 0.1, 0.1]))
    region = rng.choice(["north", "south"], n)
    base = np.select([channel == "web", channel == "phone", channel == "store"], [6.0, 7.5, 8.0], 5.0)
    score = np.clip(np.rint(base + rng.normal(0, 2.2, n) - (month == "2025-04") * (channel == "web") * 1.0), 0, 10)
    return pd.DataFrame({"answered_at": pd.to_datetime([f"{m}-15" for m in month]), "channel": channel,
                         "region": region, "score": score.astype(int), "weight": rng.uniform(0.5, 2.0, n).round(3)})


@pytest.fixture(scope="module")
def mixed() -> pd.DataFrame:
    return _mixed()


def test_parts_add_up_to_the_change_on_every_engine(mixed, tmp_path, monkeypatch):
    mixed.to_parquet(tmp_path / "a.parquet", index=False)
    mixed.to_csv(tmp_path / "a.csv", index=False)
    nps = cx.nps(mixed, by=None, period="answered_at", min_n=0).set_index("period")["nps"]
    expected = nps["2025-04"] - nps["2025-03"]
    con = duckdb.connect()
    inputs = {"pandas": mixed, "duckdb": con.from_df(mixed), "parquet": str(tmp_path / "a.parquet"),
              "csv": tmp_path / "a.csv"}
    results = {}
    for name, data in inputs.items():
        for statistic in ("headline", "mean"):
            r = cx.decompose_change(data, "nps", by=["channel", "region"], statistic=statistic, n_boot=200, seed=1)
            for _, p in r.parts.iterrows():
                assert abs(p["mix"] + p["rate"] - p["change"]) <= 1e-12, (name, statistic)
                assert abs(p["change"] - (p["value_after"] - p["value_before"])) <= 1e-12, (name, statistic)
                seg = r.segments[r.segments["level"] == p["level"]]
                assert abs(seg["mix"].sum() + seg["rate"].sum() - p["change"]) <= 1e-12
            if statistic == "headline":
                assert abs(r.total - expected) <= 1e-12, name
            results[name, statistic] = r
    monkeypatch.setattr(engines, "PANDAS_VIA_DUCKDB", False)
    results["pandas-counted", "headline"] = cx.decompose_change(mixed, "nps", by=["channel", "region"], n_boot=200,
                                                                seed=1)
    ref = results["pandas", "headline"]
    for (name, statistic), r in results.items():
        if statistic == "headline":
            pd.testing.assert_frame_equal(r.parts, ref.parts, rtol=1e-9, atol=1e-9, obj=name)
            pd.testing.assert_frame_equal(r.segments, ref.segments, rtol=1e-9, atol=1e-9, obj=name)
    # "chat" answered only in April: its whole contribution is mix.
    chat = ref.segments[(ref.segments["level"] == 1) & (ref.segments["channel"] == "chat")].iloc[0]
    assert chat["rate"] == 0 and chat["mix"] < 0


def test_weighted_parts_add_up(mixed):
    r = cx.decompose_change(mixed, "nps", by="channel", weight="weight", n_boot=200)
    w = cx.nps(mixed, weight="weight", period="answered_at", min_n=0).set_index("period")["nps"]
    assert r.total == pytest.approx(w["2025-04"] - w["2025-03"], abs=1e-12)
    p = r.parts.iloc[0]
    assert abs(p["mix"] + p["rate"] - p["change"]) <= 1e-12


def test_churn_rate_decomposition_adds_up():
    rng = np.random.default_rng(3)
    n = 3000
    start = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 700, n), unit="D")
    end = start + pd.to_timedelta(rng.integers(30, 900, n), unit="D")
    cust = pd.DataFrame({"start_date": start, "end_date": end.where(rng.random(n) < 0.5),
                         "segment": rng.choice(["consumer", "smb"], n)})
    r = cx.decompose_change(cust, "churn", by="segment", period_a="2024-06", period_b="2024-07", n_boot=200)
    rates = cx.churn_rate(cust, min_n=0).set_index("period")["churn_rate"]
    assert r.total == pytest.approx(rates["2024-07"] - rates["2024-06"], abs=1e-12)
    assert r.direction == -1 and r.unit == "percentage points"


def test_bad_arguments(hand):
    with pytest.raises(cx.ParameterError, match="period_b.*'2025-01', '2025-02'.*'2025-05'"):
        cx.decompose_change(hand, "csat", by="channel", period_b="2025-05")
    with pytest.raises(cx.DegenerateDataError, match="two periods"):
        cx.decompose_change(hand[hand["answered_at"] < "2025-02-01"], "csat", by="channel")
    with pytest.raises(cx.ParameterError, match="scale.*CES"):
        cx.decompose_change(hand, "ces", by="channel")
    with pytest.raises(cx.ParameterError, match="`metric` must be one of"):
        cx.decompose_change(hand, "effort", by="channel")
    with pytest.raises(cx.ParameterError, match="`by`"):
        cx.decompose_change(hand, "csat", by=[])
    with pytest.raises(cx.ParameterError, match="n_boot"):
        cx.decompose_change(hand, "csat", by="channel", n_boot=10)


def test_sample_dataset_and_waterfall_in_both_languages():
    from tests.test_chart_layout import _overlaps

    ds = cx.load_dataset(cx.sample_spec_path())
    r = cx.decompose_change(ds, "ces", by=["channel", "touchpoint"], n_boot=200)
    assert set(r.tables) == {"parts", "segments"}
    for lang in ("en", "nl"):
        ax = cx.plots.waterfall(r, lang=lang)
        ax.figure.canvas.draw()
        assert _overlaps(ax.figure) == []
        assert isinstance(ax, matplotlib.axes.Axes)
        matplotlib.pyplot.close(ax.figure)
    ax = r.figures["waterfall"]()
    matplotlib.pyplot.close(ax.figure)


def test_interval_coverage_by_seeded_simulation():
    """200 simulated pairs of periods (400 answers each) from known segment shares and top-box rates:
    the 90% bootstrap intervals of the mix and rate parts hold the true parts about 90% of the time.
    With 200 runs the coverage's SE is 2.1 points; the bounds are about 3 SE either side."""
    rng = np.random.default_rng(2026)
    m_a, m_b = np.array([0.6, 0.4]), np.array([0.75, 0.25])
    r_a, r_b = np.array([0.5, 0.8]), np.array([0.42, 0.78])
    true_mix, true_rate = (100 * x.sum() for x in kitagawa(m_a, r_a, m_b, r_b))
    contributions = np.array([0, 1])
    hit = {"mix": 0, "rate": 0}
    runs, n = 200, 400
    for i in range(runs):
        hists, w = [], []
        for m, r in ((m_a, r_a), (m_b, r_b)):
            k = rng.multinomial(n, m)
            top = rng.binomial(k, r)
            hists.append(np.column_stack([k - top, top]).astype(float))
            w.append(k.astype(float))
        ci = bootstrap_parts(hists[0], hists[1], tuple(w), tuple(w), contributions, factor=100, level=0.9,
                             n_boot=400, seed=i)
        hit["mix"] += ci["total_mix"][0] <= true_mix <= ci["total_mix"][1]
        hit["rate"] += ci["total_rate"][0] <= true_rate <= ci["total_rate"][1]
    for part, k in hit.items():
        assert 0.83 <= k / runs <= 0.97, (part, k / runs)


def test_segment_table_on_a_count_table():
    counts = pd.DataFrame({"channel": ["web", "web", "web", "phone"], "period": ["a", "a", "b", "b"],
                           "value": [0.0, 1.0, 1.0, 1.0], "n": [3, 1, 2, 5], "w": [3.0, 1.0, 2.0, 5.0],
                           "w2": [3.0, 1.0, 2.0, 5.0]})
    seg = decompose_segments(segment_table(counts, ["channel"], "value", counts["value"], "period", "a", "b"), 100)
    web = seg.set_index("channel").loc["web"]
    assert (web["n_a"], web["n_b"], web["value_a"], web["value_b"]) == (4, 2, 25.0, 100.0)
    assert seg["change"].sum() == pytest.approx(100 - 25)
