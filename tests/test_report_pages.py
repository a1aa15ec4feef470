"""What a manager's browser gets from a rendered report: a self-contained page.

The browser check opens a rendered page in headless Chromium with its
performance log on and fails on any request to a non-file URL.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

from cxkit.run.notebook import render_html

from .test_report_browser import _browser
from .test_report_browser import default_reports as default_reports  # noqa: F401  (the English default set)


def _notebook(tmp: Path) -> Path:
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# A report\n\nWith $x^2$ maths and a table.\n\n```mermaid\ngraph TD; A-->B\n```"),
        nbformat.v4.new_code_cell("1 + 1", outputs=[nbformat.v4.new_output(
            "execute_result", data={"text/plain": "2", "text/html": "<b>2</b>"}, execution_count=1)]),
    ])
    path = tmp / "nb.ipynb"
    nbformat.write(nb, str(path))
    return path


def test_rendered_html_loads_nothing_from_the_network(tmp_path):
    html = render_html(_notebook(tmp_path), tmp_path / "nb.html").read_text()
    # no script, stylesheet, image or module import from a CDN
    assert not re.search(r"""(src|href)=["']https?://""", html)
    assert not re.search(r"""import\(["']https?://""", html)
    for cdn in ("cdnjs", "mathjax", "require.min.js", "mermaid.esm", "unpkg", "jsdelivr"):
        assert cdn not in html.lower().replace("jp-mermaid", ""), cdn


def _network_requests(driver, page: Path) -> list[str]:
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(page.as_uri())
    WebDriverWait(driver, 30).until(lambda d: d.execute_script("return document.readyState") == "complete")
    urls = []
    for entry in driver.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg.get("method") == "Network.requestWillBeSent":
            urls.append(msg["params"]["request"]["url"])
    # the browser's own pages (chrome://) never leave the machine; every other scheme could
    local = ("file:", "data:", "about:", "blob:", "chrome:", "chrome-untrusted:", "chrome-extension:", "devtools:")
    return [u for u in urls if not u.startswith(local)]


def test_opened_report_makes_no_network_request(tmp_path):
    page = render_html(_notebook(tmp_path), tmp_path / "nb.html")
    driver = _browser(tmp_path, performance_log=True)
    try:
        assert _network_requests(driver, page) == []
    finally:
        driver.quit()


def _fake_run(root: Path, date: str, name: str, kpis: list[dict]) -> None:
    d = root / date / name
    d.mkdir(parents=True)
    (d / f"{name}.html").write_text("<html></html>")
    (d / "kpis.json").write_text(json.dumps({"kpis": kpis}))
    (d / "manifest.json").write_text(json.dumps({
        "name": name, "report": name, "run_date": date, "status": "ok", "duration_s": 1.0, "parameters": {},
        "outputs": {"html": f"{name}.html", "kpis": "kpis.json"}, "inputs": []}))


def _kpi(name, value, lo, hi, n, unit, **labels):
    return {"name": name, "value": value, "ci_low": lo, "ci_high": hi, "n": n, "unit": unit, "level": 0.95,
            "suppressed": False, "note": "", "labels": labels}


def test_index_names_kpis_in_words_two_decimals_and_change_against_the_previous_date(tmp_path):
    from cxkit.run.manifest import write_index

    name = "03_effort_nps_churn"
    _fake_run(tmp_path, "2026-10-01", name, [_kpi("ces", 0.60, 0.58, 0.62, 9000, "AUC"),
                                             _kpi("nps", 0.57, 0.55, 0.59, 9000, "AUC")])
    _fake_run(tmp_path, "2026-11-01", name, [_kpi("ces", 0.6812, 0.665, 0.697, 9500, "AUC"),
                                             _kpi("nps", 0.5731, 0.55, 0.59, 9500, "AUC")])
    _fake_run(tmp_path, "2026-11-01", "04_drivers", [_kpi("drivers_r2", 0.1234, 0.1, 0.15, 900, "R2")])
    write_index(tmp_path / "2026-10-01")  # as each date's batch does
    write_index(tmp_path / "2026-11-01")
    page = (tmp_path / "2026-11-01" / "index.html").read_text()
    text = re.sub(r"<[^>]+>", "", page)
    assert "0.68 AUC" in text and "0.57 AUC" in text and "0.12 R²" in text  # two decimals
    assert "0.7 AUC" not in text
    assert "Customer effort (CES): how well it predicts churn (AUC)" in text
    assert "NPS explained by the drivers" in text and "drivers_r2" not in text
    assert "Effort (CES), NPS and satisfaction vs churn" in text and "What drives NPS?" in text
    assert "▲ +0.08 vs 2026-10-01 (significant)" in text  # 0.68 vs 0.60, intervals far apart
    assert "+0.00 vs 2026-10-01 (not significant)" in text
    assert "no earlier run to compare" in text  # 04 has no previous date
    root = (tmp_path / "index.html").read_text()  # the cross-date index
    assert "2026-11-01/index.html" in root and "2026-10-01/index.html" in root
    assert root.index("2026-11-01") < root.index("2026-10-01")  # newest first
    assert "href='../index.html'" in page  # back to all dates


