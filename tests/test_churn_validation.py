"""Churn-model validation (issue 15, item 10): out-of-sample AUC, calibration, Brier score and
time-dependent AUC, each checked against scikit-learn / scikit-survival or a brute-force count."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy.special import expit
from scipy.special import logit as logodds

import cxkit as cx
from cxkit.stats.validation import brier_score, calibration_slope, calibration_table, cumulative_dynamic_auc

sklearn_metrics = pytest.importorskip("sklearn.metrics")
sklearn_calibration = pytest.importorskip("sklearn.calibration")


def _scores(n=600, seed=3):
    """A discrete score (ties, merged quantile bins) and outcomes drawn from known probabilities."""
    rng = np.random.default_rng(seed)
    score = rng.integers(1, 8, n)
    p = expit(-0.5 - 0.4 * score + rng.normal(0, 0.3, n))
    y = rng.random(n) < p
    return score, np.round(p, 2), y


def test_brier_and_calibration_bins_match_scikit_learn():
    _, p, y = _scores()
    assert brier_score(y, p) == pytest.approx(sklearn_metrics.brier_score_loss(y, p), abs=1e-12)
    for n_bins in (5, 10):
        tab = calibration_table(y, p, n_bins)
        prob_true, prob_pred = sklearn_calibration.calibration_curve(y, p, n_bins=n_bins, strategy="quantile")
        np.testing.assert_allclose(tab["observed"] / 100, prob_true, atol=1e-12)
        np.testing.assert_allclose(tab["predicted"] / 100, prob_pred, atol=1e-12)
    assert tab["n"].sum() == len(y)
    # Wilson interval of each bin's observed share (statsmodels' proportion_confint, method="wilson")
    from statsmodels.stats.proportion import proportion_confint
    lo, hi = proportion_confint(tab["events"], tab["n"], method="wilson")
    np.testing.assert_allclose(tab["ci_low"] / 100, lo, atol=1e-12)
    np.testing.assert_allclose(tab["ci_high"] / 100, hi, atol=1e-12)


def test_calibration_slope_is_the_logistic_slope_on_the_log_odds():
    _, p, y = _scores(2000, seed=5)
    ref = sm.GLM(y.astype(float), sm.add_constant(logodds(p)), family=sm.families.Binomial()).fit()
    got = calibration_slope(y, p)
    assert got["slope"] == pytest.approx(ref.params[1], rel=1e-6)
    assert got["intercept"] == pytest.approx(ref.params[0], rel=1e-6, abs=1e-8)
    # Predictions twice as extreme on the log-odds scale halve the slope exactly.
    twice = calibration_slope(y, expit(2 * logodds(p)))
    assert twice["slope"] == pytest.approx(got["slope"] / 2, rel=1e-6)
    assert np.isnan(calibration_slope(np.zeros(10), np.full(10, 0.2))["slope"])


def _brute_td_auc(time, event, risk, t):
    """Cumulative/dynamic AUC by a double loop over (case, control) pairs, cases weighted by 1/G(T_i)
    with G the censoring Kaplan-Meier written out step by step (events before censorings at ties)."""
    order = np.unique(time)
    g, surv = {}, 1.0
    for u in order:
        at_risk = np.sum(time >= u) - np.sum((time == u) & event)
        cens = np.sum((time == u) & ~event)
        if at_risk > 0:
            surv *= 1 - cens / at_risk
        g[u] = surv
    num = den = 0.0
    for i in range(len(time)):
        if not (event[i] and time[i] <= t):
            continue
        w = 1 / g[time[i]]
        for j in range(len(time)):
            if time[j] > t:
                num += w * (1.0 if risk[i] > risk[j] else 0.5 if risk[i] == risk[j] else 0.0)
                den += w
    return num / den


@pytest.mark.parametrize("discrete", [True, False])
def test_time_dependent_auc_against_brute_force_and_scikit_survival(discrete):
    rng = np.random.default_rng(11)
    n = 300
    time = rng.integers(1, 60, n).astype(float)           # whole days: many ties
    event = rng.random(n) < 0.4
    event[time == time.max()] = True                       # G > 0 at every event time
    risk = rng.integers(0, 5, n).astype(float) if discrete else rng.normal(size=n)
    for t in (10, 30, 45):
        got = cumulative_dynamic_auc(time, event, risk, t)
        assert got["auc"] == pytest.approx(_brute_td_auc(time, event, risk, t), abs=1e-12)
        assert got["cases"] == int(((time <= t) & event).sum()) and got["controls"] == int((time > t).sum())
    sksurv = pytest.importorskip("sksurv.metrics")
    from sksurv.util import Surv
    y = Surv.from_arrays(event, time)
    for t in (10, 30, 45):
        ref = sksurv.cumulative_dynamic_auc(y, y, risk, [t])[0][0]
        assert cumulative_dynamic_auc(time, event, risk, t)["auc"] == pytest.approx(ref, abs=1e-10)


def _dated(n=3000, seed=7):
    rng = np.random.default_rng(seed)
    score = rng.integers(1, 8, n)
    seg = rng.choice(["a", "b", "c"], n)
    answered = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 500, n), unit="D")
    eta = -0.3 - 0.45 * score + np.where(seg == "b", 0.5, 0.0)
    churned = rng.random(n) < expit(eta)
    return pd.DataFrame({"score": score, "segment": seg, "answered_at": answered, "churned": churned})


def test_validate_models_against_a_scikit_learn_refit():
    from sklearn.linear_model import LogisticRegression

    f = _dated()
    cut = pd.Timestamp("2024-12-01")
    summary, cal = cx.validate_models(f, ["score"], cut, ["segment"])
    assert list(summary["model"]) == ["alone", "with controls"]
    train, test = f[f["answered_at"] < cut], f[f["answered_at"] >= cut]
    for name, cols in (("alone", ["score"]), ("with controls", ["score", "segment"])):
        X_tr = pd.get_dummies(train[cols], columns=[c for c in cols if c == "segment"], drop_first=True, dtype=float)
        X_te = pd.get_dummies(test[cols], columns=[c for c in cols if c == "segment"], drop_first=True, dtype=float)
        model = LogisticRegression(C=np.inf, tol=1e-12, max_iter=5000).fit(X_tr, train["churned"])
        # Rounded: equal covariates must give equal predictions (ties count half in the AUC).
        p = np.round(model.predict_proba(X_te[X_tr.columns])[:, 1], 6)
        row = summary.set_index("model").loc[name]
        assert row["n_train"] == len(train) and row["n_test"] == len(test)
        assert row["auc_test"] == pytest.approx(sklearn_metrics.roc_auc_score(test["churned"], p), abs=1e-9)
        assert row["brier"] == pytest.approx(sklearn_metrics.brier_score_loss(test["churned"], p), abs=1e-6)
        assert row["auc_test_low"] < row["auc_test"] < row["auc_test_high"]
        prob_true, _ = sklearn_calibration.calibration_curve(test["churned"], p, n_bins=10, strategy="quantile")
        np.testing.assert_allclose(cal[cal["model"] == name]["observed"] / 100, prob_true, atol=1e-12)
    # The data was drawn from a logistic model: the slope is compatible with 1.
    row = summary.set_index("model").loc["alone"]
    assert row["slope_low"] < 1 < row["slope_high"]


def test_validate_models_reports_too_few_events():
    f = _dated(200).assign(churned=False)
    summary, cal = cx.validate_models(f, ["score"], "2024-12-01")
    assert summary["auc_test"].isna().all() and "not validated" in summary["note"].iloc[0]
    assert cal.empty
