"""Shared fixtures. Paths are relative to the repository, never absolute."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import pytest
from hypothesis import settings

matplotlib.use("Agg")

# CI runs the property tests on fixed examples, so a run is repeatable; locally they explore
# new random examples each time (and keep failures in .hypothesis/).
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
SAMPLE_SPEC = ROOT / "cxkit" / "data" / "sample" / "spec.yaml"


def sample_spec_absolute() -> dict:
    """The sample spec as a dict with every file (tables and joins) as an absolute path, to copy elsewhere."""
    import yaml

    spec = yaml.safe_load(SAMPLE_SPEC.read_text())
    for t in spec["tables"].values():
        t["file"] = str(SAMPLE_SPEC.parent / t["file"])
        for j in t.get("join", []):
            j["file"] = str(SAMPLE_SPEC.parent / j["file"])
    return spec


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
