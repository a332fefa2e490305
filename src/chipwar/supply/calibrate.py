"""Calibrate a supply scenario's uncertain inputs to observations by rejection ABC.

Method — approximate Bayesian computation by rejection (Pritchard et al. 1999; Beaumont, Zhang &
Balding 2002, the closest-fraction variant):

1. draw θ_1..θ_N from the prior: every spread of the scenario, triangular(low, base, high),
   independent (``engine.uncertain_inputs``; the same sampler as ``chipwar supply run``);
2. simulate each θ_n and score it against the outcome observations: d_n = Σ_o miss_o,n / 7, the
   total number of weeks by which the simulated dates fall outside the observed windows
   (``observations.score``);
3. accept every θ_n with d_n ≤ ε. ε = 0 (every observation reproduced) when at least
   ``min_accepted`` samples reach it; otherwise ε is the smallest distance that accepts
   ``min_accepted`` samples, and the result says so (``exact`` = False).

The accepted θ are a sample of the posterior p(θ | observations within their windows). The
posterior scenario keeps the network and writes each spread as a triangular distribution fitted to
its accepted values: low / high = their 2.5th / 97.5th percentiles, mode = 3·mean − low − high
(the triangular's mean equals the posterior mean), clipped to [low, high]. The marginals are
written independently — the joint posterior's correlations are not kept — so the written scenario
is checked again by simulating it (``predictive_check``), not trusted by construction.

Why rejection: one batch of 10⁴ replications of the 26-node Nexperia network takes seconds, so
plain rejection is affordable; its samples are independent, it needs no kernel or schedule to
tune, and its acceptance rate is itself the statistic that says how well the prior covers what
happened. SMC-ABC would pay off only when acceptance falls to ~10⁻⁴.

``simulate_batch`` is a plain function of (network, inputs, values) so that a sweep runner can
call it chunk by chunk; ``calibrate`` only draws, chunks and accepts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from chipwar.errors import InputError, ScenarioError
from chipwar.supply.engine import (
    UncertainInput,
    draw,
    draws_from,
    sample_inputs,
    simulate,
    uncertain_inputs,
)
from chipwar.supply.network import FloatArray, Network
from chipwar.supply.observations import Observation, Observations, Scored, check_against, score
from chipwar.supply.results import MAX_SAMPLES, check_run_size
from chipwar.supply.scenario import Scenario, Spread, parse_scenario

METHOD = "rejection-abc"
WEEK_DAYS = 7.0
CHUNK = 2000

Progress = Callable[[int, int], None]


def simulate_batch(
    net: Network,
    inputs: list[UncertainInput],
    values: FloatArray,
    observations: list[Observation],
) -> Scored:
    """Simulate one batch of input values [M, R] and score it against the observations."""
    res = simulate(net, draws_from(net, inputs, values))
    return score(net, res, observations)


def distance(scored: Scored) -> FloatArray:
    """d_n = Σ_o miss_o,n / 7 [weeks outside the observed windows]; 0 = all reproduced."""
    return np.asarray(scored.miss.sum(axis=0) / WEEK_DAYS, dtype=float)


@dataclass
class Calibration:
    """The prior sample, its scores and which samples were accepted."""

    scenario_id: str
    observations_id: str
    held_out: list[str]
    inputs: list[UncertainInput]
    values: FloatArray  # [M, N] prior draws
    scored: Scored  # fitted observations × N
    held_out_scored: Scored | None  # held-out observations × N
    distance: FloatArray  # [N]
    accepted: np.ndarray  # [N] bool
    epsilon_weeks: float
    exact: bool
    seed: int

    @property
    def samples(self) -> int:
        return int(self.values.shape[1])

    @property
    def n_accepted(self) -> int:
        return int(self.accepted.sum())

    def input_table(self) -> list[dict[str, Any]]:
        """Per scenario input: prior and posterior percentiles and the KS distance between them
        (how far the observations moved it), largest first."""
        rows: list[dict[str, Any]] = []
        for name, idx in _by_name(self.inputs).items():
            prior = self.values[idx].ravel()
            post = self.values[idx][:, self.accepted].ravel()
            spread = self.inputs[idx[0]].spread
            fit = posterior_spread(post, spread)
            rows.append(
                {
                    "input": name,
                    "prior": _spread_dict(spread),
                    "posterior": _spread_dict(fit),
                    "prior_median": round(float(np.median(prior)), 3),
                    "posterior_median": round(float(np.median(post)), 3),
                    "width_ratio": round((fit.high - fit.low) / (spread.high - spread.low), 3),
                    "ks": round(float(stats.ks_2samp(prior, post).statistic), 3),
                }
            )
        rows.sort(key=lambda r: -float(r["ks"]))
        return rows


def calibrate(
    scn: Scenario,
    net: Network,
    obs: Observations,
    samples: int = 10_000,
    seed: int = 0,
    *,
    hold_out: tuple[str, ...] = (),
    min_accepted: int = 100,
    progress: Progress | None = None,
) -> Calibration:
    """Rejection ABC of the scenario's spreads against the observations (module docstring)."""
    if samples < 100:
        raise InputError("samples", samples, "an integer >= 100")
    if samples > MAX_SAMPLES:
        raise InputError("samples", samples, f"at most {MAX_SAMPLES:,}")
    check_run_size(net, min(samples, CHUNK), None)
    if seed < 0:
        raise InputError("seed", seed, "an integer >= 0")
    if not 1 <= min_accepted <= samples:
        raise InputError("min_accepted", min_accepted, f"an integer in 1..{samples}")
    for h in hold_out:
        obs.get(h)  # unknown id -> UnknownIdError with suggestions
    check_against(obs, scn, net)
    fitted = obs.outcomes(hold_out)
    held = [o for o in obs.outcomes() if o.id in hold_out]
    if not fitted:
        raise ScenarioError(f"{obs.id}: no outcome observation is left to fit")
    inputs = uncertain_inputs(net)
    if not inputs:
        raise ScenarioError(f"{scn.id}: the scenario has no spread to calibrate")
    values = sample_inputs(inputs, samples, np.random.default_rng(seed))
    parts_fit, parts_held = [], []
    for start in range(0, samples, CHUNK):
        chunk = values[:, start : start + CHUNK]
        both = simulate_batch(net, inputs, chunk, fitted + held)
        parts_fit.append(Scored(both.ids[: len(fitted)], both.x[: len(fitted)],
                                both.miss[: len(fitted)]))  # fmt: skip
        parts_held.append(Scored(both.ids[len(fitted) :], both.x[len(fitted) :],
                                 both.miss[len(fitted) :]))  # fmt: skip
        if progress is not None:
            progress(min(start + CHUNK, samples), samples)
    scored = _concat(parts_fit)
    held_scored = _concat(parts_held) if held else None
    d = distance(scored)
    exact = int((d == 0).sum()) >= min_accepted
    eps = 0.0 if exact else float(np.sort(d)[min_accepted - 1])
    return Calibration(
        scenario_id=scn.id,
        observations_id=obs.id,
        held_out=list(hold_out),
        inputs=inputs,
        values=values,
        scored=scored,
        held_out_scored=held_scored,
        distance=d,
        accepted=d <= eps,
        epsilon_weeks=eps,
        exact=exact,
        seed=seed,
    )