def test_every_notebook_narrative_cell_has_its_english_and_dutch_text():
    from cxkit.report import i18n
    from cxkit.report.narrative import NARRATIVE

    from .conftest import ROOT

    for path in sorted((ROOT / "cxkit" / "notebooks").glob("0*.ipynb")):
        for cell in nbformat.read(str(path), as_version=4).cells:
            if cell.cell_type != "markdown":
                continue
            key = cell.metadata.get("cxkit", {}).get("text")
            assert key in NARRATIVE, f"{path.name}: markdown cell without an i18n key: {cell.source[:60]!r}"
            assert i18n.text(key, "en") == cell.source, f"{path.name}: {key} differs from the cell"
            assert i18n.text(key, "nl") != cell.source


# ---- acceptance: every report of the default set, English and Dutch, as a browser renders it

@pytest.fixture(scope="module")
def dutch_reports(tmp_path_factory):
    from cxkit.run.batch import run_reports

    from .conftest import ROOT
    from .sessiondata import once
    from .test_report_browser import RUN_DATE

    def make(folder: Path) -> dict:
        res = run_reports(ROOT / "notebooks" / "reports.yaml", run_date=RUN_DATE, output=folder / "reports",
                          parameters={"lang": "nl"})
        return {"exit_code": res.exit_code, "summary": res.table()}

    folder, res = once(tmp_path_factory, "default-reports-nl", make)
    assert res["exit_code"] == 0, res["summary"]
    return folder / "reports" / RUN_DATE


_PAGE_JS = """
const tables = [...document.querySelectorAll('table')].filter(t => t.offsetParent !== null);
const pos = el => el ? [...document.querySelectorAll('*')].indexOf(el) : -1;
const heading = re => [...document.querySelectorAll('h1, h2, h3')].find(h => re.test(h.innerText));
return {
  cells: [...document.querySelectorAll('td')].map(td => td.innerText.trim()),
  headings: [...document.querySelectorAll('h1, h2, h3, h4')].map(h => h.innerText.trim()),
  firstTable: pos(tables[0]), tiles: pos(document.querySelector('.cx-tiles')),
  verdict: pos(heading(/^(What the data says|Wat de data zegt)/)),
  quality: pos(heading(/^(Data quality|Datakwaliteit)/)),
  params: pos([...document.querySelectorAll('caption')].find(c => /Run parameters|Parameters van deze run/.test(c.innerText))),
  text: document.body.innerText,
  // text a reader sees: not styles or scripts, not the data's own values (dataset name, paths: class cx-data)
  nodes: (() => { const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT); const out = [];
                  while (w.nextNode()) { const n = w.currentNode, t = n.textContent.trim();
                    if (t && !n.parentElement.closest('style, script, .cx-data')) out.push(t); } return out; })(),
};
"""


def _read_page(driver, page: Path) -> dict:
    from selenium.webdriver.support.ui import WebDriverWait

    requests = _network_requests(driver, page)
    WebDriverWait(driver, 30).until(lambda d: d.execute_script("return document.readyState") == "complete")
    return {"requests": requests, **driver.execute_script(_PAGE_JS)}


def _sentences(nodes: list[str]) -> set[str]:
    out = set()
    for node in nodes:
        for s in re.split(r"(?<=[.!?:;])\s+|\n", node):
            words = re.findall(r"[A-Za-zÀ-ÿ]{2,}", s)
            if len(words) >= 4:
                out.add(" ".join(w.lower() for w in words))
    return out


def _check(page: dict, name: str) -> None:
    assert page["requests"] == [], f"{name}: network requests {page['requests'][:3]}"
    assert 0 <= page["tiles"] < page["firstTable"], f"{name}: KPI tiles not before the first table"
    assert 0 <= page["verdict"] < page["firstTable"], f"{name}: the verdict is not before the first table"
    assert page["verdict"] < page["quality"] and page["verdict"] < page["params"], \
        f"{name}: parameters or data quality before the findings"
    cells = page["cells"]
    assert not [c for c in cells if re.search(r"\de[+-]\d\d", c)], f"{name}: e-notation in a table"
    bad = [c for c in cells if c in ("True", "False", "NaN", "nan", "None", "NaT", "<NA>")]
    assert not bad, f"{name}: {len(bad)} cells read {bad[:3]}"
    reprs = re.findall(r"\{'|\[\{|np\.float64|<cxkit\.|<Axes:", page["text"])
    assert not reprs, f"{name}: Python repr on the page: {reprs[:3]}"
    assert not [h for h in page["headings"] if re.match(r"^#?\d+\b", h)], f"{name}: heading made from a bullet"


