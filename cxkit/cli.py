"""Command line: ``cxkit run`` executes a report notebook; ``cxkit params`` lists a notebook's parameters;
``cxkit sample`` regenerates sample data; ``cxkit validate`` prints a dataset spec's data-quality report.

Only click is imported at start-up; each command imports what it needs, so
``cxkit --help`` stays fast (no pandas, matplotlib or papermill).
"""

from __future__ import annotations

import sys

import click

from .errors import CxkitError


@click.group()
def main() -> None:
    """cxkit: customer-experience research kit."""


@main.command()
@click.argument("notebook", type=click.Path(dir_okay=False), required=False)
@click.option("--batch", "batch", type=click.Path(dir_okay=False),
              help="Batch YAML file listing the reports to run: `reports:` entries with a `notebook`, optional "
                   "`name`, `parameters` and a `grid` of parameter values (one run per combination), and "
                   "`defaults:` parameters for every report; paths are relative to the file. `default` is the "
                   "bundled default set (notebooks/reports.yaml). Replaces NOTEBOOK.")
@click.option("--run-date", "run_dates", multiple=True,
              help="Report date (YYYY-MM-DD); data after it is ignored. Repeat to backfill several dates. "
                   "Default: today.")
@click.option("-p", "--param", "params", multiple=True, nargs=2, metavar="NAME VALUE",
              help="Notebook parameter for every run; VALUE is text for str parameters, else YAML "
                   "(numbers, lists, null).")
@click.option("--output", "output", default="reports", show_default=True, type=click.Path(file_okay=False),
              help="Reports folder; outputs go to OUTPUT/<run-date>/<run>/.")
@click.option("-j", "--jobs", default=1, show_default=True, type=click.IntRange(min=1),
              help="Parallel worker processes.")
@click.option("--force", is_flag=True, help="Replace earlier runs of the same date and name.")
@click.option("--skip-existing", is_flag=True, help="Keep earlier runs (print where they are) and run the rest.")
@click.option("--timeout", default=None, type=click.IntRange(min=1), help="Seconds allowed per cell [1200].")
@click.option("--notebook-timeout", default=None, type=click.IntRange(min=1),
              help="Seconds allowed per notebook (all its cells); a run over it fails [no limit].")
@click.option("-q", "--quiet", is_flag=True, help="Log warnings and errors only.")
def run(notebook: str | None, batch: str | None, run_dates: tuple, params: tuple, output: str, jobs: int,
        force: bool, skip_existing: bool, timeout: int | None, notebook_timeout: int | None,
        quiet: bool) -> None:
    """Execute NOTEBOOK (default: the overview) or a --batch with papermill; render HTML (code hidden).

    Each run writes OUTPUT/<run-date>/<run>/: <run>.ipynb, <run>.html,
    kpis.json and manifest.json; OUTPUT/<run-date>/index.html lists the runs.
    Exit status: 0 all ran (or existed), 1 a report failed, 2 nothing ran
    (bad parameters, an earlier run exists, another run holds the folder).
    """
    import logging
    import signal
    import threading

    from .run.batch import DEFAULT_NOTEBOOK, run_reports

    logging.basicConfig(level=logging.WARNING if quiet else logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(message)s", datefmt="%Y-%m-%d %H:%M:%S")
    logging.getLogger("papermill").setLevel(logging.WARNING)
    if batch and notebook:
        click.echo("error: give either NOTEBOOK or --batch, not both.", err=True)
        sys.exit(2)
    # cron and systemd stop jobs with SIGTERM: exit through Python so staging folders are cleaned up
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143)) if main_thread else None
    from ._dates import today

    if quiet:  # studies and bootstraps inside the run stay quiet too (cxkit._progress)
        import os

        from ._progress import PROGRESS_ENV

        os.environ[PROGRESS_ENV] = "0"

    # today unless the batch or a -p run_date sets it (plan_runs lets a report's own run_date win)
    dates = run_dates or ((today(),) if "run_date" not in dict(params) else ())
    try:
        res = run_reports(batch, notebook=None if batch else (notebook or str(DEFAULT_NOTEBOOK)),
                          run_date=dates, text_parameters=dict(params), output=output, jobs=jobs,
                          force=force, skip_existing=skip_existing, timeout=timeout,
                          notebook_timeout=notebook_timeout, progress=False if quiet else None)
    except CxkitError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)
    click.echo(res.table())
    from pathlib import Path

    for index in res.indexes:  # a link a terminal can open
        click.echo(f"open: {Path(index).resolve().as_uri()}")
    root = Path(output) / "index.html"
    if root.exists():
        click.echo(f"all dates: {root.resolve().as_uri()}")
    sys.exit(res.exit_code)


@main.command()
@click.argument("notebook", type=click.Path(dir_okay=False))
def params(notebook: str) -> None:
    """List NOTEBOOK's parameters: name, type, default and what it means (its comment).

    NOTEBOOK may be a path or the name of a bundled report (e.g. 03_effort_nps_churn).
    """
    from pathlib import Path

    from .run.batch import DEFAULT_NOTEBOOK
    from .run.notebook import notebook_parameters

    path = Path(notebook)
    if not path.exists():  # a bundled report by name
        bundled = DEFAULT_NOTEBOOK.parent / (path.name if path.suffix else f"{path.name}.ipynb")
        path = bundled if bundled.exists() else path
    try:
        declared = notebook_parameters(path)
    except CxkitError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    width = max((len(n) for n in declared), default=4)
    for name, p in declared.items():
        click.echo(f"{name:<{width}}  {p['type']:<6}  default {p['default']!r}" + (f"  # {p['help']}" if p["help"] else ""))


@main.command()
@click.argument("folder", type=click.Path(file_okay=False), default="sample", required=False)
def sample(folder: str) -> None:
    """Write the synthetic sample data into FOLDER (default ./sample).

    The copy shipped with cxkit is cxkit/data/sample (``cx.sample_spec_path()``).
    """
    from .data.synth import write_sample

    for p in write_sample(folder):
        click.echo(p)


@main.command()
@click.argument("spec", type=click.Path(dir_okay=False))
@click.option("--strict", is_flag=True, help="Treat warnings (duplicates kept, unmatched ids) as errors too.")
def validate(spec: str, strict: bool) -> None:
    """Print SPEC's data-quality report; exit 1 on errors (2 if the spec itself is malformed)."""
    from .data.validate import validate_dataset

    report = validate_dataset(spec)
    click.echo(report.text())
    if any(i.table == "spec" for i in report.errors):
        sys.exit(2)
    if not report.ok or (strict and report.warnings):
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
