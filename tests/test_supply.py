"""Supply simulator: hand-worked cases, bad input, CLI end to end."""

from __future__ import annotations

import copy
import json
from typing import Any

import numpy as np
import pytest

from chipwar.errors import ScenarioError
from chipwar.supply import build, criticality, parse_scenario, run, simulate, summarize
from chipwar.supply.engine import draw
from chipwar.supply.scenario import json_schema

CHAIN: dict[str, Any] = {
    "id": "chain",
    "start_date": "2025-10-01",
    "days": 30,
    "nodes": [
        {"id": "src", "kind": "fab", "country": "DE", "part": "chip"},
        {"id": "car", "kind": "plant", "country": "DE", "part": "vehicle",
         "bom": {"chip": 1}, "inventory_days": 5},
    ],
    "edges": [{"supplier": "src", "customer": "car", "share": 1, "lead_time_days": 1}],
    "demand": [{"plant": "car", "units_per_day": 10}],
    "shocks": [{"id": "fire", "kind": "shutdown", "target": {"nodes": ["src"]},
                "start": "2025-10-03", "duration_days": 10}],
}  # fmt: skip


def _net(raw: dict[str, Any]):  # type: ignore[no-untyped-def]
    return build(parse_scenario(copy.deepcopy(raw)), use_controls=False)


def test_serial_chain_hand_worked() -> None:
    # Shutdown days 2..11; 1 day in transit + 5 days of stock carry the plant to day 7; it stops
    # on day 8. The source restarts on day 12 at its capacity 11.5/day (rate 10 × 1.15 headroom),
    # which arrives on day 13: 5 lost days × 10 = 50 units, recovery on day 13.
    net = _net(CHAIN)
    res, _ = run(net, keep_daily=True)
    out = res.plant_output
    assert out is not None
    assert res.plant_first_stop[0, 0] == 8
    assert res.plant_recovery[0, 0] == 13
    assert res.plant_lost[0, 0] == pytest.approx(50.0)
    assert out[:8, 0, 0] == pytest.approx([10.0] * 8)
    assert out[8:13, 0, 0] == pytest.approx([0.0] * 5)
    s = summarize(net, res, 1, 0)
    plant = s["plants"][0]
    assert plant["first_stop_date"] == "2025-10-09"
    assert plant["recovery_date"] == "2025-10-14"
    assert s["total_lost_units"] == pytest.approx(50.0)


def test_inventory_refills_after_recovery_with_headroom() -> None:
    # After the outage the source ships 11.5/day: 1.5/day goes back into the plant's stock.
    net = _net(CHAIN)
    res, _ = run(net, days=60)
    assert res.plant_lost[0, 0] == pytest.approx(50.0)
    assert res.final_inv[0, 0] == pytest.approx(50.0)  # back at 5 days of cover


def test_partial_capacity_cut_halves_output_after_stock() -> None:
    raw = copy.deepcopy(CHAIN)
    raw["shocks"] = [{"id": "cut", "kind": "capacity_cut", "target": {"nodes": ["src"]},
                      "start": "2025-10-01", "fraction": 0.5}]  # fmt: skip
    res, _ = run(_net(raw), keep_daily=True)
    assert res.plant_output is not None
    # 5 days of stock drain at 5/day deficit... stock 50 + pipeline: output 10/day until empty,
    # then 5/day (half capacity = 0.5 × 11.5 = 5.75/day arrives).
    assert res.plant_output[-1, 0, 0] == pytest.approx(5.75)


