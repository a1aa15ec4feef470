"""Headline figures a notebook records for ``kpis.json``.

Inside a notebook, :func:`record_kpi` (one figure) and :func:`record_kpis`
(rows of a table such as :func:`cxkit.headline`) *display* the figures: a
short HTML table a reader sees, plus the same figures as JSON under the MIME
type :data:`KPI_MIME`. Nothing is written to disk from the kernel, so the
helpers behave the same in JupyterLab, under nbval and under papermill; the
report runner (:mod:`cxkit.runner`) reads them back from the executed
notebook with :func:`extract_kpis` and writes ``kpis.json`` with
:func:`kpis_json`, deterministically: sorted keys, floats rounded to 6
decimals, no timestamps, so the same inputs and parameters give the same bytes.

Suppressed figures (fewer than ``min_n`` answers) keep their name, labels and
``n`` but have ``value``, ``ci_low`` and ``ci_high`` set to ``null`` and
``"suppressed": true``.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import nbformat
import numpy as np
import pandas as pd

from ..errors import ParameterError

__all__ = ["KPI_MIME", "NOT_APPLICABLE", "record_kpi", "record_kpis", "extract_kpis", "kpis_json",
           "not_applicable", "extract_not_applicable"]

KPI_MIME = "application/vnd.cxkit.kpi+json"
#: Run status when the notebook's question needs something the data lacks (distinct from ``ok`` and ``failed``).
NOT_APPLICABLE = "not applicable"
_DECIMALS = 6


def _number(name: str, field: str, value: Any) -> float | None:
    """A finite float, or None for missing/NaN; anything else is an error naming the KPI."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.integer | np.floating):
        raise ParameterError(f"KPI {name!r}: `{field}` must be a number or None; got {value!r}.")
    value = float(value)
    if math.isnan(value):
        return None
    if math.isinf(value):
        raise ParameterError(f"KPI {name!r}: `{field}` is infinite; expected a finite number or None.")
    # Rounding fixes the text written to kpis.json: the last bits of a float can
    # differ between BLAS builds, six decimals cannot for CX figures.
    return round(value, _DECIMALS) + 0.0  # + 0.0 turns -0.0 into 0.0


def _label(value: Any) -> str | int | float | bool | None:
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return None if math.isnan(float(value)) else float(value)
    if isinstance(value, pd.Timestamp | dt.date):
        return value.isoformat()
    return str(value)  # periods, categories...


def _kpi(name: str, value: Any, *, n: Any, ci_low: Any = None, ci_high: Any = None, unit: str = "",
         level: float | None = None, suppressed: bool = False, note: str = "",
         labels: Mapping[str, Any] | None = None) -> dict[str, Any]:
    if not isinstance(name, str) or not name.strip():
        raise ParameterError(f"KPI `name` must be a non-empty string; got {name!r}.")
    if n is None or isinstance(n, bool) or not isinstance(n, int | float | np.integer | np.floating) \
            or (isinstance(n, float | np.floating) and (math.isnan(n) or n != int(n))) or n < 0:
        raise ParameterError(f"KPI {name!r}: `n` must be a non-negative whole number of answers; got {n!r}.")
    suppressed = bool(suppressed)
    values = {f: (None if suppressed else _number(name, f, v))
              for f, v in (("value", value), ("ci_low", ci_low), ("ci_high", ci_high))}
    return {"name": name, **values, "n": int(n), "unit": str(unit or ""),
            "level": _number(name, "level", level), "suppressed": suppressed, "note": str(note or ""),
            "labels": {str(k): _label(v) for k, v in sorted((labels or {}).items())}}


