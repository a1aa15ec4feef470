"""Time ``cx.rake`` on 10M rows to 3 margins against a plain pandas IPF, in one run (by hand; not a test).

    PYTHONPATH=$PWD python benchmarks/bench_raking.py [rows]

The plain version is what an analyst writes without cxkit: every sweep groups the 10M rows by each
variable and maps the factors back to the rows. ``cx.rake`` counts the cells of the three variables
once and rakes the cells (here 5 x 3 x 6 = 90 numbers), then maps one factor per cell back. Both rake
to the same tolerance; the script checks that the weights agree and prints the ratio. A DuckDB relation
is raked too (counted in DuckDB; no per-row weights are made, only the cell factors).
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from cxkit.stats.raking import rake  # imported before the clock starts

TARGETS = {
    "region": {"north": 0.25, "east": 0.2, "south": 0.3, "west": 0.15, "centre": 0.1},
    "segment": {"consumer": 0.6, "smb": 0.3, "enterprise": 0.1},
    "age_band": {"18-24": 0.1, "25-34": 0.2, "35-44": 0.2, "45-54": 0.2, "55-64": 0.15, "65+": 0.15},
}
TOL = 1e-10


def make(n: int, seed: int = 1) -> pd.DataFrame:
    """Rows whose variables are related (segment depends on region, age band on segment), as real data are."""
    rng = np.random.default_rng(seed)
    codes: list[np.ndarray] = []
    for margin in TARGETS.values():
        k = len(margin)
        if not codes:
            codes.append(rng.choice(k, n, p=rng.dirichlet(np.ones(k) * 3)))
            continue
        parent = codes[-1]
        probs = rng.dirichlet(np.ones(k) * 2, size=parent.max() + 1)  # one mix per level of the previous variable
        cum = probs.cumsum(axis=1)[parent]
        codes.append((rng.random(n)[:, None] > cum).sum(axis=1).clip(0, k - 1))
    return pd.DataFrame({col: pd.Categorical.from_codes(c, list(margin))
                         for (col, margin), c in zip(TARGETS.items(), codes, strict=True)})


def plain_pandas_ipf(df: pd.DataFrame, max_iter: int = 100) -> np.ndarray:
    n = len(df)
    w = np.ones(n)
    for _ in range(max_iter):
        for col, margin in TARGETS.items():
            sums = pd.Series(w).groupby(df[col].to_numpy(), observed=True).sum()
            factor = pd.Series(margin) * n / sums
            w *= df[col].map(factor).to_numpy(dtype=float)
        gap = max(float((pd.Series(w).groupby(df[col].to_numpy(), observed=True).sum() / n
                         - pd.Series(margin)).abs().max()) for col, margin in TARGETS.items())
        if gap < TOL:
            return w
    raise RuntimeError("plain IPF did not converge")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    df = make(n)
    print(f"{n:,} rows, margins {list(TARGETS)}")
    t0 = time.perf_counter()
    plain = plain_pandas_ipf(df)
    t_plain = time.perf_counter() - t0
    t0 = time.perf_counter()
    r = rake(df, TARGETS, tol=TOL)
    t_cx = time.perf_counter() - t0
    diff = float(np.max(np.abs(r.weights.to_numpy() - plain)))
    print(f"plain pandas IPF   {t_plain:7.2f} s")
    print(f"cx.rake (pandas)   {t_cx:7.2f} s   {t_plain / t_cx:5.1f}x faster; max |weight difference| {diff:.1e}; "
          f"{r.iterations} iterations, efficiency {100 * r.efficiency:.1f} %")
    try:
        import duckdb
    except ImportError:
        return
    rel = duckdb.from_df(df.astype(str))
    t0 = time.perf_counter()
    rd = rake(rel, TARGETS, tol=TOL)
    t_db = time.perf_counter() - t0
    print(f"cx.rake (DuckDB)   {t_db:7.2f} s   {t_plain / t_db:5.1f}x faster (cell factors only; "
          f"n_eff {rd.n_eff:,.0f} vs {r.n_eff:,.0f})")


if __name__ == "__main__":
    main()
