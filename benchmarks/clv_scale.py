"""CLV per segment on 10 million customers from Parquet: ``cx.clv`` against a plain pandas equivalent (issue 18).

One command (from the repository root), one run each::

    .venv/bin/python benchmarks/clv_scale.py            # 10 million customers
    .venv/bin/python benchmarks/clv_scale.py --n 1000000

Writes ``benchmarks/_data/customers_<n>.parquet`` (git-ignored, kept): 20 segments, starts over 8 years,
geometric monthly lifetimes (hazard 1..4 % by segment), a 24-month data window (customers who left before
it are absent, so the estimate needs delayed entry), lognormal monthly revenue. Then times

* ``cxkit``: ``pd.read_parquet`` + ``cx.clv(df, by="segment", n_boot=0)`` (point estimates; the bootstrap
  multiplies the life-table step by ``n_boot``),
* ``cxkit`` on the file: ``cx.clv("customers.parquet", by="segment", n_boot=0)``: DuckDB counts the customers
  into cells (segment x start day x end day) out of core and only the cells reach pandas, and
* ``pandas``: ``pd.read_parquet`` + the same estimate written directly in pandas (entry and exit months,
  ``groupby`` counts of customers at risk and churners per segment and month, cumulative product, discounting),

checks that all give the same CLV per segment (to 1e-9 relative) and prints wall time and peak memory
(the file run goes first, so its peak is the process's peak before the frame is read).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

MONTH_DAYS = 365.25 / 12
CUT = pd.Timestamp("2026-10-31")
WINDOW = pd.Timestamp("2024-11-01")


def make(n: int, path: Path, seed: int = 1) -> None:
    rng = np.random.default_rng(seed)
    seg = rng.integers(0, 20, n)
    start = CUT - pd.to_timedelta(rng.integers(0, 8 * 365, n), "D")
    life = rng.geometric(0.01 + 0.0015 * seg) - 1 + rng.uniform(0.05, 0.95, n)
    end = start + pd.to_timedelta(np.round(life * MONTH_DAYS), "D")
    keep = end >= WINDOW  # left the firm before the data window: not in the table
    df = pd.DataFrame({"segment": np.char.add("s", seg.astype(str)), "start_date": start,
                       "end_date": pd.Series(end).where(end <= CUT), "value": rng.lognormal(3.5, 0.6, n)})
    df[keep].reset_index(drop=True).to_parquet(path)


def plain_pandas(df: pd.DataFrame, horizon: int = 60, discount: float = 0.10, min_risk: int = 30) -> pd.Series:
    """The same estimate as cx.clv(n_boot=0), written directly in pandas (no cxkit)."""
    event = df["end_date"].notna() & (df["end_date"] <= CUT)
    stop = df["end_date"].where(event, CUT)
    entry = ((WINDOW - df["start_date"]).dt.days / MONTH_DAYS).clip(lower=0)
    exit_ = (stop - df["start_date"]).dt.days / MONTH_DAYS
    cutoff = (CUT - df["start_date"]).dt.days / MONTH_DAYS
    first = np.ceil(entry - 1e-9).astype(int)
    # Whole months only: a churn in the month the cut-off cuts through is not counted (nor the stayers there).
    month = np.floor(exit_ + 1e-9).astype(int)
    whole = np.floor(cutoff + 1e-9).astype(int) - 1
    counted = event & (month <= whole)
    last = month.where(counted, np.minimum(month, whole + 1) - 1)
    ok = last >= first
    d = pd.DataFrame({"segment": df["segment"], "first": first, "last": last, "event": counted,
                      "months": (last - first + 1).clip(lower=0), "value": df["value"]})[ok]
    d["rm"] = d["value"] * d["months"]
    v = 1 / (1 + discount) ** (1 / 12)
    out = {}
    for seg, g in d.groupby("segment"):
        size = int(g["last"].max()) + 2
        enter = g.groupby("first").size().reindex(range(size + 1), fill_value=0)
        leave = g.groupby(g["last"] + 1).size().reindex(range(size + 1), fill_value=0)
        at_risk = (enter - leave).cumsum().iloc[:size].to_numpy(float)
        events = g[g["event"]].groupby("last").size().reindex(range(size), fill_value=0).to_numpy(float)
        low = np.flatnonzero(at_risk < min_risk)
        k = int(low[0]) if len(low) else size
        h = np.zeros(horizon)
        m = min(k, horizon)
        h[:m] = events[:m] / at_risk[:m]
        if k < horizon:
            tail = slice(max(0, k - 12), k)
            h[k:] = events[tail].sum() / at_risk[tail].sum()
        s = np.cumprod(1 - h)
        out[seg] = g["rm"].sum() / g["months"].sum() * np.sum(s * v ** np.arange(1, horizon + 1))
    return pd.Series(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000_000)
    a = ap.parse_args()
    path = HERE / "_data" / f"customers_{a.n}.parquet"
    path.parent.mkdir(exist_ok=True)
    if not path.exists():
        t = time.perf_counter()
        make(a.n, path)
        print(f"wrote {path.name} in {time.perf_counter() - t:.1f} s")
    import cxkit as cx

    t = time.perf_counter()
    res_file = cx.clv(str(path), by="segment", observed_from=WINDOW, as_of=CUT, n_boot=0)
    t_file = time.perf_counter() - t
    peak_file = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cells = res_file.notes[0]
    res_file = res_file.summary().set_index("segment")["clv"]
    t = time.perf_counter()
    df = pd.read_parquet(path)
    read = time.perf_counter() - t
    t = time.perf_counter()
    res = cx.clv(df, by="segment", observed_from=WINDOW, as_of=CUT, n_boot=0).summary().set_index("segment")["clv"]
    t_cx = time.perf_counter() - t
    t = time.perf_counter()
    ref = plain_pandas(df)
    t_pd = time.perf_counter() - t
    rel = float(np.max(np.abs(res.reindex(ref.index) - ref) / ref))
    rel_file = float(np.max(np.abs(res_file.reindex(ref.index) - ref) / ref))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{len(df):,} customers in the table ({a.n:,} generated), {ref.size} segments")
    print(f"read_parquet      {read:7.2f} s")
    print(f"cx.clv            {t_cx:7.2f} s (+ read: {read + t_cx:.2f} s)")
    print(f"plain pandas      {t_pd:7.2f} s (+ read: {read + t_pd:.2f} s); cx / pandas = {t_cx / t_pd:.2f}")
    print(f"cx.clv(file)      {t_file:7.2f} s (read included; {cells}); "
          f"/ (pandas + read) = {t_file / (read + t_pd):.2f}; peak memory so far {peak_file:,.0f} MB")
    print(f"largest relative difference from plain pandas: cx.clv {rel:.1e}, cx.clv(file) {rel_file:.1e}; "
          f"peak memory {peak:,.0f} MB")
    if max(rel, rel_file) > 1e-9:
        raise SystemExit("cx.clv and the plain pandas estimate differ")


if __name__ == "__main__":
    main()
