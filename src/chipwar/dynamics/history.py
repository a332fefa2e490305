"""Historical series for the dynamics model (``data/history/*.csv``, long form).

Each row is ``series, year, value, unit, source, note``; ``series`` is ``name:variant`` where the
variant names the source family (``self_sufficiency:icinsights`` vs ``self_sufficiency:seed``).
Variants of one quantity are never averaged: a caller picks one by name.
"""

from __future__ import annotations

import math
import re
from functools import cache
from pathlib import Path

import pandas as pd

from chipwar.catalog.io import DATA_DIR, csv_records, raise_problems, read_csv
from chipwar.catalog.sources import Source, check_source_ids
from chipwar.errors import DataError, InputError, UnknownIdError

HISTORY_DIR = DATA_DIR / "history"
COLUMNS = ["series", "year", "value", "unit", "source", "note"]
UNITS = {
    "usd_bn", "cny_bn", "eur_bn", "pct", "units", "units_m", "units_bn", "wafers_per_month",
}  # fmt: skip
SERIES_RE = re.compile(r"^[a-z0-9_]+:[a-z0-9-]+$")


def read_history(directory: str | Path | None = None) -> pd.DataFrame:
    """Read every ``*.csv`` in the history folder into one long frame (adds name, variant, file)."""
    folder = Path(directory) if directory is not None else HISTORY_DIR
    frames = []
    for path in sorted(folder.glob("*.csv")):
        table = read_csv(path)
        if table.fieldnames != COLUMNS:
            raise DataError(f"{path.name}: columns must be {COLUMNS}, got {table.fieldnames}")
        problems: list[str] = []
        records = list(csv_records(table, path.name, problems))
        raise_problems(problems)
        frame = pd.DataFrame([row for _, row in records], columns=COLUMNS)
        frame["file"] = path.name
        frame["line"] = [line for line, _ in records]
        frames.append(frame)
    if not frames:
        raise DataError(f"{folder}: no history CSV files")
    out = pd.concat(frames, ignore_index=True)
    out["note"] = out["note"].fillna("")
    problems = _row_problems(out)
    if problems:
        raise DataError("\n".join(problems))
    out["year"] = out["year"].astype(int)
    out["value"] = out["value"].astype(float)
    parts = out["series"].str.split(":", n=1, expand=True)
    out["name"], out["variant"] = parts[0], parts[1]
    return out


@cache
def _default() -> pd.DataFrame:
    return read_history()


def load_history() -> pd.DataFrame:
    """The shipped history (a copy; cached read)."""
    return _default().copy()


def _row_problems(frame: pd.DataFrame) -> list[str]:
    problems: list[str] = []
    seen: set[tuple[str, int]] = set()
    for row in frame.to_dict(orient="records"):
        where = f"history/{row['file']} line {row['line']}"
        if not isinstance(row["series"], str) or not SERIES_RE.match(row["series"]):
            problems.append(f"{where}: series {row['series']!r} must look like 'name:variant'")
        year: int | None = None
        try:
            year = int(row["year"])
            if not 1990 <= year <= 2100 or year != float(row["year"]):
                raise ValueError
        except (TypeError, ValueError):
            problems.append(f"{where}: year {row['year']!r} must be an integer in 1990-2100")
            year = None
        try:
            value = float(row["value"])
            if not math.isfinite(value):
                raise ValueError
        except (TypeError, ValueError):
            problems.append(f"{where}: value {row['value']!r} must be a finite number")
        if row["unit"] not in UNITS:
            problems.append(f"{where}: unit {row['unit']!r} not in {sorted(UNITS)}")
        if not isinstance(row["source"], str) or not row["source"].strip():
            problems.append(f"{where}: source is empty (every value needs a source id)")
        key = (str(row["series"]), year or 0)
        if year is not None and key in seen:
            problems.append(f"{where}: duplicate series/year {key}")
        seen.add(key)
    return problems


def source_ids(frame: pd.DataFrame) -> list[tuple[str, str]]:
    """(where, id) for every source id cited; several ids are separated by ';'."""
    out = []
    for row in frame.itertuples(index=False):
        for sid in str(row.source).split(";"):
            out.append((f"history/{row.file} line {row.line}", sid.strip()))
    return out


def check_data(sources: dict[str, Source]) -> list[str]:
    """Checker for ``chipwar data validate``: row problems plus unresolved source ids."""
    try:
        frame = read_history()
    except DataError as exc:
        return str(exc).splitlines()
    problems: list[str] = []
    for where, sid in source_ids(frame):
        problems += check_source_ids([sid], where, sources)
    return problems


def series_names() -> list[str]:
    """Every ``name:variant`` shipped."""
    return sorted(_default()["series"].unique())


def get_series(series: str) -> pd.Series:
    """Values of one series (``name:variant``) indexed by year; unknown names raise."""
    frame = _default()
    rows = frame[frame["series"] == series]
    if rows.empty:
        raise UnknownIdError("history series", series, series_names())
    return pd.Series(rows["value"].to_numpy(), index=rows["year"].to_numpy(), name=series)


def value_at(series: str, year: int) -> float:
    """One value; a year with no data raises InputError naming the years that exist."""
    values = get_series(series)
    if year not in values.index:
        years = ", ".join(str(y) for y in values.index)
        raise InputError("year", year, f"a year with data for {series}: {years}")
    return float(values.loc[year])
