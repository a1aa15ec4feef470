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
