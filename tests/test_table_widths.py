"""Tables for people at 80, 100 and 120 columns: every line fits, no header is split inside a
word, numbers and ids stay whole, and JSON keeps every field under its own name."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from chipwar.cli.output import fmt_cell, header

CHIPWAR = [sys.executable, "-m", "chipwar.cli.main"]
TCO = ["tco", "-c", "huawei-ascend-910c,nvidia-h20", "-s", "cn-inner-mongolia"]
COMMANDS = [
    TCO,
    [*TCO, "--samples", "200"],
    ["compare"],
    ["sensitivity", "-c", "huawei-ascend-910c", "-s", "cn-inner-mongolia"],
    ["classify", "-c", "nvidia-a800,nvidia-h20,nvidia-rtx-4090d", "--date", "2024-06-01"],
    ["supply", "run", "nexperia-2025"],
    ["dynamics", "run", "baseline"],
]


def run(argv: list[str], columns: int) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": str(columns)}
    return subprocess.run(
        [*CHIPWAR, *argv], capture_output=True, text=True, env=env, timeout=300, check=False
    )


def header_lines(out: str) -> list[str]:
    """The lines above the table's header rule (───)."""
    lines = out.splitlines()
    rule = next(i for i, line in enumerate(lines) if line.startswith("──"))
    return [line for line in lines[:rule] if line.strip()]


def words_of(field_names: list[str]) -> set[str]:
    return {w for f in field_names for w in header(f).split()}


@pytest.mark.parametrize("columns", [80, 100, 120])
@pytest.mark.parametrize("argv", COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_table_fits_and_headers_split_only_between_words(argv: list[str], columns: int) -> None:
    res = run(argv, columns)
    assert res.returncode == 0, res.stderr
    widest = max(len(line) for line in res.stdout.splitlines())
    assert widest <= columns, f"a line of {widest} > {columns}"
    if argv[0] == "compare":
        return  # its columns are case labels, not fields
    doc = json.loads(run([*argv, "--format", "json"], 200).stdout)
    fields = list((doc["plants"] if isinstance(doc, dict) else doc)[0])
    allowed = words_of(fields)
    # A piece of a header word (``usd_p``, ``dome``) is a token that is part of a header word
    # without being one (the title above the table may hold other whole words).
    for line in header_lines(res.stdout):
        for token in line.split():
            pieces = [w for w in allowed if token in w and token != w]
            assert token in allowed or not pieces or len(token) < 3, (
                f"header piece {token!r} of {pieces} at {columns} columns"
            )


@pytest.mark.parametrize("columns", [80, 100, 120])
def test_tco_two_rows_read_as_two_lines(columns: int) -> None:
    """The issue's example: at 80 columns it printed 39 lines for 2 rows."""
    res = run(TCO, columns)
    lines = res.stdout.splitlines()
    rule = next(i for i, line in enumerate(lines) if line.startswith("──"))
    body = lines[rule + 1 :]
    assert [line.split()[0] for line in body] == ["huawei-ascend-910c", "nvidia-h20"]
    assert all("cn-inner-mongolia" in line for line in body)  # ids whole
    assert len(lines) <= 5


def test_wide_shows_every_field_and_columns_chooses() -> None:
    fields = list(json.loads(run([*TCO, "--format", "json"], 200).stdout)[0])
    wide = run([*TCO, "--wide"], 1000).stdout
    assert all(header(f) in " ".join(wide.split()) for f in fields[:5])
    chosen = run([*TCO, "--columns", "chip,kwh_per_pflop_hour"], 100).stdout.splitlines()
    assert chosen[0].split() == ["chip", "kWh/PFLOP-h"]
    bad = run([*TCO, "--columns", "chip,nonsense"], 100)
    assert bad.returncode == 2 and "--columns" in bad.stderr and "nonsense" in bad.stderr


def test_json_and_csv_keep_every_field_at_full_precision() -> None:
    rows = json.loads(run([*TCO, "--format", "json"], 80).stdout)
    assert len(rows[0]) == 24 and "usd_per_pflop_hour" in rows[0]
    csv_head = run([*TCO, "--format", "csv"], 80).stdout.splitlines()[0].split(",")
    assert "usd_per_pflop_hour" in csv_head and "capex_usd_per_hour" in csv_head
    assert rows[0]["usd_per_pflop_hour"] != round(rows[0]["usd_per_pflop_hour"], 3)


def test_cells_have_three_significant_digits() -> None:
    assert [fmt_cell(x) for x in (0.039372, 3.7556, 17.656, 123.4, 12345.6, 2.5e7)] == [
        "0.0394", "3.76", "17.7", "123", "12,300", "2.5e+07",
    ]  # fmt: skip
    assert header("usd_per_pflop_hour") == "$/PFLOP-h"
    assert header("capex_usd_per_hour") == "capex $/h"
