"""Scenario commands: ``supply run``, ``dynamics run``, ``dynamics claims`` and ``claims``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from chipwar.commands import Result, records_warnings
from chipwar.errors import InputError, UnknownIdError

DYNAMICS_MAX_SAMPLES = 200_000


@records_warnings
def supply_run(
    *,
    file: str | Path,
    samples: int = 1,
    seed: int = 0,
    days: int | None = None,
    daily: bool = False,
    progress: Callable[[int, int], None] | None = None,
    on_large_work: Callable[[float, str], None] | None = None,
) -> Result:
    """Simulate a supply scenario (a file or a built-in name): per plant first stoppage, lost
    units and recovery; per part price. ``on_large_work(bytes, what)`` is told the memory
    estimate before the run starts."""
    from chipwar.supply import build, read_scenario, summarize
    from chipwar.supply.results import MAX_DAYS, MAX_SAMPLES, check_run_size, run, run_bytes

    if not 1 <= samples <= MAX_SAMPLES:
        raise InputError("--samples", samples, f"an integer from 1 to {MAX_SAMPLES:,}")
    if seed < 0:
        raise InputError("--seed", seed, "an integer >= 0")
    if days is not None and not 1 <= days <= MAX_DAYS:
        raise InputError("--days", days, f"an integer from 1 to {MAX_DAYS:,} (ten years)")
    net = build(read_scenario(file))
    horizon = check_run_size(net, samples, days)
    if on_large_work is not None:
        on_large_work(run_bytes(net, samples, horizon), f"{samples:,} replications")
    res, _ = run(net, samples, seed, days, progress)
    return Result(summarize(net, res, samples, seed, daily=daily))


def check_samples(samples: int, seed: int = 0) -> None:
    """Dynamics draws: 1 to :data:`DYNAMICS_MAX_SAMPLES`, seed >= 0."""
    if not 1 <= samples <= DYNAMICS_MAX_SAMPLES:
        raise InputError("--samples", samples, f"an integer from 1 to {DYNAMICS_MAX_SAMPLES}")
    if seed < 0:
        raise InputError("--seed", seed, "an integer >= 0")


@records_warnings
def dynamics_run(
    *,
    scenario: str | Path,
    samples: int = 1,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> Result:
    """Run a dynamics scenario: yearly shares, self-sufficiency, costs, energy, revenue.
    ``progress(years_done, years)`` is told after each simulated year."""
    from chipwar.dynamics.api import run_scenario

    check_samples(samples, seed)
    return Result(run_scenario(scenario, samples=samples, seed=seed, progress=progress))


@records_warnings
def dynamics_claims(
    *, scenario: str | Path = "baseline", samples: int = 2000, seed: int = 0
) -> Result:
    """The seed's two forecasts beside the model's distribution for them."""
    from chipwar.dynamics.api import seed_claims

    check_samples(samples, seed)
    return Result(seed_claims(scenario, samples=samples, seed=seed))


@records_warnings
def claims(
    *,
    claim_id: list[str] | None = None,
    flip: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> Result:
    """Every quantitative claim in the seed articles checked against the models and data;
    ``progress(done, total)`` is told after each claim."""
    from chipwar.claims import evaluate_all, load_claims

    ledger = load_claims()
    if claim_id:
        known = [c.id for c in ledger]
        for cid in claim_id:
            if cid not in known:
                raise UnknownIdError("claim", cid, known)
        ledger = [c for c in ledger if c.id in claim_id]
    rows: list[dict[str, Any]] = [
        r.as_dict() for r in evaluate_all(ledger, with_flip=flip, progress=progress)
    ]
    return Result(rows)
