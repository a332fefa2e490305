"""Shared output for every command: a Rich table on a terminal, or JSON/CSV on stdout.

JSON goes to stdout and messages to stderr, so ``chipwar ... --format json | jq`` works.
"""

from __future__ import annotations

import contextlib
import csv
import json
import math
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import pandas as pd
from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table

from chipwar.cli.options import FORMAT_OPTION as FORMAT_OPTION  # re-exported
from chipwar.cli.options import FORMAT_OPTION_NO_CSV as FORMAT_OPTION_NO_CSV
from chipwar.cli.options import Format, TableColumns
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


def sig3(value: float) -> str:
    """``value`` to three significant digits, as table cells show it."""
    return _sig3(value)


def fmt_cell(value: Any) -> str:
    """A cell for people: floats to three significant digits (thousands separated), ``—`` for
    missing or non-finite values, ``yes``/``no`` for booleans. JSON and CSV keep full values."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return _sig3(value)
    if isinstance(value, list):
        return "; ".join(fmt_cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _sig3(value: float) -> str:
    """Three significant digits: 0.0394, 3.76, 17.7, 123, 12,300; 1.23e+06 and 1.23e-04 outside
    [0.001, 1e6)."""
    if not math.isfinite(value):
        return "—"
    if value == 0:
        return "0"
    rounded = float(f"{value:.3g}")
    a = abs(rounded)
    if a >= 1e6 or a < 1e-3:
        return f"{value:.3g}"
    if a >= 100:
        return f"{rounded:,.0f}"
    return f"{rounded:.3g}"


_UNIT_WORDS = {
    "usd": "$", "kwh": "kWh", "pflop": "PFLOP", "pflops": "PFLOPS", "tflops": "TFLOPS",
    "kgco2": "kgCO2", "gco2": "gCO2", "hour": "h", "hours": "h", "kw": "kW", "mw": "MW",
    "gw": "GW", "twh": "TWh", "mwh": "MWh", "pct": "%", "mtok": "Mtok",
}  # fmt: skip
_HEADERS = {
    "usd_per_accelerator_hour": "$/h",
    "electricity_share": "elec. share",
    "electricity_share_p50": "elec. share p50",
    "usable_pflops": "usable PFLOPS",
    "p_cheapest": "P cheapest",
}
"""Headers that the generic rule in :func:`header` would make longer or less clear."""


def header(column: str) -> str:
    """A column's header for people: words split at ``_`` (so that a narrow column wraps
    between words), units written once and short: ``usd_per_pflop_hour`` -> ``$/PFLOP-h``,
    ``capex_usd_per_hour`` -> ``capex $/h``. JSON and CSV keep the field names."""
    if column in _HEADERS:
        return _HEADERS[column]
    words = column.split("_")
    if "per" in words[1:-1]:
        i = words.index("per")
        before, after = words[:i], words[i + 1 :]
        n = next((k for k, w in enumerate(after) if w not in _UNIT_WORDS), len(after))
        units, tail = after[:n], after[n:]
        if before and before[-1] in _UNIT_WORDS and units:
            unit = _UNIT_WORDS[before[-1]] + "/" + "-".join(_UNIT_WORDS[w] for w in units)
            return " ".join([*before[:-1], unit, *tail])
    return " ".join(words)


def _table_columns(rows: list[dict[str, Any]], default: list[str]) -> list[str]:
    everything = list(dict.fromkeys(k for r in rows for k in r)) or default
    if TableColumns.columns:
        unknown = [c for c in TableColumns.columns if c not in everything]
        if unknown:
            from chipwar.errors import InputError

            raise InputError("--columns", unknown[0], "one of " + ", ".join(everything))
        return TableColumns.columns
    if TableColumns.wide:
        return everything
    return default


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
    cols = _table_columns(rows, cols)
    cells = [[fmt_cell(r.get(c)) for c in cols] for r in rows]
    # Horizontal rules only: every character of an 80-column terminal goes to the data.
    table = Table(
        title=title, header_style="bold", show_lines=False, box=box.SIMPLE_HEAD,
        pad_edge=False, show_edge=False, padding=(0, 1, 0, 0),
    )  # fmt: skip
    labels = [header(c) for c in cols]
    natural = [
        max([cell_len(lab), *(cell_len(row[i]) for row in cells)]) for i, lab in enumerate(labels)
    ]
    # Ids (the first column, ``id``, ``*_id``) are kept whole so that they can be read and copied.
    ids = [i == 0 or c == "id" or c.endswith("_id") for i, c in enumerate(cols)]
    least = [_least_width(lab, [row[i] for row in cells], ids[i]) for i, lab in enumerate(labels)]
    chosen = TableColumns.wide or TableColumns.columns
    if not chosen and sum(least) + 2 * (len(cols) - 1) > stdout.width:
        # Whole columns that fit, rather than every column cut into pieces: say what is left.
        keep = 1
        while keep < len(cols) and sum(least[: keep + 1]) + 2 * keep <= stdout.width:
            keep += 1
        stderr.print(
            f"note: {len(cols) - keep} more column{'s' if len(cols) - keep > 1 else ''} at this "
            "width ("
            + ", ".join(cols[keep:]) + "); --wide shows every field, --columns A,B chooses",
            highlight=False,
        )  # fmt: skip
        cols, labels, natural, least = cols[:keep], labels[:keep], natural[:keep], least[:keep]
        cells = [row[:keep] for row in cells]
    # Between columns: one space of padding and one of rule; none at the edges.
    widest_cell = [max([least[i], *(cell_len(row[i]) for row in cells)]) for i in range(len(cols))]
    widths = _widths(natural, widest_cell, least, stdout.width - 2 * (len(cols) - 1))
    for i, label in enumerate(labels):
        # ``widths`` never splits a header word, a number or an id (None: cannot fit at all,
        # as with --wide on a narrow terminal; Rich then folds).
        table.add_column(
            label,
            overflow="fold",
            no_wrap=i == 0,
            width=None if widths is None else widths[i],
        )
    for row in cells:
        table.add_row(*row)
    stdout.print(table)


def _widths(natural: list[int], cells: list[int], least: list[int], room: int) -> list[int] | None:
    """Column widths (without padding) within ``room`` characters: every column its natural
    width if they all fit; else each its least width, then spare room to make whole cells
    (``cells``: the widest cell) and after that whole headers, each time first to the columns
    that need least. None when even the least widths do not fit."""
    if sum(natural) <= room:
        return natural
    if sum(least) > room:
        return None
    widths = list(least)
    spare = room - sum(least)
    for target in (cells, natural):
        for i in sorted(range(len(widths)), key=lambda k: target[k] - widths[k]):
            give = max(0, min(spare, target[i] - widths[i]))
            widths[i] += give
            spare -= give
    return widths


def _least_width(label: str, cells: list[str], is_id: bool) -> int:
    """The narrowest a column can be without splitting a header word, a number, an id or any
    other single token of up to 24 characters: other text may wrap between words."""
    # One token (an id such as ``us-bis-2024-04-04``, a date) is kept whole too.
    whole = [
        c for c in cells if is_id or _NUMBER.fullmatch(c) or (len(c.split()) == 1 and len(c) <= 24)
    ]
    longest_word = max((cell_len(w) for c in cells for w in c.split()), default=1)
    return max(
        [cell_len(w) for w in label.split()]
        + [cell_len(c) for c in whole]
        + [min(longest_word, 12)]
    )


_NUMBER = re.compile(r"[-+]?[\d,.]+(e[-+]\d+)?%?|—|yes|no")


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


@contextlib.contextmanager
def progress_bar(label: str, *, lazy: bool = False) -> Iterator[Callable[[int, int], None] | None]:
    """A Rich progress bar on stderr when stderr is a terminal, else ``None`` (nothing is
    printed when piped). Yields the ``progress(done, total)`` callback that the
    ``chipwar.commands`` functions and the engines take; the bar disappears when done.
    ``lazy``: the bar appears only at the first report (work that reports only when large, such
    as ``screen``, shows nothing when small)."""
    if not progress_enabled():
        yield None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(stderr=True, markup=False, emoji=False)
    bar = Progress(
        TextColumn(label), BarColumn(), TextColumn("{task.completed}/{task.total}"),
        TimeRemainingColumn(), console=console, transient=True,
    )  # fmt: skip
    task = bar.add_task(label, total=None)
    started = False

    def start() -> None:
        nonlocal started
        if not started:
            bar.start()
            started = True

    def update(done: int, total: int) -> None:
        start()
        bar.update(task, completed=done, total=total)

    if not lazy:
        start()
    try:
        yield update
    finally:
        if started:
            bar.stop()
