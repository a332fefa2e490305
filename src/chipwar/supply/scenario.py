"""The supply-network scenario format: pydantic models, loading, and the JSON Schema export.

A scenario is a YAML/JSON file: nodes (what each makes, its bill of materials, capacity and
inventory), supply edges (share, lead time), alternate suppliers (qualification and ramp-up),
demand (build plans at plants), shocks (export ban, delivery stop, shutdown, ownership freeze,
capacity cut) and the price response. Uncertain numbers are spreads (:class:`Spread`, the one
uncertainty type :class:`~chipwar.catalog.uncertainty.Uncertain`) that the Monte Carlo samples
with :mod:`chipwar.catalog.sampling`; a bare ``{low, base, high}`` is triangular.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from chipwar.catalog.io import (
    DATA_DIR,
    excerpt,
    format_validation_error,
    path_exists,
    read_document,
    read_structured,
)
from chipwar.catalog.types import Country, Slug, refuse_bools
from chipwar.catalog.uncertainty import Distribution, Uncertain
from chipwar.errors import ChipwarError, ScenarioError

BUILTIN_DIR = DATA_DIR / "scenarios"
"""Scenarios shipped inside the package; ``chipwar supply run nexperia-2025`` finds them here."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _no_bools_for_numbers(cls, data: Any) -> Any:
        return refuse_bools(cls, data)


class Spread(Uncertain):
    """Compatibility name (issue 19) for the supply engine's uncertain numbers: an
    :class:`~chipwar.catalog.uncertainty.Uncertain` with non-negative values that, when a file
    gives only ``{low, base, high}``, is ``triangular`` — the distribution the supply engine has
    always drawn. ``base`` is used when not sampling."""

    distribution: Distribution = "triangular"

    @model_validator(mode="after")
    def _non_negative(self) -> Spread:
        if self.low < 0:
            raise ValueError(f"low must be >= 0, got {self.low}")
        return self


Value = Annotated[float, Field(ge=0)] | Spread
"""A plain non-negative number or a ``{low, base, high}`` spread."""

NodeKind = Literal["fab", "assembly_test", "distributor", "tier2", "tier1", "plant", "other"]


class Node(_Model):
    """One site or aggregate of sites that makes one part."""

    id: Slug
    name: str = ""
    kind: NodeKind
    country: Country
    owner: str | None = Field(None, description="Parent company id (direct owner).")
    entity: str | None = Field(None, description="Entity id in the controls ownership data.")
    part: Slug = Field(description="The part this node makes (a plant makes its product).")
    capacity_per_day: float | None = Field(
        None, ge=0, description="Output capacity [units/day]; empty: baseline × (1 + headroom)."
    )
    bom: dict[Slug, Annotated[float, Field(gt=0)]] = Field(
        default_factory=dict, description="Input part -> units consumed per output unit."
    )
    inventory_days: Value | None = Field(
        None, description="Input stock at the start [days of baseline use]; default: defaults."
    )
    inventory_units: dict[Slug, Annotated[float, Field(ge=0)]] = Field(
        default_factory=dict, description="Input stock at the start [units], per part (overrides)."
    )
    finished_days: Value | None = Field(
        None, description="Finished-goods stock at the start [days of baseline output]."
    )
    source: list[str] = Field(default_factory=list)
    note: str = ""


class Edge(_Model):
    """Supplier -> customer for one part: the customer's share of its need and the lead time."""

    supplier: Slug
    customer: Slug
    part: Slug | None = Field(None, description="Default: the part the supplier makes.")
    share: float = Field(gt=0, le=1)
    lead_time_days: int = Field(ge=1, le=365)
    priority: int = Field(
        0, ge=-1_000_000, le=1_000_000,
        description="Higher is served first under scarcity (a rank, -1,000,000 to 1,000,000).",
    )  # fmt: skip
    source: list[str] = Field(default_factory=list)
    note: str = ""


class Alternate(_Model):
    """A second source that fills a customer's unmet need once qualified and ramped up."""

    id: Slug
    customer: Slug
    part: Slug
    capacity_per_day: Value
    qualification_days: Value
    ramp_days: Value = 0.0
    lead_time_days: int = Field(7, ge=1, le=365)
    trigger: str = Field(
        "first_shock",
        description="'first_shock', a shock id (its start), or an ISO date when qualifying starts.",
    )
    source: list[str] = Field(default_factory=list)
    note: str = ""


class Demand(_Model):
    """A plant's build plan [units/day]."""

    plant: Slug
    units_per_day: float = Field(gt=0)
    source: list[str] = Field(default_factory=list)
    note: str = ""


