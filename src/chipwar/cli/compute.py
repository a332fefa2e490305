"""CLI commands for the compute part of the model: tco, compare, breakeven, sensitivity."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import typer

from chipwar.catalog.accelerators import Accelerator
from chipwar.catalog.sites import Site
from chipwar.catalog.types import parse_date
from chipwar.cli.output import (
    FORMAT_OPTION,
    Format,
    emit,
    note_large_work,
    split_ids,
    stderr,
    stdout,
)
from chipwar.compute.assumptions import TcoAssumptions, load_assumptions, with_overrides
from chipwar.errors import InputError

CENTRAL_CHIPS = ("nvidia-h20", "nvidia-h100-sxm", "huawei-ascend-910b", "huawei-ascend-910c")
CENTRAL_CASES: tuple[tuple[str, Literal["auto"] | float, str], ...] = (
    ("cn-inner-mongolia", "auto", "Inner Mongolia, subsidy"),
    ("cn-inner-mongolia", 0.0, "Inner Mongolia, no subsidy"),
    ("cn-guizhou", "auto", "Guizhou, subsidy"),
    ("cn-guizhou", 0.0, "Guizhou, no subsidy"),
    ("us-virginia", "auto", "Virginia"),
)
"""The seed's central question: four chips, two subsidised western provinces and Virginia."""

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


@dataclass
class Context:
    """Resolved common options."""

    assumptions: TcoAssumptions
    chips: dict[str, Accelerator]
    sites: dict[str, Site]
    date: dt.date | None
    subsidy: Literal["auto"] | float
    utilization: float | None
    precision: str

    def chip(self, chip_id: str) -> Accelerator | str:
        return self.chips.get(chip_id, chip_id)

    def site(self, site_id: str) -> Site | str:
        return self.sites.get(site_id, site_id)

    def kwargs(self) -> dict[str, Any]:
        return {
            "precision": self.precision,
            "utilization": self.utilization,
            "subsidy": self.subsidy,
            "date": self.date,
            "assumptions": self.assumptions,
        }


def parse_subsidy(text: str) -> Literal["auto"] | float:
    """'auto' or a fraction in [0, 1]."""
    if text.strip().lower() == "auto":
        return "auto"
    try:
        value = float(text)
    except ValueError:
        raise InputError("--subsidy", text, "'auto' or a fraction in [0, 1]") from None
    if not 0.0 <= value <= 1.0:
        raise InputError("--subsidy", text, "'auto' or a fraction in [0, 1]")
    return value


def parse_sets(items: list[str]) -> dict[str, Any]:
    """``NAME=VALUE`` or ``NAME=LOW,BASE,HIGH`` -> {name: number or range mapping}."""
    out: dict[str, Any] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise InputError("--set", item, "NAME=VALUE, e.g. cost_of_capital=0.06")
        parts = value.split(",")
        try:
            numbers = [float(p) for p in parts]
        except ValueError:
            raise InputError(f"--set {name}", value, "a number or LOW,BASE,HIGH") from None
        if len(numbers) == 1:
            out[name.strip()] = numbers[0]
        elif len(numbers) == 3:
            out[name.strip()] = dict(zip(("low", "base", "high"), numbers, strict=True))
        else:
            raise InputError(f"--set {name}", value, "a number or LOW,BASE,HIGH")
    return out


def make_context(
    *,
    precision: str,
    utilization: float | None,
    subsidy: str,
    date: str | None,
    scenario: Path | None,
    sets: list[str],
    spec: Path | None = None,
) -> Context:
    from chipwar.scenarios.loader import read_extras

    extras = read_extras(spec, scenario)
    assumptions = extras.assumptions if extras.assumptions is not None else load_assumptions()
    if sets:
        assumptions = with_overrides(assumptions, parse_sets(sets), source="--set")
    if utilization is not None and not 0.0 < utilization <= 1.0:
        raise InputError("--utilization", utilization, "a fraction in (0, 1]")
    return Context(
        assumptions=assumptions,
        chips=extras.chips,
        sites=extras.sites,
        date=None if date is None else parse_date(date, "--date"),
        subsidy=parse_subsidy(subsidy),
        utilization=utilization,
        precision=precision.strip().lower(),
    )


