"""Dated exchange rates (``data/fx.yaml``). Conversions never use a literal in code."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

from pydantic import Field

from chipwar.catalog.io import DATA_DIR, parse_rows, read_structured
from chipwar.catalog.types import SourceIds, Strict
from chipwar.errors import InputError


class FxRate(Strict):
    """``usd_per_unit`` US dollars buy one unit of ``currency``, as an average over ``year``."""

    currency: str = Field(pattern=r"^[A-Z]{3}$")
    year: int = Field(ge=1990, le=2100)
    usd_per_unit: float = Field(gt=0)
    basis: str = "annual average"
    source: SourceIds

    @property
    def id(self) -> str:
        return f"{self.currency}-{self.year}"


def read_fx(path: str | Path) -> list[FxRate]:
    raw = read_structured(path)
    return parse_rows(FxRate, raw.get("rates") if isinstance(raw, dict) else raw, "fx.yaml")


@cache
def load_fx() -> tuple[FxRate, ...]:
    """The shipped FX table."""
    return tuple(read_fx(DATA_DIR / "fx.yaml"))


def usd_per_unit(currency: str, year: int | dt.date) -> float:
    """USD per one unit of ``currency`` for ``year`` (nearest earlier year if the exact one is
    missing, else the nearest later one). USD -> 1.0."""
    if currency == "USD":
        return 1.0
    y = year.year if isinstance(year, dt.date) else int(year)
    rates = sorted((r for r in load_fx() if r.currency == currency), key=lambda r: r.year)
    if not rates:
        known = sorted({r.currency for r in load_fx()} | {"USD"})
        raise InputError("currency", currency, f"one of {', '.join(known)}")
    earlier = [r for r in rates if r.year <= y]
    return (earlier[-1] if earlier else rates[0]).usd_per_unit
