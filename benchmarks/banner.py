"""Banner benchmark: 3 metrics x 4 banner variables on 10 million answers from Parquet, cxkit vs plain pandas.

One command (from the repository root)::

    .venv/bin/python benchmarks/banner.py            # 10 million rows (benchmarks/_data, git-ignored)
    .venv/bin/python benchmarks/banner.py --rows 1000000

Banner variables: plan (5 values), channel (4), churned (2) and segment (50): 61 columns, with every pair
within a variable and every column against the rest tested for NPS, CSAT top box and CES % easy (about
3,900 tests), Benjamini-Hochberg over the table.

Contenders, each timed as the median of ``--repeat`` runs after one warm-up, in one process:

``cxkit_parquet``
    ``cx.banner("....parquet", ...)``: DuckDB counts out of core (5 count queries), tests on the count tables.
``cxkit_pandas``
    ``pd.read_parquet`` then ``cx.banner(frame, ...)`` (checks in pandas, counting by DuckDB on the frame).
``pandas``
    what an analyst would write: ``pd.read_parquet`` of the needed columns, indicator columns, one
    ``groupby().agg()`` per banner variable, then the same tests (adjusted-Wald NPS, the statsmodels score
    test for shares) pair by pair and ``multipletests``.

The script checks that the pandas baseline and cxkit flag the same cells, and prints the ratio.
"""

from __future__ import annotations

import argparse
import sys
import time
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
from generate import generate  # noqa: E402

COLUMNS = ["plan", "channel", "churned", "segment"]
METRICS = ["nps", "csat", "ces"]


def scales():
    from cxkit.scales import Scale

    return {"nps": Scale.nps(), "csat": Scale.csat(),
            "ces": Scale.ces(1, 7, "higher_is_easier", easy=(5, 6, 7))}


def cxkit_parquet(path: Path):
    import cxkit as cx

    return cx.banner(str(path), METRICS, COLUMNS, scales=scales(), correction="fdr_bh")


def cxkit_pandas(path: Path):
    import cxkit as cx

    df = pd.read_parquet(path, columns=["metric", "score", *COLUMNS])
    return cx.banner(df, METRICS, COLUMNS, scales=scales(), correction="fdr_bh")


def pandas_banner(path: Path) -> pd.DataFrame:
    """The banner in plain pandas + statsmodels: per-column shares, pairwise and against-the-rest tests."""
    from scipy import stats
    from statsmodels.stats.multitest import multipletests
    from statsmodels.stats.proportion import test_proportions_2indep

    df = pd.read_parquet(path, columns=["metric", "score", *COLUMNS])
    good = {"nps": (9, 10), "csat": (4, 5), "ces": (5, 6, 7)}
    bad = {"nps": tuple(range(7)), "csat": (), "ces": ()}
    df["good"] = np.zeros(len(df), dtype=np.int64)
    df["bad"] = np.zeros(len(df), dtype=np.int64)
    for m in METRICS:
        is_m = df["metric"] == m
        df.loc[is_m & df["score"].isin(good[m]), "good"] = 1
        df.loc[is_m & df["score"].isin(bad[m]), "bad"] = 1
    total = df.groupby("metric").agg(n=("score", "size"), good=("good", "sum"), bad=("bad", "sum"))

    def nps_p(a, b):  # adjusted Wald (Rocks 2016)
        def adj(g, d, n):
            pp, pd_ = (g + 0.75) / (n + 3), (d + 0.75) / (n + 3)
            return pp - pd_, (pp + pd_ - (pp - pd_) ** 2) / (n + 3)
        ca, va = adj(*a)
        cb, vb = adj(*b)
        return ca - cb, 2 * stats.norm.sf(abs(ca - cb) / np.sqrt(va + vb))

    rows = []
    for g in COLUMNS:
        cells = df.groupby(["metric", g], observed=True).agg(n=("score", "size"), good=("good", "sum"),
                                                             bad=("bad", "sum"))
        for m in METRICS:
            sub = cells.loc[m]
            t = total.loc[m]
            items = list(sub.iterrows())
            pairs = [(a, b, ra, rb) for (a, ra), (b, rb) in combinations(items, 2)]
            pairs += [(a, "rest", ra, t - ra) for a, ra in items]
            for a, b, ra, rb in pairs:
                if m == "nps":
                    diff, p = nps_p((ra.good, ra.bad, ra.n), (rb.good, rb.bad, rb.n))
                else:
                    diff = ra.good / ra.n - rb.good / rb.n
                    p = test_proportions_2indep(ra.good, ra.n, rb.good, rb.n, method="score", compare="diff",
                                                correction=False).pvalue
                rows.append({"metric": m, "banner": g, "a": a, "b": b, "diff": diff, "p_value": p})
    out = pd.DataFrame(rows)
    out["p_adj"] = multipletests(out["p_value"], method="fdr_bh")[1]
    out["significant"] = out["p_adj"] < 0.05
    return out


def timed(f, path: Path, repeat: int):
    f(path)  # warm-up: page cache, lazy imports
    times, res = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        res = f(path)
        times.append(time.perf_counter() - t0)
    return float(np.median(times)), times, res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    path = generate(a.rows)
    print(f"banner benchmark: {a.rows:,} answers in {path.name}; metrics {METRICS} by {COLUMNS}")
    results = {}
    for name, f in (("cxkit_parquet", cxkit_parquet), ("cxkit_pandas", cxkit_pandas), ("pandas", pandas_banner)):
        med, times, res = timed(f, path, a.repeat)
        results[name] = (med, res)
        print(f"  {name:15s} {med:7.2f} s  (runs: {', '.join(f'{t:.2f}' for t in times)})", flush=True)
    base = results["pandas"][0]
    for name in ("cxkit_parquet", "cxkit_pandas"):
        print(f"  pandas / {name}: {base / results[name][0]:.1f}x")
    # same tests, same flags
    ours = results["cxkit_parquet"][1].pairs.assign(a=lambda d: d["a"].astype(str), b=lambda d: d["b"].astype(str))
    theirs = results["pandas"][1].assign(a=lambda d: d["a"].astype(str), b=lambda d: d["b"].astype(str))
    key = ["metric", "banner", "a", "b"]
    both = ours.merge(theirs, on=key, suffixes=("", "_pd"))
    assert len(both) == len(ours) == len(theirs), (len(both), len(ours), len(theirs))
    assert np.allclose(both["p_value"], both["p_value_pd"], rtol=1e-6, atol=1e-12)
    assert (both["significant"] == both["significant_pd"]).all()
    print(f"  check: the same {len(both):,} tests and significance flags in cxkit and pandas")


if __name__ == "__main__":
    main()
