"""Entry point: ``chipwar``. Each command group lives in its own module and registers itself."""

from __future__ import annotations

import contextvars
import os
import sys
from collections.abc import Callable
from functools import cache
from typing import Any

import typer
from rich.text import Text

from chipwar.cli import (
    INTERRUPTED,
    compute,
    controls,
    data,
    dynamics,
    interrupted,
    report,
    screening,
    serve,
    supply,
    sweep,
    tools,
    workloads,
)
from chipwar.errors import ChipwarError


def _unset_flags_skip_coercion() -> None:
    """Typer 0.29 coerces every parameter value through a pydantic adapter, even a group's
    unset ``--help`` flag (``None`` until given), which made ``chipwar CMD --help`` import
    pydantic. An unset boolean flag is ``False``: Typer's own fast path for a bool then applies
    (no adapter, no pydantic), and the flag's callback sees the same falsy value as before.
    ``tests/test_startup.py`` fails if this stops keeping pydantic out."""
    original = typer.core.TyperOption.process_value
    if getattr(original, "chipwar_unset_flags", False):
        return

    def process_value(self: typer.core.TyperOption, ctx: Any, value: Any) -> Any:
        if value is None and self.is_bool_flag and self.type_descriptor.annotation is bool:
            value = False
        return original(self, ctx, value)

    process_value.chipwar_unset_flags = True  # type: ignore[attr-defined]
    typer.core.TyperOption.process_value = process_value  # type: ignore[method-assign,assignment]


_unset_flags_skip_coercion()

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
        from chipwar import __version__

        typer.echo(f"chipwar {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
    strict: bool = typer.Option(
        False,
        "--strict",
        help="Treat plausibility warnings (e.g. cost_of_capital=5: did you mean 0.05?) as "
        "errors (exit 2) instead of answering.",
    ),
) -> None:
    """chipwar: compute cost, export controls, supply chains and industry dynamics."""
    from chipwar.plausibility import set_strict

    set_strict(strict)


for module in (
    data, compute, workloads, controls, tools, screening, supply, dynamics, sweep, report, serve,
):  # fmt: skip
    module.register(app)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code.

    Usage errors (bad flags, bad choices) are reported by Typer/Click with exit code 2; a
    ChipwarError prints one ``error: ...`` line and exits 2. Ctrl-C anywhere (building the
    command tree, computing, writing) prints one line and exits 130: the exception unwinds first,
    so the atomic writers (:func:`chipwar.catalog.io.write_atomically`) remove their temporary
    files and leave no output half-written. Tracebacks are for bugs only.
    """
    try:  # a context of its own: --strict and the warnings stay within this run
        return contextvars.copy_context().run(_main, argv)
    except KeyboardInterrupt as exc:
        return interrupted(str(exc) or INTERRUPTED)


def _print_warning(text: str) -> None:
    from chipwar.cli.output import stderr

    stderr.print(Text.assemble(("warning:", "bold yellow"), " ", text), highlight=False)


def _main(argv: list[str] | None) -> int:
    from chipwar.plausibility import collect

    _never_fail_on_encoding()
    _ignore_bad_terminal_size()
    try:
        with collect(on_warning=_print_warning):
            _command()(args=argv, prog_name="chipwar", standalone_mode=True)
    except SystemExit as exc:
        stop = _interrupt_behind(exc)
        if stop is not None:  # Typer turns Ctrl-C inside a command into a silent exit 130
            return interrupted(str(stop) or INTERRUPTED)
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except ChipwarError as exc:
        from chipwar.cli.output import stderr

        stderr.print(
            Text.assemble(("error:", "bold red"), " ", str(exc)), highlight=False, soft_wrap=True
        )
        return exc.exit_code
    return 0


def _interrupt_behind(exc: BaseException) -> KeyboardInterrupt | None:
    """The KeyboardInterrupt that an exit was raised from or while handling, if any."""
    seen: set[int] = set()
    link: BaseException | None = exc
    while link is not None and id(link) not in seen:
        if isinstance(link, KeyboardInterrupt):
            return link
        seen.add(id(link))
        link = link.__cause__ or link.__context__
    return None


@cache
def _command() -> Callable[..., Any]:
    """The Click command tree, built once per process (``app()`` rebuilds it from the function
    signatures on every call, which was a quarter of a short command's time)."""
    return typer.main.get_command(app)


def _ignore_bad_terminal_size() -> None:
    """Drop ``COLUMNS``/``LINES`` unless they are plain whole numbers from 1 to 10,000: Rich and
    Click read them with ``int()`` after ``str.isdigit()``, which accepts ``²`` (found by
    fuzzing), and ``COLUMNS=abc`` used to break every command."""
    for name in ("COLUMNS", "LINES"):
        value = os.environ.get(name)
        if value is not None and not (
            value.isascii() and value.isdecimal() and 1 <= int(value) <= 10_000
        ):
            del os.environ[name]


def _never_fail_on_encoding() -> None:
    """Characters the output encoding cannot hold (a lone surrogate from a non-UTF-8 argument,
    Chinese names on an ASCII terminal) are written as backslash escapes instead of raising."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
