"""Churn analyses: building blocks against independent computations; the sample's ground truth recovered."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.contingency_tables import Table
from statsmodels.stats.proportion import proportion_confint

import cxkit as cx
from cxkit.data.synth import ground_truth
from cxkit.research.churn import churn_by_score, revenue_at_risk, trend_test
from cxkit.research.hazard import hazard_model
from cxkit.stats.auc import _boot_aucs, auc, auc_table, compare_auc, delong

RUN_DATE = "2026-11-01"


def _toy(seed=0, n=600):
    rng = np.random.default_rng(seed)
    score = rng.integers(1, 8, n)
    churned = rng.random(n) < 1 / (1 + np.exp(-(-1 - 0.3 * (score - 4))))
    return pd.DataFrame({"score": score, "churned": churned})


def test_churn_by_score_matches_wilson_intervals():
    d = _toy()
    t = churn_by_score(d, "score", min_n=0).set_index("score")
    for s, g in d.groupby("score"):
        lo, hi = proportion_confint(g["churned"].sum(), len(g), method="wilson")
        assert t.loc[s, "n"] == len(g) and t.loc[s, "churned"] == g["churned"].sum()
        assert t.loc[s, "churn_rate"] == pytest.approx(100 * g["churned"].mean())
        assert t.loc[s, "ci_low"] == pytest.approx(100 * lo) and t.loc[s, "ci_high"] == pytest.approx(100 * hi)
    small = churn_by_score(d.iloc[:40], "score", min_n=30)
    assert small["suppressed"].all() and small["churn_rate"].isna().all()


def test_cochran_armitage_equals_linear_by_linear_up_to_n_over_n_minus_1():
    d = _toy(seed=4)
    res = trend_test(d, "score")
    tab = pd.crosstab(d["score"], d["churned"]).to_numpy()
    lbl = Table(tab).test_ordinal_association(row_scores=np.arange(1, 8), col_scores=np.array([0, 1]))
    n = len(d)
    assert res["z"] ** 2 == pytest.approx(lbl.zscore**2 * n / (n - 1), rel=1e-9)
    assert res["direction"] == "falls"
    assert trend_test(d.assign(churned=False), "score")["note"].startswith("no churn")


def _delong_by_definition(y, a, b):
    """DeLong et al. (1988) structural components with explicit loops."""
    pos, neg = [np.where(y)[0], np.where(~y)[0]]

    def psi(x, z):
        return 1.0 if x > z else 0.5 if x == z else 0.0

    out = []
    for s in (a, b):
        v10 = np.array([np.mean([psi(s[i], s[j]) for j in neg]) for i in pos])
        v01 = np.array([np.mean([psi(s[i], s[j]) for i in pos]) for j in neg])
        out.append((v10, v01))
    s10 = np.cov(np.vstack([out[0][0], out[1][0]]))
    s01 = np.cov(np.vstack([out[0][1], out[1][1]]))
    return np.array([out[0][0].mean(), out[1][0].mean()]), s10 / len(pos) + s01 / len(neg)


def test_auc_and_delong_against_definitions():
    rng = np.random.default_rng(11)
    y = rng.random(60) < 0.35
    a = rng.integers(1, 6, 60) + y
    b = rng.normal(size=60) + 0.5 * y
    u = stats.mannwhitneyu(a[y], a[~y]).statistic
    assert auc(y, a) == pytest.approx(u / (y.sum() * (~y).sum()))
    aucs, cov = delong(y, np.vstack([a, b]))
    ref_aucs, ref_cov = _delong_by_definition(y, a, b)
    np.testing.assert_allclose(aucs, ref_aucs, atol=1e-12)
    np.testing.assert_allclose(cov, ref_cov, atol=1e-12)
    frame = pd.DataFrame({"a": a, "b": b, "churned": y})
    res = compare_auc(frame, "a", "b", {"a": 1, "b": 1}, n_boot=200, seed=1)
    var = ref_cov[0, 0] + ref_cov[1, 1] - 2 * ref_cov[0, 1]
    assert res["p_value"] == pytest.approx(2 * stats.norm.sf(abs(ref_aucs[0] - ref_aucs[1]) / np.sqrt(var)))
    # orientation comes from the sign, never from the data
    t = auc_table(frame, {"a": -1}, n_boot=100)
    assert t.loc[0, "auc"] == pytest.approx(1 - auc(y, a))


def test_cell_bootstrap_is_a_row_bootstrap():
    rng = np.random.default_rng(5)
    y = rng.random(400) < 0.3
    r = (rng.integers(1, 6, 400) + y).astype(float)
    cells = _boot_aucs(y, r[None, :], 3000, 1)[:, 0]
    rows = []
    for _ in range(3000):
        idx = rng.integers(0, 400, 400)
        rows.append(auc(y[idx], r[idx]))
    assert cells.mean() == pytest.approx(np.mean(rows), abs=0.003)
    assert cells.std() == pytest.approx(np.std(rows), rel=0.08)


def test_revenue_at_risk_sums():
    frame = pd.DataFrame({"segment": ["a", "a", "b"], "value": [100.0, 50.0, 10.0]})
    prob = np.array([0.1, 0.2, 0.5])
    t = revenue_at_risk(frame, prob, "value", "segment").set_index("segment")
    assert t.loc["a", "at_risk"] == pytest.approx(20.0)
    assert t.loc["b", "at_risk"] == pytest.approx(5.0)
    assert t.loc["all", "at_risk"] == pytest.approx(25.0)
    assert t.loc["all", "expected_churners"] == pytest.approx(0.8)
    assert t.loc["a", "pct_at_risk"] == pytest.approx(100 * 20 / 150)


# -- the bundled sample: ground truth of cxkit.data.synth ---------------------------------------------
@pytest.fixture(scope="module")
def sample_asof(sample):
    return sample.as_of(RUN_DATE)


def _joined_in_window(ds):
    """The customers who joined inside the sample's window, with their answers: their whole history is in the
    data. (Those already there answered surveys before the export begins; the data shows them as "no answer".)"""
    first = ds.responses["answered_at"].min()
    c = ds.customers[ds.customers["start_date"] >= first].reset_index(drop=True)
    r = ds.responses[ds.responses["customer_id"].isin(set(c["customer_id"]))].reset_index(drop=True)
    return replace(ds, customers=c, responses=r)


def test_monthly_hazard_recovers_every_true_coefficient(sample_asof):
    truth = ground_truth()
    base = dict(zip(("consumer", "smb", "enterprise"), truth["base_logit"], strict=True))
    new = _joined_in_window(sample_asof)
    res = hazard_model(new, {"ces": "linear", "nps": "band"}, ["segment", "contract"], as_of=RUN_DATE,
                       reference={"segment": "consumer", "contract": "monthly"})
    assert res.model.status == "ok"
    expected = {
        "Intercept": base["consumer"],                # CES centred at 4 (the scale midpoint), passive, monthly
        "ces": truth["ces_per_point"],
        "nps_band[detractor]": truth["detractor"],
        "nps_band[promoter]": truth["promoter"],
        "contract[annual]": truth["annual_contract"],
        "segment[smb]": base["smb"] - base["consumer"],
        "segment[enterprise]": base["enterprise"] - base["consumer"],
        "ces_none": 0.0,                              # no answer yet: the term is 0 in the generator
        "nps_band[none]": 0.0,
    }
    table = res.table.set_index("term")
    assert set(expected) == set(table.index)
    for term, value in expected.items():
        lo, hi = table.loc[term, "ci_low"], table.loc[term, "ci_high"]
        assert lo <= value <= hi, f"{term}: true {value} outside [{lo:.3f}, {hi:.3f}]"
    assert res.events == int(new.customers["churned"].sum()) - _churned_before_window(new)


def test_answers_before_the_export_make_no_answer_look_safer(sample_asof):
    """Sample README: customers already there when the window opens answered before it, mostly CES above the
    midpoint (lower hazard); the data shows them as "no CES answer", so on the whole sample that term is
    negative, not the generator's 0 (a trap of real exports: "no answer in the data" is not "no answer")."""
    res = hazard_model(sample_asof, {"ces": "linear", "nps": "band"}, ["segment", "contract"], as_of=RUN_DATE,
                       reference={"segment": "consumer", "contract": "monthly"})
    t = res.table.set_index("term")
    assert t.loc["ces_none", "ci_high"] < 0
    assert t.loc["ces", "ci_low"] <= ground_truth()["ces_per_point"] <= t.loc["ces", "ci_high"]
    assert res.events == int(sample_asof.customers["churned"].sum()) - _churned_before_window(sample_asof)


