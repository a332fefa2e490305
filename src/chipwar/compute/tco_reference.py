"""The TCO equations written plainly, one scenario at a time: the readable reference that the
vectorised kernel (:func:`chipwar.compute.tco.tco_arrays`) must equal.

``tests/test_tco_reference.py`` checks, with hypothesis, that both give the same numbers
(relative tolerance 1e-12) over random inputs; ``benchmarks/bench_compute.py`` times the kernel
against this function. Nothing else calls it: the engine is the kernel.
"""

from __future__ import annotations

import math

from chipwar.catalog.constants import HOURS_PER_YEAR


def capital_recovery_factor(rate: float, life_years: float) -> float:
    """Capital-recovery factor: the yearly payment that repays 1 USD over ``life_years``.

    CRF = r (1+r)^n / ((1+r)^n − 1);  CRF(0, n) = 1/n

    Parameters
    ----------
    rate : float
        Cost of capital r [1/yr], ≥ 0.
    life_years : float
        Economic life n [yr], > 0.

    Returns
    -------
    float
        CRF [1/yr].

    References
    ----------
    The annuity of PyPSA (``pypsa/costs.py``, ``annuity``); cost of capital
    ``assumption-tco-cost-of-capital``.

    Examples
    --------
    >>> round(capital_recovery_factor(0.09, 5), 4)
    0.2571
    >>> capital_recovery_factor(0.0, 4)
    0.25
    """
    if rate == 0.0:
        return 1.0 / life_years
    # (1+r)^n − 1 as expm1(n·log(1+r)): the subtraction loses digits when r·n is small
    growth_minus_one = math.expm1(life_years * math.log1p(rate))
    return rate * (1.0 + growth_minus_one) / growth_minus_one


def tco_reference(
    *,
    system_capex_usd: float,
    facility_capex_usd_per_kw: float,
    it_power_kw: float,
    average_load: float,
    pue: float,
    price_usd_per_kwh: float,
    subsidy: float,
    cost_of_capital: float,
    life_years: float,
    facility_life_years: float,
    other_opex_fraction: float,
    dense_tflops: float,
    utilization: float,
    gco2_per_kwh: float,
) -> dict[str, float]:
    """Cost, energy and carbon per accelerator-hour and per usable PFLOP-hour of one accelerator
    at one site.

    With H = ``HOURS_PER_YEAR`` = 8760 h/yr and CRF as in :func:`capital_recovery_factor`::

        facility_usd          = facility_capex_usd_per_kw · it_power_kw
        capex_usd_per_hour    = (system_capex_usd · CRF(r, L) + facility_usd · CRF(r, L_f)) / H
        facility_power_kw     = it_power_kw · pue
        kwh_per_acc_hour      = facility_power_kw · average_load
        power_usd_per_hour    = kwh_per_acc_hour · price_usd_per_kwh · (1 − subsidy)
        other_usd_per_hour    = other_opex_fraction · (system_capex_usd + facility_usd) / H
        usd_per_acc_hour      = capex + power + other
        usable_pflops         = dense_tflops / 1000 · utilization
        usd_per_pflop_hour    = usd_per_acc_hour / usable_pflops
        kgco2_per_pflop_hour  = kwh_per_acc_hour · gco2_per_kwh / 1000 / usable_pflops

    Parameters
    ----------
    system_capex_usd : float
        Capital cost of one accelerator with its share of server and network [USD].
    facility_capex_usd_per_kw : float
        Data-centre construction cost per kW of IT load [USD/kW].
    it_power_kw : float
        IT power of one accelerator with its host share [kW].
    average_load : float
        Average draw as a fraction of rated IT power [dimensionless].
    pue : float
        Power usage effectiveness: facility power / IT power [dimensionless], ≥ 1.
    price_usd_per_kwh : float
        Electricity price [USD/kWh].
    subsidy : float
        Fraction of the power bill waived [dimensionless], in [0, 1].
    cost_of_capital : float
        r [1/yr].
    life_years, facility_life_years : float
        Economic lives L of the IT equipment and L_f of the building [yr].
    other_opex_fraction : float
        Maintenance, staff and insurance per year as a fraction of capex [1/yr].
    dense_tflops : float
        Dense peak throughput at the chosen precision [TFLOPS].
    utilization : float
        Achieved fraction of dense peak [dimensionless], in (0, 1].
    gco2_per_kwh : float
        Grid carbon intensity [gCO2/kWh].

    Returns
    -------
    dict of str to float
        The columns of :data:`chipwar.compute.tco.OUTPUT_COLUMNS`: ``usd_per_accelerator_hour``,
        ``capex_usd_per_hour``, ``power_usd_per_hour``, ``other_usd_per_hour`` [USD/h],
        ``electricity_share`` [fraction], ``it_power_kw``, ``facility_power_kw`` [kW],
        ``kwh_per_accelerator_hour`` [kWh/h], ``price_usd_per_kwh``, ``subsidy``,
        ``usable_pflops`` [PFLOPS], ``usd_per_pflop_hour`` [USD/PFLOP-h],
        ``kwh_per_pflop_hour`` [kWh/PFLOP-h], ``kgco2_per_pflop_hour`` [kgCO2/PFLOP-h].

    References
    ----------
    Default inputs and their sources: ``data/tco_assumptions.yaml`` (ids in
    ``data/sources/tco.yaml``, e.g. ``assumption-tco-cost-of-capital``,
    ``cbre-2025-dc-construction-cost``, ``aidcguide-depreciation-life``).
    """
    facility_usd = facility_capex_usd_per_kw * it_power_kw
    capex_h = (
        system_capex_usd * capital_recovery_factor(cost_of_capital, life_years)
        + facility_usd * capital_recovery_factor(cost_of_capital, facility_life_years)
    ) / HOURS_PER_YEAR
    facility_kw = it_power_kw * pue
    kwh = facility_kw * average_load
    power_h = kwh * price_usd_per_kwh * (1.0 - subsidy)
    other_h = other_opex_fraction * (system_capex_usd + facility_usd) / HOURS_PER_YEAR
    total = capex_h + power_h + other_h
    usable = dense_tflops / 1000.0 * utilization
    return {
        "usd_per_accelerator_hour": total,
        "capex_usd_per_hour": capex_h,
        "power_usd_per_hour": power_h,
        "other_usd_per_hour": other_h,
        "electricity_share": power_h / total if total else math.nan,
        "it_power_kw": it_power_kw,
        "facility_power_kw": facility_kw,
        "kwh_per_accelerator_hour": kwh,
        "price_usd_per_kwh": price_usd_per_kwh,
        "subsidy": subsidy,
        "usable_pflops": usable,
        "usd_per_pflop_hour": total / usable,
        "kwh_per_pflop_hour": kwh / usable,
        "kgco2_per_pflop_hour": kwh * gco2_per_kwh / 1000.0 / usable,
    }
