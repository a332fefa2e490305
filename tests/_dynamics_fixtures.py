"""Synthetic inputs for the dynamics model tests (no catalog, no other engines)."""

from __future__ import annotations

import numpy as np

from chipwar.dynamics.model import ChipInputs, Levers, Params

YEARS = np.arange(2020, 2031)


def chips(ban_from: int | None = 2023) -> ChipInputs:
    """Two foreign chips (one NVIDIA) and one domestic; foreign banned from ``ban_from``."""
    n_t = len(YEARS)
    avail = np.ones((n_t, 3))
    if ban_from is not None:
        avail[ban_from <= YEARS, 0] = 0.0
        avail[ban_from + 2 <= YEARS, 1] = 0.0
    return ChipInputs(
        ids=("foreign-a", "foreign-b", "domestic-c"),
        domestic=np.array([False, False, True]),
        nvidia=np.array([True, False, False]),
        capex_usd_per_hour=np.array([1.0, 0.9, 1.1]),
        other_usd_per_hour=np.array([0.2, 0.2, 0.2]),
        power_usd_per_hour=np.array([0.1, 0.1, 0.15]),
        usable_pflops=np.array([0.4, 0.3, 0.25]),
        kwh_per_accelerator_hour=np.array([1.0, 0.9, 1.2]),
        price_usd=np.array([20000.0, 15000.0, 16000.0]),
        available=avail,
        released=np.ones((n_t, 3)),
    )


def params(n: int = 1, **over: float) -> Params:
    base = {
        "beta": 1.5, "alpha_domestic": -1.0, "ecosystem_learning": 0.2, "learning_rate": 0.2,
        "energy_learning_rate": 0.1, "initial_experience_units": 1e5, "made_in_cn_share": 0.8,
        "lifetime_years": 5.0, "leakage": 0.0,
    }  # fmt: skip
    base.update(over)
    vals = {k: np.full(n, float(v)) for k, v in base.items()}
    growth = 1.3 ** (YEARS - 2020)
    return Params(
        **vals,
        demand_units=np.tile(1e6 * growth, (n, 1)),
        capacity_units=np.tile(3e5 * 1.5 ** (YEARS - 2020), (n, 1)),
        ic_market_usd_bn=np.tile(150.0 * 1.05 ** (YEARS - 2020), (n, 1)),
        other_self_sufficiency=np.tile(0.16 + 0.005 * (YEARS - 2021), (n, 1)),
    )


def levers(power: float = 0.0, capex: float = 0.0, coverage: float = 0.0, mandate: float = 0.0,
           start: int = 2024) -> Levers:  # fmt: skip
    on = start <= YEARS
    return Levers(
        power_subsidy=np.where(on, power, 0.0),
        capex_subsidy=np.where(on, capex, 0.0),
        coverage=np.where(on, coverage, 0.0),
        mandate=np.where(on, mandate, 0.0),
    )
