"""Safe to share: hostile data, hostile specs and personal data (issue 14).

The reports are opened in headless Chromium (see ``test_report_browser.py`` for the set-up)
with labels and column names that are markup: no script from the data may run and no tag
from the data may reach the HTML source unescaped.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

import cxkit as cx
from cxkit.run.batch import run_reports

from .conftest import ROOT
from .sessiondata import once
from .test_report_browser import _browser

SAMPLE = ROOT / "cxkit" / "data" / "sample"
RUN_DATE = "2026-11-01"
# Every label and name an attacker could put in an export; each would change the title or raise a dialog.
HOSTILE = {
    "segment": ("consumer", "<img src=x onerror=alert(1)>"),
    "channel": ("web", "<script>document.title='pwned'</script>"),
    "touchpoint": ("support_contact", "<img src=y onerror=\"document.title='pwned'\">"),
}
HOSTILE_COLUMN = "<b onmouseover=alert(2)>contract</b>"
TAGS = [v for _, v in HOSTILE.values()] + [HOSTILE_COLUMN, "<img src=x", "<img src=y", "<b onmouseover"]


def write_hostile_sample(folder: Path) -> Path:
    """The bundled sample with one segment, channel and touchpoint label and one extra column name as markup."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("responses.csv", "customers.csv", "comments.csv"):
        with open(SAMPLE / name, newline="") as fh:
            rows = list(csv.reader(fh))
        head = rows[0]
        for col, (old, new) in HOSTILE.items():
            if col in head:
                i = head.index(col)
                for r in rows[1:]:
                    r[i] = new if r[i] == old else r[i]
        rows[0] = [HOSTILE_COLUMN if c == "contract" else c for c in head]
        with open(folder / name, "w", newline="") as fh:
            csv.writer(fh).writerows(rows)
    spec = (SAMPLE / "spec.yaml").read_text().replace("extra: [contract,", f"extra: ['{HOSTILE_COLUMN}',")
    (folder / "spec.yaml").write_text(spec)
    return folder / "spec.yaml"


@pytest.fixture(scope="module")
def hostile_reports(tmp_path_factory):
    def make(folder: Path) -> dict:
        spec = write_hostile_sample(folder / "data")
        batch = folder / "reports.yaml"
        nbs = ROOT / "cxkit" / "notebooks"
        batch.write_text(f"defaults: {{spec: {spec}}}\nreports:\n"
                         f"  - {{notebook: {nbs / '01_cx_overview.ipynb'}, parameters: "
                         "{group_by: [segment, channel, touchpoint]}}\n"
                         + "".join(f"  - notebook: {nbs / n}\n" for n in
                                   ("02_satisfaction_vs_loyalty.ipynb", "04_drivers.ipynb")))
        res = run_reports(batch, run_date=RUN_DATE, output=folder / "reports")
        return {"exit_code": res.exit_code, "summary": res.table()}

    folder, res = once(tmp_path_factory, "hostile-reports", make)
    assert res["exit_code"] == 0, res["summary"]
    return folder / "reports" / RUN_DATE


def test_hostile_labels_stay_text_in_the_html_source(hostile_reports):
    pages = sorted(hostile_reports.glob("*/*.html")) + [hostile_reports / "index.html"]
    assert len(pages) == 4
    shown = 0
    for page in pages:
        text = page.read_text()
        for tag in TAGS:
            assert tag not in text, f"{page.name}: unescaped {tag!r}"
        assert not re.search(r"<(script|iframe|object|embed)\b[^>]*>[^<]*(pwned|alert)", text), page.name
        # a tag with an event-handler attribute; attribute values are skipped whole, so a label quoted
        # (escaped) inside an alt text, "alt=\"... &lt;img src=x onerror=...\"", is text, not a handler
        assert not re.search(r"""<[a-zA-Z]+(\s+[\w:-]+(\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?)*\s+"""
                             r"on(error|mouseover|load|click)\s*=", text), page.name
        shown += "&lt;img src=x onerror=alert(1)&gt;" in text
    assert shown >= 1  # the segment is reported, as text


