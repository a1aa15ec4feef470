"""Batches of report runs, safe to schedule: ``cxkit run`` and :func:`run_reports`.

A batch is a YAML file listing reports (notebooks) and, per report, a grid
of parameters; every combination is one run::

    defaults:                      # parameters for every report that declares them
      spec: ../data/sample/spec.yaml
    reports:
      - notebook: 01_cx_overview.ipynb      # paths are relative to this file
      - notebook: 01_cx_overview.ipynb
        name: overview_quarterly             # default: the notebook's name (+ grid values)
        parameters: {freq: Q}
        grid: {group_by: [[segment], [channel]]}

Each run goes to ``<output>/<run_date>/<name>/``: the executed ``<name>.ipynb``,
``<name>.html`` (code hidden, parameters at the top), ``kpis.json`` and
``manifest.json``; ``<output>/<run_date>/index.html`` lists every run of that date.

Order of events, each step before the next may touch anything:

1. every run's parameters are checked against its notebook's parameters cell;
2. a lock per run-date folder (``filelock``) refuses a second batch writing there;
3. existing runs are refused (or skipped with ``skip_existing``, replaced with ``force``);
4. each run executes in a hidden staging folder that is renamed into place when
   complete, so an interrupted run never leaves half-written HTML or JSON
   where a reader looks; one failing run does not stop the others;
5. the index is rebuilt and a summary returned (non-zero exit status on failure).
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .._checks import check_keys
from .._files import atomic_write, default_mode, writable_folder
from .._inputs import READS_ENV, read_yaml
from .._results import Result
from ..errors import OutputError, ParameterError
from ..report.alerts import extract_alerts
from ..report.kpis import extract_kpis, kpis_json
from .manifest import KPIS, MANIFEST, input_files, merge_reads, package_versions, sha256_file, write_index
from .notebook import (
    check_parameters,
    execute_notebook,
    notebook_parameters,
    parse_parameter_text,
)

__all__ = ["RunSpec", "RunResult", "BatchResult", "load_batch", "plan_runs", "run_reports", "default_batch_path",
           "DEFAULT_NOTEBOOK"]

# The default report set ships inside the package (package data), so it is found from any install.
_NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
DEFAULT_NOTEBOOK = _NOTEBOOKS / "01_cx_overview.ipynb"

log = logging.getLogger("cxkit.run")
LOCK_NAME = ".cxkit-run.lock"
TABLES = "tables"  # a run's CSV copies (notebook parameter `output_dir`), inside its folder
_BATCH_KEYS = {"defaults", "reports", "timeout", "notebook_timeout"}
_REPORT_KEYS = {"notebook", "name", "parameters", "grid"}


@dataclass(frozen=True)
class RunSpec:
    """One planned run: which notebook, with which parameters, into which folder."""

    name: str
    notebook: Path
    run_date: str
    folder: Path
    parameters: dict[str, Any]  # checked, as written (what kpis.json and the HTML show)
    exec_parameters: dict[str, Any]  # the same with relative input paths made absolute
    shown: dict[str, Any]  # every parameter of the notebook: its defaults overridden by `parameters`
    timeout: int = 1200
    notebook_timeout: int | None = None  # seconds for the whole notebook (None: no limit beyond the cells')
    exports: Path | None = None  # `output_dir` given: CSV copies go to <output_dir>/<run_date>/<name>/


RUN_COLUMNS = ("run_date", "name", "status", "duration_s", "html", "error")


@dataclass(frozen=True, repr=False)
class RunResult(Result):
    """Outcome of one run. ``status`` is ``ok``, ``not applicable`` (the data lacks what the question needs;
    ``error`` says what), ``failed`` or ``exists`` (skipped, earlier output kept)."""

    name: str
    run_date: str
    status: str
    folder: Path
    html: Path
    duration_s: float = 0.0
    error: str = ""
    kpis: tuple = ()
    tests: tuple = ()  # significance tests the report made (cxkit.report.error_budget), for the run's family

    def summary(self) -> pd.DataFrame:
        """The run as one row: run_date, name, status, duration_s, html, error."""
        return pd.DataFrame([{"run_date": self.run_date, "name": self.name, "status": self.status,
                              "duration_s": round(self.duration_s, 1), "html": str(self.html), "error": self.error}],
                            columns=list(RUN_COLUMNS))

    def headline(self) -> str:
        tail = f" ({self.error.splitlines()[0]})" if self.error else ""
        return f"{self.status}: {self.html}{tail}"


@dataclass(frozen=True, repr=False)
class BatchResult(Result):
    """All runs of a batch. ``exit_code`` is 0 when none failed, 1 otherwise."""

    runs: tuple[RunResult, ...]
    indexes: tuple[Path, ...] = field(default=())

    @property
    def failed(self) -> tuple[RunResult, ...]:
        return tuple(r for r in self.runs if r.status == "failed")

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0

    def summary(self) -> pd.DataFrame:
        """One row per run: run_date, name, status, duration_s, html, error."""
        return pd.concat([r.summary() for r in self.runs], ignore_index=True) if self.runs else \
            pd.DataFrame(columns=list(RUN_COLUMNS))

    def headline(self) -> str:
        """``N runs: a ok, b failed, c existing (not overwritten).``"""
        counts = {s: sum(r.status == s for r in self.runs) for s in ("ok", "not applicable", "failed", "exists")}
        na = f"{counts['not applicable']} not applicable, " if counts["not applicable"] else ""
        return (f"{len(self.runs)} run{'' if len(self.runs) == 1 else 's'}: {counts['ok']} ok, {na}"
                f"{counts['failed']} failed, {counts['exists']} existing (not overwritten).")

    def table(self) -> str:
        """Plain-text summary for the terminal and cron mail."""
        lines = [f"{'status':<7}  {'run':<40}  {'seconds':>7}  output"]
        for r in self.runs:
            lines.append(f"{r.status.upper() if r.status == 'failed' else r.status:<7}  "
                         f"{r.run_date + '/' + r.name:<40}  {'-' if r.status == 'exists' else f'{r.duration_s:.1f}':>7}"
                         f"  {r.html}")
            if r.error:
                lines.append(f"{'':<7}  error: {r.error.splitlines()[0] if r.error else ''}")
        lines.append(self.headline())
        lines += [f"index: {p}" for p in self.indexes]
        return "\n".join(lines)


# --------------------------------------------------------------------------- planning


def default_batch_path() -> Path:
    """Path of the default report set (``reports.yaml`` beside the bundled notebooks, on the sample data).

    ``cxkit run --batch default`` and ``run_reports("default")`` run it.
    """
    return _NOTEBOOKS / "reports.yaml"


def load_batch(path: str | Path) -> dict[str, Any]:
    """Read and validate a batch file (structure only; parameters are checked in :func:`plan_runs`).

    ``"default"`` names the bundled default set (:func:`default_batch_path`).
    """
    path = default_batch_path() if str(path) == "default" else Path(path)
    data = read_yaml(path, "batch file", ParameterError)  # file kind, size, encoding, depth, aliases: one place
    if not isinstance(data, dict) or not isinstance(data.get("reports"), list) or not data["reports"]:
        raise ParameterError(f"batch file {path}: expected a mapping with a non-empty `reports` list.")
    check_keys(data, _BATCH_KEYS, f"batch file {path}", ParameterError)
    if not isinstance(data.get("defaults") or {}, dict):
        raise ParameterError(f"batch file {path}: `defaults` must map parameter names to values.")
    for i, rep in enumerate(data["reports"], 1):
        where = f"batch file {path}, report {i}"
        if not isinstance(rep, dict) or "notebook" not in rep:
            raise ParameterError(f"{where}: each report needs a `notebook`; got {rep!r}.")
        check_keys(rep, _REPORT_KEYS, where, ParameterError)
        for key in ("parameters", "grid"):
            if not isinstance(rep.get(key) or {}, dict):
                raise ParameterError(f"{where}: `{key}` must map parameter names to values.")
        for k, v in (rep.get("grid") or {}).items():
            if not isinstance(v, list) or not v:
                raise ParameterError(f"{where}: grid `{k}` must be a non-empty list of values; got {v!r}.")
    data["_base"] = path.resolve().parent
    return data


def _check_date(value: Any, where: str) -> str:
    """The run date as YYYY-MM-DD; ``20260228`` (also ISO 8601) is the same day, so the same folder and lock."""
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise ParameterError(f"{where}: run date must be YYYY-MM-DD; got {value!r}.") from None


def _plain(value: Any) -> Any:
    """YAML dates inside lists and mappings as ISO text (papermill passes parameters as JSON)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _slug(value: Any) -> str:
    text = "-".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.") or "x"


