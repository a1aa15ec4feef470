"""``import cxkit`` and ``cxkit --help`` are light and change no global state; every public name still loads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import cxkit as cx

ROOT = Path(__file__).resolve().parents[1]

# What start-up must not load (seconds of import time, or global side effects such as backends).
HEAVY = ("matplotlib", "seaborn", "statsmodels", "papermill", "nbformat", "nbconvert", "pandas.plotting._matplotlib",
         "IPython")

# Names `import cxkit as cx` offered before imports became lazy; they must all still be there.
PUBLIC = {
    "Aligned", "ChurnStudy", "Comparison", "CoxResult", "CxkitError", "DataError", "Dataset", "DegenerateDataError",
    "GroupedLogit", "HazardResult", "Importance", "KaplanMeier", "LogitResult", "LoyaltyStudy", "OutputError",
    "ParameterError", "Scale", "SpecError", "ValidationReport", "__version__", "add_period", "align_churn",
    "alttext", "auc_table", "ces", "changes", "churn_by_score", "churn_rate", "churn_share", "churn_study",
    "compare", "compare_auc", "cox", "crosstab", "csat", "describe_drivers", "describe_overview",
    "describe_suppression", "drilldown", "driver_frame", "driver_study", "grouped_logit", "hazard_model",
    "headline", "i18n", "kaplan_meier", "latest_changes", "load_dataset", "logit", "logit_from_cells",
    "loyalty_study", "metric_models", "metric_suite", "metric_table", "nested_lr", "nps", "outcome_cells",
    "pair_answers", "pairwise", "person_months", "plots", "plots_research", "privacy", "rank_correlation",
    "record_kpi", "record_kpis", "relative_importance", "retention_by_category", "revenue_at_risk", "run_reports",
    "sample_spec_path", "save_tables", "score_band", "score_counts", "segment_map", "suppression_summary",
    "translate_columns", "trend_test", "validate_dataset", "window",
}


def _modules_after(code: str) -> dict:
    """Run ``code`` in a fresh interpreter; the loaded modules and whether umask/IPython were touched."""
    probe = (
        "import os, sys, json\n"
        "calls = []\n"
        "real = os.umask\n"
        "os.umask = lambda m: calls.append(m) or real(m)\n"
        f"{code}\n"
        "os.umask = real\n"
        "print(json.dumps({'modules': sorted(sys.modules), 'umask_calls': calls}))\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    res = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=ROOT)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout.strip().splitlines()[-1])


def _heavy(modules: list[str]) -> list[str]:
    return [m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY)]


def test_import_cxkit_is_light_and_has_no_side_effects():
    out = _modules_after("import cxkit")
    assert _heavy(out["modules"]) == []
    assert out["umask_calls"] == []


def test_cli_help_is_light():
    out = _modules_after(
        "from cxkit.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit as e:\n    assert e.code == 0, e.code\n"
        "try:\n    main(['run', '--help'])\nexcept SystemExit as e:\n    assert e.code == 0, e.code\n")
    assert _heavy(out["modules"]) == []
    assert out["umask_calls"] == []


def test_every_public_name_loads():
    assert PUBLIC <= set(cx.__all__)
    assert set(cx.__all__) <= set(dir(cx))
    for name in cx.__all__:
        assert getattr(cx, name) is not None, name
    namespace: dict = {}
    exec(f"from cxkit import {', '.join(cx.__all__)}", namespace)  # noqa: S102 - `from cxkit import X` for all X
    assert namespace["nps"] is cx.nps and namespace["plots"] is cx.plots
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = cx.nope


def test_load_ext_installs_alt_text_only_in_a_kernel():
    assert cx.load_ipython_extension(None) is None  # outside Jupyter: nothing to patch, no error


def test_written_files_get_the_umask_permissions(tmp_path):
    from cxkit._files import atomic_write, umask

    mask = os.umask(0o022)
    os.umask(mask)
    assert umask() == mask
    path = atomic_write(tmp_path / "a.txt", "x")
    assert path.stat().st_mode & 0o777 == 0o666 & ~mask