def test_hostile_labels_run_no_script_in_chromium(hostile_reports, tmp_path):
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.support.ui import WebDriverWait

    driver = _browser(tmp_path)
    try:
        for page in sorted(hostile_reports.glob("*/*.html")):
            driver.get(page.as_uri())
            WebDriverWait(driver, 30).until(lambda d: d.execute_script("return document.readyState") == "complete")
            # hover every element: an onmouseover from a column name would fire now
            driver.execute_script("document.querySelectorAll('*').forEach(e => e.dispatchEvent("
                                  "new MouseEvent('mouseover', {bubbles: true})))")
            with pytest.raises(NoAlertPresentException):
                driver.switch_to.alert.text  # noqa: B018 - reading it is the check
            assert driver.title == page.stem, page.name
            assert "pwned" not in driver.title
            text = driver.execute_script("return document.body.innerText")
            if page.stem == "01_cx_overview":
                assert "<img src=x onerror=alert(1)>" in text  # the label is readable, as text
    finally:
        driver.quit()


def test_markdown_and_styler_escape_data_values():
    import pandas as pd

    md = cx.i18n.markdown("- **Segments**: <img src=x onerror=alert(1)> [x](javascript:alert(1)) R&D")
    from nbconvert.filters.markdown import markdown2html

    rendered = markdown2html(md)  # what the HTML report shows
    assert "<img" not in rendered and "<a " not in rendered and "<strong>Segments</strong>" in rendered
    assert "&lt;img src=x onerror=alert(1)&gt;" in rendered and "R&amp;D" in rendered
    html = cx.i18n.styled(pd.DataFrame({"<b>s</b>": ["<script>x</script>"]}), "by <i>seg</i>").to_html()
    assert "<script>" not in html and "<b>" not in html and "<i>" not in html and "&lt;script&gt;" in html


def test_exported_html_is_sanitised_as_a_backstop(tmp_path):
    import nbformat

    from cxkit.run.notebook import render_html

    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("<img src=x onerror=alert(1)> [l](javascript:alert(1))"),
        nbformat.v4.new_code_cell("x", outputs=[
            nbformat.v4.new_output("display_data", data={
                "text/html": "<table><tr><td onclick='x()'>a</td></tr></table><script>alert(1)</script>",
                "text/plain": "x"}),
            nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "fig"},
                                   metadata={"alt": "Chart: NPS by segment"})])])
    nbformat.write(nb, tmp_path / "t.ipynb")
    body = render_html(tmp_path / "t.ipynb", tmp_path / "t.html").read_text()
    body = body[body.index("<body"):]
    assert "onerror" not in body and "onclick" not in body and "javascript:" not in body
    assert "<script>alert" not in body
    assert "<td>a</td>" in body  # tables are kept
    assert '<img alt="Chart: NPS by segment"' in body and "data:image/png;base64," in body


# -- item 3: a spec's `query:` may only read ---------------------------------------------------
def _query_spec(folder: Path, query: str, database: str | None = None) -> Path:
    import yaml

    (folder / "answers.csv").write_text("id,nps\nA,9\nB,3\n")
    table = {"query": query, "columns": {"customer_id": "id"}, "scores": {"nps": "nps"}}
    if database:
        table["database"] = database
    spec = folder / "spec.yaml"
    spec.write_text(yaml.safe_dump({"name": "q", "tables": {"responses": table}, "scales": {"nps": {"kind": "nps"}}}))
    return spec


@pytest.mark.parametrize("query, match", [
    ("COPY (SELECT 1 AS x) TO 'written.csv'", "only a SELECT.*got COPY"),
    ("ATTACH 'written.duckdb' AS w", "only a SELECT.*got ATTACH"),
    ("INSTALL httpfs", "only a SELECT.*got LOAD"),
    ("LOAD httpfs", "only a SELECT.*got"),
    ("SELECT * FROM read_csv('answers.csv'); COPY (SELECT 1) TO 'written.csv'", "exactly one SELECT.*got 2"),
    ("SELECT * FROM read_csv('/etc/passwd')", "may read files only under"),
    ("SELECT * FROM read_csv('../outside/answers.csv')", "may read files only under"),
    ("SELECT * FROM read_csv('https://example.com/answers.csv')", "may read files only under"),
    ("SET enable_external_access = true", "only a SELECT.*got SET"),
    ("SELECT * FROM query('COPY (SELECT 1) TO ''written.csv''')", "SELECT"),
])
def test_spec_query_may_only_select_files_under_the_spec(tmp_path, query, match):
    folder = tmp_path / "spec"
    folder.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "answers.csv").write_text("id,nps\nX,10\n")
    with pytest.raises((cx.SpecError, cx.DataError), match=match):
        cx.load_dataset(_query_spec(folder, query))
    assert sorted(p.name for p in folder.iterdir()) == ["answers.csv", "spec.yaml"]  # nothing written


