"""Monte Carlo, tornado, break-even and scenario files of the compute part."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chipwar.catalog.accelerators import Accelerator
from chipwar.catalog.sites import Site
from chipwar.compute import tco as tco_module
from chipwar.compute.assumptions import TcoAssumptions, load_assumptions, with_overrides
from chipwar.compute.breakeven import breakeven
from chipwar.compute.montecarlo import pert_sample, tco_montecarlo, tornado
from chipwar.compute.tco import tco_frame
from chipwar.errors import InputError, ScenarioError
from chipwar.scenarios.loader import parse_scenario, read_scenario
from test_compute import DAY, SIMPLE, make_catalog


@pytest.fixture
def catalog(tmp_path: Path) -> tuple[dict[str, Accelerator], dict[str, Site]]:
    return make_catalog(tmp_path)


@pytest.fixture
def simple() -> TcoAssumptions:
    return with_overrides(load_assumptions(), SIMPLE)


def test_doctests() -> None:
    import doctest

    assert doctest.testmod(tco_module).failed == 0


def test_pert_stays_in_range_and_peaks_at_base() -> None:
    rng = np.random.default_rng(0)
    x = pert_sample(np.array([1.0]), np.array([2.0]), np.array([5.0]), 20000, rng)
    assert x.shape == (1, 20000)
    assert x.min() >= 1.0 and x.max() <= 5.0
    # PERT mean = (low + 4 base + high) / 6 = 14/6
    assert x.mean() == pytest.approx(14 / 6, rel=0.02)
    const = pert_sample(np.array([3.0]), np.array([3.0]), np.array([3.0]), 10, rng)
    assert np.all(const == 3.0)


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_montecarlo_reproducible_and_ordered(catalog, simple, seed: int) -> None:  # type: ignore[no-untyped-def]
    chips, sites = catalog
    args = (list(chips.values()), list(sites.values()))
    a = tco_montecarlo(*args, samples=300, seed=seed, date=DAY).summary()
    b = tco_montecarlo(*args, samples=300, seed=seed, date=DAY).summary()
    assert a.equals(b)
    for m in ("usd_per_pflop_hour", "electricity_share"):
        assert (a[f"{m}_p5"] <= a[f"{m}_p50"]).all()
        assert (a[f"{m}_p50"] <= a[f"{m}_p95"]).all()
    # two chips: p_cheapest sums to 1 at each site
    assert a.groupby("site")["p_cheapest"].sum().to_numpy() == pytest.approx(1.0)


def test_montecarlo_with_point_ranges_equals_base(catalog, simple) -> None:  # type: ignore[no-untyped-def]
    chips, sites = catalog
    mc = tco_montecarlo([chips["test-cn"]], [sites["test-west"]], samples=50, seed=1,
                        assumptions=simple, date=DAY)  # fmt: skip
    base = tco_frame([chips["test-cn"]], [sites["test-west"]], assumptions=simple, date=DAY)
    # chip, site and subsidy ranges vary, so samples spread around the base value
    s = mc.summary().iloc[0]
    assert s["usd_per_pflop_hour_p5"] < base["usd_per_pflop_hour"].iloc[0]
    assert s["usd_per_pflop_hour_p95"] > base["usd_per_pflop_hour"].iloc[0]
    with pytest.raises(InputError, match="samples"):
        tco_montecarlo([chips["test-cn"]], [sites["test-west"]], samples=0)


def test_draws_are_shared_where_the_quantity_is_shared(catalog, simple) -> None:  # type: ignore[no-untyped-def]
    chips, sites = catalog
    mc = tco_montecarlo(list(chips.values()), list(sites.values()), samples=200, seed=2,
                        assumptions=simple, date=DAY)  # fmt: skip
    power = mc.outputs["it_power_kw"]  # chip-level draw: the same at every site
    assert np.array_equal(power[:, 0, :], power[:, 1, :])
    price = mc.outputs["price_usd_per_kwh"]  # site-level draw: the same for every chip
    assert np.array_equal(price[0], price[1])
    assert not np.array_equal(power[0, 0], power[1, 0])


def test_tornado_orders_by_swing(catalog, simple) -> None:  # type: ignore[no-untyped-def]
    chips, sites = catalog
    t = tornado(chips["test-cn"], sites["test-west"], assumptions=simple, date=DAY)
    assert list(t["swing"]) == sorted(t["swing"], reverse=True)
    row = t.set_index("factor").loc["price_usd_per_kwh"]
    # price 0.08 -> 0.12 with subsidy 0.5: power 1 kW*0.5*1.2*p*0.5; /0.4 PFLOPS
    assert row["at_high"] - row["at_low"] == pytest.approx(0.5 * 1.2 * 0.04 * 0.5 / 0.4)
    assert "server_capex_overhead" not in set(t["factor"])  # chip has system capex: no effect


def test_breakeven_electricity_price_closed_form(catalog, simple) -> None:  # type: ignore[no-untyped-def]
    chips, sites = catalog
    # no subsidy: cost_cn = (1.1 + 0.12 + 0.6 p)/0.4 ; cost_us (0.6 kW, 15000 USD):
    r = breakeven(chips["test-cn"], chips["test-us"], sites["test-west"],
                  param="electricity-price", subsidy=0.0, assumptions=simple)  # fmt: skip
    us_fixed = (15000 / 5 + 0.6 * 8760 / 10 + 0.02 * (15000 + 0.6 * 8760)) / 8760
    us_slope = 0.6 * 0.5 * 1.2
    # (1.22 + 0.6 p)/0.4 = (us_fixed + us_slope p)/0.8
    expected = (us_fixed / 0.8 - 1.22 / 0.4) / (0.6 / 0.4 - us_slope / 0.8)
    assert expected == pytest.approx(-2.3706, abs=1e-4)  # negative: outside the allowed range
    assert r["value"] is None and "no electricity price >= 0" in r["message"]
    assert f"would need {expected:.4g} USD/kWh" in r["message"]
    assert "test-us is cheaper" in r["message"]


def test_breakeven_chip_price_and_subsidy(catalog, simple) -> None:  # type: ignore[no-untyped-def]
    chips, sites = catalog
    r = breakeven(chips["test-us"], chips["test-cn"], sites["test-west"], param="chip-price",
                  assumptions=simple, date=DAY)  # fmt: skip
    assert r["value"] is not None and r["value"] > 0
    a = chips["test-us"].model_copy(
        update={"price_usd": chips["test-us"].price_usd.model_copy(update={"base": r["value"]})}
    )
    df = tco_frame([a, chips["test-cn"]], [sites["test-west"]], assumptions=simple, date=DAY)
    assert df["usd_per_pflop_hour"].iloc[0] == pytest.approx(df["usd_per_pflop_hour"].iloc[1])
    # a subsidy on the chip alone cannot close a gap larger than its whole power bill
    s = breakeven(chips["test-cn"], chips["test-us"], sites["test-east"], param="subsidy",
                  assumptions=simple, date=DAY)  # fmt: skip
    assert (s["value"] is None) or (0 <= s["value"] <= 1)
    assert s["message"]
    with pytest.raises(InputError, match="param"):
        breakeven(chips["test-cn"], chips["test-us"], sites["test-east"], param="pue")


def test_breakeven_subsidy_hand_worked(catalog, simple) -> None:  # type: ignore[no-untyped-def]
    chips, sites = catalog
    # Make the US chip cost exactly the CN chip's cost at a 50 % subsidy: solve for subsidy.
    a = with_overrides(simple, {"price_usd_per_kwh": 1.0})
    r = breakeven(chips["test-cn"], chips["test-cn"].model_copy(update={"id": "test-cn-2"}),
                  sites["test-west"], param="subsidy", subsidy=0.5, assumptions=a)  # fmt: skip
    assert r["value"] == pytest.approx(0.5)


def test_scenario_overrides_and_partial_rows(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(
        "name: t\nassumptions:\n  cost_of_capital: 0.04\n  utilization.huawei: 0.5\n"
        "accelerators:\n  - id: nvidia-h100-sxm\n    tdp_w: 800\n"
    )
    sc = read_scenario(path)
    assert sc.assumptions.cost_of_capital.base == 0.04
    assert sc.assumptions.utilization["huawei"].base == 0.5
    assert sc.accelerators["nvidia-h100-sxm"].tdp_w == 800
    assert sc.accelerators["nvidia-h100-sxm"].dense_tflops  # merged from the catalog


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"assumptions": {"cost_of_capitl": 0.1}}, "cost_of_capitl"),
        ({"assumptions": {"average_load": 1.5}}, "average_load"),
        ({"assumptions": {"life_years": "five"}}, "life_years"),
        ({"accelerators": [{"id": "x-new", "name": "x"}]}, "vendor"),
        ({"sites": "nope"}, "sites"),
        ({"chips": []}, "chips"),
        ([1, 2], "mapping"),
    ],
)
def test_scenario_errors_name_the_field(raw: object, field: str) -> None:
    with pytest.raises(ScenarioError, match=field):
        parse_scenario(raw, "bad.yaml")


def test_subsidy_date_window(catalog, simple) -> None:  # type: ignore[no-untyped-def]
    chips, sites = catalog
    df = tco_frame([chips["test-cn"]], [sites["test-west"]], assumptions=simple,
                   date=dt.date(2025, 11, 1))  # fmt: skip
    assert df["subsidy"].iloc[0] == 0.5


def test_blocked_evaluation_equals_one_pass(catalog) -> None:  # type: ignore[no-untyped-def]
    from chipwar.compute.montecarlo import sample_values
    from chipwar.compute.tco import evaluate, prepare

    chips, sites = catalog
    batch = prepare(list(chips.values()), list(sites.values()), date=DAY)
    values = sample_values(batch, 1000, seed=3)
    whole = evaluate(batch, values)
    blocks = evaluate(batch, values, block_cells=4 * 37)  # 37 samples per block, ragged end
    for name, arr in whole.items():
        assert np.array_equal(arr, blocks[name]), name


def _scalar_cost(x: dict[str, float]) -> float:
    """USD per usable PFLOP-hour for one sample, written out plainly (module docstring)."""

    def crf(r: float, n: float) -> float:
        return 1.0 / n if r == 0.0 else r * (1 + r) ** n / ((1 + r) ** n - 1)

    facility = x["facility_capex_usd_per_kw"] * x["it_power_kw"]
    r = x["cost_of_capital"]
    capex_h = (
        x["system_capex_usd"] * crf(r, x["life_years"])
        + facility * crf(r, x["facility_life_years"])
    ) / 8760
    power_h = (
        x["it_power_kw"] * x["pue"] * x["average_load"] * x["price_usd_per_kwh"]
        * (1 - x["subsidy"])
    )  # fmt: skip
    other_h = x["other_opex_fraction"] * (x["system_capex_usd"] + facility) / 8760
    return (capex_h + power_h + other_h) / (x["dense_tflops"] / 1000 * x["utilization"])


def test_blocked_kernel_matches_a_plain_per_sample_formula(catalog) -> None:  # type: ignore[no-untyped-def]
    """The in-place, blocked kernel against the equations written per sample: chips with and
    without system figures, subsidised and not, some samples at a zero cost of capital."""
    from chipwar.compute.montecarlo import sample_values
    from chipwar.compute.tco import engine_inputs, evaluate, prepare

    chips, sites = catalog
    batch = prepare(list(chips.values()), list(sites.values()), date=DAY)
    values = sample_values(batch, 50, seed=11)
    values["cost_of_capital"] = values["cost_of_capital"].copy()
    values["cost_of_capital"][..., :5] = 0.0
    out = evaluate(batch, values, block_cells=7 * batch.shape[0] * batch.shape[1])
    inputs = {
        k: np.broadcast_to(v, (*batch.shape, 50)) for k, v in engine_inputs(batch, values).items()
    }
    n_chips, n_sites = batch.shape
    for i in range(n_chips):
        for j in range(n_sites):
            for k in (0, 4, 5, 49):
                x = {name: float(arr[i, j, k]) for name, arr in inputs.items()}
                want = _scalar_cost(x)
                assert out["usd_per_pflop_hour"][i, j, k] == pytest.approx(want, rel=1e-12)
    assert np.isfinite(out["usd_per_pflop_hour"]).all()


def test_published_scenario_schema(tmp_path: Path) -> None:
    """docs/compute-scenario.schema.json is current, accepts the documented example and
    rejects a misspelt section or assumption."""
    import json

    import jsonschema
    import yaml

    from chipwar.scenarios.loader import scenario_json_schema

    schema = scenario_json_schema()
    published = Path(__file__).parents[1] / "docs" / "compute-scenario.schema.json"
    assert json.loads(published.read_text()) == schema
    example = yaml.safe_load(
        "name: x\nassumptions:\n  cost_of_capital: 0.04\n"
        "  utilization.huawei: {low: 0.3, base: 0.4, high: 0.5}\n"
        "accelerators:\n  - id: huawei-ascend-910c\n    system_capex_usd: "
        "{low: 30000, base: 35000, high: 40000, source: [q]}\n"
    )
    jsonschema.validate(example, schema)
    (tmp_path / "ok.yaml").write_text(yaml.safe_dump(example))
    assert read_scenario(tmp_path / "ok.yaml").accelerators["huawei-ascend-910c"]
    for bad in ({"acelerators": []}, {"assumptions": {"cost_of_capitl": 0.1}}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema)


def test_example_scenario_loads_and_lowers_ascend_cost() -> None:
    path = Path(__file__).parents[1] / "scenarios" / "compute-china-policy-capital.yaml"
    sc = read_scenario(path)
    chip, site = "huawei-ascend-910c", "cn-inner-mongolia"
    with_sc = tco_frame([chip], [site], assumptions=sc.assumptions)["usd_per_pflop_hour"]
    default = tco_frame([chip], [site])["usd_per_pflop_hour"]
    assert with_sc.iloc[0] < default.iloc[0]


def test_evaluate_into_reused_buffers_matches_and_checks_them(catalog) -> None:  # type: ignore[no-untyped-def]
    from chipwar.compute.montecarlo import sample_values
    from chipwar.compute.tco import COMPUTED, evaluate, prepare

    chips, sites = catalog
    batch = prepare(list(chips.values()), list(sites.values()), date=DAY)
    values = sample_values(batch, 200, seed=5)
    fresh = evaluate(batch, values)
    shape = (*batch.shape, 200)
    buffers = {k: np.full(shape, np.nan) for k in COMPUTED}
    again = evaluate(batch, values, out=buffers)
    for name in COMPUTED:
        assert again[name] is buffers[name]
        assert np.array_equal(fresh[name], buffers[name]), name
    with pytest.raises(InputError, match="usd_per_pflop_hour"):
        evaluate(batch, values, out={**buffers, "usd_per_pflop_hour": np.empty(3)})


def test_point_valued_inputs_still_give_one_column_per_sample(catalog) -> None:  # type: ignore[no-untyped-def]
    """Every factor a point value (sample axis of length 1): outputs still have N samples."""
    from chipwar.compute.tco import base_values, evaluate, prepare

    chips, sites = catalog
    batch = prepare(list(chips.values()), list(sites.values()), date=DAY)
    out = evaluate(batch, base_values(batch), samples=7)
    cost = out["usd_per_pflop_hour"]
    assert cost.shape == (*batch.shape, 7)
    assert np.array_equal(cost, np.repeat(cost[..., :1], 7, axis=-1))
