"""Trap datasets (``cxkit.data.synth.write_trap``): each trap is flagged in the validation report and in
the generated text (churn/loyalty descriptions, the overview summary and period notes) in plain words,
with the figures of its ground truth (``truth.json``, computed by brute force in the generator, not by
cxkit's own code)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import cxkit as cx
from cxkit.data.synth import TRAPS, write_trap


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


@pytest.fixture(scope="module")
def traps(tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = {}
    for name in TRAPS:
        spec = write_trap(name, tmp_path_factory.mktemp(name))
        out[name] = (cx.validate_dataset(str(spec)), json.loads((spec.parent / "truth.json").read_text()))
    return out


def _messages(report, level: str | None = None) -> str:
    return "\n".join(i.message for i in report.issues if level is None or i.level == level)


def test_every_trap_loads_cleanly(traps: dict) -> None:
    assert set(traps) == set(TRAPS)
    for name, (report, truth) in traps.items():
        assert report.ok, (name, report.text())
        assert truth["trap"] == name and truth["spec_keys"]


def test_write_trap_returns_spec_and_refuses_unknown_names(tmp_path: Path) -> None:
    spec = write_trap("stale", tmp_path)
    assert spec == tmp_path / "spec.yaml" and (tmp_path / "truth.json").exists()
    with pytest.raises(cx.ParameterError, match="`name` must be one of"):
        write_trap("nope", tmp_path)


def test_leakage_flagged_with_figures(traps: dict) -> None:
    report, truth = traps["leakage"]
    warn = _messages(report, "warning")
    assert "probable leakage: 'complaint'" in warn and "probable leakage: 'cancellation_fee'" in warn
    assert (f"it marks {_pct(truth['complaint_churners_flagged'])} of churners and "
            f"{_pct(truth['complaint_stayers_flagged'])} of stayers") in warn
    assert f"AUC of {truth['complaint_auc']:.2f}" in warn
    assert (f"it marks {_pct(truth['cancellation_fee_churners_flagged'])} of churners and "
            f"{_pct(truth['cancellation_fee_stayers_flagged'])} of stayers") in warn
    assert "cannot predict churn" in warn and "kept out of churn models" in warn
    ds = report.dataset
    assert set(ds.leaky()) == set(truth["leaky_columns"])
    assert ds.leaky(["contract", "complaint", "segment"]) == ["complaint"]
    sep = ds.separation.set_index("column")
    assert sep.loc["complaint", "auc"] == pytest.approx(truth["complaint_auc"], abs=1e-4)
    assert not sep.loc[["contract", "segment", "csat"], "leakage"].any()
    assert "probable leakage, kept out of churn models: complaint" in report.text()


def test_churn_study_leaves_leaky_controls_out(traps: dict) -> None:
    ds = traps["leakage"][0].dataset
    study = cx.churn_study(ds, controls=["complaint", "contract"], n_boot=50, hazard=False)
    assert "complaint" not in str(study.models["controls"].tolist())
    assert any("probable leakage: complaint" in n for n in study.notes)


def test_duplicates_counted_shown_dropped(traps: dict) -> None:
    report, truth = traps["duplicates"]
    assert report.stats["responses"]["exact_duplicates"] == truth["exact_duplicate_rows"]
    warn = _messages(report, "warning")
    assert f"{truth['exact_duplicate_rows']} row(s) are exact copies of an earlier row" in warn
    assert "dropped 300 as declared" in warn and "_row" not in _messages(report)
    assert report.dataset.responses["customer_id"].nunique() == truth["rows_after_drop"]
    assert "exact copies of a row: 300" in report.text()


def test_not_applicable_counted_never_scored(traps: dict) -> None:
    report, truth = traps["not_applicable"]
    assert f"{truth['not_applicable']} answer(s) coded [0] mean 'not applicable'" in _messages(report)
    assert f"not applicable: {truth['not_applicable']}" in report.text()
    r = report.dataset.responses
    assert len(r) == truth["answers"] and r["score"].min() >= 1
    assert r["score"].isin([4, 5]).mean() == pytest.approx(truth["top_box_share"], abs=1e-4)


def test_churn_labels_read(traps: dict) -> None:
    report, truth = traps["churn_labels"]
    assert int(report.dataset.customers["churned"].sum()) == truth["churners"]
    assert (f"churn flag: {truth['churners']:,} of {truth['rows']:,} customers churned "
            f"({100 * truth['churn_share']:.1f}%)") in _messages(report)


def test_synonyms_merged(traps: dict) -> None:
    report, truth = traps["synonyms"]
    ds = report.dataset
    assert sorted(ds.responses["channel"].unique()) == truth["channel_merged"]
    assert (ds.responses["channel"] == "Phone").sum() == truth["phone_after_merge"]
    assert sorted(ds.customers["segment"].unique()) == truth["segment_merged"]
    assert (ds.customers["segment"] == "Credit Card").sum() == truth["credit_card_after_merge"]
    assert "'Mobile Phone' -> 'Phone'" in _messages(report)


def test_reversed_relation_explained(traps: dict) -> None:
    report, truth = traps["reversed"]
    text = _messages(report)
    assert "'csat' runs in reverse: customers with better scores churned more, not less" in text
    assert f"AUC {truth['csat_auc']:.2f}" in text and f"{truth['csat_auc_reversed']:.2f} the other way round" in text


def test_customer_level_one_table(traps: dict) -> None:
    report, truth = traps["customer_level"]
    ds = report.dataset
    assert len(ds.responses) == truth["rows"] and len(ds.customers) == truth["rows"]
    assert int(ds.customers["churned"].sum()) == truth["churners"]
    assert "carry no dates" in _messages(report) and "association, not a prediction" in _messages(report)
    sep = ds.separation.set_index("column")
    assert sep.loc["csat", "auc"] == pytest.approx(truth["csat_auc"], abs=1e-4)
    assert "Satisfaction Score" not in sep.index  # measured once, as the metric


def test_stale_data_warned(traps: dict) -> None:
    report, truth = traps["stale"]
    warn = _messages(report, "note")
    assert f"the last answer is dated {truth['last_answer']}" in warn
    assert "reports for a recent period will be empty" in warn


def test_duplicate_customer_advice_works(tmp_path: Path) -> None:
    """A customer repeated as an exact copy: the advice is `drop: exact`, and following it loads cleanly."""
    import yaml

    (tmp_path / "c.csv").write_text("id,sat,churn\nA,4,no\nB,2,yes\nA,4,no\nC,5,no\n")
    spec = {"tables": {"customers": {"file": "c.csv", "columns": {"customer_id": "id", "churned": "churn"},
                                     "scores": {"csat": "sat"}}},
            "scales": {"csat": {"kind": "csat", "min": 1, "max": 5}}}
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(spec))
    report = cx.validate_dataset(str(tmp_path / "s.yaml"))
    err = _messages(report, "error")
    assert "exact copies: declare `duplicates: {drop: exact}`" in err and "_row" not in err
    spec["tables"]["customers"]["duplicates"] = {"drop": "exact"}
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(spec))
    ds = cx.load_dataset(tmp_path / "s.yaml")
    assert sorted(ds.customers["customer_id"]) == ["A", "B", "C"] and len(ds.responses) == 3


def test_validate_lists_undeclared_personal_columns(tmp_path: Path) -> None:
    """A `Surname` column (as in a real bank churn export) and e-mails/phones are listed though undeclared."""
    import yaml

    (tmp_path / "c.csv").write_text("id,Surname,contact,tel,sat,churn\n"
                                    "A,Smith,a@example.com,+31 6 1234 5678,4,no\n"
                                    "B,Jones,b@example.org,06-12345678,2,yes\n"
                                    "C,Bakker,c@example.nl,0612345679,5,no\n")
    spec = {"tables": {"customers": {"file": "c.csv", "columns": {"customer_id": "id", "churned": "churn"},
                                     "scores": {"csat": "sat"}}},
            "scales": {"csat": {"kind": "csat", "min": 1, "max": 5}}}
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(spec))
    report = cx.validate_dataset(str(tmp_path / "s.yaml"))
    personal = [i for i in report.issues if i.check == "personal"]
    assert len(personal) == 1 and report.ok  # one note for the file, though it feeds two tables
    msg = personal[0].message
    assert "look personal, not declared" in msg and "'Surname' (column name suggests personal data)" in msg
    assert "'contact' (values look like e-mail addresses)" in msg and "'tel'" in msg and "'sat'" not in msg
    assert "declare them under `pii:`" in msg and "Surname" in report.text()
    assert "Smith" not in report.text() and "a@example.com" not in report.text()  # names, never values
    # Declared: no longer listed as undeclared.
    spec["tables"]["customers"]["pii"] = ["Surname", "contact", "tel"]
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(spec))
    assert not [i for i in cx.validate_dataset(str(tmp_path / "s.yaml")).issues if i.check == "personal"]


# -- the generated text: each trap is named where a manager reads it, with the truth's figures -------------


def _study(traps: dict, name: str):
    ds = traps[name][0].dataset
    # notebook 03's default controls: those the data lacks are skipped
    return cx.churn_study(ds, controls=["tenure_years", "segment", "contract", "channel"], n_boot=50,
                          hazard=False, seed=1)


def test_leakage_named_in_churn_report_text(traps: dict) -> None:
    _, truth = traps["leakage"]
    study = _study(traps, "leakage")
    text = study.describe("en")
    assert "Never used in these models, as probable leakage" in text
    assert (f"'complaint': it marks {_pct(truth['complaint_churners_flagged'])} of churners and "
            f"{_pct(truth['complaint_stayers_flagged'])} of stayers") in text
    assert f"'cancellation_fee': it marks {_pct(truth['cancellation_fee_churners_flagged'])} of churners" in text
    assert "records the churn rather than predicting it" in text
    assert "complaint" not in str(study.models["controls"].tolist()) and "404359" not in text


def test_reversed_relation_in_churn_report_text(traps: dict) -> None:
    _, truth = traps["reversed"]
    study = _study(traps, "reversed")
    for lang in ("en", "nl"):
        text = study.describe(lang)
        low = f"{truth['csat_auc']:.2f}".replace(".", "," if lang == "nl" else ".")
        rev = f"{truth['csat_auc_reversed']:.2f}".replace(".", "," if lang == "nl" else ".")
        assert f"csat {low} (" in text and rev in text.split(f"csat {low} (")[1]
    assert "below 0.5: the relation runs the other way" in study.describe("en")
    assert "Churn rises as csat goes up" in study.describe("en")


def test_undated_export_uses_association_wording(traps: dict) -> None:
    _, truth = traps["customer_level"]
    ds = traps["customer_level"][0].dataset
    text = _study(traps, "customer_level").describe("en")
    assert "'goes together with', not 'predicts'" in text
    assert "within 180 days" not in text and "within 90 days" not in text and "predicts churn" not in text
    loyalty = cx.loyalty_study(ds).describe("en")
    assert "association only" in loyalty and "within 180 days" not in loyalty
    # Notebook 01's summary names the churn share it computed (every headline computed is mentioned).
    tables, note = cx.churn_overview(ds)
    head = cx.headline(ds, cx.window(ds))
    summary = cx.describe_overview(head, None, churn=tables["churn"])
    assert f"Churn: {100 * truth['churn_share']:.1f}% of {truth['rows']:,} customers are flagged" in summary
    assert "No customer start/end dates" in note


def test_churn_labels_share_in_overview_text(traps: dict) -> None:
    _, truth = traps["churn_labels"]
    ds = traps["churn_labels"][0].dataset
    tables, _ = cx.churn_overview(ds)
    head = cx.headline(ds, cx.window(ds))
    nl = cx.describe_overview(head, None, churn=tables["churn"], lang="nl")
    assert f"{100 * truth['churn_share']:.1f}".replace(".", ",") + "% van 1.500 klanten" in nl


def test_stale_data_period_explained_in_overview_text(traps: dict) -> None:
    _, truth = traps["stale"]
    ds = traps["stale"][0].dataset.as_of("2026-11-01")
    start, note, missing = cx.overview_period(ds, "", "2026-11-01")
    assert not missing and f"to {truth['last_answer']}" in note and "last 12 months of data" in note
    assert start == str((pd.Timestamp(truth["last_answer"]).to_period("M") - 11).start_time.date())
    # A recent period asked for explicitly: one plain paragraph naming where the data lies.
    _, _, missing = cx.overview_period(ds, "2025-11-01", "2026-11-01", lang="nl")
    assert f"tot {truth['last_answer']}" in missing and "period_start leeg" in missing
    # Churn stops where the customer dates end, instead of a false 0% for 2026.
    tables, churn_note = cx.churn_overview(ds, period_start=start, period_end="2026-11-01")
    assert f"Customer dates end on {truth['last_customer_date']}, long before 2026-11-01" in churn_note
    done = tables["churn"][tables["churn"]["complete"]]
    assert str(done["period"].iloc[-1]) <= truth["last_customer_date"][:7]
    summary = cx.describe_overview(cx.headline(ds, cx.window(ds, start, "2026-11-01")), None,
                                   churn=tables["churn"])
    assert "2026" not in summary
    _, nl_note = cx.churn_overview(ds, period_start=start, period_end="2026-11-01", lang="nl")
    assert "De klantdatums eindigen op" in nl_note
