"""CLI commands for the controls part: ``classify``, ``rules list|show``, ``content``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from chipwar.cli.options import COLUMNS_OPTION, FORMAT_OPTION, WIDE_OPTION, Format
from chipwar.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

    from chipwar.catalog.accelerators import Accelerator

rules_app = typer.Typer(
    help="Export-control rule versions kept as dated data.", no_args_is_help=True
)

CLASSIFY_COLUMNS = [
    "chip", "date", "destination", "transaction", "end_user_hq", "rule_version", "eccn", "tpp",
    "performance_density", "license_required", "license_exception", "license_policy",
    "rules_reviewed_through", "stale", "reasons",
]  # fmt: skip
TABLE_HIDDEN = {"transaction", "end_user_hq", "rules_reviewed_through", "stale", "license_policy"}
"""Left out of the classify table (shown in the title line, JSON and CSV)."""
CLASSIFY_TABLE = [
    "chip", "license_required", "license_exception", "eccn", "tpp", "performance_density",
    "rule_version", "date", "destination",
]  # fmt: skip
"""The classify table's columns, the answer first (at 80 columns the last ones are left out,
with a note; the date and destination are also in the title)."""
TIMELINE_COLUMNS = ["date", "status", "rule_version", "eccn", "license_policy", "reasons"]
MEASURE_COLUMNS = ["measure", "jurisdiction", "date", "status", "since", "effect", "licence_matter",
                   "stale", "reasons"]  # fmt: skip
CONTENT_COLUMNS = ["regime", "date", "destination", "status", "share", "threshold", "applies",
                   "reasons"]  # fmt: skip


def classify_command(
    chip: list[str] = typer.Option(
        None, "--chip", "-c", help="Catalog id (repeatable, or comma-separated)."
    ),
    spec: Path = typer.Option(None, "--spec", help="Accelerator spec file (YAML/JSON)."),
    all_: bool = typer.Option(False, "--all", help="Every chip in the catalog."),
    date: str = typer.Option(None, "--date", help="YYYY-MM-DD (default: today)."),
    destination: str = typer.Option("CN", "--destination", "-d", help="ISO-3166 alpha-2."),
    transaction: str = typer.Option(
        "export",
        "--transaction",
        help="export (from the US), reexport (from abroad) or transfer (in-country).",
    ),
    end_user_hq: str = typer.Option(
        None,
        "--end-user-hq",
        help="Country of the end user's ultimate parent (default: the destination).",
    ),
    show_timeline: bool = typer.Option(False, "--timeline", help="Dates the status changed."),
    format: Format = FORMAT_OPTION,
    columns_: str | None = COLUMNS_OPTION,
    wide_: bool = WIDE_OPTION,
) -> None:
    """Is this chip (or DGX/HGX system) controlled for this destination on this date, and why?"""
    from chipwar.cli.output import split_ids, stderr
    from chipwar.commands import controls as commands

    result = commands.classify(
        chip=chip, spec=spec, all_=all_, date=date, destination=destination,
        transaction=transaction, end_user_hq=end_user_hq, timeline=show_timeline,
    )  # fmt: skip
    if show_timeline:
        name = split_ids(chip)[0] if split_ids(chip) else None
        if name is None:
            from chipwar.catalog.accelerators import read_accelerators

            name = read_accelerators(spec)[0].id if spec is not None else "?"
        hq = f", end user headquartered in {end_user_hq.upper()}" if end_user_hq else ""
        title = f"{name} → {destination.upper()} ({transaction.strip().lower()}{hq})"
        _emit_with_reasons(result.data, format, TIMELINE_COLUMNS, "date", title=title)
    else:
        from chipwar.controls.classify import rows_frame

        frame = rows_frame(result.data)
        row = frame.iloc[0]
        title = (
            f"{row['transaction']} to {row['destination']} on {row['date']}, end user "
            f"headquartered in "
            f"{row['end_user_hq']}; rules reviewed through {row['rules_reviewed_through']}"
        )
        if format is Format.table:
            _emit_with_reasons(frame, format, CLASSIFY_TABLE, "chip", title=title, policy=True)
        else:
            _emit_with_reasons(frame, format, CLASSIFY_COLUMNS, "chip")
    for line in result.notes:
        stderr.print(line, highlight=False, markup=False)


def _warn_as_of(day: Any) -> None:
    """One stderr line when ``day`` is after the rules' review date or in the future."""
    from chipwar.cli.output import stderr
    from chipwar.controls.rules import as_of_warning, load_rules

    line = as_of_warning(day, load_rules().reviewed_through, what="chip rules")
    if line:
        stderr.print(line, highlight=False, markup=False)


