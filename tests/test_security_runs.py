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