def test_price_multiplier_unit_elasticity() -> None:
    # Two suppliers 70/30, the 70 % one banned for export: filled/wanted = 0.3 -> price 1/0.3.
    raw = copy.deepcopy(CHAIN)
    raw["nodes"] = [
        {"id": "a", "kind": "assembly_test", "country": "CN", "part": "chip"},
        {"id": "b", "kind": "assembly_test", "country": "MY", "part": "chip"},
        {"id": "car", "kind": "plant", "country": "DE", "part": "vehicle",
         "bom": {"chip": 1}, "inventory_days": 5},
    ]  # fmt: skip
    raw["edges"] = [
        {"supplier": "a", "customer": "car", "share": 0.7, "lead_time_days": 1},
        {"supplier": "b", "customer": "car", "share": 0.3, "lead_time_days": 1},
    ]
    raw["defaults"] = {"capacity_headroom": 0.0}
    raw["shocks"] = [{"id": "ban", "kind": "export_ban", "target": {"countries": ["CN"]},
                      "start": "2025-10-02", "duration_days": 5}]  # fmt: skip
    net = _net(raw)
    res, _ = run(net)
    chip = net.part_ids.index("chip")
    assert res.part_price[1, chip, 0] == pytest.approx(1 / 0.3)
    assert res.part_price[0, chip, 0] == pytest.approx(1.0)
    assert res.part_shortage[1, chip, 0] == pytest.approx(7.0)


def _chain_with_alternate(ramp_days: int) -> dict[str, Any]:
    """CHAIN over 40 days with a 30-day stop, and an alternate for the car's chip: 10/day,
    qualified 10 days after the trigger, ``ramp_days`` to full rate, 2 days' lead time."""
    raw = copy.deepcopy(CHAIN)
    raw["days"] = 40
    raw["shocks"][0]["duration_days"] = 30
    alt = {"id": "alt", "customer": "car", "part": "chip", "capacity_per_day": 10}
    raw["alternates"] = [
        {**alt, "qualification_days": 10, "ramp_days": ramp_days, "lead_time_days": 2}
    ]
    return raw


def test_alternate_fills_gap_after_qualification() -> None:
    raw = _chain_with_alternate(ramp_days=0)
    with_alt, _ = run(_net(raw))
    raw.pop("alternates")
    without, _ = run(_net(raw))
    # Triggered on day 2, ready on day 12, first delivery on day 14: the stop is days 8..13 only.
    assert with_alt.plant_lost[0, 0] == pytest.approx(60.0)
    assert without.plant_lost[0, 0] > with_alt.plant_lost[0, 0]


def test_pro_rata_and_priority_allocation() -> None:
    raw: dict[str, Any] = {
        "id": "two", "start_date": "2025-01-01", "days": 20,
        "nodes": [
            {"id": "s", "kind": "fab", "country": "DE", "part": "chip", "capacity_per_day": 10},
            {"id": "p1", "kind": "plant", "country": "DE", "part": "v", "bom": {"chip": 1}},
            {"id": "p2", "kind": "plant", "country": "FR", "part": "v", "bom": {"chip": 1}},
        ],
        "edges": [
            {"supplier": "s", "customer": "p1", "share": 1, "lead_time_days": 1},
            {"supplier": "s", "customer": "p2", "share": 1, "lead_time_days": 1},
        ],
        "demand": [{"plant": "p1", "units_per_day": 10}, {"plant": "p2", "units_per_day": 10}],
    }  # fmt: skip
    res, _ = run(_net(raw), keep_daily=True)
    assert res.plant_output is not None
    assert res.plant_output[5, :, 0] == pytest.approx([5.0, 5.0])  # pro rata
    raw["edges"][0]["priority"] = 1
    res, _ = run(_net(raw), keep_daily=True)
    assert res.plant_output is not None
    assert res.plant_output[5, :, 0] == pytest.approx([10.0, 0.0])


def test_monte_carlo_is_seeded_and_reports_percentiles() -> None:
    raw = copy.deepcopy(CHAIN)
    raw["nodes"][1]["inventory_days"] = {"low": 2, "base": 5, "high": 9}
    raw["shocks"][0]["duration_days"] = {"low": 5, "base": 10, "high": 20}
    net = _net(raw)
    a, _ = run(net, samples=50, seed=7)
    b, _ = run(net, samples=50, seed=7)
    c, _ = run(net, samples=50, seed=8)
    assert np.array_equal(a.plant_lost, b.plant_lost)
    assert not np.array_equal(a.plant_lost, c.plant_lost)
    s = summarize(net, a, 50, 7)
    pct = s["percentiles"]["total_lost_units"]
    assert pct["p5"] <= pct["p50"] <= pct["p95"]
    assert pct["p95"] > pct["p5"]


