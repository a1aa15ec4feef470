"""What a manager's browser gets from a rendered report: a self-contained page.

The browser check opens a rendered page in headless Chromium with its
performance log on and fails on any request to a non-file URL.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat

from cxkit.run.notebook import render_html

from .test_report_browser import _browser


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
