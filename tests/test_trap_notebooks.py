"""All four notebooks on every trap dataset (``cxkit.data.synth.write_trap``): status ``ok`` or ``not
applicable`` with its reason, never a traceback, in English and Dutch.

32 runs of small data (about 10 s each on one core): each trap runs one notebook (rotating) in Dutch and
the other three in English, so every notebook and every trap is run in both languages without the full
64-run grid. A file of its own so that ``make test`` (``--dist loadfile``) runs it beside the public-spec
runs of ``test_real_exports.py``, not after them.
"""

from __future__ import annotations

import pytest

from .test_real_exports import NOTEBOOKS, _run


def _traps() -> list[str]:
    from cxkit.data import synth

    return list(getattr(synth, "TRAPS", ()))


@pytest.mark.slow
@pytest.mark.parametrize("notebook", NOTEBOOKS)
@pytest.mark.parametrize("trap", _traps())
def test_notebooks_run_on_every_trap_dataset(trap, notebook, tmp_path):
    """Every trap x every notebook, each trap in Dutch for one notebook (rotating) and English for the other
    three: both languages on every trap and every notebook, 32 runs of small data (~10 s each) instead of 64."""
    from cxkit.data import synth

    lang = "nl" if NOTEBOOKS.index(notebook) == _traps().index(trap) % len(NOTEBOOKS) else "en"
    spec = synth.write_trap(trap, tmp_path / "data")
    res = _run(notebook, spec, tmp_path / "out", lang)
    if res.status == "not applicable" and lang == "nl":  # the reason is in the report's language
        assert any(w in res.error for w in ("geen", "niet")), res.error
