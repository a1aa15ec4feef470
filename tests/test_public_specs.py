"""The public datasets in ../shared/data load through data/specs/*.yaml; figures match plain pandas.

Skipped with a clear reason when ../shared is absent. Every expected figure is
computed here straight from the source files with pandas, never by cxkit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cxkit as cx

from .conftest import ROOT, shared_path

SPECS = ROOT / "data" / "specs"


# Columns that record the churn itself (checked by hand in the source files): reported as probable leakage.
LEAKS = {"ibm_telco": {"customer_status", "Churn Label", "churn_category", "churn_reason", "csat"},
         "ravenstack": {"churn_date", "reason_code", "churn_events"}, "oddjob_airways": set()}


def clean(name: str) -> cx.Dataset:
    """Validate the spec (no error, no warning but probable leakage) and return its dataset."""
    report = cx.validate_dataset(SPECS / f"{name}.yaml")
    assert report.ok and not [w for w in report.warnings if w.check != "leakage"], report.text()
    assert set(report.dataset.leaky()) == LEAKS[name], report.dataset.leaky()
    assert len(report.summary()) == 2  # responses and customers
    return report.require()


@pytest.fixture(scope="module")
def telco():
    shared_path("ibm_telco_v11", "Telco_customer_churn_status.xlsx")
    return clean("ibm_telco")


@pytest.fixture(scope="module")
def oddjob():
    shared_path("oddjob_airways_airlinesat", "airlinesat.csv")
    return clean("oddjob_airways")


@pytest.fixture(scope="module")
def raven():
    shared_path("ravenstack_saas_synthetic", "ravenstack_accounts.csv")
    return clean("ravenstack")


def test_spec_paths_are_relative_and_resolve_from_the_repo():
    for spec in SPECS.glob("*.yaml"):
        text = spec.read_text()
        assert "/work" not in text and "file: /" not in text, spec
        assert "../../../shared/data/" in text, spec
    # data/specs/../../../shared is the folder beside the repository root.
    assert (SPECS / "../../../shared").resolve() == (ROOT.parent / "shared").resolve()


def test_telco_churn_and_satisfaction_match_pandas(telco):
    status = pd.read_excel(shared_path("ibm_telco_v11", "Telco_customer_churn_status.xlsx"))
    c = telco.customers
    assert len(c) == len(status) == 7043
    assert int(c["churned"].sum()) == int(status["Churn Value"].sum()) == 1869
    assert round(100 * c["churned"].mean(), 1) == 26.5
    assert c["value"].sum() == status["CLTV"].sum()
    # CSAT top box (4-5) from cxkit equals the share counted by hand.
    t = cx.csat(telco.answers("csat"), scale=telco.scale("csat"))
    expected = 100 * (status["Satisfaction Score"] >= 4).mean()
    assert t["csat"].iloc[0] == pytest.approx(expected)
    assert t["n"].iloc[0] == 7043
    # Published facts: scores 1-2 all churned, 4-5 none, 3 churned 16.1%.
    a = telco.answers("csat")
    by = a.groupby("score")["churned"].mean()
    assert by[1.0] == by[2.0] == 1.0 and by[4.0] == by[5.0] == 0.0
    assert round(100 * by[3.0], 1) == 16.1


def test_telco_joins_match_pandas(telco):
    services = pd.read_excel(shared_path("ibm_telco_v11", "Telco_customer_churn_services.xlsx"))
    location = pd.read_excel(shared_path("ibm_telco_v11", "Telco_customer_churn_location.xlsx"))
    pop = pd.read_excel(shared_path("ibm_telco_v11", "Telco_customer_churn_population.xlsx"),
                        sheet_name="Population")
    c = telco.customers.set_index("customer_id")
    s = services.set_index("Customer ID")
    assert (c["contract"].to_numpy() == s.loc[c.index, "Contract"].to_numpy()).all()
    assert (c["segment"] == c["contract"]).all()
    assert (c["tenure_months"].to_numpy() == s.loc[c.index, "Tenure in Months"].to_numpy()).all()
    expected_pop = location.merge(pop, on="Zip Code", how="left").set_index("Customer ID")["Population"]
    assert np.allclose(c["zip_population"].astype(float), expected_pop.loc[c.index].astype(float), equal_nan=True)
    assert telco.quality is not None and not telco.quality.errors


def test_oddjob_nps_after_recode_matches_pandas(oddjob):
    raw = pd.read_csv(shared_path("oddjob_airways_airlinesat", "airlinesat.csv"))
    shifted = raw["nps"] - 1
    expected = 100 * ((shifted >= 9).mean() - (shifted <= 6).mean())
    t = cx.nps(oddjob.answers("nps"), scale=oddjob.scale("nps"))
    assert t["nps"].iloc[0] == pytest.approx(expected)
    assert round(t["nps"].iloc[0]) == -18
    assert t["n"].iloc[0] == 1065
    assert oddjob.answers("nps")["score"].between(0, 10).all()


def test_oddjob_csat_top_box_and_segments(oddjob):
    raw = pd.read_csv(shared_path("oddjob_airways_airlinesat", "airlinesat.csv"))
    t = cx.csat(oddjob.answers("csat"), by="segment", scale=oddjob.scale("csat"), min_n=0)
    for _, r in t.iterrows():
        part = raw[raw["status"] == r["segment"]]
        assert r["csat"] == pytest.approx(100 * part["overall_sat"].isin([6, 7]).mean())
        assert r["n"] == len(part)
    assert oddjob.customers["loy5"].dtype.kind == "f"  # numeric controls stay numeric


def test_ravenstack_customers_from_accounts_and_churn_events(raven):
    d = shared_path("ravenstack_saas_synthetic")
    accounts = pd.read_csv(d / "ravenstack_accounts.csv")
    events = pd.read_csv(d / "ravenstack_churn_events.csv", parse_dates=["churn_date"])
    first = events.groupby("account_id")["churn_date"].min()
    c = raven.customers.set_index("customer_id")
    assert len(c) == len(accounts) == 500
    signup = pd.to_datetime(accounts.set_index("account_id").loc[c.index, "signup_date"])
    assert (c["start_date"].to_numpy() == signup.to_numpy()).all()
    end, expected_end = c["end_date"].to_numpy(), first.reindex(c.index).to_numpy()
    assert ((end == expected_end) | (pd.isna(end) & pd.isna(expected_end))).all()
    assert int(c["churned"].sum()) == events["account_id"].nunique()
    n_events = events.groupby("account_id").size().reindex(c.index).fillna(0)
    assert (c["churn_events"].fillna(0).to_numpy() == n_events.to_numpy()).all()


def test_ravenstack_ticket_scores_match_pandas(raven):
    tickets = pd.read_csv(shared_path("ravenstack_saas_synthetic", "ravenstack_support_tickets.csv"))
    answered = tickets["satisfaction_score"].notna()
    assert round(100 * (~answered).mean()) == 41
    a = raven.answers("csat")
    assert len(a) == answered.sum()
    assert a["score"].value_counts().sort_index().tolist() == \
        tickets["satisfaction_score"].value_counts().sort_index().tolist()
    t = cx.csat(a, scale=raven.scale("csat"))
    assert t["csat"].iloc[0] == pytest.approx(100 * (tickets.loc[answered, "satisfaction_score"] >= 4).mean())
    assert a["answered_at"].min() == pd.Timestamp(tickets.loc[answered, "closed_at"].min())
    stats = raven.quality.stats["responses"]
    assert stats["missing_scores"]["csat"] == (~answered).sum()
