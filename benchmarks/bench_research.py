"""Time the research studies on the bundled sample (run by hand; not part of the tests).

    PYTHONPATH=$PWD python benchmarks/bench_research.py

Prints seconds per study and its ratio to the baseline every report pays first,
loading the sample dataset (``cx.load_dataset``), all in one run; the notebooks
should stay well under a minute on the sample.
"""

from __future__ import annotations

import time

import cxkit as cx

RUN_DATE = "2026-11-01"


def main() -> None:
    start = time.perf_counter()
    ds = cx.load_dataset(cx.sample_spec_path()).as_of(RUN_DATE)
    base = time.perf_counter() - start
    print(f"{'load_dataset':15s} {base:6.1f} s  (baseline)")
    runs = {
        "loyalty_study": lambda: cx.loyalty_study(ds, as_of=RUN_DATE),
        "churn_study": lambda: cx.churn_study(ds, as_of=RUN_DATE, n_boot=1000,
                                              controls=["tenure_years", "segment", "contract", "channel"]),
        "hazard_model": lambda: cx.hazard_model(ds, ["ces", "nps"], ["segment", "contract"], as_of=RUN_DATE),
        "driver_study": lambda: cx.driver_study(ds, by_touchpoint=True, missing="pairwise", n_boot=500),
    }
    for name, run in runs.items():
        start = time.perf_counter()
        run()
        took = time.perf_counter() - start
        print(f"{name:15s} {took:6.1f} s  {took / base:5.1f}x the baseline")


if __name__ == "__main__":
    main()
