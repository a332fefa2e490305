"""Total cost of ownership of usable compute, per accelerator-hour and per usable PFLOP-hour.

The engine is pure and vectorised: :func:`tco_arrays` evaluates the equations over NumPy arrays
that broadcast to ``(chips, sites, samples)``; :func:`tco_frame` evaluates the base case of every
chip × site and returns a DataFrame (the contract other parts rely on).

Per accelerator-hour (``H`` = 8760 h/yr)::

    capex  = (system_capex_usd × CRF(r, life) + facility_capex_usd_per_kw × it_power_kw
              × CRF(r, facility_life)) / H
    power  = it_power_kw × average_load × pue × price_usd_per_kwh × (1 − subsidy)
    other  = other_opex_fraction × (system_capex_usd + facility_capex_usd_per_kw × it_power_kw) / H
    usable_pflops = dense_tflops[precision] / 1000 × utilization
    usd_per_pflop_hour = (capex + power + other) / usable_pflops

Sources of the default assumptions: ``data/tco_assumptions.yaml`` (ids in ``sources/tco.yaml``).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from chipwar import cancel
from chipwar.catalog.accelerators import PRECISIONS, Accelerator, get_accelerator
from chipwar.catalog.constants import HOURS_PER_YEAR
from chipwar.catalog.sites import Site, Subsidy, get_site
from chipwar.catalog.types import Range
from chipwar.catalog.uncertainty import Uncertain
from chipwar.compute.assumptions import TcoAssumptions, load_assumptions
from chipwar.errors import InputError, NotApplicableError

ArrayLike = npt.ArrayLike
Array = npt.NDArray[np.float64]

OUTPUT_COLUMNS: tuple[str, ...] = (
    "usd_per_accelerator_hour",
    "capex_usd_per_hour",
    "power_usd_per_hour",
    "other_usd_per_hour",
    "electricity_share",
    "it_power_kw",
    "facility_power_kw",
    "kwh_per_accelerator_hour",
    "price_usd_per_kwh",
    "subsidy",
    "usable_pflops",
    "usd_per_pflop_hour",
    "kwh_per_pflop_hour",
    "kgco2_per_pflop_hour",
)


def capital_recovery_factor(rate: ArrayLike, life_years: ArrayLike) -> Array:
    """Capital-recovery factor: the annuity that repays 1 USD over ``n`` years at rate ``r``.

    CRF = r (1+r)^n / ((1+r)^n − 1) = r / (1 − (1+r)^−n);  r = 0 → 1/n;  n = ∞ → r

    Parameters
    ----------
    rate : array_like
        r, cost of capital [1/yr], ≥ 0.
    life_years : array_like
        n, economic life [yr], > 0 (``inf`` allowed).

    Returns
    -------
    numpy.ndarray
        CRF [1/yr], broadcast over the inputs.

    References
    ----------
    PyPSA's ``annuity`` (``pypsa/costs.py``); rates and lives: ``assumption-tco-cost-of-capital``,
    ``aidcguide-depreciation-life``, ``assumption-tco-facility-life``.

    Examples
    --------
    >>> round(float(capital_recovery_factor(0.09, 5)), 4)
    0.2571
    >>> float(capital_recovery_factor(0.0, 4))
    0.25
    >>> capital_recovery_factor([0.0, 0.1], [10, 10]).round(4).tolist()
    [0.1, 0.1627]
    """
    r = np.asarray(rate, dtype=float)
    n = np.asarray(life_years, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        decay = np.exp(-n * np.log1p(r))  # (1+r)^-n; 0 for an infinite life
        out: Array = np.where(r == 0.0, 1.0 / n, r / (1.0 - decay))
    return out


INPUT_NAMES: tuple[str, ...] = (
    "system_capex_usd",
    "facility_capex_usd_per_kw",
    "it_power_kw",
    "average_load",
    "pue",
    "price_usd_per_kwh",
    "subsidy",
    "cost_of_capital",
    "life_years",
    "facility_life_years",
    "other_opex_fraction",
    "dense_tflops",
    "utilization",
    "gco2_per_kwh",
)


PASS_THROUGH: tuple[str, ...] = ("it_power_kw", "price_usd_per_kwh", "subsidy")
"""Outputs that are inputs of the equations, reported unchanged."""


def _kernel(
    x: Mapping[str, Array], out: Mapping[str, Array], scratch: dict[str, Array] | None = None
) -> None:
    """The TCO equations written into preallocated ``out`` arrays (the computed ones of
    :data:`OUTPUT_COLUMNS`, plus any of :data:`PASS_THROUGH` given), all of the broadcast shape
    of ``x``, with in-place ufuncs: about 30 array passes. Temporaries live in ``scratch``
    (reused across the blocks of :func:`evaluate`: allocating a fresh 256 kB array costs more
    than the arithmetic on it).

    CRF/H = r/H + (r/H) / expm1(n·log1p r)  (= r (1+r)^n / ((1+r)^n − 1) / H); r = 0 → 1/(n·H).
    """
    ws: dict[str, Array] = {} if scratch is None else scratch

    def tmp(name: str, *operands: Array) -> Array:
        shape = np.broadcast_shapes(*(np.shape(a) for a in operands))
        arr = ws.get(name)
        if arr is None or arr.shape != shape:
            arr = ws[name] = np.empty(shape)
        return arr

    rate = x["cost_of_capital"]
    log_growth = np.log1p(rate, out=tmp("log_growth", rate))
    rate_h = np.multiply(rate, 1.0 / HOURS_PER_YEAR, out=tmp("rate_h", rate))
    zero = np.count_nonzero(rate) != rate.size

    def crf_per_hour(life: Array, name: str) -> Array:
        crf = np.multiply(life, log_growth, out=tmp(name, life, log_growth))
        np.expm1(crf, out=crf)
        np.divide(rate_h, crf, out=crf)
        np.add(crf, rate_h, out=crf)
        if zero:
            crf = np.where(rate == 0.0, 1.0 / (life * HOURS_PER_YEAR), crf)
        return crf

    capex = x["system_capex_usd"]
    it_kw = x["it_power_kw"]
    capex_h = out["capex_usd_per_hour"]
    np.multiply(capex, crf_per_hour(x["life_years"], "crf_it"), out=capex_h)
    fcap = x["facility_capex_usd_per_kw"]
    facility = np.multiply(fcap, it_kw, out=tmp("facility", fcap, it_kw))
    crf_f = crf_per_hour(x["facility_life_years"], "crf_facility")
    np.add(capex_h, np.multiply(facility, crf_f, out=tmp("work", facility, crf_f)), out=capex_h)
    other_h = out["other_usd_per_hour"]
    np.add(capex, facility, out=other_h)
    opex = x["other_opex_fraction"]
    opex_h = np.multiply(opex, 1.0 / HOURS_PER_YEAR, out=tmp("opex_h", opex))
    np.multiply(other_h, opex_h, out=other_h)
    facility_kw = out["facility_power_kw"]
    np.multiply(it_kw, x["pue"], out=facility_kw)
    kwh_h = out["kwh_per_accelerator_hour"]
    np.multiply(facility_kw, x["average_load"], out=kwh_h)
    power_h = out["power_usd_per_hour"]
    np.multiply(kwh_h, x["price_usd_per_kwh"], out=power_h)
    sub = x["subsidy"]
    if sub.shape[-1] > 1 or np.count_nonzero(sub):  # skip × 1 when no sample has a subsidy
        np.multiply(power_h, np.subtract(1.0, sub, out=tmp("keep", sub)), out=power_h)
    total = out["usd_per_accelerator_hour"]
    np.add(capex_h, power_h, out=total)
    np.add(total, other_h, out=total)
    np.divide(power_h, total, out=out["electricity_share"])
    usable = out["usable_pflops"]
    np.multiply(x["utilization"], np.asarray(x["dense_tflops"]) / 1000.0, out=usable)
    per_usable = np.divide(1.0, usable, out=tmp("per_usable", usable))
    np.multiply(total, per_usable, out=out["usd_per_pflop_hour"])
    kwh_pflop = out["kwh_per_pflop_hour"]
    np.multiply(kwh_h, per_usable, out=kwh_pflop)
    gco2 = x["gco2_per_kwh"]
    kg_per_kwh = np.multiply(gco2, 1e-3, out=tmp("kg_per_kwh", gco2))
    np.multiply(kwh_pflop, kg_per_kwh, out=out["kgco2_per_pflop_hour"])
    for name in PASS_THROUGH:
        if name in out:
            np.copyto(out[name], x[name])


def tco_arrays(
    *,
    system_capex_usd: ArrayLike,
    facility_capex_usd_per_kw: ArrayLike,
    it_power_kw: ArrayLike,
    average_load: ArrayLike,
    pue: ArrayLike,
    price_usd_per_kwh: ArrayLike,
    subsidy: ArrayLike,
    cost_of_capital: ArrayLike,
    life_years: ArrayLike,
    facility_life_years: ArrayLike,
    other_opex_fraction: ArrayLike,
    dense_tflops: ArrayLike,
    utilization: ArrayLike,
    gco2_per_kwh: ArrayLike,
) -> dict[str, Array]:
    """Evaluate the TCO equations (module docstring; written plainly in
    :func:`chipwar.compute.tco_reference.tco_reference`, which a property test holds equal) on
    broadcastable arrays.

    Parameters
    ----------
    system_capex_usd : array_like
        Capital cost per accelerator with its server and network share [USD].
    facility_capex_usd_per_kw : array_like
        Data-centre build cost per kW of IT load [USD/kW].
    it_power_kw : array_like
        IT power per accelerator with host share [kW].
    average_load : array_like
        Average draw / rated power [fraction].
    pue : array_like
        Facility power / IT power [dimensionless].
    price_usd_per_kwh : array_like
        Electricity price [USD/kWh].
    subsidy : array_like
        Share of the power bill waived [fraction].
    cost_of_capital : array_like
        r [1/yr].
    life_years, facility_life_years : array_like
        Economic lives of the IT equipment and of the building [yr].
    other_opex_fraction : array_like
        Maintenance, staff, insurance per year / capex [1/yr].
    dense_tflops : array_like
        Dense peak at the chosen precision [TFLOPS].
    utilization : array_like
        Achieved fraction of dense peak [fraction].
    gco2_per_kwh : array_like
        Grid carbon intensity [gCO2/kWh].

    Returns
    -------
    dict of str to numpy.ndarray
        The columns of :data:`OUTPUT_COLUMNS` (USD, kWh and kgCO2 per accelerator-hour and per
        usable PFLOP-hour), each of the inputs' broadcast shape.

    References
    ----------
    Default inputs: ``data/tco_assumptions.yaml`` (source ids in ``data/sources/tco.yaml``).
    """
    given = locals()
    x = {k: np.asarray(given[k], dtype=float) for k in INPUT_NAMES}
    shape = np.broadcast_shapes(*(v.shape for v in x.values()))
    x = {k: np.atleast_1d(v) for k, v in x.items()}  # in-place ufuncs need arrays, not scalars
    out = {k: np.empty(shape or (1,)) for k in OUTPUT_COLUMNS}
    with np.errstate(divide="ignore", invalid="ignore"):
        _kernel(x, out)
    return {k: v.reshape(shape) for k, v in out.items()}


# --- batch preparation: catalog objects -> low/base/high arrays -------------------------------

FACTORS: tuple[str, ...] = (
    "chip_capex_usd",
    "chip_power_kw",
    "utilization",
    "server_capex_overhead",
    "host_power_overhead",
    "life_years",
    "cost_of_capital",
    "facility_life_years",
    "average_load",
    "other_opex_fraction",
    "price_usd_per_kwh",
    "pue",
    "gco2_per_kwh",
    "facility_capex_usd_per_kw",
    "subsidy",
)
"""Uncertain inputs, in sampling order. ``chip_*`` and ``utilization`` have shape (C, 1); site
inputs (1, S); global assumptions (1, 1); ``subsidy`` is a table (K,) indexed per chip × site."""


@dataclass(frozen=True)
class Triple:
    """low/base/high arrays of one uncertain input (same shape), with the values they came from
    (``items``, flat, C order) and the factor ``scale`` applied to them, so that the sampler
    can honour each value's distribution."""

    low: Array
    base: Array
    high: Array
    items: tuple[Uncertain, ...] = ()
    scale: float = 1.0