def _display(kpis: list[dict[str, Any]], lang: str = "en") -> None:
    """Show the figures to a reader (names in words, see :mod:`cxkit.report.summary`) and carry the
    exact JSON for the runner."""
    from .i18n import text
    from .summary import kpi_interval, kpi_label, kpi_value

    rows = [f"<tr><td>{html.escape(kpi_label(k, lang))}</td><td>{html.escape(kpi_value(k, lang))}</td>"
            f"<td>{html.escape(kpi_interval(k, lang))}</td></tr>" for k in kpis]
    table = (f"<table class='cxkit-kpis'><caption>{html.escape(text('kpis_recorded', lang))}</caption>"
             f"<thead><tr><th>{html.escape(text('kpi_figure', lang))}</th><th>{html.escape(text('value', lang))}"
             f"</th><th>{html.escape(text('kpi_interval_n', lang))}</th></tr></thead>"
             f"<tbody>{''.join(rows)}</tbody></table>")
    plain = "\n".join(f"{kpi_label(k, lang)}: {kpi_value(k, lang)} ({kpi_interval(k, lang)})" for k in kpis)
    carry({"kpis": kpis}, table, plain)


def carry(payload: Mapping[str, Any], html_text: str, plain: str) -> None:
    """Show ``html_text`` to a reader and carry ``payload`` (KPIs, tests, alerts) under :data:`KPI_MIME`
    for the runner, which reads it back with :func:`extract_records`. Outside IPython: nothing."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # plain Python without IPython: nothing to show, the records are returned
        return
    if get_ipython() is None:
        return
    display({KPI_MIME: {"kpis": [], **payload}, "text/html": html_text, "text/plain": plain}, raw=True)


def record_kpi(name: str, value: float | None, *, n: int, ci_low: float | None = None,
               ci_high: float | None = None, unit: str = "", level: float | None = None,
               suppressed: bool = False, note: str = "", lang: str = "en", **labels: Any) -> dict[str, Any]:
    """Record one headline figure for the run's ``kpis.json`` (and show it).

    Parameters
    ----------
    name : str
        Figure name, e.g. ``"nps"``.
    value, ci_low, ci_high : float or None
        The figure and its interval; NaN/None is written as ``null``.
    n : int
        Answers (or customers) behind the figure.
    unit, level, note : optional
        Unit (``"points"``), confidence level, a short note.
    suppressed : bool
        The group is below ``min_n``: value and interval are written as ``null``.
    lang : {"en", "nl"}
        Language of the table shown in the notebook (``kpis.json`` is the same in both).
    **labels
        What the figure is about (``segment="smb"``, ``period="2026-10"``).

    Returns
    -------
    dict : the record as written to ``kpis.json``.
    """
    kpi = _kpi(name, value, n=n, ci_low=ci_low, ci_high=ci_high, unit=unit, level=level,
               suppressed=suppressed, note=note, labels=labels)
    _display([kpi], lang)
    return kpi


def record_kpis(table: pd.DataFrame, *, name: str | None = None, name_col: str = "metric",
                value: str = "value", n: str = "n", ci_low: str = "ci_low", ci_high: str = "ci_high",
                unit: str | None = None, level: float | None = None,
                labels: str | Sequence[str] = (), lang: str = "en") -> list[dict[str, Any]]:
    """Record every row of a metric table, e.g. ``cx.record_kpis(cx.headline(ds, answers))``.

    Parameters
    ----------
    table : DataFrame
        One row per figure.
    name : str, optional
        One name for every row; default: the ``name_col`` column (``metric`` in
        :func:`cxkit.headline` tables).
    value, n, ci_low, ci_high : str
        Column names. ``n`` may name e.g. ``at_start`` for churn tables.
    unit : str, optional
        Unit for every row; default: the ``unit`` column if there is one.
    labels : str or list of str
        Columns that say what each row is about (``segment``, ``period``).
    lang : {"en", "nl"}
        Language of the table shown in the notebook.

    A ``suppressed`` column is used when present; otherwise a row whose value
    is missing is flagged suppressed (its ``note`` says why).
    """
    labels = [labels] if isinstance(labels, str) else list(labels)
    wanted = [value, n, *labels] + ([] if name else [name_col])
    missing = [c for c in wanted if c not in table.columns]
    if missing:
        raise ParameterError(f"`record_kpis`: columns {missing} are not in the table; "
                             f"available: {list(table.columns)}.")
    kpis = []
    for _, row in table.iterrows():
        v = row[value]
        sup = bool(row["suppressed"]) if "suppressed" in table.columns else bool(pd.isna(v))
        kpis.append(_kpi(name or str(row[name_col]), v, n=row[n], ci_low=row.get(ci_low), ci_high=row.get(ci_high),
                         unit=unit if unit is not None else str(row.get("unit", "") or ""), level=level,
                         suppressed=sup, note=str(row.get("note", "") or ""),
                         labels={c: row[c] for c in labels}))
    if kpis:
        _display(kpis, lang)
    return kpis


def extract_records(notebook: str | Path | nbformat.NotebookNode, key: str) -> list[dict[str, Any]]:
    """The records an executed notebook carried under ``key`` (``kpis``, ``tests``, ``alerts``) with
    :func:`carry`, in the order they were recorded."""
    nb = notebook if isinstance(notebook, nbformat.NotebookNode) else nbformat.read(str(notebook), as_version=4)
    out: list[dict[str, Any]] = []
    for cell in nb.cells:
        for o in cell.get("outputs", []) if cell.cell_type == "code" else []:
            data = o.get("data", {}) if o.get("output_type") in ("display_data", "execute_result") else {}
            payload = data.get(KPI_MIME)
            if isinstance(payload, str):  # some writers keep JSON MIME data as text
                payload = json.loads(payload)
            if isinstance(payload, Mapping):
                out.extend(dict(r) for r in payload.get(key, []) if isinstance(r, Mapping))
    return out


def extract_kpis(notebook: str | Path | nbformat.NotebookNode) -> list[dict[str, Any]]:
    """The figures recorded in an executed notebook, in the order they were recorded."""
    return extract_records(notebook, "kpis")


def not_applicable(reason: str) -> str:
    """Say in one plain paragraph that the notebook's question needs something the data lacks.

    The paragraph is shown to the reader and carried (under :data:`KPI_MIME`) for the
    report runner, which then ends the run with status ``"not applicable"`` and the
    reason in the index, the manifest and ``kpis.json`` instead of ``ok``. The notebook
    goes on and reports what it can.

    Returns
    -------
    str : the reason, as recorded.
    """
    if not isinstance(reason, str) or not reason.strip():
        raise ParameterError(f"`not_applicable`: `reason` must be a non-empty sentence; got {reason!r}.")
    reason = " ".join(reason.split())
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # plain Python: nothing to show
        return reason
    if get_ipython() is not None:
        display({KPI_MIME: {"kpis": [], "not_applicable": reason},
                 "text/html": f"<p class='cxkit-not-applicable'><strong>{html.escape(reason)}</strong></p>",
                 "text/plain": reason}, raw=True)
    return reason


def extract_not_applicable(notebook: str | Path | nbformat.NotebookNode) -> list[str]:
    """The reasons an executed notebook gave with :func:`not_applicable`, in order (empty: none)."""
    nb = notebook if isinstance(notebook, nbformat.NotebookNode) else nbformat.read(str(notebook), as_version=4)
    out: list[str] = []
    for cell in nb.cells:
        for o in cell.get("outputs", []) if cell.cell_type == "code" else []:
            data = o.get("data", {}) if o.get("output_type") in ("display_data", "execute_result") else {}
            payload = data.get(KPI_MIME)
            if isinstance(payload, str):
                payload = json.loads(payload)
            if isinstance(payload, Mapping) and payload.get("not_applicable"):
                out.append(str(payload["not_applicable"]))
    return out


def kpis_json(kpis: Iterable[Mapping[str, Any]], **context: Any) -> str:
    """``kpis.json`` text: ``{"kpis": [...], **context}`` with sorted keys and no timestamps.

    ``context`` (report name, parameters, status) must itself be deterministic.
    """
    doc = {"kpis": list(kpis), **context}
    return json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False, default=_label) + "\n"
