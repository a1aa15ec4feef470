"""The report runner (`cxkit run`): batches, failures, manifests, locks, never overwriting, kpis.json.

Most tests use the tiny notebook in ``tests/fixtures/runner`` (a few seconds per run);
the real overview notebook and the browser check are in ``test_report_browser.py``.
Expected values (hashes, row counts, NPS) are recomputed here with hashlib and csv,
not taken from cxkit.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
from click.testing import CliRunner
from filelock import FileLock

import cxkit as cx
from cxkit.cli import main
from cxkit.errors import OutputError, ParameterError
from cxkit.report.kpis import KPI_MIME, extract_kpis, kpis_json
from cxkit.run.batch import LOCK_NAME, plan_runs, run_reports
from cxkit.run.notebook import atomic_write, check_parameters, parse_parameter_text

from .conftest import ROOT
from .sessiondata import once

FIX = ROOT / "tests" / "fixtures" / "runner"
NB = FIX / "report.ipynb"
DATE = "2026-02-28"


def _cli(*args: str):
    return CliRunner().invoke(main, ["run", *args], catch_exceptions=False)


def _batch(tmp: Path, extra: str = "") -> Path:
    text = f"""
defaults: {{min_n: 30}}
reports:
  - notebook: {NB}
    name: tiny
    grid: {{channel: [all, web, phone]}}
  - notebook: {NB}
    name: broken
    parameters: {{fail: true}}
{extra}"""
    path = tmp / "batch.yaml"
    path.write_text(text)
    return path


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _independent_nps(channel: str | None) -> tuple[float, int]:
    with open(FIX / "responses.csv", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["metric"] == "nps" and r["answered_at"] <= DATE
                and (channel is None or r["channel"] == channel)]
    scores = [int(r["score"]) for r in rows]
    return 100 * (sum(s >= 9 for s in scores) - sum(s <= 6 for s in scores)) / len(scores), len(scores)


@pytest.fixture(scope="module")
def batch_run(tmp_path_factory):
    """One batch of 4 runs (one failing) with two worker processes, through the CLI; once per session."""

    def make(tmp: Path) -> dict:
        res = _cli("--batch", str(_batch(tmp)), "--run-date", DATE, "--output", str(tmp / "reports"), "--jobs", "2")
        return {"exit_code": res.exit_code, "output": res.output}

    tmp, res = once(tmp_path_factory, "runner-batch", make)
    return tmp, tmp / "reports" / DATE, SimpleNamespace(**res)


# --------------------------------------------------------------------------- the batch


def test_batch_files_status_and_summary(batch_run):
    _, day, res = batch_run
    assert res.exit_code == 1, res.output  # one run failed
    runs = ["tiny_channel-all", "tiny_channel-web", "tiny_channel-phone", "broken"]
    for name in runs:
        for f in (f"{name}.ipynb", f"{name}.html", "kpis.json", "manifest.json"):
            assert (day / name / f).is_file(), f"{name}/{f} missing"
    assert sorted(p.name for p in day.iterdir() if not p.name.startswith(".")) == sorted([*runs, "index.html"])
    assert "4 runs: 3 ok, 1 failed" in res.output
    assert "FAILED" in res.output and "deliberate failure for the runner tests" in res.output
    status = {n: json.loads((day / n / "manifest.json").read_text())["status"] for n in runs}
    assert status == {"tiny_channel-all": "ok", "tiny_channel-web": "ok", "tiny_channel-phone": "ok",
                      "broken": "failed"}


def test_failed_run_keeps_partial_notebook_and_html_with_the_error(batch_run):
    _, day, _ = batch_run
    man = json.loads((day / "broken" / "manifest.json").read_text())
    assert man["error"] == "RuntimeError: deliberate failure for the runner tests"
    html = (day / "broken" / "broken.html").read_text()
    assert "deliberate failure for the runner tests" in html  # the error is visible
    assert "Recorded in kpis.json" in html and "<img" in html  # cells before the failure kept their output
    nb = nbformat.read(day / "broken" / "broken.ipynb", as_version=4)
    assert any(o.get("output_type") == "error" for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    # figures recorded before the failure are still in kpis.json, marked with the run's status
    kp = json.loads((day / "broken" / "kpis.json").read_text())
    assert kp["status"] == "failed" and {k["name"] for k in kp["kpis"]} == {"nps", "csat"}


def test_manifest_hashes_rows_versions_and_times(batch_run):
    _, day, _ = batch_run
    man = json.loads((day / "tiny_channel-web" / "manifest.json").read_text())
    by_path = {Path(e["path"]).name: e for e in man["inputs"]}
    assert set(by_path) == {"spec.yaml", "responses.csv"}
    for name, e in by_path.items():
        data = (FIX / name).read_bytes()
        assert e["sha256"] == hashlib.sha256(data).hexdigest()
        assert e["bytes"] == len(data)
    with open(FIX / "responses.csv", newline="") as fh:
        assert by_path["responses.csv"]["rows"] == sum(1 for _ in csv.DictReader(fh)) == 145
    assert by_path["responses.csv"]["table"] == "responses"
    assert man["notebook"]["sha256"] == hashlib.sha256(NB.read_bytes()).hexdigest()
    assert man["versions"]["cxkit"] == cx.__version__
    assert {"python", "pandas", "numpy", "scipy", "statsmodels", "papermill", "nbconvert"} <= set(man["versions"])
    assert man["parameters"] == {"spec": "spec.yaml", "run_date": DATE, "channel": "web", "min_n": 30,
                                 "fail": False, "sleep_s": 0.0}
    assert man["overrides"] == {"min_n": 30, "channel": "web", "run_date": DATE}
    assert man["started"] <= man["ended"] and man["duration_s"] > 0
    assert man["status"] == "ok" and man["error"] == ""


def test_kpis_json_values_and_suppression(batch_run):
    _, day, _ = batch_run
    web = json.loads((day / "tiny_channel-web" / "kpis.json").read_text())
    nps = [k for k in web["kpis"] if k["name"] == "nps" and not k["labels"]][0]
    expected, n = _independent_nps("web")
    assert nps["value"] == pytest.approx(expected, abs=1e-6) and nps["n"] == n == 50
    assert nps["ci_low"] < nps["value"] < nps["ci_high"] and nps["suppressed"] is False
    # phone has 20 NPS answers, below min_n = 30: kept with its n, no value, flagged
    phone = json.loads((day / "tiny_channel-phone" / "kpis.json").read_text())
    sup = [k for k in phone["kpis"] if k["name"] == "nps" and not k["labels"]][0]
    assert sup == {**sup, "value": None, "ci_low": None, "ci_high": None, "suppressed": True, "n": 20}
    assert "min_n" in sup["note"]
    # deterministic layout: sorted keys, no timestamps
    text = (day / "tiny_channel-phone" / "kpis.json").read_text()
    assert text == json.dumps(json.loads(text), sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    assert "2026-11" not in text and "started" not in text


def test_index_lists_every_run_with_status_kpis_and_links(batch_run):
    _, day, _ = batch_run
    html = (day / "index.html").read_text()
    assert "4 runs: 3 ok, 1 failed" in html
    for name in ["tiny_channel-all", "tiny_channel-web", "tiny_channel-phone", "broken"]:
        assert f"href='{name}/{name}.html'" in html
    # KPI names in words, suppressed figures said in words with their n
    assert "deliberate failure" in html and "suppressed: too few answers" in html and "n = 20" in html
    expected, _ = _independent_nps("web")
    assert f"<b>Net Promoter Score</b>: {expected:,.1f} points" in html


def test_second_run_without_force_leaves_the_first_untouched(batch_run):
    tmp, day, _ = batch_run
    before = _snapshot(day)
    res = _cli("--batch", str(tmp / "batch.yaml"), "--run-date", DATE, "--output", str(day.parent))
    assert res.exit_code == 2
    assert "exist already" in res.output and "--force" in res.output
    assert _snapshot(day) == before  # bytes and modification times
    # what `make report` does on a second run: say where the reports are, exit 0, write nothing
    res = _cli("--batch", str(tmp / "batch.yaml"), "--run-date", DATE, "--output", str(day.parent),
               "--skip-existing")
    assert res.exit_code == 0, res.output
    assert "4 existing (not overwritten)" in res.output
    assert str(day / "tiny_channel-web" / "tiny_channel-web.html") in res.output
    assert _snapshot(day) == before


# --------------------------------------------------------------------------- overwriting, locks, interruptions


def test_same_inputs_give_identical_kpis_json_force_replaces_lock_refuses(batch_run, tmp_path):
    day = tmp_path / DATE
    first = run_reports(notebook=NB, run_date=DATE, parameters={"channel": "web"}, output=tmp_path)
    assert first.exit_code == 0
    # another run, another folder, other workers: the same inputs and parameters give the same bytes
    earlier = batch_run[1] / "tiny_channel-web" / "kpis.json"
    assert (day / "report" / "kpis.json").read_bytes() == earlier.read_bytes()
    old = (day / "report" / "manifest.json").read_text()
    with FileLock(str(day / LOCK_NAME)):  # as a concurrent run would hold it
        res = _cli(str(NB), "--run-date", DATE, "--output", str(tmp_path), "--force")
        assert res.exit_code == 2 and "another cxkit run is writing" in res.output
        with pytest.raises(OutputError, match="lock"):
            run_reports(notebook=NB, run_date=DATE, output=tmp_path, force=True)
    assert (day / "report" / "manifest.json").read_text() == old
    res = _cli(str(NB), "--run-date", DATE, "--output", str(tmp_path), "--force", "-p", "channel", "phone")
    assert res.exit_code == 0, res.output
    new = json.loads((day / "report" / "manifest.json").read_text())
    assert new["parameters"]["channel"] == "phone" and new["started"] >= json.loads(old)["started"]
    assert [p.name for p in day.iterdir() if p.name.startswith(".") and p.name != LOCK_NAME] == []


def test_terminated_run_leaves_nothing_half_written_and_holds_the_lock(tmp_path):
    """A real second process: the first holds the folder; SIGTERM (cron, systemd) leaves no partial files."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "cxkit", "run", str(NB), "--run-date", DATE, "--output", str(tmp_path)]
    proc = subprocess.Popen([*cmd, "-p", "sleep_s", "60"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    day = tmp_path / DATE
    try:
        deadline = time.monotonic() + 60
        while not list(day.glob(".report.partial-*/.report.running.ipynb")):  # papermill has started
            assert proc.poll() is None and time.monotonic() < deadline, "the first run did not start"
            time.sleep(0.2)
        second = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
        assert second.returncode == 2 and "another cxkit run is writing" in second.stderr
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) != 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    # no report, no staging; the index is rebuilt on the way out (issue 14) and lists no run
    assert [p.name for p in day.iterdir() if p.name != LOCK_NAME] == ["index.html"]
    assert "0 runs: 0 ok, 0 failed" in (day / "index.html").read_text()
    with FileLock(str(day / LOCK_NAME), timeout=0):  # the dead run's lock is gone with it
        pass


def test_leftovers_of_killed_runs_are_tidied_and_never_listed(tmp_path):
    """SIGKILL gives no chance to clean up: the next run under the lock does, and readers never saw them."""
    day = tmp_path / DATE
    stale = day / ".report.partial-abc123"
    stale.mkdir(parents=True)
    (stale / "report.html").write_text("<html>half")
    (stale / "kpis.json").write_text('{"kpis": [')
    # a forced replacement killed between setting the old run aside and renaming the new one in
    aside = day / ".other.old-xyz"
    (aside / "other").mkdir(parents=True)
    (aside / "other" / "manifest.json").write_text(json.dumps({"status": "ok", "outputs": {}}))
    res = run_reports(notebook=NB, run_date=DATE, output=tmp_path, parameters={"channel": "web"})
    assert res.exit_code == 0
    assert not stale.exists() and not aside.exists()
    assert (day / "other" / "manifest.json").exists()  # the earlier run is back
    assert "half" not in (day / "index.html").read_text()


def test_atomic_write_leaves_old_file_and_no_temp_on_failure(tmp_path, monkeypatch):
    target = tmp_path / "kpis.json"
    atomic_write(target, "old")
    assert oct(target.stat().st_mode & 0o777) != oct(0o600)  # readable by a web server, like any file

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        atomic_write(target, "new")
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["kpis.json"]


# --------------------------------------------------------------------------- parameters: checked before anything runs


DECLARED = {"spec": {"type": "str"}, "min_n": {"type": "int"}, "level": {"type": "float"}, "ratio": {"type": "float"},
            "group_by": {"type": "list"}, "fail": {"type": "bool"}, "tags": {"type": "list[str]"},
            "end": {"type": "str | None"}, "opt": {"type": "Optional[int]"}, "anything": {"type": "None"}}


@pytest.mark.parametrize(("name", "value", "expected"), [
    ("min_n", "50", "int"), ("min_n", 2.5, "int"), ("min_n", True, "int"), ("level", "0.9", "float"),
    ("group_by", "segment", "list"), ("fail", "yes", "bool"), ("spec", 3, "str"), ("tags", ["a", 1], "list[str]"),
    ("opt", "x", "Optional[int]"), ("end", 5, "str | None"),
])
def test_wrong_parameter_types_are_errors_naming_parameter_type_and_value(name, value, expected):
    with pytest.raises(ParameterError) as err:
        check_parameters(NB, {name: value}, DECLARED)
    msg = str(err.value)
    assert f"`{name}`" in msg and f"expects {expected}" in msg and repr(value) in msg


def test_parameters_accepted_and_coerced():
    import datetime as dt

    got = check_parameters(NB, {"ratio": 1, "spec": dt.date(2026, 1, 31), "tags": ("a", "b"), "end": None,
                                "opt": None, "anything": {"x": 1}, "min_n": 5}, DECLARED)
    assert got == {"ratio": 1.0, "spec": "2026-01-31", "tags": ["a", "b"], "end": None, "opt": None,
                   "anything": {"x": 1}, "min_n": 5}
    assert isinstance(got["ratio"], float)


def test_common_parameters_are_range_checked():
    with pytest.raises(ParameterError, match="`level`.*strictly between 0 and 1"):
        check_parameters(NB, {"level": 95}, DECLARED)


def test_unknown_parameter_is_an_error_with_a_suggestion():
    with pytest.raises(ParameterError, match=r"unknown parameter `chanel`.*Did you mean `channel`"):
        check_parameters(NB, {"chanel": "web"})


def test_command_line_values_follow_the_annotation():
    assert parse_parameter_text("123", "str") == "123"
    assert parse_parameter_text("2026-01-31", "str") == "2026-01-31"
    assert parse_parameter_text("50", "int") == 50
    assert parse_parameter_text("[segment, channel]", "list") == ["segment", "channel"]
    assert parse_parameter_text("null", "str | None") is None


def test_bad_parameters_stop_the_cli_before_anything_runs(tmp_path):
    res = _cli(str(NB), "--run-date", DATE, "--output", str(tmp_path), "-p", "min_n", "many")
    assert res.exit_code == 2
    assert "parameter `min_n` expects int; got 'many' (str)" in res.output
    res = _cli("--batch", str(_batch(tmp_path, "  - notebook: " + str(NB) + "\n    parameters: {fail: 1}")),
               "--run-date", DATE, "--output", str(tmp_path))
    assert res.exit_code == 2 and "`fail` expects bool; got 1 (int)" in res.output
    assert list(tmp_path.iterdir()) == [tmp_path / "batch.yaml"]  # nothing created, nothing executed


# --------------------------------------------------------------------------- planning batches


def test_plan_expands_grid_dates_and_names(tmp_path):
    batch = {"defaults": {"min_n": 10}, "_base": FIX, "reports": [
        {"notebook": "report.ipynb", "grid": {"channel": ["web", "phone"], "min_n": [20, 40]}},
        {"notebook": "report.ipynb", "name": "monthly-{run_date}", "grid": {"run_date": ["2026-01-31", "2026-02-28"]}},
    ]}
    runs = plan_runs(batch, run_dates=["2026-01-31", "2026-02-28"], output=tmp_path)
    assert len(runs) == 4 * 2 + 2
    names = {(r.run_date, r.name) for r in runs}
    assert ("2026-01-31", "report_channel-web_min_n-20") in names
    assert ("2026-02-28", "monthly-2026-02-28") in names
    r = [r for r in runs if r.name == "report_channel-phone_min_n-40"][0]
    assert r.parameters["min_n"] == 40 and r.exec_parameters == r.parameters  # no paths to resolve here
    assert r.folder == tmp_path / r.run_date / r.name
    assert r.shown["spec"] == "spec.yaml" and r.shown["sleep_s"] == 0.0  # notebook defaults shown too


def test_plan_resolves_batch_paths_relative_to_the_batch_file(tmp_path):
    batch = {"_base": FIX.parent, "reports": [{"notebook": "runner/report.ipynb",
                                               "parameters": {"spec": "runner/spec.yaml"}}]}
    (r,) = plan_runs(batch, run_dates=[DATE], output=tmp_path)
    assert r.parameters["spec"] == "runner/spec.yaml"  # as written, for the HTML and kpis.json
    assert r.exec_parameters["spec"] == str(FIX / "spec.yaml")  # absolute for the kernel


@pytest.mark.parametrize(("batch", "match"), [
    ({"reports": [{"notebook": "report.ipynb"}, {"notebook": "report.ipynb"}]}, "two runs would write"),
    ({"defaults": {"colour": "red"}, "reports": [{"notebook": "report.ipynb"}, {"notebook": "report.ipynb",
                                                                            "name": "b"}]}, "declared by no notebook"),
    ({"defaults": {"colour": "red"}, "reports": [{"notebook": "report.ipynb"}]}, "unknown parameter `colour`"),
    ({"reports": [{"notebook": "nope.ipynb"}]}, "not found"),
    ({"reports": [{"notebook": "report.ipynb", "name": "x-{month}", "grid": {"channel": ["web"]}}]}, "not a grid key"),
])
def test_plan_errors(batch, match, tmp_path):
    with pytest.raises(ParameterError, match=match):
        plan_runs({**batch, "_base": FIX}, run_dates=[DATE], output=tmp_path)


def test_run_date_needed_and_checked(tmp_path):
    with pytest.raises(ParameterError, match="no run date"):
        plan_runs(notebook=NB, output=tmp_path)
    with pytest.raises(ParameterError, match="YYYY-MM-DD"):
        plan_runs(notebook=NB, run_dates=["31/01/2026"], output=tmp_path)


@pytest.mark.parametrize(("text", "match"), [
    ("reports: []", "non-empty `reports`"),
    ("reports: [{name: x}]", "needs a `notebook`"),
    ("reports: [{notebook: a.ipynb, grid: {x: 1}}]", "non-empty list"),
    ("reports: [{notebook: a.ipynb}]\nschedule: daily", "unknown keys"),
    ("reports: [{notebook: a.ipynb, params: {}}]", "unknown keys"),
    ("reports: [", "not valid YAML"),
])
def test_batch_file_errors(text, match, tmp_path):
    p = tmp_path / "b.yaml"
    p.write_text(text)
    with pytest.raises(ParameterError, match=match):
        plan_runs(p, run_dates=[DATE], output=tmp_path)


# --------------------------------------------------------------------------- the KPI helpers


def test_record_kpi_rounds_suppresses_and_validates():
    k = cx.record_kpi("nps", 12.3456789012, n=120, ci_low=-0.0, ci_high=float("nan"), unit="points",
                      segment="smb")
    assert k["value"] == 12.345679 and k["ci_low"] == 0.0 and k["ci_high"] is None
    assert k["labels"] == {"segment": "smb"} and k["suppressed"] is False
    s = cx.record_kpi("nps", 40.0, n=12, ci_low=1.0, ci_high=2.0, suppressed=True)
    assert (s["value"], s["ci_low"], s["ci_high"], s["suppressed"], s["n"]) == (None, None, None, True, 12)
    for bad in ({"n": -1}, {"n": 2.5}, {"n": None}):
        with pytest.raises(ParameterError, match="`n`"):
            cx.record_kpi("nps", 1.0, **bad)
    with pytest.raises(ParameterError, match="`value`"):
        cx.record_kpi("nps", "high", n=3)


def test_record_kpis_from_a_metric_table_flags_suppressed_rows():
    import pandas as pd

    t = cx.nps(pd.DataFrame({"score": [10] * 40 + [0] * 5, "g": ["a"] * 40 + ["b"] * 5}), by="g")
    got = cx.record_kpis(t, name="nps", value="nps", unit="points", labels="g")
    assert [(k["labels"]["g"], k["value"], k["suppressed"], k["n"]) for k in got] == [
        ("a", 100.0, False, 40), ("b", None, True, 5)]
    with pytest.raises(ParameterError, match="not in the table"):
        cx.record_kpis(t, labels="segment")


def test_kpis_are_read_back_from_notebook_outputs_and_written_deterministically():
    kpi = {"name": "csat", "value": 80.0, "n": 50}
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x", outputs=[
        nbformat.v4.new_output("display_data", data={KPI_MIME: {"kpis": [kpi]}, "text/plain": "x"}),
        nbformat.v4.new_output("stream", text="hello"),
        nbformat.v4.new_output("execute_result", data={KPI_MIME: json.dumps({"kpis": [{**kpi, "name": "ces"}]})},
                               execution_count=1),
    ])])
    got = extract_kpis(nb)
    assert [k["name"] for k in got] == ["csat", "ces"]
    a = kpis_json(got, report="r", parameters={"b": 1, "a": [1, 2]})
    assert a == kpis_json(got, parameters={"a": [1, 2], "b": 1}, report="r")
    assert a.index('"a"') < a.index('"b"') and a.endswith("}\n")


