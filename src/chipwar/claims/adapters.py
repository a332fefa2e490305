"""Glue between evaluators and engines whose API is richer than one contract function.

Each function returns a :class:`Modelled` or raises :class:`EngineMissing` / :class:`DataMissing`
(verdict "not checkable"). Keeping the engine-specific calls here leaves the evaluators small.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

import numpy as np

from chipwar.catalog.sources import cited_source_ids
from chipwar.claims.evaluators import DataMissing, EngineMissing, _accelerator, fallback, require
from chipwar.claims.verdict import Modelled

DEFAULT_MODEL = "deepseek-v3"
"""Workload used for per-token claims: the FT's energy-gap figure is about current LLM serving."""


# ------------------------------------------------------------------ workloads


def _scaled_chip(chip_id: str, knob: str, value: float) -> Any:
    chip = _accelerator(chip_id)
    if value == 1.0:
        return chip
    if knob == "chip_bandwidth":
        return chip.model_copy(update={"memory_bandwidth_tbps": chip.memory_bandwidth_tbps * value})
    if knob == "chip_power":
        upd: dict[str, Any] = {"tdp_w": (chip.tdp_w or 0) * value or None}
        if getattr(chip, "system_power_w", None) is not None:
            r = chip.system_power_w
            upd["system_power_w"] = r.model_copy(
                update={"low": r.low * value, "base": r.base * value, "high": r.high * value}
            )
        return chip.model_copy(update=upd)
    if knob == "chip_price":
        upd = {}
        for name in ("price_usd", "system_capex_usd"):
            r = getattr(chip, name, None)
            if r is not None:
                upd[name] = r.model_copy(
                    update={"low": r.low * value, "base": r.base * value, "high": r.high * value}
                )
        return chip.model_copy(update=upd)
    return chip


def workload_ratio(params: dict[str, Any], knob: str, value: float) -> Modelled:
    """metric(chip) / metric(reference) from ``infer_frame`` (same model, site, batch)."""
    infer_frame = require("chipwar.compute.workload", "infer_frame")
    metric = str(params["metric"])
    chips = [_scaled_chip(str(c), knob, value) for c in [params["chip"], *params.get("also", [])]]
    ref = _accelerator(str(params["reference"]))
    model = str(params.get("model", DEFAULT_MODEL))
    site = params.get("site", "cn-inner-mongolia")
    kwargs: dict[str, Any] = {"batch": params.get("batch", 64)}
    col = "decode_tokens_per_s_per_chip" if metric == "tokens_per_s" else metric
    needs_site = col in ("usd_per_mtok", "kwh_per_mtok")
    rows = []
    for c in (*chips, ref):
        prec = str(params.get("precision", "fp8" if "fp8" in c.dense_tflops else "bf16"))
        f = infer_frame(model, c, site if needs_site else None, precision=prec, **kwargs)
        rows.append(f.iloc[0])
    b = float(rows[-1][col])
    ratios = [float(r[col]) / b for r in rows[:-1]]
    shown = [
        {k: r.get(k) for k in ("chip", "site", "precision", "batch", col) if k in r} for r in rows
    ]
    return Modelled(
        value=ratios[0],
        low=min(ratios) if len(ratios) > 1 else None,
        high=max(ratios) if len(ratios) > 1 else None,
        sources=sorted({s for c in (*chips, ref) for s in c.source}),
        basis=f"infer_frame({model}).{col}: {chips[0].id} / {ref.id}",
        rows=shown,
        assumptions=[f"model {model}, batch {kwargs['batch']}, shipped workload assumptions"],
    )


# ------------------------------------------------------------------ supply


def _supply_scenario(params: dict[str, Any]) -> Any:
    return _read_supply_scenario(str(params.get("scenario", "nexperia-2025")))


@lru_cache(maxsize=8)
def _read_supply_scenario(name: str) -> Any:
    """The scenario (cached: the flip search evaluates a claim a few dozen times)."""
    read = require("chipwar.supply.scenario", "read_scenario")
    try:
        return read(name)
    except Exception as exc:  # a scenario that has not landed yet is "data missing"
        raise DataMissing(f"supply scenario {name!r}: {exc}") from None


@lru_cache(maxsize=8)
def _built_network(name: str) -> Any:
    results = require("chipwar.supply.results")
    return results.build(_read_supply_scenario(name))


def _scale_value(v: Any, k: float) -> Any:
    if v is None:
        return None
    if isinstance(v, int | float):
        return v * k
    return v.model_copy(update={"low": v.low * k, "base": v.base * k, "high": v.high * k})


def supply_weeks_to_shortage(params: dict[str, Any], knob: str, value: float) -> Modelled:
    """Weeks from the first shock to the first plant stop in the scenario's base-value run."""
    results = require("chipwar.supply.results")
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


def supply_inventory_cover_weeks(params: dict[str, Any], knob: str, value: float) -> Modelled:
    """Weeks of inventory cover along each customer chain of the scenario: distributor + Tier-1 +
    plant stock (input and finished), share-weighted over suppliers [weeks]. Base value = median
    over plants whose chain data do not cite the seed; range = lowest low .. highest high."""
    from chipwar.claims.evaluate import seed_source_ids

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


