"""Checks on the supply engine (``chipwar.supply``), nexperia-2025 scenario.

Observations: Dongguan's share of back-end throughput, inventory cover along each chain and the
alternates' qualification time are sums and medians of the scenario's *sourced inputs*
(basis ``observation``). The simulated first plant stop and peak price are the engine's
projection (basis ``model``): principle 2 allows them only for forecasts.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

import numpy as np

from chipwar.claims.base import DataMissing, Modelled, register
from chipwar.claims.checks.evidence import fallback
from chipwar.claims.ledger import seed_source_ids
from chipwar.supply import results
from chipwar.supply.scenario import read_scenario


def _supply_scenario(params: dict[str, Any]) -> Any:
    return _read_supply_scenario(str(params.get("scenario", "nexperia-2025")))


@lru_cache(maxsize=8)
def _read_supply_scenario(name: str) -> Any:
    """The scenario (cached: the flip search evaluates a claim a few dozen times)."""
    return read_scenario(name)


@lru_cache(maxsize=8)
def _built_network(name: str) -> Any:
    return results.build(_read_supply_scenario(name))


def _scale_value(v: Any, k: float) -> Any:
    if v is None:
        return None
    if isinstance(v, int | float):
        return v * k
    return v.model_copy(update={"low": v.low * k, "base": v.base * k, "high": v.high * k})


@register("supply.weeks_to_shortage", engine="chipwar.supply", knobs=("inventory",), basis="model")
def supply_weeks_to_shortage(params: dict[str, Any], knob: str, value: float) -> Modelled:
    """Weeks from the first shock to the first plant stop in the scenario's base-value run."""
    scn = _supply_scenario(params)
    k = value if knob == "inventory" else 1.0
    if k != 1.0:
        nodes = [
            n.model_copy(
                update={
                    "inventory_days": _scale_value(n.inventory_days, k),
                    "finished_days": _scale_value(n.finished_days, k),
                    "inventory_units": {p: u * k for p, u in n.inventory_units.items()},
                }
            )
            for n in scn.nodes
        ]
        d = scn.defaults
        defaults = d.model_copy(
            update={
                "inventory_days": _scale_value(d.inventory_days, k),
                "finished_days": _scale_value(d.finished_days, k),
            }
        )
        scn = scn.model_copy(update={"nodes": nodes, "defaults": defaults})
    name = str(params.get("scenario", "nexperia-2025"))
    net = results.build(scn) if k != 1.0 else _built_network(name)
    res, _ = results.run(net, samples=1, seed=0)
    summary = results.summarize(net, res, 1, 0)
    stops = [p["first_stop_day"] for p in summary["plants"] if p["first_stop_day"] is not None]
    cutting = [s for s in scn.shocks if s.kind in ("export_ban", "delivery_stop", "shutdown")]
    if not cutting:
        raise DataMissing("the scenario has no shock that cuts supply")
    first = min(cutting, key=lambda s: s.start)
    shock_day = (first.start - scn.start_date).days
    if not stops:
        raise DataMissing(
            f"no plant stops within the {scn.days}-day horizon of {scn.id}: "
            "that is no measure of how long inventories last"
        )
    weeks = (min(stops) - shock_day) / 7.0
    rows = [
        {k2: p.get(k2) for k2 in ("id", "country", "first_stop_date", "lost_units")}
        for p in summary["plants"]
    ]
    return Modelled(
        value=weeks,
        sources=list(scn.source),
        basis=f"{scn.id}: first plant stop after the first supply cut ({first.id}, {first.start})",
        rows=rows,
        assumptions=["base values of the scenario (no sampling)"],
    )


_UPSTREAM_STOP = ("fab", "assembly_test")
"""Cover is counted downstream of Nexperia's own back end: distributors, Tier-1s and plants."""


