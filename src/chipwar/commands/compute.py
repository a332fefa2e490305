"""Compute commands: ``tco``, ``compare``, ``breakeven``, ``sensitivity``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from chipwar.catalog.accelerators import Accelerator
from chipwar.catalog.sites import Site
from chipwar.commands import Result, records_warnings, split_ids
from chipwar.compute.assumptions import load_assumptions, with_overrides
from chipwar.compute.options import TcoOptions
from chipwar.compute.options import parse_subsidy as parse_subsidy  # web pages and workloads
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
PARAMS = ("electricity-price", "subsidy", "chip-price")


@dataclass(frozen=True)
class Context:
    """Resolved inputs of a compute command: the TCO options (assumptions resolved from the
    scenario file and ``--set``) and the extra chips and sites of ``--spec``/``--scenario``."""

    options: TcoOptions
    chips: dict[str, Accelerator]
    sites: dict[str, Site]

    def chip(self, chip_id: str) -> Accelerator | str:
        return self.chips.get(chip_id, chip_id)

    def site(self, site_id: str) -> Site | str:
        return self.sites.get(site_id, site_id)


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
    options: TcoOptions | None = None,
    *,
    scenario: Path | None = None,
    sets: list[str] | None = None,
    spec: Path | None = None,
) -> Context:
    """``options`` with its assumptions resolved: given ones, else the ``--scenario`` file's,
    else the sourced defaults; then the ``--set`` overrides on top."""
    from chipwar.scenarios.loader import read_extras

    options = options or TcoOptions()
    extras = read_extras(spec, scenario)
    assumptions = options.assumptions if options.assumptions is not None else extras.assumptions
    if assumptions is None:
        assumptions = load_assumptions()
    if sets:
        assumptions = with_overrides(assumptions, parse_sets(sets), source="--set")
    return Context(options.replace(assumptions=assumptions), extras.chips, extras.sites)


def _require(values: list[str], option: str) -> list[str]:
    if not values:
        raise InputError(option, None, f"at least one {option} ID (or a --spec file with some)")
    return values


@records_warnings
def tco(
    *,
    chip: list[str] | None = None,
    site: list[str] | None = None,
    options: TcoOptions | None = None,
    scenario: Path | None = None,
    spec: Path | None = None,
    set_: list[str] | None = None,
    samples: int | None = None,
    seed: int = 0,
    on_large_work: Callable[[float, str], None] | None = None,
) -> Result:
    """Cost per accelerator-hour and per usable PFLOP-hour for each chip × site (with
    ``samples``: the Monte Carlo summary, and the probability that the first of two chips is
    cheaper as notes). ``on_large_work(bytes, what)`` is told the memory estimate of a Monte
    Carlo run before it starts (the CLI prints a note for large ones)."""
    from chipwar.compute.tco import tco_frame

    ctx = make_context(options, scenario=scenario, sets=set_, spec=spec)
    # Without --chip/--site, the entries of the --spec/--scenario file are evaluated.
    chips = [ctx.chip(c) for c in _require(split_ids(chip) or list(ctx.chips), "--chip")]
    sites = [ctx.site(s) for s in _require(split_ids(site) or list(ctx.sites), "--site")]
    if samples is None:
        return Result(tco_frame(chips, sites, **ctx.options.engine_kwargs()))
    from chipwar.compute.montecarlo import MAX_CELLS, estimated_bytes, tco_montecarlo  # SciPy

    cells = len(chips) * len(sites) * samples
    if on_large_work is not None and samples >= 1 and cells <= MAX_CELLS:
        on_large_work(estimated_bytes(cells), f"{cells:,} Monte Carlo cells")
    mc = tco_montecarlo(chips, sites, samples=samples, seed=seed, **ctx.options.engine_kwargs())
    notes = []
    if len(chips) == 2:
        a, b = mc.batch.chips
        for j, s in enumerate(mc.batch.sites):
            p = float(mc.prob_cheaper(0, 1)[j])
            notes.append(
                f"P({a.id} cheaper than {b.id} per usable PFLOP-hour at {s.id}) = {p:.3f} "
                f"({samples} samples, seed {seed})"
            )
    return Result(mc.summary(), notes)


def central_frame(ctx: Context, samples: int | None = None, seed: int = 0) -> pd.DataFrame:
    """The central-question rows: each chip in each case of :data:`CENTRAL_CASES`."""
    from chipwar.compute.montecarlo import tco_montecarlo
    from chipwar.compute.tco import tco_frame

    frames = []
    chips = [ctx.chip(c) for c in CENTRAL_CHIPS]
    for site_id, subsidy, label in CENTRAL_CASES:
        case = ctx.options
        if case.subsidy == "auto":
            case = case.replace(subsidy=subsidy)
        kwargs = case.engine_kwargs()
        if samples is None:
            frame = tco_frame(chips, [ctx.site(site_id)], **kwargs)
        else:
            frame = tco_montecarlo(
                chips, [ctx.site(site_id)], samples=samples, seed=seed, **kwargs
            ).summary()
        frame.insert(2, "case", label)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


@records_warnings
def compare(
    *,
    options: TcoOptions | None = None,
    scenario: Path | None = None,
    spec: Path | None = None,
    set_: list[str] | None = None,
    samples: int | None = None,
    seed: int = 0,
) -> Result:
    """The seed's central question (:data:`CENTRAL_CHIPS` in :data:`CENTRAL_CASES`)."""
    ctx = make_context(options, scenario=scenario, sets=set_, spec=spec)
    return Result(central_frame(ctx, samples, seed))


@records_warnings
def breakeven(
    *,
    chip: str,
    vs: str,
    site: str,
    param: str,
    options: TcoOptions | None = None,
    scenario: Path | None = None,
    spec: Path | None = None,
    set_: list[str] | None = None,
) -> Result:
    """The value of ``param`` at which chip A and chip B cost the same per usable PFLOP-hour."""
    from chipwar.compute.breakeven import breakeven as solve

    if param not in PARAMS:
        raise InputError("--param", param, "one of " + ", ".join(PARAMS))
    ctx = make_context(options, scenario=scenario, sets=set_, spec=spec)
    chip_a, chip_b, at = ctx.chip(chip), ctx.chip(vs), ctx.site(site)
    return Result(solve(chip_a, chip_b, at, param=param, **ctx.options.engine_kwargs()))


@records_warnings
def sensitivity(
    *,
    chip: str,
    site: str,
    options: TcoOptions | None = None,
    scenario: Path | None = None,
    spec: Path | None = None,
    set_: list[str] | None = None,
) -> Result:
    """Tornado: USD per usable PFLOP-hour with each uncertain input at its low and high."""
    from chipwar.compute.montecarlo import tornado

    ctx = make_context(options, scenario=scenario, sets=set_, spec=spec)
    return Result(tornado(ctx.chip(chip), ctx.site(site), **ctx.options.engine_kwargs()))
