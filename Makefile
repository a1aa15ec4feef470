# cxkit: two commands.
#   make report  -> creates .venv if needed, installs, runs the default report on the sample data
#   make test    -> creates .venv if needed, installs, runs every test
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
RUN_DATE ?= $(shell date +%F)
# one report per core (nproc; 2 when it cannot tell)
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
REPORTS ?= reports
PYTEST_ARGS ?=

.PHONY: report test lint install clean-venv sample browser screenshots

# Reinstall only when the lock or the project metadata changes.
$(STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (cxkit)" >/dev/null
	@touch $(STAMP)

install: $(STAMP)

# The default report set is listed in notebooks/reports.yaml (notebooks -> cxkit/notebooks, package data); an existing report is kept (its path is printed).
report: $(STAMP)
	$(VENV)/bin/cxkit run --batch notebooks/reports.yaml --run-date $(RUN_DATE) --output $(REPORTS) --skip-existing --jobs $(JOBS)

# The browser test opens reports in Debian's headless chromium; install it (as root, e.g. on CI) when missing.
# Without it the test is skipped and says why.
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
	  echo "installing chromium and chromium-driver for the browser test"; \
	  (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver) || \
	    echo "WARNING: could not install chromium (needs root and the Debian archive); the browser test will be skipped"; \
	fi

test: $(STAMP) browser
	$(PY) -m ruff check cxkit tests benchmarks
	$(PY) -m pytest -n 2 --dist loadfile --nbval-lax tests notebooks $(PYTEST_ARGS)

lint: $(STAMP)
	$(PY) -m ruff check cxkit tests benchmarks

sample: $(STAMP)
	$(VENV)/bin/cxkit sample cxkit/data/sample

clean-venv:
	rm -rf $(VENV)

# Full-page 1400 px screenshots of the default reports (sample data, fixed date) for docs/screenshots/.
SHOT_DATE ?= 2026-11-01
screenshots: $(STAMP)
	rm -rf .screenshots-reports
	$(VENV)/bin/cxkit run --batch notebooks/reports.yaml --run-date $(SHOT_DATE) --output .screenshots-reports --quiet --jobs $(JOBS)
	$(VENV)/bin/python docs/make_screenshots.py .screenshots-reports/$(SHOT_DATE) docs/screenshots
	rm -rf .screenshots-reports
