"""Checks on the export-control engine (``chipwar.controls``): the licence status of named chips
on a date, and aggregate ownership through the entity graph. Observations: published rules and
filings. ``controls.purchasable_share`` is a share over whatever chips the catalog holds: it is
registered as a *composition* check, which no claim may use for a verdict (principle 4)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from chipwar.catalog.accelerators import load_accelerators
from chipwar.catalog.tools import get_tool
from chipwar.claims.base import DataMissing, Modelled, register
from chipwar.claims.checks.catalog import accelerator, scale_if
from chipwar.controls import ownership as own
from chipwar.controls.classify import classify
from chipwar.controls.parties import load_parties
from chipwar.controls.tool_rules import load_tool_rules
from chipwar.controls.tools import classify_tools


def _date(value: Any, shift_days: float = 0.0) -> dt.date:
    d = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    return d + dt.timedelta(days=round(shift_days))


def _classify_frame(chips: list[Any], destination: str, date: dt.date, **kw: Any) -> pd.DataFrame:
    return classify(chips, destination, date, **kw)


def _perf_scaled(chip: Any, factor: float, capability: bool = False) -> Any:
    """The chip with dense TFLOPS x factor (and, for ``capability``, memory bandwidth and
    interconnect too: the quantities export rules test)."""
    if factor == 1.0:
        return chip
    upd: dict[str, Any] = {"dense_tflops": {k: v * factor for k, v in chip.dense_tflops.items()}}
    if capability:
        for name in ("memory_bandwidth_tbps", "interconnect_gbps"):
            if getattr(chip, name, None) is not None:
                upd[name] = getattr(chip, name) * factor
    return chip.model_copy(update=upd)


def _chip_knob(chip: Any, knob: str, value: float) -> Any:
    if knob == "chip_performance":
        return _perf_scaled(chip, value)
    if knob == "chip_capability":
        return _perf_scaled(chip, value, capability=True)
    return chip


@register(
    "controls.licence_share",
    engine="chipwar.controls.classify",
    knobs=("chip_performance", "chip_capability", "date_shift_days"),
    basis="observation",
)
def controls_licence_share(params: dict[str, Any], knob: str, value: float) -> Modelled:
    """Share of the listed chips that need a licence for ``destination`` on ``date``."""
    chips = [_chip_knob(accelerator(c), knob, value) for c in params["chips"]]
    shift = value if knob == "date_shift_days" else 0.0
    date = _date(params["date"], shift)
    frame = _classify_frame(chips, str(params["destination"]), date)
    share = float(frame["license_required"].astype(bool).mean())
    cols = [c for c in ("chip", "eccn", "tpp", "license_required", "rule_version") if c in frame]
    return Modelled(
        value=share,
        sources=sorted({s for c in chips for s in c.source}),
        basis=f"classify({', '.join(params['chips'])}, {params['destination']}, {date})",
        rows=frame[cols].to_dict(orient="records"),
        assumptions=["licences assumed not granted (chipwar.controls convention)"],
    )


@register(
    "controls.purchasable_share",
    engine="chipwar.controls.classify",
    knobs=("chip_performance", "chip_capability", "date_shift_days"),
    basis="observation",
    composition=True,
)
def controls_purchasable_share(params: dict[str, Any], knob: str, value: float) -> Modelled:
    """Share of a vendor's catalog chips that can be bought in ``destination`` on ``date``
    (released by then and needing no licence)."""
    shift = value if knob == "date_shift_days" else 0.0
    date = _date(params["date"], shift)
    chips = [
        c
        for c in load_accelerators().values()
        if c.vendor == params.get("vendor", c.vendor)
        and c.datacenter == params.get("datacenter", c.datacenter)
        and (c.release_date is None or c.release_date <= date)
    ]
    if not chips:
        raise DataMissing(f"no {params.get('vendor')} chips released by {date} in the catalog")
    chips = [_chip_knob(c, knob, value) for c in chips]
    frame = _classify_frame(chips, str(params["destination"]), date, missing="flag")
    unknown = frame.loc[frame["license_required"].isna(), "chip"].tolist()
    frame = frame[frame["license_required"].notna()]
    if frame.empty:
        raise DataMissing(f"no chip's licence status is determined on {date}: {unknown}")
    can_buy = ~frame["license_required"].astype(bool)
    cols = [c for c in ("chip", "eccn", "tpp", "license_required", "rule_version") if c in frame]
    return Modelled(
        value=float(can_buy.mean()),
        sources=sorted({s for c in chips for s in c.source}),
        basis=f"share of {len(frame)} {params.get('vendor')} chips without licence, {date}",
        rows=frame[cols].to_dict(orient="records"),
        assumptions=["legal availability stands in for market share (licences assumed not granted)"]
        + [f"left out, licence status undetermined (spec unknown): {', '.join(unknown)}"]
        * bool(unknown),
    )


@register(
    "controls.ownership_share",
    engine="chipwar.controls.ownership",
    knobs=("ownership",),
    basis="observation",
)
def controls_ownership_share(params: dict[str, Any], knob: str, value: float) -> Modelled:
    """Aggregate share of ``target`` held by ``owners`` on ``date`` (ownership engine); cites the
    ownership edges on the paths, the owners' listing and the affiliates rule."""
    date = _date(params["date"])
    owners = [str(o) for o in params["owners"]]
    shares = own.owned_by(owners, date, min_share=0.0)
    target = str(params["target"])
    if target not in shares:
        raise DataMissing(f"{target!r} is not owned by {owners} in the ownership data")
    share = float(shares[target]) * scale_if(knob, "ownership", value)
    g = own.load_ownership()
    listed = np.zeros(g.n, dtype=bool)
    listed[[g.idx(o) for o in owners]] = True
    paths = own.top_paths(g.matrix(date), g.idx(target), listed)
    day = (date - dt.date(1970, 1, 1)).days  # the ownership graph's day index
    sources: list[str] = []
    for path in paths:
        for a, b in zip(path.nodes, path.nodes[1:], strict=False):
            hit = (g.owner == a) & (g.owned == b) & (g.day_from <= day) & (day <= g.day_to)
            for e in np.nonzero(hit)[0]:
                sources += g.edge_source[int(e)] if g.edge_source else []
    sources += [s for p in load_parties() if p.id in owners for s in p.source]
    rule = own.load_affiliates_rule()
    sources += list(rule.source)
    return Modelled(
        value=share,
        sources=list(dict.fromkeys(sources)),
        basis=f"owned_by({owners}, {date})[{target}]; {rule.name} threshold {rule.threshold:g}",
        rows=[
            {"owner": ", ".join(owners), "entity": target, "share": share},
            *({"path": p.describe(g.names), "share": p.product} for p in paths),
        ],
        assumptions=["knob scales the aggregate share (one-edge chain)"],
    )


