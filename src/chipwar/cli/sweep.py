"""``chipwar sweep``: run an experiment on Dask into Parquet, query it with DuckDB, check its
progress and the sensitivity of an outcome."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

import typer

from chipwar.cli.options import FORMAT_OPTION, FORMAT_OPTION_NO_CSV, Format

sweep_app = typer.Typer(
    help="Experiments over any engine: run on Dask, results in Parquet, query with DuckDB.",
    no_args_is_help=True,
)


@contextlib.contextmanager
def _progress() -> Iterator[Callable[[int, int], None] | None]:
    """A Rich progress bar over chunks on a terminal; nothing when piped."""
    from chipwar.cli.output import progress_enabled, stderr

    if not progress_enabled():
        yield None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn("chunks"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
        TimeRemainingColumn(), console=stderr, transient=True,
    ) as bar:  # fmt: skip
        task = bar.add_task("chunks", total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


@sweep_app.command("run")
def run_cmd(
    experiment: Path = typer.Argument(..., help="Experiment file (YAML or JSON)."),
    out: Path = typer.Option(..., "--out", "-o", help="Output folder (reused to resume)."),
    workers: int = typer.Option(2, "--workers", "-w", help="Local worker processes."),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="Address of an existing Dask scheduler (tcp://host:8786)."
    ),
    fmt: Format = FORMAT_OPTION_NO_CSV,
) -> None:
    """Run (or resume) an experiment; finished chunks in --out are skipped."""
    from chipwar.cli.output import emit
    from chipwar.experiments.runner import run_experiment
    from chipwar.experiments.spec import read_experiment

    exp = read_experiment(experiment)
    try:
        with _progress() as bar:
            summary = run_experiment(exp, out, workers=workers, scheduler=scheduler, progress=bar)
    except KeyboardInterrupt:  # the entry point prints this one line and exits 130
        raise KeyboardInterrupt(
            "interrupted; finished chunks are kept; run the same command to resume"
        ) from None
    emit(
        {
            "experiment": exp.name,
            "out": str(summary.out),
            "rows": summary.rows,
            "chunks": summary.chunks_total,
            "chunks_skipped": summary.chunks_skipped,
            "chunks_run": summary.chunks_run,
        },
        fmt,
    )


@sweep_app.command("status")
def status_cmd(
    out: Path = typer.Argument(..., help="Sweep folder."),
    fmt: Format = FORMAT_OPTION_NO_CSV,
) -> None:
    """Chunks done and missing, rows, the experiment and the package version."""
    from chipwar.cli.output import emit
    from chipwar.experiments.runner import status

    st = status(out)
    if fmt is Format.json:
        emit(st, fmt)
    else:  # one field per line reads better than one very wide row
        emit([{"field": k, "value": v} for k, v in st.items()], fmt)


@sweep_app.command("query")
def query_cmd(
    out: Path = typer.Argument(..., help="Sweep folder."),
    sql: str = typer.Argument(..., help='One SELECT over the view "results".'),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Run one read-only SQL SELECT (DuckDB) over the sweep's ``results`` view."""
    from chipwar.cli.output import emit
    from chipwar.experiments.store import query

    emit(query(out, sql), fmt)


@sweep_app.command("sensitivity")
def sensitivity_cmd(
    out: Path = typer.Argument(..., help="Sweep folder (design sobol or morris)."),
    outcome: str = typer.Option(..., "--outcome", help="Outcome column to analyse."),
    method: str = typer.Option(
        "design", "--method", help="design (Sobol or Morris, as the sweep's design) or tornado."
    ),
    conf_level: float = typer.Option(0.95, "--conf-level", help="Confidence level of the CIs."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Sobol indices (first/total order with CIs) or Morris effects with SALib, or a tornado
    (outcome mean in each input's lowest and highest decile) for any design."""
    from chipwar.cli.output import emit
    from chipwar.errors import InputError
    from chipwar.experiments.sensitivity import analyse, tornado

    if method == "design":
        emit(analyse(out, outcome, conf_level=conf_level), fmt)
    elif method == "tornado":
        emit(tornado(out, outcome), fmt)
    else:
        raise InputError("--method", method, "design or tornado")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.add_typer(sweep_app, name="sweep")
