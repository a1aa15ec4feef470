"""Progress bars for long loops (bootstraps, per-metric studies): tqdm, shown only where someone watches.

A bar shows on a terminal and in an interactive notebook, and only once the loop has taken
more than a couple of seconds (tqdm's ``delay``). It stays quiet when ``CXKIT_PROGRESS=0``:
:func:`cxkit.run.notebook.execute_notebook` sets it for its kernels (papermill runs render to
HTML, where a bar is noise) and ``cxkit run --quiet`` sets it for the whole run.
``CXKIT_PROGRESS=1`` forces bars on.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

__all__ = ["PROGRESS_ENV", "progress"]

PROGRESS_ENV = "CXKIT_PROGRESS"
T = TypeVar("T")


def _disable() -> bool | None:
    """True: no bar; False: a bar; None: tqdm decides (a bar when stderr is a terminal)."""
    setting = os.environ.get(PROGRESS_ENV, "").strip().lower()
    if setting in ("0", "false", "no", "off"):
        return True
    if setting in ("1", "true", "yes", "on"):
        return False
    # a notebook kernel's stderr is no terminal, yet the analyst is watching it
    return False if "ipykernel" in sys.modules else None


def progress(iterable: Iterable[T], *, total: int | None = None, desc: str | None = None,
             unit: str = "it") -> Iterable[T] | Iterator[T]:
    """``iterable`` wrapped in a tqdm bar where one is wanted (see the module docstring), else as given."""
    disable = _disable()
    if disable:
        return iterable
    from tqdm import tqdm  # lazily: only loops that may show a bar pay for it

    # text bar (tqdm.std): ipywidgets is not a dependency; leave=False keeps finished bars out of the output
    return tqdm(iterable, total=total, desc=desc, unit=unit, disable=disable, delay=2, leave=False)
