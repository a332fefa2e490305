"""``chipwar.supply.run``: a supply scenario by name or path, answered as DataFrames."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from chipwar.catalog.sources import data_as_of
from chipwar.supply.results import Progress, build, summarize
from chipwar.supply.results import run as simulate_network
from chipwar.supply.scenario import Scenario, read_scenario


@dataclass(frozen=True)
class SupplyRun:
    """A supply run: ``plants`` (first stoppage, lost units, recovery per plant), ``parts``
    (peak price multiplier and shortage per part), ``summary`` (the JSON document of ``chipwar
    supply run``) and ``data_as_of`` (ISO date of the newest source the data cite)."""

    plants: pd.DataFrame
    parts: pd.DataFrame
    summary: dict[str, Any]
    data_as_of: str

    @property
    def total_lost_units(self) -> float:
        """Units of plant output lost over the horizon (median over samples)."""
        return float(self.summary["total_lost_units"])


def run(
    scenario: str | Path | Scenario,
    samples: int = 1,
    seed: int = 0,
    days: int | None = None,
    progress: Progress | None = None,
) -> SupplyRun:
    """Simulate a supply scenario: a built-in name (``"nexperia-2025"``), a YAML/JSON path or a
    parsed :class:`Scenario`; ``samples`` replications (1: base values) for ``days`` (default:
    the scenario's horizon). Same numbers as ``chipwar supply run --format json``."""
    scn = scenario if isinstance(scenario, Scenario) else read_scenario(scenario)
    net = build(scn)
    res, _ = simulate_network(net, samples, seed, days, progress)
    summary = summarize(net, res, samples, seed)
    return SupplyRun(
        plants=pd.DataFrame(summary["plants"]),
        parts=pd.DataFrame(summary["parts"]),
        summary=summary,
        data_as_of=data_as_of().isoformat(),
    )
