"""Break-even: the value of one input at which two chips cost the same per usable PFLOP-hour.

The cost per usable PFLOP-hour is affine in each supported parameter p (electricity price,
subsidy, chip price), so the difference d(p) = cost_A(p) − cost_B(p) = d0 + slope · p is found
from two evaluations and solved in closed form: p* = −d0 / slope. The answer is checked against
the allowed range (prices ≥ 0, subsidy 0–1) and by re-evaluating d(p*).

* ``electricity-price``: the price before subsidy at the site, for both chips [USD/kWh];
  each chip keeps its own subsidy fraction.
* ``subsidy``: the fraction of chip A's power bill waived [0–1]; chip B keeps its own.
* ``chip-price``: chip A's price [USD per accelerator]; its all-in capex is price × (1 + server
  overhead), or, when the chip has ``system_capex_usd``, that figure shifted by
  (price − price_usd.base) (the rest of the system held fixed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Literal

import numpy as np

from chipwar.catalog.accelerators import Accelerator
from chipwar.catalog.sites import Site
from chipwar.compute.assumptions import TcoAssumptions
from chipwar.compute.tco import (
    Array,
    TcoBatch,
    base_values,
    engine_inputs,
    prepare,
    tco_arrays,
)
from chipwar.errors import InputError, NotApplicableError

Param = Literal["electricity-price", "subsidy", "chip-price"]
PARAMS: dict[str, tuple[str, float, float]] = {
    "electricity-price": ("USD/kWh", 0.0, float("inf")),
    "subsidy": ("fraction of chip A's power bill", 0.0, 1.0),
    "chip-price": ("USD per chip A", 0.0, float("inf")),
}


def breakeven(
    chip_a: str | Accelerator,
    chip_b: str | Accelerator,
    site: str | Site,
    *,
    param: str,
    precision: str = "bf16",
    utilization: float | None = None,
    subsidy: Literal["auto"] | float = "auto",
    date: dt.date | None = None,
    assumptions: TcoAssumptions | None = None,
) -> dict[str, Any]:
    """Value of ``param`` at which A and B cost the same per usable PFLOP-hour, or None.

    Returns a dict: chip_a, chip_b, site, param, unit, allowed, current (A's/the site's
    value now), value (p* or None), cost_a/cost_b (usd_per_pflop_hour now), cost_at_value,
    message (a sentence for people).
    """
    param = param.replace("_", "-")  # electricity_price is accepted too
    if param not in PARAMS:
        raise InputError("param", param, f"one of {', '.join(PARAMS)}")
    batch = prepare(
        [chip_a, chip_b],
        [site],
        precision=precision,
        utilization=utilization,
        subsidy=subsidy,
        date=date,
        assumptions=assumptions,
    )
    a, b = batch.chips
    if a.id == b.id:
        raise InputError("vs", b.id, "a chip other than --chip")
    inputs = engine_inputs(batch, base_values(batch))
    shape = (2, 1, 1)
    full = {k: np.broadcast_to(v, shape).copy() for k, v in inputs.items()}
    unit, lo, hi = PARAMS[param]

    def setter(p: float) -> dict[str, Array]:
        x = {k: v.copy() for k, v in full.items()}
        if param == "electricity-price":
            x["price_usd_per_kwh"][:] = p
        elif param == "subsidy":
            x["subsidy"][0] = p
        else:
            x["system_capex_usd"][0] = capex_of(p)
        return x

    capex_of = _capex_function(batch, full) if param == "chip-price" else float
    if param == "electricity-price":
        current = float(full["price_usd_per_kwh"][0, 0, 0])
    elif param == "subsidy":
        current = float(full["subsidy"][0, 0, 0])
    else:
        current = _current_price(batch)

    def diff(p: float) -> tuple[float, float, float]:
        cost = tco_arrays(**setter(p))["usd_per_pflop_hour"][:, 0, 0]
        return float(cost[0] - cost[1]), float(cost[0]), float(cost[1])

    now = tco_arrays(**full)["usd_per_pflop_hour"][:, 0, 0]
    d0, _, _ = diff(0.0)
    d1, _, _ = diff(1.0)
    slope = d1 - d0
    result: dict[str, Any] = {
        "chip_a": a.id,
        "chip_b": b.id,
        "site": batch.sites[0].id,
        "param": param,
        "unit": unit,
        "allowed": f"[{lo:g}, {hi:g}]" if np.isfinite(hi) else f">= {lo:g}",
        "current": current,
        "cost_a": float(now[0]),
        "cost_b": float(now[1]),
        "value": None,
        "cost_at_value": None,
    }
    scale = max(abs(d0), abs(d1), 1e-12)
    name = param.replace("-", " ")
    if abs(slope) <= 1e-12 * scale:
        same = abs(d0) <= 1e-9 * max(float(now[0]), 1e-12)
        cheaper = a.id if d0 < 0 else b.id
        result["message"] = (
            f"{a.id} and {b.id} cost the same at every {name}"
            if same
            else f"no {name} changes the gap: {cheaper} is cheaper at every value"
        )
        return result
    value = -d0 / slope
    if not (lo <= value <= hi) or not np.isfinite(value):
        at_lo = diff(lo)[0]
        cheaper = a.id if at_lo < 0 else b.id
        result["message"] = (
            f"no {name} {_within(result['allowed'])} makes them equal: {cheaper} is cheaper per "
            f"usable PFLOP-hour over the whole range (equality would need {_fmt(value)} {unit})"
        )
        return result
    check, cost_a, _ = diff(value)
    assert abs(check) <= 1e-6 * max(cost_a, 1e-12), "cost is not affine in the parameter"
    result["value"] = float(value)
    result["cost_at_value"] = cost_a
    below = a.id if d0 < 0 else b.id
    result["message"] = (
        f"{a.id} and {b.id} cost the same ({cost_a:.4g} USD per usable PFLOP-hour) at "
        f"{name} = {_fmt(value)} {unit} (now {_fmt(current)}); below it {below} is cheaper"
    )
    return result


def _capex_function(batch: TcoBatch, full: dict[str, Array]) -> Callable[[float], float]:
    """Chip A's all-in capex [USD] as a function of its chip price [USD]."""
    chip = batch.chips[0]
    if chip.system_capex_usd is None:
        multiplier = 1.0 + float(batch.factors["server_capex_overhead"].base[0, 0])
        return lambda p: p * multiplier
    if chip.price_usd is None:
        raise NotApplicableError(
            f"chip {chip.id!r} has system_capex_usd but no price_usd, so the chip's own share "
            "of the system cost is unknown; give price_usd in a scenario file"
        )
    rest = float(full["system_capex_usd"][0, 0, 0]) - chip.price_usd.base
    return lambda p: rest + p


def _current_price(batch: TcoBatch) -> float:
    chip = batch.chips[0]
    return float(chip.price_usd.base) if chip.price_usd is not None else float("nan")


def _within(allowed: str) -> str:
    return f"in {allowed}" if allowed.startswith("[") else allowed


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"
