"""Checks on the TCO engine (``chipwar.compute.tco``): one column of ``tco_frame`` over chips x
sites, or a ratio of two columns. Accounting on observed prices, not a projection."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from chipwar.catalog.accelerators import load_accelerators
from chipwar.catalog.constants import HOURS_PER_YEAR
from chipwar.catalog.io import DATA_DIR, read_structured
from chipwar.catalog.sites import load_sites
from chipwar.claims.base import DataMissing, Modelled, register
from chipwar.claims.checks.catalog import aggregate, scale_if
from chipwar.compute.tco import tco_frame


def _scaled_site(site: Any, factor: float) -> Any:
    el = site.electricity
    p = el.price_per_kwh
    price = p.model_copy(
        update={"low": p.low * factor, "base": p.base * factor, "high": p.high * factor}
    )
    return site.model_copy(update={"electricity": el.model_copy(update={"price_per_kwh": price})})


def _tco(params: dict[str, Any], knob: str, value: float) -> tuple[pd.DataFrame, list[str]]:
    catalog = load_accelerators()
    chips = [c for c in params["chips"] if c in catalog]
    missing = [c for c in params["chips"] if c not in catalog]
    if not chips:
        raise DataMissing(f"none of the chips {params['chips']} is in the catalog")
    sites_all = load_sites()
    wanted = list(sites_all) if params.get("sites", "all") == "all" else list(params["sites"])
    sites = [_scaled_site(sites_all[s], scale_if(knob, "electricity_price", value)) for s in wanted]
    frame = tco_frame(chips, sites, subsidy=params.get("subsidy", "auto"))
    notes = [f"chips not in the catalog: {', '.join(missing)}"] if missing else []
    return frame, notes


def _tco_sources(frame: pd.DataFrame) -> list[str]:
    acc, sites = load_accelerators(), load_sites()
    out: set[str] = set()
    for c in frame["chip"].unique():
        if c in acc:
            out.update(acc[c].source)
    for s in frame["site"].unique():
        if s in sites:
            out.update(sites[s].source)
            out.update(sites[s].electricity.price_per_kwh.source)
    return sorted(out)


def _price_range(frame: pd.DataFrame) -> tuple[float, float]:
    """The electricity knob's own range: lowest low/base and highest high/base over the sites of
    ``frame``."""
    wanted = [str(s) for s in frame["site"].unique()]
    sites = load_sites()
    ratios = [
        (p.low / p.base, p.high / p.base)
        for s in wanted
        if (p := sites[s].electricity.price_per_kwh).base
    ]
    return min(r[0] for r in ratios), max(r[1] for r in ratios)


@register(
    "compute.tco_metric",
    engine="chipwar.compute.tco",
    knobs=("electricity_price",),
    basis="observation",
)
def compute_tco_metric(params: dict[str, Any], knob: str, value: float) -> Modelled:
    """One column of ``tco_frame`` over chips x sites, aggregated (max/min/mean)."""
    frame, notes = _tco(params, knob, value)
    metric = str(params["metric"])
    how = str(params.get("aggregate", "max"))
    rows = frame[["chip", "site", metric]].to_dict(orient="records")
    return Modelled(
        value=aggregate(frame[metric], how),
        sources=_tco_sources(frame),
        basis=f"{how} of tco_frame.{metric} over {len(frame)} chip x site rows",
        rows=rows,
        assumptions=[*notes, "shipped TCO assumptions (chipwar.compute.tco defaults)"],
        knob_low=_price_range(frame)[0],
        knob_high=_price_range(frame)[1],
    )


CHIP_PRICE_COLUMN = "chip_price_usd_per_hour"
"""Purchase price of the accelerator alone spread evenly over its life (no interest, no server,
no building): the 'chip purchase cost' a claim compares with, per hour [USD/h]."""


def _with_chip_price_per_hour(frame: pd.DataFrame) -> tuple[pd.DataFrame, str, list[str]]:
    life = read_structured(DATA_DIR / "tco_assumptions.yaml")["life_years"]
    years = float(life["base"])
    acc = load_accelerators()
    prices = {c: (r.base if (r := acc[c].price_usd) is not None else math.nan) for c in acc}
    price = frame["chip"].map(prices)
    out = frame.assign(**{CHIP_PRICE_COLUMN: price / (years * HOURS_PER_YEAR)})
    note = f"chip price (base) / ({years:g}-year life x 8,760 h); life: tco_assumptions.yaml"
    return out, note, [str(x) for x in life.get("source", [])]


@register(
    "compute.tco_ratio",
    engine="chipwar.compute.tco",
    knobs=("electricity_price",),
    basis="observation",
)
def compute_tco_ratio(params: dict[str, Any], knob: str, value: float) -> Modelled:
    """Ratio of two ``tco_frame`` columns per row, aggregated over chips x sites."""
    frame, notes = _tco(params, knob, value)
    num, den = str(params["numerator"]), str(params["denominator"])
    life_src: list[str] = []
    if CHIP_PRICE_COLUMN in (num, den):
        frame, extra, life_src = _with_chip_price_per_hour(frame)
        notes.append(extra)
    ratio = frame[num] / frame[den]
    how = str(params.get("aggregate", "max"))
    rows = frame.assign(ratio=ratio)[["chip", "site", num, den, "ratio"]].to_dict(orient="records")
    srcs = _tco_sources(frame) + life_src
    if CHIP_PRICE_COLUMN in (num, den):
        acc = load_accelerators()
        for c in frame["chip"].unique():
            r = acc[c].price_usd
            srcs += list(r.source) if r is not None else []
    return Modelled(
        value=aggregate(ratio, how),
        sources=list(dict.fromkeys(srcs)),
        basis=f"{how} of {num} / {den} over chips x sites",
        rows=rows,
        assumptions=[*notes, "shipped TCO assumptions (chipwar.compute.tco defaults)"],
        knob_low=_price_range(frame)[0],
        knob_high=_price_range(frame)[1],
    )
