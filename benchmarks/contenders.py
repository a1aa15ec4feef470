"""The workloads timed by ``benchmarks/scale.py``, one per child process.

``python benchmarks/contenders.py NAME PATH REPEAT OUT`` runs contender NAME on the
Parquet file PATH REPEAT times and prints one JSON line: wall times (s) of each
run, the process's peak resident memory (``ru_maxrss``, MB; it includes the
Python interpreter and imports, see ``imports``) and extra facts. Results are
saved to OUT (pickle, untimed) so the driver can check the contenders agree.

Every "suite" contender starts from the Parquet file and ends with, per metric
(NPS, CSAT, CES) x segment x month: n and the headline figure; all but the
plain DuckDB SQL also compute intervals (NPS adjusted Wald, Wilson for shares,
t interval for means).
"""

from __future__ import annotations

import json
import pickle
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

GOOD = {"nps": (9, 10), "csat": (4, 5), "ces": (5, 6, 7)}
COLUMNS = ["answered_at", "segment", "metric", "score"]
Z = stats.norm.ppf(0.975)


def _scales():
    import cxkit as cx

    return {"nps": cx.Scale.nps(), "csat": cx.Scale.csat(), "ces": cx.Scale.ces(1, 7, "higher_is_easier", easy=[5, 6, 7])}


def _headline(metric, segment, month, n, value) -> pd.DataFrame:
    """Common result shape for the agreement check."""
    return pd.DataFrame({"metric": np.asarray(metric).astype(str), "segment": np.asarray(segment).astype(str),
                         "month": np.asarray(month).astype(str), "n": np.asarray(n, dtype="int64"),
                         "value": np.asarray(value, dtype=float)})


# -- metric suite ----------------------------------------------------------------
def naive_pandas(path):
    """What an analyst writes first: one Python function per group via groupby.apply."""
    df = pd.read_parquet(path, columns=COLUMNS)
    df["month"] = df["answered_at"].dt.to_period("M")

    def summarise(g: pd.DataFrame) -> pd.Series:
        kind = g.name[0]
        s = g["score"]
        n = len(s)
        if kind == "nps":
            pro, det = (s >= 9).mean(), (s <= 6).mean()
            a_pro, a_det = ((s >= 9).sum() + 0.75) / (n + 3), ((s <= 6).sum() + 0.75) / (n + 3)
            centre = a_pro - a_det
            half = Z * np.sqrt((a_pro + a_det - centre**2) / (n + 3))
            return pd.Series({"n": n, "value": 100 * (pro - det), "ci_low": 100 * (centre - half),
                              "ci_high": 100 * (centre + half)})
        good = s.isin(GOOD[kind]).sum()
        lo, hi = proportion_confint(good, n, method="wilson")
        mean, sd = s.mean(), s.std()
        tq = stats.t.ppf(0.975, n - 1)
        return pd.Series({"n": n, "value": 100 * good / n, "ci_low": 100 * lo, "ci_high": 100 * hi, "mean": mean,
                          "mean_ci_low": mean - tq * sd / np.sqrt(n), "mean_ci_high": mean + tq * sd / np.sqrt(n)})

    out = df.groupby(["metric", "segment", "month"], observed=True).apply(summarise, include_groups=False)
    out = out.unstack() if isinstance(out, pd.Series) else out
    out = out.reset_index()
    return out, _headline(out["metric"], out["segment"], out["month"], out["n"], out["value"])


