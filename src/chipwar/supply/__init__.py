"""chipwar.supply: supply-network disruption simulator (scenario format, engine, criticality)."""

from chipwar.supply.engine import Draws, Outage, SimResult, draw, simulate
from chipwar.supply.network import Network, compile_network
from chipwar.supply.results import build, criticality, run, summarize
from chipwar.supply.scenario import Scenario, json_schema, parse_scenario, read_scenario

__all__ = [
    "Draws",
    "Network",
    "Outage",
    "Scenario",
    "SimResult",
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
