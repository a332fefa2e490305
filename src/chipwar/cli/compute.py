"""CLI commands for the compute part of the model: tco, compare, breakeven, sensitivity."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from chipwar.cli.options import FORMAT_OPTION, Format

if TYPE_CHECKING:
    from chipwar.compute.options import TcoOptions

TCO_COLUMNS = [
    "chip", "site", "precision", "subsidy", "usd_per_accelerator_hour", "capex_usd_per_hour",
    "power_usd_per_hour", "other_usd_per_hour", "electricity_share", "usable_pflops",
    "usd_per_pflop_hour", "kwh_per_pflop_hour", "kgco2_per_pflop_hour",
]  # fmt: skip
MC_COLUMNS = [
    "chip", "site", "subsidy", "usd_per_pflop_hour", "usd_per_pflop_hour_p5",
    "usd_per_pflop_hour_p50", "usd_per_pflop_hour_p95", "electricity_share_p50", "p_cheapest",
]  # fmt: skip


class Param(str, Enum):
    electricity_price = "electricity-price"
    subsidy = "subsidy"
    chip_price = "chip-price"


PRECISION = typer.Option("bf16", "--precision", "-p", help="fp64 … fp4 (dense).")
UTILIZATION = typer.Option(
    None, "--utilization", "-u", help="Achieved fraction of dense peak (0, 1]; default by chip."
)
SUBSIDY = typer.Option(
    "auto", "--subsidy", help="'auto' (site subsidies the chip is eligible for) or a fraction."
)
DATE = typer.Option(None, "--date", help="Date (YYYY-MM-DD) for active subsidies; default today.")
SCENARIO = typer.Option(
    None, "--scenario", help="YAML/JSON scenario: assumption overrides, extra chips and sites."
)
SPEC = typer.Option(
    None,
    "--spec",
    help="YAML/JSON file of accelerators and/or sites not in the catalog (or partial rows that "
    "change one); its ids can then be given to --chip/--vs/--site.",
)
SET = typer.Option(
    [], "--set", help="Override an assumption: NAME=VALUE or NAME=LOW,BASE,HIGH (repeatable)."
)
SAMPLES = typer.Option(None, "--samples", "-n", help="Monte Carlo draws (beta-PERT per input).")
SEED = typer.Option(0, "--seed", min=0, help="Random seed for --samples (an integer >= 0).")


def _options(
    precision: str, utilization: float | None, subsidy: str, date: str | None
) -> TcoOptions:
    """The TCO options of the flags (validated once; the commands receive the one object)."""
    from chipwar.compute.options import TcoOptions

    return TcoOptions.parse(
        precision=precision, utilization=utilization, subsidy=subsidy, date=date
    )


def tco(
    chip: list[str] = typer.Option(
        [], "--chip", "-c", help="Accelerator id (repeatable, or comma-separated)."
    ),
    site: list[str] = typer.Option(
        [], "--site", "-s", help="Site id (repeatable, or comma-separated)."
    ),
    precision: str = PRECISION,
    utilization: float | None = UTILIZATION,
    subsidy: str = SUBSIDY,
    date: str | None = DATE,
    scenario: Path | None = SCENARIO,
    spec: Path | None = SPEC,
    set_: list[str] = SET,
    format: Format = FORMAT_OPTION,
    samples: int | None = SAMPLES,
    seed: int = SEED,
) -> None:
    """Cost per accelerator-hour and per usable PFLOP-hour, for each chip × site."""
    from chipwar.cli.output import emit, note_large_work, stderr
    from chipwar.commands import compute as commands

    result = commands.tco(
        chip=chip, site=site, options=_options(precision, utilization, subsidy, date),
        scenario=scenario, spec=spec, set_=set_, samples=samples, seed=seed,
        on_large_work=note_large_work,
    )  # fmt: skip
    emit(result.data, format, table_columns=TCO_COLUMNS if samples is None else MC_COLUMNS)
    for line in result.notes:
        stderr.print(line, highlight=False)


def compare(
    precision: str = PRECISION,
    utilization: float | None = UTILIZATION,
    date: str | None = DATE,
    scenario: Path | None = SCENARIO,
    spec: Path | None = SPEC,
    set_: list[str] = SET,
    format: Format = FORMAT_OPTION,
    samples: int | None = SAMPLES,
    seed: int = SEED,
) -> None:
    """The seed's central question: H20 / H100 / Ascend 910B / 910C per usable PFLOP-hour in
    Inner Mongolia and Guizhou (with and without the subsidy) and in Virginia."""
    from chipwar.cli.output import emit
    from chipwar.commands import compute as commands

    frame = commands.compare(
        options=_options(precision, utilization, "auto", date), scenario=scenario, spec=spec,
        set_=set_, samples=samples, seed=seed,
    ).data  # fmt: skip
    if format is not Format.table:
        cols = None if format is Format.json else ["chip", "site", "case", *TCO_COLUMNS[2:]]
        emit(frame, format, columns=cols)
        return
    table = []
    for chip_id, rows in frame.groupby("chip", sort=False):
        out: dict[str, object] = {"chip": chip_id}
        for _, r in rows.iterrows():
            cell = f"{r['usd_per_pflop_hour']:.2f} ({100 * r['electricity_share']:.1f}%)"
            if samples is not None:
                cell += f" [{r['usd_per_pflop_hour_p5']:.2f}–{r['usd_per_pflop_hour_p95']:.2f}]"
            out[str(r["case"])] = cell
        table.append(out)
    emit(
        table,
        format,
        title=f"USD per usable dense {precision.upper()} PFLOP-hour (electricity share of cost)"
        + (" [p5–p95]" if samples is not None else ""),
    )


def breakeven(
    chip: str = typer.Option(..., "--chip", "-c", help="Chip A."),
    vs: str = typer.Option(..., "--vs", help="Chip B."),
    site: str = typer.Option(..., "--site", "-s"),
    param: Param = typer.Option(..., "--param", help="Which input to solve for."),
    precision: str = PRECISION,
    utilization: float | None = UTILIZATION,
    subsidy: str = SUBSIDY,
    date: str | None = DATE,
    scenario: Path | None = SCENARIO,
    spec: Path | None = SPEC,
    set_: list[str] = SET,
    format: Format = FORMAT_OPTION,
) -> None:
    """The value of one input at which chip A and chip B cost the same per usable PFLOP-hour."""
    from chipwar.cli.output import emit, stdout
    from chipwar.commands import compute as commands

    result = commands.breakeven(
        chip=chip, vs=vs, site=site, param=param.value,
        options=_options(precision, utilization, subsidy, date), scenario=scenario, spec=spec,
        set_=set_,
    ).data  # fmt: skip
    if format is Format.json:
        emit(result, format)
        return
    if format is Format.csv:
        emit([result], format)
        return
    stdout.print(result["message"], highlight=False)


def sensitivity(
    chip: str = typer.Option(..., "--chip", "-c"),
    site: str = typer.Option(..., "--site", "-s"),
    precision: str = PRECISION,
    utilization: float | None = UTILIZATION,
    subsidy: str = SUBSIDY,
    date: str | None = DATE,
    scenario: Path | None = SCENARIO,
    spec: Path | None = SPEC,
    set_: list[str] = SET,
    format: Format = FORMAT_OPTION,
) -> None:
    """Tornado: USD per usable PFLOP-hour with each uncertain input at its low and high."""
    from chipwar.cli.output import emit
    from chipwar.commands import compute as commands

    frame = commands.sensitivity(
        chip=chip, site=site, options=_options(precision, utilization, subsidy, date),
        scenario=scenario, spec=spec, set_=set_,
    ).data  # fmt: skip
    emit(frame, format, title=f"{chip} at {site}: usd_per_pflop_hour, one input at a time")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("tco")(tco)
    app.command("compare")(compare)
    app.command("breakeven")(breakeven)
    app.command("sensitivity")(sensitivity)