@register(
    "controls.tool_licence_share",
    engine="chipwar.controls.tools",
    knobs=("tool_coarseness", "date_shift_days"),
    basis="observation",
)
def controls_tool_licence_share(params: dict[str, Any], knob: str, value: float) -> Modelled:
    """Share of the named lithography tools (``data/tools.yaml``) that need a licence for
    ``destination`` on ``date`` under at least one regime (US, NL, EU, JP; licences assumed not
    granted): ``license_required_any`` of ``chipwar.controls.tools.classify_tools``. Knob
    ``tool_coarseness`` k multiplies each tool's wavelength and dedicated-chuck overlay and
    divides its NA (the parameters the rules test)."""
    shift = value if knob == "date_shift_days" else 0.0
    date = _date(params["date"], shift)
    tools = [str(t) for t in params["tools"]]
    specs = [get_tool(t) for t in tools]
    if knob == "tool_coarseness" and value != 1.0:  # a coarser (k > 1) or finer scanner
        specs = [_coarser(t, value) for t in specs]
    frame = classify_tools(specs, str(params["destination"]), date)
    per_tool = frame.groupby("tool", sort=False)["license_required_any"].first()
    if per_tool.isna().any():
        raise DataMissing(
            f"licence status undetermined on {date}: {list(per_tool[per_tool.isna()].index)}"
        )
    book = load_tool_rules()
    rule_sources = {
        v.meta.id: list(v.meta.source) for versions in book.versions.values() for v in versions
    }
    used = [r for r in frame["rule_version"].dropna().unique() if r in rule_sources]
    sources = [s for t in tools for s in get_tool(t).source]
    sources += [s for r in used for s in rule_sources[r]]
    rows = frame[["tool", "regime", "license_required", "rule_version"]].to_dict(orient="records")
    return Modelled(
        value=float(per_tool.astype(bool).mean()),
        sources=list(dict.fromkeys(sources)),
        basis=f"classify_tools({', '.join(tools)}, {params['destination']}, {date})",
        rows=rows,
        assumptions=["licences assumed not granted (chipwar.controls convention)"],
    )


def _coarser(tool: Any, k: float) -> Any:
    """The tool with wavelength x k, NA / k and overlay x k (None stays None)."""
    upd: dict[str, Any] = {}
    for name, f in (("wavelength_nm", k), ("dedicated_chuck_overlay_nm", k)):
        if getattr(tool, name) is not None:
            upd[name] = getattr(tool, name) * f
    if tool.numerical_aperture is not None:
        upd["numerical_aperture"] = min(tool.numerical_aperture / k, 2.0)
    return tool.model_copy(update=upd)
