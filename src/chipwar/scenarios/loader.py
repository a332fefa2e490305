"""Scenario files (YAML or JSON): override assumptions and add or change catalog entries.

```yaml
name: cheap state capital
description: China-style policy lending and a dearer 910C
assumptions:                 # any TcoAssumptions field; a number or {low, base, high}
  cost_of_capital: 0.04
  utilization.huawei: {low: 0.3, base: 0.4, high: 0.5}
accelerators:                # full rows in the catalog schema, or partial rows for an existing
  - id: huawei-ascend-910c   # id: the given fields replace the catalog's
    system_capex_usd: {low: 30000, base: 35000, high: 40000, source: [my-quote]}
sites:
  - id: cn-ningxia
    pue: {low: 1.1, base: 1.15, high: 1.2, source: [my-estimate]}
```

Every problem is reported as a :class:`~chipwar.errors.ScenarioError` naming the file, the
section, the row and the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from chipwar.catalog.accelerators import Accelerator, load_accelerators
from chipwar.catalog.io import excerpt, parse_rows, read_document
from chipwar.catalog.sites import Site, load_sites
from chipwar.compute.assumptions import TcoAssumptions, load_assumptions, with_overrides
from chipwar.errors import ChipwarError, InputError, ScenarioError

SECTIONS = ("name", "description", "assumptions", "accelerators", "sites")

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: assumptions with overrides applied, and extra/changed entries."""

    name: str = ""
    description: str = ""
    assumptions: TcoAssumptions = field(default_factory=load_assumptions)
    overrides: dict[str, Any] = field(default_factory=dict)
    accelerators: dict[str, Accelerator] = field(default_factory=dict)
    sites: dict[str, Site] = field(default_factory=dict)

    def chip(self, chip_id: str) -> Accelerator | str:
        """The scenario's accelerator with this id, else the id (resolved in the catalog)."""
        return self.accelerators.get(chip_id, chip_id)

    def site(self, site_id: str) -> Site | str:
        return self.sites.get(site_id, site_id)


def _rows(
    model: type[M],
    raw: Any,
    where: str,
    catalog: Mapping[str, BaseModel],
) -> list[M]:
    if not isinstance(raw, list):
        raise ScenarioError(f"{where}: expected a list of rows, got {type(raw).__name__}")
    merged: list[Any] = []
    for row in raw:
        if isinstance(row, dict) and isinstance(row.get("id"), str) and row["id"] in catalog:
            merged.append({**catalog[row["id"]].model_dump(), **row})
        else:
            merged.append(row)
    try:
        return parse_rows(model, merged, where)
    except ChipwarError as exc:
        raise ScenarioError(str(exc)) from None


def parse_scenario(raw: Any, where: str) -> Scenario:
    """Validate a parsed scenario mapping (see module docstring)."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ScenarioError(f"{where}: expected a mapping with keys {', '.join(SECTIONS)}")
    unknown = [key for key in raw if key not in SECTIONS]
    if unknown:
        raise ScenarioError(
            f"{where}: unknown field(s) {', '.join(excerpt(k) for k in unknown[:10])}; "
            f"allowed: {', '.join(SECTIONS)}"
        )
    for key in ("name", "description"):
        if not isinstance(raw.get(key, ""), str):
            raise ScenarioError(f"{where}: {key}: expected text, got {excerpt(raw[key])}")
    overrides = raw.get("assumptions") or {}
    if not isinstance(overrides, dict):
        raise ScenarioError(f"{where}: assumptions: expected a mapping of name -> value")
    for key in ("accelerators", "sites"):
        if not isinstance(raw.get(key) or [], list):
            raise ScenarioError(f"{where}: {key}: expected a list of rows, got {excerpt(raw[key])}")
    try:
        own_chips = [
            row["id"]
            for row in raw.get("accelerators") or []
            if isinstance(row, dict) and isinstance(row.get("id"), str)
        ]
        assumptions = with_overrides(
            load_assumptions(), overrides, source=f"scenario:{where}", chip_ids=own_chips
        )
    except InputError as exc:
        raise ScenarioError(f"{where}: assumptions: {exc}") from None

    chips = _rows(
        Accelerator, raw.get("accelerators") or [], f"{where}: accelerators",
        load_accelerators(),
    )  # fmt: skip
    sites = _rows(Site, raw.get("sites") or [], f"{where}: sites", load_sites())
    return Scenario(
        name=raw.get("name", ""),
        description=raw.get("description", ""),
        assumptions=assumptions,
        overrides=dict(overrides),
        accelerators={c.id: c for c in chips},
        sites={s.id: s for s in sites},
    )


def _read(path: str | Path, expected: str) -> Any:
    """The file's contents; a file that cannot be read or parsed, or is empty, is a
    ScenarioError."""
    try:
        return read_document(path, expected)
    except ChipwarError as exc:
        raise ScenarioError(str(exc)) from None


def read_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file (YAML, or JSON by suffix)."""
    return parse_scenario(
        _read(path, "a mapping with assumptions:, accelerators: and/or sites:"), Path(path).name
    )


