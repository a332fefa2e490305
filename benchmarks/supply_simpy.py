"""Reference implementation of chipwar's supply model as a SimPy process-based simulation.

The same model as ``chipwar.supply.engine`` (see its docstring for the equations), written the way
discrete-event supply-chain simulators (SupplyNetPy, stockpyl's period loop) are: one process per
node walking through the day's phases, one process per shipment in transit, one per shock. Day t
runs in simulated time [t + 1, t + 2): arrivals at +0.05, production +0.1, orders +0.2,
allocation and shipping +0.3, alternates +0.4. Takes the compiled ``Network`` and one column of
``Draws`` so both implementations see identical inputs. Used only by ``bench_supply.py``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np
import simpy

from chipwar.supply.engine import Draws
from chipwar.supply.network import Network


def simulate_simpy(net: Network, draws: Draws, days: int, column: int = 0) -> dict[str, Any]:
    env = simpy.Environment()
    n, k, e = net.n_nodes, net.n_slots, net.n_edges
    r = column
    inv = [float(x) for x in draws.inv0[:, r]]
    fg = [float(x) for x in draws.fg0[:, r]]
    fg_target = list(fg)
    pipe = [0.0] * k
    need = [0.0] * k
    rec = [0.0] * k
    orders = [0.0] * e
    orders_prev = [float(x) for x in net.rate]
    slots_of = defaultdict(list)
    for j in range(k):
        slots_of[int(net.slot_node[j])].append(j)
    out_edges_by_level: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for j in range(e):
        out_edges_by_level[int(net.edge_priority[j])][int(net.edge_src[j])].append(j)
    levels = sorted(out_edges_by_level, reverse=True)
    in_edges = defaultdict(list)
    for j in range(e):
        in_edges[int(net.edge_slot[j])].append(j)
    plant_pos = {int(node): j for j, node in enumerate(net.plant_nodes)}
    is_plant = [i in plant_pos for i in range(n)]
    threshold = 1.0 - net.stop_threshold
    p = len(net.plant_nodes)
    lost = [0.0] * p
    total = [0.0] * p
    first_stop = [-1] * p
    last_short = [-1] * p
    # shocks: active flags toggled by processes
    active = [False] * len(net.shocks)
    node_shocks = defaultdict(list)
    edge_shocks = defaultdict(list)
    for s, sh in enumerate(net.shocks):
        if sh.kind in ("shutdown", "capacity_cut"):
            for i in sh.nodes:
                node_shocks[int(i)].append(s)
        for j in sh.edges:
            edge_shocks[int(j)].append(s)

    def shock_process(s: int) -> Any:
        start = net.shocks[s].start_day
        end = int(min(draws.shock_end[s, r], days + 1))
        yield env.timeout(start + 1.0)
        active[s] = True
        if end > start:
            yield env.timeout(end - start)
        active[s] = False

    def factor(shocks: list[int]) -> float:
        f = 1.0
        for s in shocks:
            if active[s]:
                f *= 1.0 - float(draws.shock_fraction[s, r])
        return f

    def shipment(slot: int, qty: float, delay: float) -> Any:
        yield env.timeout(delay)
        inv[slot] += qty
        pipe[slot] = max(pipe[slot] - qty, 0.0)

    # initial pipeline: baseline flow for each day of each edge's lead time
    for j in range(e):
        slot = int(net.edge_slot[j])
        flow = float(net.edge_share[j] * net.slot_use[slot])
        for d in range(int(net.edge_lead[j])):
            pipe[slot] += flow
            env.process(shipment(slot, flow, d + 1.05))
    target = [inv[j] + pipe[j] for j in range(k)]
    edge_cap = []
    for j in range(e):
        src = int(net.edge_src[j])
        rate_s = float(net.rate[src])
        head = float(net.capacity[src]) / rate_s if rate_s > 0 else 1.0
        edge_cap.append(float(net.edge_share[j] * net.slot_use[int(net.edge_slot[j])]) * head)

    def node_process(i: int) -> Any:
        yield env.timeout(1.1)
        rate = float(net.rate[i])
        cap = float(net.capacity[i])
        plant = is_plant[i]
        my_slots = slots_of.get(i, [])
        for t in range(days):
            # production (+0.1)
            cap_t = cap * factor(node_shocks[i]) if node_shocks[i] else cap
            if plant:
                want = float(net.demand[plant_pos[i]])
            else:
                want = max(fg_target[i] + max(orders_prev[i], rate) - fg[i], 0.0)
            y = min(cap_t, want)
            for j in my_slots:
                y = min(y, inv[j] / float(net.slot_bom[j]))
            for j in my_slots:
                inv[j] = max(inv[j] - y * float(net.slot_bom[j]), 0.0)
            if plant:
                pj = plant_pos[i]
                plan = float(net.demand[pj])
                lost[pj] += plan - y
                total[pj] += y
                if y < plan * threshold:
                    if first_stop[pj] < 0:
                        first_stop[pj] = t
                    last_short[pj] = t
            else:
                fg[i] += y
            yield env.timeout(0.1)
            # orders (+0.2)
            for j in my_slots:
                need[j] = max(target[j] - inv[j] - pipe[j], 0.0)
                rec[j] = 0.0
                for ed in in_edges[j]:
                    orders[ed] = float(net.edge_share[ed]) * need[j]
            yield env.timeout(0.1)
            # allocation and shipping (+0.3), highest priority first
            raw_total = 0.0
            for lv in levels:
                mine = out_edges_by_level[lv].get(i, [])
                raw_total += sum(orders[ed] for ed in mine)
                cut = []
                for ed in mine:  # a blocked fraction caps the flow at m × K_e (engine step 3)
                    m = factor(edge_shocks[ed]) if edge_shocks[ed] else 1.0
                    cut.append(min(orders[ed], m * edge_cap[ed]) if m < 1.0 else orders[ed])
                tot = sum(cut)
                phi = min(1.0, fg[i] / tot) if tot > 0 else 0.0
                for ed, o in zip(mine, cut, strict=True):
                    qty = o * phi
                    slot = int(net.edge_slot[ed])
                    rec[slot] += qty
                    pipe[slot] += qty
                    if qty > 0:
                        env.process(shipment(slot, qty, int(net.edge_lead[ed]) - 0.25))
                fg[i] = max(fg[i] - tot * phi, 0.0)
            orders_prev[i] = raw_total
            yield env.timeout(0.8)

    def alternates_process() -> Any:
        yield env.timeout(1.4)
        for t in range(days):
            gap: dict[int, float] = {}
            for a, alt in enumerate(net.alternates):
                slot = alt.slot
                if slot not in gap:
                    gap[slot] = max(need[slot] - rec[slot], 0.0)
                ready = float(draws.alt_ready[a, r])
                ramp = float(draws.alt_ramp[a, r])
                if ramp > 0:
                    frac = min(max((t - ready) / ramp, 0.0), 1.0)
                else:
                    frac = 1.0 if t >= ready else 0.0
                x = min(gap[slot], float(draws.alt_capacity[a, r]) * frac)
                if x > 0:
                    gap[slot] -= x
                    pipe[slot] += x
                    env.process(shipment(slot, x, alt.lead_time_days - 0.35))
            yield env.timeout(1.0)

    for s in range(len(net.shocks)):
        env.process(shock_process(s))
    for i in range(n):
        env.process(node_process(i))
    if net.alternates:
        env.process(alternates_process())
    env.run(until=days + 1.0)
    return {
        "plant_lost": np.array(lost),
        "plant_output_total": np.array(total),
        "plant_first_stop": np.array(first_stop),
        "plant_last_short": np.array(last_short),
        "events": None,
    }
