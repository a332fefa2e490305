"""``chipwar claims`` (seed-article claims, checked) and ``chipwar report`` (one HTML file)."""

from __future__ import annotations

import time
from pathlib import Path

import typer
from rich.text import Text

from chipwar.cli.options import FORMAT_OPTION, Format

CLAIM_COLUMNS = ["id", "verdict", "claimed", "modelled", "reason", "flip"]


def claims(
    format: Format = FORMAT_OPTION,
    claim_id: list[str] = typer.Option(None, "--id", help="Only these claim ids (repeatable)."),
    flip: bool = typer.Option(
        True, "--flip/--no-flip", help="Search how far each claim's input must move to flip."
    ),
) -> None:
    """Check every quantitative claim in the seed articles against the models and data."""
    from chipwar.cli.output import emit, stderr
    from chipwar.commands.runs import claims as run_claims

    rows = run_claims(claim_id=claim_id, flip=flip).data
    if format is Format.csv:
        from chipwar.claims import table

        emit(table(rows), format)
        return
    if format is Format.table:
        for r in rows:
            r["modelled"] = _short(r["modelled"], r["unit"])
        emit(rows, format, columns=CLAIM_COLUMNS, title="Claims in the seed articles")
        from chipwar.claims import VERDICTS

        counts = ", ".join(
            f"{n} {v}" for v in VERDICTS if (n := sum(r["verdict"] == v for r in rows))
        )
        stderr.print(f"{len(rows)} claims: {counts}")
    else:
        emit(rows, format)


def _short(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    return f"{value:.3g} {unit}"


def report(
    output: Path = typer.Option(Path("report.html"), "-o", "--output", help="HTML file to write."),
    lang: str = typer.Option("en", "--lang", help="en, zh-Hant or zh-Hans."),
    xlsx: Path | None = typer.Option(None, "--xlsx", help="Also write the tables to this .xlsx."),
    sweep: Path | None = typer.Option(
        None, "--sweep", help="A sweep folder (chipwar sweep run): add its sensitivity section."
    ),
) -> None:
    """Build the self-contained HTML report (charts embedded; opens offline)."""
    from chipwar.cli.output import stdout
    from chipwar.errors import InputError
    from chipwar.report import build_report
    from chipwar.report.i18n import LANGS

    if lang not in LANGS:
        raise InputError("--lang", lang, "one of " + ", ".join(LANGS))
    from chipwar.catalog.io import check_distinct_outputs, check_output_suffix

    check_distinct_outputs({"--output": output, "--xlsx": xlsx})
    check_output_suffix(output, "--output", (".html", ".htm"))
    if xlsx is not None:
        check_output_suffix(xlsx, "--xlsx", (".xlsx",))
    _writable("--output", output)
    if xlsx is not None:
        _writable("--xlsx", xlsx)
    t0 = time.perf_counter()
    try:
        extra = {} if sweep is None else {"sweep": sweep}  # the report without a sweep as before
        result = build_report(output, lang=lang, xlsx=xlsx, **extra)
    except OSError as exc:  # e.g. the disk filled up while writing
        raise InputError("--output", str(output), f"a writable file path ({exc})") from None
    dt = time.perf_counter() - t0
    stdout.print(Text.assemble(("chipwar report", "bold"), f" ({lang}) built in {dt:.1f} s"))
    for line in result.summary_lines():
        stdout.print(f"  {line}", highlight=False)
    stdout.print(f"open: {result.path.resolve().as_uri()}", highlight=False, soft_wrap=True)
    if result.xlsx is not None:
        stdout.print(f"tables: {result.xlsx.resolve()}", highlight=False, soft_wrap=True)


def _writable(option: str, path: Path) -> None:
    """Fail before anything is written when ``path`` cannot be written (InputError)."""
    import os

    from chipwar.catalog.io import path_exists
    from chipwar.errors import InputError

    if path_exists(path) and path.is_dir():
        raise InputError(option, str(path), "a file path, not a directory")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except (OSError, ValueError) as exc:
        raise InputError(option, str(path), f"a path whose folder can be created ({exc})") from None
    if not os.access(path.parent, os.W_OK):
        raise InputError(option, str(path), "a path in a writable folder")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("claims")(claims)
    app.command("report")(report)
