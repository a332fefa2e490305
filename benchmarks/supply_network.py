"""Generate layered random supply networks (fab -> assembly -> distributor -> Tier-1 -> plant).

``generate(n_nodes, n_edges, days, seed)`` returns a raw scenario mapping accepted by
``chipwar.supply.parse_scenario``: every non-source node has 1-3 input parts, each bought from
several suppliers of the layer above (shares from a Dirichlet draw), so the network is acyclic
and the edge count is close to ``n_edges``. Inventories, shock lengths and alternates'
qualification times are spreads, so Monte Carlo replications differ.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

COUNTRIES = ["CN", "DE", "US", "JP", "MY", "PH", "KR", "TW", "MX", "FR", "NL", "VN"]
LAYERS = [("fab", 0.10), ("assembly_test", 0.20), ("distributor", 0.20), ("tier1", 0.30),
          ("plant", 0.20)]  # fmt: skip


def generate(
    n_nodes: int = 10_000,
    n_edges: int = 50_000,
    days: int = 365,
    seed: int = 0,
    *,
    n_shocks: int = 8,
    n_alternates: int = 50,
) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    counts = [max(2, round(n_nodes * f)) for _, f in LAYERS]
    counts[-1] = n_nodes - sum(counts[:-1])
    types_per_layer = [max(2, c // 25) for c in counts]
    nodes: list[dict[str, Any]] = []
    layer_nodes: list[list[int]] = []
    layer_types: list[dict[str, list[int]]] = []
    for li, ((kind, _), count) in enumerate(zip(LAYERS, counts, strict=True)):
        ids = []
        by_type: dict[str, list[int]] = {}
        for j in range(count):
            part = f"l{li}-t{j % types_per_layer[li]}" if kind != "plant" else f"product-{j % 50}"
            node = {
                "id": f"n{len(nodes)}",
                "kind": kind,
                "country": COUNTRIES[int(rng.integers(len(COUNTRIES)))],
                "part": part,
                "bom": {},
            }
            if li > 0:
                lo = float(rng.uniform(0, 5))
                node["inventory_days"] = {"low": lo, "base": lo + 5, "high": lo + 15}
                node["finished_days"] = float(rng.choice([0.0, 2.0]))
            by_type.setdefault(part, []).append(len(nodes))
            ids.append(len(nodes))
            nodes.append(node)
        layer_nodes.append(ids)
        layer_types.append(by_type)
    # inputs: 1-3 part types from the layer above; suppliers per slot sized to hit n_edges
    n_slots_target = sum(counts[1:]) * 2
    per_slot = max(1.0, n_edges / n_slots_target)
    edges: list[dict[str, Any]] = []
    for li in range(1, len(LAYERS)):
        upstream = list(layer_types[li - 1].items())
        for i in layer_nodes[li]:
            n_in = int(rng.integers(1, 4))
            picks = rng.choice(len(upstream), size=min(n_in, len(upstream)), replace=False)
            for pi in picks:
                part, makers = upstream[int(pi)]
                nodes[i]["bom"][part] = float(rng.choice([1.0, 2.0, 0.5]))
                m = min(len(makers), max(1, int(rng.poisson(per_slot - 1)) + 1))
                sup = rng.choice(makers, size=m, replace=False)
                shares = np.maximum(rng.dirichlet(np.ones(m)), 0.02)
                shares = np.round(shares / shares.sum(), 6)
                shares[-1] = 1.0 - shares[:-1].sum()
                for s, share in zip(sup, shares, strict=True):
                    edges.append(
                        {
                            "supplier": nodes[int(s)]["id"],
                            "customer": nodes[i]["id"],
                            "share": float(share),
                            "lead_time_days": int(rng.integers(1, 15)),
                        }
                    )
    demand = [
        {"plant": nodes[i]["id"], "units_per_day": float(rng.integers(10, 100))}
        for i in layer_nodes[-1]
    ]
    start = dt.date(2025, 1, 1)
    shocks = []
    for k in range(n_shocks):
        day = int(rng.integers(5, max(6, days // 3)))
        dur = float(rng.integers(10, 60))
        if k % 2 == 0:
            shock = {
                "id": f"ban-{k}",
                "kind": "export_ban",
                "target": {"countries": [COUNTRIES[int(rng.integers(len(COUNTRIES)))]]},
                "fraction": {"low": 0.5, "base": 0.8, "high": 1.0},
            }
        else:
            victim = layer_nodes[int(rng.integers(0, 3))]
            shock = {
                "id": f"fire-{k}",
                "kind": "shutdown",
                "target": {"nodes": [nodes[int(rng.choice(victim))]["id"]]},
            }
        shock["start"] = (start + dt.timedelta(days=day)).isoformat()
        shock["duration_days"] = {"low": dur * 0.5, "base": dur, "high": dur * 2}
        shocks.append(shock)
    alternates = []
    tier_nodes = layer_nodes[3]
    for k in range(n_alternates):
        i = int(rng.choice(tier_nodes))
        part = next(iter(nodes[i]["bom"]))
        if any(a["customer"] == nodes[i]["id"] and a["part"] == part for a in alternates):
            continue
        alternates.append(
            {
                "id": f"alt-{k}",
                "customer": nodes[i]["id"],
                "part": part,
                "capacity_per_day": float(rng.integers(5, 50)),
                "qualification_days": {"low": 30, "base": 60, "high": 120},
                "ramp_days": 20,
            }
        )
    return {
        "id": f"generated-{n_nodes}",
        "start_date": start.isoformat(),
        "days": days,
        "nodes": nodes,
        "edges": edges,
        "alternates": alternates,
        "demand": demand,
        "shocks": shocks,
    }


if __name__ == "__main__":  # pragma: no cover
    raw = generate(1000, 5000, 365)
    print(len(raw["nodes"]), len(raw["edges"]))
