"""Compile a validated Scenario into index arrays and sparse matrices for the engine.

Checks the network as a whole (unknown nodes, BOM cycles, shares that do not sum to one, shocks
outside the simulated period, a part nobody supplies) and names the item in each message.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import cast

import numpy as np
import numpy.typing as npt

from chipwar.errors import ScenarioError, UnknownIdError
from chipwar.supply.scenario import Scenario, Selector, Shock, Spread, Value

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

SHARE_TOLERANCE = 1e-6


@dataclass(frozen=True)
class ShockSpec:
    """A shock resolved to node and edge indices; ``end``/``fraction`` may still be spreads."""

    id: str
    kind: str
    nodes: IntArray  # nodes whose production is cut (shutdown, capacity_cut)
    edges: IntArray  # edges whose shipments are cut (bans, stops, freezes, shutdown)
    start_day: int
    duration: Value | None  # days; None = open-ended (to the end of the horizon)
    fraction: Value


@dataclass(frozen=True)
class AlternateSpec:
    id: str
    slot: int
    capacity_per_day: Value
    qualification_days: Value
    ramp_days: Value
    lead_time_days: int
    trigger_day: int | None  # None: never triggered (no shock)


@dataclass
class Network:
    """Index arrays of a scenario. Edges are sorted by (priority desc, lead time)."""

    scenario_id: str
    start_date: dt.date
    days: int
    node_ids: list[str]
    node_country: list[str]
    node_kind: list[str]
    part_ids: list[str]
    node_part: IntArray
    rate: FloatArray  # baseline throughput [units/day]
    capacity: FloatArray  # [units/day], inf = unconstrained
    plant_nodes: IntArray
    demand: FloatArray  # [P] units/day
    slot_node: IntArray  # [K], sorted by node
    slot_part: IntArray
    slot_bom: FloatArray
    slot_use: FloatArray  # baseline use [units/day] = rate[node] × bom
    slot_inv_days: list[Value]
    slot_inv_units: list[float | None]
    node_finished_days: list[Value]
    edge_src: IntArray
    edge_dst: IntArray
    edge_slot: IntArray
    edge_share: FloatArray
    edge_lead: IntArray
    edge_priority: IntArray
    edge_order: IntArray  # position in the scenario's edge list
    alternates: list[AlternateSpec]
    shocks: list[ShockSpec]
    price_elasticity: float = 1.0
    price_cap: float = 10.0
    stop_threshold: float = 0.01
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def n_nodes(self) -> int:
        return len(self.node_ids)

    @property
    def n_slots(self) -> int:
        return len(self.slot_node)

    @property
    def n_edges(self) -> int:
        return len(self.edge_src)

    def day_of(self, date: dt.date) -> int:
        return (date - self.start_date).days

    def date_of(self, day: int) -> dt.date:
        return self.start_date + dt.timedelta(days=int(day))


OwnedBy = Callable[[Sequence[str], dt.date, float], dict[str, float]]


def default_owned_by() -> OwnedBy | None:
    """``chipwar.controls.ownership.owned_by`` when that module is installed, else None."""
    try:
        from chipwar.controls import ownership
    except ImportError:
        return None
    func = getattr(ownership, "owned_by", None)
    return cast(OwnedBy, func) if callable(func) else None


def compile_network(scn: Scenario, owned_by: OwnedBy | None = None) -> Network:
    """Check a scenario as a network and turn it into arrays (see module docstring)."""
    ids = [n.id for n in scn.nodes]
    index = {nid: i for i, nid in enumerate(ids)}
    dupes = sorted(nid for nid, count in Counter(ids).items() if count > 1)
    if dupes:
        raise ScenarioError(f"nodes: duplicate node id {dupes[0]!r}")
    problems: list[str] = []

    def known(what: str, nid: str) -> bool:
        if nid not in index:
            problems.append(f"{what}: unknown node {nid!r}")
            return False
        return True

    for e in scn.edges:
        label = f"edges[{e.supplier}->{e.customer}]"
        known(label + ".supplier", e.supplier)
        known(label + ".customer", e.customer)
    for d in scn.demand:
        known(f"demand[{d.plant}].plant", d.plant)
    for a in scn.alternates:
        known(f"alternates[{a.id}].customer", a.customer)
    for s in scn.shocks:
        for sel, name in ((s.target, "target"), (s.to, "to")):
            for nid in sel.nodes if sel else []:
                known(f"shocks[{s.id}].{name}.nodes", nid)
    if problems:
        raise ScenarioError("\n".join(problems))

    nodes = scn.nodes
    _check_bom_cycles(scn)
    _check_node_cycles(scn, index)

    part_ids = sorted({n.part for n in nodes} | {p for n in nodes for p in n.bom})
    part_index = {p: i for i, p in enumerate(part_ids)}

    # slots: one per (node, input part), sorted by node
    slot_key: dict[tuple[int, str], int] = {}
    slot_node: list[int] = []
    slot_part: list[int] = []
    slot_bom: list[float] = []
    inv_days: list[Value] = []
    inv_units: list[float | None] = []
    for i, n in enumerate(nodes):
        for p in sorted(n.bom):
            slot_key[(i, p)] = len(slot_node)
            slot_node.append(i)
            slot_part.append(part_index[p])
            slot_bom.append(n.bom[p])
            inv_days.append(
                n.inventory_days if n.inventory_days is not None else scn.defaults.inventory_days
            )
            inv_units.append(n.inventory_units.get(p))
        for p in n.inventory_units:
            if p not in n.bom:
                problems.append(
                    f"nodes[{n.id}].inventory_units: part {p!r} is not in its bom "
                    f"({', '.join(sorted(n.bom)) or 'empty'})"
                )

    edges_raw: list[tuple[int, int, int, float, int, int, int]] = []
    shares: dict[int, float] = {}
    for order, e in enumerate(scn.edges):
        si, c = index[e.supplier], index[e.customer]
        part = e.part or nodes[si].part
        label = f"edges[{e.supplier}->{e.customer}]"
        if part != nodes[si].part:
            problems.append(
                f"{label}.part: {part!r} but supplier {e.supplier!r} makes {nodes[si].part!r}"
            )
            continue
        if (c, part) not in slot_key:
            problems.append(
                f"{label}.part: customer {e.customer!r} does not use {part!r} "
                f"(its bom: {', '.join(sorted(nodes[c].bom)) or 'empty'})"
            )
            continue
        k = slot_key[(c, part)]
        shares[k] = shares.get(k, 0.0) + e.share
        edges_raw.append((si, c, k, e.share, e.lead_time_days, e.priority, order))
    alt_slots = set()
    for a in scn.alternates:
        c = index[a.customer]
        if (c, a.part) not in slot_key:
            problems.append(
                f"alternates[{a.id}].part: customer {a.customer!r} does not use {a.part!r}"
            )
        else:
            alt_slots.add(slot_key[(c, a.part)])
    for (c, p), k in slot_key.items():
        total = shares.get(k, 0.0)
        if total == 0.0:
            if k not in alt_slots and inv_units[k] is None:
                problems.append(
                    f"nodes[{ids[c]}].bom: part {p!r} has no supplier edge "
                    "(add an edge, an alternate, or inventory_units)"
                )
        elif abs(total - 1.0) > SHARE_TOLERANCE:
            problems.append(
                f"edges to {ids[c]!r} for part {p!r}: shares sum to {total:.6g}; expected 1"
            )
    plants = []
    for d in scn.demand:
        plants.append(index[d.plant])
    plant_set = set(plants)
    for row in edges_raw:
        if row[0] in plant_set:
            sup = ids[row[0]]
            problems.append(
                f"edges[{sup}->{ids[row[1]]}]: plant {sup!r} has a demand and cannot supply"
            )
    if len(set(plants)) != len(plants):
        problems.append("demand: a plant is listed twice")
    if problems:
        raise ScenarioError("\n".join(problems))

    # sort edges: priority desc, then lead time
    edges_raw.sort(key=lambda r: (-r[5], r[4], r[6]))
    e_arr = np.array([(*r[:3], r[4], r[5], r[6]) for r in edges_raw], dtype=np.int64).reshape(-1, 6)
    e_share = np.array([r[3] for r in edges_raw], dtype=np.float64)

    n_nodes = len(nodes)
    demand = np.array([d.units_per_day for d in scn.demand], dtype=np.float64)
    plant_nodes = np.array(plants, dtype=np.int64)
    rate = baseline_rates(
        n_nodes, plant_nodes, demand, e_arr[:, 0], np.array(slot_node, dtype=np.int64)[e_arr[:, 2]],
        np.array(slot_bom)[e_arr[:, 2]] * e_share,
    )  # fmt: skip
    headroom = 1.0 + scn.defaults.capacity_headroom
    capacity = np.array(
        [
            nd.capacity_per_day if nd.capacity_per_day is not None else rate[i] * headroom
            for i, nd in enumerate(nodes)
        ],
        dtype=np.float64,
    )
    capacity[plant_nodes] = np.maximum(capacity[plant_nodes], demand)
    slot_node_a = np.array(slot_node, dtype=np.int64)
    slot_bom_a = np.array(slot_bom, dtype=np.float64)

    net = Network(
        scenario_id=scn.id,
        start_date=scn.start_date,
        days=scn.days,
        node_ids=ids,
        node_country=[nd.country for nd in nodes],
        node_kind=[nd.kind for nd in nodes],
        part_ids=part_ids,
        node_part=np.array([part_index[nd.part] for nd in nodes], dtype=np.int64),
        rate=rate,
        capacity=capacity,
        plant_nodes=plant_nodes,
        demand=demand,
        slot_node=slot_node_a,
        slot_part=np.array(slot_part, dtype=np.int64),
        slot_bom=slot_bom_a,
        slot_use=rate[slot_node_a] * slot_bom_a if len(slot_node_a) else np.zeros(0),
        slot_inv_days=inv_days,
        slot_inv_units=inv_units,
        node_finished_days=[
            nd.finished_days if nd.finished_days is not None else scn.defaults.finished_days
            for nd in nodes
        ],
        edge_src=e_arr[:, 0].copy(),
        edge_dst=e_arr[:, 1].copy(),
        edge_slot=e_arr[:, 2].copy(),
        edge_share=e_share,
        edge_lead=e_arr[:, 3].copy(),
        edge_priority=e_arr[:, 4].copy(),
        edge_order=e_arr[:, 5].copy(),
        alternates=[],
        shocks=[],
        price_elasticity=scn.market.price_elasticity,
        price_cap=scn.market.price_cap,
        stop_threshold=scn.defaults.stop_threshold,
    )
    net.shocks = [_resolve_shock(scn, s, net, owned_by) for s in scn.shocks]
    first = min((s.start_day for s in net.shocks), default=None)
    shock_start = {s.id: s.start_day for s in net.shocks}
    for a in scn.alternates:
        if a.trigger == "first_shock":
            trig = first
        elif a.trigger in shock_start:
            trig = shock_start[a.trigger]
        else:
            try:
                trig = net.day_of(dt.date.fromisoformat(a.trigger))
            except ValueError:
                raise ScenarioError(
                    f"alternates[{a.id}].trigger: {a.trigger!r} is not allowed; expected "
                    f"'first_shock', a shock id ({', '.join(shock_start) or 'none'}) or an ISO date"
                ) from None
        net.alternates.append(
            AlternateSpec(
                id=a.id,
                slot=slot_key[(index[a.customer], a.part)],
                capacity_per_day=a.capacity_per_day,
                qualification_days=a.qualification_days,
                ramp_days=a.ramp_days,
                lead_time_days=a.lead_time_days,
                trigger_day=trig,
            )
        )
    return net


def baseline_rates(
    n_nodes: int,
    plant_nodes: IntArray,
    demand: FloatArray,
    edge_src: IntArray,
    edge_dst: IntArray,
    edge_coef: FloatArray,
) -> FloatArray:
    """Throughput that meets the build plans [units/day]: rate = d + A·rate, A = Σ share × bom.

    Solved by propagation level by level (the network is acyclic, so it ends after depth steps).
    """
    from scipy import sparse

    a = sparse.csr_matrix((edge_coef, (edge_src, edge_dst)), shape=(n_nodes, n_nodes))
    d = np.zeros(n_nodes)
    np.add.at(d, plant_nodes, demand)
    rate = d.copy()
    for _ in range(n_nodes + 1):
        new = d + a @ rate
        if np.allclose(new, rate, rtol=0, atol=0):
            break
        rate = new
    return rate


def _check_bom_cycles(scn: Scenario) -> None:
    """A part that (through the BOMs) needs itself cannot be made: name the cycle."""
    needs: dict[str, set[str]] = {}
    for n in scn.nodes:
        needs.setdefault(n.part, set()).update(n.bom)
    cycle = _find_cycle(needs)
    if cycle:
        raise ScenarioError(f"bom: cycle {' -> '.join(cycle)} (a part cannot need itself)")


def _check_node_cycles(scn: Scenario, index: dict[str, int]) -> None:
    succ: dict[str, set[str]] = {}
    for e in scn.edges:
        succ.setdefault(e.supplier, set()).add(e.customer)
    cycle = _find_cycle(succ)
    if cycle:
        raise ScenarioError(
            f"edges: supply cycle {' -> '.join(cycle)} (the network must be acyclic)"
        )


def _find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """Iterative DFS; returns one cycle as a list of names (first name repeated at the end)."""
    white, grey, black = 0, 1, 2
    color: dict[str, int] = {}
    for root in sorted(graph):
        if color.get(root, white) != white:
            continue
        stack: list[tuple[str, list[str]]] = [(root, sorted(graph.get(root, ())))]
        path = [root]
        color[root] = grey
        while stack:
            node, children = stack[-1]
            if children:
                child = children.pop(0)
                c = color.get(child, white)
                if c == grey:
                    return [*path[path.index(child) :], child]
                if c == white:
                    color[child] = grey
                    path.append(child)
                    stack.append((child, sorted(graph.get(child, ()))))
            else:
                color[node] = black
                path.pop()
                stack.pop()
    return None


def select_nodes(
    sel: Selector, scn: Scenario, date: dt.date, owned_by: OwnedBy | None, where: str
) -> set[int]:
    """Indices of the nodes a selector picks (union of its criteria)."""
    index = {n.id: i for i, n in enumerate(scn.nodes)}
    out = {index[nid] for nid in sel.nodes}
    for i, n in enumerate(scn.nodes):
        if n.country in sel.countries or n.kind in sel.kinds:
            out.add(i)
    if sel.owned_by:
        owners = set(sel.owned_by)
        shares: dict[str, float] = {}
        if owned_by is not None:
            try:
                shares = owned_by(list(sel.owned_by), date, sel.min_share)
            except UnknownIdError:  # owner not in the controls data: use the owner field only
                shares = {}
        for i, n in enumerate(scn.nodes):
            direct = n.owner in owners or n.entity in owners
            via = max(shares.get(n.entity or "", 0.0), shares.get(n.owner or "", 0.0))
            if direct or via >= sel.min_share:
                out.add(i)
    if not out:
        raise ScenarioError(f"{where}: selects no node")
    return out


def _resolve_shock(scn: Scenario, s: Shock, net: Network, owned_by: OwnedBy | None) -> ShockSpec:
    where = f"shocks[{s.id}]"
    end_date = scn.end_date()
    if not scn.start_date <= s.start < end_date:
        raise ScenarioError(
            f"{where}.start: {s.start.isoformat()} is outside the simulated period "
            f"{scn.start_date.isoformat()} .. {(end_date - dt.timedelta(days=1)).isoformat()}"
        )
    start_day = net.day_of(s.start)
    duration: Value | None = s.duration_days
    if s.end is not None:
        duration = float((s.end - s.start).days)
    target = select_nodes(s.target, scn, s.start, owned_by, where + ".target")
    to = select_nodes(s.to, scn, s.start, owned_by, where + ".to") if s.to else None
    src, dst = net.edge_src, net.edge_dst
    in_target = np.zeros(net.n_nodes, dtype=bool)
    in_target[list(target)] = True
    no_nodes = np.zeros(0, dtype=np.int64)
    if s.kind in ("export_ban", "delivery_stop"):
        if to is not None:
            in_to = np.zeros(net.n_nodes, dtype=bool)
            in_to[list(to)] = True
            mask = in_target[src] & in_to[dst]
        else:
            country = np.array(net.node_country)
            mask = in_target[src] & (country[src] != country[dst])
        return ShockSpec(
            s.id, s.kind, no_nodes, np.flatnonzero(mask), start_day, duration, s.fraction
        )
    if s.kind == "ownership_freeze":
        mask = in_target[src] != in_target[dst]
        return ShockSpec(
            s.id, s.kind, no_nodes, np.flatnonzero(mask), start_day, duration, s.fraction
        )
    nodes = np.array(sorted(target), dtype=np.int64)
    edges = np.flatnonzero(in_target[src]) if s.kind == "shutdown" else np.zeros(0, dtype=np.int64)
    return ShockSpec(s.id, s.kind, nodes, edges, start_day, duration, s.fraction)


def base_value(v: Value) -> float:
    return v.base if isinstance(v, Spread) else float(v)