def _emit_with_reasons(
    rows: pd.DataFrame | Sequence[Mapping[str, Any]],
    format: Format,
    columns: list[str],
    label: str,
    title: str | None = None,
    policy: bool = False,
) -> None:
    """JSON/CSV: every column (CSV in ``columns`` order). Table: the columns but ``reasons``, then
    each row's reasons (and, with ``policy``, its licence policy) listed under its ``label``."""
    import pandas as pd

    from chipwar.cli.output import emit, stdout

    if format is not Format.table:
        emit(rows, format, columns=columns if format is Format.csv else None)
        return
    emit(rows, format, columns=[c for c in columns if c != "reasons"], title=title)
    records = rows.to_dict(orient="records") if isinstance(rows, pd.DataFrame) else rows
    for row in records:
        stdout.print(str(row[label]), style="bold", highlight=False)
        if policy and row.get("license_policy"):
            stdout.print(f"  policy: {row['license_policy']}", highlight=False, markup=False)
        for line in row["reasons"]:
            stdout.print(f"  - {line}", highlight=False, markup=False)


def _name(chip: str | Accelerator) -> str:
    from chipwar.catalog.accelerators import Accelerator

    return chip.id if isinstance(chip, Accelerator) else chip


@rules_app.command("list")
def rules_list(
    format: Format = FORMAT_OPTION, columns_: str | None = COLUMNS_OPTION, wide_: bool = WIDE_OPTION
) -> None:
    """Every rule version (chip rules in effective-date order), content regime and measure, and
    the date the rule data were last reviewed against their sources."""
    from chipwar.cli.output import emit
    from chipwar.controls.rules import load_rules

    book = load_rules()
    rows: list[dict[str, Any]] = [
        {
            "id": v.id,
            "kind": "chip",
            "jurisdiction": v.meta.jurisdiction,
            "instrument": v.meta.instrument,
            "effective": v.effective,
            "citation": v.meta.citation,
        }
        for v in book.versions
    ]
    rows += [
        {
            "id": r.id,
            "kind": "content",
            "jurisdiction": r.jurisdiction,
            "instrument": "regime",
            "effective": r.periods[0].start,
            "citation": r.citation,
        }
        for r in book.regimes.values()
    ]
    rows += [
        {
            "id": m.id,
            "kind": "measure",
            "jurisdiction": m.jurisdiction,
            "instrument": "measure",
            "effective": m.periods[0].start,
            "citation": m.citation,
        }
        for m in book.measures.values()
    ]
    reviewed = book.reviewed_through
    for r in rows:
        r["rules_reviewed_through"] = reviewed
    emit(rows, format, title=f"rules reviewed through {reviewed.isoformat()}")


@rules_app.command("measures")
def rules_measures(
    date: str = typer.Option(None, "--date", help="YYYY-MM-DD (default: today)."),
    measure: list[str] = typer.Option(None, "--measure", "-m", help="Measure id (repeatable)."),
    format: Format = FORMAT_OPTION,
    columns_: str | None = COLUMNS_OPTION,
    wide_: bool = WIDE_OPTION,
) -> None:
    """Status on a date of the dated measures: China's export bans and their suspensions, the
    VEU revocation, the affiliates rule, the Section 232 tariff, the Dutch Nexperia order."""
    from chipwar.catalog.types import parse_date
    from chipwar.cli.output import split_ids
    from chipwar.controls.measures import measure_status
    from chipwar.controls.rules import load_rules

    book = load_rules()
    day = parse_date(date)
    wanted = list(split_ids(measure)) or list(book.measures)
    unknown = [m for m in wanted if m not in book.measures]
    if unknown:
        raise InputError("measure", unknown[0], "one of " + ", ".join(book.measures))
    rows = [measure_status(book.measures[m], day, book.reviewed_through) for m in wanted]
    _emit_with_reasons(rows, format, MEASURE_COLUMNS, "measure")
    _warn_as_of(day)


