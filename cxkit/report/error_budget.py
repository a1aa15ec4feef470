"""Carrying a report's significance tests out of its notebook, and the one line that states the budget.

:func:`record_tests` (the batch runner adds it as the last cell of every report it runs) shows one
line in the report's language: how many tests this report made and how the run controls them; and
carries the tests (:data:`cxkit.stats.multiplicity.tests`) as JSON under the KPI MIME type, as
:func:`cxkit.record_kpis` does with figures. :func:`extract_tests` reads them back from the executed
notebook; :func:`run_family` joins every report's tests into the run's family.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import nbformat

from ..stats.multiplicity import METHODS, TestFamily, tests
from .i18n import num, text
from .kpis import carry, extract_records

__all__ = ["record_tests", "extract_tests", "run_family", "budget_line", "CELL_TAG"]

#: Tag of the cell the runner appends to every report.
CELL_TAG = "cxkit-error-budget"


def budget_line(count: int, method: str = "fdr_bh", alpha: float = 0.05, lang: str = "en") -> str:
    """The report's one line about its significance tests (en/nl)."""
    how = text(f"eb_method_{method}", lang)
    pct = num(100 * alpha, ".0f", lang)
    if count == 0:
        return text("eb_none", lang, how=how, pct=pct)
    return text("eb_line", lang, n=count, how=how, pct=pct)


def record_tests(lang: str = "en", method: str = "fdr_bh", alpha: float = 0.05,
                 family: TestFamily | None = None) -> list[dict[str, Any]]:
    """Show the one-line error budget of this report and carry its tests for the run's manifest.

    Returns the records (source, label, p_value) of ``family`` (default: ``cx.tests``).
    """
    from .._checks import check_alpha, check_choice

    check_choice("method", method, METHODS)
    check_alpha(alpha)
    fam = tests if family is None else family
    records = [dict(r) for r in fam.records]
    line = budget_line(len(records), method, alpha, lang)
    carry({"tests": records}, f"<p class='cxkit-error-budget'>{html.escape(line)}</p>", line)
    return records


def extract_tests(notebook: str | Path | nbformat.NotebookNode) -> list[dict[str, Any]]:
    """The tests an executed notebook carried with :func:`record_tests` (empty: none recorded)."""
    return extract_records(notebook, "tests")


def run_family(reports: Iterable[tuple[str, list[dict[str, Any]]]]) -> TestFamily:
    """One family from every report's tests: ``[(report name, records), ...]``, in run order."""
    fam = TestFamily()
    for name, records in reports:
        for r in records:
            fam.register([r.get("p_value")], [str(r.get("label", ""))], str(r.get("source", "")), report=name)
    return fam


def budget_cell(lang_expr: str = 'globals().get("lang", "en")') -> nbformat.NotebookNode:
    """The code cell the runner appends to a report: states the budget and carries the tests."""
    cell = nbformat.v4.new_code_cell(f"import cxkit as _cx\n_cx_tests = _cx.record_tests(lang={lang_expr})")
    cell.metadata["tags"] = ["appendix", CELL_TAG]
    return cell
