"""The dynamics model core: equations by hand, invariants, properties, calibration recovery."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chipwar.dynamics.calibration import Observation, draw_fitted, fit_shares
from chipwar.dynamics.model import (
    Levers,
    logit_shares,
    simulate,
    simulate_loop,
    wright_exponent,
)

sys.path.insert(0, str(Path(__file__).parent))
import _dynamics_fixtures as F


def test_wright_exponent_hand_worked() -> None:
    # LR 20 % -> b = -log2(0.8) = 0.321928; LR 30 % -> 0.514573 (irwin-klenow-1994, intel-gsb)
    assert wright_exponent(0.2) == pytest.approx(0.321928, abs=1e-6)
    assert wright_exponent(0.3) == pytest.approx(0.514573, abs=1e-6)
    # one doubling multiplies cost by (1 - LR)
    assert 2.0 ** -wright_exponent(0.2) == pytest.approx(0.8)


def test_logit_shares_hand_worked() -> None:
    # costs 2 and 4 USD/PFLOP-h, beta 1, alpha 0: weights 1/2 and 1/4 -> shares 2/3 and 1/3
    shares = logit_shares(
        np.log(np.array([[2.0, 4.0]])), np.array([False, True]), np.ones(2),
        np.array([1.0]), np.array([0.0]),
    )  # fmt: skip
    assert shares[0] == pytest.approx([2 / 3, 1 / 3])
    # domestic preference alpha = ln 2 doubles the domestic weight -> 1/2, 1/2
    shares = logit_shares(
        np.log(np.array([[2.0, 4.0]])), np.array([False, True]), np.ones(2),
        np.array([1.0]), np.array([np.log(2.0)]),
    )  # fmt: skip
    assert shares[0] == pytest.approx([0.5, 0.5])
    # half-year availability halves the weight; nothing available -> zeros, not NaN
    shares = logit_shares(
        np.log(np.array([[2.0, 2.0]])), np.array([False, True]), np.array([0.5, 1.0]),
        np.array([1.0]), np.array([0.0]),
    )  # fmt: skip
    assert shares[0] == pytest.approx([1 / 3, 2 / 3])
    none = logit_shares(
        np.log(np.array([[2.0, 2.0]])), np.array([False, True]), np.zeros(2),
        np.array([1.0]), np.array([0.0]),
    )  # fmt: skip
    assert (none == 0).all()


def test_learning_one_doubling_cuts_domestic_cost_by_learning_rate() -> None:
    chips = F.chips(ban_from=None)
    params = F.params(initial_experience_units=1e6, energy_learning_rate=0.2, learning_rate=0.2)
    # demand exactly 1e6 domestic units in year 0 doubles experience: force it with a mandate
    params = replace(params, demand_units=np.full((1, len(F.YEARS)), 1e6),
                     capacity_units=np.full((1, len(F.YEARS)), 1e9))  # fmt: skip
    levers = Levers(*(np.zeros(len(F.YEARS)) for _ in range(3)), mandate=np.ones(len(F.YEARS)))
    out = simulate(chips, params, levers)
    c0, c1 = out.usd_per_pflop_hour_domestic[0, :2]
    assert c0 == pytest.approx((1.1 + 0.2 + 0.15) / 0.25)
    assert c1 == pytest.approx(c0 * 0.8)
    assert out.domestic_share[0] == pytest.approx(1.0)


def test_units_balance_capacity_and_shares() -> None:
    out = simulate(F.chips(), F.params(n=3), F.levers(power=0.5, coverage=0.5))
    params = F.params(n=3)
    bought = out.units.sum(axis=2)
    assert np.allclose(bought + out.unmet_units, params.demand_units)
    dom_units = out.units[:, :, 2]
    assert (dom_units <= params.capacity_units + 1e-6).all()
    total = out.domestic_share + out.nvidia_share + out.other_foreign_share
    assert np.allclose(total[bought > 0], 1.0)
    assert (out.units >= 0).all() and (out.energy_twh >= 0).all()
    assert ((out.self_sufficiency >= 0) & (out.self_sufficiency <= 1)).all()


def test_unmet_demand_when_nothing_foreign_and_capacity_short() -> None:
    out = simulate(F.chips(ban_from=2021), F.params(), F.levers())
    later = F.YEARS >= 2023
    assert out.domestic_share[0, later] == pytest.approx(1.0)
    assert (out.unmet_units[0, later] > 0).any()


def test_mandated_excess_is_unmet_not_foreign() -> None:
    # foreign chips on sale, capacity short: a fully mandated market buys no foreign chip
    params = F.params()
    out = simulate(F.chips(ban_from=None), params, F.levers(mandate=1.0, start=2020))
    assert out.units[0, :, :2].sum() == pytest.approx(0.0, abs=1e-6)
    cap, demand = params.capacity_units[0], params.demand_units[0]
    assert out.units[0, :, 2] == pytest.approx(np.minimum(cap, demand))
    assert out.unmet_units[0] == pytest.approx(np.maximum(demand - cap, 0.0))
    # half mandated: the free half's excess goes to foreign chips, the mandated half's is unmet
    half = simulate(F.chips(ban_from=None), params, F.levers(mandate=0.5, start=2020))
    assert (half.unmet_units[0] > 0).any() and (half.units[0, :, :2].sum(axis=1) > 0).all()


def test_vectorised_equals_per_sample_loop() -> None:
    rng = np.random.default_rng(3)
    params = F.params(n=7)
    params = replace(params, beta=rng.uniform(0.5, 3, 7), learning_rate=rng.uniform(0.1, 0.3, 7),
                     leakage=rng.uniform(0, 0.3, 7))  # fmt: skip
    a = simulate(F.chips(), params, F.levers(power=0.3, coverage=0.4, mandate=0.1))
    b = simulate_loop(F.chips(), params, F.levers(power=0.3, coverage=0.4, mandate=0.1))
    for name in ("domestic_share", "self_sufficiency", "energy_twh", "units"):
        assert np.allclose(getattr(a, name), getattr(b, name), equal_nan=True)


@settings(max_examples=40, deadline=None)
@given(
    low=st.floats(0, 0.9), extra=st.floats(0, 0.5), coverage=st.floats(0, 1),
    capex=st.floats(0, 0.5), beta=st.floats(0.1, 4), alpha=st.floats(-4, 4),
    lr=st.floats(0, 0.4), cap_scale=st.floats(0.1, 10), mandate=st.floats(0, 0.5),
)  # fmt: skip
def test_larger_subsidy_never_lowers_domestic_share(
    low: float, extra: float, coverage: float, capex: float, beta: float, alpha: float,
    lr: float, cap_scale: float, mandate: float,
) -> None:  # fmt: skip
    params = F.params(beta=beta, alpha_domestic=alpha, learning_rate=lr)
    params = replace(params, capacity_units=params.capacity_units * cap_scale)
    chips = F.chips()
    small = simulate(chips, params, F.levers(power=low, capex=capex, coverage=coverage,
                                             mandate=mandate))  # fmt: skip
    large = simulate(chips, params, F.levers(power=min(low + extra, 1.0), capex=capex,
                                             coverage=coverage, mandate=mandate))  # fmt: skip
    assert (large.domestic_share >= small.domestic_share - 1e-9).all()


@settings(max_examples=40, deadline=None)
@given(
    ban_from=st.integers(2020, 2030), beta=st.floats(0.1, 4), alpha=st.floats(-4, 4),
    lr=st.floats(0, 0.4), cap_scale=st.floats(0.1, 10), leak=st.floats(0, 0.5),
    power=st.floats(0, 1), coverage=st.floats(0, 1),
)  # fmt: skip
def test_removing_controls_never_raises_domestic_share(
    ban_from: int, beta: float, alpha: float, lr: float, cap_scale: float, leak: float,
    power: float, coverage: float,
) -> None:  # fmt: skip
    params = F.params(beta=beta, alpha_domestic=alpha, learning_rate=lr, leakage=leak)
    params = replace(params, capacity_units=params.capacity_units * cap_scale)
    levers = F.levers(power=power, coverage=coverage)
    controlled = simulate(F.chips(ban_from=ban_from), params, levers)
    lifted = simulate(F.chips(ban_from=None), params, levers)
    assert (lifted.domestic_share <= controlled.domestic_share + 1e-9).all()


def _varying_subsidy_levers() -> Levers:
    capex = np.array([0, 0.3, 0, 0.5, 0.1, 0.4, 0, 0.2, 0.35, 0.05, 0.25])
    n = len(F.YEARS)
    return Levers(np.zeros(n), capex, np.ones(n), np.zeros(n))


def test_calibration_recovers_known_parameters_from_model_data() -> None:
    truth = {"alpha_domestic": -0.7, "beta": 2.0, "ecosystem_learning": 0.3}
    chips, levers = F.chips(ban_from=None), _varying_subsidy_levers()
    params = F.params(**truth)
    params = replace(params, capacity_units=params.capacity_units * 100)
    out = simulate(chips, params, levers)
    obs = [
        Observation("synthetic", int(y), float(out.domestic_share[0, t]), "units")
        for t, y in enumerate(F.YEARS)
    ]
    base = replace(F.params(), capacity_units=params.capacity_units)  # start away from truth
    prior = {
        "alpha_domestic": (0.0, 100.0),
        "beta": (1.0, 100.0),
        "ecosystem_learning": (0.1, 100.0),
    }
    fit = fit_shares(chips, base, levers, F.YEARS, obs, prior)
    assert fit.success
    for name, value in zip(fit.names, fit.values, strict=True):
        assert value == pytest.approx(truth[name], abs=0.02), name
    assert fit.rmse_pp < 0.1
    # eleven exact points with a varying subsidy: the data, not the (flat) prior, decide
    assert (fit.identifiability()["data_share"] > 0.99).all()
    # a single point cannot identify three parameters
    one = fit_shares(chips, base, levers, F.YEARS, obs[:1], prior)
    assert one.data_condition == float("inf")


@settings(max_examples=30, deadline=None)
@given(
    power=st.floats(0, 1), capex=st.floats(0, 0.6), extra_capex=st.floats(0, 0.3),
    coverage=st.floats(0, 0.9), extra_cov=st.floats(0, 0.1), beta=st.floats(0.1, 4),
    alpha=st.floats(-4, 4), cap_scale=st.floats(0.1, 10),
)  # fmt: skip
def test_more_capex_subsidy_or_coverage_never_lowers_domestic_share(
    power: float, capex: float, extra_capex: float, coverage: float, extra_cov: float,
    beta: float, alpha: float, cap_scale: float,
) -> None:  # fmt: skip
    params = F.params(beta=beta, alpha_domestic=alpha)
    params = replace(params, capacity_units=params.capacity_units * cap_scale)
    chips = F.chips()
    base = simulate(chips, params, F.levers(power=power, capex=capex, coverage=coverage))
    more_capex = simulate(chips, params, F.levers(power=power, capex=capex + extra_capex,
                                                  coverage=coverage))  # fmt: skip
    more_cov = simulate(chips, params, F.levers(power=power, capex=capex,
                                                coverage=coverage + extra_cov))  # fmt: skip
    assert (more_capex.domestic_share >= base.domestic_share - 1e-9).all()
    assert (more_cov.domestic_share >= base.domestic_share - 1e-9).all()


def test_fitted_draws_are_seeded_and_bounded() -> None:
    chips, levers = F.chips(ban_from=None), _varying_subsidy_levers()
    out = simulate(chips, F.params(), levers)
    obs = [Observation("s", int(y), float(out.domestic_share[0, t]), "units")
           for t, y in enumerate(F.YEARS)]  # fmt: skip
    prior = {"alpha_domestic": (-1.0, 1.0), "beta": (1.5, 1.0), "ecosystem_learning": (0.2, 0.2)}
    fit = fit_shares(chips, F.params(), levers, F.YEARS, obs, prior)
    a, b = draw_fitted(fit, 200, seed=5), draw_fitted(fit, 200, seed=5)
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert (a["beta"] >= 0).all() and (a["ecosystem_learning"] >= 0).all()
    assert draw_fitted(fit, 1, seed=5)["beta"][0] == pytest.approx(fit.values[1])


def test_piecewise_growth_path_by_hand() -> None:
    from chipwar.catalog.types import Range
    from chipwar.dynamics.scenario import GrowthStep, Path_, path_values

    def r(x: float) -> Range:
        return Range.exact(x, ["test"])

    path = Path_(
        base_year=2025,
        value=r(100.0),
        growth=[
            GrowthStep.model_validate({"from": 2016, "rate": r(0.1)}),
            GrowthStep.model_validate({"from": 2026, "rate": r(0.2)}),
        ],
    )
    values = path_values(path, np.arange(2023, 2028), None, 1)[0]
    assert values == pytest.approx([100 / 1.1**2, 100 / 1.1, 100, 120, 144])
