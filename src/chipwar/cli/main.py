"""Entry point: ``chipwar``. Each command group lives in its own module and registers itself."""

from __future__ import annotations

import sys

import typer
from rich.markup import escape

from chipwar import __version__
from chipwar.cli import (
    compute,
    controls,
    data,
    dynamics,
    report,
    screening,
    serve,
    supply,
    tools,
    workloads,
)
from chipwar.cli.output import stderr
from chipwar.errors import ChipwarError

app = typer.Typer(
    name="chipwar",
    help="A sourced, runnable model of the US-China chip war.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"chipwar {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """chipwar: compute cost, export controls, supply chains and industry dynamics."""


for module in (
    data, compute, workloads, controls, tools, screening, supply, dynamics, report, serve,
):  # fmt: skip
    module.register(app)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code.

    Usage errors (bad flags, bad choices) are reported by Typer/Click with exit code 2; a
    ChipwarError prints one ``error: ...`` line and exits 2. Tracebacks are for bugs only.
    """
    try:
        app(args=argv, prog_name="chipwar", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except ChipwarError as exc:
        stderr.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        return exc.exit_code
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
