"""Change decomposition and KPI monitoring on 10 million rows from Parquet, against plain pandas (issue 17).

    PYTHONPATH=$PWD .venv/bin/python benchmarks/bench_change.py             # 10 million rows
    PYTHONPATH=$PWD .venv/bin/python benchmarks/bench_change.py --rows 1000000

Uses the scale benchmark's synthetic responses (``generate.py``: 50 segments, 4 channels, 24 months; written
to ``benchmarks/_data/`` once and kept). In one run, each task is timed (median of ``--repeat`` runs) as

* ``cxkit``: ``cx.decompose_change`` / ``cx.monitor`` on a DuckDB relation over the Parquet file, filtered to
  the metric (DuckDB counts out of core, the
  statistics on the count table; the decomposition with its 2,000-resample bootstrap intervals, the monitor
  with every series' limits and each alert's mix/rate split);
* ``pandas``: what an analyst would write: ``pd.read_parquet`` of the needed columns, ``groupby`` sums, and
  the same formulas on the small table (Kitagawa's split without intervals; Laney p' limits without the
  baseline correction and without decomposing the alerts).

and the results are checked to agree (the parts and the alerted periods).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402

import cxkit as cx  # noqa: E402

A, B = "2025-11", "2025-12"


def pandas_decompose(path: Path) -> pd.DataFrame:
    df = pd.read_parquet(path, columns=["answered_at", "segment", "metric", "score"],
                         filters=[("metric", "==", "nps")])
    df["period"] = df["answered_at"].dt.to_period("M").astype(str)
    df = df[df["period"].isin([A, B])]
    df["pro"], df["det"] = df["score"] >= 9, df["score"] <= 6
    g = df.groupby(["segment", "period"]).agg(n=("score", "size"), pro=("pro", "sum"), det=("det", "sum"))
    g = g.unstack("period")
    m = {p: g[("n", p)] / g[("n", p)].sum() for p in (A, B)}
    r = {p: 100 * (g[("pro", p)] - g[("det", p)]) / g[("n", p)] for p in (A, B)}
    mix = (m[B] - m[A]) * (r[A] + r[B]) / 2
    rate = (r[B] - r[A]) * (m[A] + m[B]) / 2
    return pd.DataFrame({"mix": [mix.sum()], "rate": [rate.sum()]})


def _answers(path: Path, metric: str):
    """The Parquet file's answers to one metric as a lazy DuckDB relation (read out of core)."""
    import duckdb

    return duckdb.connect().sql(f"select * from read_parquet('{path}') where metric = '{metric}'")


def cxkit_decompose(path: Path) -> pd.DataFrame:
    d = cx.decompose_change(_answers(path, "nps"), "nps", by="segment", period_a=A, period_b=B, n_boot=2000)
    return d.parts[["mix", "rate"]]


def pandas_monitor(path: Path) -> set[tuple[str, str]]:
    df = pd.read_parquet(path, columns=["answered_at", "plan", "metric", "score"], filters=[("metric", "==", "csat")])
    df["period"] = df["answered_at"].dt.to_period("M").astype(str)
    df["top"] = df["score"] >= 4
    alerts = set()
    for plan, t in df.groupby("plan"):
        s = t.groupby("period").agg(n=("top", "size"), x=("top", "sum"))
        n, x = s["n"].to_numpy(float), s["x"].to_numpy(float)
        for i in range(6, len(s)):
            lo = max(0, i - 12)
            p = x[lo:i].sum() / n[lo:i].sum()
            se = np.sqrt(p * (1 - p) / n[lo:i + 1])
            z = (x[lo:i] / n[lo:i] - p) / se[:-1]
            sigma_z = np.mean(np.abs(np.diff(z))) / 1.128
            if x[i] / n[i] < p - 3 * sigma_z * se[-1]:
                alerts.add((plan, s.index[i]))
    return alerts


def cxkit_monitor(path: Path) -> set[tuple[str, str]]:
    mo = cx.monitor(_answers(path, "csat"), "csat", by="plan")
    a = mo.alerts[mo.alerts["series"] != "all"]
    return set(zip(a["series"], a["period"], strict=True))


def timed(fn, path: Path, repeat: int) -> tuple[float, list[float], object]:
    runs, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn(path)
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs), runs, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    path = generate(args.rows)
    print(f"{args.rows:,} rows in {path} ({path.stat().st_size / 1e6:.0f} MB)")
    results = {}
    for task, pair in (("decomposition (NPS by 50 segments, 2 months)", (pandas_decompose, cxkit_decompose)),
                       ("monitoring (CSAT, 5 plans x 24 months)", (pandas_monitor, cxkit_monitor))):
        print(f"== {task} ==")
        for name, fn in zip(("pandas", "cxkit"), pair, strict=True):
            med, runs, out = timed(fn, path, args.repeat)
            results[task, name] = (med, out)
            print(f"  {name:8s} {med:7.2f} s  (runs: {', '.join(f'{r:.2f}' for r in runs)})")
        ratio = results[task, "cxkit"][0] / results[task, "pandas"][0]
        print(f"  cxkit / pandas: {ratio:.2f}x")
    pd_parts, cx_parts = (results["decomposition (NPS by 50 segments, 2 months)", k][1] for k in ("pandas", "cxkit"))
    print("decomposition parts agree:", np.allclose(pd_parts.to_numpy(), cx_parts.to_numpy(), atol=1e-9))
    pd_alerts, cx_alerts = (results["monitoring (CSAT, 5 plans x 24 months)", k][1] for k in ("pandas", "cxkit"))
    print(f"alerts: pandas (plain limits) {len(pd_alerts)}, cxkit (baseline-corrected) {len(cx_alerts)}; "
          f"cxkit's are a subset: {cx_alerts <= pd_alerts}")


if __name__ == "__main__":
    main()
