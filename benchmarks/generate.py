"""Synthetic responses for the scale benchmark, written to Parquet in chunks.

One row per survey answer in the canonical long layout (``data/README.md``):
``customer_id, answered_at, segment, plan, channel, metric, score, churned``.
50 segments (5 plans x 10 regions) x 24 months = 1,200 segment x month groups per
metric; half the answers are NPS (0..10), 30% CSAT (1..5), 20% CES (1..7, higher
is easier). Scores vary by segment and month; ``churned`` depends on plan,
channel and the NPS answer (the logistic-regression benchmark recovers it).

Memory stays flat whatever the row count: rows are generated and written
``CHUNK`` at a time. Usage: ``python benchmarks/generate.py --rows 10000000``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

DATA = Path(__file__).resolve().parent / "_data"
CHUNK = 2_000_000
PLANS = ["basic", "plus", "pro", "team", "enterprise"]
REGIONS = ["north", "south", "east", "west", "central", "coast", "capital", "islands", "border", "rural"]
SEGMENTS = [f"{p}-{r}" for p in PLANS for r in REGIONS]
CHANNELS = ["web", "app", "phone", "store"]
METRICS = ["nps", "csat", "ces"]
METRIC_P = [0.5, 0.3, 0.2]
LOW = np.array([0, 1, 1])
HIGH = np.array([10, 5, 7])
SD = np.array([2.2, 1.0, 1.4])
MONTHS = np.arange("2024-01", "2026-01", dtype="datetime64[M]")  # 24 months
SCHEMA = pa.schema([("customer_id", pa.int64()), ("answered_at", pa.timestamp("us")), ("segment", pa.string()),
                    ("plan", pa.string()), ("channel", pa.string()), ("metric", pa.string()),
                    ("score", pa.int8()), ("churned", pa.bool_())])


def data_path(rows: int) -> Path:
    return DATA / f"responses_{rows}.parquet"


def _strings(idx: np.ndarray, names: list[str]) -> pa.Array:
    # Plain string columns, as Spark or pandas would write them (decoded in C, not Python).
    return pa.DictionaryArray.from_arrays(pa.array(idx.astype(np.int32)), pa.array(names)).cast(pa.string())


def _chunk(rng: np.random.Generator, m: int, mu: np.ndarray) -> pa.Table:
    seg = rng.integers(0, len(SEGMENTS), m)
    plan = seg // len(REGIONS)
    month = rng.integers(0, len(MONTHS), m)
    metric = rng.choice(len(METRICS), m, p=METRIC_P)
    channel = rng.integers(0, len(CHANNELS), m)
    start = MONTHS[month].astype("datetime64[us]")
    length = (MONTHS[month] + 1).astype("datetime64[us]") - start
    when = start + (rng.random(m) * length.astype(np.int64)).astype("timedelta64[us]")
    latent = mu[metric, seg, month] + rng.standard_normal(m) * SD[metric]
    score = np.clip(np.rint(latent), LOW[metric], HIGH[metric]).astype(np.int8)
    # Churn: plan and channel effects, and lower NPS answers churn more.
    lin = (-2.0 + np.array([0.4, 0.2, 0.0, -0.3, -0.6])[plan] + np.array([0.0, -0.1, 0.3, 0.1])[channel]
           - 0.2 * np.where(metric == 0, score - 7, 0))
    churned = rng.random(m) < 1 / (1 + np.exp(-lin))
    return pa.table([pa.array(rng.integers(0, 2_000_000, m)), pa.array(when), _strings(seg, SEGMENTS),
                     _strings(plan, PLANS), _strings(channel, CHANNELS), _strings(metric, METRICS),
                     pa.array(score), pa.array(churned)], schema=SCHEMA)


def generate(rows: int, seed: int = 2025, force: bool = False) -> Path:
    """Write ``rows`` responses to ``_data/responses_<rows>.parquet`` (kept if present)."""
    path = data_path(rows)
    if path.exists() and not force:
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    base = np.array([7.4, 3.8, 5.0])
    seg_effect = rng.normal(0, 0.45, (len(METRICS), len(SEGMENTS)))
    trend = np.linspace(-0.3, 0.3, len(MONTHS))
    mu = base[:, None, None] + seg_effect[:, :, None] + trend[None, None, :] * SD[:, None, None]
    tmp = path.with_suffix(".tmp")
    t0 = time.perf_counter()
    with pq.ParquetWriter(tmp, SCHEMA, compression="snappy") as writer:
        for start in range(0, rows, CHUNK):
            writer.write_table(_chunk(rng, min(CHUNK, rows - start), mu), row_group_size=1_000_000)
    tmp.replace(path)
    print(f"wrote {rows:,} rows to {path} ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t0:.0f} s")
    return path


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--force", action="store_true", help="regenerate even if the file exists")
    a = ap.parse_args()
    print(generate(a.rows, a.seed, a.force))
