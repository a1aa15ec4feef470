"""The research notebooks (02-04) run under papermill with non-default parameters, on the sample and on the
public datasets (skipped with a reason when ../shared is absent), and report what the data allows.

nbval runs them with their defaults as well (``make test`` passes ``--nbval-lax notebooks``).
"""

from __future__ import annotations

import re

import nbformat
import numpy as np
import pandas as pd
import pytest

from cxkit.run.notebook import execute_notebook, notebook_parameters

from .conftest import ROOT, shared_path

NB = {n: ROOT / "notebooks" / f"{n}.ipynb" for n in ("02_satisfaction_vs_loyalty", "03_effort_nps_churn",
                                                     "04_drivers")}
SPECS = ROOT / "data" / "specs"


def _run(name, tmp_path, params):
    res = execute_notebook(NB[name], tmp_path, {**params, "output_dir": str(tmp_path / "tables")})
    assert res.status == "ok", res.error
    nb = nbformat.read(res.notebook, as_version=4)
    assert not [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    html = res.html.read_text()
    assert "import cxkit" not in html            # code hidden in the report
    return html, tmp_path / "tables"


def _summary(html: str) -> str:
    """The verdict section: from its heading (en or nl) to the next section heading (it now opens the page)."""
    return re.split(r"What the data says|Wat de data zegt", html, maxsplit=1)[1].split("<h2", 1)[0]


@pytest.mark.parametrize("name", list(NB))
def test_parameters_cell_is_annotated(name):
    params = notebook_parameters(NB[name])
    assert {"spec", "run_date", "min_n", "level", "lang", "output_dir"} <= set(params)
    assert all(p["type"] != "None" for p in params.values())
    assert params["spec"]["default"].strip("\"'") == "../data/sample/spec.yaml"


@pytest.mark.slow
def test_loyalty_notebook_with_other_parameters(tmp_path):
    html, tables = _run("02_satisfaction_vs_loyalty", tmp_path, {
        "run_date": "2026-06-30", "window_days": 60, "horizon_days": 90, "segment": "contract", "level": 0.9,
        "lang": "nl"})
    assert "binnen 60 dagen" in _summary(html)  # lang="nl": the generated summary is Dutch
    seg = pd.read_csv(tables / "segments.csv")
    assert set(seg["segment"]) == {"annual", "monthly"}
    assert "90%-BI" in _summary(html)  # the non-default level, in Dutch


@pytest.mark.slow
def test_churn_notebook_with_other_parameters(tmp_path):
    html, tables = _run("03_effort_nps_churn", tmp_path, {
        "run_date": "2026-06-30", "horizon_days": 90, "window_days": 60, "metrics": ["ces", "nps"],
        "controls": ["segment"], "keep": "all", "n_boot": 100, "seed": 3, "discount": 0.05, "horizon": 24})
    models = pd.read_csv(tables / "models.csv")
    assert set(models["metric"]) == {"ces", "nps"}
    assert models["method"].str.contains("cluster-robust").all()      # keep="all": clustered by customer
    pairs = pd.read_csv(tables / "auc_pairs.csv")
    assert list(zip(pairs["a"], pairs["b"], strict=True)) == [("ces", "nps")]
    assert "left within 90 days" in _summary(html)
    # issue 18: the sample has dates and monthly revenue, so revenue at risk is valued at segment CLV
    risk = pd.read_csv(tables / "revenue_at_risk.csv")
    assert (risk["value_source"] == "estimated CLV").all()
    assert "estimated lifetime value" in html
    # the notebook's discount and horizon reach the lifetime value (valpolish); the interval covers it too
    assert "24 months, 5% a year" in html and "paired draw by draw" in html
    assert risk["ci_low"].notna().all()


@pytest.mark.slow
def test_drivers_notebook_with_other_parameters(tmp_path):
    html, tables = _run("04_drivers", tmp_path, {
        "by_touchpoint": False, "missing": "listwise", "method": "relative_weights", "window_days": 180,
        "n_boot": 100})
    imp = pd.read_csv(tables / "importance.csv")
    assert set(imp["driver"]) == {"csat", "ces"}
    assert "Johnson" in _summary(html)


# -- public datasets (../shared/data) --------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.shared
def test_churn_notebook_on_ibm_telco_reports_the_separation(tmp_path):
    status = pd.read_excel(shared_path("ibm_telco_v11", "Telco_customer_churn_status.xlsx"))
    html, tables = _run("03_effort_nps_churn", tmp_path, {
        "spec": str(SPECS / "ibm_telco.yaml"), "controls": ["tenure_months", "contract"], "n_boot": 100})
    rates = pd.read_csv(tables / "churn_by_score.csv").set_index("score")
    plain = status.groupby("Satisfaction Score")["Churn Value"].agg(["size", "mean"])
    for s, r in plain.iterrows():
        assert rates.loc[s, "n"] == r["size"]
        assert rates.loc[s, "churn_rate"] == pytest.approx(100 * r["mean"])
    assert rates.loc[1, "churn_rate"] == 100 and rates.loc[5, "churn_rate"] == 0
    models = pd.read_csv(tables / "models.csv")
    assert (models["status"] == "separation").all()
    assert models["method"].str.startswith("Firth").all()         # never a maximum-likelihood coefficient
    text = _summary(html)
    assert "separation on csat" in text
    assert "every customer with csat 1 (n=922) or 2 (n=518) churned" in text
    assert "odds of churning x" not in text                       # no per-point odds ratio claimed
    assert "no answer or churn dates" in text                     # the time-order caveat
    # issue 18: no dates, no retention curve, so no CLV estimate: IBM's declared CLTV score, said so
    risk = pd.read_csv(tables / "revenue_at_risk.csv")
    assert (risk["value_source"] == "declared value").all()


@pytest.mark.slow
@pytest.mark.shared
def test_churn_notebook_on_ravenstack_claims_no_spurious_effect(tmp_path):
    shared_path("ravenstack_saas_synthetic")
    html, tables = _run("03_effort_nps_churn", tmp_path, {
        "spec": str(SPECS / "ravenstack.yaml"), "run_date": "2024-12-31", "n_boot": 200})
    trends = pd.read_csv(tables / "trend_tests.csv")
    models = pd.read_csv(tables / "models.csv")
    assert (trends["p_adj"] > 0.05).all()
    assert (models["p_value"] > 0.05).all()
    assert (models["ci_low"] < 0).all() and (models["ci_high"] > 0).all()          # log odds
    assert (models["odds_ratio_low"] < 1).all() and (models["odds_ratio_high"] > 1).all()
    text = _summary(html)
    assert "none of the scores is significantly related to churn" in text
    assert "predicts churn better" not in text


@pytest.mark.slow
@pytest.mark.shared
def test_loyalty_notebook_on_oddjob_airways_with_recoded_nps(tmp_path):
    raw = pd.read_csv(shared_path("oddjob_airways_airlinesat", "airlinesat.csv"))
    html, tables = _run("02_satisfaction_vs_loyalty", tmp_path, {"spec": str(SPECS / "oddjob_airways.yaml")})
    nps = raw["nps"] - 1                                            # coded 1..11 in the file
    cat = np.where(nps >= 9, "promoter", np.where(nps <= 6, "detractor", "passive"))
    plain = pd.crosstab(raw["overall_sat"], cat)
    ct = pd.read_csv(tables / "crosstab.csv")
    for _, r in ct.iterrows():
        assert r["n"] == plain.loc[r["csat"], r["category"]]
    seg = pd.read_csv(tables / "segments.csv").set_index("segment")
    for status, g in raw.groupby("status"):
        x = g["nps"] - 1
        assert seg.loc[status, "nps"] == pytest.approx(100 * ((x >= 9).mean() - (x <= 6).mean()))
    text = _summary(html)
    assert "no churn or retention outcome" in text
    assert "have no dates" in text


@pytest.mark.slow
@pytest.mark.shared
def test_drivers_notebook_on_oddjob_airways_attribute_ratings(tmp_path):
    import statsmodels.api as sm

    raw = pd.read_csv(shared_path("oddjob_airways_airlinesat", "airlinesat.csv"))
    drivers = ["sat1", "sat2", "sat3", "reputation"]
    html, tables = _run("04_drivers", tmp_path, {
        "spec": str(SPECS / "oddjob_airways.yaml"), "drivers": drivers, "by_touchpoint": False,
        "missing": "listwise", "n_boot": 100})
    imp = pd.read_csv(tables / "importance.csv")
    assert set(imp["driver"]) == set(drivers)
    d = raw[["nps", *drivers]].dropna()
    r2 = sm.OLS(d["nps"] - 1, sm.add_constant(d[drivers])).fit().rsquared
    assert imp["importance"].sum() == pytest.approx(r2, abs=1e-9)
    assert f"{100 * r2:.1f}% of the variance in nps" in _summary(html)
