"""Start-up time: ``import cxkit`` and ``cxkit --help`` against ``import pandas``, each a fresh process.

Usage: ``python benchmarks/startup.py [--repeat 7]``. Prints the median wall time of each command
and its ratio to ``import pandas``; targets: both <= 1.5x. The ``cxkit`` command is the one next to
this interpreter (``python -m cxkit`` is used when it is missing).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET = 1.5


def _time(cmd: list[str], repeat: int) -> float:
    subprocess.run(cmd, check=True, capture_output=True)  # warm the file cache once, not timed
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7, help="runs per command (median reported)")
    args = ap.parse_args()
    cli = shutil.which("cxkit", path=str(Path(sys.executable).parent))
    commands = {
        "import pandas": [sys.executable, "-c", "import pandas"],
        "import cxkit": [sys.executable, "-c", "import cxkit"],
        "cxkit --help": [cli, "--help"] if cli else [sys.executable, "-m", "cxkit", "--help"],
    }
    medians = {name: _time(cmd, args.repeat) for name, cmd in commands.items()}
    base = medians["import pandas"]
    print(f"median of {args.repeat} runs each, Python {sys.version.split()[0]}")
    print(f"{'command':<16}{'seconds':>9}{'x pandas':>10}")
    for name, t in medians.items():
        flag = "" if name == "import pandas" or t / base <= TARGET else f"  (over the {TARGET}x target)"
        print(f"{name:<16}{t:>9.3f}{t / base:>10.2f}{flag}")


if __name__ == "__main__":
    main()
