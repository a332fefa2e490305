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
   ε = 1 by default — see docs/supply.md and source ``supply-assumption-price-elasticity``);
   P = P0 where Σ wanted <= 1e-9 × Σ use (orders that are floating-point residue set no price)

No unit is created except by production from inputs (sources with no BOM are unconstrained) and by
alternates; inventories are clipped at zero only against floating-point round-off.
"""

from __future__ import annotations

import contextvars
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from scipy import sparse

try:  # the kernel behind csr_matrix @ dense, called directly so that it adds into its output
    from scipy.sparse._sparsetools import csr_matvecs as _csr_matvecs
except ImportError:  # pragma: no cover - a SciPy without it: the public path below
    _csr_matvecs = None

from chipwar import cancel
from chipwar.catalog.sampling import draw as sample_draw
from chipwar.supply.network import FloatArray, IntArray, Network, base_value
from chipwar.supply.scenario import Spread, Value

BoolArray = npt.NDArray[np.bool_]
BLOCK_ELEMENTS = 1 << 20  # elements of the widest day array in one block of replications
PRICE_FLOOR = 1e-9  # orders below this fraction of a part's baseline use set no price


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

    groups: list[tuple[int, int, int, IntArray, sparse.csr_matrix]]  # (a, b, lead, slots, M)
    slot_to_part: sparse.csr_matrix  # [parts, K]
    slot_to_market: sparse.csr_matrix  # [markets, K]
    market_keys: list[tuple[str, str]]
    node_to_part: sparse.csr_matrix  # [parts, N]
    starts: IntArray  # reduceat starts over slots for nodes with inputs
    nodes_with_inputs: IntArray
    horizon: int  # ring length H
    by_degree: list[tuple[IntArray, IntArray]]  # (nodes' positions, their d-th slot) per d >= 1
    orders_by_node: sparse.csr_matrix  # [N, K] share_e at (src_e, slot_e), rows in edge order
    flows: list[_LevelFlow]  # one per priority level, highest first


@dataclass
class _LevelFlow:
    """One priority level's edges [a, b) folded into (lead, slot) pairs, so a day's shipments
    never need an [E, R] array: o_e = share_e · need_k, ship_e = o_e · φ_src(e), hence
    tot_i = Σ_e∈out(i) share_e · need_k = (A @ need)_i and the shipments of pair (L, k) sum to
    need_k · Σ_e∈(L,k) share_e · φ_src(e) = need_k · (W @ φ)_(L,k). Edges that a shock caps
    today are corrected by their difference o'_e - o_e (few rows)."""

    a: int
    b: int
    orders: sparse.csr_matrix  # A [N, K] share_e at (src_e, slot_e), rows in edge order
    pairs: sparse.csr_matrix  # W [P, N] share_e at (pair_e, src_e)
    pair_slot: IntArray  # [P] slot of each pair
    pair_of_edge: IntArray  # [b - a] pair of each edge
    leads: list[tuple[int, int, int, sparse.csr_matrix]]  # (pa, pb, lead, 1 at (slot, pair))
    receipts: sparse.csr_matrix  # [K, P] 1 at (pair_slot, pair)


