"""CLI commands for equipment controls: ``tools list``, ``tools rules`` and ``tools classify``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from chipwar.cli.options import FORMAT_OPTION, Format

tools_app = typer.Typer(
    help="Semiconductor manufacturing equipment: catalog and export controls by regime.",
    no_args_is_help=True,
)

LIST_COLUMNS = [
    "tool", "vendor", "kind", "wavelength_nm", "numerical_aperture", "dedicated_chuck_overlay_nm",
]  # fmt: skip
TIMELINE_COLUMNS = ["date", "regime", "status", "rule_version", "entry", "license_policy",
                    "reasons"]  # fmt: skip
TABLE_COLUMNS = [
    "tool", "regime", "rule_version", "entry", "license_required", "license_policy",
    "license_required_any",
]  # fmt: skip


@tools_app.command("list")
def list_command(format: Format = FORMAT_OPTION) -> None:
    """Every tool in the catalog with its parameters and its MRF under each K factor the rules
    use (``mrf_k035_nm``: multilateral 3B001.f.1.b; ``mrf_k025_nm``: EU 3B501.f / Dutch list)."""
    from chipwar.catalog.tools import load_tools, tool_frame
    from chipwar.cli.output import emit
    from chipwar.controls.tool_rules import k_factors, load_tool_rules

    frame = tool_frame()
    mrf = []
    for k in k_factors(load_tool_rules()):
        col = f"mrf_k{round(k * 100):03d}_nm"
        frame[col] = [t.mrf_nm(k) for t in load_tools().values()]
        mrf.append(col)
    columns = [*LIST_COLUMNS, *mrf, "throughput_wph", "resolution_nm", "release_year"]
    if format is not Format.table:
        columns += ["vendor_country", "category", "name", "unverified", "source", "notes"]
    emit(frame, format, columns=columns)


@tools_app.command("rules")
def rules_command(format: Format = FORMAT_OPTION) -> None:
    """Every equipment rule version by regime, in effective-date order, with its citation."""
    from chipwar.cli.output import emit
    from chipwar.controls.tool_rules import load_tool_rules

    book = load_tool_rules()
    rows = [
        {
            "id": v.id,
            "regime": v.regime,
            "effective": v.effective,
            "extends": v.meta.extends,
            "entries": len(v.entries),
            "requirements": len(v.requirements),
            "citation": v.meta.citation,
        }
        for versions in book.versions.values()
        for v in versions
    ]
    emit(rows, format, title=f"equipment rules reviewed through {book.rules_reviewed_through}")


def classify_command(
    tool: list[str] = typer.Option(
        None, "--tool", "-t", help="Catalog id (repeatable, or comma-separated)."
    ),
    spec: Path = typer.Option(None, "--spec", help="Tool spec file (YAML/JSON)."),
    date: str = typer.Option(None, "--date", help="YYYY-MM-DD (default: today)."),
    destination: str = typer.Option("CN", "--destination", "-d", help="ISO-3166 alpha-2."),
    end_use: str = typer.Option(
        None, "--end-use", help="advanced-node or other (default: unknown)."
    ),
    show_timeline: bool = typer.Option(False, "--timeline", help="Dates any regime changed."),
    format: Format = FORMAT_OPTION,
) -> None:
    """Is this tool controlled for this destination, date and end use — under each regime?"""
    from chipwar.catalog.tools import read_tools
    from chipwar.cli.output import split_ids, stderr
    from chipwar.commands import controls as commands
    from chipwar.controls.tools import COLUMNS

    result = commands.tools_classify(
        tool=tool, spec=spec, date=date, destination=destination, end_use=end_use,
        timeline=show_timeline,
    )  # fmt: skip
    for line in result.notes:
        stderr.print(line, highlight=False)
    rows = result.data
    if show_timeline:
        name = split_ids(tool)[0] if split_ids(tool) else read_tools(spec)[0].id if spec else "?"
        title = f"{name} → {destination.upper()}, end use {end_use or 'unknown'}"
        _emit(rows, format, TIMELINE_COLUMNS, ("date", "regime"), title)
        return
    first = rows[0]
    title = f"→ {first['destination']} on {first['date']}, end use {first['end_use'] or 'unknown'}"
    _emit(rows, format, COLUMNS, ("tool", "regime"), title)


def _emit(
    rows: list[dict[str, Any]],
    format: Format,
    columns: list[str],
    label: tuple[str, str],
    title: str,
) -> None:
    """JSON/CSV: every column. Table: the short columns, then each row's reasons under its
    ``label`` (e.g. tool · regime)."""
    from chipwar.cli.output import emit, stdout

    if format is not Format.table:
        emit(rows, format, columns=columns if format is Format.csv else None)
        return
    shown = [c for c in (TABLE_COLUMNS if "tool" in columns else columns) if c != "reasons"]
    emit(rows, format, columns=shown, title=title)
    for row in rows:
        stdout.print(f"{row[label[0]]} · {row[label[1]]}", style="bold", highlight=False)
        for line in row["reasons"]:
            stdout.print(f"  - {line}", highlight=False, markup=False)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    tools_app.command("classify")(classify_command)
    app.add_typer(tools_app, name="tools")