def test_every_report_answer_first_and_clean_in_english_and_dutch(default_reports, dutch_reports, tmp_path):
    """Structure and cell text of every page, en and nl; the en/nl sentence check is the next test."""
    driver = _browser(tmp_path, performance_log=True)
    try:
        en = {p.parent.name: _read_page(driver, p) for p in sorted(default_reports.glob("*/*.html"))}
        nl = {p.parent.name: _read_page(driver, p) for p in sorted(dutch_reports.glob("*/*.html"))}
    finally:
        driver.quit()
    assert len(en) == 7 and sorted(nl) == sorted(f"{n}_nl" for n in en)  # the language is in the run name
    for name, page in {**en, **nl}.items():
        _check(page, name)


def test_dutch_reports_share_no_sentence_with_the_english_ones(default_reports, dutch_reports, tmp_path):
    driver = _browser(tmp_path, performance_log=True)
    try:
        en = {p.parent.name: _read_page(driver, p) for p in sorted(default_reports.glob("*/*.html"))}
        nl = {p.parent.name: _read_page(driver, p) for p in sorted(dutch_reports.glob("*/*.html"))}
    finally:
        driver.quit()
    for name, page in en.items():
        common = _sentences(page["nodes"]) & _sentences(nl[f"{name}_nl"]["nodes"])
        assert not common, f"{name}: {len(common)} sentences in both the English and Dutch page, e.g. {sorted(common)[:3]}"


def test_cli_params_lists_types_defaults_and_comments():
    from click.testing import CliRunner

    from cxkit.cli import main

    res = CliRunner().invoke(main, ["params", "03_effort_nps_churn"])
    assert res.exit_code == 0, res.output
    line = [x for x in res.output.splitlines() if x.startswith("horizon_days")][0]
    assert "int" in line and "180" in line and "# churn counts" in line
    help_text = CliRunner().invoke(main, ["run", "--help"]).output
    assert "Default: today" in help_text and "`grid`" in help_text


# ---- Dutch number formats in the text of every Dutch report (issue 12, build item 5)

_TEXT_NODES_JS = """
const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT); const out = [];
while (w.nextNode()) { const n = w.currentNode, t = n.textContent.trim();
  if (t && !n.parentElement.closest('style, script, code, pre, .cx-data')) out.push(t); }
return out;
"""


def english_numbers(text: str) -> list[str]:
    """Numbers written the English way: ``9,490`` (thousands comma), ``0.68`` (decimal point), ``1,234.5``.

    Dutch writes ``9.490`` and ``0,68``: a point followed by exactly three digits is a Dutch thousands
    group, a comma after a leading 0 is a Dutch decimal (``0,001``).
    """
    bad = []
    for m in re.finditer(r"(?<![\w.,])\d[\d.,]*\d(?![\w])", text):
        tok = m.group().rstrip(".,")
        if ("," in tok and "." in tok and tok.index(",") < tok.index(".")) \
                or re.fullmatch(r"[1-9]\d{0,2}(,\d{3})+", tok) \
                or (re.fullmatch(r"\d+\.\d+", tok) and not re.fullmatch(r"[1-9]\d{0,2}(\.\d{3})+", tok)):
            bad.append(tok)
    return bad


def test_english_numbers_are_recognised():
    assert english_numbers("n = 9,490; AUC 0.68 vs 1,234.5; 12.5%") == ["9,490", "0.68", "1,234.5", "12.5"]
    assert english_numbers("n = 9.490; AUC 0,68; p < 0,001; 1.234,5; 2026-11-01; 12,5%; 2025-11") == []


def test_dutch_reports_write_numbers_the_dutch_way(dutch_reports, tmp_path):
    driver = _browser(tmp_path, performance_log=True)
    try:
        pages = {p.parent.name: (_network_requests(driver, p), driver.execute_script(_TEXT_NODES_JS))
                 for p in sorted(dutch_reports.glob("*/*.html"))}
    finally:
        driver.quit()
    assert len(pages) == 7  # the default report set, 01-07
    problems = [f"{name}: {node!r}" for name, (_, nodes) in pages.items() for node in nodes if english_numbers(node)]
    assert not problems, f"{len(problems)} text nodes with English-format numbers:\n" + "\n".join(problems[:40])


