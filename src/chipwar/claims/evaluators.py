"""Evaluators: one small function per check type, registered by name in ``EVALUATORS``.

An evaluator takes the claim's ``check.params``, the name of the input to perturb (the claim's
``knob.input``) and the knob value (a factor for ``scale`` knobs, 1 = unchanged; an offset for
``shift`` knobs, 0 = unchanged), and returns a :class:`Modelled`. It raises
:class:`EngineMissing` when the engine it needs is not installed yet, and :class:`DataMissing`
when the data it needs (a chip, a series) is absent: both give the verdict "not checkable".
"""

from __future__ import annotations

import ast
import datetime as dt
import importlib
import math
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from chipwar.claims.verdict import Modelled
from chipwar.errors import ChipwarError

EvalFn = Callable[[dict[str, Any], str, float], Modelled]


class NotCheckable(Exception):
    """The claim cannot be evaluated with what is installed; the message says why."""


class EngineMissing(NotCheckable):
    """The engine module (or its contract function) is not available yet."""


class DataMissing(NotCheckable):
    """The data the check needs (a chip, a site, a series point) is not in the shipped tables."""


@dataclass(frozen=True)
class Evaluator:
    name: str
    fn: EvalFn
    engine: str
    """Dotted module the evaluator calls (shown when missing)."""
    knobs: tuple[str, ...]
    """Inputs this evaluator can perturb."""


EVALUATORS: dict[str, Evaluator] = {}


def evaluator(name: str, engine: str, knobs: tuple[str, ...]) -> Callable[[EvalFn], EvalFn]:
    """Register ``fn`` as the evaluator for check type ``name``."""

    def deco(fn: EvalFn) -> EvalFn:
        EVALUATORS[name] = Evaluator(name, fn, engine, knobs)
        return fn

    return deco


def _adapted(name: str, engine: str, knobs: tuple[str, ...], adapter: str) -> None:
    """Register check type ``name`` as served by ``chipwar.claims.adapters.<adapter>``.

    ``adapters`` imports this module, so it is imported when the check first runs.
    """

    def run(params: dict[str, Any], knob: str, value: float) -> Modelled:
        from chipwar.claims import adapters

        fn: EvalFn = getattr(adapters, adapter)
        return fn(params, knob, value)

    run.__name__ = run.__qualname__ = adapter
    evaluator(name, engine, knobs)(run)


def require(module: str, attr: str | None = None) -> Any:
    """Import ``module`` (and return ``attr`` from it) or raise EngineMissing."""
    try:
        mod = importlib.import_module(module)
    except ImportError as exc:
        raise EngineMissing(f"engine missing: {module} ({exc.__class__.__name__})") from None
    if attr is None:
        return mod
    if not hasattr(mod, attr):
        raise EngineMissing(f"engine missing: {module}.{attr}")
    return getattr(mod, attr)


def _scale(knob: str, name: str, value: float) -> float:
    return value if knob == name else 1.0


def _aggregate(values: pd.Series, how: str) -> float:
    if how == "max":
        return float(values.max())
    if how == "min":
        return float(values.min())
    if how == "mean":
        return float(values.mean())
    raise ChipwarError(f"check.params.aggregate: {how!r} is not allowed; expected max, min, mean")


def _date(value: Any, shift_days: float = 0.0) -> dt.date:
    d = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    return d + dt.timedelta(days=round(shift_days))


# ------------------------------------------------------------------ evidence (sourced values)

_OPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}


