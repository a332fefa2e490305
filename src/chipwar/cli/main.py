"""Entry point: ``chipwar``. Each command group lives in its own module and registers itself."""

from __future__ import annotations

import sys

import typer
from rich.markup import escape

from chipwar import __version__
from chipwar.cli import compute, controls, data, dynamics, report, screening, supply, workloads
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


for module in (data, compute, workloads, controls, screening, supply, dynamics, report):
    module.register(app)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; a ChipwarError prints one clear message and exits non-zero (no traceback)."""
    try:
        app(args=argv, standalone_mode=False)
    except ChipwarError as exc:
        stderr.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        return exc.exit_code
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        stderr.print("aborted")
        return 130
    except Exception as exc:  # click usage errors arrive here in non-standalone mode
        import click

        if isinstance(exc, click.ClickException):
            exc.show(file=sys.stderr)
            return exc.exit_code
        raise
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