def vectorised_pandas(path):
    """Column sums per group in one groupby, then the interval formulas on whole columns."""
    df = pd.read_parquet(path, columns=COLUMNS)
    metric = df["metric"].to_numpy()
    score = df["score"].to_numpy()
    good = np.select([metric == "nps", metric == "csat"], [score >= 9, score >= 4], score >= 5)
    frame = pd.DataFrame({"metric": df["metric"], "segment": df["segment"],
                          "month": df["answered_at"].dt.to_period("M"), "good": good, "bad": score <= 6,
                          "x": score.astype(float), "xx": score.astype(float) ** 2})
    t = frame.groupby(["metric", "segment", "month"], observed=True).agg(
        n=("good", "size"), good=("good", "sum"), bad=("bad", "sum"), x=("x", "sum"), xx=("xx", "sum")).reset_index()
    n = t["n"].to_numpy(float)
    p_good, p_bad = t["good"] / n, t["bad"] / n
    is_nps = (t["metric"] == "nps").to_numpy()
    a_pro, a_det = (t["good"] + 0.75) / (n + 3), (t["bad"] + 0.75) / (n + 3)
    centre = a_pro - a_det
    half = Z * np.sqrt((a_pro + a_det - centre**2) / (n + 3))
    w_lo, w_hi = proportion_confint(t["good"], n, method="wilson")
    mean = t["x"] / n
    sd = np.sqrt((t["xx"] - n * mean**2) / (n - 1))
    tq = stats.t.ppf(0.975, n - 1) * sd / np.sqrt(n)
    t["value"] = np.where(is_nps, 100 * (p_good - p_bad), 100 * p_good)
    t["ci_low"] = np.where(is_nps, 100 * (centre - half), 100 * w_lo)
    t["ci_high"] = np.where(is_nps, 100 * (centre + half), 100 * w_hi)
    t["mean_ci_low"], t["mean_ci_high"] = mean - tq, mean + tq
    return t, _headline(t["metric"], t["segment"], t["month"], t["n"], t["value"])


def duckdb_sql(path):
    """Plain DuckDB SQL over the file: the bare metrics, no intervals."""
    import duckdb

    con = duckdb.connect()
    # Shares of each threshold per group, then the right one per metric on the small result:
    # cheaper than a per-row CASE on the metric name (we timed both; this is the fast one).
    out = con.sql(f"""
        WITH g AS (
            SELECT metric, segment, date_trunc('month', answered_at) AS month, count(*) AS n, avg(score) AS mean,
                   avg((score >= 9)::INT) AS p9, avg((score <= 6)::INT) AS p6,
                   avg((score >= 4)::INT) AS p4, avg((score >= 5)::INT) AS p5
            FROM read_parquet('{path}')
            GROUP BY ALL)
        SELECT metric, segment, strftime(month, '%Y-%m') AS month, n, mean,
               100 * CASE metric WHEN 'nps' THEN p9 - p6 WHEN 'csat' THEN p4 ELSE p5 END AS value
        FROM g""").df()
    return out, _headline(out["metric"], out["segment"], out["month"], out["n"], out["value"])


def _suite_headline(tables):
    col = {"nps": "nps", "csat": "csat", "ces": "pct_easy"}
    return pd.concat([_headline([m] * len(t), t["segment"], t["period"], t["n"], t[col[m]]) for m, t in tables.items()])


def cxkit_pandas(path):
    """cxkit on a pandas DataFrame read from the file (DuckDB counts the frame in place)."""
    import cxkit as cx

    df = pd.read_parquet(path, columns=COLUMNS)
    tables = cx.metric_suite(df, _scales(), by="segment", period="answered_at", min_n=0)
    return tables, _suite_headline(tables)


def cxkit_duckdb(path):
    """cxkit on the file path: DuckDB counts out of core, statistics on the count table."""
    import cxkit as cx

    tables = cx.metric_suite(str(path), _scales(), by="segment", period="answered_at", min_n=0)
    return tables, _suite_headline(tables)


def cxkit_duckdb_bootstrap(path):
    """As cxkit_duckdb, with 2,000-resample bootstrap intervals for every metric."""
    import cxkit as cx

    tables = cx.metric_suite(str(path), _scales(), by="segment", period="answered_at", min_n=0, ci="bootstrap")
    return tables, _suite_headline(tables)


def pandas_read(path):
    """Only the ``pd.read_parquet`` every pandas contender starts with (text columns become Python strings)."""
    pd.read_parquet(path, columns=COLUMNS)
    return None, None


def imports(path):
    """Baseline: the imports every contender pays (for reading the memory column)."""
    import duckdb  # noqa: F401
    import statsmodels.api  # noqa: F401

    import cxkit  # noqa: F401

    return None, None


# -- bootstrap on count tables -----------------------------------------------------
_COUNTS: dict = {}


def _count_tables(path):
    """Per-metric count tables (segment x month x score), built once per process, untimed."""
    if not _COUNTS:
        from cxkit.stats.counts import answer_counts

        for m, scale in _scales().items():
            rel = _duck(path).filter(f"metric = '{m}'")
            _COUNTS[m] = answer_counts(rel, "score", scale, by="segment", period="answered_at")
    return _COUNTS


def _duck(path):
    import duckdb

    return duckdb.connect().read_parquet(str(path))