def test_criticality_ranks_single_source_first() -> None:
    raw = copy.deepcopy(CHAIN)
    raw["nodes"].insert(
        0, {"id": "minor", "kind": "fab", "country": "JP", "part": "chip", "capacity_per_day": 100}
    )
    raw["edges"] = [
        {"supplier": "src", "customer": "car", "share": 0.9, "lead_time_days": 1},
        {"supplier": "minor", "customer": "car", "share": 0.1, "lead_time_days": 1},
    ]
    raw["nodes"][2]["inventory_days"] = 0  # no stock: losing the 10 % source costs 1 car/day
    rows = criticality(_net(raw))
    assert rows[0]["id"] in ("src", "DE") and rows[0]["lost_units"] > 0
    minor = next(r for r in rows if r["id"] == "minor")
    top = rows[0]["lost_units"]
    assert 0 < minor["lost_units"] < top


def test_ownership_freeze_uses_owner_field() -> None:
    raw = copy.deepcopy(CHAIN)
    raw["nodes"][0]["owner"] = "parentco"
    raw["shocks"] = [{"id": "freeze", "kind": "ownership_freeze",
                      "target": {"owned_by": ["parentco"]}, "start": "2025-10-02"}]  # fmt: skip
    res, _ = run(_net(raw))
    assert res.plant_first_stop[0, 0] == 7  # day 1 shipment arrives day 2, then 5 days of stock


# ---- bad input: one clear message naming the item ---------------------------------------------


@pytest.mark.parametrize(
    ("mutate", "needle"),
    [
        (
            lambda r: r["edges"].append(
                {"supplier": "ghost", "customer": "car", "share": 1, "lead_time_days": 1}
            ),
            "'ghost'",
        ),
        (lambda r: r["edges"][0].update(share=0.6), "shares sum to 0.6"),
        (lambda r: r["shocks"][0].update(start="2026-03-01"), "shocks[fire].start"),
        (lambda r: r["nodes"][0].update(bom={"vehicle": 1}), "cycle"),
        (lambda r: r["demand"][0].update(plant="nowhere"), "'nowhere'"),
    ],
)
def test_bad_scenarios_name_the_item(mutate, needle: str) -> None:  # type: ignore[no-untyped-def]
    raw = copy.deepcopy(CHAIN)
    mutate(raw)
    with pytest.raises(ScenarioError) as err:
        _net(raw)
    assert needle in str(err.value)


def test_bom_cycle_message_names_parts() -> None:
    raw = copy.deepcopy(CHAIN)
    raw["nodes"][0]["bom"] = {"vehicle": 1}
    with pytest.raises(ScenarioError) as err:
        _net(raw)
    assert "chip -> vehicle -> chip" in str(err.value)


def test_schema_errors_name_node() -> None:
    raw = copy.deepcopy(CHAIN)
    raw["nodes"][1]["kind"] = "spaceship"
    with pytest.raises(ScenarioError) as err:
        parse_scenario(raw)
    assert "nodes[car].kind" in str(err.value)


def test_json_schema_describes_scenario() -> None:
    schema = json_schema()
    assert "nodes" in schema["properties"] and "shocks" in schema["properties"]
    import jsonschema

    jsonschema.validate(json.loads(json.dumps(CHAIN)), schema)


def test_engine_draws_base_values_without_sampling() -> None:
    net = _net(CHAIN)
    d = draw(net, 3, seed=1, sample=False)
    assert np.all(d.inv0 == 50.0)
    res = simulate(net, d)
    assert np.allclose(res.plant_lost, 50.0)


# ---- CLI --------------------------------------------------------------------------------------


@pytest.fixture
def chain_file(tmp_path):  # type: ignore[no-untyped-def]
    import yaml

    path = tmp_path / "chain.yaml"
    path.write_text(yaml.safe_dump(CHAIN))
    return path


