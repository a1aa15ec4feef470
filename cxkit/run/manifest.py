"""What a report run read and produced: input hashes, versions, and the per-date ``index.html``.

Used by :mod:`cxkit.runner`; kept apart so the runner reads as the order of
events and this module as the record of them.
"""

from __future__ import annotations

import html
import json
import platform
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

from .._inputs import read_yaml, sha256_file
from ..errors import CxkitError

__all__ = ["sha256_file", "input_files", "merge_reads", "package_versions", "write_index", "write_root_index",
           "MANIFEST", "KPIS"]

MANIFEST = "manifest.json"
KPIS = "kpis.json"
_PACKAGES = ("pandas", "numpy", "scipy", "statsmodels", "matplotlib", "seaborn", "pyarrow", "duckdb",
             "narwhals", "papermill", "nbconvert", "nbformat", "nbclient", "ipykernel", "pyyaml",
             "snowballstemmer", "vaderSentiment", "scikit-learn")  # the last three: comment coding (issue 17)


def _entry(path: Path, parameter: str, table: str | None) -> dict:
    return {"path": str(path), "parameter": parameter, "table": table, "bytes": path.stat().st_size,
            "sha256": sha256_file(path), "rows": None}


def input_files(parameters: Mapping[str, Any], base: str | Path) -> list[dict[str, Any]]:
    """Every input file a run's parameters name, with size and SHA-256 (``rows`` None: see :func:`merge_reads`).

    A string parameter naming an existing file (absolute, or relative to
    ``base``, the notebook's folder where the kernel runs) is an input. A YAML
    dataset spec adds the files of its ``tables``. Nothing is parsed here: row
    counts come from the load itself (a 5M-row file read twice cost 12 s and GBs).
    """
    base = Path(base)
    out: list[dict[str, Any]] = []
    seen: set[Path] = set()

    def add(path: Path, parameter: str, table: str | None) -> None:
        path = path.resolve()
        if path not in seen and path.is_file():
            seen.add(path)
            out.append(_entry(path, parameter, table))

    for name, value in parameters.items():
        if not isinstance(value, str) or not value.strip() or "\n" in value:
            continue
        p = Path(value) if Path(value).is_absolute() else base / value
        try:
            if not p.is_file():
                continue
        except OSError:  # a long free-text value is not a path
            continue
        add(p, name, None)
        if p.suffix.lower() in (".yaml", ".yml"):
            try:
                spec = read_yaml(p, "dataset spec")
            except CxkitError:  # the notebook reports a bad spec itself
                continue
            tables = spec.get("tables") if isinstance(spec, dict) else None
            for tname, t in (tables or {}).items() if isinstance(tables, dict) else ():
                if isinstance(t, dict) and isinstance(t.get("file"), str):
                    add(p.parent / t["file"], name, str(tname))
    return out


def merge_reads(inputs: list[dict[str, Any]], reads_log: str | Path) -> list[dict[str, Any]]:
    """Add what the run's loads recorded (:func:`cxkit._inputs.record_read`) to ``inputs``.

    A file both named by the parameters and read gets the load's row count
    and the hash taken when it was read; join, query and database files the
    parameters do not name are added. Without a log (no load ran) ``inputs``
    is returned as is.
    """
    by_path = {e.get("path"): e for e in inputs}
    try:
        lines = Path(reads_log).read_text(encoding="utf-8").splitlines()
    except OSError:
        return inputs
    for line in lines:
        try:
            r = json.loads(line)
        except ValueError:
            continue
        e = by_path.get(r.get("path"))
        if e is None:
            e = by_path[r.get("path")] = {"path": r.get("path"), "parameter": None, "table": r.get("table")}
            inputs.append(e)
        e.update({k: r[k] for k in ("bytes", "sha256", "note") if k in r})
        e["read_as"] = r.get("how", "file")
        if r.get("rows") is not None:
            e["rows"] = r["rows"]
        if e.get("table") is None:
            e["table"] = r.get("table")
    return inputs


def package_versions() -> dict[str, str]:
    """Python, cxkit and the versions of the packages that shape a report's numbers and rendering."""
    from .._version import __version__

    out = {"python": platform.python_version(), "cxkit": __version__}
    for pkg in _PACKAGES:
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _w(key: str, lang: str, **fields: Any) -> str:
    from ..report.i18n import INDEX_WORDS  # the index's words live with every other reader-visible text

    return INDEX_WORDS[key][0 if lang == "en" else 1].format(**fields)


def _title(report: str, name: str, lang: str) -> str:
    from ..report.i18n import REPORT_TITLES

    i = 0 if lang == "en" else 1
    if report in REPORT_TITLES:
        words = REPORT_TITLES[report][i]
        extra = name[len(report):].strip("_-")
        return f"{words} ({extra.replace('_', ' ')})" if extra else words
    return name.replace("_", " ")


