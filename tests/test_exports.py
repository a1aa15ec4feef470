"""Survey exports in every form load to the same canonical tables; unreadable ones name file, column, rows.

Each fixture is written from code into a temporary folder: CSV (comma, semicolon with
decimal comma, tab; UTF-8, UTF-8 with BOM, cp1252), Excel with a title above the header,
Parquet, SPSS .sav with value labels, DuckDB (query on a CSV and a database file), and a
text-label export in English and Dutch. The expected table is written out by hand here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

import cxkit as cx

# One small wide export: six respondents, NPS and CSAT, a date, a weight and a segment with an accent.
WIDE = pd.DataFrame({
    "id": ["c1", "c2", "c3", "c4", "c5", "c6"],
    "date": pd.to_datetime(["2025-01-05", "2025-02-03", "2025-02-13", "2025-03-01", "2025-03-15", "2025-04-30"]),
    "nps": [10, 9, 6, 0, 7, np.nan],
    "csat": [5, 4, 2, 1, 3, 4],
    "weight": [1.5, 0.5, 1.0, 2.0, 1.25, 1.0],
    "seg": ["Zakelijk", "Particulier", "Café", "Zakelijk", "Café", "Particulier"],
})
# The canonical responses every form must give (customer_id, metric, score, answered_at, weight).
_ROWS = list(zip(WIDE["id"], WIDE["nps"], WIDE["csat"], WIDE["date"], WIDE["weight"], strict=True))
EXPECTED = pd.DataFrame(
    [(i, "csat", float(c), d, w) for i, _, c, d, w in _ROWS]
    + [(i, "nps", float(n), d, w) for i, n, _, d, w in _ROWS if not np.isnan(n)],
    columns=["customer_id", "metric", "score", "answered_at", "weight"],
).sort_values(["customer_id", "metric"]).reset_index(drop=True)
SCALES = {"nps": {"kind": "nps"}, "csat": {"kind": "csat", "min": 1, "max": 5, "top_box": [4, 5]}}


def spec_for(tmp_path, table: dict, customers: dict | None = None, name: str = "spec.yaml"):
    spec = {"name": "fixture", "tables": {"responses": {
        "columns": {"customer_id": "id", "answered_at": "date", "weight": "weight"},
        "scores": {"nps": "nps", "csat": "csat"}, **table}}, "scales": SCALES}
    if customers:
        spec["tables"]["customers"] = customers
    p = tmp_path / name
    p.write_text(yaml.safe_dump(spec, allow_unicode=True))
    return p


def canonical(ds: cx.Dataset) -> pd.DataFrame:
    r = ds.responses[["customer_id", "metric", "score", "answered_at", "weight"]]
    r = r.sort_values(["customer_id", "metric"]).reset_index(drop=True)
    return r.astype({"customer_id": object, "metric": object})


def check_same(ds: cx.Dataset) -> None:
    pd.testing.assert_frame_equal(canonical(ds), EXPECTED, check_dtype=False)


def as_text_csv(df: pd.DataFrame, path, sep=",", decimal=".", encoding="utf-8", date_fmt="%Y-%m-%d"):
    out = df.copy()
    out["date"] = out["date"].dt.strftime(date_fmt)
    out["nps"] = out["nps"].map(lambda v: "" if np.isnan(v) else str(int(v)))
    out.to_csv(path, sep=sep, decimal=decimal, encoding=encoding, index=False)
    return path


# -- every readable form ------------------------------------------------------------------------

@pytest.mark.parametrize("sep,decimal,encoding", [
    (",", ".", "utf-8"), (";", ",", "utf-8-sig"), ("\t", ".", "cp1252"), ("|", ",", "utf-8"),
])
def test_csv_variants_are_sniffed(tmp_path, sep, decimal, encoding):
    as_text_csv(WIDE, tmp_path / "export.csv", sep, decimal, encoding)
    ds = cx.load_dataset(spec_for(tmp_path, {"file": "export.csv", "extra": ["seg"]}))
    check_same(ds)
    assert sorted(ds.responses["seg"].unique()) == ["Café", "Particulier", "Zakelijk"]
    notes = [i.message for i in ds.quality.issues if i.level == "note"]
    if encoding == "cp1252":
        assert any("cp1252" in n for n in notes)
    if decimal == ",":
        assert any("decimal" in n for n in notes)


def test_csv_declared_options(tmp_path):
    as_text_csv(WIDE, tmp_path / "export.txt", ";", ",", "cp1252", date_fmt="%d-%m-%Y")
    ds = cx.load_dataset(spec_for(tmp_path, {"file": "export.txt", "delimiter": ";", "decimal": ",",
                                             "encoding": "cp1252", "date_format": "%d-%m-%Y"}))
    check_same(ds)
    assert not [i for i in ds.quality.issues if i.level == "note" and i.check != "stale"]  # nothing guessed


def test_excel_with_header_on_row_2(tmp_path):
    path = tmp_path / "export.xlsx"
    with pd.ExcelWriter(path) as xl:
        WIDE.to_excel(xl, sheet_name="Antwoorden", startrow=1, index=False)
        xl.sheets["Antwoorden"]["A1"] = "Klanttevredenheid Q1 2025 (export)"
    check_same(cx.load_dataset(spec_for(tmp_path, {"file": "export.xlsx", "sheet": "Antwoorden",
                                                   "header_row": 2})))


def test_parquet(tmp_path):
    WIDE.to_parquet(tmp_path / "export.parquet")
    check_same(cx.load_dataset(spec_for(tmp_path, {"file": "export.parquet"})))


def _write_sav(path):
    import pyreadstat

    nps_labels = {0: "0 - Not at all likely", 10: "10 - Extremely likely"}
    nps_labels.update({k: str(k) for k in range(1, 10)})
    csat_labels = {1: "Zeer ontevreden", 2: "Ontevreden", 3: "Neutraal", 4: "Tevreden", 5: "Zeer tevreden"}
    pyreadstat.write_sav(WIDE, str(path), variable_value_labels={"nps": nps_labels, "csat": csat_labels})


def test_spss_codes(tmp_path):
    _write_sav(tmp_path / "export.sav")
    ds = cx.load_dataset(spec_for(tmp_path, {"file": "export.sav"}))
    check_same(ds)
    assert any("value labels" in i.message for i in ds.quality.issues)


def test_spss_value_labels_through_builtin_vocabulary(tmp_path):
    _write_sav(tmp_path / "export.sav")
    check_same(cx.load_dataset(spec_for(tmp_path, {"file": "export.sav", "use_value_labels": True,
                                                   "labels": "builtin"})))


def test_duckdb_query_on_a_csv(tmp_path):
    as_text_csv(WIDE, tmp_path / "export.csv")
    table = {"query": "SELECT * FROM read_csv('export.csv', all_varchar=true) ORDER BY id"}
    check_same(cx.load_dataset(spec_for(tmp_path, table)))


def test_duckdb_database_file(tmp_path):
    import duckdb

    con = duckdb.connect(str(tmp_path / "cx.duckdb"))
    wide = WIDE  # noqa: F841 - read by DuckDB's replacement scan below
    con.execute("CREATE TABLE answers AS SELECT * FROM wide")
    con.close()
    table = {"query": "SELECT * FROM answers", "database": "cx.duckdb"}
    check_same(cx.load_dataset(spec_for(tmp_path, table)))


def test_text_labels_in_english_and_dutch(tmp_path):
    out = WIDE.copy()
    out["nps"] = ["10 - Extremely likely", "9", "6 - ", "0 - Zeer onwaarschijnlijk", "7", ""]
    out["csat"] = ["Zeer tevreden", "Satisfied", "ontevreden ", "Very dissatisfied", "3 = Neutraal", "Tevreden"]
    out["date"] = out["date"].dt.strftime("%Y-%m-%d")
    out.to_csv(tmp_path / "labels.csv", index=False)
    check_same(cx.load_dataset(spec_for(tmp_path, {"file": "labels.csv",
                                                   "labels": {"nps": "builtin", "csat": "builtin"}})))


def test_explicit_label_map_and_recode(tmp_path):
    out = WIDE.copy()
    out["nps"] = out["nps"] + 1  # coded 1..11
    out["csat"] = out["csat"].map({5: "Top", 4: "Goed", 3: "Neutraal", 2: "Matig", 1: "Slecht"})
    out.to_parquet(tmp_path / "coded.parquet")
    check_same(cx.load_dataset(spec_for(tmp_path, {
        "file": "coded.parquet", "recode": {"nps": {"add": -1}},
        "labels": {"csat": {"Top": 5, "Goed": 4, "Matig": 2, "Slecht": 1}}})))


def test_join_brings_weight_from_another_file(tmp_path):
    as_text_csv(WIDE.drop(columns="weight"), tmp_path / "answers.csv")
    WIDE[["id", "weight"]].rename(columns={"id": "respondent"}).to_excel(tmp_path / "weights.xlsx", index=False)
    table = {"file": "answers.csv", "join": [{"file": "weights.xlsx", "on": {"id": "respondent"}}]}
    check_same(cx.load_dataset(spec_for(tmp_path, table)))


def test_customers_join_with_keep_and_aggregate(tmp_path):
    as_text_csv(WIDE, tmp_path / "answers.csv")
    pd.DataFrame({"id": ["c1", "c2", "c3", "c4", "c5", "c6"], "since": ["2024-01-01"] * 6}).to_csv(
        tmp_path / "accounts.csv", index=False)
    pd.DataFrame({"id": ["c2", "c4", "c2"], "left": ["2025-06-01", "2025-05-01", "2025-03-01"],
                  "ev": ["e1", "e2", "e3"]}).to_csv(tmp_path / "events.csv", index=False)
    customers = {"file": "accounts.csv", "columns": {"customer_id": "id", "start_date": "since",
                                                      "end_date": "left"},
                 "join": [{"file": "events.csv", "on": "id", "order_by": "left", "keep": "first",
                           "columns": ["left", "n_events"], "aggregate": {"n_events": ["ev", "count"]}}],
                 "extra": ["n_events"]}
    ds = cx.load_dataset(spec_for(tmp_path, {"file": "answers.csv"}, customers))
    c = ds.customers.set_index("customer_id")
    assert c.loc["c2", "end_date"] == pd.Timestamp("2025-03-01")  # the first event, not the file's first row
    assert c.loc["c4", "end_date"] == pd.Timestamp("2025-05-01")
    assert c["churned"].sum() == 2 and c.loc["c2", "n_events"] == 2
    check_same(ds)


def test_duplicates_keep_latest_and_first(tmp_path):
    dup = pd.concat([WIDE, WIDE.iloc[[1]].assign(date=pd.Timestamp("2025-01-01"), csat=1, nps=0)])
    as_text_csv(dup, tmp_path / "dup.csv")
    on = {"on": ["customer_id", "metric"]}
    latest = cx.load_dataset(spec_for(tmp_path, {"file": "dup.csv", "duplicates": {**on, "keep": "latest"}}))
    check_same(latest)  # the re-submission is dated earlier, so the original answers are kept
    warn = [i for i in latest.quality.warnings if i.check == "duplicates"]
    assert warn and "rows 2, 7" in warn[0].message and "dropped 2" in warn[0].message
    last = cx.load_dataset(spec_for(tmp_path, {"file": "dup.csv", "duplicates": {**on, "keep": "last"}}))
    assert last.responses.set_index(["customer_id", "metric"]).loc[("c2", "csat"), "score"] == 1
    with pytest.raises(cx.DataError, match=r"dup\.csv.*\['id', 'metric'\].*'…'.*rows 2, 7"):
        cx.load_dataset(spec_for(tmp_path, {"file": "dup.csv", "duplicates": {**on, "keep": "error"}}))


def test_weights_are_used_by_metrics(tmp_path):
    as_text_csv(WIDE, tmp_path / "export.csv", ";", ",")
    ds = cx.load_dataset(spec_for(tmp_path, {"file": "export.csv"}))
    t = cx.csat(ds.answers("csat"), weight="weight", scale=ds.scale("csat"), min_n=0)
    w = WIDE["weight"]
    assert t["csat"].iloc[0] == pytest.approx(100 * w[WIDE["csat"] >= 4].sum() / w.sum())
    assert t["n_eff"].iloc[0] == pytest.approx(w.sum() ** 2 / (w ** 2).sum())


# -- every unreadable form names file, column and rows ------------------------------------------

def test_unknown_labels_are_reported_all_at_once(tmp_path):
    out = WIDE.copy().astype({"nps": object, "csat": object})
    out.loc[1, "nps"] = "heel waarschijnlijk"
    out.loc[[2, 4], "csat"] = "Blij"
    out.loc[3, "csat"] = "Super"
    out["date"] = out["date"].dt.strftime("%Y-%m-%d")
    out.to_csv(tmp_path / "labels.csv", index=False)
    with pytest.raises(cx.DataError) as e:
        cx.load_dataset(spec_for(tmp_path, {"file": "labels.csv", "labels": "builtin"}))
    msg = str(e.value)
    assert "labels.csv, column 'nps'" in msg and "'heel waarschijnlijk' (1x) in row 2" in msg
    assert "labels.csv, column 'csat'" in msg and "'Blij' (2x)" in msg and "'Super' (1x)" in msg
    assert "rows 3, 4, 5" in msg


def test_text_answers_without_labels_suggest_the_vocabulary(tmp_path):
    out = WIDE.copy().astype({"csat": object})
    out.loc[0, "csat"] = "Zeer tevreden"
    out["date"] = out["date"].dt.strftime("%Y-%m-%d")
    out.to_csv(tmp_path / "t.csv", index=False)
    with pytest.raises(cx.DataError, match=r"t\.csv, column 'csat'.*'Zeer tevreden'.*row 1.*labels: \{csat: builtin\}"):
        cx.load_dataset(spec_for(tmp_path, {"file": "t.csv"}))


@pytest.mark.parametrize("dates,pattern", [
    (["01/02/2025", "03/04/2025"], r"'01/02/2025' is ambiguous.*'%d/%m/%Y'.*'%m/%d/%Y'"),
    (["31/01/2025", "03/04/2025"], r"look day first.*'%d/%m/%Y'"),
    (["01/31/2025", "03/04/2025"], r"look month first.*'%m/%d/%Y'"),
])
def test_non_iso_dates_are_refused_until_declared(tmp_path, dates, pattern):
    body = "id,date,nps,csat,weight\n" + "".join(f"c{i},{d},9,4,1\n" for i, d in enumerate(dates, 1))
    (tmp_path / "d.csv").write_text(body)
    with pytest.raises(cx.DataError, match=r"d\.csv, column 'date' \(answered_at\).*rows 1, 2.*" + pattern):
        cx.load_dataset(spec_for(tmp_path, {"file": "d.csv"}))
    ds = cx.load_dataset(spec_for(tmp_path, {"file": "d.csv", "date_format": "%d/%m/%Y"} if "month first"
                                  not in pattern else {"file": "d.csv", "date_format": "%m/%d/%Y"}))
    assert ds.responses["answered_at"].dt.year.eq(2025).all()


def test_wrong_declared_date_format(tmp_path):
    as_text_csv(WIDE, tmp_path / "e.csv")
    with pytest.raises(cx.DataError, match=r"e\.csv, column 'date'.*rows 1, 2, 3.*declared format '%d-%m-%Y'"):
        cx.load_dataset(spec_for(tmp_path, {"file": "e.csv", "date_format": "%d-%m-%Y"}))


def test_declared_encoding_that_does_not_fit(tmp_path):
    as_text_csv(WIDE, tmp_path / "w.csv", encoding="cp1252")
    with pytest.raises(cx.DataError, match=r"w\.csv: cannot decode as utf-8.*data row 3"):
        cx.load_dataset(spec_for(tmp_path, {"file": "w.csv", "encoding": "utf-8"}))


def test_wrong_delimiter_names_file_and_columns(tmp_path):
    as_text_csv(WIDE, tmp_path / "s.csv", ";", ",")
    with pytest.raises(cx.DataError, match=r"s\.csv: column\(s\) \[.*'id'.*not in the file.*delimiter: ';'"):
        cx.load_dataset(spec_for(tmp_path, {"file": "s.csv", "delimiter": ","}))


def test_decimal_comma_weight_without_sniffing_is_refused(tmp_path):
    as_text_csv(WIDE, tmp_path / "dc.csv", ";", ",")
    with pytest.raises(cx.DataError, match=r"dc\.csv, column 'weight'.*\['1,5', '0,5', '1,0'\].*rows 1, 2, 3, 4, 5 \(and 1 more\)"):
        cx.load_dataset(spec_for(tmp_path, {"file": "dc.csv", "decimal": "."}))


def test_out_of_range_in_sav_names_rows(tmp_path):
    import pyreadstat

    bad = WIDE.assign(nps=[10, 11, 6, 0, 7, 12])
    pyreadstat.write_sav(bad, str(tmp_path / "bad.sav"))
    with pytest.raises(cx.DataError, match=r"bad\.sav, column 'nps'.*\[11\.0, 12\.0\].*rows 2, 6.*0\.\.10"):
        cx.load_dataset(spec_for(tmp_path, {"file": "bad.sav"}))


def test_recode_that_leaves_the_range(tmp_path):
    WIDE.to_parquet(tmp_path / "r.parquet")
    with pytest.raises(cx.DataError, match=r"r\.parquet, column 'nps'.*\[-1\.0\] after the declared recode.*row 4"):
        cx.load_dataset(spec_for(tmp_path, {"file": "r.parquet", "recode": {"nps": {"add": -1}}}))


def test_excel_header_on_wrong_row(tmp_path):
    path = tmp_path / "x.xlsx"
    with pd.ExcelWriter(path) as xl:
        WIDE.to_excel(xl, sheet_name="Data", startrow=1, index=False)
        xl.sheets["Data"]["A1"] = "Title"
    with pytest.raises(cx.DataError, match=r"x\.xlsx: column\(s\) \[.*'id'.*not in the file.*'Title'"):
        cx.load_dataset(spec_for(tmp_path, {"file": "x.xlsx"}))
    with pytest.raises(cx.SpecError, match=r"x\.xlsx: sheet 'Blad1' not found; the workbook has \['Data'\]"):
        cx.load_dataset(spec_for(tmp_path, {"file": "x.xlsx", "sheet": "Blad1"}))


def test_bad_duckdb_query_names_it(tmp_path):
    as_text_csv(WIDE, tmp_path / "export.csv")
    with pytest.raises(cx.DataError, match=r"tables\.responses query.*SELEC \* FROM.*DuckDB could not run it"):
        cx.load_dataset(spec_for(tmp_path, {"query": "SELEC * FROM read_csv('export.csv')"}))


def test_join_with_repeated_keys_is_refused(tmp_path):
    as_text_csv(WIDE.drop(columns="weight"), tmp_path / "answers.csv")
    pd.DataFrame({"id": ["c1", "c2", "c1"], "weight": [1, 2, 3]}).to_csv(tmp_path / "w.csv", index=False)
    table = {"file": "answers.csv", "join": [{"file": "w.csv", "on": "id"}]}
    with pytest.raises(cx.DataError, match=r"w\.csv \(join 1\), column\(s\) \['id'\].*\['c1'\].*rows 1, 3.*keep"):
        cx.load_dataset(spec_for(tmp_path, table))


def test_negative_weight_and_missing_id_all_reported(tmp_path):
    out = WIDE.copy()
    out.loc[2, "weight"] = -1
    out.loc[4, "id"] = None
    as_text_csv(out, tmp_path / "m.csv")
    with pytest.raises(cx.DataError) as e:
        cx.load_dataset(spec_for(tmp_path, {"file": "m.csv"}))
    msg = str(e.value)
    assert "2 problems found" in msg
    assert "m.csv, column 'id': missing customer ids in row 5" in msg
    assert "m.csv, column 'weight': values ['-1.0'] in row 3 are not non-negative" in msg


def test_unknown_table_key_is_a_spec_error(tmp_path):
    as_text_csv(WIDE, tmp_path / "export.csv")
    with pytest.raises(cx.SpecError, match=r"unknown keys \['seperator'\]"):
        cx.load_dataset(spec_for(tmp_path, {"file": "export.csv", "seperator": ";"}))


def test_non_answers_are_dropped_and_noted(tmp_path):
    out = WIDE.copy().astype({"nps": object})
    out.loc[5, "nps"] = "Weet niet"  # respondent c6 skipped the NPS question
    out["date"] = out["date"].dt.strftime("%Y-%m-%d")
    out.to_csv(tmp_path / "nv.csv", index=False)
    ds = cx.load_dataset(spec_for(tmp_path, {"file": "nv.csv", "labels": "builtin"}))
    check_same(ds)
    assert any("'Weet niet' (1x)" in i.message for i in ds.quality.issues if i.level == "note")


def test_customers_cannot_keep_duplicates(tmp_path):
    as_text_csv(WIDE, tmp_path / "a.csv")
    (tmp_path / "c.csv").write_text("id\nc1\nc1\n")
    customers = {"file": "c.csv", "columns": {"customer_id": "id"}, "duplicates": {"keep": "all"}}
    with pytest.raises(cx.SpecError, match=r"`duplicates.keep` must be one of .* for customers; got 'all'"):
        cx.load_dataset(spec_for(tmp_path, {"file": "a.csv"}, customers))
    customers["duplicates"] = {"keep": "first"}
    assert len(cx.load_dataset(spec_for(tmp_path, {"file": "a.csv"}, customers)).customers) == 1


@pytest.mark.parametrize("name", ["broken.parquet", "broken.sav", "broken.xlsx"])
def test_corrupt_binary_files_name_the_file(tmp_path, name):
    (tmp_path / name).write_text("id,date\nc1,2025-01-01\n")
    with pytest.raises(cx.DataError, match=rf"{name.replace('.', '[.]')}: cannot be read as"):
        cx.load_dataset(spec_for(tmp_path, {"file": name}))