def test_spec_query_refusals_are_spec_errors(tmp_path):
    for query in ("COPY (SELECT 1 AS x) TO 'written.csv'", "SELECT * FROM read_csv('/etc/passwd')"):
        with pytest.raises(cx.SpecError, match=r"tables\.responses query"):
            cx.load_dataset(_query_spec(tmp_path, query))


def test_spec_query_on_a_database_is_fenced_too(tmp_path):
    import duckdb

    con = duckdb.connect(str(tmp_path / "cx.duckdb"))
    con.execute("CREATE TABLE answers AS SELECT 'A' AS id, 9 AS nps UNION ALL SELECT 'B', 3")
    con.close()
    ds = cx.load_dataset(_query_spec(tmp_path, "SELECT * FROM answers", database="cx.duckdb"))
    assert len(ds.responses) == 2
    with pytest.raises(cx.SpecError, match="got COPY"):
        cx.load_dataset(_query_spec(tmp_path, "COPY answers TO 'written.csv'", database="cx.duckdb"))
    with pytest.raises(cx.SpecError, match="may read files only under"):
        cx.load_dataset(_query_spec(tmp_path, "SELECT * FROM read_csv('/etc/passwd')", database="cx.duckdb"))
    assert not (tmp_path / "written.csv").exists()


# -- item 4: personal data never reaches a shared report ----------------------------------------
def _pii_spec(folder: Path, responses: str, customers: str | None = None, **table) -> Path:
    import yaml

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "r.csv").write_text(responses)
    tables = {"responses": {"file": "r.csv", "columns": {"customer_id": "email", "answered_at": "date"},
                            "scores": {"nps": "nps"}, **table}}
    if customers is not None:
        (folder / "c.csv").write_text(customers)
        tables["customers"] = {"file": "c.csv", "columns": {"customer_id": "email", "segment": "seg"}}
    spec = folder / "spec.yaml"
    spec.write_text(yaml.safe_dump({"name": "pii", "tables": tables, "scales": {"nps": {"kind": "nps"}}}))
    return spec


ANSWERS = "email,date,nps\nann@example.com,2025-01-02,9\nbob@example.com,2025-01-03,7\n"
DUP_CUSTOMERS = "email,seg\nann@example.com,a\nbob@example.com,b\nann@example.com,b\n"


def test_load_and_require_errors_mask_customer_ids(tmp_path):
    spec = _pii_spec(tmp_path, ANSWERS, DUP_CUSTOMERS)
    with pytest.raises(cx.DataError, match=r"more than once \(rows 1, 3\)") as err:
        cx.load_dataset(spec)
    assert "@" not in str(err.value) and "'…'" in str(err.value)
    report = cx.validate_dataset(spec)
    with pytest.raises(cx.DataError) as err:
        report.require()
    assert "@" not in str(err.value)
    assert "ann@example.com" in report.text()  # the analyst fixing the file still sees it
    with pytest.raises(cx.DataError, match="ann@example.com"):
        report.require(allow_personal_data=True)


def test_ids_are_masked_even_when_the_responses_table_failed(tmp_path):
    # responses cannot load (no `nps` column); the customers' duplicate e-mail ids must still be masked
    spec = _pii_spec(tmp_path, "email,date,score\nann@example.com,2025-01-02,9\n",
                     "email,seg\nann@example.com,a\nann@example.com,b\n")
    report = cx.validate_dataset(spec)
    assert report.dataset is None and "ann@example.com" in report.text()
    shown = report.redacted()
    assert not any("@" in i.message for i in shown.issues)
    with pytest.raises(cx.CxkitError) as err:
        report.require()
    assert "@" not in str(err.value)


def test_failed_overview_report_shows_no_customer_ids(tmp_path):
    from cxkit.run.notebook import execute_notebook

    spec = _pii_spec(tmp_path / "data", ANSWERS, DUP_CUSTOMERS)
    res = execute_notebook(ROOT / "notebooks" / "01_cx_overview.ipynb", tmp_path / "out",
                           {"spec": str(spec), "run_date": "2025-02-01"})
    assert res.status == "failed" and "more than once" in res.error
    assert "@" not in res.error
    for f in (res.html, res.notebook):
        assert "example.com" not in f.read_text(), f.name


