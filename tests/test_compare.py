"""Comparisons against independent implementations (statsmodels, scipy)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportions_ztest

import cxkit as cx


@pytest.fixture
def two_groups():
    rng = np.random.default_rng(7)
    a = rng.choice(11, 400, p=np.r_[np.full(7, 0.04), 0.12, 0.14, 0.22, 0.24])
    b = rng.choice(11, 300, p=np.r_[np.full(7, 0.07), 0.13, 0.13, 0.13, 0.12])
    return pd.DataFrame({"score": np.r_[a, b], "g": ["a"] * 400 + ["b"] * 300})


def test_nps_difference_z_by_hand(two_groups):
    res = cx.compare(two_groups, "g", "a", "b", min_n=0)
    # Adjusted Wald (Rocks 2016; issue 15): 3/4 promoter, 3/4 detractor, 3/2 passive added to each group.
    parts, raw = [], []
    for g in "ab":
        s = two_groups.loc[two_groups.g == g, "score"]
        n = len(s) + 3
        pp, pd_ = ((s >= 9).sum() + 0.75) / n, ((s <= 6).sum() + 0.75) / n
        parts.append((pp - pd_, (pp + pd_ - (pp - pd_) ** 2) / n))
        raw.append((s >= 9).mean() - (s <= 6).mean())
    diff = parts[0][0] - parts[1][0]
    se = np.sqrt(parts[0][1] + parts[1][1])
    assert res.diff == pytest.approx(100 * (raw[0] - raw[1]))
    assert res.se == pytest.approx(100 * se)
    assert res.p_value == pytest.approx(2 * stats.norm.sf(abs(diff) / se))
    assert res.ci_low == pytest.approx(100 * (diff - 1.959964 * se), abs=1e-3)
    assert "CI" in res.headline() and "CI" in str(res) and "<p>" in res._repr_html_()
    assert res.summary().loc[0, "diff"] == res.diff


def test_top_box_test_equals_pooled_z(two_groups):
    scale = cx.Scale.csat(0, 10, top_box=[8, 9, 10], name="csat10")
    res = cx.compare(two_groups, "g", "a", "b", scale=scale, min_n=0)
    count = [(two_groups.loc[two_groups.g == g, "score"] >= 8).sum() for g in "ab"]
    _, p = proportions_ztest(count, [400, 300])
    assert res.p_value == pytest.approx(p, rel=1e-6)
    assert res.diff == pytest.approx(100 * (count[0] / 400 - count[1] / 300))


def test_mean_test_equals_scipy_welch(two_groups):
    scale = cx.Scale.ces(0, 10, "higher_is_easier", easy=[8, 9, 10])
    res = cx.compare(two_groups, "g", "a", "b", scale=scale, min_n=0)
    a = two_groups.loc[two_groups.g == "a", "score"]
    b = two_groups.loc[two_groups.g == "b", "score"]
    t = stats.ttest_ind(a, b, equal_var=False)
    assert res.p_value == pytest.approx(t.pvalue, rel=1e-8)
    ci = t.confidence_interval(0.95)
    assert (res.ci_low, res.ci_high) == pytest.approx((ci.low, ci.high))
    mw = cx.compare(two_groups, "g", "a", "b", scale=scale, test="mannwhitney", min_n=0)
    assert mw.p_value == pytest.approx(stats.mannwhitneyu(a, b).pvalue)


def test_pairwise_holm_matches_statsmodels(two_groups):
    from statsmodels.stats.multitest import multipletests

    df = pd.concat([two_groups, two_groups.assign(g=lambda d: d.g.map({"a": "c", "b": "d"}))])
    out = cx.pairwise(df, "g", min_n=0)
    assert len(out) == 6
    assert out["p_adj"].to_numpy() == pytest.approx(multipletests(out["p_value"], method="holm")[1])


def test_unknown_group_is_a_clear_error(two_groups):
    with pytest.raises(cx.DegenerateDataError, match="'zzz'"):
        cx.compare(two_groups, "g", "a", "zzz", min_n=0)


def test_changes_compares_consecutive_periods():
    scores = [10] * 40 + [0] * 10 + [0] * 40 + [10] * 10 + [10] * 40 + [0] * 10
    df = pd.DataFrame({"score": scores,
                       "when": ["2025-01-05"] * 50 + ["2025-02-05"] * 50 + ["2025-03-05"] * 50})
    out = cx.changes(df, "when", min_n=0)
    assert out[["period", "previous"]].values.tolist() == [["2025-02", "2025-01"], ["2025-03", "2025-02"]]
    assert out["diff"].tolist() == pytest.approx([-120, 120])
    assert out["significant"].all()


def test_no_variance_is_reported_not_tested():
    # NPS: the adjusted-Wald pseudo-answers give both groups a variance, so there is an answer (issue 15),
    # with notes: no variance, and an interval that stops short of the difference of 200.
    df = pd.DataFrame({"score": [10] * 50 + [0] * 50, "g": ["a"] * 50 + ["b"] * 50})
    res = cx.compare(df, "g", "a", "b", min_n=0)
    assert res.diff == 200 and res.p_value < 1e-100 and "no variance" in res.note
    assert res.ci_high < 200 and "does not contain the difference" in res.note