@dataclass(frozen=True)
class TcoBatch:
    """Everything the engine needs for chips × sites, as arrays (built by :func:`prepare`)."""

    chips: tuple[Accelerator, ...]
    sites: tuple[Site, ...]
    precision: str
    factors: dict[str, Triple]
    dense_tflops: Array  # (C, 1)
    has_system_capex: npt.NDArray[np.bool_]  # (C, 1)
    has_system_power: npt.NDArray[np.bool_]  # (C, 1)
    subsidy_index: npt.NDArray[np.intp]  # (C, S) into factors["subsidy"]
    subsidy_ids: tuple[tuple[str | None, ...], ...]  # (C, S)
    chip_price_base: Array  # (C, 1): price_usd.base or NaN

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.chips), len(self.sites)


def _triple(ranges: Sequence[Uncertain], shape: tuple[int, ...], scale: float = 1.0) -> Triple:
    def arr(q: str) -> Array:
        return np.array([getattr(r, q) * scale for r in ranges], dtype=float).reshape(shape)

    return Triple(arr("low"), arr("base"), arr("high"), tuple(ranges), scale)


def _resolve_chip(chip: str | Accelerator) -> Accelerator:
    return chip if isinstance(chip, Accelerator) else get_accelerator(chip)


def _resolve_site(site: str | Site) -> Site:
    return site if isinstance(site, Site) else get_site(site)


