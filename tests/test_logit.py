"""Logistic regression: values against independent computations, degenerate data reported not crashed."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, stats
from scipy.special import expit

from cxkit.stats.design import check_separation, design
from cxkit.stats.logit import firth_fit, logit, nested_lr

# Endometrial cancer data of Heinze & Schemper (2002, Statistics in Medicine 21:2409), the standard
# example of quasi-complete separation (every patient with NV = 1 has HG = 1), as shipped with R's
# brglm2/logistf. 79 patients: neovasculation NV, pulsatility index PI, endometrium height EH, grade HG.
ENDOMETRIAL = """NV,PI,EH,HG
0,13,1.64,0
0,16,2.26,0
0,8,3.14,0
0,34,2.68,0
0,20,1.28,0
0,5,2.31,0
0,17,1.8,0
0,10,1.68,0
0,26,1.56,0
0,17,2.31,0
0,8,2.01,0
0,7,1.89,0
0,20,3.15,0
0,10,1.23,0
0,18,1.27,0
0,16,1.76,0
0,18,2,0
0,8,2.64,1
0,29,0.88,1
0,12,1.27,1
0,20,1.37,1
1,38,0.97,1
1,22,1.14,1
1,7,0.88,1
1,25,0.91,1
1,15,0.58,1
0,7,0.97,1
0,28,1.5,0
0,11,1.33,0
0,19,2.37,0
0,10,1.82,0
0,10,3.13,0
0,18,1.31,0
0,14,1.92,0
0,21,1.64,0
0,11,2.01,0
0,17,1.88,0
0,25,1.93,0
0,16,2.11,0
0,19,1.29,0
0,15,1.72,0
0,33,0.75,0
0,24,1.92,0
0,48,1.84,1
0,12,1.11,1
0,19,1.61,1
0,2,1.18,1
1,22,1.44,1
1,40,1.18,1
1,5,0.93,1
1,0,1.17,1
0,21,1.19,1
0,15,1.06,1
0,29,2.02,0
0,15,2.29,0
0,12,2.33,0
0,3,2.9,0
0,20,1.7,0
0,23,1.41,0
0,12,2.25,0
0,22,1.54,0
0,42,1.97,0
0,15,1.75,0
0,13,2.16,0
0,14,2.57,0
0,19,1.37,0
0,12,3.61,0
0,13,2.04,0
0,10,2.17,0
0,12,1.69,1
1,49,0.27,1
0,6,1.84,1
0,5,1.3,1
0,17,0.96,1
1,11,1.01,1
1,21,0.98,1
0,5,0.35,1
1,19,1.02,1
0,33,0.85,1
"""

# logistf (R) results for HG ~ NV + PI + EH, as published in Heinze & Schemper (2002) and reproduced by
# logistf's documentation: Firth estimates and profile penalised-likelihood 95% intervals.
LOGISTF = {
    "Intercept": (3.77455951, 1.0825371, 7.20928050),
    "NV": (2.92927330, 0.6097244, 7.85463171),
    "PI": (-0.03475175, -0.1244587, 0.04045547),
    "EH": (-2.60416387, -4.3651832, -1.23272106),
}


def test_firth_reproduces_logistf_on_the_endometrial_data():
    data = pd.read_csv(io.StringIO(ENDOMETRIAL))
    res = logit(data, "HG", ["NV", "PI", "EH"])
    assert res.status == "separation"
    assert res.method.startswith("Firth")
    assert "NV" in res.notes[0] and "separation" in res.notes[0].lower()
    for term, (coef, lo, hi) in LOGISTF.items():
        row = res.term(term)
        assert row["coef"] == pytest.approx(coef, abs=1e-5)
        assert row["ci_low"] == pytest.approx(lo, abs=1e-4)
        assert row["ci_high"] == pytest.approx(hi, abs=1e-4)
        assert np.log(row["odds_ratio_low"]) == pytest.approx(lo, abs=1e-4)


def test_firth_on_a_2x2_table_is_the_haldane_corrected_odds_ratio():
    # Firth (1993): for one binary covariate the penalised estimate adds 1/2 to every cell.
    a, b, c, d = 7, 3, 2, 9          # churn & x=1, stay & x=1, churn & x=0, stay & x=0
    x = np.r_[np.ones(a + b), np.zeros(c + d)]
    y = np.r_[np.ones(a), np.zeros(b), np.ones(c), np.zeros(d)]
    fit = firth_fit(np.column_stack([np.ones_like(x), x]), y)
    assert fit["params"][1] == pytest.approx(np.log((a + .5) * (d + .5) / ((b + .5) * (c + .5))), abs=1e-8)
    assert fit["params"][0] == pytest.approx(np.log((c + .5) / (d + .5)), abs=1e-8)
    # intercept only: p = (events + 1/2) / (n + 1)
    fit0 = firth_fit(np.ones((len(y), 1)), y)
    assert expit(fit0["params"][0]) == pytest.approx((y.sum() + .5) / (len(y) + 1), abs=1e-10)


def test_firth_frequency_weights_equal_expanded_rows():
    rng = np.random.default_rng(3)
    X = np.column_stack([np.ones(40), rng.integers(0, 3, 40)])
    y = (rng.random(40) < expit(-0.5 + 0.6 * X[:, 1])).astype(float)
    u, inv = np.unique(np.column_stack([X, y]), axis=0, return_inverse=True)
    w = np.bincount(inv.ravel())
    grouped = firth_fit(u[:, :2], u[:, 2], w)
    expanded = firth_fit(X, y)
    np.testing.assert_allclose(grouped["params"], expanded["params"], atol=1e-8)


def test_maximum_likelihood_matches_a_hand_rolled_likelihood():
    x = np.array([0.5, 1.2, 1.9, 2.3, 2.8, 3.1, 3.7, 4.0, 4.4, 5.2, 5.9, 6.5])
    y = np.array([0, 0, 1, 0, 0, 1, 0, 1, 1, 0, 1, 1])

    def nll(b):
        eta = b[0] + b[1] * x
        return -np.sum(y * eta - np.logaddexp(0, eta))

    opt = optimize.minimize(nll, np.zeros(2), method="BFGS", options={"gtol": 1e-10})
    p = expit(opt.x[0] + opt.x[1] * x)
    X = np.column_stack([np.ones_like(x), x])
    se = np.sqrt(np.diag(np.linalg.inv(X.T @ (X * (p * (1 - p))[:, None]))))
    res = logit(pd.DataFrame({"x": x, "churned": y}), "churned", "x")
    assert res.status == "ok" and res.method == "maximum likelihood"
    assert res.term("x")["coef"] == pytest.approx(opt.x[1], abs=1e-5)
    assert res.term("Intercept")["coef"] == pytest.approx(opt.x[0], abs=1e-5)
    assert res.term("x")["se"] == pytest.approx(se[1], rel=1e-4)
    z = stats.norm.ppf(0.975)
    assert res.term("x")["ci_low"] == pytest.approx(opt.x[1] - z * se[1], rel=1e-4)
    assert res.term("x")["odds_ratio_low"] == pytest.approx(np.exp(opt.x[1] - z * se[1]), rel=1e-4)
    assert res.llf == pytest.approx(-opt.fun, abs=1e-6)


def test_nested_lr_matches_hand_rolled_likelihoods():
    rng = np.random.default_rng(7)
    n = 200
    a, b = rng.normal(size=n), rng.normal(size=n)
    y = (rng.random(n) < expit(-1 + 0.8 * a + 0.3 * b)).astype(int)

    def max_ll(X):
        def nll(beta):
            eta = X @ beta
            return -np.sum(y * eta - np.logaddexp(0, eta))
        return -optimize.minimize(nll, np.zeros(X.shape[1]), method="BFGS", options={"gtol": 1e-9}).fun

    ones = np.ones(n)
    lr = 2 * (max_ll(np.column_stack([ones, a, b])) - max_ll(np.column_stack([ones, a])))
    row = nested_lr(pd.DataFrame({"a": a, "b": b, "churned": y}), "churned", ["a"], ["b"]).iloc[0]
    assert row["lr_stat"] == pytest.approx(lr, abs=1e-4)
    assert row["df"] == 1
    assert row["p_value"] == pytest.approx(stats.chi2.sf(lr, 1), rel=1e-3)


def test_complete_separation_is_detected_and_reported_not_fitted_as_infinite():
    frame = pd.DataFrame({"score": [1, 1, 2, 2, 3, 4, 4, 5, 5, 5], "churned": [1, 1, 1, 1, 1, 0, 0, 0, 0, 0]})
    X, _ = design(frame, ["score"])
    sep = check_separation(X, frame["churned"].to_numpy())
    assert sep.kind == "complete" and sep.columns == ("score",)
    res = logit(frame, "churned", "score")
    assert res.status == "separation"
    assert "every customer with score 1 (n=2), 2 (n=2) or 3 (n=1) churned" in res.notes[0]
    assert res.method.startswith("Firth")
    assert np.isfinite(res.term("score")["coef"]) and abs(res.term("score")["coef"]) < 10
    # never a maximum-likelihood coefficient when told not to use Firth
    assert logit(frame, "churned", "score", firth="never").table.empty


def test_quasi_separation_like_ibm_telco_is_detected():
    # churn 100% at scores 1-2, mixed at 3, 0% at 4-5: the shape of the IBM Telco satisfaction score
    score = np.r_[np.ones(20), np.full(15, 2), np.full(40, 3), np.full(30, 4), np.full(25, 5)]
    churn = np.r_[np.ones(35), np.ones(6), np.zeros(34), np.zeros(55)]
    frame = pd.DataFrame({"score": score, "churned": churn})
    X, _ = design(frame, ["score"])
    assert check_separation(X, churn).kind == "quasi-complete"
    res = logit(frame, "churned", ["score"])
    assert res.status == "separation"
    assert "none with score 4 (n=30) or 5 (n=25) did" in res.notes[0]


def test_overlapping_data_is_not_flagged():
    rng = np.random.default_rng(1)
    x = rng.integers(1, 6, 300)
    y = rng.random(300) < expit(-1 + 0.2 * x)
    X, _ = design(pd.DataFrame({"x": x}), ["x"])
    assert check_separation(X, y).kind == "none"


@pytest.mark.parametrize("churned, status", [(np.zeros(20), "no events"), (np.ones(20), "no events")])
def test_no_events(churned, status):
    frame = pd.DataFrame({"x": np.arange(20) % 5, "churned": churned})
    res = logit(frame, "churned", "x")
    assert res.status == status and not res.fitted and res.table.empty
    assert "no variation" in res.notes[0]


def test_no_variance_predictor_and_copy_of_outcome():
    y = np.r_[np.ones(10), np.zeros(10)]
    frame = pd.DataFrame({"flat": np.full(20, 3.0), "copy": 1 - y, "x": np.arange(20) % 7, "churned": y})
    res = logit(frame, "churned", "flat")
    assert res.status == "no variance" and not res.fitted
    assert "no variance" in res.notes[0]
    res = logit(frame, "churned", "copy")
    assert res.status == "copy of outcome" and not res.fitted
    assert "copy of the outcome" in res.notes[0]
    # a flat control is left out, the model still runs
    res = logit(frame, "churned", "x", controls=["flat"])
    assert res.fitted and any("flat has no variance" in n for n in res.notes)


def test_categorical_terms_and_prediction():
    frame = pd.DataFrame({"seg": ["a", "a", "b", "b", "c", "c"] * 10,
                          "churned": [1, 0, 0, 0, 1, 1, 0, 0, 1, 0, 1, 0] * 5})
    res = logit(frame, "churned", "seg", reference={"seg": "b"})
    assert set(res.table["term"]) == {"Intercept", "seg[a]", "seg[c]"}
    p = res.predict(pd.DataFrame({"seg": ["a", "b", "c"]}))
    observed = frame.groupby("seg")["churned"].mean()
    np.testing.assert_allclose(p, observed[["a", "b", "c"]].to_numpy(), atol=1e-6)