def _compile(net: Network, dtype: npt.DTypeLike = np.float64) -> _Compiled:
    e, k, n = net.n_edges, net.n_slots, net.n_nodes
    one = np.ones(max(e, k, n), dtype=dtype)
    levels = []
    prio = net.edge_priority
    a = 0
    while a < e:
        b = a
        while b < e and prio[b] == prio[a]:
            b += 1
        levels.append((a, b))
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
    share = net.edge_share.astype(dtype)
    flows = []
    for a, b in levels:
        ea = np.arange(a, b)
        lead_slot = lead[a:b] * max(k, 1) + net.edge_slot[a:b]
        keys, pair_of_edge = np.unique(lead_slot, return_inverse=True)  # sorted by lead, slot
        pair_of_edge = pair_of_edge.ravel().astype(np.int64)
        pair_slot = (keys % max(k, 1)).astype(np.int64)
        pair_lead = keys // max(k, 1)
        cuts = np.flatnonzero(np.diff(pair_lead)) + 1
        bounds = np.concatenate([[0], cuts, [len(keys)]]).astype(np.int64)
        leads = []
        for pa, pb in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
            sel = sparse.csr_matrix(
                (one[: pb - pa], (pair_slot[pa:pb], np.arange(pb - pa))), shape=(k, pb - pa)
            )
            leads.append((pa, pb, int(pair_lead[pa]), sel))
        flows.append(
            _LevelFlow(
                a, b, _rows_in_order(net.edge_src[ea], net.edge_slot[ea], share[ea], (n, k)),
                _rows_in_order(pair_of_edge, net.edge_src[ea], share[ea], (len(keys), n)),
                pair_slot, pair_of_edge, leads,
                sparse.csr_matrix(
                    (one[: len(keys)], (pair_slot, np.arange(len(keys)))), shape=(k, len(keys))
                ),
            )
        )  # fmt: skip
    orders_by_node = _rows_in_order(net.edge_src, net.edge_slot, share, (n, k))
    return _Compiled(
        groups, slot_to_part, slot_to_market, market_keys, node_to_part,
        starts.astype(np.int64), nodes_with_inputs.astype(np.int64), max_lead + 1, by_degree,
        orders_by_node, flows,
    )  # fmt: skip


def _rows_in_order(
    row: IntArray, col: IntArray, data: FloatArray, shape: tuple[int, int]
) -> sparse.csr_matrix:
    """CSR matrix whose entries keep the given (edge) order within each row, duplicates not
    summed, so ``M @ x`` adds the products in the same order as the per-edge computation."""
    order = np.argsort(row, kind="stable")
    indptr = np.zeros(shape[0] + 1, dtype=np.int64)
    np.cumsum(np.bincount(row, minlength=shape[0]), out=indptr[1:])
    return sparse.csr_matrix((data[order], col[order], indptr), shape=shape)