def _chip_capex(chip: Accelerator) -> Range:
    if chip.system_capex_usd is not None:
        return chip.system_capex_usd
    if chip.price_usd is not None:
        return chip.price_usd
    raise NotApplicableError(
        f"chip {chip.id!r} has neither price_usd nor system_capex_usd, so its cost is unknown; "
        "give one in a scenario file"
    )


def _chip_power(chip: Accelerator) -> Range:
    if chip.system_power_w is not None:
        return chip.system_power_w
    if chip.tdp_w is not None:
        return Range.exact(chip.tdp_w, list(chip.source))
    raise NotApplicableError(
        f"chip {chip.id!r} has neither tdp_w nor system_power_w, so its power is unknown; "
        "give one in a scenario file"
    )


def _best_subsidy(site: Site, chip: Accelerator, date: dt.date) -> Subsidy | None:
    """The active subsidy at ``site`` with the largest base discount that ``chip`` is eligible
    for (subsidies are not stacked)."""
    usable = [s for s in site.subsidies if s.active_on(date) and s.eligible(chip.designer_country)]
    return max(usable, key=lambda s: s.power_discount_fraction.base, default=None)


MIN_UTILIZATION = 0.001
"""Plausibility floor (not sourced) of ``--utilization`` and the utilization assumptions: 0.1 %;
a utilization of 1e-308 made every cost per PFLOP-hour overflow to null."""

