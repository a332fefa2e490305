"""CLI commands for restricted-party screening and ownership (controls II) of the model."""

from __future__ import annotations

from pathlib import Path

import typer

from chipwar.cli.options import (
    COLUMNS_OPTION,
    FORMAT_OPTION,
    FORMAT_OPTION_NO_CSV,
    WIDE_OPTION,
    Format,
)

SCREEN_COLUMNS = [
    "query", "listed", "affiliate", "entity_id", "score", "lists", "listed_since",
    "aggregate_listed_ownership", "name", "reason", "paths",
]  # fmt: skip
"""The answer first (listed? an affiliate?), the match's evidence after: at 80 columns the last
ones are left out with a note naming them (``--wide`` shows every field)."""


GLEIF_L1_OPTION = typer.Option(
    None, "--gleif-level1", help="GLEIF Level 1 (LEI-CDF) CSV naming the LEIs of --ownership."
)
CONSOLIDATION_OPTION = typer.Option(
    "full", "--consolidation",
    help="GLEIF consolidation without a percentage counts as: full (100 %), majority (50 %), skip.",
)  # fmt: skip


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
    columns_: str | None = COLUMNS_OPTION,
    wide_: bool = WIDE_OPTION,
) -> None:
    """Screen company names against restricted parties and their ≥50 % affiliates."""
    from chipwar.cli.output import emit, progress_bar, stderr
    from chipwar.commands import controls as commands

    # One bar: entities indexed (a large parties file's first use), then names screened.
    with progress_bar("screening (indexing parties, then names)", lazy=True) as bar:
        result = commands.screen(
            names=names, file=file, date=date, threshold=threshold, min_score=min_score,
            limit=limit, ownership=ownership, parties=parties, gleif_level1=gleif_level1,
            consolidation=consolidation, progress=bar,
        )  # fmt: skip
    for line in result.notes:
        stderr.print(line, highlight=False, markup=False)
    rows = result.data
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
    from chipwar.cli.output import emit, stderr
    from chipwar.commands import controls as commands

    result = commands.ownership(
        entity=entity,
        date=date,
        threshold=threshold,
        ownership=ownership,
        parties=parties,
        gleif_level1=gleif_level1,
        consolidation=consolidation,
    )
    for line in result.notes:
        stderr.print(line, highlight=False, markup=False)
    row = result.data
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