MAX_NAME = 100  # a run's folder holds <name>.ipynb and .<name>.partial-xxxx; file names stop at 255 bytes
_RESERVED = {"index.html", LOCK_NAME}


def _format_name(template: str, values: Mapping[str, str], where: str) -> str:
    """Fill ``{key}`` fields of a name template with grid values; nothing else (no attributes, indexes, specs).

    ``str.format`` would also evaluate ``{x.__class__}`` and ``{x[0]}``, which
    reach into Python objects; only plain grid keys are allowed.
    """
    import string

    out = []
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise ParameterError(f"{where}: `name` {template!r} is not a valid template ({exc}); "
                             "use {key} with a grid key, {{ and }} for braces.") from None
    for literal, field_name, spec, conversion in parsed:
        out.append(literal)
        if field_name is None:
            continue
        if spec or conversion or field_name not in values:
            raise ParameterError(f"{where}: `name` {template!r} uses {{{field_name}"
                                 f"{'!' + conversion if conversion else ''}{':' + spec if spec else ''}}}, which is not a grid key "
                                 f"(a name field must be a plain grid key, one of {sorted(values)}).")
        out.append(values[field_name])
    return "".join(out)


def _check_name(name: str, where: str) -> str:
    if name.lower() in _RESERVED:
        raise ParameterError(f"{where}: run name {name!r} is reserved (the date folder's "
                             f"{'index page' if name.lower() == 'index.html' else 'lock file'}); choose another `name`.")
    if len(name) > MAX_NAME:
        raise ParameterError(f"{where}: run name of {len(name)} characters ({name[:40]}...); at most "
                             f"{MAX_NAME} are allowed. Give the report a shorter `name`.")
    return name