def test_cli_run_json(cli, chain_file) -> None:  # type: ignore[no-untyped-def]
    r = cli("supply", "run", str(chain_file), "--format", "json")
    assert r.code == 0, r.err
    data = r.json()
    plant = data["plants"][0]
    assert plant["id"] == "car" and plant["first_stop_day"] == 8
    assert plant["first_stop_date"] == "2025-10-09" and plant["lost_units"] == pytest.approx(50)
    assert plant["recovery_date"] == "2025-10-14"
    assert data["total_lost_units"] == pytest.approx(50)


def test_cli_run_samples_percentiles(cli, chain_file) -> None:  # type: ignore[no-untyped-def]
    r = cli("supply", "run", str(chain_file), "--samples", "5", "--seed", "3", "-f", "json")
    assert r.code == 0, r.err
    assert set(r.json()["percentiles"]["total_lost_units"]) == {"p5", "p50", "p95"}


def test_cli_validate_and_critical(cli, chain_file) -> None:  # type: ignore[no-untyped-def]
    r = cli("supply", "validate", str(chain_file), "-f", "json")
    assert r.code == 0 and r.json()["valid"] is True
    r = cli("supply", "critical", str(chain_file), "-f", "json")
    assert r.code == 0 and r.json()[0]["id"] in ("src", "DE")


def test_cli_bad_input_exit_2(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import yaml

    raw = copy.deepcopy(CHAIN)
    raw["edges"][0]["customer"] = "ghost"
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(raw))
    r = cli("supply", "validate", str(path))
    assert r.code == 2
    assert "ghost" in r.err and "Traceback" not in r.err
    r = cli("supply", "run", "no-such-scenario")
    assert r.code == 2 and "built-in" in r.err
    r = cli("supply", "run", str(path), "--samples", "0")
    assert r.code == 2 and "--samples" in r.err


def test_published_json_schema_is_current() -> None:
    from pathlib import Path

    path = Path(__file__).parents[1] / "docs" / "supply-scenario.schema.json"
    assert json.loads(path.read_text(encoding="utf-8")) == json.loads(json.dumps(json_schema()))


def test_owned_by_selector_uses_controls_ownership_data() -> None:
    # The node names no owner; only its entity id links it to Wingtech in the shipped
    # ownership data (chipwar.controls.ownership.owned_by, >= 50 % aggregate share).
    pytest.importorskip("chipwar.controls.ownership")
    raw = copy.deepcopy(CHAIN)
    raw["nodes"][0]["entity"] = "nexperia-china"
    raw["shocks"] = [{"id": "freeze", "kind": "ownership_freeze",
                      "target": {"owned_by": ["wingtech"]}, "start": "2025-10-02"}]  # fmt: skip
    net = build(parse_scenario(copy.deepcopy(raw)))
    assert len(net.shocks[0].edges) == 1
    with pytest.raises(ScenarioError, match="selects no node"):
        build(parse_scenario(copy.deepcopy(raw)), use_controls=False)


def test_cli_run_daily_paths(cli, chain_file) -> None:  # type: ignore[no-untyped-def]
    r = cli("supply", "run", str(chain_file), "--daily", "-f", "json")
    assert r.code == 0, r.err
    plant = r.json()["plants"][0]
    assert len(plant["daily_output"]) == 30
    assert plant["daily_output"][7] == pytest.approx(10.0)
    assert plant["daily_output"][8] == pytest.approx(0.0)


def test_cli_negative_seed_and_top_are_clear_errors(cli, chain_file) -> None:  # type: ignore[no-untyped-def]
    r = cli("supply", "run", str(chain_file), "--samples", "3", "--seed", "-1")
    assert r.code == 2 and "--seed" in r.err and "-1" in r.err and "Traceback" not in r.err
    r = cli("supply", "critical", str(chain_file), "--top", "-2")
    assert r.code == 2 and "--top" in r.err and "Traceback" not in r.err


