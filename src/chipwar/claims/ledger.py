"""The claims ledger (``data/claims.yaml``): load, validate and check its sources.

Each claim quotes a seed article, states the claimed value with its comparison (``approx``,
``at_least``, ``at_most``, ``between``), the tolerance that decides the verdict, which evaluator
checks it (``check.engine``, see :mod:`chipwar.claims.evaluators`), and the input (``knob``) on
which the verdict depends.
"""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, model_validator

from chipwar.catalog.io import DATA_DIR, parse_rows, read_structured
from chipwar.catalog.sources import Source, check_source_ids, cited_source_ids
from chipwar.catalog.types import Slug, Strict
from chipwar.errors import DataError

CLAIMS_PATH = DATA_DIR / "claims.yaml"


class Claimed(Strict):
    """What the text asserts: an interval ``[lower, upper]`` in ``unit``."""

    op: Literal["approx", "at_least", "at_most", "between"]
    value: float | None = None
    low: float | None = None
    high: float | None = None
    unit: str

    @model_validator(mode="after")
    def _complete(self) -> Claimed:
        if self.op == "between":
            if self.low is None or self.high is None or self.low > self.high:
                raise ValueError("op 'between' needs low <= high")
        elif self.value is None:
            raise ValueError(f"op {self.op!r} needs a value")
        return self

    @property
    def interval(self) -> tuple[float, float]:
        """The claimed interval (infinite on the open side)."""
        if self.op == "between":
            assert self.low is not None and self.high is not None
            return self.low, self.high
        assert self.value is not None
        if self.op == "at_least":
            return self.value, math.inf
        if self.op == "at_most":
            return -math.inf, self.value
        return self.value, self.value

    def text(self) -> str:
        """Human-readable claimed value, e.g. ``>= 0.6 fraction``."""
        return f"{self.bound_text()} {self.unit}"

    def bound_text(self) -> str:
        """The claimed value without its unit, e.g. ``>= 0.6``."""
        sym = {"approx": "≈", "at_least": "≥", "at_most": "≤"}
        if self.op == "between":
            return f"{self.low:g}–{self.high:g}"
        return f"{sym[self.op]} {self.value:g}"


def half_last_digit(x: float) -> float:
    """Half a unit of the last significant digit of ``x`` as written: 0.6 -> 0.05, 0.95 -> 0.005,
    810 -> 5, 2 -> 0.5 (trailing zeros of an integer are not significant)."""
    if x == 0:
        return 0.0
    text = f"{abs(x):.10g}"
    if "e" in text:
        mant, exp = text.split("e")
        return half_last_digit(float(mant)) * 10.0 ** int(exp)
    if "." in text:
        return 0.5 * 10.0 ** -len(text.split(".")[1])
    digits = text.rstrip("0")
    return 0.5 * 10.0 ** (len(text) - len(digits))


TOLERANCE_RULES: dict[str, tuple[str, float, str]] = {
    "exact": ("abs", 0.0, "a legal threshold, contract term, official target or yes/no status"),
    "reported": (
        "rel",
        0.03,
        "an amount quoted from one published report (rounding, FX, revisions)",
    ),
    "rounded": (
        "abs",
        math.nan,
        "a figure the text rounds (六成, 70 %, 0.7 美元): half a unit of its last digit",
    ),
    "share": ("abs", 0.03, "a share or rate estimated by analysts (3 points between estimates)"),
    "modelled": ("rel", 0.10, "a quantity computed by an engine from uncertain inputs"),
    "comparison": ("rel", 0.02, "a 'more than / cheaper than / first' comparison: only round-off"),
}
"""Tolerance rules: name -> (abs or rel, width, when it applies). Every shipped claim names one,
so a tolerance is chosen by the kind of claim, not by the verdict it produces."""


