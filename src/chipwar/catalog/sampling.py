"""The one sampler: random draws and inverse CDFs of an uncertain value (``Uncertain``).

Every engine (compute Monte Carlo, supply replications, dynamics fan charts) and the experiment
designs (Monte Carlo, Latin hypercube, Sobol, Morris) draw through this module, so ``pert`` or
``triangular`` means the same distribution everywhere.

* :func:`draw` — ``n`` random draws of one value with a ``numpy.random.Generator``; a constant
  (low == high) returns ``base`` without touching the generator.
* :func:`pert_draws`, :func:`triangular_draws` — the vectorised forms the engines use over
  arrays of low/base/high (the same generator calls the engines made before, so results with a
  given seed are unchanged).
* :func:`ppf` — the inverse CDF: maps quantiles ``q`` in [0, 1) (from a Latin-hypercube, Sobol
  or Morris design over the unit cube) to values.

Equations are in :mod:`chipwar.catalog.uncertainty`.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from scipy import stats

from chipwar.catalog.uncertainty import Z95, Uncertain

Array = npt.NDArray[np.float64]

PERT_LAMBDA = 4.0
"""Weight of the mode in beta-PERT (Vose 2008)."""


def pert_shape(low: Array, base: Array, high: Array) -> tuple[Array, Array, Array]:
    """(α, β, span) of beta-PERT: α = 1 + λ (base − low)/span, β = 1 + λ (high − base)/span.
    Elements with span 0 get α = β = 1 (their draw is multiplied by 0)."""
    span = high - low
    safe = np.where(span > 0, span, 1.0)
    alpha = 1.0 + PERT_LAMBDA * (base - low) / safe
    beta = 1.0 + PERT_LAMBDA * (high - base) / safe
    return alpha, beta, span


def pert_draws(
    low: Array, base: Array, high: Array, samples: int, rng: np.random.Generator
) -> Array:
    """``samples`` beta-PERT draws per element: shape ``low.shape + (samples,)``, or
    ``low.shape + (1,)`` when every element is a constant (no draw; it broadcasts)."""
    span = high - low
    shape = (*low.shape, samples)
    if not np.any(span > 0):
        return np.array(low[..., None], dtype=float)
    alpha, beta, span = pert_shape(low, base, high)
    draw_unit = rng.beta(alpha[..., None], beta[..., None], size=shape)
    out: Array = low[..., None] + span[..., None] * draw_unit
    return out


def triangular_draws(
    low: float, base: float, high: float, samples: int, rng: np.random.Generator
) -> Array:
    """``samples`` triangular(low, mode = base, high) draws (``Generator.triangular``)."""
    return np.asarray(rng.triangular(low, base, high, size=samples), dtype=float)


def lognormal_params(u: Uncertain) -> tuple[float, float]:
    """(μ, σ) in log space of a lognormal whose 5th/95th percentiles are ``low``/``high``."""
    mu = 0.5 * (math.log(u.low) + math.log(u.high))
    sigma = (math.log(u.high) - math.log(u.low)) / (2.0 * Z95)
    return mu, sigma


def draw(u: Uncertain, n: int, rng: np.random.Generator | None) -> Array:
    """``n`` random draws of ``u``; ``base`` n times when ``rng`` is None or ``u`` is constant."""
    if rng is None or (u.is_point and u.distribution != "choice"):
        return np.full(n, u.base, dtype=float)
    if u.distribution == "pert":
        a, b, span = pert_shape(np.array(u.low), np.array(u.base), np.array(u.high))
        return np.asarray(u.low + float(span) * rng.beta(float(a), float(b), size=n), dtype=float)
    if u.distribution == "triangular":
        return triangular_draws(u.low, u.base, u.high, n, rng)
    if u.distribution == "uniform":
        return np.asarray(rng.uniform(u.low, u.high, size=n), dtype=float)
    if u.distribution == "lognormal":
        mu, sigma = lognormal_params(u)
        return np.asarray(rng.lognormal(mu, sigma, size=n), dtype=float)
    values = np.asarray(u.values, dtype=float)
    weights = None if u.weights is None else np.asarray(u.weights) / sum(u.weights)
    return np.asarray(rng.choice(values, size=n, p=weights), dtype=float)


def ppf(u: Uncertain, q: npt.ArrayLike) -> Array:
    """Inverse CDF of ``u`` at quantiles ``q`` (0 <= q < 1), same shape as ``q``.

    pert: low + span · BetaPPF(q; α, β); triangular: SciPy ``triang(c = (base − low)/span)``;
    uniform: low + q · span; lognormal: exp(μ + σ Φ⁻¹(q)); choice: the value whose cumulative
    weight first exceeds q.
    """
    qa = np.asarray(q, dtype=float)
    if u.is_point and u.distribution != "choice":
        return np.full(qa.shape, u.base, dtype=float)
    span = u.high - u.low
    if u.distribution == "pert":
        a, b, _ = pert_shape(np.array(u.low), np.array(u.base), np.array(u.high))
        return np.asarray(u.low + span * stats.beta.ppf(qa, float(a), float(b)), dtype=float)
    if u.distribution == "triangular":
        c = (u.base - u.low) / span
        return np.asarray(stats.triang.ppf(qa, c, loc=u.low, scale=span), dtype=float)
    if u.distribution == "uniform":
        return np.asarray(u.low + qa * span, dtype=float)
    if u.distribution == "lognormal":
        mu, sigma = lognormal_params(u)
        return np.asarray(np.exp(mu + sigma * stats.norm.ppf(qa)), dtype=float)
    values = np.asarray(u.values, dtype=float)
    w = np.ones(len(values)) if u.weights is None else np.asarray(u.weights, dtype=float)
    cum = np.cumsum(w) / w.sum()
    idx = np.minimum(np.searchsorted(cum, qa, side="right"), len(values) - 1)
    return np.asarray(values[idx], dtype=float)
