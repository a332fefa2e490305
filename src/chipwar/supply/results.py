"""Run a scenario (Monte Carlo batch) and summarise per plant and per part; criticality ranking."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

import numpy as np

from chipwar.catalog.io import check_memory
from chipwar.errors import InputError
from chipwar.supply.engine import Draws, Outage, SimResult, baseline_draws, draw, simulate
from chipwar.supply.network import FloatArray, Network, OwnedBy, compile_network, default_owned_by
from chipwar.supply.scenario import Scenario

PERCENTILES = (5, 50, 95)

MAX_DAYS = 3650
"""Longest horizon [days]: the scenario schema's own limit on ``days`` (ten years)."""
MAX_SAMPLES = 1_000_000
"""Most replications in one run (``--samples``); memory is checked as well (``run_bytes``)."""
BYTES_PER_SLOT_DAY = 10
"""Peak memory per replication × day × (nodes + input slots) [bytes]: measured 7.5-7.9 B
(peak RSS of ``supply run nexperia-2025 -n 1000`` vs ``-n 4000`` at 120 and 480 days, issue
14), rounded up."""


def run_bytes(net: Network, samples: int, days: int) -> float:
    """Estimated peak memory of simulating ``samples`` replications for ``days`` [bytes]."""
    return BYTES_PER_SLOT_DAY * samples * days * (net.n_nodes + net.n_slots) + 100e6


def check_run_size(net: Network, samples: int, days: int | None) -> int:
    """Refuse a run above ``MAX_SAMPLES``, ``MAX_DAYS`` or the memory budget before it starts;
    returns the horizon in days."""
    if days is not None and not 1 <= days <= MAX_DAYS:
        raise InputError("days", days, f"an integer from 1 to {MAX_DAYS:,} (ten years)")
    if not 1 <= samples <= MAX_SAMPLES:
        raise InputError("samples", samples, f"an integer from 1 to {MAX_SAMPLES:,}")
    horizon = net.days if days is None else days
    check_memory("samples", samples, run_bytes(net, samples, horizon), "use fewer samples or days")
    return horizon


Progress = Callable[[int, int], None]


def build(scn: Scenario, owned_by: OwnedBy | None = None, *, use_controls: bool = True) -> Network:
    """Compile a scenario, resolving ``owned_by`` selectors through the controls data if present."""
    if owned_by is None and use_controls:
        owned_by = default_owned_by()
    return compile_network(scn, owned_by)


def run(
    net: Network,
    samples: int = 1,
    seed: int = 0,
    days: int | None = None,
    progress: Progress | None = None,
    *,
    keep_daily: bool = False,
) -> tuple[SimResult, Draws]:
    """Simulate ``samples`` replications (base values when samples == 1)."""
    if seed is not None and seed < 0:
        raise InputError("seed", seed, "an integer >= 0")
    check_run_size(net, samples, days)
    draws = draw(net, samples, seed)
    return simulate(net, draws, days, keep_daily=keep_daily, progress=progress), draws


def _pct(values: FloatArray) -> dict[str, float | None]:
    """p5/p50/p95; +inf ("never") stays None."""
    big = np.where(np.isfinite(values), values, 1e300)
    out: dict[str, float | None] = {}
    for q, v in zip(PERCENTILES, np.percentile(big, PERCENTILES, method="lower"), strict=True):
        out[f"p{q}"] = float(v) if v < 1e299 else None
    return out


def _date(net: Network, day: float | None) -> str | None:
    if day is None or not np.isfinite(day):
        return None
    return (net.start_date + dt.timedelta(days=round(day))).isoformat()


