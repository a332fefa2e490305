"""CLI commands for restricted-party screening and ownership (controls II) of the model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from chipwar.cli.output import FORMAT_OPTION, FORMAT_OPTION_NO_CSV, Format, emit, stderr
from chipwar.errors import InputError

SCREEN_COLUMNS = [
    "query", "entity_id", "name", "score", "reason", "listed", "lists", "listed_since", "affiliate",
    "aggregate_listed_ownership", "paths",
]  # fmt: skip


GLEIF_L1_OPTION = typer.Option(
    None, "--gleif-level1", help="GLEIF Level 1 (LEI-CDF) CSV naming the LEIs of --ownership."
)
CONSOLIDATION_OPTION = typer.Option(
    "full", "--consolidation",
    help="GLEIF consolidation without a percentage counts as: full (100 %), majority (50 %), skip.",
)  # fmt: skip


def _warn_as_of(rows: list[dict[str, Any]]) -> None:
    """One stderr line when the date is after the rule data's review date (or in the future)."""
    import datetime as dt

    from chipwar.controls.rules import as_of_warning

    for r in rows:
        if r.get("data_as_of") and r.get("date"):
            reviewed = dt.date.fromisoformat(r["data_as_of"]["rules_reviewed_through"])
            line = as_of_warning(dt.date.fromisoformat(r["date"]), reviewed,
                                 what="screening rules (affiliates rule)")  # fmt: skip
            if line:
                stderr.print(line, highlight=False, markup=False)
            return


def _data(
    ownership: Path | None, parties: Path | None, level1: Path | None, consolidation: str
) -> tuple[Any, Any]:
    from chipwar.controls.gleif import CONSOLIDATION_SHARE, read_ownership_any
    from chipwar.controls.screening import read_party_source

    if consolidation not in CONSOLIDATION_SHARE:
        raise InputError("--consolidation", consolidation, "full, majority or skip")
    if level1 is not None and ownership is None:
        raise InputError("--gleif-level1", str(level1), "used with --ownership (a Level 2 file)")
    graph = (
        read_ownership_any(ownership, level1, consolidation)  # type: ignore[arg-type]
        if ownership is not None
        else None
    )
    plist = read_party_source(parties) if parties is not None else None
    return graph, plist


def screen_cmd(
    names: list[str] = typer.Argument(None, metavar="NAME...", help="Company names to screen."),
    file: Path | None = typer.Option(
        None, "--file", help="CSV of names to screen (a name column)."
    ),
    date: str | None = typer.Option(None, "--date", help="As-of date (ISO); default today."),
    threshold: float | None = typer.Option(
        None, "--threshold", help="Ownership threshold 0-1 (default: the rule's 0.5)."
    ),
    min_score: float | None = typer.Option(
        None, "--min-score", help="Minimum name-match score 0-1 (default: measured, see docs)."
    ),
    limit: int = typer.Option(3, "--limit", help="Candidates per name."),
    ownership: Path | None = typer.Option(
        None, "--ownership", help="Ownership CSV/YAML, or a GLEIF Level 2 relationship CSV."
    ),
    parties: Path | None = typer.Option(
        None, "--parties", help="Parties: user CSV, CSL CSV/JSON, FtM JSON lines (.jsonl) or YAML."
    ),
    gleif_level1: Path | None = GLEIF_L1_OPTION,
    consolidation: str = CONSOLIDATION_OPTION,
    format: Format = FORMAT_OPTION,
) -> None:
    """Screen company names against restricted parties and their ≥50 % affiliates."""
    from chipwar.controls.parties import read_queries_csv
    from chipwar.controls.screening import DEFAULT_MIN_SCORE, screen

    queries = list(names or [])
    if file is not None:
        queries += read_queries_csv(file)
    if not queries:
        raise InputError("NAME", "", "at least one name, or --file with a name column")
    if limit < 1:
        raise InputError("--limit", limit, "an integer of at least 1")
    graph, plist = _data(ownership, parties, gleif_level1, consolidation)
    rows = screen(
        queries, date, threshold=threshold,
        min_score=DEFAULT_MIN_SCORE if min_score is None else min_score, limit=limit,
        parties=plist, graph=graph,
    )  # fmt: skip
    _warn_as_of(rows)
    emit(rows, format, table_columns=SCREEN_COLUMNS)


def ownership_cmd(
    entity: str = typer.Option(..., "--entity", help="Entity id, e.g. nexperia-bv."),
    date: str | None = typer.Option(None, "--date", help="As-of date (ISO); default today."),
    threshold: float | None = typer.Option(None, "--threshold", help="Threshold 0-1."),
    ownership: Path | None = typer.Option(
        None, "--ownership", help="Ownership CSV/YAML, or a GLEIF Level 2 relationship CSV."
    ),
    parties: Path | None = typer.Option(
        None, "--parties", help="Parties: user CSV, CSL CSV/JSON, FtM JSON lines or YAML."
    ),
    gleif_level1: Path | None = GLEIF_L1_OPTION,
    consolidation: str = CONSOLIDATION_OPTION,
    format: Format = FORMAT_OPTION_NO_CSV,
) -> None:
    """Who owns an entity, through which paths, and its listed / affiliate status on a date."""
    from chipwar.controls.screening import assess

    graph, plist = _data(ownership, parties, gleif_level1, consolidation)
    row = assess([entity], date, threshold=threshold, graph=graph, parties=plist)[0]
    _warn_as_of([row])
    if format is Format.json:
        emit(row, format)
        return
    fields = [
        "entity_id", "name", "date", "listed", "lists", "affiliate",
        "aggregate_listed_ownership", "rule_status", "paths", "owners", "reasons", "history",
    ]  # fmt: skip
    cells = []
    for k in fields:
        v = row[k]
        if k == "owners":
            v = [f"{o['owner']} ({o['share']:.0%})" for o in v]
        cells.append({"field": k, "value": v})
    emit(cells, format, title=row["entity_id"])


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("screen")(screen_cmd)
    app.command("ownership")(ownership_cmd)
