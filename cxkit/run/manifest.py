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

__all__ = ["sha256_file", "input_files", "merge_reads", "package_versions", "write_index", "MANIFEST", "KPIS"]

MANIFEST = "manifest.json"
KPIS = "kpis.json"
_PACKAGES = ("pandas", "numpy", "scipy", "statsmodels", "matplotlib", "seaborn", "pyarrow", "duckdb",
             "narwhals", "papermill", "nbconvert", "nbformat", "nbclient", "ipykernel", "pyyaml")


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


def _kpi_text(k: Mapping[str, Any]) -> str:
    labels = " ".join(f"{v}" for v in (k.get("labels") or {}).values())
    name = f"{k.get('name')}{' ' + labels if labels else ''}"
    if k.get("suppressed"):
        return f"{name}: suppressed (n = {k.get('n', 0):,})"
    if k.get("value") is None:
        return f"{name}: not available (n = {k.get('n', 0):,})"
    ci = f" ({k['ci_low']:,.1f} to {k['ci_high']:,.1f})" if k.get("ci_low") is not None else ""
    return f"{name}: {k['value']:,.1f} {k.get('unit', '')}{ci}, n = {k.get('n', 0):,}"


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem;color:#222;max-width:80rem}
h1{font-size:1.5rem} table{border-collapse:collapse;width:100%} caption{text-align:left;color:#555}
th,td{border-bottom:1px solid #ddd;padding:.45rem .6rem;text-align:left;vertical-align:top;font-size:.92rem}
th{background:#f4f4f4} .ok{color:#11632c;font-weight:600} .failed{color:#a40e0e;font-weight:700} .na{color:#8a5a00;font-weight:600}
.err{color:#a40e0e;font-family:monospace;font-size:.85rem;white-space:pre-wrap} ul{margin:0;padding-left:1rem}
.params{font-family:monospace;font-size:.82rem;color:#444} .files a{margin-right:.6rem}
"""


_STATUS_CLASS = {"ok": "ok", "not applicable": "na"}


def write_index(folder: str | Path, *, max_kpis: int = 8) -> Path:
    """Write ``folder/index.html``: every run under ``folder`` with status, headline KPIs and links.

    Runs are the subfolders holding a ``manifest.json``; the page is rebuilt
    from those files, so it also lists runs of earlier batches on that date.
    """
    from .._files import atomic_write

    folder = Path(folder)
    rows, n_ok, n_na, n_failed = [], 0, 0, 0
    for d in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
        man = _read_json(d / MANIFEST)
        if not man:
            continue
        man = _sane_manifest(man, d)
        status = str(man.get("status", "unknown"))
        n_ok += status == "ok"
        n_na += status == "not applicable"  # ran, but the data lacks what the question needs
        n_failed += status not in ("ok", "not applicable")
        outs = man.get("outputs", {})
        e = html.escape
        link = f"{d.name}/{outs.get('html', '')}"
        kpis = _read_json(d / KPIS).get("kpis", [])
        kpi_html = "".join(f"<li>{e(_kpi_text(k))}</li>" for k in kpis[:max_kpis])
        if len(kpis) > max_kpis:
            kpi_html += f"<li>… {len(kpis) - max_kpis} more in kpis.json</li>"
        params = man.get("overrides", {})
        ptxt = "<br>".join(f"{e(str(k))} = {e(json.dumps(v, ensure_ascii=False))}" for k, v in params.items())
        err = f"<div class='err'>{e(str(man.get('error', '')))}</div>" if man.get("error") else ""
        files = "".join(f"<a href='{e(d.name)}/{e(str(v))}'>{e(str(k))}</a>" for k, v in outs.items() if k != "html")
        files += f"<a href='{e(d.name)}/{MANIFEST}'>manifest</a>"
        rows.append(
            f"<tr><td><a href='{e(link)}'>{e(d.name)}</a><div class='params'>{ptxt}</div></td>"
            f"<td class='{_STATUS_CLASS.get(status, 'failed')}'>{e(status)}</td>"
            f"<td><ul>{kpi_html or '<li>none recorded</li>'}</ul>{err}</td>"
            f"<td>{man.get('duration_s', 0):.1f} s</td><td class='files'>{files}</td></tr>")
    title = f"cxkit reports {folder.name}"
    body = (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            f"<style>{_CSS}</style></head><body><h1>{html.escape(title)}</h1>"
            f"<p>{n_ok + n_na + n_failed} run{'' if n_ok + n_na + n_failed == 1 else 's'}: {n_ok} ok, "
            f"{f'{n_na} not applicable, ' if n_na else ''}{n_failed} failed. Figures are shown with their interval "
            f"and n; suppressed groups had too few answers.</p>"
            "<table><thead><tr><th>run (parameters)</th><th>status</th><th>headline figures</th>"
            f"<th>duration</th><th>files</th></tr></thead><tbody>{''.join(rows)}</tbody></table></body></html>\n")
    return atomic_write(folder / "index.html", body)
