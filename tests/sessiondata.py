"""Expensive test data computed once per test session, also under pytest-xdist.

Module-scoped fixtures run once per xdist worker; ``once`` shares the result
between workers through a file lock in the session's temporary folder (the
pattern pytest-xdist documents), so a notebook batch runs once, not twice.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from filelock import FileLock


def once(tmp_path_factory, name: str, make: Callable[[Path], dict]) -> tuple[Path, dict]:
    """Run ``make(folder)`` once per session; returns ``(folder, its JSON-able result)``."""
    root = tmp_path_factory.getbasetemp()
    root = root.parent if os.environ.get("PYTEST_XDIST_WORKER") else root
    folder = root / name
    with FileLock(str(root / f"{name}.lock")):
        done = folder / "result.json"
        if not done.exists():
            folder.mkdir(exist_ok=True)
            result = make(folder)
            done.write_text(json.dumps(result))
        return folder, json.loads(done.read_text())
