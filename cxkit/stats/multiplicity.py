"""One error budget per run: every significance test a report makes, registered in one family.

``cx.compare``, ``cx.pairwise`` and ``cx.changes`` (and banner tables) register the p-values they compute
in the process-wide family :data:`tests` (``cx.tests``) with a label and their source; a report's kernel
is one process, so its family is that report's tests. The batch runner (``cxkit run``) collects every
report's family (:func:`cxkit.report.error_budget.record_tests` carries it out of the notebook with the
KPIs) and controls the false discovery rate (Benjamini-Hochberg) or the family-wise error rate (Holm)
over the whole run, not table by table; ``manifest.json`` records the number of tests, the method and the
expected number of false flags.

The adjustment is :func:`cxkit.stats.intervals.adjust_p` (statsmodels ``multipletests``); a test whose
p-value is missing (a suppressed comparison) counts in the family as p = 1, as in the tables.

Expected false flags: with Benjamini-Hochberg at level ``alpha``, at most ``alpha`` of the flagged
differences are expected to be false on average (FDR; Benjamini & Hochberg 1995), so ``alpha x flags``;
with Holm, the chance of any false flag is at most ``alpha`` (FWER). Without any correction and no true
differences, ``alpha x tests`` would be flagged (``uncorrected_false_flags``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._checks import check_alpha, check_choice
from .._results import Result
from ..errors import ParameterError
from .intervals import adjust_p

__all__ = ["TestFamily", "tests", "register", "adjust", "budget", "METHODS"]

#: Run-wide corrections: false discovery rate (Benjamini-Hochberg) or family-wise error rate (Holm).
METHODS = ("fdr_bh", "holm")


class TestFamily(Result):
    """A family of significance tests: (source, label, p-value) records, adjusted together."""

    __test__ = False  # not a pytest test class, despite the name
    title = "Significance tests"

    def __init__(self, records: Iterable[dict[str, Any]] = ()):
        self.records: list[dict[str, Any]] = []
        self._seen: set[tuple[str, str, float | None]] = set()
        for r in records:
            self.register([r.get("p_value")], [str(r.get("label", ""))], str(r.get("source", "")),
                          report=r.get("report"))

    def __len__(self) -> int:
        return len(self.records)

    def register(self, p_values: Sequence[float] | pd.Series | np.ndarray, labels: Sequence[str] | None = None,
                 source: str = "", *, report: str | None = None) -> int:
        """Add tests to the family; returns how many were new.

        Parameters
        ----------
        p_values : sequence of float
            Unadjusted p-values; NaN/None (a test that could not be run, or was suppressed) counts
            as p = 1 when adjusting.
        labels : sequence of str, optional
            What each test compares (``"nps segment: smb vs consumer"``); default: numbered.
        source : str
            The function or table that made the tests (``"pairwise"``, ``"changes"``, ``"banner"``).
        report : str, optional
            The report (notebook) they belong to; the batch runner sets it.

        The same (source, label, p-value) registered twice counts once: a notebook that draws a
        table and a chart from one comparison has made one test.
        """
        p = pd.Series(list(p_values) if not isinstance(p_values, pd.Series) else p_values, dtype="float64")
        if labels is None:
            labels = [f"{source or 'test'} {len(self.records) + i + 1}" for i in range(len(p))]
        labels = [str(lab) for lab in labels]
        if len(labels) != len(p):
            raise ParameterError(f"`labels` must have one label per p-value; got {len(labels)} labels for "
                                 f"{len(p)} p-values.")
        bad = p[(p < 0) | (p > 1)]
        if len(bad):
            raise ParameterError(f"p-values must lie between 0 and 1; got {bad.tolist()[:5]} ({source or 'register'}).")
        new = 0
        for lab, val in zip(labels, p.tolist(), strict=True):
            v = None if val is None or math.isnan(val) else float(val)
            key = (str(source), lab, v, *((report,) if report else ()))
            if key in self._seen:
                continue
            self._seen.add(key)  # type: ignore[arg-type]
            rec = {"source": str(source), "label": lab, "p_value": v}
            if report:
                rec["report"] = str(report)
            self.records.append(rec)
            new += 1
        return new

    def clear(self) -> None:
        """Forget every registered test (a new report in the same process)."""
        self.records.clear()
        self._seen.clear()

    def adjust(self, method: str = "fdr_bh", alpha: float = 0.05) -> pd.DataFrame:
        """The family's tests with ``p_adj`` (adjusted over all of them) and ``significant``."""
        check_choice("method", method, METHODS)
        alpha = check_alpha(alpha)
        cols = ["report", "source", "label", "p_value"]
        t = pd.DataFrame(self.records, columns=cols)
        t["p_adj"] = adjust_p(t["p_value"], method, count_missing=True) if len(t) else np.array([])
        t["significant"] = t["p_adj"] < alpha
        return t

    def budget(self, method: str = "fdr_bh", alpha: float = 0.05) -> dict[str, Any]:
        """Number of tests, method, alpha, flags and the expected number of false flags (see module doc)."""
        t = self.adjust(method, alpha)
        flags = int(t["significant"].sum())
        expected = alpha * flags if method == "fdr_bh" else alpha
        return {"tests": len(t), "method": method, "alpha": alpha, "flags": flags,
                "expected_false_flags": round(float(expected), 6),
                "uncorrected_false_flags": round(float(alpha * len(t)), 6)}

    def summary(self) -> pd.DataFrame:
        return self.adjust()

    def headline(self) -> str:
        b = self.budget()
        return (f"{b['tests']} tests, {b['flags']} significant after Benjamini-Hochberg at 5 %; "
                f"expected false flags {b['expected_false_flags']:.2f}")


#: The process-wide family (``cx.tests``): what this report (kernel) has tested so far.
tests = TestFamily()


def register(p_values: Sequence[float] | pd.Series | np.ndarray, labels: Sequence[str] | None = None,
             source: str = "") -> int:
    """Register tests in the run's family :data:`tests` (see :meth:`TestFamily.register`)."""
    return tests.register(p_values, labels, source)


def adjust(method: str = "fdr_bh", alpha: float = 0.05) -> pd.DataFrame:
    """The run's family adjusted together (see :meth:`TestFamily.adjust`)."""
    return tests.adjust(method, alpha)


def budget(method: str = "fdr_bh", alpha: float = 0.05) -> dict[str, Any]:
    """The run's error budget (see :meth:`TestFamily.budget`)."""
    return tests.budget(method, alpha)