MAX_PAIRS = 1_000_000
"""Most chip × site pairs one call evaluates: a million rows of ~30 columns (~0.3 GB as a
DataFrame), far more than a table shows; the Monte Carlo cap (montecarlo.MAX_CELLS) is lower
per pair."""


def prepare(
    chips: Sequence[str | Accelerator],
    sites: Sequence[str | Site],
    *,
    precision: str = "bf16",
    utilization: float | None = None,
    subsidy: Literal["auto"] | float = "auto",
    date: dt.date | None = None,
    assumptions: TcoAssumptions | None = None,
) -> TcoBatch:
    """Resolve ids, check inputs and arrange every uncertain input as low/base/high arrays."""
    if precision not in PRECISIONS:
        raise InputError("precision", precision, f"one of {', '.join(PRECISIONS)}")
    if utilization is not None and not (MIN_UTILIZATION <= float(utilization) <= 1.0):
        raise InputError("utilization", utilization, f"a fraction in [{MIN_UTILIZATION:g}, 1]")
    if not (subsidy == "auto" or (isinstance(subsidy, int | float) and 0.0 <= subsidy <= 1.0)):
        raise InputError("subsidy", subsidy, "'auto' or a fraction in [0, 1]")
    if not chips:
        raise InputError("chip", [], "at least one accelerator id")
    if not sites:
        raise InputError("site", [], "at least one site id")
    if len(chips) * len(sites) > MAX_PAIRS:
        raise InputError(
            "chips × sites",
            f"{len(chips):,} × {len(sites):,}",
            f"at most {MAX_PAIRS:,} pairs in one call (each is a row of the answer)",
        )
    a = load_assumptions() if assumptions is None else assumptions
    day = dt.date.today() if date is None else date
    accs = tuple(_resolve_chip(c) for c in chips)
    locs = tuple(_resolve_site(s) for s in sites)
    n_chips, n_sites = len(accs), len(locs)

    for acc in accs:
        if precision not in acc.dense_tflops:
            have = ", ".join(acc.dense_tflops) or "none"
            raise NotApplicableError(
                f"chip {acc.id!r} has no dense {precision} throughput (it has: {have})"
            )
        for name in ("price_usd", "system_capex_usd", "system_power_w"):
            rng = getattr(acc, name)
            if rng is not None and rng.low < 0:
                raise InputError(f"{acc.id}.{name}", rng.low, "a value >= 0")
    for loc in locs:
        price = loc.electricity.price_per_kwh
        if price.low < 0:
            raise InputError(f"{loc.id}.electricity.price_per_kwh", price.low, "a price >= 0")

    chip_shape, site_shape = (n_chips, 1), (1, n_sites)
    util = (
        [Range.exact(float(utilization), ["user-override"])] * n_chips
        if utilization is not None
        else [a.utilization_for(c.id, c.vendor) for c in accs]
    )
    prices = [
        a.price_usd_per_kwh if a.price_usd_per_kwh else s.electricity.price_usd_per_kwh
        for s in locs
    ]
    pues = [a.pue if a.pue else s.pue for s in locs]
    facility = [s.facility_capex_usd_per_kw or a.facility_capex_for(s.country) for s in locs]
    factors: dict[str, Triple] = {
        "chip_capex_usd": _triple([_chip_capex(c) for c in accs], chip_shape),
        "chip_power_kw": _triple([_chip_power(c) for c in accs], chip_shape, 1e-3),
        "utilization": _triple(util, chip_shape),
        "price_usd_per_kwh": _triple(prices, site_shape),
        "pue": _triple(pues, site_shape),
        "gco2_per_kwh": _triple([s.carbon.gco2_per_kwh for s in locs], site_shape),
        "facility_capex_usd_per_kw": _triple(facility, site_shape),
    }
    for name in (
        "server_capex_overhead", "host_power_overhead", "life_years", "cost_of_capital",
        "facility_life_years", "average_load", "other_opex_fraction",
    ):  # fmt: skip
        factors[name] = _triple([getattr(a, name)], (1, 1))

    # Subsidy table: entry 0 = none; then one entry per distinct (site, subsidy) in use.
    table: list[Range] = [Range.exact(0.0, ["user-override"])]
    index = np.zeros((n_chips, n_sites), dtype=np.intp)
    ids: list[list[str | None]] = [[None] * n_sites for _ in range(n_chips)]
    if subsidy == "auto":
        slot: dict[tuple[int, str], int] = {}
        for j, loc in enumerate(locs):
            for i, acc in enumerate(accs):
                best = _best_subsidy(loc, acc, day)
                if best is None:
                    continue
                key = (j, best.id)
                if key not in slot:
                    slot[key] = len(table)
                    table.append(best.power_discount_fraction)
                index[i, j] = slot[key]
                ids[i][j] = best.id
    else:
        table.append(Range.exact(float(subsidy), ["user-override"]))
        index[:] = 1 if subsidy > 0 else 0
        ids = [["user-override" if subsidy > 0 else None] * n_sites for _ in range(n_chips)]
    factors["subsidy"] = _triple(table, (len(table),))

    return TcoBatch(
        chips=accs,
        sites=locs,
        precision=precision,
        factors=factors,
        dense_tflops=np.array([c.dense_tflops[precision] for c in accs], dtype=float).reshape(
            chip_shape
        ),
        has_system_capex=np.array([c.system_capex_usd is not None for c in accs]).reshape(
            chip_shape
        ),
        has_system_power=np.array([c.system_power_w is not None for c in accs]).reshape(chip_shape),
        subsidy_index=index,
        subsidy_ids=tuple(tuple(row) for row in ids),
        chip_price_base=np.array(
            [c.price_usd.base if c.price_usd else np.nan for c in accs], dtype=float
        ).reshape(chip_shape),
    )