def test_declared_pii_with_an_underscore_name_is_honoured(tmp_path):
    import pandas as pd

    from cxkit.data.privacy import personal_columns, safe_group_by

    class Declared:
        pii, free_text = ("_email",), ()

    df = pd.DataFrame({"_email": ["a@x.nl", "b@x.nl"], "_row": [1, 2], "seg": ["a", "b"]})
    assert personal_columns(df, Declared())["_email"].startswith("declared")
    kept, withheld = safe_group_by(df, ["_email", "seg"], Declared())
    assert kept == ["seg"] and "_email" in withheld
    assert "_row" not in personal_columns(df, Declared())


@pytest.mark.parametrize("name", ["phone", "mobile", "Mobile Number", "telefoon", "telefoonnummer", "gsm", "mobiel",
                                  "bsn", "ssn", "national_id", "sofinummer", "cell_phone"])
def test_phone_and_national_id_columns_are_found_by_name(name):
    import pandas as pd

    from cxkit.data.privacy import personal_columns

    assert name in personal_columns(pd.DataFrame({name: ["x", "y"], "segment": ["a", "b"]}))


def test_phone_numbers_are_found_by_value():
    import pandas as pd

    from cxkit.data.privacy import personal_columns

    df = pd.DataFrame({"contact": ["+31 6 1234 5678", "06-12345678", "0031612345678", "(555) 123-4567"],
                       "when": ["2025-01-01", "2025-01-02", "01-02-2025", "2025-03-04"],
                       "amount": ["1234567890", "12.50", "99", "100000"], "segment": ["a", "b", "c", "d"]})
    assert personal_columns(df) == {"contact": "values look like phone numbers"}


@pytest.mark.parametrize("salt", [" " * 16, "0" * 16, "0" * 32, "ab" * 8, "short"])
def test_guessable_salts_are_refused(salt, monkeypatch):
    monkeypatch.delenv("CXKIT_SALT", raising=False)
    with pytest.raises(cx.ParameterError, match="salt"):
        cx.privacy.pseudonymise(["C1"], salt=salt)
    monkeypatch.setenv("CXKIT_SALT", salt)
    with pytest.raises(cx.ParameterError, match="salt"):
        cx.privacy.pseudonymise(["C1"])


# -- item 6: ordinary exports are never silently misread ----------------------------------------
def _region_spec(folder: Path, responses: str, **table) -> Path:
    import yaml

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "r.csv").write_text(responses)
    t = {"file": "r.csv", "columns": {"customer_id": "id", "answered_at": "date"}, "scores": {"nps": "nps"},
         "extra": ["region"], **table}
    spec = folder / "spec.yaml"
    spec.write_text(yaml.safe_dump({"name": "r", "tables": {"responses": t}, "scales": {"nps": {"kind": "nps"}}}))
    return spec


def test_na_none_null_labels_stay_labels(tmp_path):
    csv_text = "id,date,nps,region\n1,2025-01-02,9,NA\n2,2025-01-02,7,None\n3,2025-01-02,3,null\n4,2025-01-02,8,\n"
    ds = cx.load_dataset(_region_spec(tmp_path, csv_text))
    assert ds.responses["region"].tolist()[:3] == ["NA", "None", "null"]
    assert ds.responses["region"].isna().tolist() == [False, False, False, True]  # only the empty cell


def test_declared_missing_tokens_are_missing(tmp_path):
    csv_text = "id,date,nps,region\n1,2025-01-02,9,NA\n2,2025-01-02,7,n/a\n3,2025-01-02,3,-\n"
    ds = cx.load_dataset(_region_spec(tmp_path, csv_text, missing_values=["n/a", "-"]))
    assert ds.responses["region"].tolist()[0] == "NA" and ds.responses["region"].isna().sum() == 2
    import pandas as pd

    pd.DataFrame({"id": ["1", "2"], "date": ["2025-01-02"] * 2, "nps": [9, 7], "region": ["NA", "n/a"]}).to_parquet(
        tmp_path / "r.parquet")
    spec = _region_spec(tmp_path, csv_text, missing_values=["n/a"])
    spec.write_text(spec.read_text().replace("file: r.csv", "file: r.parquet"))
    assert cx.load_dataset(spec).responses["region"].isna().tolist() == [False, True]


