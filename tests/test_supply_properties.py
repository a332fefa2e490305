"""Invariants of the supply engine on generated networks (hypothesis).

* No unit is created: per part, start stock + production + alternate supply = end stock +
  consumption + plant output; inventories and finished goods never go negative.
* On supply TREES (each node has one customer, so no two plants compete for a part): a longer or
  deeper shock never raises any plant's cumulative output, and more inventory never lowers it.
* On general networks a shock can free parts for a competitor (documented by an example).
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chipwar.supply import build, parse_scenario
from chipwar.supply.results import run

COUNTRIES = ["DE", "CN", "MY", "JP"]
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def trees(draw: st.DrawFn) -> dict[str, Any]:
    """A forest: each plant is the root of its own supply tree (every node has one customer)."""
    nodes: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []
    demand: list[dict[str, Any]] = []
    counter = [0]

    def new_id(prefix: str) -> str:
        counter[0] += 1
        return f"{prefix}{counter[0]}"

    def grow(customer: dict[str, Any], depth: int) -> None:
        n_parts = draw(st.integers(0 if depth > 0 else 1, 2)) if depth < 3 else 0
        for _ in range(n_parts):
            part = new_id("p")
            customer["bom"][part] = draw(st.sampled_from([1.0, 2.0, 0.5]))
            n_sup = draw(st.integers(1, 2))
            shares = [1.0] if n_sup == 1 else [0.6, 0.4]
            lead = draw(st.integers(1, 4))  # co-suppliers of a part share a lead time (see docs)
            for share in shares:
                sup = {
                    "id": new_id("n"),
                    "kind": "tier1",
                    "country": draw(st.sampled_from(COUNTRIES)),
                    "part": part,
                    "bom": {},
                    "inventory_days": draw(st.sampled_from([0.0, 3.0, 10.0])),
                    "finished_days": draw(st.sampled_from([0.0, 2.0])),
                }
                nodes.append(sup)
                edges.append(
                    {
                        "supplier": sup["id"],
                        "customer": customer["id"],
                        "share": share,
                        "lead_time_days": lead,
                    }
                )
                grow(sup, depth + 1)

    for _ in range(draw(st.integers(1, 2))):
        plant = {
            "id": new_id("plant"),
            "kind": "plant",
            "country": draw(st.sampled_from(COUNTRIES)),
            "part": new_id("car"),
            "bom": {},
            "inventory_days": draw(st.sampled_from([0.0, 5.0])),
        }
        nodes.append(plant)
        demand.append({"plant": plant["id"], "units_per_day": draw(st.sampled_from([5.0, 10.0]))})
        grow(plant, 0)
    return {
        "id": "tree",
        "start_date": "2025-01-01",
        "days": 60,
        "defaults": {"capacity_headroom": draw(st.sampled_from([0.0, 0.1, 0.3]))},
        "nodes": nodes,
        "edges": edges,
        "demand": demand,
    }


@st.composite
def shocked_trees(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    raw = draw(trees())
    suppliers = [n["id"] for n in raw["nodes"] if n["kind"] != "plant"]
    kind = draw(st.sampled_from(["shutdown", "capacity_cut", "export_ban"]))
    target: dict[str, Any] = {"nodes": [draw(st.sampled_from(suppliers))]}
    if kind == "export_ban" and draw(st.booleans()):
        target = {"countries": [draw(st.sampled_from(COUNTRIES))]}
    shock = {
        "id": "s",
        "kind": kind,
        "target": target,
        "start": f"2025-01-{draw(st.integers(1, 20)):02d}",
        "duration_days": draw(st.integers(1, 30)),
        "fraction": draw(st.sampled_from([0.3, 0.7, 1.0])),
    }
    return raw, shock


def _run(raw: dict[str, Any]):  # type: ignore[no-untyped-def]
    try:
        net = build(parse_scenario(copy.deepcopy(raw)), use_controls=False)
    except Exception as exc:  # an export ban that selects no node is a valid rejection
        if "selects no node" in str(exc):
            return None
        raise
    res, _ = run(net, keep_daily=True)
    return net, res


def _cum(res) -> np.ndarray:  # type: ignore[no-untyped-def]
    return np.cumsum(res.plant_output[:, :, 0], axis=0)


@SETTINGS
@given(shocked_trees())
def test_no_units_created_and_stock_never_negative(
    case: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    raw, shock = case
    raw["shocks"] = [shock]
    out = _run(raw)
    if out is None:
        return
    net, res = out
    plant_parts = net.node_part[net.plant_nodes]
    left = res.stock_start + res.produced + res.alternate_in - res.consumed
    right = res.stock_end.copy()
    for j, p in enumerate(plant_parts):
        right[p] += res.plant_output_total[j]
    scale = max(1.0, float(np.abs(left).max()))
    assert np.allclose(left, right, atol=1e-7 * scale)
    assert res.min_inventory >= 0.0
    assert (res.plant_output_total <= net.demand[:, None] * res.days + 1e-9).all()


@SETTINGS
@given(shocked_trees(), st.integers(1, 20))
def test_longer_shock_never_increases_output_on_trees(
    case: tuple[dict[str, Any], dict[str, Any]], extra: int
) -> None:
    raw, shock = case
    raw["shocks"] = [shock]
    short = _run(raw)
    if short is None:
        return
    raw["shocks"] = [{**shock, "duration_days": shock["duration_days"] + extra}]
    long_ = _run(raw)
    assert long_ is not None
    assert (_cum(long_[1]) <= _cum(short[1]) + 1e-7).all()


@SETTINGS
@given(shocked_trees())
def test_deeper_shock_never_increases_output_on_trees(
    case: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    raw, shock = case
    raw["shocks"] = [{**shock, "fraction": 0.3}]
    shallow = _run(raw)
    if shallow is None:
        return
    raw["shocks"] = [{**shock, "fraction": 1.0}]
    deep = _run(raw)
    assert deep is not None
    assert (_cum(deep[1]) <= _cum(shallow[1]) + 1e-7).all()


@SETTINGS
@given(shocked_trees(), st.data())
def test_more_inventory_never_reduces_output_on_trees(
    case: tuple[dict[str, Any], dict[str, Any]], data: st.DataObject
) -> None:
    raw, shock = case
    raw["shocks"] = [shock]
    base = _run(raw)
    if base is None:
        return
    node = data.draw(st.sampled_from([n for n in raw["nodes"] if n["bom"]]))
    node["inventory_days"] = float(node.get("inventory_days", 0.0)) + data.draw(
        st.sampled_from([1.0, 5.0, 20.0])
    )
    more = _run(raw)
    assert more is not None
    assert (_cum(more[1]) >= _cum(base[1]) - 1e-7).all()


def test_general_network_shock_can_free_parts_for_a_competitor() -> None:
    """Documented behaviour, not a bug: two plants share one capacity-limited supplier; an export
    ban on shipments to the foreign plant leaves the whole capacity to the domestic one, whose
    output RISES above the no-shock case. Tree monotonicity does not hold on general networks."""
    raw: dict[str, Any] = {
        "id": "compete", "start_date": "2025-01-01", "days": 40,
        "nodes": [
            {"id": "s", "kind": "assembly_test", "country": "CN", "part": "chip",
             "capacity_per_day": 10},
            {"id": "home", "kind": "plant", "country": "CN", "part": "car", "bom": {"chip": 1}},
            {"id": "abroad", "kind": "plant", "country": "DE", "part": "car", "bom": {"chip": 1}},
        ],
        "edges": [
            {"supplier": "s", "customer": "home", "share": 1, "lead_time_days": 1},
            {"supplier": "s", "customer": "abroad", "share": 1, "lead_time_days": 1},
        ],
        "demand": [{"plant": "home", "units_per_day": 10},
                   {"plant": "abroad", "units_per_day": 10}],
    }  # fmt: skip
    base = _run(raw)
    raw["shocks"] = [{"id": "ban", "kind": "export_ban", "target": {"countries": ["CN"]},
                      "start": "2025-01-05", "duration_days": 20}]  # fmt: skip
    banned = _run(raw)
    assert base is not None and banned is not None
    home_base, abroad_base = base[1].plant_output_total[:, 0]
    home_ban, abroad_ban = banned[1].plant_output_total[:, 0]
    assert home_ban > home_base  # the competitor gains
    assert abroad_ban < abroad_base
