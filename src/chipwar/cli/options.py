"""Options shared by the commands' signatures, kept free of heavy imports: building the command
tree (``chipwar --help``, ``chipwar CMD --help``) reads only this module and Typer, never pandas,
NumPy or pydantic; each command imports what it uses when it runs."""

from __future__ import annotations

from enum import Enum

import typer


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


FORMAT_OPTION = typer.Option(Format.table, "--format", "-f", help="table, json or csv.")
"""The ``--format`` option of a command whose output is a table."""
FORMAT_OPTION_NO_CSV = typer.Option(Format.table, "--format", "-f", help="table or json.")
"""The ``--format`` option of a command whose output is not one table."""


class TableColumns:
    """What ``--columns a,b`` and ``--wide`` ask of the next table (set by the options'
    callbacks, read by :func:`chipwar.cli.output.emit`)."""

    columns: list[str] | None = None
    wide: bool = False


def set_columns(value: str | None) -> str | None:
    """``--columns``: the table's columns, comma-separated field names (as in JSON/CSV)."""
    parts = [p.strip() for p in (value or "").split(",")]
    TableColumns.columns = list(dict.fromkeys(p for p in parts if p)) or None
    return value


def set_wide(value: bool) -> bool:
    """``--wide``: every field as a table column."""
    TableColumns.wide = bool(value)
    return value


COLUMNS_OPTION = typer.Option(
    None,
    "--columns",
    metavar="A,B,...",
    callback=set_columns,
    help="Table columns to show: field names as in --format json, comma-separated.",
)
WIDE_OPTION = typer.Option(
    False, "--wide", callback=set_wide, help="Show every field in the table."
)
