"""Loading a large CSV with ``cx.load_dataset``: time and peak memory against a plain ``pd.read_csv``.

Issue 14 asked that loading 5M rows stays linear in the row count and that its
peak memory is reported against ``pd.read_csv`` of the same file (target: at
most 2x). Each measurement runs in a fresh process (peak resident memory,
``ru_maxrss``, is per process and never goes down); the figure reported is the
peak *above* the process's memory after its imports, so the interpreter and
library code (the same for both) do not flatter the ratio. Data: the scale
benchmark's synthetic answers (``generate.py``), written once to CSV.

Usage: ``python benchmarks/load_memory.py --rows 1000000 2500000 5000000``
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

SPEC = """name: load benchmark
tables:
  responses:
    file: {csv}
    columns: {{customer_id: customer_id, answered_at: answered_at, metric: metric, score: score}}
    extra: [segment, plan, channel]
scales:
  nps: {{kind: nps}}
  csat: {{kind: csat, min: 1, max: 5, top_box: [4, 5]}}
  ces: {{kind: ces, min: 1, max: 7, direction: higher_is_easier, easy: [5, 6, 7]}}
"""

CHILD = r"""
import json, resource, sys, time
how, path = sys.argv[1], sys.argv[2]
import pandas as pd
if how == "cxkit":
    import cxkit as cx
    from cxkit.data import dataset  # noqa: F401 - import cost outside the measurement
import os
with open("/proc/self/statm") as fh:  # resident memory now (the import peak may have been higher)
    base = int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024
t0 = time.perf_counter()
if how == "cxkit":
    n = len(cx.load_dataset(path).responses)
else:
    n = len(pd.read_csv(path))
took = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"rows": n, "seconds": took, "peak_mb": peak / 1024, "above_imports_mb": (peak - base) / 1024}))
"""


def csv_for(rows: int) -> Path:
    """The synthetic answers as CSV (generated as Parquet by ``generate.py``, converted once)."""
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq
    from generate import generate

    out = HERE / "_data" / f"responses_{rows}.csv"
    if not out.exists():
        table = pq.read_table(generate(rows))
        pcsv.write_csv(table, out.with_suffix(".tmp"))
        out.with_suffix(".tmp").rename(out)
    return out


def measure(how: str, path: Path) -> dict:
    res = subprocess.run([sys.executable, "-c", CHILD, how, str(path)], capture_output=True, text=True,
                         check=False, cwd=HERE.parent)
    if res.returncode != 0:
        raise SystemExit(f"{how} on {path} failed:\n{res.stderr[-2000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 2_500_000, 5_000_000])
    a = ap.parse_args()
    print(f"{'rows':>10}  {'pd.read_csv s':>13}  {'MB':>7}  {'cxkit s':>8}  {'MB':>7}  {'s per M rows':>12}  "
          f"{'memory ratio':>12}")
    for rows in a.rows:
        t0 = time.perf_counter()
        path = csv_for(rows)
        spec = path.with_suffix(".yaml")
        spec.write_text(SPEC.format(csv=path.name))
        prep = time.perf_counter() - t0
        plain, cx = measure("pandas", path), measure("cxkit", spec)
        ratio = cx["above_imports_mb"] / plain["above_imports_mb"]
        print(f"{rows:>10,}  {plain['seconds']:>13.1f}  {plain['above_imports_mb']:>7.0f}  {cx['seconds']:>8.1f}  "
              f"{cx['above_imports_mb']:>7.0f}  {cx['seconds'] / rows * 1e6:>12.2f}  {ratio:>11.2f}x"
              f"{'' if ratio <= 2 else '  (above the 2x target)'}  [data ready in {prep:.0f} s]")
    print("MB: peak resident memory above the process's memory after imports; ratio: cxkit / pd.read_csv.")


if __name__ == "__main__":
    main()
