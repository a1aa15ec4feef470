"""Alerts reach kpis.json and the run index (issue 17, item 2)."""

from __future__ import annotations

import json

import nbformat
import pandas as pd

import cxkit as cx
from cxkit.report.alerts import alert_records, extract_alerts
from cxkit.report.kpis import KPI_MIME, kpis_json
from cxkit.run.manifest import write_index

STABLE = [0.70, 0.72, 0.69, 0.71, 0.70, 0.73, 0.68, 0.71, 0.70, 0.72, 0.69, 0.71]


def _data() -> pd.DataFrame:
    rows = []
    for channel, shares in {"web": STABLE + [0.55], "phone": STABLE + [0.71]}.items():
        for m, share in zip(pd.period_range("2024-01", periods=13, freq="M"), shares, strict=True):
            top = int(round(share * 400))
            rows.append(pd.DataFrame({"answered_at": m.start_time, "channel": channel,
                                      "score": [5] * top + [2] * (400 - top)}))
    return pd.concat(rows, ignore_index=True)


def test_alert_records_carry_both_languages_and_round_trip_through_a_notebook(tmp_path):
    mo = cx.monitor(_data(), "csat", by="channel")
    recs = alert_records(mo)
    assert [(r["series"], r["period"], r["direction"]) for r in recs] == [("web", "2025-01", "worse")]
    assert recs[0]["text"]["en"].startswith("Alert: csat (web) in 2025-01 is 55.0")
    assert recs[0]["text"]["nl"].startswith("Signaal: csat (web) in 2025-01 is 55,0")
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("cx.record_alerts(mo)")
    cell.outputs = [nbformat.v4.new_output("display_data", data={KPI_MIME: {"kpis": [], "alerts": recs},
                                                                   "text/plain": "x"})]
    nb.cells.append(cell)
    assert extract_alerts(nb) == recs
    text = kpis_json([], report="01_cx_overview", alerts=recs)
    assert json.loads(text)["alerts"][0]["series"] == "web"
    assert kpis_json([], alerts=recs) == kpis_json([], alerts=recs)  # deterministic bytes
    # Outside a kernel record_alerts shows nothing and returns the same records.
    assert cx.record_alerts(mo) == recs


def test_run_index_has_an_alerts_column_in_the_index_language(tmp_path):
    recs = alert_records(cx.monitor(_data(), "csat", by="channel"))
    date = tmp_path / "2026-11-01"
    for name, alerts, lang in (("01_cx_overview", recs, "en"), ("02_satisfaction_vs_loyalty", [], "en")):
        run = date / name
        run.mkdir(parents=True)
        (run / "manifest.json").write_text(json.dumps({"cxkit_manifest": 1, "report": name, "status": "ok",
                                                       "outputs": {}, "parameters": {"lang": lang}}))
        (run / "kpis.json").write_text(kpis_json([], report=name, alerts=alerts))
    page = write_index(date).read_text()
    assert "<th>alerts</th>" in page
    assert "Alert: csat (web) in 2025-01 is 55.0" in page
    page_nl = write_index(date, lang="nl").read_text()
    assert "<th>signalen</th>" in page_nl and "Signaal: csat (web) in 2025-01 is 55,0" in page_nl
    assert page_nl.count("geen") >= 1