def summarize(
    net: Network, res: SimResult, samples: int, seed: int, *, daily: bool = False
) -> dict[str, Any]:
    """The JSON-ready summary: plants, total lost units, parts' shortage and price, percentiles.

    ``daily``: add each plant's daily output (mean over samples) and each part's daily price
    multiplier and shortage (median over samples)."""
    t = res.days
    first = np.where(res.plant_first_stop < 0, np.inf, res.plant_first_stop.astype(float))
    rec = res.plant_recovery.astype(float)
    rec = np.where(rec < 0, np.nan, np.where(rec >= t, np.inf, rec))  # nan: never cut
    plants = []
    for j, node in enumerate(net.plant_nodes):
        lost = res.plant_lost[j]
        f = first[j]
        stop = float(np.median(f)) if samples > 1 else float(f[0])
        lost_v = float(np.median(lost)) if samples > 1 else float(lost[0])
        r_j = rec[j]
        if np.isfinite(stop):
            cut = r_j[~np.isnan(r_j)]
            rec_day = float(np.median(cut)) if cut.size else np.inf
        else:
            rec_day = np.nan
        fr = res.plant_first_recovery[j].astype(float)
        fr_cut = fr[(res.plant_first_stop[j] >= 0)]
        fr_cut = np.where(fr_cut < 0, np.inf, fr_cut)
        first_rec = float(np.median(fr_cut)) if fr_cut.size and np.isfinite(stop) else np.nan
        row: dict[str, Any] = {
            "id": net.node_ids[node],
            "country": net.node_country[node],
            "plan_per_day": float(net.demand[j]),
            "first_stop_day": int(stop) if np.isfinite(stop) else None,
            "first_stop_date": _date(net, stop),
            "lost_units": round(lost_v, 3),
            "lost_days_of_output": round(lost_v / float(net.demand[j]), 2),
            "first_recovery_date": _date(net, first_rec) if np.isfinite(first_rec) else None,
            "recovery_day": int(rec_day) if np.isfinite(rec_day) else None,
            "recovery_date": _date(net, rec_day) if np.isfinite(rec_day) else None,
            "recovered_in_horizon": bool(np.isfinite(rec_day)) if np.isfinite(stop) else None,
        }
        if samples > 1:
            row["stop_probability"] = float(np.mean(np.isfinite(f)))
            row["percentiles"] = {
                "lost_units": _pct(lost),
                "first_stop_day": _pct(f),
            }
        if daily:
            row["daily_output"] = [round(float(v), 3) for v in res.plant_output_mean[:, j]]
        plants.append(row)
    total = res.plant_lost.sum(axis=0)
    parts = []
    for pi, pid in enumerate(net.part_ids):
        price = res.part_price[:, pi, :]
        med = np.median(price, axis=1) if samples > 1 else price[:, 0]
        short = res.part_shortage[:, pi, :]
        short_m = np.median(short, axis=1) if samples > 1 else short[:, 0]
        if not short_m.any() and float(med.max()) <= 1.0:
            continue
        peak = int(np.argmax(med))
        by_country = {}
        for mi, (mpart, country) in enumerate(res.market_keys):
            if mpart != pid:
                continue
            mp = res.market_price[:, mi, :]
            m_med = np.median(mp, axis=1) if samples > 1 else mp[:, 0]
            if float(m_med.max()) > 1.0 + 1e-9:
                mpk = int(np.argmax(m_med))
                by_country[country] = {
                    "peak_price_multiplier": round(float(m_med[mpk]), 3),
                    "peak_price_date": _date(net, mpk),
                }
        parts.append(
            {
                "id": pid,
                "peak_price_multiplier": round(float(med[peak]), 3),
                "peak_price_date": _date(net, peak),
                "max_shortage_units_per_day": round(float(short_m.max()), 3),
                "days_short": int((short_m > 0).sum()),
                "by_buyer_country": by_country,
            }
        )
        if daily:
            parts[-1]["price_path"] = [round(float(v), 4) for v in med]
            parts[-1]["shortage_path"] = [round(float(v), 3) for v in short_m]
    out: dict[str, Any] = {
        "scenario": net.scenario_id,
        "start_date": net.start_date.isoformat(),
        "days": t,
        "samples": samples,
        "seed": seed,
        "plants": plants,
        "total_lost_units": round(float(np.median(total) if samples > 1 else total[0]), 3),
        "parts": parts,
    }
    if samples > 1:
        out["percentiles"] = {"total_lost_units": _pct(total)}
    return out


def criticality(
    net: Network,
    days: int | None = None,
    *,
    outage_days: int | None = None,
    by: tuple[str, ...] = ("node", "country"),
    chunk: int = 64,
    progress: Progress | None = None,
) -> list[dict[str, Any]]:
    """Rank single-node and single-country losses by the plant output they cost.

    Each candidate is run as one replication column: its non-plant nodes are down from day 0 for
    ``outage_days`` (default: the whole horizon), with the scenario's own shocks removed and
    alternates starting qualification on day 0. lost = Σ_plants (output_baseline - output).
    """
    t = check_run_size(net, chunk, days)
    if outage_days is not None and not 1 <= outage_days <= MAX_DAYS:
        raise InputError("outage_days", outage_days, f"an integer from 1 to {MAX_DAYS:,}")
    clean = dataclasses.replace(
        net,
        shocks=[],
        alternates=[dataclasses.replace(a, trigger_day=0) for a in net.alternates],
    )
    plant_set = set(net.plant_nodes.tolist())
    candidates: list[tuple[str, str, list[int]]] = []
    if "node" in by:
        for i, nid in enumerate(net.node_ids):
            if i not in plant_set:
                candidates.append(("node", nid, [i]))
    if "country" in by:
        for country in sorted(set(net.node_country)):
            idx = [
                i for i, cc in enumerate(net.node_country) if cc == country and i not in plant_set
            ]
            if idx:
                candidates.append(("country", country, idx))
    base = simulate(clean, baseline_draws(clean, 1), t)
    base_out = base.plant_output_total[:, 0]
    planned = float(net.demand.sum() * t)
    rows: list[dict[str, Any]] = []
    end = t if outage_days is None else outage_days
    for start in range(0, len(candidates), chunk):
        batch = candidates[start : start + chunk]
        down = np.zeros((net.n_nodes, len(batch)), dtype=bool)
        for col, (_, _, idx) in enumerate(batch):
            down[idx, col] = True
        res = simulate(clean, baseline_draws(clean, len(batch)), t, outage=Outage(down, 0, end))
        for col, (kind, cid, idx) in enumerate(batch):
            lost = np.maximum(base_out - res.plant_output_total[:, col], 0.0)
            first = res.plant_first_stop[:, col]
            hit = [net.node_ids[net.plant_nodes[j]] for j in np.flatnonzero(lost > 1e-9)]
            stops = first[first >= 0]
            rows.append(
                {
                    "kind": kind,
                    "id": cid,
                    "nodes": len(idx),
                    "lost_units": round(float(lost.sum()), 3),
                    "share_of_plan": round(float(lost.sum()) / planned, 4) if planned else 0.0,
                    "first_stop_day": int(stops.min()) if stops.size else None,
                    "plants_hit": hit,
                }
            )
        if progress is not None:
            progress(min(start + chunk, len(candidates)), len(candidates))
    rows.sort(key=lambda r: (-r["lost_units"], r["kind"], r["id"]))
    for rank, row in enumerate(rows, 1):
        row["rank"] = rank
    return rows