def base_values(batch: TcoBatch, which: str = "base") -> dict[str, Array]:
    """Every factor at ``low``, ``base`` or ``high``, with a trailing sample axis of length 1."""
    return {k: getattr(t, which)[..., None] for k, t in batch.factors.items()}


def _all_in(base: Array, has_system: npt.NDArray[np.bool_], overhead: Array) -> Array:
    """base × (1 + overhead) for chips without a system figure, base for those with one."""
    if has_system.all():
        return base
    scaled: Array = base * (1.0 + overhead)
    if not has_system.any():
        return scaled
    out: Array = np.where(has_system[..., None], base, scaled)
    return out


def engine_inputs(batch: TcoBatch, values: Mapping[str, Array]) -> dict[str, Array]:
    """Turn factor values (each of factor shape + (N,)) into :func:`tco_arrays` keywords of
    shape broadcastable to (C, S, N): all-in capex and power, subsidy gathered per chip × site.

    system_capex = chip_capex × (1 + server_capex_overhead) unless the chip has system_capex_usd;
    it_power_kw = chip_power_kw × (1 + host_power_overhead) unless it has system_power_w.
    """
    it_power_kw = _all_in(
        values["chip_power_kw"], batch.has_system_power, values["host_power_overhead"]
    )
    return _inputs(batch, values, it_power_kw, values["subsidy"][batch.subsidy_index])


