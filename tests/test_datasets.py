"""Loading dataset specs: the sample loads; bad input names file, column and rows."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

import cxkit as cx

from .conftest import SAMPLE_SPEC


def write_case(tmp_path, responses: str, customers: str | None = None, scales: dict | None = None,
               extra_spec: dict | None = None):
    (tmp_path / "r.csv").write_text(responses)
    spec = {"name": "t", "tables": {"responses": {"file": "r.csv", "columns": {
        "customer_id": "id", "answered_at": "date", "metric": "q", "score": "a"}}},
        "scales": scales or {"nps": {"kind": "nps"}, "csat": {"kind": "csat", "min": 1, "max": 5}}}
    if customers is not None:
        (tmp_path / "c.csv").write_text(customers)
        spec["tables"]["customers"] = {"file": "c.csv", "columns": {
            "customer_id": "id", "start_date": "start", "end_date": "end", "segment": "seg"}}
    for k, v in (extra_spec or {}).items():
        spec[k] = v
    p = tmp_path / "spec.yaml"
    p.write_text(yaml.safe_dump(spec))
    return p


GOOD = "id,date,q,a\n1,2025-01-01,nps,9\n2,2025-01-02,csat,4\n"


def test_sample_loads(sample):
    assert set(sample.metrics()) == {"nps", "csat", "ces"}
    assert len(sample.customers) == 20_000
    assert sample.scale("ces").direction == "higher_is_easier"
    nps = sample.answers("nps")
    assert {"segment", "contract"} <= set(nps.columns)


def test_as_of_drops_later_data(sample):
    cut = sample.as_of("2025-06-30")
    assert cut.responses["answered_at"].max() <= pd.Timestamp("2025-06-30")
    assert (cut.customers["end_date"].dropna() <= pd.Timestamp("2025-06-30")).all()


def test_minimal_spec_loads(tmp_path):
    ds = cx.load_dataset(write_case(tmp_path, GOOD))
    assert ds.responses["score"].tolist() == [9, 4]


def test_missing_file_names_it(tmp_path):
    spec = write_case(tmp_path, GOOD)
    (tmp_path / "r.csv").unlink()
    with pytest.raises(cx.SpecError, match=r"r\.csv: file not found"):
        cx.load_dataset(spec)


def test_missing_column_names_file_and_column(tmp_path):
    with pytest.raises(cx.DataError, match=r"r\.csv.*\['a'\].*not in the file"):
        cx.load_dataset(write_case(tmp_path, "id,date,q,answer\n1,2025-01-01,nps,9\n"))


def test_out_of_range_score_names_rows(tmp_path):
    body = "id,date,q,a\n1,2025-01-01,nps,9\n2,2025-01-01,nps,11\n3,2025-01-01,csat,6\n4,2025-01-01,nps,12\n"
    with pytest.raises(cx.DataError, match=r"column 'a'.*rows 2, 4.*0\.\.10") as e:
        cx.load_dataset(write_case(tmp_path, body))
    assert isinstance(e.value, ValueError)


def test_non_numeric_score_names_rows(tmp_path):
    body = "id,date,q,a\n1,2025-01-01,nps,9\n2,2025-01-01,nps,very likely\n"
    with pytest.raises(cx.DataError, match=r"non-numeric.*'very likely'.*row 2"):
        cx.load_dataset(write_case(tmp_path, body))


def test_undeclared_metric_names_rows(tmp_path):
    body = GOOD + "3,2025-01-03,ces,4\n"
    with pytest.raises(cx.DataError, match=r"\['ces'\].*row 3.*no scale"):
        cx.load_dataset(write_case(tmp_path, body))


def test_bad_date_names_rows(tmp_path):
    body = "id,date,q,a\n1,2025-01-01,nps,9\n2,31/01/2025,nps,8\n"
    with pytest.raises(cx.DataError, match=r"column 'date' \(answered_at\).*31/01/2025.*row 2.*day first"):
        cx.load_dataset(write_case(tmp_path, body))


def test_all_missing_column(tmp_path):
    body = "id,date,q,a\n1,,nps,9\n2,,nps,8\n"
    with pytest.raises(cx.DataError, match=r"'date'.*every value is missing"):
        cx.load_dataset(write_case(tmp_path, body))


def test_duplicate_customer_ids(tmp_path):
    cust = "id,start,end,seg\n1,2024-01-01,,a\n2,2024-01-01,,b\n1,2024-02-01,,a\n"
    # the error can reach a report, so the id is masked; the validation text quotes it for fixing the file
    with pytest.raises(cx.DataError, match=r"column 'id'.*\['…'\] appear more than once \(rows 1, 3\)"):
        cx.load_dataset(write_case(tmp_path, GOOD, cust))
    assert "['1'] appear more than once" in cx.validate_dataset(write_case(tmp_path, GOOD, cust)).text()


def test_churn_before_start(tmp_path):
    cust = "id,start,end,seg\n1,2024-01-01,2023-01-01,a\n2,2024-01-01,,b\n"
    with pytest.raises(cx.DataError, match=r"end date.*before start date.*row 1"):
        cx.load_dataset(write_case(tmp_path, GOOD, cust))


def test_ces_without_direction_is_refused(tmp_path):
    with pytest.raises(cx.SpecError, match="direction"):
        cx.load_dataset(write_case(tmp_path, GOOD, scales={"ces": {"kind": "ces", "min": 1, "max": 7,
                                                                   "easy": [5, 6, 7]}}))


def test_empty_file(tmp_path):
    with pytest.raises(cx.DataError, match="empty"):
        cx.load_dataset(write_case(tmp_path, ""))


def test_header_only_file(tmp_path):
    with pytest.raises(cx.DataError, match="no data rows"):
        cx.load_dataset(write_case(tmp_path, "id,date,q,a\n"))


def test_unknown_spec_key(tmp_path):
    with pytest.raises(cx.SpecError, match="unknown top-level keys"):
        cx.load_dataset(write_case(tmp_path, GOOD, extra_spec={"tabels": {}}))


def test_missing_spec():
    with pytest.raises(cx.SpecError, match="not found"):
        cx.load_dataset("no/such/spec.yaml")


def test_sample_spec_path_points_at_bundled_data():
    assert cx.sample_spec_path() == SAMPLE_SPEC


def test_optional_join_is_not_a_quality_note(tmp_path):
    # A comments file covers some answers by design: with `optional: true` the unmatched answers are not
    # reported as a data problem; without it they are (3 of 4 rows have no match).
    import cxkit as cx

    (tmp_path / "r.csv").write_text("response_id,customer_id,answered_at,metric,score\n"
                                    "1,a,2026-01-05,nps,9\n2,b,2026-01-06,nps,3\n3,c,2026-01-07,nps,7\n4,d,2026-01-08,nps,10\n")
    (tmp_path / "c.csv").write_text("response_id,comment\n1,great\n")
    for optional, expect in ((True, False), (False, True)):
        join = {"file": "c.csv", "on": "response_id", "columns": ["comment"]}
        if optional:
            join["optional"] = True
        import yaml
        spec = {"name": "t", "tables": {"responses": {"file": "r.csv", "columns": {
            "customer_id": "customer_id", "answered_at": "answered_at", "metric": "metric", "score": "score"},
            "join": [join], "free_text": ["comment"]}}, "scales": {"nps": {"kind": "nps"}}}
        (tmp_path / "s.yaml").write_text(yaml.safe_dump(spec))
        ds = cx.load_dataset(tmp_path / "s.yaml")
        text = " ".join(i.message for i in ds.quality.issues)
        assert ("3 of 4 rows have no match" in text) is expect