class Tolerance(Strict):
    """Allowed distance outside the claimed interval: a named ``rule`` (TOLERANCE_RULES), or an
    explicit absolute (same unit) or relative width."""

    rule: Literal["exact", "reported", "rounded", "share", "modelled", "comparison"] | None = None
    abs: float | None = Field(default=None, ge=0)
    rel: float | None = Field(default=None, ge=0)
    partial: float = Field(default=2.0, ge=1)
    """The "partly supported" band is ``partial`` x the tolerance (or the modelled range)."""

    @model_validator(mode="after")
    def _one(self) -> Tolerance:
        if self.rule is not None:
            kind, width, _ = TOLERANCE_RULES[self.rule]
            if self.abs is not None or self.rel is not None:
                raise ValueError(f"rule {self.rule!r} sets the width; drop abs/rel")
            if math.isfinite(width):
                object.__setattr__(self, kind, width)
            return self
        if (self.abs is None) == (self.rel is None):
            raise ValueError("give a rule, or exactly one of abs or rel")
        return self

    def describe(self) -> str:
        """E.g. ``share: abs 0.03``."""
        if self.rule == "rounded":
            return "rounded: half a unit of the claimed figure's last digit"
        width = f"abs {self.abs:g}" if self.abs is not None else f"rel {self.rel:g}"
        return f"{self.rule}: {width}" if self.rule else width

    def width(self, bound: float) -> float:
        """Tolerance at a bound of the claimed interval [claim unit]."""
        if self.rule == "rounded":
            return half_last_digit(bound) if math.isfinite(bound) else 0.0
        if self.abs is not None:
            return self.abs
        assert self.rel is not None
        return self.rel * abs(bound) if math.isfinite(bound) else 0.0


class Check(Strict):
    engine: str
    params: dict[str, Any] = {}


class Knob(Strict):
    """The input the verdict depends on; ``scale`` multiplies it, ``shift`` adds to it."""

    input: str
    kind: Literal["scale", "shift"] = "scale"
    description: str = ""


class Claim(Strict):
    id: Slug
    article: str
    voice: Literal["article", "comment"]
    quote: str = Field(min_length=2)
    paraphrase: str
    quantity: str
    claimed: Claimed
    tolerance: Tolerance
    check: Check
    knob: Knob
    note: str = ""


def read_claims(path: str | Path) -> list[Claim]:
    """Read and validate a claims ledger file."""
    return parse_rows(Claim, read_structured(path), Path(path).name)


@cache
def _default() -> tuple[Claim, ...]:
    return tuple(read_claims(CLAIMS_PATH))


def load_claims(path: str | Path | None = None) -> list[Claim]:
    """The shipped ledger (or the one at ``path``)."""
    return list(_default()) if path is None else read_claims(path)


def evidence_source_ids(claim: Claim) -> list[str]:
    """Source ids cited inside the claim's check parameters (evidence inputs, fallbacks)."""
    return cited_source_ids(claim.check.params)


def check_data(sources: dict[str, Source]) -> list[str]:
    """Validate the ledger: rows parse, article and evidence sources resolve, engines exist."""
    from chipwar.claims.evaluators import EVALUATORS

    try:
        claims = load_claims()
    except DataError as exc:
        return str(exc).splitlines()
    problems: list[str] = []
    for c in claims:
        where = f"claims.yaml[{c.id}]"
        problems += check_source_ids([c.article], where + ".article", sources)
        problems += check_source_ids(evidence_source_ids(c), where + ".check", sources)
        if c.tolerance.rule is None:
            problems.append(
                f"{where}: tolerance.rule is missing; expected one of {', '.join(TOLERANCE_RULES)}"
            )
        ev = EVALUATORS.get(c.check.engine)
        if ev is None:
            problems.append(
                f"{where}: check.engine {c.check.engine!r} is not a registered evaluator"
            )
            continue
        knobs = ev.knobs if ev.knobs != ("*",) else tuple(c.check.params.get("inputs", {}))
        if c.knob.input not in knobs:
            problems.append(
                f"{where}: knob.input {c.knob.input!r} is not an input of {ev.name} "
                f"(allowed: {', '.join(knobs)})"
            )
    return problems