def _churned_before_window(ds):
    """Customers whose churn falls in a month not used (none: the generator starts churn in the window)."""
    return int((ds.customers["end_date"] < ds.responses["answered_at"].min()).sum())


@pytest.fixture(scope="module")
def study(sample_asof):
    return cx.churn_study(sample_asof, horizon_days=180, window_days=90, as_of=RUN_DATE,
                          controls=["tenure_years", "segment", "contract", "channel"], n_boot=200, seed=1,
                          hazard=False)


def test_ranking_ces_beats_nps_beats_csat(study):
    auc_own = study.auc.set_index("metric")["auc"]
    assert auc_own["ces"] > auc_own["nps"] > auc_own["csat"] > 0.5
    pairs = study.auc_pairs.set_index(["a", "b"])
    assert pairs.loc[("ces", "nps"), "diff"] > 0
    assert pairs.loc[("ces", "csat"), "diff"] > 0
    assert pairs.loc[("nps", "csat"), "diff"] > 0
    # CES over NPS is the designed, clear effect: its paired interval excludes 0
    assert pairs.loc[("ces", "nps"), "ci_low"] > 0


def test_direction_of_every_effect(study):
    models = study.models.set_index(["metric", "model"])
    for metric in ("ces", "nps", "csat"):
        for model in ("alone", "with controls"):
            assert models.loc[(metric, model), "ci_high"] < 0      # higher score, less churn (log odds)
            assert models.loc[(metric, model), "odds_ratio_high"] < 1
    rates = study.by_score[study.by_score["metric"] == "ces"].set_index("score")["churn_rate"]
    assert rates[1] > rates[4] > rates[7]
    nps_cox = study.cox["nps"].table.set_index("term")
    assert nps_cox.loc["band[detractor]", "ci_low"] > 0 and nps_cox.loc["band[promoter]", "ci_high"] < 0
    assert nps_cox.loc["band[detractor]", "hazard_ratio_low"] > 1
    ces_km = study.km["ces"].at.set_index(["group", "time"])["survival"]
    assert ces_km[("hard", 365)] < ces_km[("neutral", 365)] < ces_km[("easy", 365)]
    lr = study.lr_tests.set_index(["base", "added"])
    assert lr.loc[("nps", "ces"), "p_value"] < 0.001            # effort adds to NPS
    assert lr.loc[("ces", "csat"), "p_value"] > 0.05            # CSAT has no direct effect


