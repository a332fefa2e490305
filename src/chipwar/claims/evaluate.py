"""Run the ledger: evaluate each claim, judge it, and find how far its input must move to flip.

``flip`` searches the claim's knob: for a ``scale`` knob, factors 2, 4, ... 1024 and 1/2 ...
1/1024, then bisects (in log space) between the last factor with the original verdict and the
first with a different one; for a ``shift`` knob, steps of 30 days up to +/- 1,200, then bisects.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from chipwar.claims.evaluators import EVALUATORS, NotCheckable
from chipwar.claims.ledger import Claim, evidence_source_ids, load_claims
from chipwar.claims.verdict import (
    NOT_CHECKABLE,
    Modelled,
    Reason,
    judge_parts,
    partial_band,
    render_reason,
)
from chipwar.errors import ChipwarError


@dataclass
class Flip:
    """The knob value at which the verdict first changes, and to what."""

    knob: str
    kind: str
    at: float
    """Factor (scale) or offset (shift) at the flip."""
    verdict: str
    modelled: float

    def change(self) -> str:
        """The knob's move, e.g. ``x1.25`` (scale) or ``+30`` (shift)."""
        if self.kind == "scale":
            digits = ".6f" if abs(self.at - 1) < 0.01 else ".4g"
            return f"x{self.at:{digits}}"
        return f"{self.at:+.0f}"

    def text(self) -> str:
        return f"{self.knob} {self.change()} -> {self.verdict}"


@dataclass
class Result:
    claim: Claim
    verdict: str
    reason: str
    modelled: Modelled | None = None
    flip: Flip | None = None
    errors: list[str] = field(default_factory=list)
    reason_parts: list[Reason] = field(default_factory=list)
    """``reason`` as template keys and arguments (``verdict.REASONS``), for translation."""

    @classmethod
    def of(
        cls, claim: Claim, verdict: str, parts: list[Reason], modelled: Modelled | None = None
    ) -> Result:
        return cls(claim, verdict, render_reason(parts), modelled, reason_parts=parts)

    def as_dict(self) -> dict[str, Any]:
        c, m = self.claim, self.modelled
        return {
            "id": c.id,
            "article": "{title} ({outlet})".format(**_article(c)),
            "article_id": c.article,
            "title": _article(c)["title"],
            "outlet": _article(c)["outlet"],
            "voice": c.voice,
            "quote": c.quote,
            "paraphrase": c.paraphrase,
            "quantity": c.quantity,
            "claimed": c.claimed.text(),
            "claimed_bound": c.claimed.bound_text(),
            "claimed_interval": list(c.claimed.interval),
            "unit": c.claimed.unit,
            "modelled": None if m is None else m.value,
            "modelled_low": None if m is None else m.low,
            "modelled_high": None if m is None else m.high,
            "verdict": self.verdict,
            "reason": self.reason,
            "reason_parts": [[k, dict(a)] for k, a in self.reason_parts],
            "sources": _unique(evidence_source_ids(c) if m is None else m.sources),
            "check": c.check.engine,
            "tolerance": c.tolerance.describe(),
            "tolerance_rule": c.tolerance.rule,
            "basis": "" if m is None else m.basis,
            "assumption": c.knob.description or c.knob.input,
            "note": c.note,
            "flip": None if self.flip is None else self.flip.text(),
            "flip_parts": None
            if self.flip is None
            else {
                "knob": self.flip.knob,
                "change": self.flip.change(),
                "verdict": self.flip.verdict,
            },
            "assumptions": [] if m is None else m.assumptions,
            "evidence": [] if m is None else m.rows,
        }


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _article(c: Claim) -> dict[str, str]:
    from chipwar.catalog.sources import load_sources

    src = load_sources().get(c.article)
    if src is None:
        return {"id": c.article, "title": c.article, "outlet": ""}
    return {"id": c.article, "title": src.title, "outlet": src.publisher}


def identity(kind: str) -> float:
    return 1.0 if kind == "scale" else 0.0


def model(claim: Claim, knob_value: float | None = None) -> Modelled:
    """Run the claim's evaluator (``knob_value``: factor or offset on ``claim.knob.input``)."""
    ev = EVALUATORS.get(claim.check.engine)
    if ev is None:
        raise NotCheckable(f"no evaluator registered for {claim.check.engine!r}")
    v = identity(claim.knob.kind) if knob_value is None else knob_value
    return ev.fn(dict(claim.check.params), claim.knob.input, v)


def evaluate(claim: Claim, knob_value: float | None = None, *, with_flip: bool = True) -> Result:
    """Evaluate and judge one claim; never raises for missing engines or data."""
    try:
        m = model(claim, knob_value)
    except NotCheckable as exc:
        return Result.of(claim, NOT_CHECKABLE, [("not_checkable", {"detail": str(exc)})])
    except ChipwarError as exc:
        return Result.of(claim, NOT_CHECKABLE, [("engine_refused", {"detail": str(exc)})])
    except Exception as exc:  # an engine whose API moved: say so rather than fake a verdict
        detail = f"{type(exc).__name__}: {exc}"
        return Result.of(claim, NOT_CHECKABLE, [("evaluator_failed", {"detail": detail})])
    circular = _circular(m.sources)
    if circular:
        return Result.of(claim, NOT_CHECKABLE, [circular], m)
    verdict, reason = judge_parts(claim.claimed, claim.tolerance, m)
    parts = [reason]
    f = flip(claim, verdict, knob_value) if with_flip else None
    edge = _edge_note(claim, f, knob_value)
    res = Result.of(claim, verdict, parts + ([edge] if edge else []), m)
    res.flip = f
    return res


