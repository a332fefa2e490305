"""Run the ledger: evaluate each claim, judge it, and find how far its input must move to flip.

Order of a verdict: the row is checked against the principles (``principles.problems``; a
broken row raises ``DataError``); its check computes a value (``NotCheckable`` or
``ChipwarError`` -> "not checkable"; any other exception propagates: principle 6); evidence
whose only sources are the seed, the row's ``restates`` or assumptions -> "not checkable
independently" (principle 1); ``verdict.judge_parts`` compares the value with the claimed
interval; the flip search finds the smallest move of the knob that changes the verdict, and a
flip inside the knob's own low-high range makes the verdict "undecided" (principle 5).

``flip`` searches the claim's knob: for a ``scale`` knob, factors 2, 4, ... 1024 and 1/2 ...
1/1024, then bisects (in log space) between the last factor with the original verdict and the
first with a different one; for a ``shift`` knob, steps of 30 days up to +/- 1,200, then bisects.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from chipwar.catalog.sources import load_sources
from chipwar.claims.base import (
    CHECKS,
    NOT_CHECKABLE,
    UNDECIDED,
    VERDICTS,
    Modelled,
    NotCheckable,
    Reason,
)
from chipwar.claims.ledger import Claim, evidence_source_ids, load_claims, seed_source_ids
from chipwar.claims.principles import group_problems, problems
from chipwar.claims.verdict import judge_parts, partial_band, render_reason
from chipwar.errors import ChipwarError, DataError


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
        return f"{self.at:+.3g}"

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
    knob_range: tuple[float, float] | None = None
    """The knob's own low-high range used for the robustness test (principle 5)."""

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
            "paraphrase": c.paraphrase.en,
            "paraphrase_zh_hant": c.paraphrase.zh_hant,
            "paraphrase_zh_hans": c.paraphrase.zh_hans,
            "tense": c.tense,
            "reading": c.reading.kind,
            "reading_text": c.reading.text,
            "meant": c.reading.meant,
            "reading_group": c.reading.group,
            "restates": list(c.restates),
            "check_basis": CHECKS[c.check.engine].basis,
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
            "knob_range": None if self.knob_range is None else list(self.knob_range),
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
    src = load_sources().get(c.article)
    if src is None:
        return {"id": c.article, "title": c.article, "outlet": ""}
    return {"id": c.article, "title": src.title, "outlet": src.publisher}


def identity(kind: str) -> float:
    return 1.0 if kind == "scale" else 0.0


def model(claim: Claim, knob_value: float | None = None) -> Modelled:
    """Run the claim's check (``knob_value``: factor or offset on ``claim.knob.input``)."""
    check = CHECKS.get(claim.check.engine)
    if check is None:
        raise DataError(f"claims.yaml[{claim.id}]: check.engine {claim.check.engine!r} unknown")
    v = identity(claim.knob.kind) if knob_value is None else knob_value
    return check.fn(dict(claim.check.params), claim.knob.input, v)


def evaluate(claim: Claim, knob_value: float | None = None, *, with_flip: bool = True) -> Result:
    """Check the row against the principles (``DataError`` when it breaks one), then evaluate
    and judge it. Only ``NotCheckable`` and ``ChipwarError`` become verdicts; any other
    exception is a bug and propagates (principle 6)."""
    broken = problems(claim)
    if broken:
        raise DataError("\n".join(broken))
    return _judge(claim, knob_value, with_flip=with_flip)


def _judge(claim: Claim, knob_value: float | None, *, with_flip: bool) -> Result:
    try:
        m = model(claim, knob_value)
    except NotCheckable as exc:
        return Result.of(claim, NOT_CHECKABLE, [("not_checkable", {"detail": str(exc)})])
    except ChipwarError as exc:
        return Result.of(claim, NOT_CHECKABLE, [("engine_refused", {"detail": str(exc)})])
    dependent = _not_independent(claim, m.sources)
    if dependent:
        return Result.of(claim, NOT_CHECKABLE, [dependent], m)
    verdict, reason = judge_parts(claim.claimed, claim.tolerance, m)
    parts = [reason]
    f = flip(claim, verdict, knob_value) if with_flip else None
    k_range = knob_range(claim, m)
    if f is not None and k_range is not None and k_range[0] <= f.at <= k_range[1]:
        parts.append(_undecided_note(claim, f, k_range, knob_value))
        verdict = UNDECIDED
    else:
        edge = _edge_note(claim, f, knob_value)
        parts += [edge] if edge else []
    res = Result.of(claim, verdict, parts, m)
    res.flip, res.knob_range = f, k_range
    return res


def _shift_unit(claim: Claim) -> str:
    """A shift knob moves a year claim in years, every other in days."""
    return "years" if claim.claimed.unit == "year" else "days"


def knob_range(claim: Claim, m: Modelled) -> tuple[float, float] | None:
    """The knob's own range: the ledger's ``knob.low/high`` or the range the check's data carry;
    None when neither gives one (or it is a single point)."""
    lo = claim.knob.low if claim.knob.low is not None else m.knob_low
    hi = claim.knob.high if claim.knob.high is not None else m.knob_high
    if lo is None or hi is None or lo == hi:
        return None
    return (min(lo, hi), max(lo, hi))


