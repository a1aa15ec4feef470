"""Notebook 01 runs on the public datasets (skipped without ../shared) and in Dutch; figures match pandas.

Each run writes its tables to CSV (`output_dir`); the figures are compared with plain
pandas computations on the source files, never with cxkit's own output.
"""

from __future__ import annotations

import nbformat
import pandas as pd
import pytest

from cxkit.run.notebook import execute_notebook, notebook_parameters

from .conftest import ROOT, shared_path

NB01 = ROOT / "notebooks" / "01_cx_overview.ipynb"


def run(tmp_path, params):
    res = execute_notebook(NB01, tmp_path / "report", {**params, "output_dir": str(tmp_path / "tables")})
    assert res.status == "ok", res.error
    nb = nbformat.read(res.notebook, as_version=4)
    assert not [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    # Printed text and the Markdown the notebook displays (summaries are shown as Markdown, not printed).
    text = "".join(o.get("text", "") + o.get("data", {}).get("text/markdown", "")
                   for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    return res, text, (lambda name: pd.read_csv(tmp_path / "tables" / f"{name}.csv"))


def test_lang_parameter_is_declared():
    params = notebook_parameters(NB01)
    assert params["lang"]["default"].strip("'\"") == "en"


def test_overview_in_dutch_on_the_sample(tmp_path):
    res, text, table = run(tmp_path, {"run_date": "2026-03-31", "lang": "nl", "group_by": ["segment"]})
    assert "punten (95%-BI" in text and "% topbox" in text
    html = res.html.read_text()
    assert "Datakwaliteitsrapport" in html and "BI onder" in html  # the data-quality report in Dutch too
    assert set(table("headline")["metric"]) == {"nps", "csat", "ces"}


def test_overview_on_ibm_telco(tmp_path):
    status = pd.read_excel(shared_path("ibm_telco_v11", "Telco_customer_churn_status.xlsx"))
    res, text, table = run(tmp_path, {"spec": str(ROOT / "data" / "specs" / "ibm_telco.yaml"), "group_by": ["segment", "channel"]})
    assert "no answer dates" in text and "Not in this dataset, so not drilled down: ['channel']" in text
    churn = table("churn").iloc[0]
    assert churn["n"] == 7043 and churn["churned"] == 1869 and round(churn["churn_pct"], 1) == 26.5
    head = table("headline").set_index("metric")
    assert head.loc["csat", "value"] == pytest.approx(100 * (status["Satisfaction Score"] >= 4).mean())
    services = pd.read_excel(shared_path("ibm_telco_v11", "Telco_customer_churn_services.xlsx"))
    by = table("churn_by_segment").set_index("segment")
    merged = services[["Customer ID", "Contract"]].merge(status[["Customer ID", "Churn Value"]], on="Customer ID")
    expected = 100 * merged.groupby("Contract")["Churn Value"].mean()
    assert by["churn_pct"].to_dict() == pytest.approx(expected.to_dict())


def test_overview_on_oddjob_airways_in_dutch(tmp_path):
    raw = pd.read_csv(shared_path("oddjob_airways_airlinesat", "airlinesat.csv"))
    res, text, table = run(tmp_path, {"spec": str(ROOT / "data" / "specs" / "oddjob_airways.yaml"), "lang": "nl",
                                      "group_by": ["segment", "flight_class"]})
    nps = raw["nps"] - 1
    expected = 100 * ((nps >= 9).mean() - (nps <= 6).mean())
    head = table("headline").set_index("metric")
    assert head.loc["nps", "value"] == pytest.approx(expected)
    assert f"- NPS: {expected:.1f}".replace(".", ",") + " punten" in text
    by_class = table("nps_by_flight_class").set_index("flight_class")
    for cls, part in raw.groupby("flight_class"):
        s = part["nps"] - 1
        if len(part) < 30:  # min_n: too few passengers in this class to report
            assert by_class.loc[cls, "suppressed"] and pd.isna(by_class.loc[cls, "nps"])
        else:
            assert by_class.loc[cls, "nps"] == pytest.approx(100 * ((s >= 9).mean() - (s <= 6).mean()))


def test_overview_on_ravenstack(tmp_path):
    d = shared_path("ravenstack_saas_synthetic")
    tickets = pd.read_csv(d / "ravenstack_support_tickets.csv", parse_dates=["closed_at"])
    res, text, table = run(tmp_path, {"spec": str(ROOT / "data" / "specs" / "ravenstack.yaml"), "run_date": "2024-12-31",
                                      "period_start": "2024-01-01", "group_by": ["segment"], "freq": "Q"})
    answered = tickets[tickets["satisfaction_score"].notna() & (tickets["closed_at"] >= "2024-01-01")]
    head = table("headline").set_index("metric")
    assert head.loc["csat", "n"] == len(answered)
    assert head.loc["csat", "value"] == pytest.approx(100 * (answered["satisfaction_score"] >= 4).mean())
    churn = table("churn")
    assert {"churn_rate", "at_start", "churned"} <= set(churn.columns) and len(churn) == 4
