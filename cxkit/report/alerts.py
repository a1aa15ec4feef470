"""Alerts a notebook records for ``kpis.json`` and the run index (issue 17).

:func:`record_alerts` shows the active alerts of one or more :class:`~cxkit.research.monitor.Monitor`
results to the reader and carries them, like the KPIs (:mod:`cxkit.report.kpis`), under
:data:`~cxkit.report.kpis.KPI_MIME` as ``{"kpis": [], "alerts": [...]}``; the batch runner reads them back
with :func:`extract_alerts` into ``kpis.json`` (key ``alerts``), and the run index lists them, so a scheduled
batch tells its reader what to look at. Each alert carries its sentence in English and Dutch, so the index
needs no computation.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import nbformat

from .i18n import check_lang
from .i18n import text as _t
from .kpis import _label, _number, carry, extract_records

__all__ = ["record_alerts", "alert_records", "extract_alerts", "alert_lines"]


def alert_records(monitors: Any) -> list[dict[str, Any]]:
    """The active alerts of ``monitors`` (one Monitor or several) as JSON-ready records, sentences in en and nl."""
    if hasattr(monitors, "monitors"):  # a WhyItMoved
        monitors = monitors.monitors
    items = [monitors] if hasattr(monitors, "active") else list(monitors)
    out, seen = [], set()
    for mo in items:
        active = mo.active
        sentences = {lang: mo.alert_sentences(lang) for lang in ("en", "nl")}
        for i, (_, a) in enumerate(active.iterrows()):
            key = (str(mo.metric), str(a["series"]), str(a["period"]))
            if key in seen:  # the overall series of several monitors of one metric
                continue
            seen.add(key)
            name = f"{mo.metric}"
            out.append({"metric": str(mo.metric), "series": str(a["series"]), "period": str(a["period"]),
                        "direction": str(a["direction"]), "unit": str(mo.unit),
                        **{f: _number(name, f, a[f]) for f in ("value", "centre", "limit", "change", "mix", "rate")},
                        "n": int(a["n"]), "largest": _label(a["largest"]),
                        "text": {lang: sentences[lang][i] for lang in sentences}})
    return out


def record_alerts(monitors: Any, lang: str = "en") -> list[dict[str, Any]]:
    """Show the active alerts (or that there are none) and record them for ``kpis.json``.

    Parameters
    ----------
    monitors : Monitor, list of Monitor, or the result of :func:`cxkit.research.why.why_it_moved`
    lang : {"en", "nl"}

    Returns
    -------
    list of dict : the records as written to ``kpis.json`` under ``alerts``.
    """
    check_lang(lang)
    records = alert_records(monitors)
    items = "".join(f"<li>{html.escape(r['text'][lang])}</li>" for r in records)
    body = (f"<ul class='cxkit-alerts'>{items}</ul>" if records
            else f"<p class='cxkit-alerts'>{html.escape(_t('al_none', lang))}</p>")
    plain = "\n".join(r["text"][lang] for r in records) or _t("al_none", lang)
    carry({"alerts": records}, body, plain)
    return records


def extract_alerts(notebook: str | Path | nbformat.NotebookNode) -> list[dict[str, Any]]:
    """The alerts an executed notebook recorded with :func:`record_alerts`, in order."""
    return extract_records(notebook, "alerts")


def alert_lines(alerts: Iterable[Mapping[str, Any]], lang: str) -> list[str]:
    """The sentences of recorded alerts in ``lang`` (English when a record lacks that language)."""
    out = []
    for a in alerts:
        text = a.get("text", {}) if isinstance(a, Mapping) else {}
        if isinstance(text, Mapping):
            out.append(str(text.get(lang) or text.get("en") or ""))
    return [t for t in out if t]
