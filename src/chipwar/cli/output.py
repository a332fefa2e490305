"""Shared output for every command: a Rich table on a terminal, or JSON/CSV on stdout.

JSON goes to stdout and messages to stderr, so ``chipwar ... --format json | jq`` works.
"""

from __future__ import annotations

import csv
import json
import math
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table

from chipwar.cli.options import FORMAT_OPTION as FORMAT_OPTION  # re-exported
from chipwar.cli.options import FORMAT_OPTION_NO_CSV as FORMAT_OPTION_NO_CSV
from chipwar.cli.options import Format
from chipwar.serialize import document, dumps, rows_of
from chipwar.serialize import to_jsonable as to_jsonable  # re-exported for callers


def console_width(environ: Mapping[str, str] | None = None) -> int:
    """Table width when output is piped: ``COLUMNS`` if it is a whole number from 20 to 1,000
    (anything else, such as ``COLUMNS=abc``, is ignored), else 200 (Rich would use 80)."""
    raw = (os.environ if environ is None else environ).get("COLUMNS", "").strip()
    return min(int(raw), 1000) if raw.isascii() and raw.isdecimal() and int(raw) >= 20 else 200


def _console(stderr: bool = False) -> Console:
    """A console that is wide enough for tables when output is piped, and that prints every
    string literally: Rich markup (``[bold]``, ``[/x]``) and emoji codes (``:smile:``) in data are
    shown as typed, never interpreted. Styles are given with ``style=`` or ``Text`` instead."""
    probe = Console(stderr=stderr)
    width = None if probe.is_terminal else console_width()
    return Console(stderr=stderr, width=width, markup=False, emoji=False)


stdout = _console()
stderr = _console(stderr=True)


def split_ids(values: Iterable[str] | None) -> list[str]:
    """Ids from repeated flags and comma-separated lists alike, in order and without repeats:
    ``-c a -c b,c,a`` -> [a, b, c]."""
    parts = (part.strip() for v in values or [] for part in v.split(","))
    return list(dict.fromkeys(p for p in parts if p))


def fmt_cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if not math.isfinite(value):
            return "—"
        a = abs(value)
        if a == 0:
            return "0"
        if a >= 1e6 or a < 1e-3:
            return f"{value:.3g}"
        if a >= 1000:
            return f"{value:,.0f}"
        if a >= 100:
            return f"{value:.4g}"
        if a >= 1:
            return f"{value:,.3g}" if a < 10 else f"{value:,.1f}"
        return f"{value:.3f}"
    if isinstance(value, list):
        return "; ".join(fmt_cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def emit(
    data: pd.DataFrame | Sequence[Mapping[str, Any]] | Mapping[str, Any],
    fmt: Format,
    *,
    columns: Iterable[str] | None = None,
    table_columns: Iterable[str] | None = None,
    title: str | None = None,
) -> None:
    """Print rows (or one object) as a Rich table, JSON or CSV. ``columns``: the columns (and
    their order) in a table or CSV; ``table_columns``: the table's alone (CSV keeps every one)."""
    if fmt is Format.table and table_columns is not None:
        columns = table_columns
    if fmt is Format.json:
        _write(dumps(document(data)))
        return
    if isinstance(data, Mapping):
        data = [data]
    rows = rows_of(data)
    cols = list(columns) if columns is not None else (list(rows[0]) if rows else [])
    if fmt is Format.csv:
        writer = csv.DictWriter(
            sys.stdout, fieldnames=cols, extrasaction="ignore", lineterminator="\n"
        )
        writer.writeheader()
        for r in rows:
            writer.writerow({k: _csv_cell(r.get(k)) for k in cols})
        return
    table = Table(title=title, header_style="bold", show_lines=False)
    for i, c in enumerate(cols):
        # The first column holds ids: kept whole so they can be read and copied.
        table.add_column(c, overflow="fold", no_wrap=i == 0)
    for r in rows:
        table.add_row(*(fmt_cell(r.get(c)) for c in cols))
    stdout.print(table)


def _csv_cell(value: Any) -> Any:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def _write(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


LARGE_WORK_BYTES = 2**30
"""Work estimated above this much memory is announced on stderr before it starts."""


def note_large_work(estimated_bytes: float, what: str) -> None:
    """Say on stderr, before starting, that ``what`` will take about this much memory (only
    when above ``LARGE_WORK_BYTES``), so that a long run is never silent."""
    from chipwar.catalog.io import memory_budget_bytes

    if LARGE_WORK_BYTES < estimated_bytes <= memory_budget_bytes():
        stderr.print(
            f"note: {what} needs about {estimated_bytes / 2**30:,.1f} GiB of memory; this may take "
            "a while",
            highlight=False,
        )


def progress_enabled() -> bool:
    """Progress bars only on an interactive terminal (quiet when piped)."""
    return sys.stderr.isatty()
