"""The one uncertainty type of chipwar: a value that states its distribution.

:class:`Uncertain` holds ``distribution`` and its parameters; every engine and the experiment
layer sample it with :mod:`chipwar.catalog.sampling`. The words mean the same everywhere:

============  ==========================================================================
distribution  parameters and meaning
============  ==========================================================================
pert          ``low``, ``base`` (mode), ``high``: beta-PERT with λ = 4 (Vose, *Risk
              Analysis*, 2008): ``low + (high − low) · Beta(1 + 4 (base − low)/(high −
              low), 1 + 4 (high − base)/(high − low))``
triangular    ``low``, ``base`` (mode), ``high``: triangular density on [low, high]
uniform       ``low``, ``high``; ``base`` (the point value) defaults to the midpoint
lognormal     ``low`` and ``high`` are the 5th and 95th percentiles (both > 0), so
              ``μ = (ln low + ln high)/2``, ``σ = (ln high − ln low)/(2 · 1.6449)``;
              ``base`` defaults to the median ``e^μ``. Draws fall outside [low, high]
              10 % of the time, by definition.
choice        ``values`` (numbers) with optional ``weights`` (default equal); ``low`` and
              ``high`` are the smallest and largest value, ``base`` defaults to the first
============  ==========================================================================

``base`` is always the value an engine uses when it does not sample. ``low == base == high``
is a constant (no draw).

Compatibility (issue 19). Files written before this type say only ``{low, base, high}``; they
keep working: :class:`chipwar.catalog.types.Range` (catalog and compute data) reads them as
``pert`` and :class:`chipwar.supply.scenario.Spread` (supply) and the dynamics ranges read them
as ``triangular`` — the distribution each engine used before, now written on the validated
object (and in any file written back). Both names are thin subclasses of :class:`Uncertain`
that only supply that default (``Range`` also requires a source id, ``Spread`` non-negative
values). See docs/sweeps.md, "One uncertainty vocabulary".
"""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, model_validator

DISTRIBUTIONS: tuple[str, ...] = ("pert", "triangular", "uniform", "lognormal", "choice")
Distribution = Literal["pert", "triangular", "uniform", "lognormal", "choice"]

Z95 = 1.6448536269514722
"""Standard-normal 95th percentile: a lognormal's [low, high] spans μ ± Z95·σ in log space."""


class Uncertain(BaseModel):
    """An uncertain number: its distribution and parameters (see the module docstring), with
    source ids and a note. Frozen; unknown fields are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    distribution: Distribution
    low: float
    base: float
    high: float
    values: tuple[float, ...] | None = None
    weights: tuple[float, ...] | None = None
    source: list[str] | None = None
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _derive(cls, data: Any) -> Any:
        """Fill the parameters a distribution implies: a uniform's or lognormal's ``base``, a
        choice's ``low``/``base``/``high``."""
        if not isinstance(data, dict):
            return data
        for name in ("low", "base", "high"):
            if isinstance(data.get(name), bool):
                raise ValueError(f"{name}: {data[name]!r} is not a number; expected a number")
        if any(isinstance(v, bool) for v in data.get("values") or ()):
            raise ValueError("values: true/false are not numbers; expected numbers")
        dist = data.get("distribution")
        out = dict(data)
        if dist == "choice" and not out.get("values"):
            raise ValueError("a choice needs values: a non-empty list of numbers")
        if dist == "choice" and isinstance(out.get("values"), list | tuple) and out["values"]:
            vals = out["values"]
            if all(isinstance(v, int | float) and not isinstance(v, bool) for v in vals):
                out.setdefault("low", min(vals))
                out.setdefault("high", max(vals))
                out.setdefault("base", vals[0])
        elif dist == "uniform" and "base" not in out:
            lo, hi = out.get("low"), out.get("high")
            if isinstance(lo, int | float) and isinstance(hi, int | float):
                out["base"] = (lo + hi) / 2.0
        elif dist == "lognormal" and "base" not in out:
            lo, hi = out.get("low"), out.get("high")
            if isinstance(lo, int | float) and isinstance(hi, int | float):
                # the median; a non-positive low is reported by the check below
                out["base"] = math.sqrt(lo * hi) if lo > 0 and hi > 0 else lo
        return out

    @model_validator(mode="after")
    def _check(self) -> Uncertain:
        if not all(math.isfinite(x) for x in (self.low, self.base, self.high)):
            got = f"{self.low}, {self.base}, {self.high}"
            raise ValueError(f"low, base and high must be finite numbers, got {got}")
        if not self.low <= self.base <= self.high:
            raise ValueError(
                f"low <= base <= high is required, got {self.low}, {self.base}, {self.high}"
            )
        if self.distribution == "lognormal" and self.low <= 0:
            raise ValueError(f"a lognormal needs low > 0 (its 5th percentile), got {self.low}")
        if self.distribution == "choice":
            if not self.values:
                raise ValueError("a choice needs values: a non-empty list of numbers")
            if self.base not in self.values:
                raise ValueError(f"base {self.base} must be one of values {list(self.values)}")
            if min(self.values) != self.low or max(self.values) != self.high:
                raise ValueError("a choice's low and high are its smallest and largest value")
            if self.weights is not None and (
                len(self.weights) != len(self.values)
                or any(w < 0 for w in self.weights)
                or sum(self.weights) <= 0
            ):
                raise ValueError(
                    f"weights must be {len(self.values)} non-negative numbers with a "
                    f"positive sum, got {list(self.weights)}"
                )
        elif self.values is not None or self.weights is not None:
            raise ValueError(f"values and weights belong to a choice, not a {self.distribution}")
        return self

    @property
    def is_point(self) -> bool:
        """True when there is nothing to draw (low == high)."""
        return self.low == self.high

    @classmethod
    def exact(
        cls, value: float, source: list[str], note: str = "", distribution: Distribution = "pert"
    ) -> Any:
        """A constant: low = base = high = ``value``."""
        return cls(
            distribution=distribution, low=value, base=value, high=value, source=source, note=note
        )

    def describe(self) -> str:
        """``pert(1, 2, 3)``, ``choice(1, 2)``: the distribution and its parameters, short."""
        if self.distribution == "choice":
            return f"choice({', '.join(f'{v:g}' for v in self.values or ())})"
        if self.distribution == "uniform":
            return f"uniform({self.low:g}, {self.high:g})"
        if self.distribution == "lognormal":
            return f"lognormal(p5={self.low:g}, p95={self.high:g})"
        return f"{self.distribution}({self.low:g}, {self.base:g}, {self.high:g})"


def default_distribution(distribution: Distribution) -> Any:
    """A pydantic ``BeforeValidator`` callable that writes ``distribution`` into a mapping that
    lacks one, so a legacy ``{low, base, high}`` field reads as the distribution its engine has
    always used: ``Annotated[Range, BeforeValidator(default_distribution("triangular"))]``."""

    def fill(value: Any) -> Any:
        if isinstance(value, dict) and "distribution" not in value:
            return {"distribution": distribution, **value}
        return value

    return fill
