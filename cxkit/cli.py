"""Command line: ``cxkit run`` executes a report notebook; ``cxkit sample`` regenerates sample data;
``cxkit validate`` prints a dataset spec's data-quality report."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import yaml

from .errors import CxkitError

DEFAULT_NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "01_cx_overview.ipynb"


@click.group()
def main() -> None:
    """cxkit: customer-experience research kit."""


@main.command()
@click.argument("notebook", type=click.Path(dir_okay=False), default=str(DEFAULT_NOTEBOOK))
@click.option("--run-date", required=True, help="Report date (YYYY-MM-DD); data after it is ignored.")
@click.option("-p", "--param", "params", multiple=True, nargs=2, metavar="NAME VALUE",
              help="Notebook parameter; VALUE is parsed as YAML (numbers, lists, null).")
@click.option("--output", "output", default="reports", show_default=True, type=click.Path(file_okay=False),
              help="Reports folder; outputs go to OUTPUT/<run-date>/.")
@click.option("--force", is_flag=True, help="Overwrite an earlier report of the same run date.")
@click.option("--skip-existing", is_flag=True, help="If the report exists already, print its path and stop.")
def run(notebook: str, run_date: str, params: tuple, output: str, force: bool, skip_existing: bool) -> None:
    """Execute NOTEBOOK with papermill and render it to HTML (code hidden)."""
    from .report import execute_notebook

    parameters = {k: yaml.safe_load(v) for k, v in params}
    parameters["run_date"] = run_date
    existing = Path(output) / run_date / f"{Path(notebook).stem}.html"
    if skip_existing and not force and existing.exists():
        click.echo(f"exists (not overwritten): {existing}")
        return
    try:
        res = execute_notebook(notebook, Path(output) / run_date, parameters, force=force)
    except CxkitError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    click.echo(f"{res.status}: {res.html}")
    if res.status != "ok":
        click.echo(f"error: {res.error}", err=True)
        sys.exit(1)


@main.command()
@click.argument("folder", type=click.Path(file_okay=False), default="data/sample")
def sample(folder: str) -> None:
    """Regenerate the synthetic sample data into FOLDER."""
    from .synth import write_sample

    for p in write_sample(folder):
        click.echo(p)


@main.command()
@click.argument("spec", type=click.Path(dir_okay=False))
@click.option("--strict", is_flag=True, help="Treat warnings (duplicates kept, unmatched ids) as errors too.")
def validate(spec: str, strict: bool) -> None:
    """Print SPEC's data-quality report; exit 1 on errors (2 if the spec itself is malformed)."""
    from .validate import validate_dataset

    report = validate_dataset(spec)
    click.echo(report.text())
    if any(i.table == "spec" for i in report.errors):
        sys.exit(2)
    if not report.ok or (strict and report.warnings):
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