def test_progress_bar_only_on_a_terminal(cli, chain_file, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from chipwar.cli import supply as supply_cli

    # piped (the test harness is not a TTY): no bar, nothing on stderr, JSON on stdout
    r = cli("supply", "run", str(chain_file), "--samples", "4", "--seed", "1", "-f", "json")
    assert r.code == 0 and r.err == "" and r.json()["samples"] == 4
    with supply_cli._progress("x") as bar:
        assert bar is None
    # on a terminal: the context hands the engine a callable that advances a Rich bar
    from chipwar.cli import output  # the command imports it when it runs

    monkeypatch.setattr(output, "progress_enabled", lambda: True)
    with supply_cli._progress("x") as bar:
        assert callable(bar)
        bar(3, 10)


def test_cli_samples_are_deterministic_per_seed(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import yaml

    raw = copy.deepcopy(CHAIN)
    raw["nodes"][1]["inventory_days"] = {"low": 2, "base": 5, "high": 9}
    path = tmp_path / "spread.yaml"
    path.write_text(yaml.safe_dump(raw))
    args = ("supply", "run", str(path), "--samples", "25", "-f", "json")
    a, b, c = (cli(*args, "--seed", s).json() for s in ("7", "7", "8"))
    assert a == b  # same seed: identical plants, percentiles and parts
    lost_a = a["plants"][0]["percentiles"]["lost_units"]
    assert lost_a["p5"] < lost_a["p95"]  # the stock spread is really sampled
    assert lost_a != c["plants"][0]["percentiles"]["lost_units"]


def test_partial_block_caps_the_flow_and_reordering_cannot_get_round_it() -> None:
    # src -> car, plan 10/day, src capacity 11.5/day (15 % headroom), car holds 5 days. A delivery
    # stop with fraction 0.5 lets through at most 0.5 × 10 × 1.15 = 5.75/day however much the car
    # orders; once its stock is gone the car builds 5.75/day. (Before the audit round a fraction
    # only cut each day's order, and the order-up-to rule re-ordered the gap: no effect at all.)
    raw = copy.deepcopy(CHAIN)
    raw["days"] = 40
    raw["shocks"] = [{"id": "half", "kind": "delivery_stop", "target": {"nodes": ["src"]},
                      "to": {"nodes": ["car"]}, "start": "2025-10-03", "duration_days": 30,
                      "fraction": 0.5}]  # fmt: skip
    net = _net(raw)
    res, _ = run(net, keep_daily=True)
    out = res.plant_output[:, 0, 0]
    assert out[:10].min() == pytest.approx(10.0)  # stock + pipeline first
    assert out[20:32] == pytest.approx(np.full(12, 5.75))
    assert out[-1] == pytest.approx(10.0)  # after the block: back to plan
    # deeper block, less output; fraction 0 is no block
    raw["shocks"][0]["fraction"] = 0.8
    out8 = run(_net(raw), keep_daily=True)[0].plant_output[:, 0, 0]
    assert out8[20:32] == pytest.approx(np.full(12, 0.2 * 11.5))
    raw["shocks"][0]["fraction"] = 0.0
    assert run(_net(raw))[0].plant_lost[0, 0] == pytest.approx(0.0)


def test_alternate_ramps_linearly_after_qualification() -> None:
    # Ready on day 12 (trigger day 2 + 10), ramp 4 days to 10/day: ships 2.5, 5, 7.5 on days
    # 13-15 and 10 from day 16; 2-day lead time -> the plant builds 2.5, 5, 7.5, then 10 from
    # day 18. Lost = 7 days × 10 (days 8-14) + 7.5 + 5 + 2.5 = 85.
    raw = _chain_with_alternate(ramp_days=4)
    res, _ = run(_net(raw), keep_daily=True)
    out = res.plant_output[:, 0, 0]
    assert out[8:15] == pytest.approx(np.zeros(7))
    assert out[15:19] == pytest.approx([2.5, 5.0, 7.5, 10.0])
    assert res.plant_lost[0, 0] == pytest.approx(85.0)
