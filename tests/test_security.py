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
    for name in ("responses.csv", "customers.csv"):
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
        assert not re.search(r"<[a-zA-Z][^<>]*\son(error|mouseover|load|click)\s*=", text), page.name
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
