"""Uncertainty in the TCO: Monte Carlo over every low/base/high input, and a tornado.

Each uncertain input is drawn from the distribution it states (:mod:`chipwar.catalog.sampling`,
the sampler every engine uses). The catalog's and compute's ``{low, base, high}`` values are
**beta-PERT** on [low, high] with mode ``base`` (λ = 4) unless they say otherwise:
``x = low + (high − low) · Beta(1 + 4 (base − low)/(high − low), 1 + 4 (high − base)/(high −
low))``. PERT keeps the draw inside the sourced range, peaks at the base value and, unlike a
triangular distribution, puts less weight on the extremes (Vose, *Risk Analysis*, 2008). A range
with low = high is a constant.

Draws are shared where the quantity is shared: one chip price per chip and sample (the same in
every site), one electricity price per site and sample, one value of each global assumption per
sample. So comparisons within a sample are paired. No per-sample Python loop: each input is one
``Generator.beta`` call of shape (factor shape, N); the same seed gives the same numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from chipwar.catalog.accelerators import Accelerator
from chipwar.catalog.io import check_memory
from chipwar.catalog.sampling import draw, pert_draws
from chipwar.catalog.sites import Site
from chipwar.compute.assumptions import TcoAssumptions
from chipwar.compute.tco import (
    COST_COLUMNS,
    FACTORS,
    Array,
    TcoBatch,
    Triple,
    base_values,
    evaluate,
    frame_from,
    prepare,
    refuse_non_finite_costs,
)
from chipwar.errors import InputError

MAX_CELLS = 30_000_000
"""Upper bound on chips × sites × samples (memory: see ``BYTES_PER_CELL``)."""

BYTES_PER_CELL = 230
"""Peak memory per chip × site × sample cell [bytes]: measured 211 B/cell (peak RSS of
``chipwar tco -n 1e6`` vs ``-n 3e6``, one chip × one site, issue 14), rounded up. The 30 M-cell
cap therefore needs about 6.4 GiB; ``check_memory`` refuses it on a machine with less free."""


def estimated_bytes(cells: int) -> float:
    """Estimated peak memory of a Monte Carlo run of ``cells`` chip × site × sample cells [bytes]
    (``BYTES_PER_CELL`` each plus ~100 MB for the interpreter and libraries)."""
    return cells * BYTES_PER_CELL + 100e6


SUMMARY_METRICS: tuple[str, ...] = (
    "usd_per_pflop_hour",
    "usd_per_accelerator_hour",
    "electricity_share",
)


pert_sample = pert_draws
"""Compatibility name of :func:`chipwar.catalog.sampling.pert_draws`."""


def sample_factor(t: Triple, samples: int, rng: np.random.Generator) -> Array:
    """Draws of one factor, shape ``t.low.shape + (samples,)`` (or ``(…, 1)`` if constant).

    When every value is ``pert`` (the catalog's default) all elements are drawn in one
    vectorised beta call, exactly as before issue 19; otherwise element by element, each with
    its own distribution (:func:`chipwar.catalog.sampling.draw`), scaled like the factor."""
    if not t.items or all(u.distribution == "pert" for u in t.items):
        return pert_draws(t.low, t.base, t.high, samples, rng)
    out = np.empty((*t.low.shape, samples))
    flat = out.reshape(-1, samples)
    for k, u in enumerate(t.items):
        flat[k] = draw(u, samples, rng) * t.scale
    return out


def sample_values(batch: TcoBatch, samples: int, seed: int) -> dict[str, Array]:
    """Draw every factor (in :data:`FACTORS` order) with ``default_rng(seed)``."""
    rng = np.random.default_rng(seed)
    return {name: sample_factor(batch.factors[name], samples, rng) for name in FACTORS}


@dataclass(frozen=True)
class MonteCarlo:
    """Sampled outputs of shape (chips, sites, samples) and their summaries."""

    batch: TcoBatch
    outputs: dict[str, Array]
    samples: int
    seed: int

    def summary(self, metrics: Sequence[str] = SUMMARY_METRICS) -> pd.DataFrame:
        """Base-case rows plus ``<metric>_p5/_p50/_p95`` and ``p_cheapest`` (probability that
        the chip has the lowest usd_per_pflop_hour of the chips given, at that site)."""
        base = frame_from(self.batch, evaluate(self.batch, base_values(self.batch)))
        n_chips = self.batch.shape[0]
        for metric in metrics:
            q = np.percentile(self.outputs[metric], [5, 50, 95], axis=-1)
            for k, name in enumerate(("p5", "p50", "p95")):
                base[f"{metric}_{name}"] = q[k].reshape(-1)
        cost = self.outputs["usd_per_pflop_hour"]
        if n_chips > 1:
            winner = np.argmin(cost, axis=0)  # (S, N)
            p = np.stack([(winner == i).mean(axis=-1) for i in range(n_chips)])  # (C, S)
            base["p_cheapest"] = p.reshape(-1)
        return base

    def prob_cheaper(self, chip_a: int = 0, chip_b: int = 1) -> Array:
        """P(usd_per_pflop_hour of chip_a < chip_b), per site (shape (S,))."""
        cost = self.outputs["usd_per_pflop_hour"]
        out: Array = (cost[chip_a] < cost[chip_b]).mean(axis=-1)
        return out


def tco_montecarlo(
    chips: Sequence[str | Accelerator],
    sites: Sequence[str | Site],
    *,
    samples: int,
    seed: int = 0,
    precision: str = "bf16",
    utilization: float | None = None,
    subsidy: Literal["auto"] | float = "auto",
    date: dt.date | None = None,
    assumptions: TcoAssumptions | None = None,
) -> MonteCarlo:
    """Monte Carlo TCO: every uncertain input drawn (beta-PERT), outputs (C, S, samples)."""
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
        raise InputError("samples", samples, "an integer >= 1")
    batch = prepare(
        chips,
        sites,
        precision=precision,
        utilization=utilization,
        subsidy=subsidy,
        date=date,
        assumptions=assumptions,
    )
    n_chips, n_sites = batch.shape
    if n_chips * n_sites * samples > MAX_CELLS:
        raise InputError(
            "samples", samples, f"at most {MAX_CELLS // (n_chips * n_sites):,} for this many cells"
        )
    check_memory("samples", samples, estimated_bytes(n_chips * n_sites * samples))
    values = sample_values(batch, samples, seed)
    outputs = {
        k: np.ascontiguousarray(v) for k, v in evaluate(batch, values, samples=samples).items()
    }
    for name in COST_COLUMNS:
        refuse_non_finite_costs(outputs[name])
    return MonteCarlo(batch=batch, outputs=outputs, samples=samples, seed=seed)


def tornado(
    chip: str | Accelerator,
    site: str | Site,
    *,
    precision: str = "bf16",
    utilization: float | None = None,
    subsidy: Literal["auto"] | float = "auto",
    date: dt.date | None = None,
    assumptions: TcoAssumptions | None = None,
    metric: str = "usd_per_pflop_hour",
) -> pd.DataFrame:
    """One-at-a-time sensitivity: each uncertain input at its low and high, others at base.

    Rows (sorted by swing, largest first): ``factor, input_low, input_base, input_high,
    at_low, base, at_high, swing`` (swing = |at_high − at_low| in the metric's unit). Inputs
    whose range is a point, or that do not move the metric, are left out.
    """
    batch = prepare(
        [chip],
        [site],
        precision=precision,
        utilization=utilization,
        subsidy=subsidy,
        date=date,
        assumptions=assumptions,
    )
    base_vals = base_values(batch)
    base_metric = float(evaluate(batch, base_vals)[metric][0, 0, 0])
    rows: list[dict[str, object]] = []
    for name in FACTORS:
        triple = batch.factors[name]
        at: dict[str, float] = {}
        for which in ("low", "high"):
            vals = dict(base_vals)
            vals[name] = getattr(triple, which)[..., None]
            at[which] = float(evaluate(batch, vals)[metric][0, 0, 0])
        cell = int(batch.subsidy_index[0, 0]) if name == "subsidy" else 0
        inputs = {q: float(getattr(triple, q).reshape(-1)[cell]) for q in ("low", "base", "high")}
        swing = abs(at["high"] - at["low"])
        if inputs["low"] == inputs["high"] or swing == 0.0:
            continue
        rows.append(
            {
                "factor": name,
                "input_low": inputs["low"],
                "input_base": inputs["base"],
                "input_high": inputs["high"],
                "at_low": at["low"],
                "base": base_metric,
                "at_high": at["high"],
                "swing": swing,
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=[
            "factor", "input_low", "input_base", "input_high", "at_low", "base", "at_high",
            "swing",
        ],
    )  # fmt: skip
    return frame.sort_values("swing", ascending=False, ignore_index=True)