# ---- reports 06 and 07: money, percentages and names in words (issue 12, reader standard)

_COLUMN_JS = """
const out = {};
for (const t of document.querySelectorAll('table')) {
  const heads = [...t.querySelectorAll('thead th')].map(th => th.innerText.trim());
  heads.forEach((h, i) => { const cells = [...t.querySelectorAll('tbody tr')].map(tr => tr.children[i])
                                           .filter(Boolean).map(td => td.innerText.trim());
                            (out[h] = out[h] || []).push(...cells); });
}
return out;
"""


def test_value_and_comment_reports_show_money_percentages_and_words(default_reports, dutch_reports, tmp_path):
    driver = _browser(tmp_path, performance_log=True)
    try:
        pages = {}
        for folder, suffix in ((default_reports, ""), (dutch_reports, "_nl")):
            for name in ("06_comments", "07_value"):
                page = _read_page(driver, folder / f"{name}{suffix}" / f"{name}{suffix}.html")
                pages[name + suffix] = (page, driver.execute_script(_COLUMN_JS))
        index = {lang: _read_page(driver, folder / "index.html")["text"]
                 for lang, folder in (("en", default_reports), ("nl", dutch_reports))}
    finally:
        driver.quit()
    for name, (page, cols) in pages.items():
        nl = name.endswith("_nl")
        assert not [c for c in page["cells"] if re.fullmatch(r"-0([.,]0+)?%?", c)], f"{name}: -0.0 in a table"
        if name.startswith("06"):
            share = cols["aandeel" if nl else "share"]
            assert share and all(c.endswith("%") or c == "–" for c in share), f"{name}: shares {share[:3]}"
        else:
            text = page["text"]
            assert not re.search(r"\d money", text) and "nps:" not in text and "a 'easy'" not in text, name
            assert re.search(r"€ \d{1,3}[.,]\d{3}", text), f"{name}: no amount in currency"
            for col in (("responspercentage", "maandelijks behoud") if nl else ("response rate", "monthly retention")):
                assert cols[col] and all(c.endswith("%") for c in cols[col]), f"{name}: {col} {cols[col][:3]}"
            money = cols["klantwaarde" if nl else "lifetime value"]
            assert money and all(c.startswith(("€", "-€")) for c in money), f"{name}: {money[:3]}"
            months = cols["klantmaanden" if nl else "customer-months"]
            assert all(re.fullmatch(r"[\d.,]+", c) and not re.search(r"[.,]\d$", c) for c in months), months[:3]
    assert "What loyalty is worth and who answered" in index["en"] and "07 value" not in index["en"]
    assert "Extra lifetime value of a promoter over a detractor" in index["en"] and "money" not in index["en"]
    assert "Wat loyaliteit waard is en wie antwoordde" in index["nl"]


def test_parameters_named_in_the_narrative_read_as_their_values(default_reports, dutch_reports):
    """`horizon_days` in a markdown cell is the analyst's pointer to a parameter; the page says "180 days"."""
    from cxkit.run.notebook import _PARAMETER_WORDS

    for page in [*default_reports.glob("*/*.html"), *dutch_reports.glob("*/*.html")]:
        body = page.read_text(encoding="utf-8")
        left = [name for name in _PARAMETER_WORDS if f"<code>{name}</code>" in body]
        assert not left, f"{page.parent.name}: parameter names shown as code: {left}"
    (en,), (nl,) = default_reports.glob("07_value*/*.html"), dutch_reports.glob("07_value*/*.html")
    assert "within 180 days" in en.read_text(encoding="utf-8")
    assert "binnen 180 dagen" in nl.read_text(encoding="utf-8")


def test_parameter_values_come_from_the_cells_then_the_run():
    import nbformat

    from cxkit.run.notebook import _parameter_values, _parameters_in_words

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("horizon_days: int = 180  # days\nmin_n = 30\nspec = 'x.yaml'",
                                          metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("horizon_days = 90\n", metadata={"tags": ["injected-parameters"]}),
                nbformat.v4.new_code_cell("horizon_days = 1", metadata={"tags": []})]
    values = _parameter_values(nb, {"min_n": 1000})
    assert values == {"horizon_days": 90, "min_n": 1000, "spec": "x.yaml"}
    text = "within `horizon_days` of it; fewer than `min_n` answers; `spec` and `n` stay"
    assert _parameters_in_words(text, values, "en") == ("within 90 days of it; fewer than 1,000 answers; `spec` "
                                                        "and `n` stay")
    assert _parameters_in_words(text, values, "nl").startswith("within 90 dagen of it; fewer than 1.000 answers")