def supply_peak_price(params: dict[str, Any], knob: str, value: float) -> Modelled:
    """Peak price multiplier P/P0 of ``part`` in the scenario's base-value run."""
    results = require("chipwar.supply.results")
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


def supply_qualification_months(params: dict[str, Any], knob: str, value: float) -> Modelled:
    """Median qualification + ramp time of the scenario's alternate sources [months]."""
    k = value if knob == "qualification" else 1.0
    try:
        scn = _supply_scenario(params)
    except (EngineMissing, DataMissing) as exc:
        return fallback(params, k, str(exc))
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


def supply_backend_share(params: dict[str, Any], knob: str, value: float) -> Modelled:
    """Share of back-end (assembly_test) baseline throughput at nodes matching ``site``:
    rate = d + A·rate over the scenario's network (``chipwar.supply.network.baseline_rates``)."""
    k = value if knob == "share" else 1.0
    try:
        scn = _supply_scenario(params)
        require("chipwar.supply.results")
    except (EngineMissing, DataMissing) as exc:
        return fallback(params, k, str(exc))
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


# ------------------------------------------------------------------ dynamics


DYNAMICS_SAMPLES = 400
"""Samples per dynamics evaluation (the flip search runs it a few dozen times)."""


def _dynamics_samples(params: dict[str, Any], knob: str, value: float) -> np.ndarray:
    """Samples of ``variable`` in ``year`` under the dynamics scenario; the ``other_ss`` knob
    scales the non-AI self-sufficiency trend (the input that dominates the total)."""
    api = require("chipwar.dynamics.api", "prepare")
    import dataclasses

    from chipwar.dynamics import api as dyn
    from chipwar.dynamics.model import simulate
    from chipwar.dynamics.scenario import sample_params

    prep = dyn.prepare(str(params.get("scenario", "baseline")))
    del api
    seed, n = int(params.get("seed", 0)), int(params.get("samples", DYNAMICS_SAMPLES))
    values: dict[str, Any] = {}
    if prep.scenario.calibration is not None:
        values.update(dyn.draw_fitted(dyn.history_fit(prep.scenario.calibration), n, seed))
    p = sample_params(prep.scenario, n, seed, values)
    if knob == "other_ss" and value != 1.0:
        p = dataclasses.replace(
            p, other_self_sufficiency=np.clip(p.other_self_sufficiency * value, 0.0, 1.0)
        )
    out = simulate(prep.chips, p, prep.levers)
    var = str(params.get("variable", "self_sufficiency"))
    attr = dyn.METRICS.get(var, var)
    years = np.asarray(prep.years)
    year = int(params["year"])
    if year not in years:
        raise DataMissing(f"year {year} is outside the dynamics scenario ({years[0]}-{years[-1]})")
    return np.asarray(getattr(out, attr))[:, int(np.searchsorted(years, year))]


@lru_cache(maxsize=8)
def dynamics_sources(scenario: str) -> tuple[str, ...]:
    """Every source id the dynamics scenario cites, plus those of the history series its
    calibration fits and of the IC Insights self-sufficiency trend (chipwar.dynamics)."""
    from chipwar.dynamics import api as dyn
    from chipwar.dynamics.calibration import TARGETS
    from chipwar.dynamics.history import load_history

    prep = dyn.prepare(scenario)
    out = cited_source_ids(prep.scenario.model_dump())
    series = [name for name, _ in TARGETS] + ["self_sufficiency:icinsights"]
    frame = load_history()
    for src in frame.loc[frame["series"].isin(series), "source"]:
        out += [x.strip() for x in str(src).split(";") if x.strip()]
    return tuple(dict.fromkeys(out))


def dynamics_value(params: dict[str, Any], knob: str, value: float) -> Modelled:
    """Median and 5-95 % band of a dynamics variable in a year."""
    s = _dynamics_samples(params, knob, value)
    return Modelled(
        value=float(np.nanmedian(s)),
        low=float(np.nanpercentile(s, 5)),
        high=float(np.nanpercentile(s, 95)),
        sources=list(dynamics_sources(str(params.get("scenario", "baseline")))),
        basis=f"dynamics {params.get('scenario', 'baseline')}: {params.get('variable')} in "
        f"{params['year']} (median, 5-95 % band of {s.size} samples)",
        assumptions=["calibrated baseline scenario (chipwar.dynamics)"],
    )


def dynamics_probability(params: dict[str, Any], knob: str, value: float) -> Modelled:
    """P(variable >= threshold) in a year over the scenario's samples."""
    s = _dynamics_samples(params, knob, value)
    p = float(np.mean(s >= float(params["threshold"])))
    return Modelled(
        value=p,
        sources=list(dynamics_sources(str(params.get("scenario", "baseline")))),
        basis=f"dynamics {params.get('scenario', 'baseline')}: "
        f"P({params.get('variable')} >= {params['threshold']}) in {params['year']}",
        rows=[
            {
                "samples": int(s.size),
                "p5": float(np.nanpercentile(s, 5)),
                "p50": float(np.nanmedian(s)),
                "p95": float(np.nanpercentile(s, 95)),
            }
        ],
        assumptions=["calibrated baseline scenario (chipwar.dynamics)"],
    )


def today() -> dt.date:
    return dt.date.today()
