"""chipwar.supply: supply-network disruption simulator (scenario format, engine, criticality).

``chipwar.supply.run("nexperia-2025")`` answers a scenario (name, path or Scenario) as
DataFrames; ``chipwar.supply.results.run(network, ...)`` is the engine call on a compiled network.
"""

from chipwar.supply.api import SupplyRun, run
from chipwar.supply.engine import Draws, Outage, SimResult, draw, simulate
from chipwar.supply.network import Network, compile_network
from chipwar.supply.results import build, criticality, summarize
from chipwar.supply.scenario import Scenario, json_schema, parse_scenario, read_scenario

__all__ = [
    "Draws",
    "Network",
    "Outage",
    "Scenario",
    "SimResult",
    "SupplyRun",
    "build",
    "compile_network",
    "criticality",
    "draw",
    "json_schema",
    "parse_scenario",
    "read_scenario",
    "run",
    "simulate",
    "summarize",
]
