"""The bottom layer of :mod:`chipwar.claims`: verdict words, result types and the check registry.

Layering (one direction): ``base`` <- ``ledger`` <- ``verdict`` <- ``checks/*`` <- ``principles``
<- ``evaluate``. Nothing here imports an engine.

Error policy (principle 6): a check raises :class:`NotCheckable` (or its subclass
:class:`DataMissing`) when the claim cannot be measured with what ships, and lets a
:class:`chipwar.errors.ChipwarError` from an engine through; both become the verdict "not
checkable" with the reason. Every other exception is a bug and fails the run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

SUPPORTED = "supported"
PARTLY = "partly supported"
UNDECIDED = "undecided"
CONTRADICTED = "contradicted"
NOT_CHECKABLE = "not checkable"
VERDICTS = (SUPPORTED, PARTLY, UNDECIDED, CONTRADICTED, NOT_CHECKABLE)
"""Verdict words, strongest support first. "undecided" (principle 5): the verdict flips inside
the uncertain input's own low-high range."""

Reason = tuple[str, dict[str, str]]
"""A reason template key (``verdict.REASONS``) and its arguments (strings)."""


class NotCheckable(Exception):
    """The claim cannot be measured with the shipped data; the message says why."""


class DataMissing(NotCheckable):
    """The data the check needs (a chip, a series point, an independent figure) is absent."""


@dataclass
class Modelled:
    """What a check computed: the value, an optional range, and its evidence."""

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
    knob_low: float | None = None
    knob_high: float | None = None
    """The knob's own uncertain range (factors for a scale knob, days for a shift knob), where
    the data give one: a flip inside it makes the verdict "undecided" (principle 5)."""


CheckFn = Callable[[dict[str, Any], str, float], Modelled]
"""``fn(params, knob, knob_value) -> Modelled``: the claim's ``check.params``, the name of the
input to perturb and its factor (scale knob, 1 = unchanged) or offset (shift knob, 0)."""

Basis = Literal["observation", "model"]


@dataclass(frozen=True)
class Check:
    """A registered check type."""

    name: str
    fn: CheckFn
    engine: str
    """Dotted module the check calls."""
    knobs: tuple[str, ...]
    """Inputs the check can perturb (``("*",)``: any of ``params.inputs``)."""
    basis: Basis
    """``observation``: published, dated observations (or arithmetic on them); ``model``: an
    engine's projection or simulation. Principle 2: only a forecast may be judged by a model."""
    composition: bool = False
    """True when the value is a share over whatever the catalog happens to hold (principle 4:
    no verdict may come from it)."""


CHECKS: dict[str, Check] = {}
"""The registry: check name -> :class:`Check` (filled by importing ``chipwar.claims.checks``)."""


def register(
    name: str,
    *,
    engine: str,
    knobs: tuple[str, ...],
    basis: Basis,
    composition: bool = False,
) -> Callable[[CheckFn], CheckFn]:
    """Decorator: register ``fn`` as check type ``name``."""

    def deco(fn: CheckFn) -> CheckFn:
        CHECKS[name] = Check(name, fn, engine, knobs, basis, composition)
        return fn

    return deco
