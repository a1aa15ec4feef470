"""Every notebook is useful on every dataset: status ``ok`` or ``not applicable`` with its reason, never a traceback.

Runs the four report notebooks on every spec in ``data/specs/`` (public datasets in ../shared/data;
skipped with a clear reason when absent), in English and Dutch: to keep ``make test`` modest, each spec
runs one notebook (rotating) in Dutch and the other three in English. The trap datasets are run in
``test_trap_notebooks.py`` (its own file, so ``--dist loadfile`` puts it on the other worker). The unit tests below check the
package logic that decides what applies (period derivation, one-score loyalty, driver outcome)
on small DataFrames, without a kernel.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

import cxkit as cx
from cxkit.run.notebook import execute_notebook

from .conftest import ROOT, SHARED_DATA

SPECS = sorted((ROOT / "data" / "specs").glob("*.yaml"))
NOTEBOOKS = ["01_cx_overview", "02_satisfaction_vs_loyalty", "03_effort_nps_churn", "04_drivers",
             "05_segment_tables", "06_comments", "07_value"]
FAST = {"03_effort_nps_churn": {"n_boot": 50}, "04_drivers": {"n_boot": 50}, "06_comments": {"n_boot": 20},
        "07_value": {"n_boot": 100}}


def _run(notebook: str, spec, tmp_path, lang: str):
    params = {"spec": str(spec), "lang": lang, **FAST.get(notebook, {})}
    res = execute_notebook(ROOT / "notebooks" / f"{notebook}.ipynb", tmp_path, params, name=notebook)
    assert res.status in ("ok", "not applicable"), f"{spec.name} / {notebook} ({lang}): {res.error}"
    if res.status == "not applicable":
        assert len(res.error.split()) >= 8, res.error  # a plain paragraph, not a code
    assert "Traceback" not in res.html.read_text(encoding="utf-8")
    return res


@pytest.mark.slow
@pytest.mark.shared
@pytest.mark.parametrize("notebook", NOTEBOOKS)
@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_notebooks_run_on_every_public_spec(spec, notebook, tmp_path):
    if not SHARED_DATA.exists():
        pytest.skip(f"public test data not available: {SHARED_DATA} is absent (clone ../shared beside the repo)")
    # Dutch for every spec of one notebook each, English for the rest: both languages, modest runtime.
    lang = "nl" if NOTEBOOKS.index(notebook) == SPECS.index(spec) % len(NOTEBOOKS) else "en"
    _run(notebook, spec, tmp_path, lang)


# -- the package logic, without a kernel --------------------------------------------------------


def _dataset(tmp_path, responses: pd.DataFrame, customers: pd.DataFrame | None, scales: dict) -> cx.Dataset:
    tables = {"responses": {"file": "r.csv", "columns": {"customer_id": "customer_id",
                                                         **({"answered_at": "answered_at"}
                                                            if "answered_at" in responses else {})},
                            "scores": {m: m for m in scales}}}
    responses.to_csv(tmp_path / "r.csv", index=False)
    if customers is not None:
        customers.to_csv(tmp_path / "c.csv", index=False)
        tables["customers"] = {"file": "c.csv", "columns": {"customer_id": "customer_id", "churned": "churned"}}
    spec = {"name": "t", "tables": tables, "scales": scales}
    (tmp_path / "spec.yaml").write_text(json.dumps(spec))
    return cx.load_dataset(tmp_path / "spec.yaml")


def _one_score(tmp_path) -> cx.Dataset:
    # 200 customers: score 1-2 (80, 60 churned), 3 (40, 10 churned), 4-5 (80, 8 churned).
    score = [1] * 40 + [2] * 40 + [3] * 40 + [4] * 40 + [5] * 40
    churned = [1] * 30 + [0] * 10 + [1] * 30 + [0] * 10 + [1] * 10 + [0] * 30 + [1] * 4 + [0] * 36 + [1] * 4 + [0] * 36
    ids = [f"c{i}" for i in range(200)]
    return _dataset(tmp_path, pd.DataFrame({"customer_id": ids, "csat": score}),
                    pd.DataFrame({"customer_id": ids, "churned": churned}),
                    {"csat": {"kind": "csat", "min": 1, "max": 5, "top_box": [4, 5]}})


def test_loyalty_with_one_score_and_churn_reports_what_applies(tmp_path):
    st = cx.loyalty_study(_one_score(tmp_path))
    assert st.nps is None and st.crosstab is None
    assert "no NPS metric" in st.not_applicable("en") and "geen NPS" in st.not_applicable("nl")
    # Counted by hand above: 8 of the 80 satisfied left; 20 of the 120 not in the top box stayed.
    assert (st.satisfied_left["hits"], st.satisfied_left["n"]) == (8, 80)
    assert st.satisfied_left["pct"] == pytest.approx(10.0)
    assert (st.dissatisfied_stayed["hits"], st.dissatisfied_stayed["n"]) == (10 + 10 + 30, 120)
    ret = st.score_retention.set_index("score")["retention"]
    assert ret[1] == pytest.approx(25.0) and ret[3] == pytest.approx(75.0) and ret[5] == pytest.approx(90.0)
    text = st.describe("en")
    assert "Satisfied but left: 10.0%" in text and "Dissatisfied but stayed" in text
    # Undated data: association wording, no day horizons.
    assert "within 180 days" not in text and "association" in text
    assert "Tevreden maar vertrokken: 10,0%" in st.describe("nl")


def test_loyalty_without_churn_or_second_score_says_nothing_applies(tmp_path):
    ds = _dataset(tmp_path, pd.DataFrame({"customer_id": ["a", "b"], "csat": [4, 5]}), None,
                  {"csat": {"kind": "csat", "min": 1, "max": 5, "top_box": [4, 5]}})
    st = cx.loyalty_study(ds)
    assert st.score_retention is None and "nothing can be shown" in st.missing


def test_drivers_without_nps_use_csat_or_churn_and_say_so(tmp_path):
    ds = _one_score(tmp_path)
    outcome, note, missing = cx.driver_outcome(ds)
    assert outcome == "churned" and "no NPS metric" in note and not missing
    study = cx.driver_study(ds, outcome, n_boot=0, seed=1)
    # One driver explains all the explained variance; R² = squared correlation of score and churn flag.
    frame = study.frame
    r = frame["csat"].corr(frame["churned"])
    assert study.importance.r2 == pytest.approx(r ** 2, rel=1e-6)
    outcome, note, _ = cx.driver_outcome(ds, lang="nl")
    assert "geen NPS" in note
    none = _dataset(tmp_path / "x" if (tmp_path / "x").mkdir() is None else tmp_path,
                    pd.DataFrame({"customer_id": ["a"], "csat": [4]}), None,
                    {"csat": {"kind": "csat", "min": 1, "max": 5, "top_box": [4, 5]}})
    assert cx.driver_outcome(none)[0] is None and "no driver importance" in cx.driver_outcome(none)[2]


def test_overview_period_is_derived_from_data_that_ends_long_ago(tmp_path):
    when = pd.date_range("2019-01-01", "2020-06-30", freq="D")
    ds = _dataset(tmp_path, pd.DataFrame({"customer_id": [f"c{i}" for i in range(len(when))],
                                          "answered_at": when, "csat": 4}), None,
                  {"csat": {"kind": "csat", "min": 1, "max": 5, "top_box": [4, 5]}})
    start, note, missing = cx.overview_period(ds, "", "2026-11-01")
    assert start == "2019-07-01" and "2020-06-30" in note and not missing  # 12 months: 2019-07 .. 2020-06
    start, note, missing = cx.overview_period(ds, "2025-11-01", "2026-11-01", lang="nl")
    assert start == "2025-11-01" and "2019-01-01 tot 2020-06-30" in missing


def test_not_applicable_status_reaches_index_and_kpis(tmp_path):
    from cxkit.report.kpis import extract_not_applicable
    from cxkit.run.manifest import write_index

    nb = cx.report.kpis.nbformat.v4.new_notebook()
    out = cx.report.kpis.nbformat.v4.new_code_cell("")
    out.outputs = [cx.report.kpis.nbformat.v4.new_output(
        "display_data", data={cx.report.kpis.KPI_MIME: {"kpis": [], "not_applicable": "No NPS here at all."}})]
    nb.cells.append(out)
    assert extract_not_applicable(nb) == ["No NPS here at all."]
    run = tmp_path / "r1"
    run.mkdir()
    (run / "manifest.json").write_text(json.dumps({"cxkit_manifest": 1, "status": "not applicable",
                                                   "error": "No NPS here at all.",
                                                   "outputs": {}}))
    page = write_index(tmp_path).read_text()
    assert "1 not applicable" in page and "0 failed" in page and "class='na'" in page
    with pytest.raises(cx.ParameterError, match="reason"):
        cx.not_applicable("  ")


def test_churn_study_without_churn_is_not_applicable_in_plain_words(tmp_path):
    ds = _dataset(tmp_path, pd.DataFrame({"customer_id": ["a", "b"], "csat": [1, 5]}), None,
                  {"csat": {"kind": "csat", "min": 1, "max": 5, "top_box": [4, 5]}})
    for lang in ("en", "nl"):
        reason = cx.churn_applicable(ds, lang=lang)
        assert len(reason.split()) >= 8 and "churned" not in reason and "Traceback" not in reason
    assert "opzeglabel" in cx.churn_applicable(ds, lang="nl")
    (tmp_path / "one").mkdir()
    assert cx.churn_applicable(_one_score(tmp_path / "one")) == ""
