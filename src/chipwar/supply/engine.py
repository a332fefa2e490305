"""The daily supply-network simulation, vectorised over edges (scipy.sparse) and replications.

Every array has the replications as its last axis (R columns). One day, for every node i, input
slot k = (node, part) and edge e = (supplier -> slot), in this order:

1. arrivals:   inv_k += ring[t mod H]_k   (shipments whose lead time ends today)
2. production: y_i = min(cap_i · m_i,t, want_i, min_k inv_k / bom_k)   (Leontief: one missing
   input stops the line), want_i = plan_i for plants, max(0, fg*_i + max(rate_i, O_i,t-1) - fg_i)
   otherwise (make to plan, or to yesterday's orders O when they are higher, over a finished-goods
   buffer fg*; O counts orders before any shock blocks them, so a banned supplier keeps producing
   into stock until fg* + max(rate, O) is reached);
   inv_k -= y_i · bom_k; fg_i += y_i
3. orders:     need_k = max(0, S_k - inv_k - pipe_k) (order-up-to the baseline position S_k);
   o_e = share_e · need_k, and on an edge that shocks block today
   o_e = min(o_e, m_e,t · K_e)   (m_e,t = Π (1 - fraction) of those shocks; K_e = the edge's
   baseline flow × the supplier's capacity / rate, i.e. its share of the supplier's capacity).
   A fraction is a cap on the flow (like a capacity cut), not a cut of each order: re-ordering
   the refused part next day cannot get round it.
4. allocation: pro rata within each priority level, highest first:
   φ_i = min(1, fg_i / Σ_e∈out(i) o_e);  ship_e = o_e · φ_src(e);  fg_i -= Σ ship_e
5. transit:    ring[(t + L_e) mod H]_k += ship_e;  pipe_k += Σ_e∈k ship_e
6. alternates: a qualified alternate ships min(gap_k, cap_a · ramp_a(t)) where gap_k is the
   part of need_k no regular supplier filled; ramp_a(t) = clip((t - t0_a - qual_a) / ramp_a, 0, 1)
7. price:      wanted_k = min(need_k, use_k) (today's flow need, capped at the baseline use),
   got_k = min(filled_k, wanted_k); shortage_p = Σ_k∈p (wanted_k - got_k) [units/day];
   P_p / P0 = min(cap, (Σ got / Σ wanted)^(-1/ε))   (constant-elasticity inverse demand;
   ε = 1 by default — see docs/supply.md and source ``supply-assumption-price-elasticity``)

No unit is created except by production from inputs (sources with no BOM are unconstrained) and by
alternates; inventories are clipped at zero only against floating-point round-off.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from scipy import sparse

from chipwar.catalog.sampling import draw as sample_draw
from chipwar.supply.network import FloatArray, IntArray, Network, base_value
from chipwar.supply.scenario import Spread, Value

BoolArray = npt.NDArray[np.bool_]


@dataclass
class Draws:
    """Per-replication inputs (last axis R)."""

    inv0: FloatArray  # [K, R] input stock at the start [units]
    fg0: FloatArray  # [N, R] finished goods at the start [units]
    shock_end: IntArray  # [S, R] first day without the shock
    shock_fraction: FloatArray  # [S, R]
    alt_capacity: FloatArray  # [A, R] units/day
    alt_ready: FloatArray  # [A, R] day qualification ends (inf = never)
    alt_ramp: FloatArray  # [A, R] days

    @property
    def replications(self) -> int:
        return int(self.inv0.shape[1]) if self.inv0.ndim == 2 else int(self.fg0.shape[1])


@dataclass(frozen=True)
class UncertainInput:
    """One sampled input of a network: where it sits in the scenario and in ``Draws``.

    ``name`` is the scenario path (``nodes[tier1-europe].inventory_days``,
    ``shocks[wafer-stop].fraction``, ``alternates[x].qualification_days``); ``kind`` says which
    ``Draws`` array it fills and ``index`` which row (slot, node, shock or alternate).
    """

    name: str
    kind: Literal[
        "inventory_days", "finished_days", "shock_duration", "shock_fraction",
        "alt_capacity", "alt_qualification", "alt_ramp",
    ]  # fmt: skip
    index: int
    spread: Spread


def uncertain_inputs(net: Network) -> list[UncertainInput]:
    """Every spread of a network that ``draw`` samples, in ``draw``'s sampling order.

    A spread with ``low == high`` is a constant and is not listed. A node's ``inventory_days``
    is drawn per input slot, so a node with several inputs lists the same name once per slot.
    """
    out: list[UncertainInput] = []

    def add(name: str, kind: Any, index: int, v: Value | None) -> None:
        if isinstance(v, Spread) and v.high > v.low:
            out.append(UncertainInput(name, kind, index, v))

    for j in range(net.n_slots):
        if net.slot_inv_units[j] is None:
            name = f"nodes[{net.node_ids[net.slot_node[j]]}].inventory_days"
            add(name, "inventory_days", j, net.slot_inv_days[j])
    plants = set(net.plant_nodes.tolist())
    for i in range(net.n_nodes):
        if i not in plants:
            add(f"nodes[{net.node_ids[i]}].finished_days", "finished_days", i,
                net.node_finished_days[i])  # fmt: skip
    for j, sh in enumerate(net.shocks):
        add(f"shocks[{sh.id}].duration_days", "shock_duration", j, sh.duration)
        add(f"shocks[{sh.id}].fraction", "shock_fraction", j, sh.fraction)
    for j, alt in enumerate(net.alternates):
        add(f"alternates[{alt.id}].capacity_per_day", "alt_capacity", j, alt.capacity_per_day)
        if alt.trigger_day is not None:
            add(f"alternates[{alt.id}].qualification_days", "alt_qualification", j,
                alt.qualification_days)  # fmt: skip
        add(f"alternates[{alt.id}].ramp_days", "alt_ramp", j, alt.ramp_days)
    return out


def sample_inputs(
    inputs: list[UncertainInput], replications: int, rng: np.random.Generator
) -> FloatArray:
    """[M, R] draws, one row per input, in the inputs' order, each from its spread's stated
    distribution (:func:`chipwar.catalog.sampling.draw`; a bare ``{low, base, high}`` is
    triangular)."""
    values = np.empty((len(inputs), replications))
    for m, u in enumerate(inputs):
        values[m] = sample_draw(u.spread, replications, rng)
    return values


def draw(
    net: Network, replications: int = 1, seed: int | None = None, *, sample: bool | None = None
) -> Draws:
    """Sample the uncertain inputs (each spread's distribution); base values when not sampling.

    ``sample`` defaults to ``replications > 1``. Same seed -> same draws.
    """
    do_sample = replications > 1 if sample is None else sample
    if not do_sample:
        return draws_from(net, [], np.zeros((0, replications)))
    inputs = uncertain_inputs(net)
    return draws_from(net, inputs, sample_inputs(inputs, replications, np.random.default_rng(seed)))


def draws_from(net: Network, inputs: list[UncertainInput], values: FloatArray) -> Draws:
    """Draws with base values everywhere except the listed inputs, set from ``values`` [M, R].

    Units: inventory and finished-goods inputs are in days of baseline use/output (stock =
    days × rate); shock durations in days from the shock's start (rounded); fractions clipped
    to 0..1; alternates' qualification in days from their trigger.
    """
    r = values.shape[1]
    k = net.n_slots
    inv0 = np.zeros((k, r))
    for j in range(k):
        units = net.slot_inv_units[j]
        inv0[j] = units if units is not None else base_value(net.slot_inv_days[j]) * net.slot_use[j]
    fg0 = np.array([base_value(v) for v in net.node_finished_days])[:, None] * net.rate[:, None]
    fg0 = np.repeat(fg0, r, axis=1)
    fg0[net.plant_nodes] = 0.0
    open_end = np.iinfo(np.int64).max // 4
    shock_end = np.array(
        [open_end if sh.duration is None else sh.start_day + round(base_value(sh.duration))
         for sh in net.shocks], dtype=np.int64,
    ).reshape(-1, 1).repeat(r, axis=1)  # fmt: skip
    shock_fraction = np.clip(
        np.array([base_value(sh.fraction) for sh in net.shocks]).reshape(-1, 1), 0.0, 1.0
    ).repeat(r, axis=1)
    alts = net.alternates
    alt_capacity = np.array([base_value(a.capacity_per_day) for a in alts]).reshape(-1, 1)
    alt_capacity = alt_capacity.repeat(r, axis=1)
    alt_ready = np.array(
        [np.inf if a.trigger_day is None else a.trigger_day + base_value(a.qualification_days)
         for a in alts]
    ).reshape(-1, 1).repeat(r, axis=1)  # fmt: skip
    alt_ramp = np.array([base_value(a.ramp_days) for a in alts]).reshape(-1, 1).repeat(r, axis=1)
    for u, v in zip(inputs, values, strict=True):
        j = u.index
        if u.kind == "inventory_days":
            inv0[j] = v * net.slot_use[j]
        elif u.kind == "finished_days":
            fg0[j] = v * net.rate[j]
        elif u.kind == "shock_duration":
            shock_end[j] = net.shocks[j].start_day + np.rint(v).astype(np.int64)
        elif u.kind == "shock_fraction":
            shock_fraction[j] = np.clip(v, 0.0, 1.0)
        elif u.kind == "alt_capacity":
            alt_capacity[j] = v
        elif u.kind == "alt_qualification":
            alt_ready[j] = float(alts[j].trigger_day or 0) + v
        else:
            alt_ramp[j] = v
    return Draws(inv0, fg0, shock_end, shock_fraction, alt_capacity, alt_ready, alt_ramp)


@dataclass
class Outage:
    """Criticality mode: in column r, nodes with ``nodes[:, r]`` True are down on [start, end)."""

    nodes: BoolArray  # [N, R]
    start_day: int = 0
    end_day: int = 10**9


@dataclass
class SimResult:
    """One batch of replications. Plant arrays are indexed like ``net.plant_nodes``."""

    days: int
    plant_lost: FloatArray  # [P, R] units short of plan over the horizon
    plant_output_total: FloatArray  # [P, R]
    plant_first_stop: IntArray  # [P, R] first day output < (1 - threshold) × plan; -1 = never
    plant_last_short: IntArray  # [P, R] last such day; -1 = never
    plant_first_recovery: IntArray  # [P, R] first day back at plan after the first cut; -1
    plant_output_mean: FloatArray  # [T, P] mean over replications
    plant_output: FloatArray | None  # [T, P, R] when keep_daily
    part_price: FloatArray  # [T, parts, R] price multiplier
    part_shortage: FloatArray  # [T, parts, R] ordered - filled [units/day]
    market_keys: list[tuple[str, str]]  # (part, buyer country) of each market
    market_price: FloatArray  # [T, markets, R] price multiplier seen by buyers in a country
    produced: FloatArray  # [parts, R] cumulative production
    consumed: FloatArray  # [parts, R] cumulative consumption as input
    alternate_in: FloatArray  # [parts, R] cumulative alternate supply
    stock_start: FloatArray  # [parts, R] fg + inventory + in transit at the start
    stock_end: FloatArray  # [parts, R]
    min_inventory: float  # smallest inventory value seen (>= 0)
    final_inv: FloatArray = field(repr=False, default_factory=lambda: np.zeros(0))

    @property
    def plant_recovery(self) -> IntArray:
        """Day output is back to plan after the last cut day; -1 = never cut; T = not in horizon."""
        rec = self.plant_last_short + 1
        return np.where(self.plant_last_short < 0, -1, rec)


@dataclass
class _Compiled:
    """Sparse operators built once per network."""

    q: sparse.csr_matrix  # [E, K] share_e at (e, slot_e): o = q @ need
    levels: list[tuple[int, int, sparse.csr_matrix]]  # (a, b, S_out[N, b-a]) per priority
    groups: list[tuple[int, int, int, IntArray, sparse.csr_matrix]]  # (a, b, lead, slots, M)
    receipts: sparse.csr_matrix  # [K, E] 1 at (slot_e, e)
    slot_to_part: sparse.csr_matrix  # [parts, K]
    slot_to_market: sparse.csr_matrix  # [markets, K]
    market_keys: list[tuple[str, str]]
    node_to_part: sparse.csr_matrix  # [parts, N]
    starts: IntArray  # reduceat starts over slots for nodes with inputs
    nodes_with_inputs: IntArray
    horizon: int  # ring length H
    by_degree: list[tuple[IntArray, IntArray]]  # (nodes' positions, their d-th slot) per d >= 1


def _compile(net: Network, dtype: npt.DTypeLike = np.float64) -> _Compiled:
    e, k, n = net.n_edges, net.n_slots, net.n_nodes
    ar = np.arange(e)
    one = np.ones(max(e, k, n), dtype=dtype)
    q = sparse.csr_matrix((net.edge_share.astype(dtype), (ar, net.edge_slot)), shape=(e, k))
    levels = []
    prio = net.edge_priority
    a = 0
    while a < e:
        b = a
        while b < e and prio[b] == prio[a]:
            b += 1
        s_out = sparse.csr_matrix(
            (one[: b - a], (net.edge_src[a:b], np.arange(b - a))), shape=(n, b - a)
        )
        levels.append((a, b, s_out))
        a = b
    groups = []
    a = 0
    lead = net.edge_lead
    while a < e:
        b = a
        while b < e and lead[b] == lead[a] and prio[b] == prio[a]:
            b += 1
        slots, inv = np.unique(net.edge_slot[a:b], return_inverse=True)
        m = sparse.csr_matrix(
            (one[: b - a], (inv.ravel(), np.arange(b - a))), shape=(len(slots), b - a)
        )
        groups.append((a, b, int(lead[a]), slots.astype(np.int64), m))
        a = b
    receipts = sparse.csr_matrix((one[:e], (net.edge_slot, ar)), shape=(k, e))
    n_parts = len(net.part_ids)
    slot_to_part = sparse.csr_matrix((one[:k], (net.slot_part, np.arange(k))), shape=(n_parts, k))
    country = np.array(net.node_country)[net.slot_node] if k else np.zeros(0, dtype=str)
    pairs = sorted(
        {(net.part_ids[pi], str(cc)) for pi, cc in zip(net.slot_part, country, strict=True)}
    )
    market_index = {key: j for j, key in enumerate(pairs)}
    slot_market = [
        market_index[(net.part_ids[pi], str(cc))]
        for pi, cc in zip(net.slot_part, country, strict=True)
    ]
    slot_to_market = sparse.csr_matrix(
        (one[:k], (np.array(slot_market, dtype=np.int64), np.arange(k))), shape=(len(pairs), k)
    )
    market_keys = pairs
    node_to_part = sparse.csr_matrix((one[:n], (net.node_part, np.arange(n))), shape=(n_parts, n))
    nodes_with_inputs, starts, degree = np.unique(
        net.slot_node, return_index=True, return_counts=True
    )
    # min over a node's input slots, one degree at a time (faster than minimum.reduceat)
    by_degree = [
        (np.flatnonzero(degree > d), starts[degree > d] + d)
        for d in range(1, int(degree.max()) if len(degree) else 0)
    ]
    max_lead = max([int(lead.max()) if e else 0] + [alt.lead_time_days for alt in net.alternates])
    return _Compiled(
        q, levels, groups, receipts, slot_to_part, slot_to_market, market_keys, node_to_part,
        starts.astype(np.int64), nodes_with_inputs.astype(np.int64), max_lead + 1, by_degree,
    )  # fmt: skip


def _price(ordered: FloatArray, unfilled: FloatArray, cap: float, inv_exp: float) -> FloatArray:
    """Price index min(cap, filled^(-1/elasticity)), filled = 1 - unfilled/ordered (1 where
    nothing is ordered)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        filled = np.where(ordered > 0, 1.0 - unfilled / ordered, 1.0)
        return np.minimum(cap, np.power(np.maximum(filled, 1e-12), inv_exp))


def simulate(
    net: Network,
    draws: Draws | None = None,
    days: int | None = None,
    *,
    keep_daily: bool = False,
    outage: Outage | None = None,
    progress: object | None = None,
    dtype: npt.DTypeLike = np.float64,
) -> SimResult:
    """Run the daily model for ``days`` (default: the scenario's) over every replication.

    ``progress``: an optional callable ``f(done_days, total_days)`` (interfaces pass a bar).
    ``dtype``: float type of the state arrays; float32 halves memory traffic on big networks
    (sums then agree to ~1e-6 relative); results are returned as float64.
    """
    if draws is None:
        draws = draw(net)
    t_end = net.days if days is None else days
    r = draws.replications
    c = _compile(net, dtype)
    n, k, e = net.n_nodes, net.n_slots, net.n_edges
    n_parts = len(net.part_ids)
    h = c.horizon
    plants = net.plant_nodes
    is_plant = np.zeros(n, dtype=bool)
    is_plant[plants] = True
    rate = net.rate[:, None].astype(dtype)
    cap = net.capacity[:, None].astype(dtype)
    bom = net.slot_bom[:, None].astype(dtype)
    use = net.slot_use[:, None].astype(dtype)
    slot_node = net.slot_node
    demand = net.demand[:, None].astype(dtype)
    threshold = 1.0 - net.stop_threshold

    inv = draws.inv0.astype(dtype)
    fg = draws.fg0.astype(dtype)
    fg_target = draws.fg0.astype(dtype)
    ring = np.zeros((h, k, r), dtype=dtype)
    flow = (net.edge_share * net.slot_use[net.edge_slot]).astype(dtype)  # baseline per edge/day
    for a, b, lead, slots, mat in c.groups:
        f = (mat @ flow[a:b])[:, None]
        for d in range(lead):
            ring[d % h, slots] += f
    pipe = ring.sum(axis=0)
    target_pos = inv + pipe  # order-up-to level S_k

    def stock_by_part() -> FloatArray:
        fg_np = np.where(is_plant[:, None], 0.0, fg)
        return c.node_to_part @ fg_np + c.slot_to_part @ (inv + ring.sum(axis=0))

    stock_start = stock_by_part()
    produced = np.zeros((n_parts, r))
    consumed = np.zeros((n_parts, r))
    alt_in = np.zeros((n_parts, r))
    p = len(plants)
    lost = np.zeros((p, r))
    out_total = np.zeros((p, r))
    first_stop = np.full((p, r), -1, dtype=np.int64)
    last_short = np.full((p, r), -1, dtype=np.int64)
    first_rec = np.full((p, r), -1, dtype=np.int64)
    out_mean = np.zeros((t_end, p))
    out_daily = np.zeros((t_end, p, r)) if keep_daily else None
    price = np.ones((t_end, n_parts, r))
    shortage = np.zeros((t_end, n_parts, r))
    market_price = np.ones((t_end, len(c.market_keys), r))
    min_inv = float(inv.min()) if inv.size else 0.0
    ship = np.zeros((e, r), dtype=dtype)
    inv_exp = -1.0 / net.price_elasticity
    orders_prev = np.repeat(rate, r, axis=1)
    # K_e: the edge's share of its supplier's capacity [units/day]; a blocked fraction caps o_e
    safe_rate = np.where(net.rate > 0, net.rate, 1.0)
    headroom = np.where(net.rate > 0, net.capacity / safe_rate, 1.0)
    edge_cap = (flow * headroom[net.edge_src])[:, None].astype(dtype)
    s_out_all = sparse.csr_matrix(
        (np.ones(e, dtype=dtype), (net.edge_src, np.arange(e))), shape=(n, e)
    )
    down_src = None

    for t in range(t_end):
        # 1 arrivals
        slot_h = t % h
        arrived = ring[slot_h]
        inv += arrived
        pipe -= arrived
        np.maximum(pipe, 0.0, out=pipe)
        ring[slot_h] = 0.0

        # shocks active today
        prod_mult = None
        edge_cuts: list[tuple[IntArray, FloatArray]] = []
        for j, sh in enumerate(net.shocks):
            if t < sh.start_day:
                continue
            active = t < draws.shock_end[j]
            if not active.any():
                continue
            m = 1.0 - draws.shock_fraction[j] * active
            if sh.kind in ("shutdown", "capacity_cut") and len(sh.nodes):
                if prod_mult is None:
                    prod_mult = np.ones((n, r), dtype=dtype)
                prod_mult[sh.nodes] *= m.astype(dtype)
            if len(sh.edges):
                edge_cuts.append((sh.edges, m.astype(dtype)))
        if outage is not None and outage.start_day <= t < outage.end_day:
            up = (~outage.nodes).astype(dtype)
            prod_mult = up if prod_mult is None else prod_mult * up
            down_src = up[net.edge_src]
        else:
            down_src = None

        # 2 production (Leontief)
        cap_t = cap if prod_mult is None else cap * prod_mult
        want = np.maximum(fg_target + np.maximum(orders_prev, rate) - fg, 0.0)
        want[plants] = demand
        y = np.minimum(cap_t, want)
        if k:
            ratio = inv / bom
            lim = ratio[c.starts]
            for pos, slot_d in c.by_degree:
                lim[pos] = np.minimum(lim[pos], ratio[slot_d])
            y[c.nodes_with_inputs] = np.minimum(y[c.nodes_with_inputs], lim)
            used = y[slot_node] * bom
            inv -= used
            np.maximum(inv, 0.0, out=inv)
            consumed += c.slot_to_part @ used
        produced += c.node_to_part @ y
        fg += np.where(is_plant[:, None], 0.0, y)
        y_pl = y[plants]
        lost += demand - y_pl
        out_total += y_pl
        short = y_pl < demand * threshold
        first_stop = np.where((first_stop < 0) & short, t, first_stop)
        last_short = np.where(short, t, last_short)
        first_rec = np.where((first_stop >= 0) & (first_rec < 0) & ~short, t, first_rec)
        out_mean[t] = y_pl.mean(axis=1)
        if out_daily is not None:
            out_daily[t] = y_pl

        # 3 orders
        need = np.maximum(target_pos - inv - pipe, 0.0) if k else np.zeros((0, r))
        if e:
            o = c.q @ need
            orders_prev = s_out_all @ o
            if edge_cuts:  # cap only the blocked edges: o_e = min(o_e, m_e · K_e) where m_e < 1
                if len(edge_cuts) == 1:
                    cut_idx, mult = edge_cuts[0][0], np.broadcast_to(edge_cuts[0][1], (1, r))
                else:
                    cut_idx = np.unique(np.concatenate([idx for idx, _ in edge_cuts]))
                    mult = np.ones((len(cut_idx), r), dtype=dtype)
                    for idx, m in edge_cuts:
                        mult[np.searchsorted(cut_idx, idx)] *= m
                sub = o[cut_idx]
                o[cut_idx] = np.where(mult < 1.0, np.minimum(sub, mult * edge_cap[cut_idx]), sub)
            if down_src is not None:
                o *= down_src
            # 4 allocation, pro rata per priority level
            for a, b, s_out in c.levels:
                tot = s_out @ o[a:b]
                with np.errstate(divide="ignore", invalid="ignore"):
                    phi = np.where(tot > 0, np.minimum(1.0, fg / tot), 0.0)
                np.multiply(o[a:b], phi[net.edge_src[a:b]], out=ship[a:b])
                fg -= tot * phi
                np.maximum(fg, 0.0, out=fg)
            # 5 transit
            for a, b, lead, slots, mat in c.groups:
                ring[(t + lead) % h, slots] += mat @ ship[a:b]
            rec = c.receipts @ ship
            pipe += rec
        else:
            rec = np.zeros((k, r))
        # 6 alternates
        gap = np.maximum(need - rec, 0.0)
        for j, alt in enumerate(net.alternates):
            ready = draws.alt_ready[j]
            ramp = draws.alt_ramp[j]
            with np.errstate(divide="ignore", invalid="ignore"):
                frac = np.where(ramp > 0, np.clip((t - ready) / ramp, 0.0, 1.0), (t >= ready) * 1.0)
            avail = draws.alt_capacity[j] * frac
            x = np.minimum(gap[alt.slot], avail)
            if not x.any():
                continue
            gap[alt.slot] -= x
            ring[(t + alt.lead_time_days) % h, alt.slot] += x
            pipe[alt.slot] += x
            alt_in[net.slot_part[alt.slot]] += x
        # 7 shortage and price per part
        if k:
            wanted = np.minimum(need, use)  # today's flow need, capped at the baseline flow
            missed = wanted - np.minimum(need - gap, wanted)
            unfilled = c.slot_to_part @ missed
            price[t] = _price(c.slot_to_part @ wanted, unfilled, net.price_cap, inv_exp)
            shortage[t] = unfilled
            market_price[t] = _price(
                c.slot_to_market @ wanted, c.slot_to_market @ missed, net.price_cap, inv_exp
            )
            if inv.size:
                min_inv = min(min_inv, float(inv.min()))
        if progress is not None:
            progress(t + 1, t_end)  # type: ignore[operator]

    return SimResult(
        days=t_end,
        plant_lost=lost,
        plant_output_total=out_total,
        plant_first_stop=first_stop,
        plant_last_short=last_short,
        plant_first_recovery=first_rec,
        plant_output_mean=out_mean,
        plant_output=out_daily,
        part_price=price,
        part_shortage=shortage,
        market_keys=c.market_keys,
        market_price=market_price,
        produced=produced,
        consumed=consumed,
        alternate_in=alt_in,
        stock_start=stock_start,
        stock_end=stock_by_part(),
        min_inventory=min_inv,
        final_inv=inv,
    )


def baseline_draws(net: Network, replications: int = 1) -> Draws:
    """Base values in every column (criticality runs every column with the same inputs)."""
    d = draw(net, 1, sample=False)
    rep = lambda x: np.repeat(x, replications, axis=1)  # noqa: E731
    return Draws(
        rep(d.inv0), rep(d.fg0), rep(d.shock_end), rep(d.shock_fraction),
        rep(d.alt_capacity), rep(d.alt_ready), rep(d.alt_ramp),
    )  # fmt: skip


__all__ = [
    "Draws", "Outage", "SimResult", "UncertainInput", "base_value", "baseline_draws", "draw",
    "draws_from", "sample_inputs", "simulate", "uncertain_inputs",
]  # fmt: skip
