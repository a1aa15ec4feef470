"""Shared fixtures. Paths are relative to the repository, never absolute."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
SAMPLE_SPEC = ROOT / "data" / "sample" / "spec.yaml"


def shared_path(*parts: str) -> Path:
    """A path under ../shared/data, skipping the test with a clear reason when absent."""
    p = SHARED_DATA.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"public test data not available: {p} is absent (clone ../shared beside the repo)")
    return p


@pytest.fixture(scope="session")
def sample():
    import cxkit as cx

    return cx.load_dataset(SAMPLE_SPEC)
