"""Executing notebooks with papermill and rendering them to HTML for review."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from .arguments import check_notebook_parameters
from .errors import OutputError, ParameterError

__all__ = ["ReportResult", "execute_notebook", "render_html", "atomic_write", "notebook_parameters"]


@dataclass(frozen=True)
class ReportResult:
    """Where a run's outputs are and whether it succeeded."""

    notebook: Path
    html: Path
    status: str
    error: str = ""

    def summary(self) -> str:
        return f"{self.status}: {self.html}" + (f" ({self.error})" if self.error else "")


def atomic_write(path: str | Path, data: str | bytes) -> Path:
    """Write ``data`` to ``path`` via a temporary file and rename, so readers never see half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, mode, **({} if isinstance(data, bytes) else {"encoding": "utf-8"})) as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def notebook_parameters(notebook: str | Path) -> dict[str, dict[str, Any]]:
    """The notebook's declared parameters: ``{name: {"type": str, "default": value, "help": str}}``.

    Read with papermill's own inspector, from the cell tagged ``parameters``.
    """
    import papermill as pm

    try:
        raw = pm.inspect_notebook(str(notebook))
    except Exception as exc:  # papermill raises several types for unreadable notebooks
        raise ParameterError(f"{notebook}: cannot read its parameters cell: {exc}") from None
    return {k: {"type": v.get("inferred_type_name", "None"), "default": v.get("default"),
                "help": v.get("help", "")} for k, v in raw.items()}


def render_html(notebook: str | Path, html_path: str | Path, *, title: str | None = None,
                parameters: Mapping[str, Any] | None = None) -> Path:
    """Render an executed notebook to HTML with code hidden (outputs and markdown only).

    The run's parameters are listed at the top so a reviewer sees what produced it.
    """
    from nbconvert import HTMLExporter

    nb = nbformat.read(str(notebook), as_version=4)
    # The injected-parameters cell is code; hide it but show its values as markdown.
    if parameters:
        rows = "\n".join(f"| `{k}` | `{v!r}` |" for k, v in parameters.items())
        nb.cells.insert(0, nbformat.v4.new_markdown_cell(f"**Run parameters**\n\n| parameter | value |\n|---|---|\n{rows}"))
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title or Path(notebook).stem}})
    return atomic_write(html_path, body)


def _absolutise(parameters: Mapping[str, Any]) -> dict[str, Any]:
    """String parameters naming existing paths (relative to the caller) become absolute.

    Notebooks run with their own folder as working directory, so a path the
    caller typed relative to *their* folder would otherwise point elsewhere.
    """
    out = {}
    for k, v in parameters.items():
        if isinstance(v, str) and v and not os.path.isabs(v) and ("/" in v or os.sep in v) and Path(v).exists():
            v = str(Path(v).resolve())
        out[k] = v
    return out


def execute_notebook(notebook: str | Path, output_dir: str | Path, parameters: Mapping[str, Any] | None = None,
                     *, force: bool = False, name: str | None = None, kernel_name: str | None = None,
                     timeout: int = 1200) -> ReportResult:
    """Execute ``notebook`` with papermill into ``output_dir`` and render HTML beside it.

    An existing output is never overwritten unless ``force``. A failing
    notebook still leaves its partial ``.ipynb`` and ``.html`` (with the error
    visible) and returns ``status="failed"``.
    """
    import papermill as pm

    notebook = Path(notebook)
    if not notebook.exists():
        raise ParameterError(f"`notebook`: {notebook} does not exist.")
    parameters = check_notebook_parameters(notebook, parameters)
    output_dir = Path(output_dir)
    stem = name or notebook.stem
    out_nb, out_html = output_dir / f"{stem}.ipynb", output_dir / f"{stem}.html"
    if not force and (out_nb.exists() or out_html.exists()):
        raise OutputError(f"{out_html} exists already; earlier reports are never overwritten. "
                          "Choose another run date or output folder, or pass force=True (--force).")
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create output folder {output_dir}: {exc.strerror}.") from None
    if not os.access(output_dir, os.W_OK):
        raise OutputError(f"output folder {output_dir} is not writable.")
    params = _absolutise(parameters or {})
    tmp_nb = output_dir / f".{stem}.running.ipynb"
    status, error = "ok", ""
    try:
        pm.execute_notebook(str(notebook), str(tmp_nb), parameters=params, cwd=str(notebook.parent.resolve()),
                            kernel_name=kernel_name, progress_bar=False, log_output=False,
                            execution_timeout=timeout)
    except pm.PapermillExecutionError as exc:
        status, error = "failed", f"{exc.ename}: {exc.evalue}"
    if tmp_nb.exists():
        os.replace(tmp_nb, out_nb)
        render_html(out_nb, out_html, title=stem, parameters=params)
    return ReportResult(notebook=out_nb, html=out_html, status=status, error=error)
