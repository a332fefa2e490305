"""The engine's fast paths (blocks of replications on threads, in-place sparse kernel, folded
(lead, slot) transit, cached shock plans) agree with an independent SimPy reference and with
themselves, on random networks with two priority levels, overlapping bans and alternates."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from chipwar.supply import build, engine, parse_scenario, simulate
from chipwar.supply.engine import Outage, baseline_draws, draw

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
from supply_network import generate

INT_FIELDS = ("plant_first_stop", "plant_last_short", "plant_first_recovery")
PER_REP_FIELDS = (
    "plant_lost", "plant_output_total", "plant_output", "part_price", "part_shortage",
    "market_price", "produced", "consumed", "alternate_in", "stock_start", "stock_end",
    "final_inv",
)  # fmt: skip


def _network(n_nodes: int, days: int, seed: int, priorities: bool = True):  # type: ignore[no-untyped-def]
    raw = generate(n_nodes, 5 * n_nodes, days, seed=seed, n_shocks=10, n_alternates=20)
    if priorities:
        for i, e in enumerate(raw["edges"]):
            e["priority"] = 1 if i % 3 == 0 else 0
    return build(parse_scenario(raw), use_controls=False)


def test_blocks_and_threads_change_no_replication() -> None:
    net = _network(300, 120, seed=4)
    d = draw(net, 23, seed=9)
    one = simulate(net, d, keep_daily=True, block=23, threads=1)
    for block, threads in ((5, 1), (4, 2), (1, 3)):
        got = simulate(net, d, keep_daily=True, block=block, threads=threads)
        for name in INT_FIELDS + PER_REP_FIELDS:
            assert np.array_equal(getattr(one, name), getattr(got, name)), (name, block, threads)
        assert got.min_inventory == one.min_inventory
        np.testing.assert_allclose(got.plant_output_mean, one.plant_output_mean, rtol=1e-12)


def test_progress_counts_every_day_of_every_block() -> None:
    net = _network(120, 40, seed=2, priorities=False)
    seen: list[tuple[int, int]] = []
    simulate(
        net, draw(net, 10, seed=1), block=3, threads=2, progress=lambda a, b: seen.append((a, b))
    )
    assert len(seen) == 4 * 40 and {b for _, b in seen} == {4 * 40}
    assert max(a for a, _ in seen) == 4 * 40


def test_sparse_kernel_and_public_product_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    net = _network(200, 90, seed=6)
    d = draw(net, 8, seed=3)
    fast = simulate(net, d, keep_daily=True)
    monkeypatch.setattr(engine, "_csr_matvecs", None)
    public = simulate(net, d, keep_daily=True)
    for name in INT_FIELDS:
        assert np.array_equal(getattr(fast, name), getattr(public, name)), name
    assert public.plant_output is not None and fast.plant_output is not None
    np.testing.assert_allclose(public.plant_output, fast.plant_output, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(public.part_price, fast.part_price, rtol=1e-6)


def test_round_off_orders_set_no_price() -> None:
    ordered = np.array([[6.4e-15], [10.0], [0.0]])
    unfilled = np.array([[2.9e-15], [5.0], [0.0]])
    floor = np.array([[1e-9 * 10.0], [1e-9 * 10.0], [1e-9]])
    price = engine._price(ordered, unfilled, 10.0, -1.0, floor)
    assert price[:, 0].tolist() == [1.0, 2.0, 1.0]  # residue -> no price; half filled -> 2x


@pytest.mark.parametrize("seed", [3, 8])
def test_engine_matches_simpy_reference_with_priorities_bans_and_alternates(seed: int) -> None:
    pytest.importorskip("simpy")
    from supply_simpy import simulate_simpy

    net = _network(150, 150, seed=seed)
    assert len(set(net.edge_priority.tolist())) == 2 and len(net.shocks) == 10
    d1 = draw(net, 1, seed=seed, sample=True)
    ours = simulate(net, d1, 150)
    ref = simulate_simpy(net, d1, 150)
    lost = ours.plant_lost[:, 0]
    assert lost.sum() > 0  # the shocks bite
    np.testing.assert_allclose(lost, ref["plant_lost"], rtol=1e-9, atol=1e-6)
    assert np.array_equal(ours.plant_first_stop[:, 0], ref["plant_first_stop"])
    assert np.array_equal(ours.plant_last_short[:, 0], ref["plant_last_short"])


def test_outage_mode_blocked_matches_single_block() -> None:
    net = _network(200, 60, seed=5, priorities=False)
    rng = np.random.default_rng(0)
    down = rng.random((net.n_nodes, 12)) < 0.02
    a = simulate(net, baseline_draws(net, 12), outage=Outage(down, 5, 40), block=12, threads=1)
    b = simulate(net, baseline_draws(net, 12), outage=Outage(down, 5, 40), block=5, threads=2)
    assert np.array_equal(a.plant_lost, b.plant_lost)
    assert np.array_equal(a.plant_first_stop, b.plant_first_stop)
    assert (a.plant_lost.sum(axis=0) > 0).any()
