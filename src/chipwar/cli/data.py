"""``chipwar data``: list, show and validate the shipped reference tables."""

from __future__ import annotations

from enum import Enum

import typer
from rich.text import Text

from chipwar.cli.options import FORMAT_OPTION, Format
from chipwar.errors import DataError, UnknownIdError

data_app = typer.Typer(help="Reference data: accelerators, sites, sources.", no_args_is_help=True)


class Table(str, Enum):
    accelerators = "accelerators"
    sites = "sites"
    sources = "sources"


LIST_COLUMNS = {
    Table.accelerators: [
        "id", "vendor", "designer_country", "release_date", "dense_tflops", "memory_gb",
        "memory_bandwidth_tbps", "tdp_w", "tpp", "performance_density", "price_usd",
    ],
    Table.sites: ["id", "name", "country", "electricity", "pue", "carbon", "subsidies"],
    Table.sources: ["id", "title", "publisher", "date", "kind"],
}  # fmt: skip


def _rows(table: Table) -> list[dict[str, object]]:
    from chipwar.catalog import load_accelerators, load_sites, load_sources

    if table is Table.accelerators:
        return [
            {**a.model_dump(), "tpp": a.tpp, "performance_density": a.performance_density}
            for a in load_accelerators().values()
        ]
    if table is Table.sites:
        return [s.model_dump() for s in load_sites().values()]
    return [{"id": k, **v.model_dump()} for k, v in load_sources().items()]


def _summary(table: Table, row: dict[str, object]) -> dict[str, object]:
    """Compact cells for the terminal table; JSON keeps the full objects."""
    from chipwar.cli.output import fmt_cell

    out = dict(row)
    for key in ("price_usd", "pue"):
        v = out.get(key)
        if isinstance(v, dict):
            out[key] = "–".join(fmt_cell(float(v[q])) for q in ("low", "base", "high"))
    tflops = out.get("dense_tflops")
    if isinstance(tflops, dict):
        out["dense_tflops"] = ", ".join(f"{k} {v:g}" for k, v in tflops.items())
    if table is Table.sites:
        el = row["electricity"]
        assert isinstance(el, dict)
        p = el["price_per_kwh"]
        out["electricity"] = f"{p['base']:.4g} {el['currency']}/kWh ({el['year']})"
        carbon = row["carbon"]
        assert isinstance(carbon, dict)
        out["carbon"] = f"{carbon['gco2_per_kwh']['base']:.0f} g/kWh"
        subs = row.get("subsidies") or []
        assert isinstance(subs, list)
        out["subsidies"] = ", ".join(s["id"] for s in subs) or "—"
    return out


@data_app.command("list")
def list_(
    table: Table = typer.Argument(..., help="Which table."),
    format: Format = FORMAT_OPTION,
) -> None:
    """List a reference table."""
    from chipwar.cli.output import emit

    rows = _rows(table)
    if format is Format.table:
        rows = [_summary(table, r) for r in rows]
    emit(rows, format, table_columns=LIST_COLUMNS[table])


@data_app.command("show")
def show(
    ident: str = typer.Argument(..., metavar="ID", help="An accelerator, site or source id."),
    format: Format = FORMAT_OPTION,
) -> None:
    """Show one entry (accelerator, site or source) in full."""
    from chipwar.cli.output import emit

    for table in Table:
        for row in _rows(table):
            if row["id"] == ident:
                if format is Format.table:
                    emit([{"field": k, "value": v} for k, v in row.items()], format, title=ident)
                else:
                    emit(row, format)
                return
    known = [str(r["id"]) for t in Table for r in _rows(t)]
    raise UnknownIdError("id", ident, known)


@data_app.command("validate")
def validate() -> None:
    """Check every shipped table and report every problem found (exit 1 if any)."""
    from chipwar.cli.output import stderr, stdout
    from chipwar.data_checks import validate_all

    results = validate_all()
    total = 0
    for table, problems in results.items():
        total += len(problems)
        mark = ("ok", "green") if not problems else (f"{len(problems)} problem(s)", "red")
        stdout.print(Text.assemble(f"{table:<16} ", mark))
        for p in problems:
            stdout.print(f"  - {p}", highlight=False, markup=False)
    if total:
        stderr.print(f"{total} problem(s) found")
        raise DataError(f"data validation failed: {total} problem(s)")
    stdout.print("all tables valid")


def register(app: typer.Typer) -> None:
    app.add_typer(data_app, name="data")
