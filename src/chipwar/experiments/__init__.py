"""Experiments over any engine (issue 19): a declared experiment (uncertainties with explicit
distributions, levers, outcomes, a design) run in chunks on Dask into Parquet, queried with
DuckDB, analysed with SALib. See docs/sweeps.md.

    exp = read_experiment("scenarios/sweep-compute.yaml")
    run_experiment(exp, "build/sweep-compute", workers=2)      # or scheduler="tcp://host:8786"
    query("build/sweep-compute", "SELECT avg(cost_910c) FROM results")
    analyse("build/sweep-compute", "ratio_910c_h100")          # Sobol / Morris
    tornado("build/sweep-compute", "ratio_910c_h100")          # any design

A script that starts a local cluster (no ``scheduler``) needs the usual
``if __name__ == "__main__":`` guard: Dask starts its worker processes by spawning.
"""

from chipwar.experiments.runner import run_experiment, status
from chipwar.experiments.sensitivity import analyse, tornado
from chipwar.experiments.spec import Experiment, parse_experiment, read_experiment
from chipwar.experiments.store import query, read_results

__all__ = [
    "Experiment",
    "analyse",
    "parse_experiment",
    "query",
    "read_experiment",
    "read_results",
    "run_experiment",
    "status",
    "tornado",
]
