"""Dynamics scenario files: schema, loading (file or built-in name), sampling and engine inputs.

A scenario names catalog chips and sites, the export-rule timeline (actual, none, frozen at a rule
version, per-chip overrides and licences), subsidy and mandate levers, demand, capacity and
IC-market paths, and the model parameters as uncertain values (:class:`TriangularRange`: the one
uncertainty type; a bare ``{low, base, high}`` is triangular, as the dynamics engine has always
drawn it), sampled with :mod:`chipwar.catalog.sampling` for fan charts; the base values alone when
one sample is asked for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Literal

import numpy as np
from pydantic import BeforeValidator, Field, ValidationError, model_validator

from chipwar.catalog.io import (
    DATA_DIR,
    format_validation_error,
    path_exists,
    read_document,
)
from chipwar.catalog.sampling import draw as sample_draw
from chipwar.catalog.types import Range, Slug, SourceIds, Strict
from chipwar.catalog.uncertainty import default_distribution
from chipwar.dynamics.model import Array, ChipInputs, Levers, Params
from chipwar.errors import InputError, ScenarioError, UnknownIdError

SCENARIO_DIR = DATA_DIR / "scenarios"
BUILTIN = ("baseline", "no-subsidy", "controls-lifted", "controls-tightened")
FIRST_YEAR, LAST_YEAR = 2015, 2040
YEAR_MIN, YEAR_MAX = 1950, 2100
"""Plausibility bounds (not sourced) on every other year in a scenario (base years, growth and
mandate steps, subsidy start/end): wide enough for any history, and they keep a typo such as
``base_year: -1000000000`` from allocating gigabytes of yearly arrays."""
QUARTER_DAYS = ((2, 15), (5, 15), (8, 15), (11, 15))

TriangularRange = Annotated[Range, BeforeValidator(default_distribution("triangular"))]
"""A sourced uncertain value of a dynamics scenario; ``{low, base, high}`` alone is triangular."""


class GrowthStep(Strict):
    """Year-over-year growth ``rate`` (0.25 = +25 %/yr) from year ``from_year`` onward."""

    from_year: int = Field(alias="from", ge=YEAR_MIN, le=YEAR_MAX)
    rate: TriangularRange


class Path_(Strict):
    """A quantity known in ``base_year`` and grown (or back-cast) by piecewise rates."""

    base_year: int = Field(ge=YEAR_MIN, le=YEAR_MAX)
    value: TriangularRange
    growth: list[GrowthStep] = Field(min_length=1)


class ChipEntry(Strict):
    """A catalog chip in the choice set; ``from`` overrides a missing catalog release date."""

    id: Slug
    from_date: dt.date | None = Field(default=None, alias="from")
    price_usd: float | None = Field(default=None, gt=0)
    source: list[str] = []
    note: str = ""


class Window(Strict):
    chip: Slug
    from_date: dt.date = Field(alias="from")
    until: dt.date | None = None
    available: bool = True
    source: list[str] = []
    note: str = ""


class Controls(Strict):
    """``actual``: rules as the controls engine dates them; ``none``: no rule ever applies;
    ``frozen``: the rules stay as in ``frozen_at`` (a rule version id) after it took effect."""

    rules: Literal["actual", "none", "frozen"] = "actual"
    frozen_at: str | None = None
    licences: list[Window] = []
    overrides: list[Window] = []

    @model_validator(mode="after")
    def _frozen(self) -> Controls:
        if self.rules == "frozen" and not self.frozen_at:
            raise ValueError("rules: frozen needs frozen_at (a rule version id)")
        if self.rules != "frozen" and self.frozen_at:
            raise ValueError("frozen_at is only allowed with rules: frozen")
        return self


class Subsidy(Strict):
    """Subsidy for buyers of domestic chips (fractions 0-1), active from ``start`` to ``end``."""

    power_discount: float = Field(default=0.0, ge=0, le=1)
    capex_discount: float = Field(default=0.0, ge=0, lt=1)
    coverage: float = Field(default=0.0, ge=0, le=1)
    start: int = Field(default=2025, ge=YEAR_MIN, le=YEAR_MAX)
    end: int = Field(default=LAST_YEAR, ge=YEAR_MIN, le=YEAR_MAX)
    source: list[str] = []
    note: str = ""


class MandateStep(Strict):
    from_year: int = Field(alias="from", ge=YEAR_MIN, le=YEAR_MAX)
    share: TriangularRange


class Parameters(Strict):
    beta: TriangularRange
    alpha_domestic: TriangularRange
    ecosystem_learning: TriangularRange
    learning_rate: TriangularRange
    energy_learning_rate: TriangularRange
    initial_experience_units: TriangularRange
    made_in_cn_share: TriangularRange
    lifetime_years: TriangularRange
    leakage: TriangularRange
    other_self_sufficiency_2021: TriangularRange
    other_self_sufficiency_slope: TriangularRange


class Scenario(Strict):
    name: str
    description: str = ""
    start_year: int = Field(ge=FIRST_YEAR, le=LAST_YEAR)
    end_year: int = Field(ge=FIRST_YEAR, le=LAST_YEAR)
    precision: str = "bf16"
    utilization: float | None = Field(default=None, gt=0, le=1)
    sites: dict[Slug, float] = Field(min_length=1)
    chips: list[ChipEntry] = Field(min_length=2)
    controls: Controls = Controls()
    subsidy: Subsidy = Subsidy()
    mandate: list[MandateStep] = []
    demand: Path_
    capacity: Path_
    """Domestic accelerators that advanced-node wafers allow per year."""
    hbm_capacity: Path_ | None = None
    """Domestic accelerators that domestic HBM supply allows per year (None: not binding)."""
    ic_market: Path_
    parameters: Parameters
    calibration: str | None = "baseline"
    """Scenario whose history fit supplies alpha_domestic, beta and ecosystem_learning (drawn
    with the fit's covariance); None uses the ranges in ``parameters`` as they are."""
    source: SourceIds

    @model_validator(mode="after")
    def _years(self) -> Scenario:
        if self.end_year < self.start_year:
            raise ValueError(f"end_year {self.end_year} is before start_year {self.start_year}")
        if any(w < 0 for w in self.sites.values()) or sum(self.sites.values()) <= 0:
            raise ValueError("sites: weights must be >= 0 and sum to more than 0")
        seen: set[str] = set()
        for chip in self.chips:
            if chip.id in seen:
                raise ValueError(f"chips: {chip.id!r} is listed twice; list each chip once")
            seen.add(chip.id)
        return self

    @property
    def years(self) -> np.ndarray:
        return np.arange(self.start_year, self.end_year + 1)


def scenario_path(name_or_path: str | Path) -> Path:
    """A file path, or a built-in name (``baseline`` or ``dynamics-baseline``)."""
    path = Path(name_or_path)
    if path.suffix.lower() in (".yaml", ".yml", ".json") or path_exists(path):
        return path
    name = str(name_or_path).removeprefix("dynamics-")
    if name not in BUILTIN:
        raise UnknownIdError("dynamics scenario", str(name_or_path), list(BUILTIN))
    return SCENARIO_DIR / f"dynamics-{name}.yaml"


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Read and validate a scenario; every problem is reported with its field path."""
    path = scenario_path(name_or_path)
    raw = read_document(path, "a dynamics scenario (a mapping)")
    if not isinstance(raw, dict):
        raise ScenarioError(f"{path}: expected a mapping at the top level")
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as exc:
        raise ScenarioError(format_validation_error(exc, str(path.name))) from None
    check_scenario(scenario)
    return scenario


def check_scenario(sc: Scenario) -> None:
    """Semantic checks: known chips, sites and rule versions; growth rates >= 0; years in range."""
    from chipwar.catalog import load_accelerators, load_sites

    chips, sites = load_accelerators(), load_sites()
    for c in sc.chips:
        if c.id not in chips:
            raise UnknownIdError("chip (scenario chips)", c.id, sorted(chips))
    for s in sc.sites:
        if s not in sites:
            raise UnknownIdError("site (scenario sites)", s, sorted(sites))
    listed = {c.id for c in sc.chips}
    for w in [*sc.controls.licences, *sc.controls.overrides]:
        if w.chip not in listed:
            raise UnknownIdError("chip (controls)", w.chip, sorted(listed))
    if sc.controls.frozen_at is not None:
        known = [v.id for v in _rulebook().versions]
        if sc.controls.frozen_at not in known:
            raise UnknownIdError("rule version (controls.frozen_at)", sc.controls.frozen_at, known)
    growing = [("demand", sc.demand), ("capacity", sc.capacity)]
    if sc.hbm_capacity is not None:
        growing.append(("hbm_capacity", sc.hbm_capacity))
    for label, path in growing:
        for i, step in enumerate(path.growth):
            if step.rate.low < 0:
                raise InputError(
                    f"{label}.growth[{i}].rate", step.rate.low, "a growth rate >= 0 (no decline)"
                )
    for i, step in enumerate(sc.ic_market.growth):
        if step.rate.low <= -1:
            raise InputError(f"ic_market.growth[{i}].rate", step.rate.low, "a rate > -1")
    for label, path in [*growing, ("ic_market", sc.ic_market)]:
        if path.value.low <= 0:
            raise InputError(f"{label}.value", path.value.low, "a value > 0")
    for i, m in enumerate(sc.mandate):
        if not 0 <= m.share.low <= m.share.high <= 1:
            raise InputError(f"mandate[{i}].share", m.share.model_dump(), "fractions in 0-1")
    p = sc.parameters
    bounds = {
        "beta": (0.0, 20.0), "ecosystem_learning": (0.0, 5.0), "learning_rate": (0.0, 0.9),
        "energy_learning_rate": (0.0, 0.9), "made_in_cn_share": (0.0, 1.0),
        "other_self_sufficiency_2021": (0.0, 1.0), "lifetime_years": (1.0, 30.0),
        "leakage": (0.0, 1.0),
    }  # fmt: skip
    for name, (lo, hi) in bounds.items():
        r: Range = getattr(p, name)
        if not lo <= r.low <= r.high <= hi:
            raise InputError(f"parameters.{name}", r.model_dump(), f"values in [{lo}, {hi}]")
    if p.initial_experience_units.low <= 0:
        raise InputError(
            "parameters.initial_experience_units", p.initial_experience_units.low, "> 0"
        )


def _rulebook():  # type: ignore[no-untyped-def]
    from chipwar.controls.rules import load_rules

    return load_rules()


# ---------------------------------------------------------------- sampling


def check_seed(seed: int | None) -> None:
    """A seed is None or an integer >= 0 (numpy.random.default_rng rejects negatives)."""
    if seed is not None and (not isinstance(seed, int | np.integer) or seed < 0):
        raise InputError("seed", seed, "an integer >= 0")


def draw(r: Range, rng: np.random.Generator | None, n: int) -> Array:
    """n draws of ``r`` in its stated distribution (triangular unless the file says otherwise);
    the base value n times when rng is None or ``r`` is constant."""
    return sample_draw(r, n, rng)


def path_values(path: Path_, years: np.ndarray, rng: np.random.Generator | None, n: int) -> Array:
    """(n, T): value in base_year, grown forward (and back-cast) by the piecewise rates."""
    base = draw(path.value, rng, n)
    steps = sorted(path.growth, key=lambda s: s.from_year)
    rates = np.stack([draw(s.rate, rng, n) for s in steps], axis=1)  # (n, K)
    starts = np.array([s.from_year for s in steps])
    lo, hi = min(years.min(), path.base_year), max(years.max(), path.base_year)
    span = np.arange(lo, hi + 1)
    # growth applying between year y-1 and y: the last step whose from_year <= y (else the first)
    idx = np.clip(np.searchsorted(starts, span, side="right") - 1, 0, len(steps) - 1)
    factor = np.log1p(rates[:, idx])  # (n, len(span))
    factor[:, 0] = 0.0
    cum = np.cumsum(factor, axis=1)
    at_base = cum[:, list(span).index(path.base_year)]
    values = base[:, None] * np.exp(cum - at_base[:, None])
    return np.asarray(values[:, years - lo], dtype=float)


def year_levers(sc: Scenario, years: np.ndarray) -> Levers:
    """Subsidy and mandate paths by year (base values; the mandate share's base)."""
    active = (years >= sc.subsidy.start) & (years <= sc.subsidy.end)
    mandate = np.zeros(len(years))
    for step in sorted(sc.mandate, key=lambda s: s.from_year):
        mandate = np.where(years >= step.from_year, step.share.base, mandate)
    return Levers(
        power_subsidy=np.where(active, sc.subsidy.power_discount, 0.0),
        capex_subsidy=np.where(active, sc.subsidy.capex_discount, 0.0),
        coverage=np.where(active, sc.subsidy.coverage, 0.0),
        mandate=mandate,
    )


def sample_params(
    sc: Scenario, samples: int = 1, seed: int | None = 0, overrides: dict[str, Array] | None = None
) -> Params:
    """Params for ``samples`` draws (base values when samples == 1)."""
    if samples < 1:
        raise InputError("samples", samples, "an integer >= 1")
    check_seed(seed)
    rng = np.random.default_rng(seed) if samples > 1 else None
    years = sc.years
    p = sc.parameters
    n = samples
    ss0 = draw(p.other_self_sufficiency_2021, rng, n)
    slope = draw(p.other_self_sufficiency_slope, rng, n)
    capacity = path_values(sc.capacity, years, rng, n)
    if sc.hbm_capacity is not None:
        capacity = np.minimum(capacity, path_values(sc.hbm_capacity, years, rng, n))
    values: dict[str, Array] = {
        "beta": draw(p.beta, rng, n),
        "alpha_domestic": draw(p.alpha_domestic, rng, n),
        "ecosystem_learning": draw(p.ecosystem_learning, rng, n),
        "learning_rate": draw(p.learning_rate, rng, n),
        "energy_learning_rate": draw(p.energy_learning_rate, rng, n),
        "initial_experience_units": draw(p.initial_experience_units, rng, n),
        "demand_units": path_values(sc.demand, years, rng, n),
        "capacity_units": capacity,
        "ic_market_usd_bn": path_values(sc.ic_market, years, rng, n),
        "other_self_sufficiency": np.clip(
            ss0[:, None] + slope[:, None] * (years[None, :] - 2021), 0.0, 1.0
        ),
        "made_in_cn_share": draw(p.made_in_cn_share, rng, n),
        "lifetime_years": draw(p.lifetime_years, rng, n),
        "leakage": draw(p.leakage, rng, n),
    }
    for key, val in (overrides or {}).items():
        values[key] = np.broadcast_to(np.asarray(val, dtype=float), values[key].shape).copy()
    return Params(**values)


# ---------------------------------------------------------------- engine inputs


def _dates(year: int) -> list[dt.date]:
    return [dt.date(year, m, d) for m, d in QUARTER_DAYS]


def chip_inputs(sc: Scenario) -> ChipInputs:
    """Costs from the compute engine (blended over the site mix, no subsidy) and availability in
    China from the controls engine, by year (fraction of four quarter dates)."""
    from chipwar.catalog import load_accelerators
    from chipwar.compute.tco import tco_frame

    catalog = load_accelerators()
    ids = [c.id for c in sc.chips]
    sites = list(sc.sites)
    weights = np.array([sc.sites[s] for s in sites], dtype=float)
    weights = weights / weights.sum()
    specs = []
    for entry in sc.chips:
        acc = catalog[entry.id]
        if entry.price_usd is not None:
            sources = entry.source or ["chipwar-dynamics-assumptions"]
            acc = acc.model_copy(update={"price_usd": Range.exact(entry.price_usd, sources)})
        specs.append(acc)
    frame = tco_frame(specs, sites, precision=sc.precision, utilization=sc.utilization, subsidy=0.0)
    lookup = {(str(r["chip"]), str(r["site"])): r for r in frame.to_dict(orient="records")}
    cols = [
        "capex_usd_per_hour", "other_usd_per_hour", "power_usd_per_hour", "usable_pflops",
        "kwh_per_accelerator_hour",
    ]  # fmt: skip
    blended = {c: np.zeros(len(ids)) for c in cols}
    for j, chip in enumerate(ids):
        for w, site in zip(weights, sites, strict=True):
            row = lookup[(chip, site)]
            for c in cols:
                blended[c][j] += w * float(row[c])
    domestic = np.array([catalog[i].designer_country == "CN" for i in ids])
    nvidia = np.array([catalog[i].vendor.upper().startswith("NVIDIA") for i in ids])
    prices = np.zeros(len(ids))
    release: list[dt.date] = []
    for j, entry in enumerate(sc.chips):
        acc = catalog[entry.id]
        price: float | None = entry.price_usd
        if price is None and acc.price_usd is not None:
            price = acc.price_usd.base
        if price is None:
            raise ScenarioError(
                f"chips[{entry.id}].price_usd: the catalog has no price for {entry.id}; "
                "give price_usd (with its source) in the scenario"
            )
        prices[j] = price
        date = entry.from_date or acc.release_date
        if date is None:
            raise ScenarioError(
                f"chips[{entry.id}].from: the catalog has no release_date for {entry.id}; "
                "give from: YYYY-MM-DD (with its source) in the scenario"
            )
        release.append(date)
    years = sc.years
    released = np.zeros((len(years), len(ids)))
    available = np.zeros((len(years), len(ids)))
    for t, year in enumerate(years):
        for date in _dates(int(year)):
            rel = np.array([date >= r for r in release])
            ok = rel & _buyable(sc, ids, domestic, date)
            released[t] += rel / 4
            available[t] += ok / 4
    return ChipInputs(
        ids=tuple(ids),
        domestic=domestic,
        nvidia=nvidia,
        capex_usd_per_hour=blended["capex_usd_per_hour"],
        other_usd_per_hour=blended["other_usd_per_hour"],
        power_usd_per_hour=blended["power_usd_per_hour"],
        usable_pflops=blended["usable_pflops"],
        kwh_per_accelerator_hour=blended["kwh_per_accelerator_hour"],
        price_usd=prices,
        available=available,
        released=released,
    )


def _buyable(sc: Scenario, ids: Sequence[str], domestic: np.ndarray, date: dt.date) -> np.ndarray:
    """True where a chip can be bought in China on ``date`` under the scenario's controls."""
    ok = np.ones(len(ids), dtype=bool)
    foreign = [i for i, d in zip(ids, domestic, strict=True) if not d]
    ctl = sc.controls
    if foreign and ctl.rules != "none":
        book = _rulebook()
        when = date
        if ctl.rules == "frozen" and ctl.frozen_at is not None:
            frozen = book.version(ctl.frozen_at)
            nxt = [v.effective for v in book.versions if v.effective > frozen.effective]
            if nxt and date >= nxt[0]:
                when = nxt[0] - dt.timedelta(days=1)
        if when >= book.versions[0].effective:
            from chipwar.controls.classify import classify

            table = classify(foreign, "CN", when).set_index("chip")
            for j, chip in enumerate(ids):
                if not domestic[j]:
                    ok[j] = not bool(table.loc[chip, "license_required"])
    for w in ctl.licences:
        if w.from_date <= date and (w.until is None or date <= w.until):
            ok[ids.index(w.chip)] = True
    for w in ctl.overrides:
        if w.from_date <= date and (w.until is None or date <= w.until):
            ok[ids.index(w.chip)] = w.available
    return ok


def builtin_scenarios() -> list[str]:
    return list(BUILTIN)
