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
