"""Sourced values: figures in the ledger, points of the history series and of the equipment data
(``chipwar.dynamics.equipment_history``), combined by a small formula; and ``unavailable`` for
claims no independent figure measures.

Input kinds inside ``params.inputs`` (each cites its sources):

* ``{value, low?, high?, source}``: a published figure;
* ``{series: 'name:variant', year}``: a point of ``data/history`` (pct -> fraction);
* ``{fact: 'series', period}``: ``equipment_history.fact`` (annual or ``YYYYQn``);
* ``{milestone: 'YYYY[-MM-DD]', as?: year}``: the date of an ASML-in-China milestone (ordinal
  day, or its year).

A date value (ISO in the ledger) is an ordinal day. The knob (``knob.input`` = an input name)
scales that input, or shifts it when it is a date, a year (``additive: true``) or a milestone;
its own low/high, when given, is the knob's range (principle 5).
"""

from __future__ import annotations

import ast
import datetime as dt
import operator
from collections.abc import Callable
from typing import Any

from chipwar.catalog.fx import usd_per_unit
from chipwar.claims.base import DataMissing, Modelled, register
from chipwar.dynamics.equipment_history import asml_milestones, fact
from chipwar.dynamics.history import load_history
from chipwar.errors import ChipwarError, DataError

_OPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}


def eval_formula(formula: str, names: dict[str, float]) -> float:
    """Evaluate ``formula`` over ``names``: + - * /, numbers, ``fx('CNY', 2024)`` (USD per unit
    of the currency, dated FX table) and ``day('2025-07-15')`` (ordinal day)."""

    def ev(node: ast.AST) -> Any:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float | str):
            return node.value
        if isinstance(node, ast.Name):
            if node.id not in names:
                raise DataError(f"formula: unknown name {node.id!r}; inputs are {sorted(names)}")
            return names[node.id]
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            return _OPS[type(node.op)](ev(node.left), ev(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -ev(node.operand)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            args = [ev(a) for a in node.args]
            if node.func.id == "fx" and len(args) == 2:
                return usd_per_unit(str(args[0]), int(args[1]))
            if node.func.id == "day" and len(args) == 1:
                return float(dt.date.fromisoformat(str(args[0])).toordinal())
        raise DataError(f"formula: unsupported expression {ast.dump(node)[:60]}")

    return float(ev(ast.parse(formula, mode="eval")))


def _milestone_day(text: str) -> float:
    d = text if len(text) == 10 else f"{text}-07-01" if len(text) == 4 else f"{text}-15"
    return float(dt.date.fromisoformat(d).toordinal())


def resolve_input(spec: dict[str, Any]) -> dict[str, Any]:
    """One evidence input as ``{value, low?, high?, source, from}`` (see the module docstring)."""
    if "series" in spec:
        frame = load_history()
        name, year = str(spec["series"]), int(spec["year"])
        rows = frame[(frame["series"] == name) & (frame["year"] == year)]
        if rows.empty:
            raise DataMissing(f"history series {name!r} has no value for {year}")
        row = rows.iloc[0]
        factor = 0.01 if str(row.get("unit", "")) == "pct" else 1.0
        return {
            "value": float(row["value"]) * factor,
            "source": [s.strip() for s in str(row["source"]).split(";") if s.strip()],
            "from": f"history {name} {year}",
        }
    if "fact" in spec:
        f = fact(str(spec["fact"]), spec["period"])
        factor = 0.01 if f["unit"] == "pct" else 1.0
        return {
            "value": float(f["value"]) * factor,  # type: ignore[arg-type]
            "source": list(f["source"]),  # type: ignore[call-overload]
            "from": f"equipment_history.fact({spec['fact']}, {spec['period']})",
        }
    if "milestone" in spec:
        key = str(spec["milestone"])
        hits = [m for m in asml_milestones() if m.date == key]
        if not hits:
            raise DataMissing(f"no ASML milestone dated {key!r} in data/equipment")
        m = hits[0]
        as_year = spec.get("as") == "year"
        return {
            "value": float(m.date[:4]) if as_year else _milestone_day(m.date),
            "source": list(m.source),
            "from": f"ASML milestone {m.date} ({m.status}): {m.event}",
            "additive": True,
        }
    if "value" not in spec:
        raise DataError(f"evidence input {spec!r}: give value, series, fact or milestone")
    out: dict[str, Any] = {k: spec[k] for k in ("value", "low", "high") if k in spec}
    additive = bool(spec.get("additive", False))
    for k in ("value", "low", "high"):
        if isinstance(out.get(k), dt.date):
            out[k], additive = float(out[k].toordinal()), True
    return {**out, "source": list(spec.get("source", [])), "from": "ledger", "additive": additive}


@register("evidence", engine="chipwar.claims (sourced values)", knobs=("*",), basis="observation")
def evidence(params: dict[str, Any], knob: str, value: float) -> Modelled:
    """Sourced inputs combined by ``formula`` (default: the first input); inputs with low/high
    give the range."""
    raw: dict[str, dict[str, Any]] = params["inputs"]
    inputs = {n: resolve_input(s) for n, s in raw.items()}
    formula = str(params.get("formula") or next(iter(inputs)))

    def pick(bound: str) -> dict[str, float]:
        out = {}
        for n, s in inputs.items():
            x = float(s.get(bound, s["value"]))
            if n == knob:  # a date or year input is shifted (days or years), others scaled
                x = x + value if s.get("additive") else x * value
            out[n] = x
        return out

    try:
        base = eval_formula(formula, pick("value"))
    except ChipwarError as exc:  # an FX year the table lacks: the data are missing
        raise DataMissing(str(exc)) from None
    lo = hi = None
    if any("low" in s or "high" in s for s in inputs.values()):
        a, b = eval_formula(formula, pick("low")), eval_formula(formula, pick("high"))
        lo, hi = min(a, b), max(a, b)
    k_lo = k_hi = None
    if knob in inputs and inputs[knob]["value"] and not inputs[knob].get("additive"):
        spec = inputs[knob]
        k_lo = float(spec.get("low", spec["value"])) / float(spec["value"])
        k_hi = float(spec.get("high", spec["value"])) / float(spec["value"])
    rows = [
        {
            "input": n,
            "value": s["value"],
            "low": s.get("low"),
            "high": s.get("high"),
            "from": s["from"],
            "source": ", ".join(s["source"]),
        }
        for n, s in inputs.items()
    ]
    return Modelled(
        value=base,
        low=lo,
        high=hi,
        sources=[sid for s in inputs.values() for sid in s["source"]],
        basis=f"{formula} (sourced inputs)",
        rows=rows,
        assumptions=[str(params["note"])] if params.get("note") else [],
        knob_low=k_lo,
        knob_high=k_hi,
    )


@register(
    "unavailable",
    engine="chipwar.claims (no independent data)",
    knobs=("none",),
    basis="observation",
)
def unavailable(params: dict[str, Any], knob: str, value: float) -> Modelled:
    """No independent figure measures this claim; ``params.why`` says what exists and why it does
    not measure the claim (verdict "not checkable")."""
    raise DataMissing(str(params.get("why", "no independent data for this quantity")))


def fallback(params: dict[str, Any], knob_factor: float, why: str) -> Modelled:
    """The sourced ``fallback`` value in the claim's params (or DataMissing with ``why``)."""
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