def _price(
    ordered: FloatArray, unfilled: FloatArray, cap: float, inv_exp: float, floor: FloatArray
) -> FloatArray:
    """Price index min(cap, filled^(-1/elasticity)), filled = 1 - unfilled/ordered; 1 where
    nothing is ordered, i.e. ordered <= floor (1e-9 of the baseline use: orders left by
    floating-point round-off, ~1e-15 units, must not set a price)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        filled = np.where(ordered > floor, 1.0 - unfilled / ordered, 1.0)
        return np.minimum(cap, np.power(np.maximum(filled, 1e-12), inv_exp))


def simulate(
    net: Network,
    draws: Draws | None = None,
    days: int | None = None,
    *,
    keep_daily: bool = False,
    outage: Outage | None = None,
    progress: Callable[[int, int], object] | None = None,
    dtype: npt.DTypeLike = np.float64,
    block: int | None = None,
    threads: int | None = None,
) -> SimResult:
    """Run the daily model for ``days`` (default: the scenario's) over every replication.

    ``progress``: an optional callable ``f(done_days, total_days)`` (interfaces pass a bar).
    ``dtype``: float type of the state arrays; float32 halves memory traffic on big networks
    (sums then agree to ~1e-6 relative); results are returned as float64.
    ``block``: replications simulated together (default: as many as keep the widest day array,
    [pairs, block], near ``BLOCK_ELEMENTS``, so that it stays in cache on big networks).
    ``threads``: blocks run at once (default: the CPUs this process may use).
    Replications are independent columns, so neither changes any replication's result.
    """
    if draws is None:
        draws = draw(net)
    t_end = net.days if days is None else days
    r = draws.replications
    c = _compile(net, dtype)
    if block is None:
        widest = max([net.n_nodes, net.n_slots, 1] + [len(lv.pair_slot) for lv in c.flows])
        block = max(1, BLOCK_ELEMENTS // widest)
    n_blocks = max(1, -(-r // block))
    width = -(-r // n_blocks)
    blocks = [slice(j0, min(r, j0 + width)) for j0 in range(0, r, width)]
    done = [0] * len(blocks)
    lock = threading.Lock()

    def run_block(bi: int) -> SimResult:
        cols = blocks[bi]

        def step(day: int, total: int) -> None:
            with lock:  # blocks may run on several threads; report their days together
                done[bi] = day
                if progress is not None:
                    progress(sum(done), len(blocks) * total)

        sub = None
        if outage is not None:
            sub = Outage(outage.nodes[:, cols], outage.start_day, outage.end_day)
        return _simulate_block(
            net, c, _columns(draws, cols), t_end, keep_daily, sub,
            None if progress is None else step, dtype,
        )  # fmt: skip

    if threads is None:
        threads = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    threads = max(1, min(threads, len(blocks)))
    if threads == 1:
        parts = [run_block(bi) for bi in range(len(blocks))]
    else:  # NumPy and SciPy's sparse kernels release the GIL: blocks run on several cores
        with ThreadPoolExecutor(threads) as pool:  # each block in a copy of the caller's
            # context, so that a cancellation (chipwar.cancel) reaches it
            futures = [
                pool.submit(contextvars.copy_context().run, run_block, bi)
                for bi in range(len(blocks))
            ]
            parts = [f.result() for f in futures]
    return parts[0] if len(parts) == 1 else _join(parts)


def _columns(d: Draws, cols: slice) -> Draws:
    return Draws(
        d.inv0[:, cols], d.fg0[:, cols], d.shock_end[:, cols], d.shock_fraction[:, cols],
        d.alt_capacity[:, cols], d.alt_ready[:, cols], d.alt_ramp[:, cols],
    )  # fmt: skip


def _join(parts: list[SimResult]) -> SimResult:
    """One result from blocks of columns (replications are the last axis)."""
    widths = [int(b.plant_lost.shape[1]) for b in parts]

    def cat(name: str, axis: int) -> Any:
        return np.concatenate([getattr(b, name) for b in parts], axis=axis)

    first = parts[0]
    mean = sum(b.plant_output_mean * w for b, w in zip(parts, widths, strict=True)) / sum(widths)
    return SimResult(
        days=first.days,
        plant_lost=cat("plant_lost", 1),
        plant_output_total=cat("plant_output_total", 1),
        plant_first_stop=cat("plant_first_stop", 1),
        plant_last_short=cat("plant_last_short", 1),
        plant_first_recovery=cat("plant_first_recovery", 1),
        plant_output_mean=np.asarray(mean),
        plant_output=None if first.plant_output is None else cat("plant_output", 2),
        part_price=cat("part_price", 2),
        part_shortage=cat("part_shortage", 2),
        market_keys=first.market_keys,
        market_price=cat("market_price", 2),
        produced=cat("produced", 1),
        consumed=cat("consumed", 1),
        alternate_in=cat("alternate_in", 1),
        stock_start=cat("stock_start", 1),
        stock_end=cat("stock_end", 1),
        min_inventory=min(b.min_inventory for b in parts),
        final_inv=cat("final_inv", 1),
    )


def _simulate_block(
    net: Network,
    c: _Compiled,
    draws: Draws,
    t_end: int,
    keep_daily: bool,
    outage: Outage | None,
    progress: Callable[[int, int], object] | None,
    dtype: npt.DTypeLike,
) -> SimResult:
    """``simulate`` on one block of replication columns."""
    r = draws.replications
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
    ring1 = np.zeros((h, k), dtype=dtype)  # the baseline pipeline, same in every column
    for a, b, lead, slots, mat in c.groups:
        f = mat @ flow[a:b]
        for d in range(lead):
            ring1[d % h, slots] += f
    ring[:] = ring1[:, :, None]
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
    inv_exp = -1.0 / net.price_elasticity
    part_floor = PRICE_FLOOR * (c.slot_to_part @ use)  # [parts, 1] round-off level of orders
    market_floor = PRICE_FLOOR * (c.slot_to_market @ use)
    orders_prev = np.repeat(rate, r, axis=1)
    # K_e: the edge's share of its supplier's capacity [units/day]; a blocked fraction caps o_e
    safe_rate = np.where(net.rate > 0, net.rate, 1.0)
    headroom = np.where(net.rate > 0, net.capacity / safe_rate, 1.0)
    edge_cap = (flow * headroom[net.edge_src])[:, None].astype(dtype)
    up: FloatArray | None = None
    cut_plans: dict[tuple[int, ...], _CutPlan] = {}  # by the set of shocks blocking edges

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
        edge_cuts: list[tuple[int, FloatArray]] = []
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
                edge_cuts.append((j, m.astype(dtype)))
        if outage is not None and outage.start_day <= t < outage.end_day:
            up = (~outage.nodes).astype(dtype)  # an edge from a down node ships nothing
            prod_mult = up if prod_mult is None else prod_mult * up
        else:
            up = None

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
            orders_prev = c.orders_by_node @ need  # Σ_e∈out(i) o_e before any cap
            plan, delta = None, None
            if edge_cuts:
                key = tuple(j for j, _ in edge_cuts)
                plan = cut_plans.get(key)
                if plan is None:
                    plan = cut_plans[key] = _CutPlan.build(net, c, key, edge_cap, dtype)
                delta = plan.delta(edge_cuts, need, r, dtype)
            rec = np.zeros((k, r), dtype=dtype)
            # 4 allocation, pro rata per priority level, and 5 transit
            for li, lv in enumerate(c.flows):
                # one level: its A is orders_by_node (same entries, same order)
                tot = orders_prev.copy() if len(c.flows) == 1 else lv.orders @ need
                cut = None if plan is None else plan.levels[li]
                if cut is not None and delta is not None:
                    d_lv = delta[cut.rows]
                    _add_product(cut.to_src, d_lv, tot)
                if up is not None:
                    tot *= up
                with np.errstate(divide="ignore", invalid="ignore"):
                    phi = np.where(tot > 0, np.minimum(1.0, fg / tot), 0.0)
                fg -= tot * phi
                np.maximum(fg, 0.0, out=fg)
                sent = lv.pairs @ phi
                sent *= need[lv.pair_slot]
                if cut is not None and delta is not None:
                    d_lv *= phi[cut.src]
                    _add_product(cut.to_pair, d_lv, sent)
                for pa, pb, lead, sel in lv.leads:
                    _add_product(sel, sent[pa:pb], ring[(t + lead) % h])
                _add_product(lv.receipts, sent, rec)
            pipe += rec
        else:
            rec = np.zeros((k, r))
        # 6 alternates
        gap = np.maximum(need - rec, 0.0)
        avail_all = np.zeros((0, r))
        if net.alternates:  # all alternates' availability at once, then only the available
            ready, ramp = draws.alt_ready, draws.alt_ramp
            with np.errstate(divide="ignore", invalid="ignore"):
                frac = np.where(ramp > 0, np.clip((t - ready) / ramp, 0.0, 1.0), (t >= ready) * 1.0)
            avail_all = draws.alt_capacity * frac
        for ja in np.flatnonzero(avail_all.any(axis=1)).tolist():
            alt = net.alternates[ja]
            x = np.minimum(gap[alt.slot], avail_all[ja])
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
            price[t] = _price(c.slot_to_part @ wanted, unfilled, net.price_cap, inv_exp, part_floor)
            shortage[t] = unfilled
            market_price[t] = _price(
                c.slot_to_market @ wanted, c.slot_to_market @ missed, net.price_cap, inv_exp,
                market_floor,
            )  # fmt: skip
            if inv.size:
                min_inv = min(min_inv, float(inv.min()))
        if progress is not None:
            progress(t + 1, t_end)
        cancel.check()

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


@dataclass
class _CutLevel:
    """The blocked edges of one priority level: ``rows`` into the plan's edges, their
    suppliers, and 0/1 matrices that add a per-edge change to suppliers [N, C] and to
    (lead, slot) pairs [P, C]."""

    rows: IntArray
    src: IntArray
    to_src: sparse.csr_matrix
    to_pair: sparse.csr_matrix


@dataclass
class _CutPlan:
    """The edges that one set of shocks blocks (built once per set, reused every day).

    ``delta`` gives o'_e - o_e for those edges, o_e = share_e · need_k and
    o'_e = min(o_e, m_e · K_e) where m_e < 1, m_e = Π (1 - fraction) over the shocks blocking e.
    """

    edges: IntArray  # sorted, unique
    positions: list[IntArray]  # per shock of the key: rows of its edges in ``edges``
    share: FloatArray  # [C, 1]
    slot: IntArray
    cap: FloatArray  # [C, 1] K_e
    levels: list[_CutLevel | None]

    @staticmethod
    def build(
        net: Network, c: _Compiled, key: tuple[int, ...], edge_cap: FloatArray, dtype: Any
    ) -> _CutPlan:
        edges = np.unique(np.concatenate([net.shocks[j].edges for j in key]))
        positions = [np.searchsorted(edges, net.shocks[j].edges) for j in key]
        levels: list[_CutLevel | None] = []
        for lv in c.flows:
            rows = np.flatnonzero((edges >= lv.a) & (edges < lv.b))
            if not len(rows):
                levels.append(None)
                continue
            ones = np.ones(len(rows), dtype=dtype)
            cols = np.arange(len(rows))
            src = net.edge_src[edges[rows]]
            pair = lv.pair_of_edge[edges[rows] - lv.a]
            levels.append(
                _CutLevel(
                    rows, src,
                    sparse.csr_matrix((ones, (src, cols)), shape=(net.n_nodes, len(rows))),
                    sparse.csr_matrix((ones, (pair, cols)), shape=(len(lv.pair_slot), len(rows))),
                )
            )  # fmt: skip
        return _CutPlan(
            edges, positions, net.edge_share[edges, None].astype(dtype), net.edge_slot[edges],
            edge_cap[edges], levels,
        )  # fmt: skip

    def delta(
        self, cuts: list[tuple[int, FloatArray]], need: FloatArray, r: int, dtype: Any
    ) -> FloatArray:
        """[C, R] o'_e - o_e today; ``cuts`` is (shock, m [R]) in the key's order."""
        if len(cuts) == 1:
            mult: FloatArray = np.broadcast_to(cuts[0][1], (1, r))
        else:
            mult = np.ones((len(self.edges), r), dtype=dtype)
            for pos, (_, m) in zip(self.positions, cuts, strict=True):
                mult[pos] *= m
        o = self.share * need[self.slot]
        capped = np.where(mult < 1.0, np.minimum(o, mult * self.cap), o)
        return capped - o


def _add_product(mat: sparse.csr_matrix, x: FloatArray, out: FloatArray) -> None:
    """out += mat @ x, in place (no [rows, R] temporary) when SciPy's kernel is there and the
    arrays are C-contiguous of one dtype; else through the public ``@``."""
    if (
        _csr_matvecs is None
        or not (out.flags.c_contiguous and x.flags.c_contiguous)
        or not (mat.dtype == x.dtype == out.dtype)
        or mat.indptr.dtype != mat.indices.dtype
    ):
        out += mat @ x
        return
    _csr_matvecs(
        mat.shape[0], mat.shape[1], x.shape[1], mat.indptr, mat.indices, mat.data,
        x.reshape(-1), out.reshape(-1),
    )  # fmt: skip


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
