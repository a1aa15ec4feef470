"""Full-page screenshots (1400 px wide) of the rendered default reports, for docs/screenshots/.

Usage: python docs/make_screenshots.py REPORTS_DATE_DIR OUT_DIR
Opens each <run>/<run>.html and the date's index.html in Debian's headless Chromium
(through Selenium, offline) and saves <run>.png at the page's full height.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def main(date_dir: Path, out: Path) -> int:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ["SE_OFFLINE"] = "true"  # never let Selenium Manager download anything
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1400,1000"):
        opts.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    out.mkdir(parents=True, exist_ok=True)
    try:
        for page in [date_dir / "index.html", *sorted(date_dir.glob("*/*.html"))]:
            driver.set_window_size(1400, 1000)
            driver.get(page.resolve().as_uri())
            height = driver.execute_script("return document.documentElement.scrollHeight")
            driver.set_window_size(1400, min(height + 20, 16000))
            name = "index" if page.name == "index.html" else page.stem
            driver.save_screenshot(str(out / f"{name}.png"))
            print(out / f"{name}.png")
    finally:
        driver.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