def _resolve(params: Mapping[str, Any], base: Path) -> dict[str, Any]:
    """Relative path values that exist relative to ``base`` become absolute (kernels run elsewhere)."""
    out = {}
    for k, v in params.items():
        if isinstance(v, str) and v and ("/" in v or os.sep in v) and not os.path.isabs(v) and (base / v).exists():
            v = str((base / v).resolve())
        out[k] = v
    return out


def plan_runs(batch: str | Path | Mapping[str, Any] | None = None, *, notebook: str | Path | None = None,
              run_dates: Sequence[str] = (), parameters: Mapping[str, Any] | None = None,
              text_parameters: Mapping[str, str] | None = None, output: str | Path = "reports",
              timeout: int | None = None, notebook_timeout: int | None = None) -> list[RunSpec]:
    """Every run of a batch (or of one ``notebook``), with checked parameters. Executes nothing.

    ``parameters`` and ``text_parameters`` (command-line text, parsed per the
    notebook's annotation) override the batch for every run whose notebook
    declares them; a name no notebook declares is an error. Reports whose own
    parameters or grid set ``run_date`` use it; the others run once per entry
    of ``run_dates``.
    """
    if (batch is None) == (notebook is None):
        raise ParameterError("give either a batch file or a notebook (not both, not neither).")
    if batch is None:
        nb = Path(notebook)
        data = {"reports": [{"notebook": str(nb.resolve())}], "_base": Path.cwd()}
    else:
        data = dict(batch) if isinstance(batch, Mapping) else load_batch(batch)
        data.setdefault("_base", Path.cwd())
    base = Path(data["_base"])
    timeout = int(timeout or data.get("timeout") or 1200)
    notebook_timeout = notebook_timeout or data.get("notebook_timeout")
    if notebook_timeout is not None and (isinstance(notebook_timeout, bool) or not isinstance(notebook_timeout, int)
                                         or notebook_timeout < 1):
        raise ParameterError(f"`notebook_timeout` must be a whole number of seconds >= 1; got {notebook_timeout!r}.")
    run_dates = [_check_date(d, "`run_date`") for d in run_dates]
    overrides = dict(parameters or {})
    text = dict(text_parameters or {})
    defaults = dict(data.get("defaults") or {})
    declared_anywhere: set[str] = set()
    runs: list[RunSpec] = []
    for i, rep in enumerate(data["reports"], 1):
        nb = Path(rep["notebook"])
        nb = nb if nb.is_absolute() else base / nb
        if not nb.is_file():
            raise ParameterError(f"report {i}: notebook {rep['notebook']} not found (resolved to {nb.resolve()}).")
        nb = nb.resolve()
        declared = notebook_parameters(nb)
        declared_anywhere |= set(declared)
        # With one report every name must be its notebook's (check_parameters then suggests a spelling);
        # in a batch, shared names go to the notebooks that declare them.
        alone = len(data["reports"]) == 1
        own = {**{k: v for k, v in defaults.items() if alone or k in declared}, **(rep.get("parameters") or {})}
        cli = {k: v for k, v in overrides.items() if alone or k in declared}
        cli |= {k: parse_parameter_text(v, str(declared[k]["type"])) if k in declared else v
                for k, v in text.items() if alone or k in declared}
        grid = rep.get("grid") or {}
        own_date = "run_date" in own or "run_date" in grid or "run_date" in cli
        if not own_date and not run_dates:
            raise ParameterError(f"report {i} ({nb.name}): no run date; pass --run-date YYYY-MM-DD "
                                 "or set `run_date` in its parameters or grid.")
        keys = list(grid)
        for combo in itertools.product(*(grid[k] for k in keys)):
            point = dict(zip(keys, combo, strict=True))
            for date in ([None] if own_date else run_dates):
                given = {k: v if isinstance(v, dt.date) else _plain(v) for k, v in {**own, **point, **cli}.items()}
                if date is not None and "run_date" in declared:
                    given["run_date"] = date
                checked = check_parameters(nb, given, declared)
                run_date = _check_date(checked.get("run_date", date), f"report {i} ({nb.name})")
                stem = str(rep.get("name") or nb.stem)
                if "{" in stem or "}" in stem:
                    name = _format_name(stem, {k: _slug(v) for k, v in point.items()}, f"report {i}")
                else:
                    name = "_".join([stem] + [f"{k}-{_slug(v)}" for k, v in point.items() if k != "run_date"])
                name = _check_name(_slug(name), f"report {i} ({nb.name})")
                shown = {k: v["default"] for k, v in declared.items()} | checked
                # The language is part of the run name, so Dutch and English runs of one date sit side by side.
                lang = shown.get("lang")
                if isinstance(lang, str) and lang not in ("", "en") and not name.endswith(f"_{lang}") \
                        and "lang" not in point:
                    name = f"{name}_{_slug(lang)}"
                # batch values are relative to the batch file, command-line values to the current folder
                exec_params = _resolve({k: v for k, v in checked.items() if k not in cli}, base) | \
                    _resolve({k: v for k, v in checked.items() if k in cli}, Path.cwd())
                exports = None
                if isinstance(checked.get("output_dir"), str) and checked["output_dir"].strip():
                    # relative to the batch file (or the current folder for command-line values), never to
                    # the notebook's folder where the kernel runs; one folder per date and run, so a later
                    # date never overwrites earlier CSVs
                    root = Path(checked["output_dir"])
                    root = root if root.is_absolute() else (Path.cwd() if "output_dir" in cli else base) / root
                    exports = root.resolve() / run_date / name
                runs.append(RunSpec(name=name, notebook=nb, run_date=run_date,
                                    folder=Path(output) / run_date / name, parameters=checked,
                                    exec_parameters=exec_params, shown=shown, timeout=timeout,
                                    notebook_timeout=notebook_timeout, exports=exports))
    unused = (set(defaults) | set(overrides) | set(text)) - declared_anywhere
    if unused:
        raise ParameterError(f"parameters {sorted(unused)} are declared by no notebook of the batch; "
                             f"declared: {sorted(declared_anywhere)}.")
    seen: dict[Path, RunSpec] = {}
    for r in runs:
        if r.folder in seen:
            raise ParameterError(f"two runs would write to {r.folder} ({r.notebook.name} with {r.parameters} and "
                                 f"{seen[r.folder].parameters}); give the reports distinct `name`s.")
        seen[r.folder] = r
    return runs