def _undecided_note(
    claim: Claim, f: Flip, k_range: tuple[float, float], start: float | None
) -> Reason:
    x0 = identity(f.kind) if start is None else start
    if f.kind == "scale":
        move, lo, hi, unit = f"{f.at / x0 - 1:+.1%}", f"x{k_range[0]:.3g}", f"x{k_range[1]:.3g}", ""
    else:
        move, lo, hi = f"{f.at - x0:+.3g}", f"{k_range[0]:+.3g}", f"{k_range[1]:+.3g}"
        unit = _shift_unit(claim)
    return "undecided", {
        "knob": f.knob,
        "move": move,
        "unit": unit,
        "low": lo,
        "high": hi,
        "verdict": f.verdict,
    }


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
        tiny = abs(rel) < 1e-4
    else:  # one day is borderline; a whole year is not
        unit = _shift_unit(claim)
        near = abs(f.at - x0) <= 1.0 and unit == "days"
        move, tiny = f"{f.at - x0:+.3g}", abs(f.at - x0) <= 1.0
    if not near:
        return None
    if claim.tolerance.rule == "exact" and tiny:
        return "exact_flip", {"knob": f.knob, "verdict": f.verdict}
    return "borderline", {"knob": f.knob, "move": move, "unit": unit, "verdict": f.verdict}


def _not_independent(claim: Claim, sources: list[str]) -> Reason | None:
    """Principle 1: why the evidence cannot test the claim: it cites no source, or only the seed
    articles, the row's ``restates`` (sources that repeat the claim) and modelling assumptions.
    None when at least one independent source is cited."""
    if not sources:
        return "no_sources", {}
    bib = load_sources()
    dependent = seed_source_ids() | set(claim.restates)
    independent = [
        s for s in sources if s not in dependent and (s not in bib or bib[s].kind != "assumption")
    ]
    if independent:
        return None
    return "not_independent", {"ids": ", ".join(_unique(sources))}


def _state(claim: Claim, x: float) -> tuple[str, int, float]:
    """(verdict, side of the "partly supported" band: -1 below, 0 inside, +1 above, value).

    The side catches a move that jumps over the claimed interval between two search steps."""
    r = _judge(claim, x, with_flip=False)
    if r.modelled is None:
        return r.verdict, 0, math.nan
    lo, hi = partial_band(claim)
    v = r.modelled.value
    return r.verdict, (-1 if v < lo else 1 if v > hi else 0), v


def _differs(claim: Claim, x: float, verdict: str) -> bool:
    v = _state(claim, x)[0]
    return v != verdict and v != NOT_CHECKABLE


def _between(a: float, b: float, kind: str, n: int) -> list[float]:
    """n points from a (excluded) to b; whole days or years for a shift knob (dates are whole)."""
    if kind == "shift":
        step = 1.0 if b >= a else -1.0
        pts = [a + (b - a) * i / n for i in range(1, n + 1)]
        whole = sorted({float(round(x)) for x in pts} - {a}, reverse=step < 0)
        return whole or [b]
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
            if kind == "shift" and abs(diff - same) <= 1.0:
                break
            mid = float(round((same + diff) / 2)) if kind == "shift" else math.sqrt(same * diff)
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


def evaluate_all(
    claims: list[Claim] | None = None,
    *,
    with_flip: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> list[Result]:
    """Evaluate every claim in the ledger (shipped ledger by default), each once;
    ``progress(done, total)`` is told after each claim."""
    rows = load_claims() if claims is None else claims
    broken = group_problems(rows)
    if broken:
        raise DataError("\n".join(broken))
    out = []
    for claim in rows:
        out.append(evaluate(claim, with_flip=with_flip))
        if progress is not None:
            progress(len(out), len(rows))
    return out


def summary(results: list[Result]) -> dict[str, int]:
    """Count of claims per verdict."""
    return {v: sum(r.verdict == v for r in results) for v in VERDICTS}


TABLE_COLUMNS = [
    "id",
    "article_id",
    "outlet",
    "voice",
    "quote",
    "paraphrase",
    "paraphrase_zh_hant",
    "paraphrase_zh_hans",
    "tense",
    "reading",
    "meant",
    "reading_group",
    "claimed",
    "unit",
    "modelled",
    "modelled_low",
    "modelled_high",
    "verdict",
    "reason",
    "flip",
    "knob_range",
    "tolerance",
    "check",
    "check_basis",
    "sources",
    "restates",
    "note",
]
"""Columns of :func:`table` (and of ``chipwar claims --format csv``)."""


def table(
    results: list[Result] | list[dict[str, Any]] | None = None, *, with_flip: bool = True
) -> pd.DataFrame:
    """The ledger's verdicts as a DataFrame, one row per claim (``TABLE_COLUMNS``), from
    results, from their ``as_dict()`` rows, or (None) by evaluating the shipped ledger; list
    cells (sources, restates, knob range) are joined with ``; ``."""
    if results is None:
        results = evaluate_all(with_flip=with_flip)
    rows = [r.as_dict() if isinstance(r, Result) else r for r in results]
    frame = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    for col in ("sources", "restates", "knob_range"):
        frame[col] = frame[col].map(
            lambda v: (
                "; ".join(f"{x:g}" if isinstance(x, float) else str(x) for x in v)
                if isinstance(v, list)
                else ""
            )
        )
    return frame