def read_spec(path: str | Path) -> tuple[dict[str, Accelerator], dict[str, Site]]:
    """Read a ``--spec`` file: accelerators and/or sites that are not in the catalog (or partial
    rows that change a catalog entry, as in a scenario file).

    Accepted shapes (YAML, or JSON by suffix): a mapping with ``accelerators:`` and/or ``sites:``
    lists; a list of rows; or a single row. A row with an ``electricity`` field is a site, any
    other row an accelerator. Assumption overrides belong in ``--scenario``.
    """
    where = Path(path).name
    raw = _read(path, "accelerators: and/or sites: rows, a list of rows or one row")
    if isinstance(raw, dict) and ({"accelerators", "sites"} & set(raw)):
        extra = [k for k in raw if k not in {"accelerators", "sites", "name", "description"}]
        if extra:
            raise ScenarioError(
                f"{where}: unknown field(s) {', '.join(excerpt(k) for k in extra[:10])} in a "
                "spec file; "
                "allowed: accelerators, sites (assumptions go in a --scenario file)"
            )
        chip_rows, site_rows = raw.get("accelerators") or [], raw.get("sites") or []
    else:
        rows = raw if isinstance(raw, list) else [raw]
        if not all(isinstance(r, dict) for r in rows) or not rows:
            raise ScenarioError(
                f"{where}: expected a mapping with accelerators:/sites: lists, a list of rows "
                "or one row"
            )
        site_rows = [r for r in rows if "electricity" in r]
        chip_rows = [r for r in rows if "electricity" not in r]

    chips = _rows(Accelerator, chip_rows, f"{where}: accelerators", load_accelerators())
    sites = _rows(Site, site_rows, f"{where}: sites", load_sites())
    if not chips and not sites:
        raise ScenarioError(f"{where}: no accelerator or site rows found")
    return {c.id: c for c in chips}, {s.id: s for s in sites}


@dataclass(frozen=True)
class Extras:
    """What ``--scenario`` and ``--spec`` files add: entries and assumptions (None: no scenario)."""

    chips: dict[str, Accelerator]
    sites: dict[str, Site]
    assumptions: TcoAssumptions | None


def read_extras(spec: str | Path | None, scenario: str | Path | None = None) -> Extras:
    """Entries and TCO assumptions of a scenario file and a spec file, either optional; spec rows
    win over scenario rows with the same id."""
    chips: dict[str, Accelerator] = {}
    sites: dict[str, Site] = {}
    assumptions: TcoAssumptions | None = None
    if scenario is not None:
        sc = read_scenario(scenario)
        chips, sites, assumptions = dict(sc.accelerators), dict(sc.sites), sc.assumptions
    if spec is not None:
        spec_chips, spec_sites = read_spec(spec)
        chips.update(spec_chips)
        sites.update(spec_sites)
    return Extras(chips, sites, assumptions)


def scenario_json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of a compute scenario file; rows of ``accelerators`` and
    ``sites`` are checked in full by the catalog models when the file is read."""
    names = "|".join(TcoAssumptions.model_fields)
    number_or_range = {
        "anyOf": [
            {"type": "number"},
            {
                "type": "object",
                "properties": {k: {"type": "number"} for k in ("low", "base", "high")},
                "required": ["base"],
            },
            {"type": "object", "additionalProperties": {"type": ["number", "object"]}},
        ]
    }
    row = {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "chipwar compute scenario",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "name": {"type": "string"},
            "description": {"type": "string"},
            "assumptions": {
                "type": "object",
                "propertyNames": {"pattern": f"^({names})(\\.[A-Za-z0-9_-]+)?$"},
                "additionalProperties": number_or_range,
            },
            "accelerators": {"type": "array", "items": row},
            "sites": {"type": "array", "items": row},
        },
    }
