"""``chipwar data validate``: check every shipped table and report every problem found.

A checker takes the bibliography and returns a list of problem lines (empty when the table is
sound). This module holds the data layer's checkers and :func:`run_checks`; the full list, with
each engine's checker named as a function, is :data:`chipwar.data_checks.CHECKERS`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

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


DATA_CHECKERS: dict[str, Checker] = {
    "accelerators": check_accelerators,
    "sites": check_sites,
    "fx": check_fx,
}
"""The data layer's own tables. The engines' tables are added by :mod:`chipwar.data_checks`,
which sits above the engines (this layer does not import them)."""


def run_checks(checkers: Mapping[str, Checker]) -> dict[str, list[str]]:
    """Run each checker with the bibliography; a table that fails to load reports its load
    error as its problems (a ChipwarError only: a bug in a checker raises)."""
    results: dict[str, list[str]] = {}
    try:
        sources = load_sources()
    except ChipwarError as exc:
        return {"sources": str(exc).splitlines()}
    results["sources"] = []
    for table, check in checkers.items():
        try:
            results[table] = check(sources)
        except ChipwarError as exc:
            results[table] = str(exc).splitlines()
    return results
