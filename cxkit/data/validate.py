"""Data-quality report of a dataset spec: what was read, what is missing or wrong, per table.

``cxkit validate SPEC`` prints it and exits non-zero on errors; notebooks call
:func:`validate_dataset` first, show the report and take the dataset from it::

    report = cx.validate_dataset(spec)
    report            # summary table and every error/warning/note
    ds = report.require()   # the Dataset, or one CxkitError listing every error
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd

from .._results import Result
from ..errors import CxkitError, DataError, SpecError
from .dataset import Dataset, read_dataset
from .quality import Issue, IssueLevels, QualityLog, scrub

__all__ = ["ValidationReport", "validate_dataset"]


def _fmt_missing(stats: Mapping[str, Any]) -> str:
    parts = {f"score[{m}]": n for m, n in (stats.get("missing_scores") or {}).items() if n}
    parts.update(stats.get("missing") or {})
    return ", ".join(f"{k} {v:,}" for k, v in parts.items()) or "none"


def _spec_folder(spec: str) -> str:
    """The spec's folder with a trailing separator, or "" when the spec is not a file path."""
    path = Path(spec)
    if spec == "spec" or not path.is_absolute():
        return ""
    return str(path.parent) + os.sep


@dataclass(frozen=True, repr=False)
class ValidationReport(IssueLevels, Result):
    """The outcome of validating one dataset spec.

    Attributes
    ----------
    spec : str
        The spec validated.
    dataset : Dataset or None
        What could be loaded (rows with problems dropped); ``None`` if the
        responses could not be read. Use :meth:`require` to get it only when clean.
    issues : tuple of Issue
        Every error, warning and note, in the order found.
    stats : mapping
        Per-table counts (``rows_read``, ``rows_kept``, ``columns``, ``missing``...).
    """

    spec: str
    dataset: Dataset | None
    issues: tuple[Issue, ...] = ()
    stats: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    #: Personal values seen in the raw tables, even those that failed to load (what :meth:`redacted` masks).
    secrets: frozenset[str] = field(default_factory=frozenset, compare=False)

    # repr is the headline only, on purpose: the default would print the dataset's rows (ids included).
    title: ClassVar[str] = "Data-quality report"

    @property
    def notes(self) -> tuple[str, ...]:  # type: ignore[override]
        """Every issue as one line (``level [table] message``); see :meth:`redacted` before sharing."""
        return tuple(f"{i.level} [{i.table}] {i.message}" for i in self.issues)

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings and notes allowed)."""
        return not any(i.level == "error" for i in self.issues)

    def redacted(self, allow_personal_data: bool = False) -> ValidationReport:
        """The report as a shared document may show it.

        Messages quote offending values so analysts can fix their files; a shared
        report must not show identifiers, names or free text (see :mod:`cxkit.privacy`):
        quoted customer ids and personal values become ``'…'``. File paths are shown
        relative to the spec's folder (the spec by its file name): absolute paths
        reveal the machine's folder layout, often with a user name, and change from
        one machine to the next.
        """
        if allow_personal_data:
            return self
        base = _spec_folder(self.spec)

        def shorten(text: str) -> str:
            return text.replace(base, "") if base else text

        secret = set(self.secrets) | (_personal_values(self.dataset) if self.dataset is not None else set())
        issues = tuple(replace(i, message=shorten(scrub(i.message, secret))) for i in self.issues)
        stats = {t: {**st, "source": shorten(str(st["source"]))} if "source" in st else st
                 for t, st in self.stats.items()}
        return replace(self, spec=shorten(self.spec), issues=issues, stats=stats)

    def summary(self) -> pd.DataFrame:
        """One row per table.

        Returns
        -------
        DataFrame with columns
            table, source : canonical table and the file (or query) it came from
            rows, kept : rows read from the main file; rows in the canonical table
                (responses: answers, one per metric and respondent)
            columns : canonical <- source column mapping
            missing : empty values per canonical column (answers: per metric)
            out_of_range, unknown_labels, duplicates : counts of problem values
            exact_copies : rows repeating an earlier row in every column (dropped only when declared)
            not_applicable : answers coded as a scale's ``not_applicable`` (counted, never scored)
            first, last : date range (answers; customers' start/end dates)
            errors, warnings : number of each
        """
        rows = []
        for table in ("responses", "customers"):
            st = self.stats.get(table)
            issues = [i for i in self.issues if i.table == table]
            if st is None and not issues:
                continue
            st = st or {}
            dr = st.get("date_range")
            rows.append({
                "table": table, "source": st.get("source", ""),
                "rows": st.get("rows_read"), "kept": st.get("rows_kept"),
                "columns": ", ".join(f"{k} <- {v}" for k, v in (st.get("columns") or {}).items()),
                "missing": _fmt_missing(st),
                "out_of_range": st.get("out_of_range", 0), "unknown_labels": st.get("unknown_labels", 0),
                "duplicates": st.get("duplicates", 0),
                "exact_copies": st.get("exact_duplicates", 0),
                "not_applicable": sum((st.get("not_applicable") or {}).values()),
                "first": dr[0].date() if dr else None, "last": dr[1].date() if dr else None,
                "errors": sum(i.level == "error" for i in issues),
                "warnings": sum(i.level == "warning" for i in issues),
            })
        return pd.DataFrame(rows)

    def issue_table(self) -> pd.DataFrame:
        """Every issue: ``level, table, check, column, count, message``."""
        return pd.DataFrame([{"level": i.level, "table": i.table, "check": i.check, "column": i.column,
                              "count": i.count, "message": i.message} for i in self.issues],
                            columns=["level", "table", "check", "column", "count", "message"])

    def headline(self) -> str:
        """One line: OK or how many errors, warnings."""
        n_err, n_warn = len(self.errors), len(self.warnings)
        state = "OK" if self.ok else f"{n_err} error(s)"
        return f"{self.spec}: {state}, {n_warn} warning(s)"

    def text(self) -> str:
        """The report as plain text (what ``cxkit validate`` prints)."""
        lines = [f"Data-quality report: {self.spec}"]
        for _, r in self.summary().iterrows():
            lines += [f"\n[{r['table']}] {r['source']}",
                      f"  rows read {r['rows'] if r['rows'] is not None else '-'}, "
                      f"{'answers' if r['table'] == 'responses' else 'rows'} kept "
                      f"{r['kept'] if r['kept'] is not None else '-'}",
                      f"  columns mapped: {r['columns'] or '-'}",
                      f"  missing: {r['missing']}",
                      f"  out of range: {r['out_of_range']}, unknown labels: {r['unknown_labels']}, "
                      f"duplicates: {r['duplicates']}, exact copies of a row: {r['exact_copies']}"
                      + (f", not applicable: {r['not_applicable']}" if r["not_applicable"] else ""),
                      f"  date range: {r['first']} .. {r['last']}" if r["first"] else "  date range: no dates"]
        if self.dataset is not None and len(self.dataset.responses):
            lines.append("\n[metrics]")
            for _, m in self.dataset.summary().iterrows():
                lines.append(f"  {m['metric']}: {m['answers']:,} answers from {m['customers']:,} customers, "
                             f"{m['scale']}")
        sep = self.dataset.separation if self.dataset is not None else None
        if sep is not None and len(sep):
            leaks = sep[sep["leakage"]]
            lines.append("\n[churn] how well each column alone tells churners from stayers (AUC, 0.50 = coin flip)")
            if len(leaks):
                lines.append("  probable leakage, kept out of churn models: " + ", ".join(
                    f"{r['column']} (AUC {r['auc_best']:.2f})" for _, r in leaks.iterrows()))
            rest = sep[~sep["leakage"]].sort_values("auc_best", ascending=False).head(5)
            if len(rest):
                lines.append(f"  strongest {'other ' if len(leaks) else ''}columns: " + ", ".join(
                    f"{r['column']} ({r['auc_best']:.2f})" for _, r in rest.iterrows()))
        for level in ("error", "warning", "note"):
            found = [i for i in self.issues if i.level == level]
            if found:
                lines.append(f"\n{level.upper()}S ({len(found)})")
                lines += [f"  - [{i.table}] {i.message}" for i in found]
        lines.append("\n" + self.headline())
        return "\n".join(lines)

    def require(self, allow_personal_data: bool = False) -> Dataset:
        """The dataset if there are no errors; otherwise one CxkitError listing all of them.

        The error is the :meth:`redacted` report's (ids and personal values masked, paths relative
        to the spec), since it ends up in the report, its manifest and the run log; with
        ``allow_personal_data`` it quotes the values. :meth:`text` shows them for fixing the file.
        """
        shown = self.redacted(allow_personal_data)
        QualityLog(list(shown.issues)).raise_errors(shown.spec, redact=False)
        if self.dataset is None:  # pragma: no cover - an error was logged whenever this happens
            raise DataError(f"{self.spec}: no dataset could be loaded.")
        return self.dataset


def validate_dataset(spec: str | Path | Mapping[str, Any]) -> ValidationReport:
    """Load a spec collecting every problem, and report on data quality.

    Parameters
    ----------
    spec : path or mapping
        Dataset spec (YAML file or its parsed mapping).

    Returns
    -------
    ValidationReport
        ``.ok``, ``.summary()`` (per table), ``.issue_table()``, ``.text()``,
        ``.require()`` (the Dataset, raising if there were errors).
    """
    name = "spec" if isinstance(spec, Mapping) else str(spec)
    try:
        ds, log = read_dataset(spec)
    except CxkitError as exc:  # a malformed spec: nothing could be read
        log = QualityLog()
        log.add("error", "spec", "spec", str(exc), error_class=type(exc) if isinstance(exc, SpecError) else DataError)
        return ValidationReport(name, None, tuple(log.issues), {})
    return ValidationReport(name, ds, tuple(log.issues), {k: dict(v) for k, v in log.stats.items()},
                            frozenset(log.secrets))


def _personal_values(ds: Dataset) -> set[str]:
    """Every customer id and every value of a declared personal or free-text column, as text."""
    out: set[str] = set()
    for table in (ds.responses, ds.customers):
        if table is None:
            continue
        for col in ["customer_id", *ds.pii, *ds.free_text]:
            if col in table:
                out.update(table[col].dropna().astype(str))
    return out