def test_study_text_is_generated_from_the_numbers(study):
    text = study.describe()
    ces = study.auc.set_index("metric").loc["ces"]
    assert f"ces {ces['auc']:.2f} ({ces['ci_low']:.2f} to {ces['ci_high']:.2f}" in text
    assert f"{study.aligned['ces'].left_out:,} answers were left out" in text
    assert "ces predicts churn better" in text
    with pytest.raises(cx.ParameterError):
        study.describe(lang="fr")


def test_study_validates_its_models_out_of_sample(study):
    v = study.validation.set_index(["metric", "model"])
    assert {"validation", "calibration"} <= set(study.tables) and "calibration" in study.figures
    for metric in ("ces", "nps", "csat"):
        r = v.loc[(metric, "alone")]
        assert r["n_train"] > 0 and r["n_test"] > 0 and r["split_at"] == study.validation["split_at"].iloc[0]
        assert 0.5 < r["auc_test"] < 1 and r["auc_test_low"] < r["auc_test"] < r["auc_test_high"]
        assert r["td_cases"] > 0 and 0.5 < r["td_auc"] < 1
        assert r["brier"] < 0.1
    # The designed effect holds on later answers: CES ranks first out of sample too.
    assert v.loc[("ces", "alone"), "auc_test"] > v.loc[("nps", "alone"), "auc_test"]
    cal = study.calibration[(study.calibration["metric"] == "ces") & (study.calibration["model"] == "alone")]
    assert cal["n"].sum() == v.loc[("ces", "alone"), "n_test"]
    text = study.describe()
    ces = v.loc[("ces", "alone")]
    assert (f"ces separates leavers from stayers best, with an out-of-sample AUC of {ces['auc_test']:.2f} "
            f"(95% CI {ces['auc_test_low']:.2f} to {ces['auc_test_high']:.2f}") in text


def test_no_events_and_separation_do_not_crash():
    frame = _toy().assign(churned=False)
    tab, fits = cx.metric_models(frame, ["score"])
    assert (tab["status"] == "no events").all() and tab["odds_ratio"].isna().all()
    sep = pd.DataFrame({"score": [1, 1, 2, 2, 3, 3, 3, 4, 5, 5] * 5,
                        "churned": [1, 1, 1, 1, 1, 0, 0, 0, 0, 0] * 5})
    tab, _ = cx.metric_models(sep, ["score"])
    assert tab.loc[0, "status"] == "separation" and tab.loc[0, "method"].startswith("Firth")