def test_output_folder_that_cannot_be_created_is_an_error_before_running(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(OutputError, match="cannot create output folder"):
        run_reports(notebook=NB, run_date=DATE, output=blocker / "reports")
    res = _cli(str(NB), "--run-date", DATE, "--output", str(blocker / "reports"))
    assert res.exit_code == 2 and "cannot create output folder" in res.output


def test_unknown_command_line_parameter_is_named_with_a_suggestion(tmp_path):
    res = _cli(str(NB), "--run-date", DATE, "--output", str(tmp_path), "-p", "min-n", "5")
    assert res.exit_code == 2 and "unknown parameter `min-n`" in res.output and "`min_n`" in res.output
    assert list(tmp_path.iterdir()) == []


def test_notebook_kernels_run_without_progress_bars(tmp_path, monkeypatch):
    import papermill as pm

    from cxkit.run.notebook import execute_notebook

    seen = {}

    def fake(*args, **kwargs):  # the kernel inherits this process's environment
        seen["env"] = os.environ.get("CXKIT_PROGRESS")
        raise RuntimeError("stopped by the test")

    monkeypatch.setattr(pm, "execute_notebook", fake)
    monkeypatch.delenv("CXKIT_PROGRESS", raising=False)
    res = execute_notebook(NB, tmp_path, {"run_date": DATE})
    assert seen["env"] == "0" and res.status == "failed"
    assert "CXKIT_PROGRESS" not in os.environ  # restored afterwards


def test_relative_output_folder_as_make_report_uses(tmp_path, monkeypatch):
    """`cxkit run --output reports` from the project folder (what `make report` does): the kernel runs in the
    notebook's folder, so the paths handed to it must not be relative to ours (the run used to fail)."""
    monkeypatch.chdir(tmp_path)
    res = _cli(str(NB), "--run-date", DATE, "--output", "reports")
    assert res.exit_code == 0, res.output
    man = json.loads((tmp_path / "reports" / DATE / "report" / "manifest.json").read_text())
    assert man["status"] == "ok" and [p for p in man["inputs"] if p.get("read_as")]  # the load's reads recorded
    assert not [p for p in (tmp_path / "reports" / DATE).iterdir() if ".partial-" in p.name]