# --------------------------------------------------------------------------- execution


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _execute(spec: RunSpec) -> tuple[RunResult, Path]:
    """Run one notebook into a staging folder and record kpis and manifest there.

    Returns the result and the staging folder; the process holding the lock
    moves it into place (:func:`_commit`), so a worker that outlived its
    parent can never replace a run. Top-level (not a closure) so a process
    pool can pickle it.
    """
    date_dir = spec.folder.parent
    stage = Path(tempfile.mkdtemp(prefix=f".{spec.name}.partial-", dir=date_dir))
    os.chmod(stage, default_mode(directory=True))  # mkdtemp makes it owner-only; the renamed folder should not be
    started, t0 = _now(), time.monotonic()
    try:
        # Hash before executing: the record is of what the run read, even if a file changes later.
        try:
            inputs = input_files({**spec.shown, **spec.exec_parameters}, spec.notebook.parent)
        except OSError as exc:  # an unreadable input is the notebook's error to report, not the batch's
            inputs = [{"error": f"inputs not recorded: {exc}"}]
        notebook_hash = sha256_file(spec.notebook)
        # Absolute: the kernel runs in the notebook's folder, so paths handed to it (reads log, output_dir)
        # must not be relative to ours (`cxkit run --output reports`, as `make report` does).
        reads = (stage / ".reads.jsonl").resolve()
        previous = os.environ.get(READS_ENV)
        os.environ[READS_ENV] = str(reads)  # the kernel inherits it: its loads record what they read
        params = dict(spec.exec_parameters)
        if spec.exports is not None:  # CSVs are written into the staging folder, copied out once the run is in place
            params["output_dir"] = str((stage / TABLES).resolve())
        try:
            res = execute_notebook(spec.notebook, stage, params, name=spec.name,
                                   timeout=spec.timeout, shown_parameters=spec.shown,
                                   notebook_timeout=spec.notebook_timeout)
            status, error = res.status, res.error
        except Exception as exc:  # isolate: one broken run must not end the batch
            status, error = "failed", f"{type(exc).__name__}: {exc}"
        finally:
            if previous is None:
                del os.environ[READS_ENV]
            else:
                os.environ[READS_ENV] = previous
            inputs = merge_reads(inputs, reads)
            reads.unlink(missing_ok=True)
        nb_path, html_path = stage / f"{spec.name}.ipynb", stage / f"{spec.name}.html"
        kpis = extract_kpis(nb_path) if nb_path.exists() else []
        from ..report.error_budget import extract_tests  # lazily: statsmodels stays out of `cxkit --help`

        tests = extract_tests(nb_path) if nb_path.exists() else []
        alerts = extract_alerts(nb_path) if nb_path.exists() else []  # issue 17: what the reader should look at
        atomic_write(stage / KPIS, kpis_json(kpis, report=spec.notebook.stem, run_date=spec.run_date,
                                             parameters=spec.shown, status=status, alerts=alerts))
        duration = time.monotonic() - t0
        manifest = {
            "cxkit_manifest": 1, "name": spec.name, "report": spec.notebook.stem, "run_date": spec.run_date,
            "notebook": {"path": str(spec.notebook), "sha256": notebook_hash},
            "parameters": spec.shown, "overrides": spec.parameters, "inputs": inputs,
            "versions": package_versions(), "started": started, "ended": _now(),
            "duration_s": round(duration, 2), "status": status, "error": error, "kpis": len(kpis),
            "tests": len(tests), "alerts": len(alerts),
            "outputs": {k: p.name for k, p in (("html", html_path), ("notebook", nb_path), ("kpis", stage / KPIS))
                        if p.exists()},
        }
        if spec.exports is not None:
            manifest["exports"] = {"folder": str(spec.exports), "files": [
                {"path": f"{TABLES}/{p.name}", "bytes": p.stat().st_size, "sha256": sha256_file(p)}
                for p in sorted((stage / TABLES).glob("*.csv"))]}
        import json

        atomic_write(stage / MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False, default=str) + "\n")
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return RunResult(name=spec.name, run_date=spec.run_date, status=status, folder=spec.folder,
                     html=spec.folder / f"{spec.name}.html", duration_s=duration, error=error,
                     kpis=tuple(kpis), tests=tuple(tests)), stage


