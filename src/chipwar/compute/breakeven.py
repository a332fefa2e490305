"""Break-even: the value of one input at which two chips cost the same per usable PFLOP-hour.

The cost per usable PFLOP-hour is affine in each supported parameter p (electricity price,
subsidy, chip price), so the difference d(p) = cost_A(p) − cost_B(p) = d0 + slope · p is found
from two evaluations and solved in closed form: p* = −d0 / slope. The answer is checked against
the allowed range (prices ≥ 0, subsidy 0–1) and by re-evaluating d(p*). :func:`breakeven`
solves one pair; :func:`breakeven_pairs` solves many pairs of one prepared batch at once (the
dashboard's explorer), with the same kernel and the same decisions (:func:`_solve`,
:func:`_message`).

* ``electricity-price``: the price before subsidy at the site, for both chips [USD/kWh];
  each chip keeps its own subsidy fraction.
* ``subsidy``: the fraction of chip A's power bill waived [0–1]; chip B keeps its own.
* ``chip-price``: chip A's price [USD per accelerator]; its all-in capex is price × (1 + server
  overhead), or, when the chip has ``system_capex_usd``, that figure shifted by
  (price − price_usd.base) (the rest of the system held fixed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

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
    _, lo, hi = PARAMS[param]

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
    result = _result(batch, param, 0, 1, 0, current)
    result["cost_a"], result["cost_b"] = float(now[0]), float(now[1])
    kind, value = _solve(d0, d1, lo, hi)
    if kind == "inside":
        check, cost_a, _ = diff(value)
        assert abs(check) <= 1e-6 * max(cost_a, 1e-12), "cost is not affine in the parameter"
        result["value"], result["cost_at_value"] = float(value), cost_a
    at_lo = diff(lo)[0] if kind == "outside" else 0.0
    result["message"] = _message(result, kind, d0, float(now[0]), value, at_lo)
    return result


SET = {
    "electricity-price": "price_usd_per_kwh",
    "subsidy": "subsidy",
    "chip-price": "system_capex_usd",
}
"""The kernel input each parameter sets (chip price: through chip A's all-in capex)."""

Pair = tuple[int, int, int]
"""(chip A's row, chip B's row, site column) in a :class:`TcoBatch`."""


def breakeven_pairs(batch: TcoBatch, pairs: Sequence[Pair], *, param: str) -> list[dict[str, Any]]:
    """:func:`breakeven` for many (chip A, chip B, site) pairs of one prepared batch, solved
    together: the pairs' inputs are gathered into arrays of shape (2, P, K) (A and B, pairs,
    evaluation points) and the kernel runs twice in all (at the current value, p = 0 and p = 1;
    then at p* or the range's low end), instead of three to four times per pair. Same equation
    and same answers as :func:`breakeven` on each pair (a test holds them equal to rtol 1e-9);
    the options (precision, utilization, subsidy, date, assumptions) are the batch's.
    """
    param = param.replace("_", "-")
    if param not in PARAMS:
        raise InputError("param", param, f"one of {', '.join(PARAMS)}")
    if not pairs:
        return []
    rows_a, rows_b, cols = (np.array(v, dtype=np.intp) for v in zip(*pairs, strict=True))
    for i, j in zip(rows_a.tolist(), rows_b.tolist(), strict=True):
        if batch.chips[i].id == batch.chips[j].id:
            raise InputError("vs", batch.chips[j].id, "a chip other than --chip")
    inputs = engine_inputs(batch, base_values(batch))
    # Every input broadcastable to (2, P, 1): [0] chip A's value at the pair's site, [1] B's.
    sides = np.stack([rows_a, rows_b])
    pair_in = {k: _gather(v, sides, cols) for k, v in inputs.items()}
    _, lo, hi = PARAMS[param]
    alpha = beta = np.zeros(0)
    a_input = np.broadcast_to(pair_in[SET[param]], (2, len(pairs), 1))[0, :, 0]  # A, now
    if param == "chip-price":
        alpha, beta = _capex_lines(batch, rows_a, a_input)
        current = batch.chip_price_base[rows_a, 0]
    else:
        current = a_input

    def costs(p: Array) -> Array:
        """usd_per_pflop_hour (2, P, K) with the parameter at ``p`` (P, K); NaN: as now."""
        name = SET[param]
        varied = np.empty((2, *p.shape))  # the one input that varies; the rest broadcast
        np.copyto(varied, pair_in[name])
        given = ~np.isnan(p)
        if param == "electricity-price":
            for side in (0, 1):
                varied[side][given] = p[given]
        elif param == "subsidy":
            varied[0][given] = p[given]
        else:
            capex = alpha[:, None] + beta[:, None] * p
            varied[0][given] = capex[given]
        return tco_arrays(**{**pair_in, name: varied})["usd_per_pflop_hour"]

    p = np.empty((len(pairs), 3))
    p[:, 0], p[:, 1], p[:, 2] = np.nan, 0.0, 1.0
    first = costs(p)
    now_a, now_b = first[0, :, 0], first[1, :, 0]
    d0s, d1s = first[0, :, 1] - first[1, :, 1], first[0, :, 2] - first[1, :, 2]
    solved = [_solve(float(d0), float(d1), lo, hi) for d0, d1 in zip(d0s, d1s, strict=True)]
    at = np.array([[v if kind == "inside" else lo] for kind, v in solved])
    second = costs(at)[:, :, 0]
    out = []
    for q, ((kind, value), (i, _, j)) in enumerate(zip(solved, pairs, strict=True)):
        result = _result(batch, param, i, pairs[q][1], j, float(current[q]))
        result["cost_a"], result["cost_b"] = float(now_a[q]), float(now_b[q])
        check, cost_a = float(second[0, q] - second[1, q]), float(second[0, q])
        if kind == "inside":
            assert abs(check) <= 1e-6 * max(cost_a, 1e-12), "cost is not affine in the parameter"
            result["value"], result["cost_at_value"] = float(value), cost_a
        result["message"] = _message(result, kind, float(d0s[q]), float(now_a[q]), value, check)
        out.append(result)
    return out


def _gather(v: Array, rows: npt.NDArray[np.intp], cols: npt.NDArray[np.intp]) -> Array:
    """``v`` (chips × sites × 1, or 1 along an axis it does not vary on) at chip ``rows[k, p]``
    and site ``cols[p]``: broadcastable to (2, P, 1), indexed only along the axes ``v`` has."""
    if v.shape[0] == 1:
        return v if v.shape[1] == 1 else v[:, cols]
    return v[rows, 0] if v.shape[1] == 1 else v[rows, cols]


def _result(batch: TcoBatch, param: str, i: int, k: int, j: int, current: float) -> dict[str, Any]:
    """The answer's fields known before solving (chip A row ``i``, chip B row ``k``, site ``j``)."""
    unit, lo, hi = PARAMS[param]
    return {
        "chip_a": batch.chips[i].id,
        "chip_b": batch.chips[k].id,
        "site": batch.sites[j].id,
        "param": param,
        "unit": unit,
        "allowed": f"[{lo:g}, {hi:g}]" if np.isfinite(hi) else f">= {lo:g}",
        "current": current,
        "cost_a": None,
        "cost_b": None,
        "value": None,
        "cost_at_value": None,
    }


def _solve(d0: float, d1: float, lo: float, hi: float) -> tuple[str, float]:
    """The root p* = −d0 / slope of d(p) = d0 + slope · p (slope = d1 − d0), and where it lies:
    ``flat`` (no slope: the gap never changes), ``outside`` [lo, hi] (or not finite), ``inside``."""
    slope = d1 - d0
    scale = max(abs(d0), abs(d1), 1e-12)
    if abs(slope) <= 1e-12 * scale:
        return "flat", float("nan")
    value = -d0 / slope
    if not (lo <= value <= hi) or not np.isfinite(value):
        return "outside", value
    return "inside", value


def _message(
    result: dict[str, Any], kind: str, d0: float, now_a: float, value: float, at_lo: float
) -> str:
    """The sentence for people: ``at_lo`` is d(lo), used when p* lies outside the range."""
    a, b, unit = result["chip_a"], result["chip_b"], result["unit"]
    name = result["param"].replace("-", " ")
    if kind == "flat":
        same = abs(d0) <= 1e-9 * max(now_a, 1e-12)
        cheaper = a if d0 < 0 else b
        return (
            f"{a} and {b} cost the same at every {name}"
            if same
            else f"no {name} changes the gap: {cheaper} is cheaper at every value"
        )
    if kind == "outside":
        cheaper = a if at_lo < 0 else b
        return (
            f"no {name} {_within(result['allowed'])} makes them equal: {cheaper} is cheaper per "
            f"usable PFLOP-hour over the whole range (equality would need {_fmt(value)} {unit})"
        )
    below = a if d0 < 0 else b
    return (
        f"{a} and {b} cost the same ({result['cost_at_value']:.4g} USD per usable PFLOP-hour) at "
        f"{name} = {_fmt(value)} {unit} (now {_fmt(result['current'])}); below it {below} is "
        "cheaper"
    )


def _capex_lines(
    batch: TcoBatch, rows: npt.NDArray[np.intp], system_capex: Array
) -> tuple[Array, Array]:
    """Chip A's all-in capex [USD] as alpha + beta × chip price [USD], per pair (the vector form
    of :func:`_capex_function`: beta = 1 + server overhead and alpha = 0 without a system
    figure; else beta = 1 and alpha = system capex − price_usd.base)."""
    alpha, beta = np.zeros(len(rows)), np.ones(len(rows))
    multiplier = 1.0 + float(batch.factors["server_capex_overhead"].base[0, 0])
    for q, i in enumerate(np.asarray(rows).tolist()):
        chip = batch.chips[i]
        if chip.system_capex_usd is None:
            beta[q] = multiplier
            continue
        alpha[q] = float(system_capex[q]) - _own_price(chip)
    return alpha, beta


def _capex_function(batch: TcoBatch, full: dict[str, Array]) -> Callable[[float], float]:
    """Chip A's all-in capex [USD] as a function of its chip price [USD]."""
    chip = batch.chips[0]
    if chip.system_capex_usd is None:
        multiplier = 1.0 + float(batch.factors["server_capex_overhead"].base[0, 0])
        return lambda p: p * multiplier
    rest = float(full["system_capex_usd"][0, 0, 0]) - _own_price(chip)
    return lambda p: rest + p


def _own_price(chip: Accelerator) -> float:
    """price_usd.base of a chip that has system_capex_usd (its own share of the system cost)."""
    if chip.price_usd is None:
        raise NotApplicableError(
            f"chip {chip.id!r} has system_capex_usd but no price_usd, so the chip's own share "
            "of the system cost is unknown; give price_usd in a scenario file"
        )
    return chip.price_usd.base


def _current_price(batch: TcoBatch) -> float:
    chip = batch.chips[0]
    return float(chip.price_usd.base) if chip.price_usd is not None else float("nan")


def _within(allowed: str) -> str:
    return f"in {allowed}" if allowed.startswith("[") else allowed


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"
