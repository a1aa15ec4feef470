"""Survey weights carried into the studies (issue 15, item 8), checked against R ``survey`` values
typed in from /work/refs/REFERENCES.md case f (R 4.2.2, survey 4.1.1, survival 3.5.3)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cxkit as cx

REFS = Path("/work/refs/data")
needs_refs = pytest.mark.skipif(not REFS.exists(), reason="reference inputs in /work/refs/data not available")


@needs_refs
def test_survey_weighted_logit_matches_svyglm_on_apistrat():
    # R: svyglm(hi ~ stype, svydesign(ids = ~1, weights = ~pw, data = apistrat), family = quasibinomial()),
    # reference level E (REFERENCES.md case f, design "ids=~1, w=pw").
    r_coef = {"Intercept": -0.160342649569922, "stype[H]": -0.686955206047556, "stype[M]": -0.992336848493124}
    r_se = {"Intercept": 0.201146585090362, "stype[H]": 0.369021174134402, "stype[M]": 0.388149546897381}
    d = pd.read_csv(REFS / "apistrat.csv")
    fit = cx.logit(d, "hi", ["stype"], reference={"stype": "E"}, survey_weights="pw")
    t = fit.table.set_index("term")
    for term in r_coef:
        assert t.loc[term, "coef"] == pytest.approx(r_coef[term], abs=1e-7)
        assert t.loc[term, "se"] == pytest.approx(r_se[term], rel=1e-6)
    assert "sandwich" in fit.method and fit.n == len(d)
    # pw is constant within stype, so these estimates equal the unweighted ones; on sch_wide (not a
    # stratum) the weights move the estimate.
    w = cx.logit(d, "hi", ["sch_wide"], survey_weights="pw").table.set_index("term")
    u = cx.logit(d, "hi", ["sch_wide"]).table.set_index("term")
    assert abs(w["coef"].iloc[0] - u["coef"].iloc[0]) > 0.05 and abs(w["se"].iloc[1] - u["se"].iloc[1]) > 0.02
    with pytest.raises(cx.ParameterError, match="not both"):
        cx.logit(d, "hi", ["stype"], weights="pw", survey_weights="pw")


@needs_refs
def test_weighted_kaplan_meier_matches_survfit_and_svykm():
    # R (REFERENCES.md case f, data f_weighted_surv.csv): survfit(Surv(time, status) ~ 1, weights = w) and
    # svykm(se = FALSE): median 2.446; S at the first 3 event times 0.977176930194305, 0.960316644391899,
    # 0.950138788938008 (lifelines' weighted KM agrees).
    d = pd.read_csv(REFS / "f_weighted_surv.csv")
    km = cx.kaplan_meier(d, "time", "status", weights="w", times=(2, 5, 10), min_n=0)
    np.testing.assert_allclose(km.curves["survival"].iloc[1:4],
                               [0.977176930194305, 0.960316644391899, 0.950138788938008], atol=1e-12)
    assert km.groups["median"].iloc[0] == pytest.approx(2.446)
    # svykm(se = TRUE) intervals (Aalen curve, linearisation): t = 2, 5, 10 -> widths 0.2876, 0.2897, 0.2664.
    # The Kish-scaled Greenwood interval of the KM curve is of the same width (within 10 %), while
    # treating the weights as frequencies would make it sqrt(97.27 / n_eff) times too narrow.
    r_width = np.array([0.750980074942841 - 0.463391128626668, 0.520052319944108 - 0.230380696539170,
                        0.410799415477688 - 0.144395595512425])
    width = (km.at["ci_high"] - km.at["ci_low"]).to_numpy()
    np.testing.assert_allclose(width / r_width, 1, atol=0.10)


@needs_refs
def test_weighted_cox_matches_svycoxph():
    # R: svycoxph(Surv(time, status) ~ x, design = svydesign(ids = ~1, weights = ~w, data = d)) (Efron):
    # coef 0.841454443163811, SE 0.439360673129087 (REFERENCES.md case f).
    d = pd.read_csv(REFS / "f_weighted_surv.csv")
    res = cx.cox(d, ["x"], "time", "status", weights="w")
    row = res.table.set_index("term").loc["x"]
    assert row["coef"] == pytest.approx(0.841454443163811, abs=1e-8)
    assert row["se"] == pytest.approx(0.439360673129087, rel=1e-7)


def test_weighted_cox_with_tied_times_matches_r():
    # tests/fixtures/weighted/cox_ties.csv: 400 rows, whole-number times 1..29 (many ties), weights 0.5-3.
    # Values printed by R 4.2.2 (survival 3.5.3, survey 4.1.1):
    #   coxph(Surv(t, e) ~ x1 + x2, data = d, weights = w, robust = TRUE, ties = "efron")
    #     coef -0.0408018864276201, 1.0018061201424937; robust SE 0.067350908296773, 0.164287038587724
    #   svycoxph(Surv(t, e) ~ x1 + x2, design = svydesign(ids = ~1, weights = ~w, data = d))
    #     SE 0.0674352551154182, 0.1644927832376467 (= coxph robust x sqrt(n / (n - 1)))
    # lifelines' CoxPHFitter(weights_col="w", robust=True) has the same coefficients but robust SEs
    # 0.0648, 0.1597: its score residuals ignore the Efron tie correction, so R is the reference here.
    d = pd.read_csv(Path(__file__).parent / "fixtures" / "weighted" / "cox_ties.csv")
    t = cx.cox(d, ["x1", "x2"], "t", "e", weights="w").table.set_index("term")
    np.testing.assert_allclose(t["coef"], [-0.0408018864276201, 1.0018061201424937], atol=1e-9)
    np.testing.assert_allclose(t["se"], [0.0674352551154182, 0.1644927832376467], rtol=1e-7)


def test_churn_study_applies_survey_weights(sample):
    from dataclasses import replace

    rng = np.random.default_rng(0)
    w = rng.choice([0.5, 1.0, 4.0], len(sample.responses))
    ds = replace(sample, responses=sample.responses.assign(weight=w))
    study = cx.churn_study(ds, ["ces"], as_of="2026-11-01", n_boot=50, hazard=False,
                           controls=["tenure_years", "segment"])
    assert any("Survey weights applied" in n for n in study.notes)
    assert not any("does not apply" in n for n in study.notes)
    # Weighted rate per score and Kish's n_eff, written out from the aligned answers.
    f = study.aligned["ces"].frame
    tab = study.by_score.set_index("score")
    for s, g in f.groupby("ces"):
        assert tab.loc[s, "churn_rate"] == pytest.approx(100 * np.average(g["churned"], weights=g["weight"]))
        assert tab.loc[s, "n_eff"] == pytest.approx(g["weight"].sum() ** 2 / (g["weight"] ** 2).sum())
    assert (study.models["method"].str.contains("sandwich")).all()
    assert any("Survey-weighted" in n for n in study.cox["ces"].notes)
    # The weighted models agree with statsmodels' GLM with var_weights and HC0 x n/(n-1) (REFERENCES.md
    # case f shows that this is R svyglm's variance).
    import statsmodels.api as sm
    d = f[["churned", "ces", "weight"]].dropna()
    ref = sm.GLM(d["churned"].astype(float), sm.add_constant(d["ces"].astype(float)), family=sm.families.Binomial(),
                 var_weights=d["weight"]).fit(cov_type="HC0")
    row = study.models[study.models["model"] == "alone"].iloc[0]
    assert row["coef"] == pytest.approx(ref.params["ces"], rel=1e-6)
    n = len(d)
    se = (row["ci_high"] - row["ci_low"]) / (2 * 1.959963984540054)
    assert se == pytest.approx(ref.bse["ces"] * np.sqrt(n / (n - 1)), rel=1e-6)
