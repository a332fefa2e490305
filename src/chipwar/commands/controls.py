"""Controls commands: ``classify`` (chips), ``content``, ``screen``, ``ownership`` and
``tools classify`` (equipment)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from chipwar.catalog.types import parse_date
from chipwar.commands import Result, split_ids
from chipwar.errors import InputError

PROGRESS_MIN_ENV = "CHIPWAR_PROGRESS_MIN_ITEMS"
"""Environment variable that lowers the size from which a screen reports progress (rows indexed
and names screened alike; for tests). Unset: the engine's defaults, 50,000 entities and 1,000
names (``chipwar.controls.screening``)."""


def _progress_min() -> int | None:
    raw = os.environ.get(PROGRESS_MIN_ENV)
    if raw is None or not raw.strip():
        return None
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 1:
        raise InputError(PROGRESS_MIN_ENV, raw[:40], "an integer of at least 1")
    return value


def _as_of_notes(day: Any, reviewed: Any, what: str) -> list[str]:
    from chipwar.controls.rules import as_of_warning

    line = as_of_warning(day, reviewed, what=what)
    return [line] if line else []


def classify(
    *,
    chip: list[str] | None = None,
    spec: Path | None = None,
    all_: bool = False,
    date: str | None = None,
    destination: str = "CN",
    transaction: str = "export",
    end_user_hq: str | None = None,
    timeline: bool = False,
) -> Result:
    """Is this chip (or DGX/HGX system) controlled for this destination on this date, and why?
    With ``timeline``: the dates its status changed."""
    from chipwar.catalog import load_accelerators
    from chipwar.catalog.accelerators import Accelerator, read_accelerators
    from chipwar.controls import classify as engine
    from chipwar.controls.rules import TRANSACTIONS, load_rules

    transaction = transaction.strip().lower()
    if transaction not in TRANSACTIONS:
        raise InputError("transaction", transaction, "one of " + ", ".join(TRANSACTIONS))
    chips: list[str | Accelerator] = list(split_ids(chip))
    if spec is not None:
        chips += read_accelerators(spec)
    if all_:
        chips += list(load_accelerators())
    if not chips:
        raise InputError("chip", None, "--chip ID, --spec FILE or --all")
    reviewed = load_rules().reviewed_through
    if timeline:
        if len(chips) != 1:
            raise InputError("chip", len(chips), "exactly one chip with --timeline")
        events = engine.timeline(chips[0], destination, transaction, end_user_hq)
        return Result(events, _as_of_notes(parse_date(None), reviewed, "chip rules"))
    day = parse_date(date)
    rows = engine.classify_rows(
        chips,
        destination,
        day,
        missing="flag" if all_ else "raise",
        transaction=transaction,
        end_user_hq=end_user_hq,
    )
    return Result(rows, _as_of_notes(day, reviewed, "chip rules"))


def content(
    *,
    bom: Path,
    date: str | None = None,
    destination: str = "CN",
    product_value: float | None = None,
) -> Result:
    """Controlled-content shares of a product: US de minimis and China's rare-earth rule."""
    from chipwar.controls.content import content_shares, read_bom

    parts, file_value = read_bom(bom)
    value = product_value if product_value is not None else file_value
    return Result(content_shares(parts, destination, parse_date(date), product_value_usd=value))


def _party_data(
    ownership: Path | None,
    parties: Path | None,
    level1: Path | None,
    consolidation: str,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Any, Any]:
    from chipwar.controls.gleif import CONSOLIDATION_SHARE, read_ownership_any

    if consolidation not in CONSOLIDATION_SHARE:
        raise InputError("--consolidation", consolidation, "full, majority or skip")
    if level1 is not None and ownership is None:
        raise InputError("--gleif-level1", str(level1), "used with --ownership (a Level 2 file)")
    graph = (
        read_ownership_any(ownership, level1, consolidation)  # type: ignore[arg-type]
        if ownership is not None
        else None
    )
    plist = _party_index(parties, progress) if parties is not None else None
    return graph, plist