def _dataset_name(man: Mapping[str, Any]) -> str:
    """The ``name`` of the dataset spec the run read (from its recorded inputs)."""
    for e in man.get("inputs", []):
        path = Path(str(e.get("path", "")))
        if e.get("table") is None and path.suffix.lower() in (".yaml", ".yml") and path.is_file():
            try:
                spec = read_yaml(path, "dataset spec")
            except CxkitError:  # moved, edited or refused since the run: no name, never a crash
                continue
            if isinstance(spec, dict) and spec.get("name"):
                return str(spec["name"])
    return ""


def _sane_manifest(man: Any, folder: Path) -> dict:
    """A manifest as the index needs it; a hand-edited or foreign one is listed as such, never a crash."""
    import logging

    bad = "manifest.json was edited or is not a cxkit manifest; the run's status is unknown"
    if not isinstance(man, dict):
        logging.getLogger("cxkit.run").warning("%s: %s", folder / MANIFEST, bad)
        return {"status": "unknown", "error": bad}
    out = dict(man)
    try:
        out["duration_s"] = float(man.get("duration_s", 0) or 0)
    except (TypeError, ValueError):
        out["duration_s"] = 0.0
    for key in ("outputs", "overrides"):
        if not isinstance(out.get(key, {}), dict):
            out[key] = {}
    if not isinstance(out.get("status", ""), str) or not isinstance(out.get("cxkit_manifest"), int):
        out["status"], out["error"] = "unknown", bad
        logging.getLogger("cxkit.run").warning("%s: %s", folder / MANIFEST, bad)
    return out


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem;color:#222;max-width:80rem}
h1{font-size:1.5rem} table{border-collapse:collapse;width:100%} caption{text-align:left;color:#555}
th,td{border-bottom:1px solid #ddd;padding:.45rem .6rem;text-align:left;vertical-align:top;font-size:.92rem}
th{background:#f4f4f4} .ok{color:#11632c;font-weight:600} .failed{color:#a40e0e;font-weight:700} .na{color:#8a5a00;font-weight:600}
.err{color:#a40e0e;font-family:monospace;font-size:.85rem;white-space:pre-wrap} ul{margin:0;padding-left:1rem}
.sub{font-size:.82rem;color:#555} .files a{margin-right:.6rem} .up{color:#1a7f37;font-weight:600}
.down{color:#b42318;font-weight:600} .same,.first{color:#555}
"""


_STATUS_CLASS = {"ok": "ok", "not applicable": "na"}


def _page(title: str, body: str, lang: str) -> str:
    e = html.escape
    return (f"<!DOCTYPE html><html lang='{e(lang)}'><head><meta charset='utf-8'><title>{e(title)}</title>"
            f"<style>{_CSS}</style></head><body><h1>{e(title)}</h1>{body}</body></html>\n")


def _index_lang(mans: list[dict]) -> str:
    langs = {str(p.get("lang") or "en") if isinstance(p := m.get("parameters"), dict) else "en" for m in mans}
    return "nl" if langs == {"nl"} else "en"


def write_index(folder: str | Path, *, max_kpis: int = 8, lang: str | None = None) -> Path:
    """Write ``folder/index.html`` (one run date) and the cross-date ``folder/../index.html``.

    Every run under ``folder`` (subfolders holding a ``manifest.json``): report title
    in words, dataset name, status, headline figures named in words with the
    precision of their unit (AUC and R² two decimals), interval and n, and the
    change against the previous run date of the same report. The page is rebuilt
    from those files, so it also lists runs of earlier batches on that date.
    ``lang`` default: Dutch when every run is Dutch, else English.
    """
    from .._files import atomic_write
    from ..report.alerts import alert_lines
    from ..report.summary import kpi_change, kpi_interval, kpi_label, kpi_value, match_previous
    from .notebook import previous_run

    folder = Path(folder)
    runs = [(d, _read_json(d / MANIFEST)) for d in sorted(p for p in folder.iterdir()
                                                             if p.is_dir() and not p.name.startswith("."))]
    runs = [(d, _sane_manifest(m, d)) for d, m in runs if m]
    lang = lang or _index_lang([m for _, m in runs])
    e = html.escape
    rows, n_ok, n_na, n_failed = [], 0, 0, 0
    for d, man in runs:
        status = str(man.get("status", "unknown"))
        n_ok += status == "ok"
        n_na += status == "not applicable"  # ran, but the data lacks what the question needs
        n_failed += status not in ("ok", "not applicable")
        outs = man.get("outputs", {})
        link = f"{d.name}/{outs.get('html', '')}"
        kpis_doc = _read_json(d / KPIS)
        kpis = kpis_doc.get("kpis", [])
        alerts = alert_lines(kpis_doc.get("alerts", []) if isinstance(kpis_doc.get("alerts"), list) else [], lang)
        prev, prev_date = previous_run(folder, d.name)
        items = []
        for k, p in list(zip(kpis, match_previous(kpis, prev), strict=True))[:max_kpis]:
            change, cls = kpi_change(k, p, lang, prev_date)
            items.append(f"<li><b>{e(kpi_label(k, lang))}</b>: {e(kpi_value(k, lang))} "
                         f"<span class='sub'>({e(kpi_interval(k, lang))})</span> "
                         f"<span class='{cls} sub'>{e(change)}</span></li>")
        if len(kpis) > max_kpis:
            items.append(f"<li>{e(_w('more', lang, n=len(kpis) - max_kpis))}</li>")
        err = f"<div class='err'>{e(str(man.get('error', '')))}</div>" if man.get("error") else ""
        files = "".join(f"<a href='{e(d.name)}/{e(str(v))}'>{e(str(v))}</a>" for k, v in outs.items() if k != "html")
        files += f"<a href='{e(d.name)}/{MANIFEST}'>{MANIFEST}</a>"
        report = str(man.get("report") or d.name)
        rows.append(
            f"<tr><td><a href='{e(link)}'>{e(_title(report, d.name, lang))}</a><div class='sub'>{e(d.name)}</div></td>"
            f"<td>{e(_dataset_name(man))}</td>"
            f"<td class='{_STATUS_CLASS.get(status, 'failed')}'>{e(_w(status, lang) if status in _STATUS_WORDS else status)}</td>"
            f"<td><ul>{''.join(items) or '<li>' + e(_w('none', lang)) + '</li>'}</ul>{err}</td>"
            f"<td class='alerts'>{''.join(f'<p>{e(a)}</p>' for a in alerts) or e(_w('no_alerts', lang))}</td>"
            f"<td>{_fmt_duration(man.get('duration_s', 0), lang)} s</td><td class='files'>{files}</td></tr>")
    n = n_ok + n_na + n_failed
    body = (f"<p><a href='../index.html'>{e(_w('all_dates', lang))}</a></p>"
            f"<p>{e(_w('runs', lang, n=n, ok=n_ok, failed=n_failed, na=_w('n_na', lang, n=n_na) if n_na else ''))} {e(_w('intro', lang))}</p>"
            f"<table><thead><tr><th>{e(_w('report', lang))}</th><th>{e(_w('dataset', lang))}</th>"
            f"<th>{e(_w('status', lang))}</th><th>{e(_w('figures', lang))}</th><th>{e(_w('alerts', lang))}</th>"
            f"<th>{e(_w('duration', lang))}</th>"
            f"<th>{e(_w('files', lang))}</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")
    out = atomic_write(folder / "index.html", _page(_w("title", lang, date=folder.name), body, lang))
    write_root_index(folder.parent)
    return out


def _fmt_duration(x: Any, lang: str) -> str:
    from ..report.i18n import fmt

    return fmt(float(x or 0), 1, lang)


def write_root_index(root: str | Path) -> Path | None:
    """Write ``root/index.html``: every run date under ``root`` (newest first) with its runs and their status."""
    import re

    from .._files import atomic_write

    root = Path(root)
    dates = sorted((d for d in root.iterdir() if d.is_dir() and re.fullmatch(r"\d{4}-\d{2}-\d{2}", d.name)
                    and (d / "index.html").is_file()), reverse=True)
    if not dates:
        return None
    mans = [m for d in dates for m in (_read_json(r / MANIFEST) for r in d.iterdir() if r.is_dir())
            if isinstance(m, dict) and m]
    lang = _index_lang(mans)
    e = html.escape
    rows = []
    for d in dates:
        runs = [(r, _read_json(r / MANIFEST)) for r in sorted(d.iterdir()) if r.is_dir() and not r.name.startswith(".")]
        runs = [(r, m) for r, m in runs if isinstance(m, dict) and m]  # the date's index warns about odd ones
        links = ", ".join(
            f"<a href='{e(d.name)}/{e(r.name)}/{e(str(m.get('outputs', {}).get('html', '')))}'>"
            f"{e(_title(str(m.get('report') or r.name), r.name, lang))}</a>"
            + ("" if m.get("status") == "ok" else _root_status(str(m.get("status", "unknown")), lang))
            for r, m in runs if m)
        rows.append(f"<tr><td><a href='{e(d.name)}/index.html'>{e(d.name)}</a></td><td>{links}</td></tr>")
    body = (f"<table><thead><tr><th>{e(_w('date', lang))}</th><th>{e(_w('reports', lang))}</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")
    return atomic_write(root / "index.html", _page(_w("all_title", lang), body, lang))


_STATUS_WORDS = ("ok", "failed", "not applicable", "unknown")


def _root_status(status: str, lang: str) -> str:
    word = _w(status, lang) if status in _STATUS_WORDS else status
    return f" <span class='{_STATUS_CLASS.get(status, 'failed')}'>({html.escape(word)})</span>"
