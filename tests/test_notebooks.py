"""Notebooks run under papermill with non-default parameters and render to HTML.

nbval validates them as well: `make test` passes ``--nbval-lax notebooks``.
"""

from __future__ import annotations

import nbformat
import pytest

from cxkit.run.notebook import execute_notebook, notebook_parameters

from .conftest import ROOT

NB01 = ROOT / "notebooks" / "01_cx_overview.ipynb"


def test_parameters_cell_is_annotated():
    params = notebook_parameters(NB01)
    assert {"spec", "run_date", "period_start", "group_by", "freq", "min_n", "level", "output_dir"} <= set(params)
    assert all(p["type"] != "None" for p in params.values())


def test_overview_runs_with_other_parameters(tmp_path):
    res = execute_notebook(NB01, tmp_path, {"run_date": "2026-03-31", "period_start": "2025-10-01",
                                            "group_by": ["touchpoint"], "freq": "Q", "min_n": 50,
                                            "output_dir": str(tmp_path / "tables")})
    assert res.status == "ok", res.error
    html = res.html.read_text()
    assert "NPS composition by touchpoint" in html or "touchpoint" in html
    assert "import cxkit" not in html  # code hidden
    assert (tmp_path / "tables" / "churn.csv").exists()
    nb = nbformat.read(res.notebook, as_version=4)
    assert not [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]


def test_existing_report_is_not_overwritten(tmp_path):
    (tmp_path / "01_cx_overview.html").write_text("earlier")
    with pytest.raises(Exception, match="never overwritten"):
        execute_notebook(NB01, tmp_path, {"run_date": "2026-03-31"})
    assert (tmp_path / "01_cx_overview.html").read_text() == "earlier"


@pytest.mark.parametrize("name", ["01_cx_overview", "02_satisfaction_vs_loyalty", "03_effort_nps_churn",
                                  "04_drivers", "05_segment_tables",
                                  "06_comments"])
def test_run_date_defaults_to_today_when_run_interactively(name):
    import datetime as dt

    import cxkit as cx
    from cxkit.run.notebook import check_parameters

    nb_path = ROOT / "notebooks" / f"{name}.ipynb"
    param = notebook_parameters(nb_path)["run_date"]
    # (no "=" in the comment: papermill cannot parse the line then)
    assert param["type"] == "str" and param["default"] in ('""', "") and "empty: today" in param["help"]
    # the first code cell after the parameters resolves the empty default, so papermill's value wins
    code = [c.source for c in nbformat.read(nb_path, as_version=4).cells if c.cell_type == "code"]
    assert "run_date = run_date or cx.today()" in code[1]
    assert cx.today() == dt.date.today().isoformat()
    assert check_parameters(nb_path, {"run_date": ""}) == {"run_date": ""}
    assert check_parameters(nb_path, {"run_date": dt.date(2026, 11, 1)}) == {"run_date": "2026-11-01"}