def _bootstrap(path, metric):
    from cxkit.stats.metrics import ces_from_counts, csat_from_counts, nps_from_counts

    counts, groups = _count_tables(path)[metric]
    fn = {"nps": nps_from_counts, "csat": csat_from_counts, "ces": ces_from_counts}[metric]
    table = fn(counts, groups, "score", scale=_scales()[metric], ci="bootstrap", n_boot=2000, seed=1, min_n=0)
    return len(table)


# -- logistic regression ------------------------------------------------------------
def _nps_rows(path):
    return pd.read_parquet(path, columns=["plan", "channel", "score", "churned"], filters=[("metric", "==", "nps")])


def glm_rows(df):
    """Row-level logistic regression with the statsmodels formula API (the usual route)."""
    import statsmodels.formula.api as smf

    fit = smf.logit("churned ~ C(plan) + C(channel) + score", data=df.assign(churned=df["churned"].astype(int))).fit(disp=0)
    return fit.params.to_numpy().tolist(), fit.bse.to_numpy().tolist()


def glm_cells(df):
    """cxkit: count cells (pandas engine), then a grouped binomial GLM."""
    import cxkit as cx

    # The formula API's reference is the first sorted level; cxkit's default is the most frequent.
    ref = {c: sorted(df[c].dropna().unique())[0] for c in ("plan", "channel")}
    fit = cx.grouped_logit(df, "churned", categorical=["plan", "channel"], numeric="score", reference=ref)
    return fit.params.to_numpy().tolist(), fit.bse.to_numpy().tolist(), len(fit.cells)


def glm_cells_duckdb(path):
    """cxkit from the file: DuckDB counts the cells of the NPS rows, then the grouped GLM."""
    import cxkit as cx

    rel = _duck(path).filter("metric = 'nps'")
    first = rel.aggregate("min(plan), min(channel)").fetchall()[0]  # first sorted level, as the formula API
    fit = cx.grouped_logit(rel, "churned", categorical=["plan", "channel"], numeric="score",
                           reference=dict(zip(("plan", "channel"), first, strict=True)))
    return fit.params.to_numpy().tolist(), fit.bse.to_numpy().tolist(), len(fit.cells)


SUITE = {"naive_pandas": naive_pandas, "vectorised_pandas": vectorised_pandas, "duckdb_sql": duckdb_sql,
         "cxkit_pandas": cxkit_pandas, "cxkit_duckdb": cxkit_duckdb, "cxkit_duckdb_bootstrap": cxkit_duckdb_bootstrap,
         "imports": imports, "pandas_read": pandas_read}


def _timed(fn, *args):
    """Run fn, returning its result, wall seconds and CPU seconds (all threads of this process)."""
    w, c = time.perf_counter(), time.process_time()
    res = fn(*args)
    return res, time.perf_counter() - w, time.process_time() - c


def run(name: str, path: str, repeat: int, out: str) -> dict:
    times, cpu, extra, result = [], [], {}, None
    if name in SUITE:
        for _ in range(repeat):
            result, wall, c = _timed(SUITE[name], path)
            times.append(wall)
            cpu.append(c)
        result = result[1]
    elif name.startswith("bootstrap_"):
        _count_tables(path)
        for _ in range(repeat):
            groups, wall, c = _timed(_bootstrap, path, name.removeprefix("bootstrap_"))
            times.append(wall)
            cpu.append(c)
        extra = {"groups": groups}
    elif name in ("glm_rows", "glm_cells", "glm_cells_duckdb"):
        df = _nps_rows(path) if name != "glm_cells_duckdb" else None  # same in-memory frame for both
        if df is not None:
            extra["rows"] = len(df)
        fn = {"glm_rows": glm_rows, "glm_cells": glm_cells, "glm_cells_duckdb": glm_cells_duckdb}[name]
        for _ in range(repeat):
            res, wall, c = _timed(fn, df if df is not None else path)
            times.append(wall)
            cpu.append(c)
        extra.update(params=res[0], bse=res[1])
        if len(res) > 2:
            extra["cells"] = res[2]
    else:
        raise SystemExit(f"unknown contender {name!r}")
    if result is not None:
        with open(out, "wb") as fh:
            pickle.dump(result, fh)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
    return {"name": name, "times": times, "cpu": cpu, "peak_mb": peak_mb, **extra}


if __name__ == "__main__":
    name, path, repeat, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    print(json.dumps(run(name, str(Path(path)), repeat, out)))
