"""The adoption–learning–self-sufficiency loop as a pure, vectorised discrete-time model.

Yearly steps t = 0..T-1, S samples, J chips. Buyers of AI accelerators in China choose among the
chips AVAILABLE that year by a multinomial logit on the log of usable-compute cost:

    V[s,j,t] = -beta[s] ln c[s,j,t] + (alpha[s] + eta[s] log2(X_t / X_0)) domestic[j]
    share[s,j,t] = a[t,j] exp(V) / sum_k a[t,k] exp(V)        (a = fraction of the year available)

Demand is split into three segments: a mandated segment (share m[t], domestic chips only), a
subsidised segment (coverage k[t] of the rest, domestic chips get the subsidy) and the rest.
Domestic units are capped by capacity cap[s,t] (scaled down pro rata in every segment); the
mandated segment's excess is unmet (it may not buy foreign chips), the rest goes to available
foreign chips in proportion to their logit weights (or is unmet if none is available). A chip
that is released but barred keeps an availability ``leakage`` (stockpiles, grey market, offshore
rental).
The term eta log2(X/X0) is the seed's "the more it is used, the stronger it gets" loop on
software and ecosystem; the cost terms below are the same loop on cost.

Wright's law on domestic chips (the feedback loop), with experience X = cumulative domestic units:

    c_dom[s,j,t] = ((capex + other) (X_t/X_0)^-b + power (1 - subsidy) (X_t/X_0)^-b_e)
                   / usable_pflops,    b = -log2(1 - learning_rate)   [irwin-klenow-1994]

Self-sufficiency (IC Insights basis: China-made ICs / China IC market, both USD):

    ss[s,t] = (s_other[s,t] * (M[s,t] - M_ai[s,t]) + made_in_cn[s] * V_dom[s,t]) / M[s,t]

where M_ai is the value of AI accelerators bought (units x price), V_dom the domestic part of it and
s_other the non-AI self-sufficiency trend fitted to the IC Insights series (calibration.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from chipwar import cancel
from chipwar.catalog.constants import HOURS_PER_YEAR

Array = NDArray[np.float64]


@dataclass(frozen=True)
class ChipInputs:
    """Per-chip cost and energy inputs (from the compute engine) and availability by year.

    Costs are per accelerator-hour [USD/h] at the blended site mix, before any scenario subsidy.
    """

    ids: tuple[str, ...]
    domestic: NDArray[np.bool_]  # (J,)
    nvidia: NDArray[np.bool_]  # (J,)
    capex_usd_per_hour: Array  # (J,)
    other_usd_per_hour: Array  # (J,)
    power_usd_per_hour: Array  # (J,)
    usable_pflops: Array  # (J,)
    kwh_per_accelerator_hour: Array  # (J,)
    price_usd: Array  # (J,)
    available: Array  # (T, J) fraction of the year the chip can be bought in China, 0..1
    released: Array  # (T, J) fraction of the year the chip exists anywhere, 0..1

    @property
    def n_chips(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class Levers:
    """Policy levers by year (T,): domestic-chip subsidies, coverage and procurement mandate."""

    power_subsidy: Array  # fraction of the power bill waived for subsidised domestic buyers
    capex_subsidy: Array  # fraction of capex (chip + system) paid by the state
    coverage: Array  # share of non-mandated demand that is eligible for the subsidy
    mandate: Array  # share of demand that must buy domestic chips


@dataclass(frozen=True)
class Params:
    """Parameters, one value per sample (S,) or per sample and year (S, T)."""

    beta: Array  # (S,) cost sensitivity of the logit [-]
    alpha_domestic: Array  # (S,) domestic preference (policy, ecosystem) [utils]
    ecosystem_learning: Array  # (S,) gain in domestic preference per doubling of experience
    learning_rate: Array  # (S,) cost decline per doubling of cumulative domestic units
    energy_learning_rate: Array  # (S,) energy-per-compute decline per doubling
    initial_experience_units: Array  # (S,) cumulative domestic units before year 0
    demand_units: Array  # (S, T) accelerators bought per year
    capacity_units: Array  # (S, T) domestic accelerators that can be made per year
    ic_market_usd_bn: Array  # (S, T) China IC market
    other_self_sufficiency: Array  # (S, T) non-AI self-sufficiency trend, 0..1
    made_in_cn_share: Array  # (S,) share of domestic AI-chip value fabricated in China
    lifetime_years: Array  # (S,) installed-base lifetime
    leakage: Array  # (S,) availability of released-but-barred foreign chips (grey market), 0..1

    @property
    def n_samples(self) -> int:
        return int(self.beta.shape[0])


@dataclass
class Outputs:
    """Results (S, T) unless stated."""

    units: Array  # (S, T, J)
    domestic_share: Array
    nvidia_share: Array
    other_foreign_share: Array
    unmet_units: Array
    usd_per_pflop_hour_domestic: Array
    usd_per_pflop_hour_foreign: Array
    usd_per_pflop_hour_frontier: Array
    energy_twh: Array
    nvidia_revenue_usd_bn: Array
    ai_market_usd_bn: Array
    self_sufficiency: Array
    experience_units: Array
    usd_per_pflop_hour_domestic_subsidised: Array
    domestic_value_share: Array
    extra: dict[str, Array] = field(default_factory=dict)


def wright_exponent(learning_rate: Array | float) -> Array:
    """b = -log2(1 - LR): cost multiplies by (1 - LR) per doubling of cumulative volume."""
    lr = np.asarray(learning_rate, dtype=float)
    return np.asarray(-np.log2(1.0 - lr), dtype=float)


def logit_shares(log_cost: Array, domestic: NDArray[np.bool_], avail: Array, beta: Array,
                 alpha: Array) -> Array:  # fmt: skip
    """share = a exp(-beta ln c + alpha dom) / sum(...); rows with nothing available -> zeros.

    log_cost (S, J); avail (J,) or (S, J); beta, alpha (S,). Returns (S, J).
    """
    utility = -beta[:, None] * log_cost + alpha[:, None] * domestic[None, :]
    utility = np.where(avail > 0, utility, -np.inf)
    top = np.max(utility, axis=1, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    weight = np.where(avail > 0, avail * np.exp(utility - top), 0.0)
    total = weight.sum(axis=1, keepdims=True)
    return np.divide(weight, total, out=np.zeros_like(weight), where=total > 0)


def simulate(
    chips: ChipInputs,
    params: Params,
    levers: Levers,
    on_year: Callable[[int, int], None] | None = None,
) -> Outputs:
    """Run the loop for every sample at once (see the module docstring for the equations).
    ``on_year(years_done, years)`` is told after each simulated year (each year is one
    vectorised step over all samples: about 0.5 s at 200,000 samples). Each year starts with
    :func:`chipwar.cancel.check`, so a caller that gave up stops the run within a year."""
    n_s, n_t, n_j = params.n_samples, chips.available.shape[0], chips.n_chips
    dom = chips.domestic
    foreign = ~dom
    b_cost = wright_exponent(params.learning_rate)
    b_energy = wright_exponent(params.energy_learning_rate)
    x0 = params.initial_experience_units
    experience = x0.copy()
    units = np.zeros((n_s, n_t, n_j))
    out = {
        k: np.zeros((n_s, n_t))
        for k in (
            "domestic_share", "nvidia_share", "other_foreign_share", "unmet", "c_dom", "c_dom_sub",
            "c_for", "c_front", "energy", "nv_rev", "ai_mkt", "ss", "exp", "dom_value_share",
        )
    }  # fmt: skip
    energy_stock_kwh = np.zeros(n_s)
    base_fixed = chips.capex_usd_per_hour + chips.other_usd_per_hour
    for t in range(n_t):
        cancel.check()
        progress = experience / x0
        alpha = params.alpha_domestic + params.ecosystem_learning * np.log2(progress)
        f_cost = progress[:, None] ** -b_cost[:, None]  # (S,1)
        f_energy = progress[:, None] ** -b_energy[:, None]
        learn_cost = np.where(dom[None, :], f_cost, 1.0)  # (S,J)
        learn_energy = np.where(dom[None, :], f_energy, 1.0)
        power = chips.power_usd_per_hour[None, :] * learn_energy
        fixed = base_fixed[None, :] * learn_cost
        capex = chips.capex_usd_per_hour[None, :] * learn_cost
        cost_plain = (fixed + power) / chips.usable_pflops[None, :]
        sub = dom[None, :] * (capex * levers.capex_subsidy[t] + power * levers.power_subsidy[t])
        cost_sub = (fixed + power - sub) / chips.usable_pflops[None, :]
        cost_sub = np.maximum(cost_sub, 1e-12)
        avail = np.maximum(
            chips.available[t][None, :],
            params.leakage[:, None] * (chips.released[t] * foreign)[None, :],
        )
        s_plain = logit_shares(np.log(cost_plain), dom, avail, params.beta, alpha)
        s_sub = logit_shares(np.log(cost_sub), dom, avail, params.beta, alpha)
        s_mand = logit_shares(np.log(cost_sub), dom, avail * dom, params.beta, alpha)
        demand = params.demand_units[:, t]
        m, k = levers.mandate[t], levers.coverage[t]
        seg_plain, seg_sub, seg_mand = demand * (1 - m) * (1 - k), demand * (1 - m) * k, demand * m
        want = seg_plain[:, None] * s_plain + seg_sub[:, None] * s_sub + seg_mand[:, None] * s_mand
        unmet = seg_mand * (s_mand.sum(axis=1) == 0) + (seg_plain + seg_sub) * (
            s_plain.sum(axis=1) == 0
        )
        want_dom = (want * dom).sum(axis=1)
        cap = params.capacity_units[:, t]
        scale = np.where(want_dom > cap, cap / np.maximum(want_dom, 1e-300), 1.0)
        excess = want_dom - want_dom * scale
        # the mandated segment may not buy foreign chips: its share of the excess is unmet
        excess_mand = seg_mand * (s_mand * dom).sum(axis=1) * (1 - scale)
        excess_free = np.maximum(excess - excess_mand, 0.0)  # >= 0 up to rounding
        got = np.where(dom[None, :], want * scale[:, None], want)
        # the rest spills over to available foreign chips (unsubsidised logit)
        w_for = logit_shares(np.log(cost_plain), dom, avail * foreign, params.beta, alpha)
        has_for = w_for.sum(axis=1) > 0
        got = got + np.where(has_for[:, None], excess_free[:, None] * w_for, 0.0)
        unmet = unmet + excess_mand + np.where(has_for, 0.0, excess_free)
        units[:, t, :] = got
        bought = got.sum(axis=1)
        safe = np.maximum(bought, 1e-300)
        dom_units = (got * dom).sum(axis=1)
        out["domestic_share"][:, t] = np.where(bought > 0, dom_units / safe, 0.0)
        nv = (got * chips.nvidia).sum(axis=1)
        out["nvidia_share"][:, t] = np.where(bought > 0, nv / safe, 0.0)
        out["other_foreign_share"][:, t] = np.where(
            bought > 0, (got * (foreign & ~chips.nvidia)).sum(axis=1) / safe, 0.0
        )
        out["unmet"][:, t] = unmet
        # costs per PFLOP-hour, weighted by the compute bought (domestic: before and after subsidy)
        flops = got * chips.usable_pflops[None, :]
        out["c_dom"][:, t] = _weighted(cost_plain, flops * dom, cost_plain, dom)
        out["c_dom_sub"][:, t] = _weighted(cost_sub, flops * dom, cost_sub, dom)
        out["c_for"][:, t] = _weighted(
            cost_plain, flops * foreign, cost_plain, foreign & (avail > 0)
        )
        released = chips.released[t] > 0
        frontier = np.where((foreign & released)[None, :], cost_plain, np.inf).min(axis=1)
        out["c_front"][:, t] = np.where(np.isfinite(frontier), frontier, np.nan)
        kwh_h = chips.kwh_per_accelerator_hour[None, :] * learn_energy
        energy_stock_kwh = (
            energy_stock_kwh * (1 - 1 / params.lifetime_years)
            + (got * kwh_h).sum(axis=1) * HOURS_PER_YEAR
        )
        out["energy"][:, t] = energy_stock_kwh / 1e9
        value = got * chips.price_usd[None, :] * np.where(dom[None, :], learn_cost, 1.0) / 1e9
        out["nv_rev"][:, t] = (value * chips.nvidia).sum(axis=1)
        ai_market = value.sum(axis=1)
        market = params.ic_market_usd_bn[:, t]
        ai_in = np.minimum(ai_market, market)
        dom_value = (value * dom).sum(axis=1)
        out["ai_mkt"][:, t] = ai_market
        out["dom_value_share"][:, t] = np.divide(
            dom_value, ai_market, out=np.zeros_like(ai_market), where=ai_market > 0
        )
        out["ss"][:, t] = (
            params.other_self_sufficiency[:, t] * (market - ai_in)
            + params.made_in_cn_share * np.minimum(dom_value, ai_in)
        ) / market
        experience = experience + dom_units
        out["exp"][:, t] = experience
        if on_year is not None:
            on_year(t + 1, n_t)
    return Outputs(
        units=units,
        domestic_share=out["domestic_share"],
        nvidia_share=out["nvidia_share"],
        other_foreign_share=out["other_foreign_share"],
        unmet_units=out["unmet"],
        usd_per_pflop_hour_domestic=out["c_dom"],
        usd_per_pflop_hour_foreign=out["c_for"],
        usd_per_pflop_hour_frontier=out["c_front"],
        energy_twh=out["energy"],
        nvidia_revenue_usd_bn=out["nv_rev"],
        ai_market_usd_bn=out["ai_mkt"],
        self_sufficiency=out["ss"],
        experience_units=out["exp"],
        usd_per_pflop_hour_domestic_subsidised=out["c_dom_sub"],
        domestic_value_share=out["dom_value_share"],
    )


def _weighted(
    cost: Array, weight: Array, fallback_cost: Array, fallback_mask: NDArray[np.bool_]
) -> Array:
    """Unit-weighted mean cost; with no units, the cheapest chip in fallback_mask (else NaN)."""
    total = weight.sum(axis=1)
    mean = np.divide((cost * weight).sum(axis=1), total, out=np.zeros_like(total), where=total > 0)
    mask = np.broadcast_to(fallback_mask, fallback_cost.shape)
    cheapest = np.where(mask, fallback_cost, np.inf).min(axis=1)
    cheapest = np.where(np.isfinite(cheapest), cheapest, np.nan)
    return np.where(total > 0, mean, cheapest)


def simulate_loop(chips: ChipInputs, params: Params, levers: Levers) -> Outputs:
    """Reference implementation: one sample at a time (for the benchmark and tests)."""
    parts = [simulate(chips, _take(params, s), levers) for s in range(params.n_samples)]
    merged: dict[str, Any] = {}
    for name in Outputs.__dataclass_fields__:
        if name == "extra":
            continue
        merged[name] = np.concatenate([getattr(p, name) for p in parts], axis=0)
    return Outputs(**merged)


def _take(params: Params, s: int) -> Params:
    values = {k: getattr(params, k)[s : s + 1] for k in Params.__dataclass_fields__}
    return Params(**values)
