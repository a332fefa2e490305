"""``chipwar data validate``: check every shipped table and report every problem found.

Each part of the model registers a checker here as ``"module:function"``; a checker takes the
bibliography and returns a list of problem lines (empty when the table is sound). Checkers are
imported lazily so the data layer does not import engine code at import time.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from chipwar.catalog.accelerators import load_accelerators
from chipwar.catalog.fx import load_fx
from chipwar.catalog.sites import load_sites
from chipwar.catalog.sources import Source, check_source_ids, load_sources
from chipwar.errors import ChipwarError

Checker = Callable[[dict[str, Source]], list[str]]


def check_accelerators(sources: dict[str, Source]) -> list[str]:
    problems: list[str] = []
    for a in load_accelerators().values():
        where = f"accelerators.yaml[{a.id}]"
        ids = list(a.source)
        for rng in (a.price_usd, a.system_power_w, a.system_capex_usd):
            if rng is not None:
                ids += rng.source
        problems += check_source_ids(ids, where, sources)
    return problems


def check_sites(sources: dict[str, Source]) -> list[str]:
    problems: list[str] = []
    for s in load_sites().values():
        where = f"sites.yaml[{s.id}]"
        ids = list(s.source) + s.electricity.price_per_kwh.source + s.pue.source
        ids += s.carbon.gco2_per_kwh.source
        if s.facility_capex_usd_per_kw is not None:
            ids += s.facility_capex_usd_per_kw.source
        for sub in s.subsidies:
            ids += sub.source + sub.power_discount_fraction.source
        problems += check_source_ids(ids, where, sources)
    return problems


def check_fx(sources: dict[str, Source]) -> list[str]:
    problems: list[str] = []
    for r in load_fx():
        problems += check_source_ids(r.source, f"fx.yaml[{r.id}]", sources)
    return problems


CHECKERS: dict[str, str] = {
    "claims": "chipwar.claims.principles:check_data",
    "accelerators": "chipwar.catalog.validate:check_accelerators",
    "sites": "chipwar.catalog.validate:check_sites",
    "fx": "chipwar.catalog.validate:check_fx",
    "screening": "chipwar.controls.screening:check_data",
    "rules": "chipwar.controls.rules:check_data",
    "tools": "chipwar.controls.tool_rules:check_data",
    "equipment-history": "chipwar.dynamics.equipment_history:check_data",
    "history": "chipwar.dynamics.history:check_data",
    "models": "chipwar.compute.models:check_data",
    "tco-assumptions": "chipwar.compute.assumptions:check_data",
    "supply-scenarios": "chipwar.supply.scenario:check_data",
    "supply-observations": "chipwar.supply.observations:check_data",
}
"""Table name -> checker. Other parts of the model add their tables here."""


def validate_all() -> dict[str, list[str]]:
    """Run every checker; a table that fails to load reports its load error as its problems."""
    results: dict[str, list[str]] = {}
    try:
        sources = load_sources()
    except ChipwarError as exc:
        return {"sources": str(exc).splitlines()}
    results["sources"] = []
    for table, target in CHECKERS.items():
        module_name, func_name = target.split(":")
        func: Checker = getattr(importlib.import_module(module_name), func_name)
        try:
            results[table] = func(sources)
        except ChipwarError as exc:
            results[table] = str(exc).splitlines()
    return results