def _require(values: list[str], option: str) -> list[str]:
    if not values:
        raise InputError(option, None, f"at least one {option} ID (or a --spec file with some)")
    return values


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
    from chipwar.compute.montecarlo import MAX_CELLS, estimated_bytes, tco_montecarlo
    from chipwar.compute.tco import tco_frame

    ctx = make_context(
        precision=precision, utilization=utilization, subsidy=subsidy, date=date,
        scenario=scenario, sets=set_, spec=spec,
    )  # fmt: skip
    # Without --chip/--site, the entries of the --spec/--scenario file are evaluated.
    chips = [ctx.chip(c) for c in _require(split_ids(chip) or list(ctx.chips), "--chip")]
    sites = [ctx.site(s) for s in _require(split_ids(site) or list(ctx.sites), "--site")]
    if samples is None:
        frame = tco_frame(chips, sites, **ctx.kwargs())
        emit(frame, format, table_columns=TCO_COLUMNS)
        return
    if samples >= 1 and len(chips) * len(sites) * samples <= MAX_CELLS:
        cells = len(chips) * len(sites) * samples
        note_large_work(estimated_bytes(cells), f"{cells:,} Monte Carlo cells")
    mc = tco_montecarlo(chips, sites, samples=samples, seed=seed, **ctx.kwargs())
    summary = mc.summary()
    emit(summary, format, table_columns=MC_COLUMNS)
    if len(chips) == 2:
        a, b = mc.batch.chips
        for j, s in enumerate(mc.batch.sites):
            p = float(mc.prob_cheaper(0, 1)[j])
            stderr.print(
                f"P({a.id} cheaper than {b.id} per usable PFLOP-hour at {s.id}) = {p:.3f} "
                f"({samples} samples, seed {seed})",
                highlight=False,
            )


def central_frame(ctx: Context, samples: int | None = None, seed: int = 0) -> pd.DataFrame:
    """The central-question rows: each chip in each case of :data:`CENTRAL_CASES`."""
    from chipwar.compute.montecarlo import tco_montecarlo
    from chipwar.compute.tco import tco_frame

    frames = []
    chips = [ctx.chip(c) for c in CENTRAL_CHIPS]
    kwargs = ctx.kwargs()
    for site_id, subsidy, label in CENTRAL_CASES:
        kwargs["subsidy"] = subsidy if ctx.subsidy == "auto" else ctx.subsidy
        if samples is None:
            frame = tco_frame(chips, [ctx.site(site_id)], **kwargs)
        else:
            frame = tco_montecarlo(
                chips, [ctx.site(site_id)], samples=samples, seed=seed, **kwargs
            ).summary()
        frame.insert(2, "case", label)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


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
    ctx = make_context(
        precision=precision, utilization=utilization, subsidy="auto", date=date,
        scenario=scenario, sets=set_, spec=spec,
    )  # fmt: skip
    frame = central_frame(ctx, samples, seed)
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
    from chipwar.compute.breakeven import breakeven as solve

    ctx = make_context(
        precision=precision, utilization=utilization, subsidy=subsidy, date=date,
        scenario=scenario, sets=set_, spec=spec,
    )  # fmt: skip
    result = solve(ctx.chip(chip), ctx.chip(vs), ctx.site(site), param=param.value, **ctx.kwargs())
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
    from chipwar.compute.montecarlo import tornado

    ctx = make_context(
        precision=precision, utilization=utilization, subsidy=subsidy, date=date,
        scenario=scenario, sets=set_, spec=spec,
    )  # fmt: skip
    frame = tornado(ctx.chip(chip), ctx.site(site), **ctx.kwargs())
    emit(frame, format, title=f"{chip} at {site}: usd_per_pflop_hour, one input at a time")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("tco")(tco)
    app.command("compare")(compare)
    app.command("breakeven")(breakeven)
    app.command("sensitivity")(sensitivity)
