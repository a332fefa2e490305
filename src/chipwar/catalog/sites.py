"""Sites: where compute runs, with electricity price, PUE, grid carbon and power subsidies."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import pandas as pd
from pydantic import Field, model_validator

from chipwar.catalog.fx import load_fx, usd_per_unit
from chipwar.catalog.io import DATA_DIR, lookup, read_table
from chipwar.catalog.types import Country, Range, Slug, SourceIds, Strict


class Eligibility(Strict):
    """Who may claim a subsidy. Empty lists mean "no restriction" on that attribute."""

    designer_countries: list[Country] = []
    """Accelerators designed in one of these countries (e.g. ``[CN]`` for domestic chips)."""
    min_facility_mw: float | None = None
    description: str = ""


class Subsidy(Strict):
    """A discount on the electricity bill for eligible deployments at a site."""

    id: Slug
    name: str
    power_discount_fraction: Range
    """Fraction of the electricity bill waived (0-1); 'up to' figures go in ``high``."""
    eligibility: Eligibility
    start: dt.date | None = None
    end: dt.date | None = None
    """Unknown duration is None; the subsidy then applies on any date after ``start``."""
    source: SourceIds
    note: str = ""

    @model_validator(mode="after")
    def _fraction(self) -> Subsidy:
        r = self.power_discount_fraction
        if not (r.low >= 0 and r.high <= 1):
            raise ValueError(f"power_discount_fraction must lie in [0, 1], got {r.low}..{r.high}")
        return self

    def active_on(self, date: dt.date) -> bool:
        return (self.start is None or self.start <= date) and (self.end is None or date <= self.end)

    def eligible(self, designer_country: str) -> bool:
        allowed = self.eligibility.designer_countries
        return not allowed or designer_country in allowed


class Electricity(Strict):
    """Electricity price in its original currency, for a stated year and tariff."""

    price_per_kwh: Range
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    year: int
    tariff: str
    """What the price is: e.g. 'large industrial, 1-10 kV, average' or 'data-centre PPA'."""

    @model_validator(mode="after")
    def _known_currency(self) -> Electricity:
        known = sorted({r.currency for r in load_fx()} | {"USD"})
        if self.currency not in known:
            raise ValueError(
                f"currency {self.currency!r} has no rate in fx.yaml; expected one of "
                f"{', '.join(known)}"
            )
        return self

    @property
    def price_usd_per_kwh(self) -> Range:
        k = usd_per_unit(self.currency, self.year)
        p = self.price_per_kwh
        values = None if p.values is None else tuple(v * k for v in p.values)
        scaled = {"low": p.low * k, "base": p.base * k, "high": p.high * k, "values": values}
        return p.model_copy(update=scaled)


class Carbon(Strict):
    gco2_per_kwh: Range
    year: int
    basis: str = "location-based grid average"


class Site(Strict):
    id: Slug
    name: str
    country: Country
    region: str = ""
    electricity: Electricity
    pue: Range
    carbon: Carbon
    subsidies: list[Subsidy] = []
    facility_capex_usd_per_kw: Range | None = None
    """Data-centre build cost per kW of IT load (shell, power, cooling)."""
    source: SourceIds
    notes: str = ""

    @model_validator(mode="after")
    def _pue(self) -> Site:
        if self.pue.low < 1:
            raise ValueError(f"pue must be >= 1, got low={self.pue.low}")
        return self


def read_sites(path: str | Path) -> list[Site]:
    return read_table(Site, path, "sites")


@cache
def _default() -> tuple[Site, ...]:
    return tuple(read_sites(DATA_DIR / "sites.yaml"))


def load_sites(path: str | Path | None = None) -> dict[str, Site]:
    rows = _default() if path is None else read_sites(path)
    return {s.id: s for s in rows}


def get_site(site_id: str, extra: dict[str, Site] | None = None) -> Site:
    return lookup({**load_sites(), **(extra or {})}, site_id, "site")


def site_frame(sites: list[Site] | None = None) -> pd.DataFrame:
    """One row per site with USD electricity price, PUE and carbon as low/base/high columns."""
    sites = list(load_sites().values()) if sites is None else sites
    rows = []
    for s in sites:
        row: dict[str, object] = {"id": s.id, "name": s.name, "country": s.country}
        for name, rng in (
            ("price_usd_per_kwh", s.electricity.price_usd_per_kwh),
            ("pue", s.pue),
            ("gco2_per_kwh", s.carbon.gco2_per_kwh),
        ):
            for q in ("low", "base", "high"):
                row[f"{name}_{q}"] = getattr(rng, q)
        row["subsidies"] = ", ".join(sub.id for sub in s.subsidies)
        rows.append(row)
    frame = pd.DataFrame(rows)
    return frame.set_index("id", drop=False) if len(frame) else frame
