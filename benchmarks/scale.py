"""Scale benchmark: cxkit's count-table design against pandas and plain DuckDB SQL.

One command (from the repository root)::

    .venv/bin/python benchmarks/scale.py              # 10 million responses
    .venv/bin/python benchmarks/scale.py --with-100m  # also 100 million rows, DuckDB path

It writes the synthetic responses to ``benchmarks/_data/`` (git-ignored; kept for
later runs), then times every contender in its own child process so that peak
memory (``ru_maxrss`` of the child) is not mixed up between contenders, and prints
times, memory, ratios and the issue's targets with a met / NOT MET verdict.

Contenders (see ``benchmarks/contenders.py``): a naive pandas ``groupby.apply``,
vectorised pandas, plain DuckDB SQL (bare metrics, no intervals), cxkit on a pandas
frame and cxkit on the Parquet path (DuckDB); the 2,000-resample bootstrap on the
1,200-group count tables; row-level vs cell-count logistic regression.

Times are medians of ``--repeat`` runs inside one process (the first run pays
one-time costs such as the page cache and lazy imports), except the slow
baselines (naive pandas, row-level logistic fit), which run once. Wall time is what
the targets are about; CPU time (all threads of the child) is printed beside it
because on a shared machine wall time also measures the other users' load.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from generate import DATA, generate  # noqa: E402

SLOW = {"naive_pandas", "glm_rows"}


def child(name: str, path: Path, repeat: int) -> dict:
    """Run one contender in a fresh interpreter and return its JSON report."""
    out = DATA / f"result_{name}_{path.stem}.pkl"
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    reps = 1 if name in SLOW else repeat
    print(f"  running {name} on {path.name} ({reps}x) ...", file=sys.stderr, flush=True)
    proc = subprocess.run([sys.executable, str(HERE / "contenders.py"), name, str(path), str(reps), str(out)],
                          capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"contender {name} failed:\n{proc.stderr[-3000:]}")
    rep = json.loads(proc.stdout.strip().splitlines()[-1])
    rep["median"] = float(np.median(rep["times"]))
    rep["best"] = float(np.min(rep["times"]))
    rep["cpu_median"] = float(np.median(rep["cpu"]))
    rep["result"] = out if out.exists() else None
    return rep


def _fmt(rep: dict) -> str:
    times = ", ".join(f"{t:.2f}" for t in rep["times"])
    return (f"{rep['median']:8.2f} s wall  {rep['cpu_median']:7.2f} s CPU  peak {rep['peak_mb']:6.0f} MB"
            f"  (runs: {times})")


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT MET"


def agreement(reps: dict[str, dict], reference: str) -> list[str]:
    """Largest difference of each contender's headline figures from the reference's."""
    with open(reps[reference]["result"], "rb") as fh:
        ref = pickle.load(fh)
    lines = []
    for name, rep in reps.items():
        if name == reference or not rep.get("result"):
            continue
        with open(rep["result"], "rb") as fh:
            other = pickle.load(fh)
        m = ref.merge(other, on=["metric", "segment", "month"], how="outer", suffixes=("", "_o"), indicator=True)
        unmatched = int((m["_merge"] != "both").sum())
        dn = int((m["n"] != m["n_o"]).sum())
        dv = float(np.nanmax(np.abs(m["value"] - m["value_o"])))
        lines.append(f"  {name:24s} groups {len(other):5d}  unmatched {unmatched}  n differ {dn}  "
                     f"max |headline diff| {dv:.2e}")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description="cxkit scale benchmark")
    ap.add_argument("--rows", type=int, default=10_000_000, help="responses to generate (default 10 million)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per fast contender (median reported)")
    ap.add_argument("--with-100m", action="store_true", help="also run the DuckDB path on 100 million rows")
    ap.add_argument("--big-rows", type=int, default=100_000_000, help=argparse.SUPPRESS)
    a = ap.parse_args()

    import duckdb
    import narwhals
    import statsmodels

    started = time.time()
    load0 = os.getloadavg()
    path = generate(a.rows)
    print(f"cxkit scale benchmark: {a.rows:,} responses in {path.relative_to(ROOT)} "
          f"({path.stat().st_size / 1e6:.0f} MB)")
    print(f"machine: {os.cpu_count()} cores ({platform.processor() or platform.machine()}), "
          f"load average at start {load0[0]:.2f} (shared with other users); Python {platform.python_version()}, "
          f"pandas {pd.__version__}, duckdb {duckdb.__version__}, narwhals {narwhals.__version__}, "
          f"statsmodels {statsmodels.__version__}")

    reps = {}
    names = ["imports", "pandas_read", "naive_pandas", "vectorised_pandas", "duckdb_sql", "cxkit_pandas", "cxkit_duckdb",
             "cxkit_duckdb_bootstrap", "bootstrap_nps", "bootstrap_csat", "bootstrap_ces", "glm_rows", "glm_cells",
             "glm_cells_duckdb"]
    for name in names:
        reps[name] = child(name, path, a.repeat)

    print("\n== Metric suite: NPS, CSAT, CES per segment x month (1,200 groups each), from Parquet ==")
    for name in ["naive_pandas", "vectorised_pandas", "duckdb_sql", "cxkit_pandas", "cxkit_duckdb",
                 "cxkit_duckdb_bootstrap"]:
        print(f"  {name:24s}{_fmt(reps[name])}")
    print(f"  {'pandas_read':24s}{_fmt(reps['pandas_read'])}  (pd.read_parquet alone: "
          "every pandas contender starts with it)")
    print(f"  {'imports only':24s}{'':8s}          peak {reps['imports']['peak_mb']:7.0f} MB "
          "(interpreter + pandas/duckdb/statsmodels/cxkit imports, included in every peak)")
    t = {k: v["median"] for k, v in reps.items()}
    c = {k: v["cpu_median"] for k, v in reps.items()}
    print("  ratios of wall times (CPU-time ratio in brackets):")
    print(f"    cxkit_duckdb / duckdb_sql           {t['cxkit_duckdb'] / t['duckdb_sql']:6.2f}x "
          f"[{c['cxkit_duckdb'] / c['duckdb_sql']:5.2f}x]  "
          f"(target <= 2x: {verdict(t['cxkit_duckdb'] / t['duckdb_sql'] <= 2)})")
    print(f"    naive_pandas / cxkit_duckdb         {t['naive_pandas'] / t['cxkit_duckdb']:6.1f}x "
          f"[{c['naive_pandas'] / c['cxkit_duckdb']:5.1f}x]  "
          f"(target >= 8x: {verdict(t['naive_pandas'] / t['cxkit_duckdb'] >= 8)})")
    print(f"    naive_pandas / cxkit_pandas         {t['naive_pandas'] / t['cxkit_pandas']:6.1f}x "
          f"[{c['naive_pandas'] / c['cxkit_pandas']:5.1f}x]  "
          f"(8x is out of reach of any code that starts with pd.read_parquet: naive_pandas / pandas_read = "
          f"{t['naive_pandas'] / t['pandas_read']:.1f}x)")
    rd = t["pandas_read"]
    print(f"    same, pd.read_parquet subtracted    {(t['naive_pandas'] - rd) / (t['cxkit_pandas'] - rd):6.1f}x  "
          "(the computing after the read)")
    for a_, b_ in [("cxkit_pandas", "vectorised_pandas"), ("cxkit_pandas", "duckdb_sql"),
                   ("vectorised_pandas", "cxkit_duckdb"), ("naive_pandas", "vectorised_pandas"),
                   ("cxkit_duckdb_bootstrap", "cxkit_duckdb")]:
        print(f"    {a_ + ' / ' + b_:36s}{t[a_] / t[b_]:6.2f}x [{c[a_] / c[b_]:5.2f}x]")
    print("  agreement of headline figures (n and NPS / % top box / % easy) with cxkit_duckdb:")
    print("\n".join(agreement({k: reps[k] for k in ["cxkit_duckdb", "naive_pandas", "vectorised_pandas",
                                                    "duckdb_sql", "cxkit_pandas"]}, "cxkit_duckdb")))

    print("\n== Bootstrap: 2,000 resamples of every group's answers (multinomial; count table given) ==")
    for m in ("nps", "csat", "ces"):
        r = reps[f"bootstrap_{m}"]
        print(f"  {m:5s} {r['groups']} groups {_fmt(r)}  (target < 1 s: {verdict(r['median'] < 1)})")

    print("\n== Logistic regression: churned ~ plan + channel + NPS score, on the NPS answers ==")
    rows, cells, cdb = reps["glm_rows"], reps["glm_cells"], reps["glm_cells_duckdb"]
    print(f"  {'row-level (statsmodels)':28s}{_fmt(rows)}  on {rows['rows']:,} rows")
    print(f"  {'cell counts (cxkit, pandas)':28s}{_fmt(cells)}  on {cells['cells']} cells (counting included)")
    print(f"  {'cell counts (cxkit, DuckDB)':28s}{_fmt(cdb)}  from the Parquet file (read + count + fit)")
    dp = float(np.max(np.abs(np.subtract(rows["params"], cells["params"]))))
    ds = float(np.max(np.abs(np.subtract(rows["bse"], cells["bse"]))))
    dd = float(np.max(np.abs(np.subtract(rows["params"], cdb["params"]))))
    ratio = rows["median"] / cells["median"]
    cratio = rows["cpu_median"] / cells["cpu_median"]
    print(f"  max |coef diff| rows vs cells {dp:.1e} (target <= 1e-8: {verdict(dp <= 1e-8)}); "
          f"max |SE diff| {ds:.1e}; DuckDB cells vs rows {dd:.1e}")
    print(f"  row-level / cell-count time {ratio:.0f}x [CPU {cratio:.0f}x] (target >= 30x: {verdict(ratio >= 30)}); "
          f"row-level / DuckDB-from-file {rows['median'] / cdb['median']:.0f}x")

    if a.with_100m:
        big = generate(a.big_rows)
        print(f"\n== {a.big_rows:,} rows ({big.stat().st_size / 1e6:.0f} MB Parquet), DuckDB path ==")
        rb = {name: child(name, big, a.repeat) for name in ["duckdb_sql", "cxkit_duckdb"]}
        for name, r in rb.items():
            print(f"  {name:24s}{_fmt(r)}")
        c = rb["cxkit_duckdb"]
        print(f"  cxkit_duckdb: full metric suite {c['median']:.1f} s (target < 10 s: {verdict(c['median'] < 10)}), "
              f"peak memory {c['peak_mb']:.0f} MB (target < 1024 MB: {verdict(c['peak_mb'] < 1024)}); "
              f"vs plain SQL {c['median'] / rb['duckdb_sql']['median']:.2f}x")
        print("\n".join(agreement(rb, "cxkit_duckdb")))

    load1 = os.getloadavg()
    print(f"\nload average at end {load1[0]:.2f}; wall time of the whole benchmark {time.time() - started:.0f} s")


if __name__ == "__main__":
    main()
