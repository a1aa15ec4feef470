"""`cxkit validate` and validate_dataset: counts per table, every problem listed, exit codes."""

from __future__ import annotations

import pytest
import yaml
from click.testing import CliRunner

import cxkit as cx
from cxkit.cli import main

from .conftest import SAMPLE_SPEC

SCALES = {"nps": {"kind": "nps"}, "csat": {"kind": "csat", "min": 1, "max": 5}}


def write(tmp_path, responses: str, customers: str | None = None, **table) -> str:
    (tmp_path / "r.csv").write_text(responses)
    spec = {"name": "t", "tables": {"responses": {"file": "r.csv", "columns": {
        "customer_id": "id", "answered_at": "date", "metric": "q", "score": "a"}, **table}}, "scales": SCALES}
    if customers:
        (tmp_path / "c.csv").write_text(customers)
        spec["tables"]["customers"] = {"file": "c.csv", "columns": {"customer_id": "id", "start_date": "start"}}
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump(spec))
    return str(tmp_path / "spec.yaml")


BAD = ("id,date,q,a\n"
       "1,2025-01-01,nps,9\n"        # fine
       "2,2025-01-02,nps,11\n"       # out of range
       "3,2025-01-03,csat,Blij\n"    # unknown label
       "4,2025-01-04,csat,\n"        # missing answer
       "5,01/02/2025,csat,4\n"       # ambiguous date
       "1,2025-01-01,nps,8\n")       # duplicate of row 1 (same customer, metric, date)
CUSTOMERS = "id,start\n1,2024-01-01\n2,2024-01-01\n3,2024-01-01\n1,2024-02-01\n"


def test_report_counts_every_problem(tmp_path):
    rep = cx.validate_dataset(write(tmp_path, BAD, CUSTOMERS, labels="builtin"))
    assert not rep.ok
    s = rep.summary().set_index("table")
    r = s.loc["responses"]
    assert r["rows"] == 6 and r["kept"] == 3  # rows 2 (range), 3 (label), 4 (empty) dropped
    assert r["out_of_range"] == 1 and r["unknown_labels"] == 1 and r["duplicates"] == 1
    assert "score[csat] 1" in r["missing"]
    assert "answered_at <- date" in r["columns"]
    assert str(r["first"]) == str(r["last"]) == "2025-01-01"  # of the answers kept
    c = s.loc["customers"]
    assert c["rows"] == 4 and c["duplicates"] == 1 and c["errors"] == 1
    checks = rep.issue_table().groupby("level")["check"].apply(sorted).to_dict()
    assert checks["error"] == ["date", "duplicates", "out_of_range", "unknown_labels"]
    assert checks["warning"] == ["duplicates", "unmatched"]  # response duplicates kept; customer 5 unknown
    # One exception from load_dataset / require() lists all four errors.
    with pytest.raises(cx.DataError, match="4 problems found") as e:
        rep.require()
    for piece in ("row 2", "'Blij' (1x) in row 3", "'01/02/2025' is ambiguous", "appear more than once (rows 1, 4)"):
        assert piece in str(e.value)
    assert "Data-quality report" in rep._repr_html_()


def test_clean_sample_validates(sample):
    rep = cx.validate_dataset(SAMPLE_SPEC)
    assert rep.ok, rep.text()
    s = rep.summary().set_index("table")
    assert s.loc["customers", "kept"] == len(sample.customers)
    assert s.loc["responses", "kept"] == len(sample.responses)
    assert rep.require().responses.shape == sample.responses.shape


def test_cli_exit_codes(tmp_path):
    runner = CliRunner()
    ok = runner.invoke(main, ["validate", write(tmp_path, "id,date,q,a\n1,2025-01-01,nps,9\n")])
    assert ok.exit_code == 0, ok.output
    assert "rows read 1, answers kept 1" in ok.output and ": OK, 0 warning(s)" in ok.output
    bad = runner.invoke(main, ["validate", write(tmp_path, BAD, labels="builtin")])
    assert bad.exit_code == 1
    assert "ERRORS (3)" in bad.output and "out of range: 1, unknown labels: 1, duplicates: 1" in bad.output
    (tmp_path / "broken.yaml").write_text("tables: {}\n")
    broken = runner.invoke(main, ["validate", str(tmp_path / "broken.yaml")])
    assert broken.exit_code == 2 and "`tables` must contain at least `responses`" in broken.output
    warn_only = write(tmp_path, "id,date,q,a\n1,2025-01-01,nps,9\n1,2025-01-01,nps,9\n")
    assert runner.invoke(main, ["validate", warn_only]).exit_code == 0
    assert runner.invoke(main, ["validate", "--strict", warn_only]).exit_code == 1
