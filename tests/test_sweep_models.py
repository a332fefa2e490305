"""Each engine as a model function (issue 19): at base inputs every model reproduces its engine's
own entry point, and a swept input moves the output the way the engine says."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from chipwar.compute.options import TcoOptions
from chipwar.errors import DataError
from chipwar.experiments.models import build_model

CHIPS = ["huawei-ascend-910c", "nvidia-h20"]
SETTINGS = {"chips": CHIPS, "site": "cn-inner-mongolia", "date": "2025-06-01"}


def test_workload_model_matches_infer_frame() -> None:
    from chipwar.compute.workload import infer_frame

    model = build_model("workload", {**SETTINGS, "model": "llama-3.1-70b"}, None)
    got = model.evaluate({})  # no input: every value at base, one row
    ref = infer_frame(
        "llama-3.1-70b", CHIPS, "cn-inner-mongolia", tco=TcoOptions(date=dt.date(2025, 6, 1))
    ).set_index("chip")
    for chip in CHIPS:
        np.testing.assert_allclose(
            got[f"decode_tokens_per_s_per_chip[{chip}]"][0],
            ref.loc[chip, "decode_tokens_per_s_per_chip"],
            rtol=1e-12,
        )
        np.testing.assert_allclose(
            got[f"usd_per_million_tokens[{chip}]"][0], ref.loc[chip, "usd_per_mtok"], rtol=1e-9
        )
    # memory-bound decode at batch 1: more bandwidth efficiency, proportionally more tokens
    twice = model.evaluate({"bandwidth_efficiency": np.array([0.3, 0.6])})
    rate = twice["decode_tokens_per_s_per_chip[nvidia-h20]"]
    assert rate[1] == pytest.approx(2 * rate[0])


def test_supply_model_matches_the_engine_run() -> None:
    from chipwar.supply.results import build, run
    from chipwar.supply.scenario import read_scenario

    model = build_model("supply", {}, "nexperia-2025")
    res, _ = run(build(read_scenario("nexperia-2025")), samples=1)
    got = model.evaluate({})
    assert got["lost_units"][0] == pytest.approx(float(res.plant_lost.sum()), rel=1e-12)
    # a longer, total export ban never loses less output
    days, frac = "shocks[china-export-ban].duration_days", "shocks[china-export-ban].fraction"
    longer = model.evaluate({days: np.array([28.0, 90.0]), frac: np.array([1.0, 1.0])})
    assert longer["lost_units"][1] >= longer["lost_units"][0]
    assert longer["lost_units"][0] == pytest.approx(got["lost_units"][0], rel=1e-9)


def test_dynamics_model_matches_simulate_scenario() -> None:
    from chipwar.dynamics.api import prepare, simulate_scenario

    model = build_model("dynamics", {}, "baseline")
    prep = prepare("baseline")
    ref = simulate_scenario(prep, samples=1)
    got = model.evaluate({"controls": np.array(["actual"], dtype=object)})
    years = [int(y) for y in prep.years]
    t = years.index(2027)
    assert got["self_sufficiency[2027]"][0] == pytest.approx(ref.self_sufficiency[0, t], rel=1e-12)
    assert got["domestic_share[2027]"][0] == pytest.approx(ref.domestic_share[0, t], rel=1e-12)
    with pytest.raises(DataError, match="controls 'sometimes' is not allowed"):
        model.evaluate({"controls": np.array(["sometimes"], dtype=object)})


def test_compute_model_names_bad_settings() -> None:
    with pytest.raises(DataError, match=r"settings\.chips"):
        build_model("compute", {"site": "cn-inner-mongolia"}, None)
    with pytest.raises(DataError, match=r"settings\.subsidy_chips"):
        build_model("compute", {**SETTINGS, "subsidy_chips": ["nvidia-h100-sxm"]}, None)
