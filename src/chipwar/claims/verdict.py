"""Verdict logic: compare a modelled value (with its range) to a claimed interval.

With claimed interval [a, b] and tolerance t (absolute, or relative to each bound):

* **supported**          modelled base value in [a - t_a, b + t_b]
* **partly supported**   base in [a - k t_a, b + k t_b] (k = ``tolerance.partial``, default 2),
                         or the modelled range [low, high] overlaps [a - t_a, b + t_b]
* **contradicted**       otherwise
* **not checkable**      no modelled value (engine or data missing)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from chipwar.claims.ledger import Claimed, Tolerance

SUPPORTED = "supported"
PARTLY = "partly supported"
CONTRADICTED = "contradicted"
NOT_CHECKABLE = "not checkable"
VERDICTS = (SUPPORTED, PARTLY, CONTRADICTED, NOT_CHECKABLE)

_EPS = 1e-9


@dataclass
class Modelled:
    """What an evaluator computed: the base value, an optional range, and its evidence."""

    value: float
    low: float | None = None
    high: float | None = None
    unit: str = ""
    sources: list[str] = field(default_factory=list)
    basis: str = ""
    """One line: how the value was computed (engine, inputs)."""
    rows: list[dict[Any, Any]] = field(default_factory=list)
    """Evidence table (e.g. one row per chip x site)."""
    assumptions: list[str] = field(default_factory=list)


def _bounds(claimed: Claimed, tol: Tolerance, k: float) -> tuple[float, float]:
    lo, hi = claimed.interval
    lo_t = lo - k * tol.width(lo) if math.isfinite(lo) else lo
    hi_t = hi + k * tol.width(hi) if math.isfinite(hi) else hi
    return lo_t, hi_t


def partial_band(claim: Any) -> tuple[float, float]:
    """The interval within which a modelled value is at least "partly supported"."""
    return _bounds(claim.claimed, claim.tolerance, claim.tolerance.partial)


def _inside(x: float, lo: float, hi: float) -> bool:
    scale = max(1.0, abs(x))
    return lo - _EPS * scale <= x <= hi + _EPS * scale


def judge(claimed: Claimed, tol: Tolerance, m: Modelled | None) -> tuple[str, str]:
    """Return ``(verdict, one-line reason)``."""
    if m is None or not math.isfinite(m.value):
        return NOT_CHECKABLE, "no modelled value"
    lo_t, hi_t = _bounds(claimed, tol, 1.0)
    lo_p, hi_p = _bounds(claimed, tol, tol.partial)
    v = m.value
    shown = f"modelled {_fmt(v)} {claimed.unit}".rstrip()
    target = f"claimed {claimed.text()}"
    if _inside(v, lo_t, hi_t):
        return SUPPORTED, f"{shown} is within the {target} (tolerance included)"
    if _inside(v, lo_p, hi_p):
        return (
            PARTLY,
            f"{shown} is near but outside the {target} (within {tol.partial:g}x tolerance)",
        )
    if m.low is not None and m.high is not None:
        r_lo, r_hi = min(m.low, m.high), max(m.low, m.high)
        if r_lo <= hi_t + _EPS and r_hi >= lo_t - _EPS:
            return PARTLY, (
                f"{shown} is outside the {target}, but the modelled range "
                f"{_fmt(r_lo)}–{_fmt(r_hi)} reaches it"
            )
    side = "below" if v < lo_t else "above"
    return CONTRADICTED, f"{shown} is {side} the {target}"


def _fmt(x: float) -> str:
    if x == 0 or not math.isfinite(x):
        return f"{x:g}"
    a = abs(x)
    if a >= 100:
        return f"{x:,.0f}"
    if a >= 1:
        return f"{x:.3g}"
    return f"{x:.3g}"