def _inputs(
    batch: TcoBatch, values: Mapping[str, Array], it_power_kw: Array, subsidy: Array
) -> dict[str, Array]:
    return {
        "system_capex_usd": _all_in(
            values["chip_capex_usd"], batch.has_system_capex, values["server_capex_overhead"]
        ),
        "it_power_kw": it_power_kw,
        "facility_capex_usd_per_kw": values["facility_capex_usd_per_kw"],
        "average_load": values["average_load"],
        "pue": values["pue"],
        "price_usd_per_kwh": values["price_usd_per_kwh"],
        "subsidy": subsidy,
        "cost_of_capital": values["cost_of_capital"],
        "life_years": values["life_years"],
        "facility_life_years": values["facility_life_years"],
        "other_opex_fraction": values["other_opex_fraction"],
        "dense_tflops": batch.dense_tflops[..., None],
        "utilization": values["utilization"],
        "gco2_per_kwh": values["gco2_per_kwh"],
    }


BLOCK_CELLS = 32_768
"""Chips × sites × samples evaluated per block in :func:`evaluate`. Blocks of ~256 kB per array
keep the kernel's inputs, temporaries and output slices in the CPU cache; a single pass over
10^6-sample arrays is bound by memory traffic (~1.3x slower on the benchmark machine)."""


COMPUTED: tuple[str, ...] = tuple(c for c in OUTPUT_COLUMNS if c not in PASS_THROUGH)
"""Outputs that :func:`evaluate` writes (the others are views of its inputs)."""