@register(
    "supply.inventory_cover_weeks",
    engine="chipwar.supply",
    knobs=("inventory",),
    basis="observation",
)
def supply_inventory_cover_weeks(params: dict[str, Any], knob: str, value: float) -> Modelled:
    """Weeks of inventory cover along each customer chain of the scenario: distributor + Tier-1 +
    plant stock (input and finished), share-weighted over suppliers [weeks]. Base value = median
    over plants whose chain data do not cite the seed; range = lowest low .. highest high."""
    scn = _supply_scenario(params)
    k = value if knob == "inventory" else 1.0
    part = params.get("plant_part")
    nodes = {n.id: n for n in scn.nodes}
    suppliers: dict[str, list[tuple[str, float]]] = {}
    for e in scn.edges:
        suppliers.setdefault(e.customer, []).append((e.supplier, float(e.share)))
    seed = seed_source_ids()

    def days(v: Any, default: Any, bound: str) -> float:
        v = default if v is None else v
        return float(v) if isinstance(v, int | float) else float(getattr(v, bound))

    def cover(nid: str, bound: str) -> tuple[float, list[str]]:
        n = nodes[nid]
        if n.kind in _UPSTREAM_STOP:
            return 0.0, []
        d = scn.defaults
        own = k * (
            days(n.inventory_days, d.inventory_days, bound)
            + days(getattr(n, "finished_days", None), d.finished_days, bound)
        )
        ups = suppliers.get(nid, [])
        total = sum(sh for _, sh in ups) or 1.0
        chain, up = [nid], 0.0
        for sup, sh in ups:
            d, c = cover(sup, bound)
            up += d * sh / total
            chain += [x for x in c if x not in chain]
        return own + up, chain

    rows, excluded, sources = [], [], []
    for n in scn.nodes:
        if n.kind != "plant" or (part is not None and n.part != part):
            continue
        base, chain = cover(n.id, "base")
        cited = {s for c in chain for s in nodes[c].source}
        if cited & seed:
            excluded.append(n.id)
            continue
        sources += [s for c in chain for s in nodes[c].source]
        rows.append(
            {
                "plant": n.id,
                "chain": " <- ".join(chain),
                "cover_weeks_low": cover(n.id, "low")[0] / 7,
                "cover_weeks_base": base / 7,
                "cover_weeks_high": cover(n.id, "high")[0] / 7,
            }
        )
    if not rows:
        raise DataMissing(f"{scn.id}: no plant chain whose inventory data do not cite the seed")
    notes = [f"stock downstream of Nexperia's back end ({', '.join(_UPSTREAM_STOP)} excluded)"]
    if excluded:
        notes.append(f"chains citing the seed article left out: {', '.join(excluded)}")
    if scn.alternates:
        q = np.median([_days(a.qualification_days) + _days(a.ramp_days) for a in scn.alternates])
        notes.append(f"for comparison: alternates need {q / 30.44:.1f} months to qualify and ramp")
    return Modelled(
        value=float(np.median([r["cover_weeks_base"] for r in rows])),
        low=min(r["cover_weeks_low"] for r in rows),
        high=max(r["cover_weeks_high"] for r in rows),
        sources=list(dict.fromkeys(sources)),
        basis=f"{scn.id}: inventory cover along {len(rows)} customer chains (median of base)",
        rows=rows,
        assumptions=notes,
    )


def _days(v: Any) -> float:
    return float(v) if isinstance(v, int | float) else float(v.base)