BORDERLINE = 0.01
"""A verdict that flips when its input moves by less than 1 % (or 1 day) is called borderline."""


def _edge_note(claim: Claim, f: Flip | None, start: float | None) -> Reason | None:
    if f is None:
        return None
    x0 = identity(f.kind) if start is None else start
    if f.kind == "scale":
        near = abs(math.log(f.at / x0)) < math.log1p(BORDERLINE)
        rel = f.at / x0 - 1
        move = f"{rel:+.1%}" if abs(rel) >= 0.001 else f"{'+' if rel > 0 else '-'}<0.1%"
        unit = ""
    else:
        near, move, unit = abs(f.at - x0) <= 1.0, f"{f.at - x0:+.0f}", "days"
    if not near:
        return None
    if claim.tolerance.rule == "exact":
        return "exact_flip", {"knob": f.knob, "verdict": f.verdict}
    return "borderline", {"knob": f.knob, "move": move, "unit": unit, "verdict": f.verdict}


def seed_source_ids() -> set[str]:
    """Source ids of the seed articles themselves (claims under test, not evidence)."""
    from chipwar.catalog.sources import load_sources

    return {c.article for c in load_claims()} | {s for s in load_sources() if s.startswith("seed-")}


def _circular(sources: list[str]) -> Reason | None:
    """Why the evidence cannot test the claim: it cites no source, or only the seed articles and
    modelling assumptions (a series whose only source is the seed would check it against itself).
    None when at least one independent source is cited."""
    from chipwar.catalog.sources import load_sources

    if not sources:
        return "no_sources", {}
    bib, seed = load_sources(), seed_source_ids()
    independent = [
        s for s in sources if s not in seed and (s not in bib or bib[s].kind != "assumption")
    ]
    if independent:
        return None
    return "circular", {"ids": ", ".join(_unique(sources))}


def _state(claim: Claim, x: float) -> tuple[str, int, float]:
    """(verdict, side of the "partly supported" band: -1 below, 0 inside, +1 above, value).

    The side catches a move that jumps over the claimed interval between two search steps."""
    r = evaluate(claim, x, with_flip=False)
    if r.modelled is None:
        return r.verdict, 0, math.nan
    lo, hi = partial_band(claim)
    v = r.modelled.value
    return r.verdict, (-1 if v < lo else 1 if v > hi else 0), v


def _differs(claim: Claim, x: float, verdict: str) -> bool:
    v = _state(claim, x)[0]
    return v != verdict and v != NOT_CHECKABLE


def _between(a: float, b: float, kind: str, n: int) -> list[float]:
    if kind == "shift":
        return [a + (b - a) * i / n for i in range(1, n + 1)]
    return [a * (b / a) ** (i / n) for i in range(1, n + 1)]


def flip(claim: Claim, verdict: str, start: float | None = None) -> Flip | None:
    """Smallest move of the knob (either direction) that changes the verdict, or None.

    Steps outwards (x2 per step for scale knobs, 30 days for shift knobs) until the verdict or
    the side of the claimed interval changes, then bisects on "same state as at the start".
    """
    kind = claim.knob.kind
    x0 = identity(kind) if start is None else start
    s0 = _state(claim, x0)[:2]
    best: tuple[float, Flip] | None = None
    for direction in (1, -1):
        same, diff = x0, None
        for step in range(1, 41 if kind == "shift" else 11):
            x = x0 + direction * 30.0 * step if kind == "shift" else x0 * 2.0 ** (direction * step)
            state = _state(claim, x)
            if state[0] != NOT_CHECKABLE and state[:2] != s0:
                diff = x
                break
            same = x
        if diff is None:
            continue
        # scan the bracket finer (the value may jump over the supported band, or pass through
        # another verdict first), then bisect between the last same and the first different
        xs = _between(same, diff, kind, 32 if _state(claim, diff)[0] == verdict else 8)
        hit = next((i for i, x in enumerate(xs) if _differs(claim, x, verdict)), None)
        if hit is None:
            continue
        same, diff = (xs[hit - 1] if hit else same), xs[hit]
        for _ in range(16):
            mid = (same + diff) / 2 if kind == "shift" else math.sqrt(same * diff)
            if _differs(claim, mid, verdict):
                diff = mid
            else:
                same = mid
        v, _, val = _state(claim, diff)
        if v == verdict:
            continue
        dist = abs(diff - x0) if kind == "shift" else abs(math.log(diff / x0))
        if best is None or dist < best[0]:
            best = (dist, Flip(claim.knob.input, kind, diff, v, val))
    return None if best is None else best[1]


def evaluate_all(claims: list[Claim] | None = None, *, with_flip: bool = True) -> list[Result]:
    """Evaluate every claim in the ledger (shipped ledger by default)."""
    return [evaluate(c, with_flip=with_flip) for c in (claims or load_claims())]


def summary(results: list[Result]) -> dict[str, int]:
    """Count of claims per verdict."""
    from chipwar.claims.verdict import VERDICTS

    return {v: sum(r.verdict == v for r in results) for v in VERDICTS}
