"""Batches that survive being killed (issue 14, items 2 and 5): real processes, real signals.

A ``--jobs 2`` batch whose parent is SIGKILLed must leave no worker behind (they
would otherwise write into folders a later batch owns); SIGTERM must stop the
batch within seconds with an index written and a log line.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from .conftest import ROOT

FIX = ROOT / "tests" / "fixtures" / "runner"
NB = FIX / "report.ipynb"
DATE = "2026-02-28"
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="signals and /proc: Linux")


def _batch(tmp: Path) -> Path:
    path = tmp / "batch.yaml"
    path.write_text(f"reports:\n  - notebook: {NB}\n    name: tiny\n    grid: {{channel: [web, phone]}}\n")
    return path


def _start(tmp: Path, sleep_s: float) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "cxkit", "run", "--batch", str(_batch(tmp)), "--run-date", DATE,
           "--output", str(tmp / "reports"), "--jobs", "2", "-p", "sleep_s", str(sleep_s)]
    return subprocess.Popen(cmd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_running(proc: subprocess.Popen, day: Path, n: int) -> list[psutil.Process]:
    """Wait until ``n`` notebooks are executing; return every descendant of the batch process."""
    deadline = time.monotonic() + 120
    while len(list(day.glob(".tiny*.partial-*/.*.running.ipynb"))) < n:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the runs did not start"
        time.sleep(0.2)
    return psutil.Process(proc.pid).children(recursive=True)


def _gone(procs: list[psutil.Process], within: float) -> list[psutil.Process]:
    _, alive = psutil.wait_procs(procs, timeout=within)
    return alive


def _kill_all(procs) -> None:
    for p in procs:
        try:
            p.kill()
        except psutil.NoSuchProcess:
            pass


def test_killed_parent_takes_its_workers_and_never_replaces_later_runs(tmp_path):
    day = tmp_path / "reports" / DATE
    first = _start(tmp_path, 30)
    kids = []
    try:
        kids = _wait_running(first, day, 2)
        assert len(kids) >= 2
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        alive = _gone(kids, within=15)  # workers at once; their kernels poll their parent every second
        assert alive == [], f"orphans survived: {[(p.pid, p.name()) for p in alive]}"
    finally:
        _kill_all(kids)
        if first.poll() is None:
            first.kill()
    # the next batch tidies the leftovers and writes good runs; nothing may move over them later
    second = subprocess.run([sys.executable, "-m", "cxkit", "run", "--batch", str(tmp_path / "batch.yaml"),
                             "--run-date", DATE, "--output", str(tmp_path / "reports"), "--jobs", "2"],
                            env=ENV, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stderr
    before = {p: p.read_bytes() for p in day.rglob("manifest.json")}
    time.sleep(3)
    assert {p: p.read_bytes() for p in day.rglob("manifest.json")} == before
    runs = sorted(p.parent.name for p in before)
    assert runs == ["tiny_channel-phone", "tiny_channel-web"]
    for p in before:
        man = json.loads(p.read_text())
        assert man["status"] == "ok" and man["parameters"]["sleep_s"] == 0.0
    assert [p.name for p in day.iterdir() if p.name.startswith(".") and p.name != ".cxkit-run.lock"] == []
    index = (day / "index.html").read_text()
    assert "2 runs: 2 ok, 0 failed" in index and all(r in index for r in runs)


def test_sigterm_stops_a_parallel_batch_within_seconds_with_an_index(tmp_path):
    day = tmp_path / "reports" / DATE
    proc = _start(tmp_path, 120)
    kids = []
    try:
        kids = _wait_running(proc, day, 2)
        t0 = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=20)
        took = time.monotonic() - t0
        assert took < 10, f"SIGTERM took {took:.1f} s"
        assert proc.returncode == 143
        assert "batch interrupted" in err and "tiny_channel-web" in err
        assert _gone(kids, within=10) == []
    finally:
        _kill_all(kids)
        if proc.poll() is None:
            proc.kill()
    assert "0 runs" in (day / "index.html").read_text()
    assert sorted(p.name for p in day.iterdir()) == [".cxkit-run.lock", "index.html"]  # no staging left


@pytest.mark.parametrize("batch, part", [
    ("a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join([f'*{p}'] * 10)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True))
     + "reports: *i\n", "aliases"),
    (f"reports:\n  - notebook: {NB}\n    name: index.html\n", "reserved"),
    (f"reports:\n  - notebook: {NB}\n    name: 'x-{{channel.__class__}}'\n    grid: {{channel: [web]}}\n",
     "not a grid key"),
])
def test_hostile_batch_files_exit_2_from_the_cli_quickly(batch, part, tmp_path):
    from click.testing import CliRunner

    from cxkit.cli import main

    (tmp_path / "b.yaml").write_text(batch)
    t0 = time.monotonic()
    res = CliRunner().invoke(main, ["run", "--batch", str(tmp_path / "b.yaml"), "--run-date", DATE,
                                    "--output", str(tmp_path / "out")])
    assert res.exit_code == 2 and part in res.output and time.monotonic() - t0 < 10
    assert not (tmp_path / "out").exists()


def test_manifest_lists_join_and_query_files_with_rows_from_the_load(tmp_path):
    """Item 7: every file read is in the manifest (joins and query files too), rows counted by the load."""
    import csv
    import hashlib
    import shutil

    from cxkit.run.batch import run_reports

    shutil.copy(FIX / "responses.csv", tmp_path / "responses.csv")
    with open(FIX / "responses.csv", newline="") as fh:
        ids = sorted({r["customer_id"] for r in csv.DictReader(fh)})
    (tmp_path / "tiers.csv").write_text("customer_id,tier\n" + "".join(f"{c},gold\n" for c in ids))
    (tmp_path / "q.csv").write_text("customer_id,region\n" + "".join(f"{c},north\n" for c in ids[:3]))
    (tmp_path / "spec.yaml").write_text(
        (FIX / "spec.yaml").read_text().replace(
            "    file: responses.csv\n",
            "    file: responses.csv\n    extra: [tier]\n    join:\n      - {file: tiers.csv, on: customer_id}\n"))
    nb = tmp_path / "report.ipynb"
    shutil.copy(NB, nb)
    res = run_reports(notebook=nb, run_date=DATE, output=tmp_path / "out", parameters={"spec": "spec.yaml"})
    assert res.exit_code == 0, res.table()
    man = json.loads((tmp_path / "out" / DATE / "report" / "manifest.json").read_text())
    by_name = {Path(e["path"]).name: e for e in man["inputs"]}
    assert {"spec.yaml", "responses.csv", "tiers.csv"} <= set(by_name)
    assert by_name["responses.csv"]["rows"] == 145 and by_name["responses.csv"]["read_as"] == "file"
    assert by_name["tiers.csv"]["rows"] == len(ids) and by_name["tiers.csv"]["read_as"] == "join"
    assert by_name["tiers.csv"]["table"] == "responses"
    assert by_name["tiers.csv"]["sha256"] == hashlib.sha256((tmp_path / "tiers.csv").read_bytes()).hexdigest()
    assert not list((tmp_path / "out" / DATE / "report").glob(".reads*"))


def test_query_files_are_recorded(tmp_path, monkeypatch):
    """A `query:` reading a file records that file (the runner sets the log; here set by hand)."""
    import cxkit as cx
    from cxkit._inputs import READS_ENV

    (tmp_path / "r.csv").write_text("id,date,q,a\n1,2025-01-01,nps,9\n2,2025-01-02,nps,3\n")
    (tmp_path / "spec.yaml").write_text(
        "name: t\ntables:\n  responses:\n    query: \"SELECT * FROM read_csv('r.csv')\"\n"
        "    columns: {customer_id: id, answered_at: date, metric: q, score: a}\nscales: {nps: {kind: nps}}\n")
    log = tmp_path / "reads.jsonl"
    monkeypatch.setenv(READS_ENV, str(log))
    cx.load_dataset(tmp_path / "spec.yaml")
    reads = [json.loads(line) for line in log.read_text().splitlines()]
    assert [(Path(r["path"]).name, r["how"], r["table"]) for r in reads] == [("r.csv", "query", "responses")]


def _exporting_notebook(tmp: Path) -> Path:
    """The runner fixture plus an `output_dir` parameter and a cell saving a table, like notebooks 01-04."""
    import shutil

    import nbformat

    nb = nbformat.read(NB, as_version=4)
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    params.source += '\noutput_dir: str = ""  # folder for CSV copies of the tables; empty: none'
    nb.cells.append(nbformat.v4.new_code_cell(
        'if output_dir:\n    cx.save_tables({"nps_by_channel": by_channel}, output_dir)'))
    shutil.copy(FIX / "spec.yaml", tmp / "spec.yaml")
    shutil.copy(FIX / "responses.csv", tmp / "responses.csv")
    path = tmp / "nb" / "export.ipynb"
    path.parent.mkdir()
    nbformat.write(nb, path)
    shutil.copy(FIX / "spec.yaml", path.parent / "spec.yaml")
    shutil.copy(FIX / "responses.csv", path.parent / "responses.csv")
    return path


def test_output_dir_exports_go_through_staging_per_date_and_relative_to_the_batch(tmp_path):
    """Item 8: CSVs land in <output_dir>/<run_date>/<run>/ (relative to the batch file), are in the manifest,
    a later date leaves earlier CSVs alone, and an existing export is refused like an existing run."""
    import hashlib

    from cxkit.errors import OutputError
    from cxkit.run.batch import run_reports

    nb = _exporting_notebook(tmp_path)
    batch = tmp_path / "b.yaml"
    batch.write_text(f"reports:\n  - notebook: {nb}\n    name: exp\n    parameters: {{output_dir: csv}}\n")
    first = run_reports(batch, run_date=DATE, output=tmp_path / "out")
    assert first.exit_code == 0, first.table()
    csv1 = tmp_path / "csv" / DATE / "exp" / "nps_by_channel.csv"
    assert csv1.is_file() and not (nb.parent / "csv").exists()  # not beside the notebook
    man = json.loads((tmp_path / "out" / DATE / "exp" / "manifest.json").read_text())
    (entry,) = man["exports"]["files"]
    assert entry["path"] == "tables/nps_by_channel.csv"
    assert entry["sha256"] == hashlib.sha256(csv1.read_bytes()).hexdigest()
    assert (tmp_path / "out" / DATE / "exp" / "tables" / "nps_by_channel.csv").read_bytes() == csv1.read_bytes()
    before = csv1.read_bytes(), csv1.stat().st_mtime_ns
    later = run_reports(batch, run_date="2026-03-31", output=tmp_path / "out")
    assert later.exit_code == 0 and (tmp_path / "csv" / "2026-03-31" / "exp" / "nps_by_channel.csv").is_file()
    assert (csv1.read_bytes(), csv1.stat().st_mtime_ns) == before
    # the report folder is gone, the export is not: still refused, nothing replaced
    import shutil

    shutil.rmtree(tmp_path / "out" / DATE / "exp")
    with pytest.raises(OutputError, match="exist already"):
        run_reports(batch, run_date=DATE, output=tmp_path / "out")
    assert (csv1.read_bytes(), csv1.stat().st_mtime_ns) == before


def test_force_over_a_read_only_run_fails_before_executing(tmp_path, monkeypatch):
    """Low item: `--force` over an earlier run that cannot be replaced is refused before any notebook runs."""
    from cxkit.errors import OutputError
    from cxkit.run import batch

    first = batch.run_reports(notebook=NB, run_date=DATE, output=tmp_path)
    assert first.exit_code == 0
    old = (tmp_path / DATE / "report" / "manifest.json").read_bytes()
    real_access = os.access
    read_only = tmp_path / DATE / "report"
    # as root every folder is writable, so the read-only folder is simulated
    monkeypatch.setattr(os, "access", lambda p, mode, **k: Path(p) != read_only and real_access(p, mode, **k))
    monkeypatch.setattr(batch, "execute_notebook", lambda *a, **k: pytest.fail("executed a notebook"))
    with pytest.raises(OutputError, match="cannot replace .* is not writable. Nothing was run"):
        batch.run_reports(notebook=NB, run_date=DATE, output=tmp_path, force=True)
    assert (tmp_path / DATE / "report" / "manifest.json").read_bytes() == old


def test_notebook_timeout_bounds_the_whole_notebook_in_the_workers(tmp_path):
    """`--timeout` is per cell; `--notebook-timeout` stops a notebook whose cells together run too long."""
    cmd = [sys.executable, "-m", "cxkit", "run", "--batch", str(_batch(tmp_path)), "--run-date", DATE,
           "--output", str(tmp_path / "reports"), "--jobs", "2", "-p", "sleep_s", "120",
           "--timeout", "600", "--notebook-timeout", "8"]
    t0 = time.monotonic()
    proc = subprocess.run(cmd, env=ENV, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stderr
    assert time.monotonic() - t0 < 110  # far below the 120 s cell: the notebook limit stopped it
    day = tmp_path / "reports" / DATE
    manifests = [json.loads(p.read_text()) for p in sorted(day.glob("*/manifest.json"))]
    assert len(manifests) == 2
    for m in manifests:
        assert m["status"] == "failed" and "limit of 8 s" in m["error"] and "--notebook-timeout" in m["error"]
    assert (day / "index.html").exists()
