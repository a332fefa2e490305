"""CLI commands for restricted-party screening and ownership (controls II) of the model."""

from __future__ import annotations

from pathlib import Path

import typer

from chipwar.cli.output import FORMAT_OPTION, FORMAT_OPTION_NO_CSV, Format, emit
from chipwar.commands import controls as commands

SCREEN_COLUMNS = [
    "query", "entity_id", "name", "score", "reason", "listed", "lists", "affiliate",
    "aggregate_listed_ownership", "paths",
]  # fmt: skip


def screen_cmd(
    names: list[str] = typer.Argument(None, metavar="NAME...", help="Company names to screen."),
    file: Path | None = typer.Option(
        None, "--file", help="CSV of names to screen (a name column)."
    ),
    date: str | None = typer.Option(None, "--date", help="As-of date (ISO); default today."),
    threshold: float | None = typer.Option(
        None, "--threshold", help="Ownership threshold 0-1 (default: the rule's 0.5)."
    ),
    min_score: float = typer.Option(0.8, "--min-score", help="Minimum name-match score 0-1."),
    limit: int = typer.Option(3, "--limit", help="Candidates per name."),
    ownership: Path | None = typer.Option(None, "--ownership", help="Ownership CSV/YAML to use."),
    parties: Path | None = typer.Option(
        None, "--parties", help="Parties CSV (id,name,list,listed_from,listed_to[,aliases]) or CSL."
    ),
    format: Format = FORMAT_OPTION,
) -> None:
    """Screen company names against restricted parties and their ≥50 % affiliates."""
    rows = commands.screen(
        names=names, file=file, date=date, threshold=threshold, min_score=min_score,
        limit=limit, ownership=ownership, parties=parties,
    ).data  # fmt: skip
    emit(rows, format, table_columns=SCREEN_COLUMNS)


def ownership_cmd(
    entity: str = typer.Option(..., "--entity", help="Entity id, e.g. nexperia-bv."),
    date: str | None = typer.Option(None, "--date", help="As-of date (ISO); default today."),
    threshold: float | None = typer.Option(None, "--threshold", help="Threshold 0-1."),
    ownership: Path | None = typer.Option(None, "--ownership", help="Ownership CSV/YAML to use."),
    parties: Path | None = typer.Option(None, "--parties", help="Parties CSV or CSL export."),
    format: Format = FORMAT_OPTION_NO_CSV,
) -> None:
    """Who owns an entity, through which paths, and its listed / affiliate status on a date."""
    row = commands.ownership(
        entity=entity, date=date, threshold=threshold, ownership=ownership, parties=parties
    ).data
    if format is Format.json:
        emit(row, format)
        return
    fields = [
        "entity_id", "name", "date", "listed", "lists", "affiliate",
        "aggregate_listed_ownership", "rule_status", "paths", "owners", "reasons",
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