def _fingerprint(folder: Path) -> tuple[int, int] | None:
    """Identity of a run folder at planning time (None: absent), to notice one that appeared or changed since."""
    try:
        st = (folder / MANIFEST).stat() if (folder / MANIFEST).exists() else folder.stat()
    except OSError:
        return None
    return st.st_ino, st.st_mtime_ns


def _commit(spec: RunSpec, res: RunResult, stage: Path, planned: tuple[int, int] | None) -> RunResult:
    """Under the lock: move a finished staging folder into place if it is intact and the target is as planned.

    A staging folder without its manifest was tidied away (or recreated by a
    stray process); a final folder that appeared or changed since planning was
    written by someone else. Either way nothing is replaced and the run fails.
    """
    def refuse(why: str) -> RunResult:
        shutil.rmtree(stage, ignore_errors=True)
        log.error("not moved into place: %s: %s", spec.folder, why)
        return RunResult(spec.name, spec.run_date, "failed", spec.folder, spec.folder / f"{spec.name}.html",
                         duration_s=res.duration_s, error=f"OutputError: {why}")

    if not stage.is_dir() or not (stage / MANIFEST).is_file() or stage.parent != spec.folder.parent:
        return refuse(f"staging folder {stage} is missing or incomplete (removed while the run was executing)")
    if _fingerprint(spec.folder) != planned:
        return refuse(f"{spec.folder} appeared or changed since the batch was planned; it was not replaced")
    _move_into_place(stage, spec.folder)
    if spec.exports is not None and (spec.folder / TABLES).is_dir():
        _export(spec.folder / TABLES, spec.exports)
    return res


