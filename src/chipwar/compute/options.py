"""The options every TCO evaluation takes, as one validated value object.

``precision``, ``utilization``, ``subsidy``, ``date`` and ``assumptions`` decide every number the
TCO engine gives (:func:`chipwar.compute.tco.tco_frame`, the Monte Carlo, the tornado, the
break-even solver and the workload frames that price their chip-hours through it). They travel
together as one frozen :class:`TcoOptions`, built and validated once where the user's input
enters (the CLI, the REST API, the Python API) and handed on unchanged.

The module imports nothing heavy (no pandas, NumPy or pydantic at import time), so that an
interface can name it on its start-up path.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING, Any, Literal

from chipwar.catalog.constants import PRECISIONS
from chipwar.errors import InputError

if TYPE_CHECKING:
    from chipwar.compute.assumptions import TcoAssumptions

SUBSIDY_ALLOWED = "'auto' or a fraction in [0, 1]"
UTILIZATION_ALLOWED = "a fraction in (0, 1]"


def parse_subsidy(text: str | float, field: str = "--subsidy") -> Literal["auto"] | float:
    """``'auto'`` or a power-bill subsidy fraction in [0, 1] (text or number).

    >>> parse_subsidy("auto"), parse_subsidy("0.3")
    ('auto', 0.3)
    """
    if isinstance(text, str) and text.strip().lower() == "auto":
        return "auto"
    try:
        value = float(text)
    except (TypeError, ValueError):
        raise InputError(field, text, SUBSIDY_ALLOWED) from None
    if not 0.0 <= value <= 1.0:
        raise InputError(field, text, SUBSIDY_ALLOWED)
    return value


@dataclasses.dataclass(frozen=True)
class TcoOptions:
    """The TCO engine's options, validated on construction (bad values raise
    :class:`~chipwar.errors.InputError` naming the field, the value and what is allowed).

    Parameters
    ----------
    precision : str
        Numeric format whose dense throughput is priced (``fp64`` … ``fp4``; default ``bf16``).
    utilization : float or None
        Achieved fraction of dense peak throughput, in (0, 1] [dimensionless]; ``None``: the
        per-chip default of the assumptions (``data/tco_assumptions.yaml``).
    subsidy : 'auto' or float
        Power-bill subsidy: ``'auto'`` applies the site subsidies the chip is eligible for on
        ``date``; a number is a fraction of the electricity bill in [0, 1] [dimensionless].
    date : datetime.date or None
        Day on which subsidies must be active; ``None``: today.
    assumptions : TcoAssumptions or None
        Cost of capital, lives, PUE, load… (``None``: the sourced defaults).

    Examples
    --------
    >>> TcoOptions(subsidy=0.0).replace(precision="fp8").precision
    'fp8'
    """

    precision: str = "bf16"
    utilization: float | None = None
    subsidy: Literal["auto"] | float = "auto"
    date: dt.date | None = None
    assumptions: TcoAssumptions | None = None

    def __post_init__(self) -> None:
        precision = str(self.precision).strip().lower()
        if precision not in PRECISIONS:
            raise InputError("precision", self.precision, "one of " + ", ".join(PRECISIONS))
        object.__setattr__(self, "precision", precision)
        if self.utilization is not None:
            u = self.utilization
            if isinstance(u, bool) or not isinstance(u, int | float) or not 0.0 < u <= 1.0:
                raise InputError("utilization", u, UTILIZATION_ALLOWED)
            object.__setattr__(self, "utilization", float(u))
        object.__setattr__(self, "subsidy", parse_subsidy(self.subsidy, "subsidy"))
        if self.date is not None and not isinstance(self.date, dt.date):
            raise InputError("date", self.date, "a date (datetime.date)")
        if isinstance(self.date, dt.datetime):
            object.__setattr__(self, "date", self.date.date())

    @classmethod
    def parse(
        cls,
        *,
        precision: str = "bf16",
        utilization: float | None = None,
        subsidy: str | float = "auto",
        date: str | dt.date | None = None,
        assumptions: TcoAssumptions | None = None,
    ) -> TcoOptions:
        """The options from an interface's text (``subsidy='auto'``, ``date='2025-10-01'``);
        errors name the command-line flag (``--subsidy``, ``--utilization``, ``--date``)."""
        from chipwar.catalog.types import parse_date

        if utilization is not None and not 0.0 < utilization <= 1.0:
            raise InputError("--utilization", utilization, UTILIZATION_ALLOWED)
        return cls(
            precision=precision,
            utilization=utilization,
            subsidy=parse_subsidy(subsidy),
            date=None if date is None else parse_date(date, "--date"),
            assumptions=assumptions,
        )

    def replace(self, **changes: Any) -> TcoOptions:
        """A copy with some fields changed (validated again)."""
        return dataclasses.replace(self, **changes)

    def engine_kwargs(self) -> dict[str, Any]:
        """The keyword arguments of the engine functions (:func:`~chipwar.compute.tco.tco_frame`,
        :func:`~chipwar.compute.montecarlo.tco_montecarlo`, ``tornado``, ``breakeven``)."""
        return {
            "precision": self.precision,
            "utilization": self.utilization,
            "subsidy": self.subsidy,
            "date": self.date,
            "assumptions": self.assumptions,
        }