@rules_app.command("show")
def rules_show(
    version: str = typer.Argument(
        ..., metavar="VERSION", help="A rule version, content regime or measure id."
    ),
    format: Format = FORMAT_OPTION,
    columns_: str | None = COLUMNS_OPTION,
    wide_: bool = WIDE_OPTION,
) -> None:
    """Show one rule version in full: dates, paragraphs, requirements, sources."""
    from chipwar.cli.output import emit
    from chipwar.controls.rules import load_rules

    book = load_rules()
    if version in book.regimes:
        data: dict[str, Any] = book.regimes[version].model_dump()
    elif version in book.measures:
        data = book.measures[version].model_dump()
    else:
        v = book.version(version)
        exclude = {"paragraphs", "requirements", "add_requirements", "add_policies"}
        data = v.meta.model_dump(exclude=exclude)
        data["paragraphs"] = [p.model_dump() for p in v.paragraphs]
        data["requirements"] = [r.model_dump() for r in v.requirements]
        data["policies"] = [p.model_dump() for p in v.policies]
    if format is Format.json:
        emit(data, format)
        return
    for key in ("paragraphs", "requirements", "policies", "thresholds", "periods"):
        if key in data:
            data[key] = [_one_line(x) for x in data[key]]
    emit([{"field": k, "value": v} for k, v in data.items()], format, title=version)


def _one_line(item: dict[str, Any]) -> str:
    def cond(c: dict[str, Any]) -> str:
        return f"{c['metric']} {c['op']} {c['value']:g}"

    if "requirements" in item:  # a review policy
        what = ", ".join(item["chips"]) or " and ".join(cond(c) for c in item["all_of"])
        on = ", ".join(item["requirements"]) or "every requirement"
        return (
            f"{item['id']}: {what} ({on}; {', '.join(item['destinations'])}; "
            f"{'/'.join(item['transactions'])}): {item['policy']}"
        )
    if "all_of" in item:
        return f"{item['id']} ({item['eccn']}, {item['scope']}): " + " and ".join(
            cond(c) for c in item["all_of"]
        )
    if "policy" in item:
        what = ", ".join(item["eccn"]) or " or ".join(cond(c) for c in item["any_of"])
        ex = ", ".join(sorted({e["name"] for e in item["exceptions"]}))
        dates = f" from {item['valid_from']}" if item.get("valid_from") else ""
        return (
            f"{item['id']}: {what} to {', '.join(item['destinations'])}{dates}: {item['policy']}"
            + (f" (exceptions: {ex})" if ex else "")
        )
    if "threshold" in item:
        dests = ", ".join(item["destinations"])
        return f"{item['id']}: {dests}: share {item['comparison']} {item['threshold']:g}"
    return f"{item.get('start')}: {item.get('status')} ({item.get('instrument')})"


def content_command(
    bom: Path = typer.Option(..., "--bom", help="Bill of materials (CSV or YAML)."),
    date: str = typer.Option(None, "--date", help="YYYY-MM-DD (default: today)."),
    destination: str = typer.Option("CN", "--destination", "-d", help="ISO-3166 alpha-2."),
    product_value: float = typer.Option(
        None, "--product-value", help="Product value [USD] (default: sum of part values)."
    ),
    format: Format = FORMAT_OPTION,
    columns_: str | None = COLUMNS_OPTION,
    wide_: bool = WIDE_OPTION,
) -> None:
    """Controlled-content shares of a product: US de minimis and China's rare-earth rule."""
    from chipwar.cli.output import stdout
    from chipwar.commands import controls as commands

    frame = commands.content(
        bom=bom, date=date, destination=destination, product_value=product_value
    ).data
    _emit_with_reasons(frame, format, CONTENT_COLUMNS, "regime")
    if format is Format.table:
        stdout.print(f"product value {frame['product_value_usd'].iloc[0]:,.2f} USD")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("classify")(classify_command)
    app.command("content")(content_command)
    app.add_typer(rules_app, name="rules")