def _export(tables: Path, target: Path) -> None:
    """Copy a run's CSV tables to ``target`` (its own folder per date and run) via a staging copy and rename.

    An existing ``target`` was checked at planning (refused without ``force``);
    with ``force`` it is replaced the same way a run folder is.
    """
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-", dir=target.parent))
        shutil.copytree(tables, tmp, dirs_exist_ok=True)
        os.chmod(tmp, default_mode(directory=True))
        _move_into_place(tmp, target)
    except OSError as exc:  # the report itself is in place; say clearly that the copies are not
        log.error("CSV tables of %s not copied to %s: %s (they are in %s)", tables.parent.name, target, exc, tables)


def _move_into_place(stage: Path, final: Path) -> None:
    """Rename the finished staging folder to ``final``; an older ``final`` (``force``) is set aside first."""
    old = None
    if final.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{final.name}.old-", dir=final.parent))
        os.replace(final, old / final.name)
    os.replace(stage, final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _tidy(date_dir: Path, *, quiet: bool = False) -> None:
    """Under the lock: drop staging folders of interrupted runs; restore a run interrupted mid-replacement."""
    for p in date_dir.glob(".*.old-*"):
        for kept in p.iterdir():
            if not (date_dir / kept.name).exists():
                os.replace(kept, date_dir / kept.name)
                log.warning("restored %s (a replacement of it was interrupted)", date_dir / kept.name)
        shutil.rmtree(p, ignore_errors=True)
    for p in date_dir.glob(".*.partial-*"):
        if not quiet:
            log.warning("removing %s, left by an interrupted run", p)
        shutil.rmtree(p, ignore_errors=True)


def _lock(date_dir: Path, stack: ExitStack) -> None:
    from filelock import FileLock, Timeout

    writable_folder(date_dir)
    lock = FileLock(str(date_dir / LOCK_NAME), timeout=0)
    try:
        stack.enter_context(lock)
    except Timeout:
        raise OutputError(f"another cxkit run is writing into {date_dir} (lock {date_dir / LOCK_NAME} is held); "
                          "refusing to run alongside it. Wait for it to finish.") from None
    except OSError as exc:  # e.g. a lock file left by another user: not ours to open
        raise OutputError(f"cannot open the lock file {date_dir / LOCK_NAME}: {exc.strerror or exc}; "
                          "it may belong to another user. Remove it, or write into another --output.") from None


def run_reports(batch: str | Path | Mapping[str, Any] | None = None, *, notebook: str | Path | None = None,
                run_date: str | Sequence[str] = (), parameters: Mapping[str, Any] | None = None,
                text_parameters: Mapping[str, str] | None = None, output: str | Path = "reports",
                jobs: int = 1, force: bool = False, skip_existing: bool = False, timeout: int | None = None,
                progress: bool | None = None, notebook_timeout: int | None = None,
                correction: str = "fdr_bh", alpha: float = 0.05) -> BatchResult:
    """Run a batch file (or one ``notebook``) into ``output/<run_date>/``; see the module docstring.

    Parameters
    ----------
    batch : path or mapping, optional
        Batch YAML (paths in it are relative to the file).
    notebook : path, optional
        A single notebook instead of a batch.
    run_date : str or list of str
        Report date(s), YYYY-MM-DD; each is a folder. Several dates backfill.
    parameters : mapping, optional
        Overrides for every run whose notebook declares them.
    jobs : int
        Parallel worker processes.
    force : bool
        Replace earlier runs of the same date and name.
    skip_existing : bool
        Keep earlier runs and report them as ``exists`` instead of refusing.
    progress : bool, optional
        Progress bar on stderr; default: only on a terminal.
    timeout, notebook_timeout : int, optional
        Seconds allowed per cell (default 1200) and for each whole notebook (default: no limit;
        batch file keys ``timeout`` and ``notebook_timeout``). A run over either fails; the batch goes on.

    Raises
    ------
    ParameterError
        Bad batch file or parameters (nothing has run).
    OutputError
        Another batch holds a folder's lock, an earlier run exists (without
        ``force``/``skip_existing``), or the folder is not writable.
    """
    if not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1:
        raise ParameterError(f"`jobs` must be a whole number >= 1; got {jobs!r}.")
    from .._checks import check_alpha, check_choice
    from ..stats.multiplicity import METHODS

    check_choice("correction", correction, METHODS)
    alpha = check_alpha(alpha)
    dates = [run_date] if isinstance(run_date, str | dt.date) else list(run_date)
    runs = plan_runs(batch, notebook=notebook, run_dates=dates, parameters=parameters,
                     text_parameters=text_parameters, output=output, timeout=timeout,
                     notebook_timeout=notebook_timeout)
    date_dirs = sorted({r.folder.parent for r in runs})
    with ExitStack() as stack:
        for d in date_dirs:  # sorted order: two batches over overlapping dates cannot deadlock (timeout 0 anyway)
            _lock(d, stack)
        for d in date_dirs:
            _tidy(d)
        existing = [r for r in runs if r.folder.exists() or (r.exports is not None and r.exports.exists())]
        if existing and not (force or skip_existing):
            names = ", ".join(str(r.folder if r.folder.exists() else r.exports) for r in existing[:5]) + (" ..." if len(existing) > 5 else "")
            raise OutputError(f"{len(existing)} run(s) exist already: {names}. Earlier reports are never "
                              "overwritten: pass --force to replace them or --skip-existing to keep them.")
        todo = runs if force else [r for r in runs if r not in existing]
        for r in existing if force else ():  # replacing needs write access to the old run: check before running
            for folder in (r.folder, r.folder.parent):
                if folder.exists() and not os.access(folder, os.W_OK):
                    raise OutputError(f"--force cannot replace {r.folder}: {folder} is not writable. "
                                      "Nothing was run; make it writable or write into another --output.")
        planned = {r.folder: _fingerprint(r.folder) for r in todo}
        results = {r.folder: RunResult(r.name, r.run_date, "exists", r.folder, r.folder / f"{r.name}.html")
                   for r in runs if r not in todo}
        for r in results.values():
            log.info("exists (not overwritten): %s", r.html)
        try:
            _run_all(todo, jobs, progress, planned, results)
            _error_budget([results[r.folder] for r in todo if r.folder in results], correction, alpha)
        except BaseException as exc:  # SIGTERM (SystemExit from the CLI), Ctrl-C: say what stopped, keep a true index
            stopped = [r for r in todo if r.folder not in results and _fingerprint(r.folder) == planned[r.folder]]
            log.error("batch interrupted (%s): %d run(s) not finished: %s", type(exc).__name__ or "signal",
                      len(stopped), ", ".join(f"{r.run_date}/{r.name}" for r in stopped) or "none")
            raise
        finally:
            for d in date_dirs:  # workers are gone: their staging folders are leftovers
                _tidy(d, quiet=True)
            touched = {r.folder.parent for r in todo} | {d for d in date_dirs if not (d / "index.html").exists()}
            for d in sorted(touched):
                if d.is_dir():
                    write_index(d)
    indexes = tuple(d / "index.html" for d in date_dirs if (d / "index.html").exists())
    return BatchResult(runs=tuple(results[r.folder] for r in runs), indexes=indexes)


def _error_budget(done: Sequence[RunResult], method: str, alpha: float) -> dict[str, Any]:
    """One family for every test of the runs just made: ``tests.json`` per date, ``error_budget`` in manifests."""
    import json

    from ..report.error_budget import run_family

    ran = [r for r in done if r.status in ("ok", "not applicable") and (r.folder / MANIFEST).is_file()]
    family = run_family((f"{r.run_date}/{r.name}", list(r.tests)) for r in ran)
    budget = family.budget(method, alpha)
    table = family.adjust(method, alpha)
    for date_dir in sorted({r.folder.parent for r in ran}) if len(table) else ():  # no tests, no list
        rows = table[table["report"].str.startswith(f"{date_dir.name}/")] if len(table) else table
        doc = {"error_budget": budget, "tests": json.loads(rows.to_json(orient="records", double_precision=15))}
        atomic_write(date_dir / "tests.json", json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    for r in ran:
        mine = table[table["report"] == f"{r.run_date}/{r.name}"] if len(table) else table
        path = r.folder / MANIFEST
        manifest = json.loads(path.read_text(encoding="utf-8"))
        manifest["error_budget"] = {**budget, "tests_in_report": len(mine),
                                    "flags_in_report": int(mine["significant"].sum()) if len(mine) else 0,
                                    "listed_in": "../tests.json"}
        atomic_write(path, json.dumps(manifest, indent=2, ensure_ascii=False, default=str) + "\n")
    if ran:
        log.info("error budget: %d tests over %d report(s), %s at %g: %d significant, %.2f false flags expected",
                 budget["tests"], len(ran), method, alpha, budget["flags"], budget["expected_false_flags"])
    return budget


def _worker_init(parent_pid: int) -> None:
    """Pool initializer: a worker dies with the batch that started it (kill -9, the OOM killer, systemd).

    Without this, orphaned workers keep running without the lock and write
    into folders a later batch owns. Linux: the kernel sends SIGKILL when the
    parent dies (``PR_SET_PDEATHSIG``); elsewhere, and in case the parent died
    before the call, a daemon thread polls the parent pid. Notebook kernels
    started by the worker poll their own parent (``JPY_PARENT_PID``) and exit
    within a second of it.
    """
    import signal
    import sys
    import threading

    if sys.platform.startswith("linux"):
        import ctypes

        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL), 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
        except (OSError, AttributeError):  # no libc symbol (static builds): the poller below still works
            pass

    def watch() -> None:
        while True:
            if os.getppid() != parent_pid:
                os.kill(os.getpid(), signal.SIGKILL)
            time.sleep(0.5)

    watch_thread = threading.Thread(target=watch, name="cxkit-parent-watch", daemon=True)
    watch_thread.start()
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os.kill(os.getpid(), signal.SIGKILL)


def _failed(spec: RunSpec, exc: BaseException) -> RunResult:
    return RunResult(spec.name, spec.run_date, "failed", spec.folder, spec.folder / f"{spec.name}.html",
                     error=f"{type(exc).__name__}: {exc}")


def _run_all(todo: list[RunSpec], jobs: int, progress: bool | None, planned: Mapping[Path, Any],
             out: dict[Path, RunResult]) -> dict[Path, RunResult]:
    """Execute ``todo`` (in-process or in a pool of ``jobs`` workers), committing each run as it finishes.

    Results go into ``out`` as they arrive, so a caller interrupted half-way
    knows which runs finished.
    """
    from tqdm import tqdm
    from tqdm.contrib.logging import logging_redirect_tqdm

    if not todo:
        return out
    bar = tqdm(total=len(todo), unit="run", desc="reports", disable=None if progress is None else not progress)

    def done(spec: RunSpec, res: RunResult, stage: Path | None) -> None:
        if stage is not None:
            res = _commit(spec, res, stage, planned.get(spec.folder))
        out[res.folder] = res
        bar.update()
        if res.status == "ok":
            log.info("ok     %s/%s (%.1f s)", res.run_date, res.name, res.duration_s)
        elif res.status == "not applicable":
            log.warning("not applicable %s/%s (%.1f s): %s", res.run_date, res.name, res.duration_s, res.error)
        else:
            log.error("FAILED %s/%s (%.1f s): %s", res.run_date, res.name, res.duration_s, res.error)

    with ExitStack() as stack:
        stack.enter_context(bar)
        if not bar.disable:  # keep log lines from tearing the bar apart
            stack.enter_context(logging_redirect_tqdm())
        log.info("running %d report(s) with %d worker(s)", len(todo), min(jobs, len(todo)))
        if jobs == 1 or len(todo) == 1:
            for spec in todo:
                log.info("start  %s/%s", spec.run_date, spec.name)
                try:
                    res, stage = _execute(spec)
                except Exception as exc:  # e.g. disk full while writing: one failed run, the batch goes on
                    res, stage = _failed(spec, exc), None
                done(spec, res, stage)
        else:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor, as_completed

            ctx = multiprocessing.get_context("spawn")
            before = set(multiprocessing.active_children())
            # spawn, not fork: the parent may hold threads (tqdm, zmq) that a fork would copy half-locked
            pool = ProcessPoolExecutor(max_workers=min(jobs, len(todo)), mp_context=ctx,
                                       initializer=_worker_init, initargs=(os.getpid(),))
            try:
                futures = {pool.submit(_execute, spec): spec for spec in todo}
                for fut in as_completed(futures):
                    spec = futures[fut]
                    try:
                        res, stage = fut.result()
                    except Exception as exc:  # a worker died (out of memory...): still one failed run
                        res, stage = _failed(spec, exc), None
                    done(spec, res, stage)
            except BaseException:
                # SIGTERM / Ctrl-C: stop now, not after the running notebooks (systemd would SIGKILL us anyway)
                pool.shutdown(wait=False, cancel_futures=True)
                for proc in set(multiprocessing.active_children()) - before:
                    proc.kill()
                for proc in set(multiprocessing.active_children()) - before:
                    proc.join(timeout=5)
                raise
            finally:
                pool.shutdown(wait=True, cancel_futures=True)
    return out