class Selector(_Model):
    """Which nodes: the union of ids, countries, kinds and everything owned by the owners."""

    nodes: list[Slug] = Field(default_factory=list)
    countries: list[Country] = Field(default_factory=list)
    kinds: list[NodeKind] = Field(default_factory=list)
    owned_by: list[str] = Field(
        default_factory=list,
        description="Owner ids; matches nodes whose owner is listed or whose entity is "
        ">= min_share owned (chipwar.controls.ownership.owned_by).",
    )
    min_share: float = Field(0.5, gt=0, le=1)

    @model_validator(mode="after")
    def _not_empty(self) -> Selector:
        if not (self.nodes or self.countries or self.kinds or self.owned_by):
            raise ValueError("a selector needs at least one of nodes, countries, kinds, owned_by")
        return self


ShockKind = Literal["export_ban", "delivery_stop", "shutdown", "ownership_freeze", "capacity_cut"]


class Shock(_Model):
    """A dated disruption. ``fraction`` of the flow or capacity is lost while it lasts.

    * export_ban: shipments from ``target`` to nodes in other countries (or to ``to``) stop.
    * delivery_stop: shipments from ``target`` to ``to`` stop (e.g. a supplier halts a customer).
    * shutdown: ``target`` nodes neither produce nor ship.
    * ownership_freeze: shipments between the ``target`` group and outside it stop.
    * capacity_cut: ``target`` nodes' production capacity falls by ``fraction``.
    """

    id: Slug
    kind: ShockKind
    target: Selector
    to: Selector | None = None
    start: dt.date
    end: dt.date | None = Field(None, description="First day without the shock; empty: open.")
    duration_days: Value | None = Field(None, description="Alternative to end (may be a spread).")
    fraction: Value = 1.0
    source: list[str] = Field(default_factory=list)
    note: str = ""

    @model_validator(mode="after")
    def _check(self) -> Shock:
        if self.end is not None and self.duration_days is not None:
            raise ValueError("give end or duration_days, not both")
        if self.end is not None and self.end <= self.start:
            raise ValueError(f"end {self.end} must be after start {self.start}")
        frac = self.fraction.high if isinstance(self.fraction, Spread) else self.fraction
        if frac > 1:
            raise ValueError(f"fraction must be within 0..1, got {frac}")
        if self.kind == "delivery_stop" and self.to is None:
            raise ValueError("a delivery_stop needs 'to' (whose deliveries stop)")
        return self


class Market(_Model):
    """Price response under scarcity: P/P0 = min(cap, (filled/ordered)^(-1/elasticity))."""

    price_elasticity: float = Field(1.0, gt=0)
    price_cap: float = Field(10.0, ge=1)
    source: list[str] = Field(default_factory=list)


class Defaults(_Model):
    """Values used where a node leaves them empty (each a documented modelling assumption)."""

    capacity_headroom: float = Field(0.15, ge=0)
    inventory_days: Value = 0.0
    finished_days: Value = 0.0
    stop_threshold: float = Field(
        0.01, gt=0, lt=1, description="A plant day counts as cut when output < (1 - this) × plan."
    )
    source: list[str] = Field(default_factory=list)


class Scenario(_Model):
    """A whole supply network with its shocks."""

    id: Slug
    title: str = ""
    description: str = ""
    units_note: str = Field("", description="What one unit of each part means.")
    start_date: dt.date
    days: int = Field(ge=1, le=3650)
    defaults: Defaults = Field(default_factory=lambda: Defaults.model_validate({}))
    market: Market = Field(default_factory=lambda: Market.model_validate({}))
    nodes: list[Node] = Field(min_length=1)
    edges: list[Edge] = Field(default_factory=list)
    alternates: list[Alternate] = Field(default_factory=list)
    demand: list[Demand] = Field(min_length=1)
    shocks: list[Shock] = Field(default_factory=list)
    reported: list[dict[str, Any]] = Field(
        default_factory=list, description="Observed events to compare with (free-form, sourced)."
    )
    calibration: dict[str, Any] | None = Field(
        None,
        description="Written by `chipwar supply calibrate`: method, prior scenario, observations, "
        "samples, seed, acceptance statistics. A record; the engine does not read it.",
    )
    source: list[str] = Field(default_factory=list)

    def end_date(self) -> dt.date:
        return self.start_date + dt.timedelta(days=self.days)


def parse_scenario(raw: Any, where: str = "scenario") -> Scenario:
    """Validate a mapping into a Scenario; every problem on its own line naming the field."""
    if not isinstance(raw, dict):
        raise ScenarioError(f"{where}: expected a mapping at the top level")
    try:
        return Scenario.model_validate(raw)
    except ValidationError as exc:
        raise ScenarioError(_label_items(format_validation_error(exc, where), raw)) from None


def _label_items(text: str, raw: dict[str, Any]) -> str:
    """Replace ``nodes.3.`` by ``nodes[hamburg].`` so messages name the item, not its index."""
    keys = {"nodes": "id", "alternates": "id", "shocks": "id", "demand": "plant"}
    for coll, key in keys.items():
        items = raw.get(coll)
        if isinstance(items, list):
            for i, item in enumerate(items):
                if isinstance(item, dict) and key in item:
                    text = text.replace(f" {coll}.{i}.", f" {coll}[{item[key]}].")
                    text = text.replace(f" {coll}.{i}:", f" {coll}[{item[key]}]:")
    edges = raw.get("edges")
    if isinstance(edges, list):
        for i, e in enumerate(edges):
            if isinstance(e, dict):
                label = f"{e.get('supplier')}->{e.get('customer')}"
                text = text.replace(f" edges.{i}.", f" edges[{label}].")
                text = text.replace(f" edges.{i}:", f" edges[{label}]:")
    return text


