"""One check module per engine; importing this package registers every check type in
``chipwar.claims.base.CHECKS`` (plain imports, no lazy loading)."""

from chipwar.claims.checks import (
    catalog,
    compute,
    controls,
    dynamics,
    evidence,
    supply,
    workloads,
)

__all__ = ["catalog", "compute", "controls", "dynamics", "evidence", "supply", "workloads"]