@register("supply.peak_price", engine="chipwar.supply", knobs=("elasticity",), basis="model")
def supply_peak_price(params: dict[str, Any], knob: str, value: float) -> Modelled:
    """Peak price multiplier P/P0 of ``part`` in the scenario's base-value run."""
    scn = _supply_scenario(params)
    name = str(params.get("scenario", "nexperia-2025"))
    if knob == "elasticity" and value != 1.0:
        market = scn.market.model_copy(
            update={"price_elasticity": scn.market.price_elasticity * value}
        )
        net = results.build(scn.model_copy(update={"market": market}))
    else:
        net = _built_network(name)
    res, _ = results.run(net, samples=1, seed=0)
    part = str(params["part"])
    if part not in net.part_ids:
        raise DataMissing(f"{scn.id} has no part {part!r} (parts: {', '.join(net.part_ids)})")
    k = net.part_ids.index(part)
    series = np.asarray(res.part_price[:, k, 0], dtype=float)
    peak = int(np.argmax(series))
    day = (net.start_date + dt.timedelta(days=peak)).isoformat()
    return Modelled(
        value=float(series[peak]),
        sources=sorted(set(scn.market.source)),
        basis=f"{scn.id}: peak price multiplier of {part} ({day}), base-value run",
        rows=[
            {"part": pid, "peak_price_multiplier": float(np.max(res.part_price[:, i, 0]))}
            for i, pid in enumerate(net.part_ids)
        ],
        assumptions=[
            f"contract-price response with elasticity {scn.market.price_elasticity:g}, "
            f"cap {scn.market.price_cap:g}; spot prices for single part numbers ran higher"
        ],
    )


@register(
    "supply.qualification_months",
    engine="chipwar.supply",
    knobs=("qualification",),
    basis="observation",
)
def supply_qualification_months(params: dict[str, Any], knob: str, value: float) -> Modelled:
    """Median qualification + ramp time of the scenario's alternate sources [months]."""
    k = value if knob == "qualification" else 1.0
    scn = _supply_scenario(params)
    if not scn.alternates:
        return fallback(params, k, f"{scn.id} has no alternate sources")

    def days(v: Any, bound: str) -> float:
        return float(v) if isinstance(v, int | float) else float(getattr(v, bound))

    per = {
        b: [
            (days(a.qualification_days, b) + days(a.ramp_days, b)) / 30.44 * k
            for a in scn.alternates
        ]
        for b in ("low", "base", "high")
    }
    rows = [
        {
            "alternate": a.id,
            "part": a.part,
            "qualification_days": days(a.qualification_days, "base"),
            "ramp_days": days(a.ramp_days, "base"),
        }
        for a in scn.alternates
    ]
    return Modelled(
        value=float(np.median(per["base"])),
        low=float(np.median(per["low"])),
        high=float(np.median(per["high"])),
        sources=sorted({s for a in scn.alternates for s in a.source}),
        basis=f"{scn.id}: median (qualification + ramp) of {len(rows)} alternates",
        rows=rows,
    )


@register("supply.backend_share", engine="chipwar.supply", knobs=("share",), basis="observation")
def supply_backend_share(params: dict[str, Any], knob: str, value: float) -> Modelled:
    """Share of back-end (assembly_test) baseline throughput at nodes matching ``site``:
    rate = d + A·rate over the scenario's network (``chipwar.supply.network.baseline_rates``)."""
    k = value if knob == "share" else 1.0
    scn = _supply_scenario(params)
    net = _built_network(str(params.get("scenario", "nexperia-2025")))
    site = str(params.get("site", "dongguan"))
    backend = [i for i, kind in enumerate(net.node_kind) if kind == "assembly_test"]
    rate = np.asarray(net.rate, dtype=float)
    total = float(rate[backend].sum()) if backend else 0.0
    mine = float(sum(rate[i] for i in backend if site in net.node_ids[i]))
    if total <= 0 or mine == 0:
        return fallback(params, k, f"{scn.id}: no back-end throughput at a node matching {site!r}")
    nodes = {n.id: n for n in scn.nodes}
    return Modelled(
        value=mine / total * k,
        sources=sorted({s for i in backend for s in nodes[net.node_ids[i]].source}),
        basis=f"{scn.id}: baseline throughput of back-end nodes matching {site!r} / all back-end",
        rows=[{"node": net.node_ids[i], "units_per_day": float(rate[i])} for i in backend],
    )