def builtin_scenarios() -> list[str]:
    """Names of the SUPPLY scenarios shipped with the package (files with nodes and demand).

    The folder is shared with other parts' scenarios, which are told apart by their keys."""
    names = []
    for path in sorted(BUILTIN_DIR.glob("*.yaml")):
        try:
            raw = read_structured(path)
        except ChipwarError:
            continue
        if isinstance(raw, dict) and "nodes" in raw and "demand" in raw:
            names.append(path.stem)
    return names


def resolve_path(name_or_path: str | Path) -> Path:
    """A file path, or the name of a built-in scenario (e.g. ``nexperia-2025``)."""
    path = Path(name_or_path)
    if path_exists(path):
        return path
    known = builtin_scenarios()
    if str(name_or_path) in known:
        return BUILTIN_DIR / f"{name_or_path}.yaml"
    raise ScenarioError(
        f"scenario {excerpt(str(name_or_path))}: no such file and not a built-in scenario "
        f"(built-in: {', '.join(known) or 'none'})"
    )


def read_scenario(name_or_path: str | Path) -> Scenario:
    """Read and validate a scenario file (YAML or JSON) or a built-in scenario by name."""
    path = resolve_path(name_or_path)
    return parse_scenario(
        read_document(path, "a supply scenario (a mapping with nodes: and demand:)"),
        where=path.name,
    )


def write_scenario(scn: Scenario, path: Path, header: str = "") -> None:
    """Write a scenario as YAML (atomically; ``header`` lines become ``#`` comments)."""
    import textwrap

    import yaml

    from chipwar.catalog.io import write_atomically

    raw = scn.model_dump(mode="json", exclude_none=True)
    lines = [w for line in header.splitlines() for w in textwrap.wrap(line, 96) or [""]]
    comment = "".join(f"# {line}".rstrip() + "\n" for line in lines)
    text = comment + yaml.safe_dump(
        raw, sort_keys=False, allow_unicode=True, width=100, default_flow_style=None
    )
    write_atomically(path, lambda tmp: tmp.write_text(text, encoding="utf-8"), ".scn-", ".yaml")


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the scenario format (published as docs/supply-scenario.schema.json)."""
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "chipwar supply scenario"
    return schema


def scenario_source_ids(scn: Scenario) -> list[tuple[str, str]]:
    """(where, source id) for every citation in a scenario."""
    out: list[tuple[str, str]] = [("", s) for s in scn.source]
    out += [("defaults", s) for s in scn.defaults.source]
    out += [("market", s) for s in scn.market.source]
    out += [(f"nodes[{n.id}]", s) for n in scn.nodes for s in n.source]
    out += [(f"edges[{e.supplier}->{e.customer}]", s) for e in scn.edges for s in e.source]
    out += [(f"alternates[{a.id}]", s) for a in scn.alternates for s in a.source]
    out += [(f"demand[{d.plant}]", s) for d in scn.demand for s in d.source]
    out += [(f"shocks[{k.id}]", s) for k in scn.shocks for s in k.source]
    for i, rep in enumerate(scn.reported):
        src = rep.get("source")
        for s in [src] if isinstance(src, str) else list(src or []):
            out.append((f"reported[{i}]", str(s)))
    return out


def check_data(sources: dict[str, Any]) -> list[str]:
    """Checker for ``chipwar data validate``: every shipped scenario compiles and cites known ids.

    Nodes, edges, alternates, demand and shocks of a shipped scenario must each cite a source.
    """
    from chipwar.supply.network import compile_network

    problems: list[str] = []
    for name in builtin_scenarios():
        where = f"scenarios/{name}.yaml"
        try:
            scn = read_scenario(name)
            compile_network(scn, None)
        except ChipwarError as exc:
            problems += [f"{where}: {line}" for line in str(exc).splitlines()]
            continue
        for item, sid in scenario_source_ids(scn):
            if sid not in sources:
                problems.append(f"{where}: {item}: source {sid!r} is not in the bibliography")
        items = [
            *(f"nodes[{n.id}]" for n in scn.nodes if not n.source),
            *(f"edges[{e.supplier}->{e.customer}]" for e in scn.edges if not e.source),
            *(f"alternates[{a.id}]" for a in scn.alternates if not a.source),
            *(f"demand[{d.plant}]" for d in scn.demand if not d.source),
            *(f"shocks[{k.id}]" for k in scn.shocks if not k.source),
        ]
        problems += [f"{where}: {item}: cites no source" for item in items]
    return problems