def evaluate(
    batch: TcoBatch,
    values: Mapping[str, Array],
    block_cells: int = BLOCK_CELLS,
    out: Mapping[str, Array] | None = None,
    samples: int | None = None,
) -> dict[str, Array]:
    """Outputs of shape (C, S, N) for the given factor values (each of factor shape + (N,)),
    written block by block (a loop over blocks of at most ``block_cells`` cells, each fully
    vectorised; never over samples) into preallocated arrays.

    ``out``: optional float arrays of shape (C, S, N) for the names in :data:`COMPUTED`, reused
    instead of fresh ones (repeated evaluations, e.g. a sweep, skip allocating and first-touching
    ~11 × 8 N·C·S bytes per call). ``samples``: N when every factor is a point value (each
    then has a sample axis of length 1); by default the longest sample axis."""
    n = samples if samples is not None else max(np.shape(v)[-1] for v in values.values())
    n_chips, n_sites = batch.shape
    shape = (n_chips, n_sites, n)
    chunk = max(1, block_cells // (n_chips * n_sites))
    # Inputs reported as outputs (price, all-in power, subsidy) are broadcast views, not copies.
    it_power_kw = _all_in(
        values["chip_power_kw"], batch.has_system_power, values["host_power_overhead"]
    )
    subsidy = values["subsidy"][batch.subsidy_index]
    views = {
        "price_usd_per_kwh": np.broadcast_to(values["price_usd_per_kwh"], shape),
        "it_power_kw": np.broadcast_to(it_power_kw, shape),
        "subsidy": np.broadcast_to(subsidy, shape),
    }
    if out is None:  # one allocation for all outputs: fewer, larger (huge-page) first touches
        whole = np.empty((len(COMPUTED), *shape))
        out = {name: whole[i] for i, name in enumerate(COMPUTED)}
    else:
        for name in COMPUTED:
            given = out.get(name)
            if not isinstance(given, np.ndarray) or given.shape != shape or given.dtype != float:
                raise InputError(f"out[{name!r}]", getattr(given, "shape", given),
                                 f"a float64 array of shape {shape}")  # fmt: skip

    def cut(v: Array, block: slice) -> Array:
        return v[..., block] if np.shape(v)[-1] == n else v

    scratch: dict[str, Array] = {}
    with np.errstate(divide="ignore", invalid="ignore"):
        for start in range(0, n, chunk):
            cancel.check()
            block = slice(start, start + chunk)
            part = {k: cut(v, block) for k, v in values.items()}
            x = _inputs(batch, part, cut(it_power_kw, block), cut(subsidy, block))
            _kernel(x, {k: out[k][..., block] for k in COMPUTED}, scratch)
    return {name: out[name] if name in COMPUTED else views[name] for name in OUTPUT_COLUMNS}


def frame_from(batch: TcoBatch, out: Mapping[str, Array], sample: int = 0) -> pd.DataFrame:
    """One row per chip × site (chip-major) from outputs of shape (C, S, N), at ``sample``."""
    return pd.DataFrame(table_columns(batch, out, sample))


def table_columns(batch: TcoBatch, out: Mapping[str, Array], sample: int = 0) -> dict[str, object]:
    """The columns of :func:`frame_from` (chip-major rows), as NumPy arrays, lists and the
    scalar ``precision``."""
    n_chips, n_sites = batch.shape
    shape = (n_chips, n_sites)
    inputs = engine_inputs(batch, base_values(batch))

    def flat(arr: Array) -> Array:
        a = np.asarray(arr)
        return np.broadcast_to(a[..., min(sample, a.shape[-1] - 1)], shape).reshape(-1)

    columns: dict[str, object] = {
        "chip": np.repeat([c.id for c in batch.chips], n_sites),
        "site": np.tile([s.id for s in batch.sites], n_chips),
        "precision": batch.precision,
        "designer_country": np.repeat([c.designer_country for c in batch.chips], n_sites),
        "subsidy_id": [sid for row in batch.subsidy_ids for sid in row],
    }
    for col in OUTPUT_COLUMNS:
        columns[col] = flat(out[col]).astype(float)
    for col in ("system_capex_usd", "utilization", "pue", "gco2_per_kwh"):
        columns[col] = flat(inputs[col]).astype(float)
    columns["dense_tflops"] = np.repeat(batch.dense_tflops[:, 0], n_sites)
    return columns


def rows_from(
    batch: TcoBatch, out: Mapping[str, Array], sample: int = 0
) -> list[dict[str, object]]:
    """The rows of :func:`frame_from` as JSON objects (``serialize.document`` of that frame:
    plain Python values, NaN and ±inf as None), built without pandas: for the small tables of
    an interactive page, constructing and serialising a DataFrame costs more than the equations.
    """
    columns = table_columns(batch, out, sample)
    n = batch.shape[0] * batch.shape[1]
    values: list[list[object]] = []
    for col in columns.values():
        if isinstance(col, np.ndarray) and col.dtype.kind == "f":
            values.append([v if math.isfinite(v) else None for v in col.tolist()])
        elif isinstance(col, np.ndarray | list):
            values.append(list(col.tolist() if isinstance(col, np.ndarray) else col))
        else:
            values.append([col] * n)
    names = list(columns)
    return [dict(zip(names, row, strict=True)) for row in zip(*values, strict=True)]


def base_case(batch: TcoBatch) -> dict[str, Array]:
    """Outputs (C, S, 1) of the base case (every input at its base value); a cost that
    overflowed is refused (:func:`refuse_non_finite_costs`)."""
    out = evaluate(batch, base_values(batch))
    refuse_non_finite_costs(np.stack([out[c] for c in COST_COLUMNS]))
    return out


def tco_frame(
    chips: Sequence[str | Accelerator] | str,
    sites: Sequence[str | Site] | str,
    *,
    precision: str = "bf16",
    utilization: float | None = None,
    subsidy: Literal["auto"] | float = "auto",
    date: dt.date | None = None,
    assumptions: TcoAssumptions | None = None,
) -> pd.DataFrame:
    """Base-case TCO of every chip × site, one row each (the equations: module docstring).

    Parameters
    ----------
    chips : sequence of str or Accelerator, or str
        Catalog ids or accelerator objects (e.g. from a ``--spec`` file).
    sites : sequence of str or Site, or str
        Catalog ids or site objects.
    precision : str
        Numeric format whose dense throughput is priced (``bf16`` by default).
    utilization : float or None
        Achieved fraction of dense peak in (0, 1]; None: the per-chip default of the
        assumptions.
    subsidy : 'auto' or float
        ``'auto'`` applies, per chip × site, the active site subsidy with the largest base
        discount that the chip is eligible for on ``date``; a number applies that fraction of the
        power bill to every chip × site (a what-if; 0 = no subsidy).
    date : datetime.date or None
        Day on which subsidies must be active (today if None).
    assumptions : TcoAssumptions or None
        Cost of capital, lives, PUE, … (None: the sourced defaults). The five options travel
        together as :class:`chipwar.compute.options.TcoOptions` (``**options.engine_kwargs()``).

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`OUTPUT_COLUMNS` (USD, kWh, kgCO2 per accelerator-hour and per
        usable PFLOP-hour) plus chip, site, precision, designer_country, subsidy_id,
        system_capex_usd [USD], utilization, pue, gco2_per_kwh [g/kWh], dense_tflops [TFLOPS].

    References
    ----------
    Inputs: ``data/accelerators.yaml``, ``data/sites.yaml``, ``data/tco_assumptions.yaml``, each
    value with its source id (``data/sources/*.yaml``).
    """
    batch = prepare(
        [chips] if isinstance(chips, str) else chips,
        [sites] if isinstance(sites, str) else sites,
        precision=precision,
        utilization=utilization,
        subsidy=subsidy,
        date=date,
        assumptions=assumptions,
    )
    return frame_from(batch, base_case(batch))


COST_COLUMNS = ("usd_per_accelerator_hour", "usd_per_pflop_hour")
"""The answers that must be finite numbers (an overflow is refused, never shown as null)."""


def refuse_non_finite_costs(values: Array) -> None:
    """InputError when a cost overflowed to inf/NaN: some input is at the edge of its range
    (every bound of assumptions.BOUNDS is within range alone, but extremes can combine)."""
    if not np.isfinite(values).all():
        raise InputError(
            "cost",
            "inf/NaN",
            "inputs whose cost is a finite number; check extreme --set, --utilization or "
            "--spec values",
        )