def test_ambiguous_thousands_in_a_semicolon_file_are_refused(tmp_path):
    csv_text = "id;date;nps;value\n1;2025-01-02;9;1,234\n2;2025-01-02;7;12,500\n"
    spec = _region_spec(tmp_path, csv_text, extra=["value"])
    with pytest.raises(cx.SpecError, match=r"1,234.*decimal separator.*thousands separator.*declare `decimal"):
        cx.load_dataset(spec)
    # declared: no guess needed; unambiguous comma decimals are still sniffed
    assert len(cx.load_dataset(_region_spec(tmp_path, csv_text, extra=["value"], decimal=",")).responses) == 2
    (tmp_path / "r.csv").write_text("id;date;nps;value\n1;2025-01-02;9;1,5\n2;2025-01-02;7;12,25\n")
    spec = _region_spec(tmp_path, "id;date;nps;value\n1;2025-01-02;9;1,5\n2;2025-01-02;7;12,25\n", extra=["value"])
    assert len(cx.load_dataset(spec).responses) == 2


@pytest.mark.parametrize("value", ["2025", "2025-03"])
def test_a_year_or_month_is_not_a_date(tmp_path, value):
    csv_text = f"id,date,nps,region\n1,{value},9,eu\n2,2025-01-02,7,eu\n"
    with pytest.raises(cx.DataError, match=re.escape(value)):
        cx.load_dataset(_region_spec(tmp_path, csv_text))


def test_tz_aware_parquet_times_are_utc(tmp_path):
    import pandas as pd

    when = pd.to_datetime(["2025-01-01 00:30"]).tz_localize("Europe/Amsterdam")
    pd.DataFrame({"id": ["1"], "date": when, "nps": [9], "region": ["eu"]}).to_parquet(tmp_path / "r.parquet")
    spec = _region_spec(tmp_path, "id,date,nps,region\n1,2025-01-02,9,eu\n")
    spec.write_text(spec.read_text().replace("file: r.csv", "file: r.parquet"))
    got = cx.load_dataset(spec).responses["answered_at"].iloc[0]
    assert got == pd.Timestamp("2024-12-31 23:30")  # UTC, like CSV offsets


@pytest.mark.parametrize("text, annotation, expected", [
    ("030", "int", 30), ("1:30", "str | int", "1:30"), ("yes", "bool | str", "yes"), ("0o17", "int", 15),
    ("50", "int", 50), ("[segment]", "list[str]", ["segment"]), ("1e3", "float", 1000.0)])
def test_cli_parameters_are_yaml_1_2(text, annotation, expected):
    from cxkit.run.notebook import parse_parameter_text

    assert parse_parameter_text(text, annotation) == expected


def test_na_in_a_score_column_is_not_silently_missing(tmp_path):
    csv_text = "id,date,nps,region\n1,2025-01-02,9,eu\n2,2025-01-02,NA,eu\n"
    with pytest.raises(cx.DataError, match=r"non-numeric answers \['NA'\].*missing_values"):
        cx.load_dataset(_region_spec(tmp_path, csv_text))
    ds = cx.load_dataset(_region_spec(tmp_path, csv_text, missing_values=["NA"]))
    assert ds.responses["score"].notna().sum() == 1


# -- low: reports are byte-reproducible ----------------------------------------------------------
def test_the_same_run_twice_gives_byte_identical_html(tmp_path):
    """Cell ids (random in nbformat) and pandas Styler uuids (random per table) no longer vary."""
    import nbformat

    from cxkit.run.notebook import execute_notebook

    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                           "language": "python"}})
    nb.cells = [nbformat.v4.new_code_cell("label = 'web'", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_markdown_cell("# A report"),
                nbformat.v4.new_code_cell("import pandas as pd\n"
                                          "df = pd.DataFrame({'g': [label, 'b'], 'x': [1.5, 2.5]})\n"
                                          "display(df.style.highlight_max('x'))\ndf.style.format('{:.1f}', subset='x')")]
    path = tmp_path / "styled.ipynb"
    nbformat.write(nb, path)
    pages = []
    for out in ("one", "two"):
        res = execute_notebook(path, tmp_path / out, {"label": "web"})
        assert res.status == "ok", res.error
        pages.append(res.html.read_bytes())
    assert b"T_t0001" in pages[0] and b"T_t0002" in pages[0]  # two styled tables, numbered
    assert pages[0] == pages[1]
