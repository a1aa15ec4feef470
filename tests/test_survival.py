"""Kaplan-Meier, log-rank and Cox against a hand computation and against lifelines."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cxkit.scales import Scale
from cxkit.stats.survival import cox, kaplan_meier, score_band


def test_kaplan_meier_by_hand():
    # time, event: 6 customers. At t=2: 6 at risk, 1 leaves -> 5/6. t=3 (two leave, one censored at 3):
    # 5 at risk -> 5/6 * 3/5 = 1/2. t=5: one censored at 4, so 1 at risk (the one at 5) -> 0.
    frame = pd.DataFrame({"time_days": [2, 3, 3, 3, 4, 5], "event": [1, 1, 1, 0, 0, 1]})
    km = kaplan_meier(frame, times=(1, 2, 3, 4, 5))
    at = km.at.set_index("time")["survival"]
    assert at[1] == pytest.approx(1.0)
    assert at[2] == pytest.approx(5 / 6)
    assert at[3] == pytest.approx(5 / 6 * 3 / 5)
    assert at[4] == pytest.approx(0.5)
    assert at[5] == pytest.approx(0.0)
    # Greenwood variance at t=3: S^2 * sum d / (n (n - d)) = 1/4 * (1/30 + 2/15)
    cur = km.curves.set_index("time")
    z = 1.959963984540054
    s, var = 0.5, 0.25 * (1 / 30 + 2 / 15)
    theta_sd = np.sqrt(var) / (s * abs(np.log(s)))
    assert cur.loc[3, "ci_low"] == pytest.approx(s ** np.exp(z * theta_sd), rel=1e-6)
    assert cur.loc[3, "ci_high"] == pytest.approx(s ** np.exp(-z * theta_sd), rel=1e-6)


def _random_survival(seed=2, n=300):
    rng = np.random.default_rng(seed)
    g = rng.integers(0, 3, n)
    x = rng.normal(size=n)
    t_event = rng.exponential(300 * np.exp(-0.4 * g - 0.3 * x))
    t_cens = rng.uniform(50, 600, n)
    return pd.DataFrame({"time_days": np.minimum(t_event, t_cens), "event": t_event <= t_cens,
                         "group": np.array(["a", "b", "c"])[g], "x": x})


def test_kaplan_meier_and_logrank_match_lifelines():
    from lifelines import KaplanMeierFitter
    from lifelines.statistics import multivariate_logrank_test

    d = _random_survival()
    km = kaplan_meier(d, group="group", times=(100, 200))
    for g, sub in d.groupby("group"):
        kmf = KaplanMeierFitter().fit(sub["time_days"], sub["event"])
        for t in (100, 200):
            row = km.at[(km.at["group"] == g) & (km.at["time"] == t)].iloc[0]
            assert row["survival"] == pytest.approx(kmf.survival_function_at_times(t).iloc[0], abs=1e-10)
            ci = kmf.confidence_interval_
            idx = ci.index[ci.index <= t].max()
            assert row["ci_low"] == pytest.approx(ci.loc[idx].iloc[0], abs=1e-6)
            assert row["ci_high"] == pytest.approx(ci.loc[idx].iloc[1], abs=1e-6)
    lr = multivariate_logrank_test(d["time_days"], d["group"], d["event"])
    assert km.logrank_chi2 == pytest.approx(lr.test_statistic, rel=1e-6)
    assert km.logrank_p == pytest.approx(lr.p_value, rel=1e-5)
    assert km.logrank_df == 2


def test_cox_and_ph_test_match_lifelines():
    from lifelines import CoxPHFitter
    from lifelines.statistics import proportional_hazard_test

    d = _random_survival(seed=5)
    d["is_b"] = (d["group"] == "b").astype(float)
    d["is_c"] = (d["group"] == "c").astype(float)
    res = cox(d, ["group", "x"], categorical=["group"], reference={"group": "a"})
    lf = CoxPHFitter().fit(d[["time_days", "event", "is_b", "is_c", "x"]].assign(event=lambda f: f.event.astype(int)),
                           "time_days", "event")
    t = res.table.set_index("term")
    for mine, theirs in (("group[b]", "is_b"), ("group[c]", "is_c"), ("x", "x")):
        assert t.loc[mine, "coef"] == pytest.approx(lf.params_[theirs], abs=1e-6)
        assert t.loc[mine, "se"] == pytest.approx(lf.standard_errors_[theirs], rel=1e-5)
    # The proportional-hazards test is R cox.zph's exact score test (issue 15), checked against R in
    # test_referee.py; lifelines' proportional_hazard_test is the pre-2019 approximation, a different statistic,
    # so only its direction is compared here: both flag the same terms at the 5% level on this data.
    ph = proportional_hazard_test(lf, d[["time_days", "event", "is_b", "is_c", "x"]].assign(
        event=lambda f: f.event.astype(int)), time_transform="rank").summary
    mine = cox(d, ["group", "x"], categorical=["group"], reference={"group": "a"},
               ph_transform="rank").ph_test.set_index("term")
    for m, theirs in (("group[b]", "is_b"), ("group[c]", "is_c"), ("x", "x")):
        assert (mine.loc[m, "p_value"] < 0.05) == (ph.loc[theirs, "p"] < 0.05)


def test_cox_reports_a_group_without_churn_and_a_flat_covariate():
    d = _random_survival(seed=9)
    d.loc[d["group"] == "c", "event"] = False
    d["flat"] = 1.0
    res = cox(d, ["group", "x", "flat"], categorical=["group"], reference={"group": "a"})
    assert "group[c]" not in set(res.table["term"])
    assert any("No churn at all" in n for n in res.notes)
    assert any("flat has no variance" in n for n in res.notes)
    none = cox(d.assign(event=False), ["x"])
    assert none.status == "not fitted"


def test_score_bands():
    nps = score_band(pd.Series([0, 6, 7, 8, 9, 10]), Scale.nps())
    assert list(nps) == ["detractor", "detractor", "passive", "passive", "promoter", "promoter"]
    ces = score_band(pd.Series([1, 3, 4, 5, 7]), Scale.ces(1, 7, "higher_is_easier", easy=[5, 6, 7]))
    assert list(ces) == ["hard", "hard", "neutral", "easy", "easy"]
    harder = score_band(pd.Series([1, 2, 3, 4, 5]), Scale.ces(1, 5, "higher_is_harder", easy=[1, 2]))
    assert list(harder) == ["easy", "easy", "neutral", "hard", "hard"]


def test_kaplan_meier_headline_never_says_p_equals_zero():
    # two groups that separate completely: the log-rank p-value underflows to (nearly) 0
    n = 400
    d = pd.DataFrame({"time_days": np.r_[np.full(n, 10.0), np.full(n, 500.0)],
                      "event": np.r_[np.ones(n, int), np.zeros(n, int)],
                      "group": ["a"] * n + ["b"] * n})
    km = kaplan_meier(d, group="group", times=(100,))
    assert km.logrank_p < 1e-10
    for text in (km.headline(), repr(km), str(km)):
        assert "p < 0.001" in text and "p = 0" not in text
        assert not any(tok in text for tok in ("e-", "e+"))