def posterior_spread(values: FloatArray, prior: Spread) -> Spread:
    """Triangular fitted to posterior draws: ends at the 2.5/97.5th percentiles, mode such that
    the triangular's mean (low + mode + high)/3 equals the draws' mean, clipped to the ends."""
    low, high = (float(v) for v in np.percentile(values, [2.5, 97.5]))
    low, high = max(low, prior.low), min(high, prior.high)
    mode = min(max(3.0 * float(np.mean(values)) - low - high, low), high)
    return Spread(low=round(low, 3), base=round(mode, 3), high=round(high, 3))


def posterior_scenario(
    scn: Scenario, cal: Calibration, new_id: str, observations_source: str
) -> Scenario:
    """The same network with every calibrated spread replaced by its posterior triangular and a
    ``calibration`` record (method, samples, acceptance, per-observation hit rates)."""
    raw = scn.model_dump(mode="json", exclude_none=True)
    for name, idx in _by_name(cal.inputs).items():
        post = cal.values[idx][:, cal.accepted].ravel()
        fit = posterior_spread(post, cal.inputs[idx[0]].spread)
        _set(raw, name, fit.model_dump())
    raw["id"] = new_id
    raw["calibration"] = calibration_record(cal, observations_source)
    return parse_scenario(raw, where=new_id)


def calibration_record(cal: Calibration, observations_source: str) -> dict[str, Any]:
    """The acceptance statistics written into the posterior scenario."""
    prior_hit = cal.scored.hit.mean(axis=1)
    post_hit = cal.scored.hit[:, cal.accepted].mean(axis=1)
    return {
        "method": METHOD,
        "prior_scenario": cal.scenario_id,
        "observations": observations_source,
        "observations_id": cal.observations_id,
        "held_out": cal.held_out,
        "samples": cal.samples,
        "seed": cal.seed,
        "accepted": cal.n_accepted,
        "acceptance_rate": round(cal.n_accepted / cal.samples, 5),
        "epsilon_weeks": round(cal.epsilon_weeks, 3),
        "all_observations_reproduced": cal.exact,
        "distribution": "triangular (low/high: posterior 2.5/97.5th percentiles; "
        "mode: mean-matched)",
        "hit_rate": {
            oid: {"prior": round(float(p), 4), "accepted": round(float(q), 4)}
            for oid, p, q in zip(cal.scored.ids, prior_hit, post_hit, strict=True)
        },
    }