def _party_index(parties: Path, progress: Callable[[int, int], None] | None = None) -> Any:
    """A parties file's index: from the on-disk index cache for a file; built in memory for an
    in-memory file (a request body), which must leave nothing on disk."""
    from chipwar.catalog.io import is_memory_file
    from chipwar.controls.parties import read_parties
    from chipwar.controls.screening import (
        INDEX_PROGRESS_MIN_ENTITIES,
        PartyIndex,
        read_party_source,
    )

    least = _progress_min() or INDEX_PROGRESS_MIN_ENTITIES
    if not is_memory_file(parties):
        return read_party_source(parties, progress, least)
    idx = PartyIndex.build(read_parties(parties), progress=progress, progress_min=least)
    idx.source = idx.describe(f"{parties.name} (request body)")
    return idx


def _screening_notes(rows: list[dict[str, Any]]) -> list[str]:
    """One line when the date is after the rule data's review date (or in the future)."""
    for r in rows:
        if r.get("data_as_of") and r.get("date"):
            reviewed = dt.date.fromisoformat(r["data_as_of"]["rules_reviewed_through"])
            day = dt.date.fromisoformat(r["date"])
            return _as_of_notes(day, reviewed, "screening rules (affiliates rule)")
    return []


def screen(
    *,
    names: list[str] | None = None,
    file: Path | None = None,
    date: str | None = None,
    threshold: float | None = None,
    min_score: float | None = None,
    limit: int = 3,
    ownership: Path | None = None,
    parties: Path | None = None,
    gleif_level1: Path | None = None,
    consolidation: str = "full",
    progress: Callable[[int, int], None] | None = None,
) -> Result:
    """Screen company names against restricted parties and their ≥50 % affiliates
    (``min_score`` None: the measured default, see docs/screening.md). ``progress(done, total)``
    is told while a large parties file is indexed (entities) and then while many names are
    screened (names); small work reports nothing."""
    from chipwar.controls.parties import read_queries_csv
    from chipwar.controls.screening import DEFAULT_MIN_SCORE, SCREEN_PROGRESS_MIN_NAMES
    from chipwar.controls.screening import screen as engine

    queries = list(names or [])
    if file is not None:
        queries += read_queries_csv(file)
    if not queries:
        raise InputError("NAME", "", "at least one name, or --file with a name column")
    if limit < 1:
        raise InputError("--limit", limit, "an integer of at least 1")
    graph, plist = _party_data(ownership, parties, gleif_level1, consolidation, progress)
    rows = engine(
        queries, date, threshold=threshold,
        min_score=DEFAULT_MIN_SCORE if min_score is None else min_score, limit=limit,
        parties=plist, graph=graph, progress=progress,
        progress_min=_progress_min() or SCREEN_PROGRESS_MIN_NAMES,
    )  # fmt: skip
    return Result(rows, _screening_notes(rows))


def ownership(
    *,
    entity: str,
    date: str | None = None,
    threshold: float | None = None,
    ownership: Path | None = None,
    parties: Path | None = None,
    gleif_level1: Path | None = None,
    consolidation: str = "full",
) -> Result:
    """Who owns an entity, through which paths, and its listed / affiliate status on a date."""
    from chipwar.controls.screening import assess

    graph, plist = _party_data(ownership, parties, gleif_level1, consolidation)
    row = assess([entity], date, threshold=threshold, graph=graph, parties=plist)[0]
    return Result(row, _screening_notes([row]))


def tools_classify(
    *,
    tool: list[str] | None = None,
    spec: Path | None = None,
    date: str | None = None,
    destination: str = "CN",
    end_use: str | None = None,
    timeline: bool = False,
) -> Result:
    """Is this tool controlled for this destination, date and end use, under each regime
    (``us``, ``nl``, ``eu``, ``jp``)? With ``timeline``: the dates any regime changed."""
    from chipwar.catalog.tools import Tool, read_tools
    from chipwar.controls import tools as engine

    tools: list[str | Tool] = list(split_ids(tool))
    if spec is not None:
        tools += read_tools(spec)
    if not tools:
        raise InputError("tool", None, "--tool ID or --spec FILE")
    if timeline:
        if len(tools) != 1:
            raise InputError("tool", len(tools), "exactly one tool with --timeline")
        return Result(engine.timeline(tools[0], destination, end_use))
    frame = engine.classify_tools(tools, destination, parse_date(date), end_use)
    rows: list[dict[str, Any]] = [
        {str(k): v for k, v in r.items()} for r in frame.to_dict("records")
    ]
    first = rows[0]
    notes = []
    if first["stale"]:
        notes.append(
            f"warning: equipment rules reviewed through {first['rules_reviewed_through']}; "
            f"the answer for {first['date']} may miss later changes"
        )
    return Result(rows, notes)
