"""Every shipped table's checker, registered by name (``chipwar data validate``).

Each engine keeps the checker of its own tables (``check_data``: bibliography -> problem lines);
this module, above the engines and below the interfaces, lists them as functions, not as import
strings, so a renamed or removed checker fails at import and type-check time.
"""

from __future__ import annotations

from chipwar.catalog.validate import DATA_CHECKERS, Checker, run_checks
from chipwar.claims.principles import check_data as check_claims
from chipwar.compute.assumptions import check_data as check_tco_assumptions
from chipwar.compute.models import check_data as check_models
from chipwar.controls.rules import check_data as check_rules
from chipwar.controls.screening import check_data as check_screening
from chipwar.controls.tool_rules import check_data as check_tools
from chipwar.dynamics.equipment_history import check_data as check_equipment_history
from chipwar.dynamics.history import check_data as check_history
from chipwar.supply.observations import check_data as check_supply_observations
from chipwar.supply.scenario import check_data as check_supply_scenarios

CHECKERS: dict[str, Checker] = {
    "claims": check_claims,
    **DATA_CHECKERS,
    "screening": check_screening,
    "rules": check_rules,
    "tools": check_tools,
    "equipment-history": check_equipment_history,
    "history": check_history,
    "models": check_models,
    "tco-assumptions": check_tco_assumptions,
    "supply-scenarios": check_supply_scenarios,
    "supply-observations": check_supply_observations,
}
"""Table name -> checker, in the order ``chipwar data validate`` reports them."""


def validate_all() -> dict[str, list[str]]:
    """Run every checker (see :func:`chipwar.catalog.validate.run_checks`)."""
    return run_checks(CHECKERS)