def predictive_check(
    net: Network, observations: list[Observation], samples: int = 1000, seed: int = 0
) -> list[dict[str, Any]]:
    """Simulate a (posterior) scenario with its own spreads and report, per observation, the
    share of samples that reproduce it and the simulated median and 5-95 % range of its date."""
    check_run_size(net, samples, None)
    res = simulate(net, draw(net, samples, seed))
    sc = score(net, res, observations)
    return summarize_scored(net, observations, sc)


def summarize_scored(
    net: Network, observations: list[Observation], sc: Scored
) -> list[dict[str, Any]]:
    """Per observation: hit rate, share of samples where it happened at all, median and p5/p95
    date of the simulated event (None = the median sample never has it)."""
    rows = []
    for o, x, hit in zip(observations, sc.x, sc.hit, strict=True):
        lo, hi = o.window()
        row: dict[str, Any] = {
            "id": o.id,
            "kind": o.kind,
            "observed": o.date.isoformat(),
            "window": [lo.isoformat(), None if hi == dt.date.max else hi.isoformat()],
            "hit_rate": round(float(hit.mean()), 4),
            "happened": round(float(np.isfinite(x).mean()), 4),
        }
        for q in (5, 50, 95):
            v = float(np.percentile(np.where(np.isfinite(x), x, 1e9), q, method="lower"))
            row[f"p{q}"] = None if v >= 1e9 else net.date_of(int(v)).isoformat()
        rows.append(row)
    return rows


def _concat(parts: list[Scored]) -> Scored:
    return Scored(
        parts[0].ids, np.concatenate([p.x for p in parts], axis=1),
        np.concatenate([p.miss for p in parts], axis=1),
    )  # fmt: skip


def _by_name(inputs: list[UncertainInput]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for m, u in enumerate(inputs):
        out.setdefault(u.name, []).append(m)
    return out


def _spread_dict(s: Spread) -> dict[str, float]:
    return {"low": s.low, "base": s.base, "high": s.high}


def _set(raw: dict[str, Any], name: str, value: Any) -> None:
    """Set ``nodes[id].field`` / ``shocks[id].field`` / ``alternates[id].field`` in a raw
    scenario mapping."""
    coll, rest = name.split("[", 1)
    item_id, fld = rest.split("].", 1)
    for item in raw[coll]:
        if item.get("id") == item_id:
            item[fld] = value
            return
    raise KeyError(name)  # a bug: names come from the same scenario


def summary(
    cal: Calibration,
    obs: Observations,
    prior_net: Network,
    post_net: Network,
    check_samples: int = 1000,
    seed: int = 0,
) -> dict[str, Any]:
    """Prior against posterior for every outcome observation (held-out ones included), from
    fresh simulations of the prior and of the written posterior scenario (``check_samples``
    each, same seed), plus the inputs ranked by how far the observations moved them."""
    outcomes = obs.outcomes()
    prior = predictive_check(prior_net, outcomes, check_samples, seed)
    post = predictive_check(post_net, outcomes, check_samples, seed)
    accepted = dict(zip(cal.scored.ids, cal.scored.hit[:, cal.accepted].mean(axis=1), strict=True))
    if cal.held_out_scored is not None:
        held = cal.held_out_scored.hit[:, cal.accepted].mean(axis=1)
        accepted.update(zip(cal.held_out_scored.ids, held, strict=True))
    rows = []
    for o, p, q in zip(outcomes, prior, post, strict=True):
        rows.append(
            {
                "id": o.id,
                "kind": o.kind,
                "target": o.plant or f"{o.part}/{o.buyer_country}",
                "observed": p["observed"],
                "window": p["window"],
                "held_out": o.id in cal.held_out,
                "prior_hit_rate": p["hit_rate"],
                "accepted_hit_rate": round(float(accepted[o.id]), 4),
                "posterior_hit_rate": q["hit_rate"],
                "prior_median": p["p50"],
                "posterior_median": q["p50"],
                "posterior_p5": q["p5"],
                "posterior_p95": q["p95"],
                "prior_happened": p["happened"],
                "posterior_happened": q["happened"],
            }
        )
    return {
        "calibration": calibration_record(cal, obs.id),
        "check_samples": check_samples,
        "observations": rows,
        "inputs": cal.input_table(),
    }
