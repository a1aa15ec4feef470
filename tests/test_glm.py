"""Grouped (cell-count) logistic regression against the row-level fit and a published example."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

import cxkit as cx

# Bliss (1935) beetle mortality, the logistic fit in Dobson & Barnett, "An Introduction to
# Generalized Linear Models" (3rd ed., section 7.3.1): b1 = -60.72 (SE 5.18), b2 = 34.27 (SE 2.91).
BEETLES = pd.DataFrame({
    "dose": [1.6907, 1.7242, 1.7552, 1.7842, 1.8113, 1.8369, 1.8610, 1.8839],
    "n": [59, 60, 62, 56, 63, 59, 62, 60],
    "events": [6, 13, 18, 28, 52, 53, 61, 60],
})


def churn_rows(n: int = 6000, seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"plan": rng.choice(["basic", "pro", "team"], n), "channel": rng.choice(["web", "phone", "app"], n),
                       "score": rng.integers(0, 11, n)})
    lin = -0.8 + 0.6 * (df.plan == "pro") - 0.4 * (df.plan == "team") + 0.3 * (df.channel == "app") - 0.18 * df.score
    df["churned"] = rng.random(n) < 1 / (1 + np.exp(-lin))
    return df


def row_level_fit(df: pd.DataFrame):
    """Independent reference: statsmodels on the rows, design built with pandas."""
    X = pd.get_dummies(df[["plan", "channel"]].astype("category"), drop_first=True, prefix_sep="=").astype(float)
    X.insert(0, "Intercept", 1.0)
    X["score"] = df["score"].astype(float)
    return sm.GLM(df["churned"].astype(float), X, family=sm.families.Binomial()).fit(tol=1e-13)


def test_published_beetle_example():
    fit = cx.logit_from_cells(BEETLES, "killed", numeric="dose")
    assert fit.params["Intercept"] == pytest.approx(-60.72, abs=0.01)
    assert fit.params["dose"] == pytest.approx(34.27, abs=0.01)
    assert fit.bse["Intercept"] == pytest.approx(5.18, abs=0.01)
    assert fit.bse["dose"] == pytest.approx(2.91, abs=0.01)
    # The same data as one row per beetle gives the same fit.
    rows = BEETLES.loc[BEETLES.index.repeat(BEETLES.n)].assign(
        killed=np.concatenate([[1] * e + [0] * (n - e) for e, n in zip(BEETLES.events, BEETLES.n, strict=True)]))
    by_rows = cx.grouped_logit(rows, "killed", numeric="dose")
    np.testing.assert_allclose(by_rows.params, fit.params, rtol=0, atol=1e-8)


def test_cell_fit_equals_row_level_fit():
    df = churn_rows()
    ref = row_level_fit(df)
    # The independent reference drops the first sorted level; cxkit's default is the most frequent.
    fit = cx.grouped_logit(df, "churned", categorical=["plan", "channel"], numeric="score",
                           reference={"plan": "basic", "channel": "app"})
    assert fit.terms["term"].tolist() == ["Intercept", "plan[pro]", "plan[team]", "channel[phone]",
                                          "channel[web]", "score"]
    np.testing.assert_allclose(fit.params.to_numpy(), ref.params.to_numpy(), rtol=0, atol=1e-8)
    np.testing.assert_allclose(fit.bse.to_numpy(), ref.bse.to_numpy(), rtol=0, atol=1e-8)
    assert fit.loglik == pytest.approx(ref.llf, rel=1e-10)
    assert fit.n == len(df) and fit.events == int(df.churned.sum())
    assert len(fit.cells) == 3 * 3 * 11
    # Wald intervals and odds ratios by hand
    t = fit.terms.set_index("term")
    z = stats.norm.ppf(0.975)
    assert t.loc["score", "ci_low"] == pytest.approx(ref.params["score"] - z * ref.bse["score"])
    assert t.loc["score", "odds_ratio"] == pytest.approx(np.exp(ref.params["score"]))
    assert t.loc["score", "odds_ratio_high"] == pytest.approx(np.exp(ref.params["score"] + z * ref.bse["score"]))
    assert t.loc["score", "p_value"] == pytest.approx(ref.pvalues["score"], rel=1e-6)
    assert "Logistic regression of churned" in str(fit) and "<p>" in fit._repr_html_()
    assert isinstance(fit, cx.GroupedLogit) and fit.summary().equals(fit.table)


def test_logit_from_statsmodels_formula_api_agrees():
    import statsmodels.formula.api as smf

    df = churn_rows(3000, seed=8)
    ref = smf.logit("churned ~ C(plan) + score", data=df.assign(churned=df.churned.astype(int))).fit(disp=0, tol=1e-12)
    fit = cx.grouped_logit(df, "churned", categorical="plan", numeric="score", reference={"plan": "basic"})
    np.testing.assert_allclose(fit.params.to_numpy(), ref.params.to_numpy(), rtol=0, atol=1e-8)
    np.testing.assert_allclose(fit.bse.to_numpy(), ref.bse.to_numpy(), rtol=0, atol=1e-8)


def test_reference_level_and_engines():
    df = churn_rows(3000, seed=9)
    a = cx.grouped_logit(df, "churned", categorical="plan", numeric="score", reference={"plan": "team"})
    assert a.reference == {"plan": "team"} and "plan[basic]" in a.terms["term"].tolist()
    b = cx.grouped_logit(duckdb.connect().from_df(df), "churned", categorical="plan", numeric="score",
                         reference={"plan": "team"})
    np.testing.assert_allclose(a.params, b.params, rtol=0, atol=1e-12)
    with pytest.raises(cx.ParameterError, match="reference"):
        cx.grouped_logit(df, "churned", categorical="plan", reference={"plan": "gold"})


def test_separation_by_a_level_is_reported_plainly():
    df = churn_rows(2000)
    df.loc[df.plan == "team", "churned"] = False
    with pytest.raises(cx.DegenerateDataError, match=r"separation.*plan=team: none of its \d+ rows"):
        cx.grouped_logit(df, "churned", categorical="plan", numeric="score")


def test_separation_by_a_score_threshold_is_reported_plainly():
    df = churn_rows(2000)
    df["churned"] = df.score <= 3
    with pytest.raises(cx.DegenerateDataError, match=r"separation.*score in 0\.\.3.*4\.\.10"):
        cx.grouped_logit(df, "churned", categorical="plan", numeric="score")


def test_quasi_separation_by_a_combination_is_detected():
    # Only pro customers with a score of 0 churn: no single level is pure, but the MLE does not exist.
    df = churn_rows(2000)
    df["churned"] = (df.plan == "pro") & (df.score == 0)
    with pytest.raises(cx.DegenerateDataError, match="separation"):
        cx.grouped_logit(df, "churned", categorical="plan", numeric="score")


def test_other_degenerate_data():
    df = churn_rows(500)
    with pytest.raises(cx.DegenerateDataError, match="no row has the outcome"):
        cx.grouped_logit(df.assign(churned=False), "churned", categorical="plan")
    with pytest.raises(cx.DegenerateDataError, match="collinear"):
        cx.grouped_logit(df.assign(tier=df.plan), "churned", categorical=["plan", "tier"])
    with pytest.raises(cx.DataError, match=r"0/1 or True/False.*'left' \(\d+ rows\)"):
        cx.grouped_logit(df.assign(churned=np.where(df.churned, "left", "stayed")), "churned", categorical="plan")
    with pytest.raises(cx.ParameterError, match="at least one predictor"):
        cx.grouped_logit(df, "churned")