def eval_formula(formula: str, names: dict[str, float]) -> float:
    """Evaluate ``formula`` over ``names`` (+ - * /, numbers, ``fx('CNY', 2024)``) safely."""
    from chipwar.catalog.fx import usd_per_unit

    def ev(node: ast.AST) -> Any:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float | str):
            return node.value
        if isinstance(node, ast.Name):
            if node.id not in names:
                raise ChipwarError(f"formula: unknown name {node.id!r}; inputs are {sorted(names)}")
            return names[node.id]
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            return _OPS[type(node.op)](ev(node.left), ev(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -ev(node.operand)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "fx"
            and len(node.args) == 2
        ):
            currency, year = ev(node.args[0]), ev(node.args[1])
            try:
                return usd_per_unit(str(currency), int(year))
            except ChipwarError as exc:
                raise DataMissing(f"FX rate {currency}/{year} missing: {exc}") from None
        raise ChipwarError(f"formula: unsupported expression {ast.dump(node)[:60]}")

    return float(ev(ast.parse(formula, mode="eval")))


def _history_value(spec: dict[str, Any]) -> dict[str, Any]:
    """Resolve ``{series: 'name:variant', year: Y}`` from the history tables (pct -> fraction)."""
    history = require("chipwar.dynamics.history", "load_history")
    frame = history()
    name, year = str(spec["series"]), int(spec["year"])
    rows = frame[(frame["series"] == name) & (frame["year"] == year)]
    if rows.empty:
        raise DataMissing(f"history series {name!r} has no value for {year}")
    row = rows.iloc[0]
    factor = 0.01 if str(row.get("unit", "")) == "pct" else 1.0
    return {
        "value": float(row["value"]) * factor,
        "source": [s.strip() for s in str(row["source"]).split(";") if s.strip()],
        "series": f"{name} {year}",
    }


@evaluator("evidence", engine="chipwar.claims (sourced values, history series)", knobs=("*",))
def evidence(params: dict[str, Any], knob: str, value: float) -> Modelled:
    """Sourced values (in the ledger, or ``{series, year}`` from the history tables) combined
    by ``formula``; inputs with low/high give the range."""
    raw: dict[str, dict[str, Any]] = params["inputs"]
    inputs = {n: (_history_value(s) if "series" in s else s) for n, s in raw.items()}
    formula = str(params.get("formula") or next(iter(inputs)))

    def pick(bound: str) -> dict[str, float]:
        out = {}
        for name, spec in inputs.items():
            x = float(spec.get(bound, spec["value"]))
            out[name] = x * (value if name == knob else 1.0)
        return out

    base = eval_formula(formula, pick("value"))
    has_range = any("low" in s or "high" in s for s in inputs.values())
    lo = hi = None
    if has_range:
        a, b = eval_formula(formula, pick("low")), eval_formula(formula, pick("high"))
        lo, hi = min(a, b), max(a, b)
    sources = [sid for s in inputs.values() for sid in s.get("source", [])]
    rows = [
        {
            "input": n,
            "value": s["value"],
            "low": s.get("low"),
            "high": s.get("high"),
            "from": s.get("series", "ledger"),
            "source": ", ".join(s.get("source", [])),
        }
        for n, s in inputs.items()
    ]
    notes = [str(params["note"])] if params.get("note") else []
    return Modelled(
        value=base,
        low=lo,
        high=hi,
        sources=sources,
        basis=f"{formula} (sourced inputs)",
        rows=rows,
        assumptions=notes,
    )


@evaluator("unavailable", engine="chipwar.claims (no independent data)", knobs=("none",))
def unavailable(params: dict[str, Any], knob: str, value: float) -> Modelled:
    """No independent data measure this claim; ``params.why`` says what exists and why it does
    not measure the claim (verdict "not checkable")."""
    raise DataMissing(str(params.get("why", "no independent data for this quantity")))


# ------------------------------------------------------------------ catalog (no engine needed)


def _accelerator(chip_id: str) -> Any:
    from chipwar.catalog.accelerators import load_accelerators

    chips = load_accelerators()
    if chip_id not in chips:
        raise DataMissing(f"chip {chip_id!r} is not in the accelerator catalog yet")
    return chips[chip_id]


def _field(obj: Any, path: str) -> float:
    cur: Any = obj
    for part in path.split("."):
        cur = cur.get(part) if isinstance(cur, dict) else getattr(cur, part, None)
        if cur is None:
            raise DataMissing(f"{getattr(obj, 'id', obj)}: field {path!r} is empty")
    return float(cur)


@evaluator("catalog.ratio", engine="chipwar.catalog", knobs=("chip_performance",))
def catalog_ratio(params: dict[str, Any], knob: str, value: float) -> Modelled:
    """Ratio of one catalog field between two chips: chip.field / reference.field."""
    chip, ref = _accelerator(params["chip"]), _accelerator(params["reference"])
    path = str(params["field"])
    a = _field(chip, path) * _scale(knob, "chip_performance", value)
    b = _field(ref, path)
    rows = [{"chip": chip.id, path: a}, {"chip": ref.id, path: b}]
    extra = []
    for other in ("dense_tflops.fp8", "memory_bandwidth_tbps"):
        try:
            rows.append({"chip": "ratio", other: _field(chip, other) / _field(ref, other)})
        except (DataMissing, ZeroDivisionError):
            extra.append(f"{other} not available for both chips")
    return Modelled(
        value=a / b,
        sources=list(chip.source) + list(ref.source),
        basis=f"{chip.id}.{path} / {ref.id}.{path} (accelerator catalog)",
        rows=rows,
        assumptions=extra,
    )


def _sites(country: str | None = None) -> list[Any]:
    from chipwar.catalog.sites import load_sites

    sites = [s for s in load_sites().values() if country is None or s.country == country]
    if not sites:
        raise DataMissing(f"no sites with country {country!r} in the site catalog yet")
    return sites


@evaluator("catalog.subsidy", engine="chipwar.catalog", knobs=("subsidy_fraction",))
def catalog_subsidy(params: dict[str, Any], knob: str, value: float) -> Modelled:
    """Largest electricity-bill discount for chips of ``designer_country`` at sites in ``country``
    (base value = the largest 'up to' figure; range = largest base ... largest high)."""
    k = _scale(knob, "subsidy_fraction", value)
    rows, sources = [], []
    for site in _sites(params.get("country")):
        for sub in site.subsidies:
            if not sub.eligible(str(params.get("designer_country", "CN"))):
                continue
            r = sub.power_discount_fraction
            rows.append(
                {
                    "site": site.id,
                    "subsidy": sub.id,
                    "low": r.low * k,
                    "base": r.base * k,
                    "high": r.high * k,
                }
            )
            sources += list(sub.source) + list(r.source)
    if not rows:
        raise DataMissing("no eligible electricity subsidies in the site catalog yet")
    frame = pd.DataFrame(rows)
    return Modelled(
        value=float(frame["high"].max()),
        low=float(frame["base"].max()),
        high=float(frame["high"].max()),
        sources=sorted(set(sources)),
        basis="max over sites of the subsidy's 'up to' power discount (site catalog)",
        rows=rows,
    )


@evaluator("catalog.site_price", engine="chipwar.catalog", knobs=("electricity_price",))
def catalog_site_price(params: dict[str, Any], knob: str, value: float) -> Modelled:
    """Electricity price across sites in ``currency`` [per kWh]: min/max/mean of a bound."""
    from chipwar.catalog.fx import usd_per_unit

    currency = str(params.get("currency", "USD"))
    bound = str(params.get("bound", "base"))
    k = _scale(knob, "electricity_price", value)
    rows, sources = [], []
    for site in _sites(params.get("country")):
        p = site.electricity.price_usd_per_kwh
        per = usd_per_unit(currency, site.electricity.year)
        rows.append(
            {"site": site.id, f"price_{currency.lower()}_per_kwh": getattr(p, bound) * k / per}
        )
        sources += list(p.source)
    frame = pd.DataFrame(rows)
    col = frame.columns[1]
    return Modelled(
        value=_aggregate(frame[col], str(params.get("aggregate", "min"))),
        unit=f"{currency}/kWh",
        sources=sorted(set(sources)),
        basis=f"{params.get('aggregate', 'min')} over sites of the {bound} electricity price",
        rows=rows,
    )


# ------------------------------------------------------------------ compute engine


def _scaled_site(site: Any, factor: float) -> Any:
    el = site.electricity
    p = el.price_per_kwh
    price = p.model_copy(
        update={"low": p.low * factor, "base": p.base * factor, "high": p.high * factor}
    )
    return site.model_copy(update={"electricity": el.model_copy(update={"price_per_kwh": price})})


def _tco(params: dict[str, Any], knob: str, value: float) -> tuple[pd.DataFrame, list[str]]:
    from chipwar.catalog.accelerators import load_accelerators
    from chipwar.catalog.sites import load_sites

    tco_frame = require("chipwar.compute.tco", "tco_frame")
    catalog = load_accelerators()
    chips = [c for c in params["chips"] if c in catalog]
    missing = [c for c in params["chips"] if c not in catalog]
    if not chips:
        raise DataMissing(f"none of the chips {params['chips']} is in the catalog yet")
    sites_all = load_sites()
    wanted = list(sites_all) if params.get("sites", "all") == "all" else list(params["sites"])
    sites = [_scaled_site(sites_all[s], _scale(knob, "electricity_price", value)) for s in wanted]
    frame = tco_frame(chips, sites, subsidy=params.get("subsidy", "auto"))
    notes = [f"chips not yet in the catalog: {', '.join(missing)}"] if missing else []
    return frame, notes


def _tco_sources(frame: pd.DataFrame) -> list[str]:
    from chipwar.catalog.accelerators import load_accelerators
    from chipwar.catalog.sites import load_sites

    acc, sites = load_accelerators(), load_sites()
    out: set[str] = set()
    for c in frame["chip"].unique():
        if c in acc:
            out.update(acc[c].source)
    for s in frame["site"].unique():
        if s in sites:
            out.update(sites[s].source)
            out.update(sites[s].electricity.price_per_kwh.source)
    return sorted(out)


@evaluator("compute.tco_metric", engine="chipwar.compute.tco", knobs=("electricity_price",))
def compute_tco_metric(params: dict[str, Any], knob: str, value: float) -> Modelled:
    """One column of ``tco_frame`` over chips x sites, aggregated (max/min/mean)."""
    frame, notes = _tco(params, knob, value)
    metric = str(params["metric"])
    how = str(params.get("aggregate", "max"))
    rows = frame[["chip", "site", metric]].to_dict(orient="records")
    return Modelled(
        value=_aggregate(frame[metric], how),
        sources=_tco_sources(frame),
        basis=f"{how} of tco_frame.{metric} over {len(frame)} chip x site rows",
        rows=rows,
        assumptions=[*notes, "shipped TCO assumptions (chipwar.compute.tco defaults)"],
    )


CHIP_PRICE_COLUMN = "chip_price_usd_per_hour"
"""Purchase price of the accelerator alone spread evenly over its life (no interest, no server,
no building): the 'chip purchase cost' a claim compares with, per hour [USD/h]."""


def _with_chip_price_per_hour(frame: pd.DataFrame) -> tuple[pd.DataFrame, str, list[str]]:
    from chipwar.catalog.accelerators import load_accelerators
    from chipwar.catalog.io import DATA_DIR, read_structured

    life = read_structured(DATA_DIR / "tco_assumptions.yaml")["life_years"]
    years = float(life["base"])
    acc = load_accelerators()
    prices = {c: (r.base if (r := acc[c].price_usd) is not None else math.nan) for c in acc}
    price = frame["chip"].map(prices)
    out = frame.assign(**{CHIP_PRICE_COLUMN: price / (years * 8760.0)})
    note = f"chip price (base) / ({years:g}-year life x 8,760 h); life: tco_assumptions.yaml"
    return out, note, [str(x) for x in life.get("source", [])]


@evaluator("compute.tco_ratio", engine="chipwar.compute.tco", knobs=("electricity_price",))
def compute_tco_ratio(params: dict[str, Any], knob: str, value: float) -> Modelled:
    """Ratio of two ``tco_frame`` columns per row, aggregated over chips x sites."""
    frame, notes = _tco(params, knob, value)
    num, den = str(params["numerator"]), str(params["denominator"])
    life_src: list[str] = []
    if CHIP_PRICE_COLUMN in (num, den):
        frame, extra, life_src = _with_chip_price_per_hour(frame)
        notes.append(extra)
    ratio = frame[num] / frame[den]
    how = str(params.get("aggregate", "max"))
    rows = frame.assign(ratio=ratio)[["chip", "site", num, den, "ratio"]].to_dict(orient="records")
    srcs = _tco_sources(frame) + life_src
    if CHIP_PRICE_COLUMN in (num, den):
        from chipwar.catalog.accelerators import load_accelerators

        acc = load_accelerators()
        for c in frame["chip"].unique():
            r = acc[c].price_usd
            srcs += list(r.source) if r is not None else []
    return Modelled(
        value=_aggregate(ratio, how),
        sources=list(dict.fromkeys(srcs)),
        basis=f"{how} of {num} / {den} over chips x sites",
        rows=rows,
        assumptions=[*notes, "shipped TCO assumptions (chipwar.compute.tco defaults)"],
    )


# ------------------------------------------------------------------ workloads engine


# metric(chip) / metric(reference) from the workload engine (tokens/s, USD or kWh per Mtok).
_adapted(
    "workloads.ratio",
    engine="chipwar.compute.workload",
    knobs=("chip_power", "chip_price", "chip_bandwidth"),
    adapter="workload_ratio",
)


# ------------------------------------------------------------------ export controls


def _classify(chips: list[Any], destination: str, date: dt.date, **kw: Any) -> pd.DataFrame:
    classify = require("chipwar.controls.classify", "classify")
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


@evaluator(
    "controls.licence_share",
    engine="chipwar.controls.classify",
    knobs=("chip_performance", "chip_capability", "date_shift_days"),
)
def controls_licence_share(params: dict[str, Any], knob: str, value: float) -> Modelled:
    """Share of the listed chips that need a licence for ``destination`` on ``date``."""
    chips = [_chip_knob(_accelerator(c), knob, value) for c in params["chips"]]
    shift = value if knob == "date_shift_days" else 0.0
    date = _date(params["date"], shift)
    frame = _classify(chips, str(params["destination"]), date)
    share = float(frame["license_required"].astype(bool).mean())
    cols = [c for c in ("chip", "eccn", "tpp", "license_required", "rule_version") if c in frame]
    return Modelled(
        value=share,
        sources=sorted({s for c in chips for s in c.source}),
        basis=f"classify({', '.join(params['chips'])}, {params['destination']}, {date})",
        rows=frame[cols].to_dict(orient="records"),
        assumptions=["licences assumed not granted (chipwar.controls convention)"],
    )


@evaluator(
    "controls.purchasable_share",
    engine="chipwar.controls.classify",
    knobs=("chip_performance", "chip_capability", "date_shift_days"),
)
def controls_purchasable_share(params: dict[str, Any], knob: str, value: float) -> Modelled:
    """Share of a vendor's catalog chips that can be bought in ``destination`` on ``date``
    (released by then and needing no licence)."""
    from chipwar.catalog.accelerators import load_accelerators

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
    frame = _classify(chips, str(params["destination"]), date, missing="flag")
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


@evaluator("controls.ownership_share", engine="chipwar.controls.ownership", knobs=("ownership",))
def controls_ownership_share(params: dict[str, Any], knob: str, value: float) -> Modelled:
    """Aggregate share of ``target`` held by ``owners`` on ``date`` (ownership engine); cites the
    ownership edges on the paths, the owners' listing and the affiliates rule."""
    owned_by = require("chipwar.controls.ownership", "owned_by")
    from chipwar.controls import ownership as own

    date = _date(params["date"])
    owners = [str(o) for o in params["owners"]]
    shares = owned_by(owners, date, min_share=0.0)
    target = str(params["target"])
    if target not in shares:
        raise DataMissing(f"{target!r} is not owned by {owners} in the ownership data")
    share = float(shares[target]) * _scale(knob, "ownership", value)
    g = own.load_ownership()
    listed = np.zeros(g.n, dtype=bool)
    listed[[g.idx(o) for o in owners]] = True
    paths = own.top_paths(g.matrix(date), g.idx(target), listed)
    day = own._day(date)
    sources: list[str] = []
    for path in paths:
        for a, b in zip(path.nodes, path.nodes[1:], strict=False):
            hit = (g.owner == a) & (g.owned == b) & (g.day_from <= day) & (day <= g.day_to)
            for e in np.nonzero(hit)[0]:
                sources += g.edge_source[int(e)] if g.edge_source else []
    try:
        from chipwar.controls.parties import load_parties

        sources += [s for p in load_parties() if p.id in owners for s in p.source]
    except ChipwarError:
        pass
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


# ------------------------------------------------------------------ supply, dynamics, history


# Checks served by the same-named function in ``chipwar.claims.adapters`` (dots -> underscores).
for _name, _engine, _knob in (
    ("supply.backend_share", "chipwar.supply", "share"),
    ("supply.weeks_to_shortage", "chipwar.supply", "inventory"),
    ("supply.inventory_cover_weeks", "chipwar.supply", "inventory"),
    ("supply.peak_price", "chipwar.supply", "elasticity"),
    ("supply.qualification_months", "chipwar.supply", "qualification"),
    ("dynamics.value", "chipwar.dynamics.api", "other_ss"),
    ("dynamics.probability", "chipwar.dynamics.api", "other_ss"),
):
    _adapted(_name, _engine, (_knob,), adapter=_name.replace(".", "_"))


def fallback(params: dict[str, Any], knob_factor: float, why: str) -> Modelled:
    """Use the sourced ``fallback`` value in the claim's params (or re-raise ``why``)."""
    fb = params.get("fallback")
    if not fb:
        raise DataMissing(why)
    lo, hi = fb.get("low"), fb.get("high")
    return Modelled(
        value=float(fb["value"]) * knob_factor,
        low=None if lo is None else float(lo) * knob_factor,
        high=None if hi is None else float(hi) * knob_factor,
        sources=list(fb.get("source", [])),
        basis=f"sourced value in the ledger ({why})",
        rows=[{"value": fb["value"], "source": ", ".join(fb.get("source", []))}],
    )


def finite(x: float) -> bool:
    return math.isfinite(x)
