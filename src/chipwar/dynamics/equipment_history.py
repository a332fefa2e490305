"""The equipment articles' data (seed articles 4, 5, 6): ASML's China share, ASML's milestones in
China, China's fab capacity, equipment spending and localisation, with one query function.

Annual series live in ``data/history/asml.csv`` and ``capacity.csv`` (read by
``chipwar.dynamics.history``); quarterly shares in ``data/equipment/asml_china_quarterly.csv``
(``series, quarter, value, unit, source, note``; quarter ``YYYYQn``); milestones in
``data/equipment/asml_china_milestones.yaml``. Variants of one quantity (``asml_china_share:20f``
vs ``:press``) use different bases and are never averaged: a caller picks one by name.
"""

from __future__ import annotations

import math
import re
from functools import cache
from pathlib import Path
from typing import Literal

import pandas as pd

from chipwar.catalog.io import DATA_DIR, csv_records, parse_rows, read_csv, read_structured
from chipwar.catalog.sources import Source, check_source_ids
from chipwar.catalog.types import SourceIds, Strict
from chipwar.dynamics.history import get_series, series_names
from chipwar.errors import DataError, InputError, UnknownIdError

EQUIPMENT_DIR = DATA_DIR / "equipment"
QUARTER_RE = re.compile(r"^(\d{4})Q([1-4])$")
QUARTERLY_COLUMNS = ["series", "quarter", "value", "unit", "source", "note"]


class Milestone(Strict):
    """One dated event with what the article says and what the sources say."""

    date: str
    event: str
    article: str | None = None
    status: Literal["confirmed", "differs", "unverified"]
    source: SourceIds
    note: str = ""


def read_quarterly(path: str | Path | None = None) -> pd.DataFrame:
    """Quarterly series, validated: columns, quarter format, finite values, a source per row."""
    path = Path(path) if path is not None else EQUIPMENT_DIR / "asml_china_quarterly.csv"
    table = read_csv(path)
    if table.fieldnames != QUARTERLY_COLUMNS:
        raise DataError(f"{path.name}: columns must be {QUARTERLY_COLUMNS}")
    problems: list[str] = []
    records = list(csv_records(table, path.name, problems))
    values: list[float] = []
    for i, row in records:
        where = f"{path.name} line {i}"
        if not QUARTER_RE.match(str(row["quarter"])):
            problems.append(f"{where}: quarter {row['quarter']!r} must look like 2024Q3")
        try:
            value = float(row["value"])
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            problems.append(f"{where}: value {row['value']!r} must be a finite number")
        values.append(value)
        if not isinstance(row["source"], str) or not row["source"].strip():
            problems.append(f"{where}: source is empty (every value needs a source id)")
    if problems:
        raise DataError("\n".join(problems))
    frame = pd.DataFrame([row for _, row in records], columns=QUARTERLY_COLUMNS)
    frame["value"] = values
    return frame


def read_milestones(path: str | Path | None = None) -> list[Milestone]:
    path = Path(path) if path is not None else EQUIPMENT_DIR / "asml_china_milestones.yaml"
    return parse_rows(Milestone, read_structured(path), path.name, key="date")


@cache
def asml_china_quarterly() -> pd.DataFrame:
    """ASML's China share of system sales by quarter (where published)."""
    return read_quarterly()


@cache
def asml_milestones() -> tuple[Milestone, ...]:
    """ASML's milestones in China named by seed article 6, each with its status."""
    return tuple(read_milestones())


def fact(series: str, period: int | str) -> dict[str, object]:
    """One value with its unit, sources and note: ``period`` is a year (annual series in
    ``data/history``) or ``YYYYQn`` (quarterly series). Unknown series or periods raise."""
    text = str(period)
    if QUARTER_RE.match(text):
        q = asml_china_quarterly()
        rows = q[(q["series"] == series) & (q["quarter"] == text)]
        if rows.empty:
            known = sorted(q.loc[q["series"] == series, "quarter"]) or sorted(set(q["series"]))
            raise InputError("period", text, "one of " + ", ".join(known))
        row = rows.iloc[0]
    else:
        from chipwar.dynamics.history import load_history

        if series not in series_names():
            raise UnknownIdError("history series", series, series_names())
        try:
            year = int(text)
        except ValueError:
            raise InputError(
                "period", text, "a year such as 2023 or a quarter such as 2023Q3"
            ) from None
        years = [int(y) for y in get_series(series).index]
        if year not in years:
            raise InputError("period", text, f"a year with data for {series}: {years}")
        h = load_history()
        row = h[(h["series"] == series) & (h["year"] == year)].iloc[0]
    return {
        "series": series,
        "period": text,
        "value": float(row["value"]),
        "unit": row["unit"],
        "source": [s.strip() for s in str(row["source"]).split(";")],
        "note": row["note"],
    }


def check_data(sources: dict[str, Source]) -> list[str]:
    """Checker for ``chipwar data validate``: the quarterly file and the milestones."""
    problems: list[str] = []
    try:
        q = read_quarterly()
        for i, row in enumerate(q.itertuples(index=False), start=2):
            for sid in str(row.source).split(";"):
                problems += check_source_ids(
                    [sid.strip()], f"equipment/quarterly line {i}", sources
                )
        for m in read_milestones():
            problems += check_source_ids(m.source, f"equipment/milestones[{m.date}]", sources)
    except DataError as exc:
        problems += str(exc).splitlines()
    return problems
