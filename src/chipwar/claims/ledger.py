"""The claims ledger (``data/claims.yaml``): the row model, loading and tolerance rules.

Each claim quotes a seed article (original script), paraphrases it in English, Traditional and
Simplified Chinese, says how it is read (``reading``: point, bound, range, existence, status,
date; principle 3) and when (``tense``: past/present/future; principle 2), states the claimed
value with its comparison (``approx``, ``at_least``, ``at_most``, ``between``), the tolerance
that decides the verdict, which check measures it (``check.engine``, a name registered in
:mod:`chipwar.claims.checks`), the input (``knob``) on which the verdict depends with its own
range (principle 5), and the sources that merely restate it (``restates``; principle 1).
Validation against the principles lives in :mod:`chipwar.claims.principles`.
"""

from __future__ import annotations

import datetime as dt
import math
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from chipwar.catalog.io import DATA_DIR, parse_rows, read_structured
from chipwar.catalog.sources import cited_source_ids, load_sources
from chipwar.catalog.types import Slug, Strict

CLAIMS_PATH = DATA_DIR / "claims.yaml"


class Claimed(Strict):
    """What the text asserts: an interval ``[lower, upper]`` in ``unit``."""

    op: Literal["approx", "at_least", "at_most", "between"]
    value: float | None = None
    low: float | None = None
    high: float | None = None
    unit: str

    @field_validator("value", "low", "high", mode="before")
    @classmethod
    def _date_to_day(cls, v: Any) -> Any:
        """A date (``unit: date``) is stored as its proleptic ordinal day, so that a tolerance in
        days and a shift knob in days apply to it."""
        if isinstance(v, dt.date):
            return float(v.toordinal())
        if isinstance(v, str) and len(v) == 10 and v[4] == "-":
            return float(dt.date.fromisoformat(v).toordinal())
        return v

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
        show = day_text if self.unit == "date" else (lambda x: f"{x:g}")
        if self.op == "between":
            assert self.low is not None and self.high is not None
            return f"{show(self.low)}–{show(self.high)}"
        assert self.value is not None
        return f"{sym[self.op]} {show(self.value)}"


def day_text(day: float) -> str:
    """An ordinal day as an ISO date (``unit: date`` values)."""
    return dt.date.fromordinal(round(day)).isoformat()


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
    "date": ("abs", 1.0, "a date (one day: time zones, announcement vs publication) or a year"),
}
"""Tolerance rules: name -> (abs or rel, width, when it applies). Every shipped claim names one,
so a tolerance is chosen by the kind of claim, not by the verdict it produces."""


class Tolerance(Strict):
    """Allowed distance outside the claimed interval: a named ``rule`` (TOLERANCE_RULES), or an
    explicit absolute (same unit) or relative width."""

    rule: (
        Literal["exact", "reported", "rounded", "share", "modelled", "comparison", "date"] | None
    ) = None
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


class CheckSpec(Strict):
    engine: str
    """A registered check type (``chipwar.claims.base.CHECKS``)."""
    params: dict[str, Any] = {}


class Knob(Strict):
    """The input the verdict depends on; ``scale`` multiplies it, ``shift`` adds to it.

    ``low``/``high``: the input's own uncertain range (factors for scale, days for shift) when
    the ledger states it; a check may also report the range its data carry. A verdict that flips
    inside that range is "undecided" (principle 5)."""

    input: str
    kind: Literal["scale", "shift"] = "scale"
    description: str = ""
    low: float | None = None
    high: float | None = None
    source: list[str] = []


class Paraphrase(Strict):
    """The claim in plain words, in the report's three languages."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    en: str = Field(min_length=3)
    zh_hant: str = Field(alias="zh-Hant", min_length=2)
    zh_hans: str = Field(alias="zh-Hans", min_length=2)


READING_OPS: dict[str, tuple[str, ...]] = {
    "point": ("approx",),
    "range": ("between",),
    "lower_bound": ("at_least",),
    "upper_bound": ("at_most",),
    "existence": ("at_least",),
    "status": ("approx",),
    "date": ("approx", "between"),
}
"""Principle 3: how each reading of a proposition is stated as an interval. A lower bound
("already reached X", "more than X") is ``at_least``; an upper bound ("as much as", "at most")
is ``at_most``; an existence claim ("some regions give more") is ``at_least`` over the largest
case; a yes/no status or an official figure is ``approx`` with the ``exact`` rule."""


class Reading(Strict):
    """Which proposition the row tests (principle 3)."""

    kind: Literal["point", "range", "lower_bound", "upper_bound", "existence", "status", "date"]
    text: str = ""
    """What the row reads the quote as, in one line."""
    meant: bool = True
    """Where two readings are fair each is its own row (same ``group``); ``meant`` says whether
    this is the one the article means."""
    group: str | None = None


class Claim(Strict):
    id: Slug
    article: str
    voice: Literal["article", "comment"]
    quote: str = Field(min_length=2)
    paraphrase: Paraphrase
    quantity: str
    tense: Literal["past", "present", "future"]
    """Principle 2: past and present claims are judged by observations, only forecasts by a
    model."""
    reading: Reading
    claimed: Claimed
    tolerance: Tolerance
    check: CheckSpec
    knob: Knob
    restates: list[str] = []
    """Source ids whose figure merely restates the claim (the article's own source, a report
    that repeats it): evidence from them alone is not independent (principle 1)."""
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


def seed_source_ids() -> set[str]:
    """Source ids of the seed articles themselves (claims under test, never evidence): every
    article a claim quotes, every bibliography id starting ``seed-``."""
    return {c.article for c in load_claims()} | {s for s in load_sources() if s.startswith("seed-")}


def evidence_source_ids(claim: Claim) -> list[str]:
    """Source ids cited inside the claim's check parameters (evidence inputs, fallbacks)."""
    return cited_source_ids(claim.check.params)
