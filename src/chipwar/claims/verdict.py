"""Verdict logic: compare a modelled value (with its range) to a claimed interval.

With claimed interval [a, b] and tolerance t (absolute, or relative to each bound):

* **supported**          modelled base value in [a - t_a, b + t_b]
* **partly supported**   base in [a - k t_a, b + k t_b] (k = ``tolerance.partial``, default 2),
                         or the modelled range [low, high] overlaps [a - t_a, b + t_b]
* **contradicted**       otherwise
* **undecided**          (set by ``evaluate``) the verdict above flips inside the uncertain
                         input's own low-high range (principle 5); the flip point is shown
* **not checkable**      no independent measured value (data missing, only the article's own
                         source, an engine refusing the input)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from chipwar.claims.base import (
    CONTRADICTED,
    NOT_CHECKABLE,
    PARTLY,
    SUPPORTED,
    UNDECIDED,
    VERDICTS,
    Modelled,
    Reason,
)
from chipwar.claims.ledger import Claimed, Tolerance, day_text

__all__ = [
    "CONTRADICTED",
    "NOT_CHECKABLE",
    "PARTLY",
    "REASONS",
    "SUPPORTED",
    "UNDECIDED",
    "VERDICTS",
    "Modelled",
    "judge",
    "judge_parts",
    "partial_band",
    "render_reason",
]

_EPS = 1e-9


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


REASONS: dict[str, str] = {
    "no_value": "no modelled value",
    "within": "modelled {value} is within the claimed {claimed} (tolerance included)",
    "near": "modelled {value} is near but outside the claimed {claimed} (within {k}x tolerance)",
    "range": "modelled {value} is outside the claimed {claimed}, but the modelled range "
    "{low}–{high} reaches it",
    "below": "modelled {value} is below the claimed {claimed}",
    "above": "modelled {value} is above the claimed {claimed}",
    "not_checkable": "not checkable ({detail})",
    "engine_refused": "not checkable (engine refused: {detail})",
    "no_sources": "not checkable (the check cites no source for the data it used)",
    "not_independent": "not checkable independently: the only sources are the article's own "
    "or reports that restate it ({ids})",
    "undecided": "; undecided: {knob} {move} (inside its own range {low}–{high}) makes it "
    "{verdict}",
    "exact_flip": "; exact rule: any change in {knob} makes it {verdict}",
    "borderline": "; borderline: {knob} {move} makes it {verdict}",
}
"""English reason templates; the report translates them by key (``reason.<key>`` in
``chipwar.report.i18n``). ``{value}``, ``{claimed}`` and ``{move}`` get the ``{unit}`` appended
when rendered; ``{verdict}`` is a verdict word."""


def render_reason(
    parts: list[Reason],
    templates: Mapping[str, str] | None = None,
    words: Mapping[str, str] | None = None,
) -> str:
    """Join the reason parts, each formatted with its template (English by default); ``words``
    translates verdict words (``verdict`` arguments) and units (``unit.<unit>`` keys)."""
    tpl, w = templates or REASONS, words or {}
    out = []
    for key, args in parts:
        a = dict(args)
        if "unit" in a:
            unit = w.get(f"unit.{a['unit']}", a["unit"]) if a["unit"] else ""
            for k in ("value", "claimed", "move"):
                if k in a:
                    a[k] = f"{a[k]} {unit}".rstrip()
        if "verdict" in a:
            a["verdict"] = w.get(a["verdict"], a["verdict"])
        out.append(tpl[key].format(**a))
    return "".join(out)


def judge_parts(claimed: Claimed, tol: Tolerance, m: Modelled | None) -> tuple[str, Reason]:
    """Return ``(verdict, (reason template key, arguments))``."""
    if m is None or not math.isfinite(m.value):
        return NOT_CHECKABLE, ("no_value", {})
    lo_t, hi_t = _bounds(claimed, tol, 1.0)
    lo_p, hi_p = _bounds(claimed, tol, tol.partial)
    v = m.value
    shown = day_text(v) if claimed.unit == "date" else _fmt(v)
    if claimed.unit == "year":
        shown = f"{v:.0f}"
    args = {"value": shown, "claimed": claimed.bound_text(), "unit": claimed.unit}
    if claimed.unit in ("date", "year"):
        args["unit"] = ""
    if _inside(v, lo_t, hi_t):
        return SUPPORTED, ("within", args)
    if _inside(v, lo_p, hi_p):
        return PARTLY, ("near", {**args, "k": f"{tol.partial:g}"})
    if m.low is not None and m.high is not None:
        r_lo, r_hi = min(m.low, m.high), max(m.low, m.high)
        if r_lo <= hi_t + _EPS and r_hi >= lo_t - _EPS:
            return PARTLY, ("range", {**args, "low": _fmt(r_lo), "high": _fmt(r_hi)})
    return CONTRADICTED, ("below" if v < lo_t else "above", args)


def judge(claimed: Claimed, tol: Tolerance, m: Modelled | None) -> tuple[str, str]:
    """Return ``(verdict, one-line reason)``."""
    verdict, reason = judge_parts(claimed, tol, m)
    return verdict, render_reason([reason])


def _fmt(x: float) -> str:
    if x == 0 or not math.isfinite(x):
        return f"{x:g}"
    a = abs(x)
    if a >= 100:
        return f"{x:,.0f}"
    if a >= 1:
        return f"{x:.3g}"
    return f"{x:.3g}"
