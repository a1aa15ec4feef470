"""The default report set (``notebooks/reports.yaml``, what ``make report`` runs) on the sample data.

Its headline figures are checked against the sample CSV files read with the
csv module, and its ``index.html`` and overview report are opened in a real
headless Chromium (Debian's ``chromium`` and ``chromium-driver``; ``make test``
installs them when missing).
"""

from __future__ import annotations

import csv
import json
import os
import re
from pathlib import Path

import pytest

from cxkit.run.batch import run_reports

from .conftest import ROOT
from .sessiondata import once

RUN_DATE = "2026-11-01"
PERIOD_START = "2025-11-01"  # the overview notebook's default
SAMPLE = ROOT / "cxkit" / "data" / "sample"
CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")


@pytest.fixture(scope="module")
def default_reports(tmp_path_factory):
    def make(folder: Path) -> dict:
        res = run_reports(ROOT / "notebooks" / "reports.yaml", run_date=RUN_DATE, output=folder / "reports")
        return {"exit_code": res.exit_code, "summary": res.table()}

    folder, res = once(tmp_path_factory, "default-reports", make)
    assert res["exit_code"] == 0, res["summary"]
    return folder / "reports" / RUN_DATE


def test_default_set_records_headline_kpis_matching_the_data(default_reports):
    kp = json.loads((default_reports / "01_cx_overview" / "kpis.json").read_text())
    got = {k["name"]: k for k in kp["kpis"]}
    assert set(got) == {"nps", "csat", "ces", "churn_rate"}
    with open(SAMPLE / "responses.csv", newline="") as fh:
        nps = [int(r["score"]) for r in csv.DictReader(fh)
               if r["metric"] == "nps" and PERIOD_START <= r["answered_at"] <= RUN_DATE]
    expected = 100 * (sum(s >= 9 for s in nps) - sum(s <= 6 for s in nps)) / len(nps)
    assert got["nps"]["n"] == len(nps) and got["nps"]["value"] == pytest.approx(expected, abs=1e-6)
    # churn of the last complete month: customers active on its first day who left during it
    period = got["churn_rate"]["labels"]["period"]
    assert period == "2026-10"
    a, b = "2026-10-01", "2026-11-01"
    with open(SAMPLE / "customers.csv", newline="") as fh:
        cust = [r for r in csv.DictReader(fh) if r["start_date"] <= RUN_DATE]  # as known on the run date
    active = [r for r in cust if r["start_date"] < a and (not r["end_date"] or r["end_date"] > a)]  # end_date: first day no longer a customer
    left = [r for r in active if r["end_date"] and r["end_date"] <= b]  # last day (end - 1) before b
    assert got["churn_rate"]["n"] == len(active)
    assert got["churn_rate"]["value"] == pytest.approx(100 * len(left) / len(active), abs=1e-6)
    for k in got.values():
        assert k["ci_low"] < k["value"] < k["ci_high"] and k["level"] == 0.95 and not k["suppressed"]
    man = json.loads((default_reports / "01_cx_overview" / "manifest.json").read_text())
    # comments.csv: joined onto the answers (issue 17), so read and recorded too
    assert {Path(e["path"]).name for e in man["inputs"]} == {"spec.yaml", "responses.csv", "customers.csv",
                                                            "comments.csv"}


def _browser(tmp: Path, performance_log: bool = False):
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip(f"headless browser test skipped: Debian's chromium and chromium-driver are not installed "
                    f"({CHROMIUM} or {CHROMEDRIVER} missing). `make test` installs them with apt-get when "
                    "missing; that needs root and the Debian archive, and it did not succeed here.")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ["SE_OFFLINE"] = "true"  # never let Selenium Manager download a browser or driver
    opts = webdriver.ChromeOptions()
    opts.binary_location = str(CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={tmp / 'chromium-profile'}", "--window-size=1280,1000"):
        opts.add_argument(flag)
    if performance_log:  # every request the page makes, to fail on any that leaves the machine
        opts.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    return webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=opts)


# Code input as nbconvert renders it (lab and classic templates; markdown also sits in a jp-InputArea, so
# only those inside code cells count) and the editors JupyterLab would add.
_CODE = (".jp-CodeCell .jp-InputArea, .jp-CodeCell .jp-Cell-inputWrapper, .jp-InputArea-editor, "
         ".jp-CodeMirrorEditor, .cm-editor, .CodeMirror, .code_cell .input_area, .code_cell .input")


def _check_page(driver, page: Path, shot: Path) -> str:
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(page.as_uri())
    WebDriverWait(driver, 30).until(lambda d: d.execute_script("return document.readyState") == "complete")
    WebDriverWait(driver, 30).until(lambda d: d.execute_script(
        "return [...document.images].every(i => i.complete)"))
    images = driver.execute_script("return [...document.images].map(i => [i.naturalWidth, i.src.slice(0, 30)])")
    assert all(w > 0 for w, _ in images), f"{page.name}: images that did not load: {images}"
    visible_code = driver.execute_script(
        f"return [...document.querySelectorAll({_CODE!r})].filter(e => e.offsetParent !== null).length")
    assert visible_code == 0, f"{page.name}: {visible_code} code cells visible"
    text = driver.execute_script("return document.body.innerText")
    assert "import cxkit" not in text and "cx.headline(" not in text
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, min(max(height, 600), 12000))
    assert driver.save_screenshot(str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
    return text, len(images)


def test_index_and_report_render_in_headless_chromium(default_reports, tmp_path):
    driver = _browser(tmp_path)
    try:
        text, _ = _check_page(driver, default_reports / "index.html", tmp_path / "index.png")
        assert f"Customer experience reports, {RUN_DATE}" in text and re.search(r"(\d+) runs?: \1 ok, 0 failed", text)
        assert "Net Promoter Score: " in text and "Churn rate, 2026-10" in text  # KPI names in words
        # follow the index's link as a reviewer would
        driver.set_window_size(1280, 1000)
        driver.find_element("link text", "Customer experience overview").click()
        assert driver.current_url.endswith("01_cx_overview/01_cx_overview.html")
        text, n_images = _check_page(driver, default_reports / "01_cx_overview" / "01_cx_overview.html",
                                     tmp_path / "report.png")
        assert "Run parameters" in text and "Customer experience overview" in text
        # answer first: title, then the verdict; parameters and data quality in the appendix at the end
        title, verdict = text.index("Customer experience overview"), text.index("What the data says")
        assert title < verdict < text.index("Data quality") < text.index("Run parameters")
        assert "Recorded in kpis.json" in text
        assert n_images >= 4  # NPS composition per group, trends, churn
    finally:
        driver.quit()
    assert (tmp_path / "index.png").exists() and (tmp_path / "report.png").exists()


def test_reports_give_every_chart_alt_text_and_no_machine_paths(default_reports):
    for html in default_reports.glob("*/*.html"):
        text = html.read_text()
        assert "<img" in text, html.name
        # cxkit.report.alttext describes each chart from its titles and labels; nbconvert's
        # placeholder would mean a screen reader gets nothing.
        assert "No description has been provided" not in text, html.name
        assert re.search(r'<img[^>]+alt="Chart: [^"]+"', text), html.name
        # the data-quality table shows files relative to the spec, not this machine's folders
        assert str(ROOT) not in text, html.name
