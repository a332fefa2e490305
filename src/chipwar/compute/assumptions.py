"""Sourced default assumptions of the TCO engine (``data/tco_assumptions.yaml``).

Every value is a :class:`~chipwar.catalog.types.Range` with source ids; a scenario file or a
``--set NAME=VALUE`` flag replaces any of them (:func:`with_overrides`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError, model_validator

from chipwar.catalog.accelerators import load_accelerators
from chipwar.catalog.io import DATA_DIR, parse_one, read_structured
from chipwar.catalog.sources import Source, check_source_ids
from chipwar.catalog.types import Range, Strict
from chipwar.errors import DataError, InputError

ASSUMPTIONS_FILE = DATA_DIR / "tco_assumptions.yaml"

BOUNDS: dict[str, tuple[float, float | None, bool]] = {
    # name: (lower bound, upper bound or None, lower bound exclusive?)
    # Upper bounds marked "plausibility" are NOT sourced: they are set far above any value in
    # the shipped data or the literature the data cite, only so that an absurd input (1e308)
    # is refused instead of turning every cost into inf/null. See docs/limits.md.
    "life_years": (0.0, 100.0, True),  # plausibility
    "cost_of_capital": (0.0, 10.0, False),  # plausibility: 1,000 %/yr
    "facility_life_years": (0.0, 200.0, True),  # plausibility
    "average_load": (0.001, 1.0, False),  # plausibility floor: 0.1 %
    "other_opex_fraction": (0.0, 100.0, False),  # plausibility
    "host_power_overhead": (0.0, 100.0, False),  # plausibility
    "server_capex_overhead": (0.0, 100.0, False),  # plausibility
    "utilization": (0.001, 1.0, False),  # plausibility floor: 0.1 %
    "facility_capex_usd_per_kw": (0.0, 1e7, False),  # plausibility: 10 M USD per kW
    "price_usd_per_kwh": (0.0, 1e4, False),  # plausibility
    "pue": (1.0, 100.0, False),  # plausibility
}
"""Allowed interval of each assumption (checked on every Range, low to high)."""

PLAUSIBLE: dict[str, tuple[float, float, str, float | None]] = {
    # name: (low, high, unit, divisor of the likely slip). **Plausibility (not sourced)**: wide
    # ranges around the shipped, sourced values (data/tco_assumptions.yaml) inside the hard
    # BOUNDS above; a value outside is computed but warned about (an error under --strict).
    # The divisor names the likely slip: 100 for a percentage typed as a number (5 for 5 %),
    # 12 for months typed as years. See docs/limits.md.
    "life_years": (1.0, 15.0, "years", 12.0),
    "cost_of_capital": (0.0, 0.5, "a fraction per year; 0.05 = 5 %", 100.0),
    "facility_life_years": (5.0, 60.0, "years", 12.0),
    "average_load": (0.05, 1.0, "a fraction of rated power", 100.0),
    "other_opex_fraction": (0.0, 0.5, "a fraction of capex per year", 100.0),
    "host_power_overhead": (0.0, 1.5, "a fraction of accelerator power", 100.0),
    "server_capex_overhead": (0.0, 3.0, "a fraction of chip price", 100.0),
    "utilization": (0.05, 1.0, "a fraction of dense peak", 100.0),
    "facility_capex_usd_per_kw": (1000.0, 50000.0, "USD per kW of IT load", None),
    "price_usd_per_kwh": (0.0, 1.0, "USD per kWh", 100.0),
    "pue": (1.0, 3.0, "facility / IT power", None),
}
"""Plausible interval of each assumption given by a user (``--set``, a scenario file)."""

MIN_LIFE_YEARS = 1 / 365
"""Plausibility (not sourced): a life shorter than a day makes the capital-recovery factor
overflow; refused with the bounds above."""


def _likely(name: str, value: float) -> float | None:
    """The value probably meant (``value / divisor``) when that one is plausible."""
    lo, hi, _, divisor = PLAUSIBLE[name]
    if divisor is None or value <= hi:
        return None
    guess = value / divisor
    return guess if lo <= guess <= hi else None


def check_plausible(key: str, rng: Range) -> None:
    """Flag (:func:`chipwar.plausibility.flag`) a user's value outside :data:`PLAUSIBLE`."""
    from chipwar.plausibility import flag

    name = key.partition(".")[0]
    lo, hi, unit, _ = PLAUSIBLE[name]
    for value in dict.fromkeys((rng.low, rng.base, rng.high)):
        if not lo <= value <= hi:
            flag(key, value, f"{lo:g} to {hi:g}, {unit}", _likely(name, value))
            return


def _check_bounds(name: str, rng: Range) -> None:
    lo, hi, open_lo = BOUNDS[name]
    if name in ("life_years", "facility_life_years") and rng.low < MIN_LIFE_YEARS:
        raise InputError(name, rng.low, f"at least {MIN_LIFE_YEARS:.4g} years (one day)")
    bad_lo = rng.low <= lo if open_lo else rng.low < lo
    bad_hi = hi is not None and rng.high > hi
    if bad_lo or bad_hi:
        bracket = "(" if open_lo else "["
        allowed = f"{bracket}{lo:g}, {'inf)' if hi is None else f'{hi:g}]'}"
        value = rng.low if bad_lo else rng.high
        guess = _likely(name, value) if name in PLAUSIBLE else None
        hint = "" if guess is None else f" (did you mean {guess:g}?)"
        raise InputError(name, value, f"a value in {allowed}{hint}")


class TcoAssumptions(Strict):
    """Assumptions of the TCO model; each a low/base/high Range with sources.

    ``utilization`` and ``facility_capex_usd_per_kw`` are lookup tables: utilization by chip id,
    then vendor (lower-case), then ``default``; facility capex by site country, then ``default``
    (used only when a site has no ``facility_capex_usd_per_kw`` of its own).
    ``price_usd_per_kwh`` and ``pue``, when set, replace every site's value (a what-if).
    """

    life_years: Range
    cost_of_capital: Range
    facility_life_years: Range
    average_load: Range
    other_opex_fraction: Range
    host_power_overhead: Range
    server_capex_overhead: Range
    utilization: dict[str, Range]
    facility_capex_usd_per_kw: dict[str, Range]
    price_usd_per_kwh: Range | None = None
    pue: Range | None = None

    @model_validator(mode="after")
    def _valid(self) -> TcoAssumptions:
        for table in ("utilization", "facility_capex_usd_per_kw"):
            if "default" not in getattr(self, table):
                raise ValueError(f"{table} needs a 'default' entry")
        for name, rng in self.ranges():
            _check_bounds(name.split(".")[0], rng)
        return self

    def ranges(self) -> list[tuple[str, Range]]:
        """Every Range as (dotted name, Range), e.g. ``("utilization.huawei", Range)``."""
        out: list[tuple[str, Range]] = []
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, Range):
                out.append((name, value))
            elif isinstance(value, dict):
                out += [(f"{name}.{k}", v) for k, v in value.items()]
        return out

    def utilization_for(self, chip_id: str, vendor: str) -> Range:
        """Utilization Range for a chip: by chip id, then vendor (lower-case, whole or first
        word: "Huawei (HiSilicon)" -> "huawei"), then the longest key that prefixes the id as
        a family ("huawei-ascend" for "huawei-ascend-910c"), then ``default``."""
        table = self.utilization
        words = vendor.lower().split()
        for key in (chip_id, vendor.lower(), words[0] if words else ""):
            if key in table:
                return table[key]
        family = [k for k in table if chip_id.startswith(f"{k}-")]
        return table[max(family, key=len)] if family else table["default"]

    def facility_capex_for(self, country: str) -> Range:
        """Facility capex per kW IT for a site country, else the default [USD/kW]."""
        table = self.facility_capex_usd_per_kw
        return table.get(country) or table["default"]


def parse_assumptions(raw: Any, where: str) -> TcoAssumptions:
    """Validate a mapping into TcoAssumptions; errors name ``where`` and the field."""
    if not isinstance(raw, dict):
        raise DataError(f"{where}: expected a mapping of assumption name -> range")
    try:
        return parse_one(TcoAssumptions, raw, where)
    except InputError as exc:
        raise DataError(f"{where}: {exc}") from None


def read_assumptions(path: str | Path) -> TcoAssumptions:
    """Read an assumptions file (YAML or JSON)."""
    return parse_assumptions(read_structured(path), Path(path).name)


@cache
def _default() -> TcoAssumptions:
    return read_assumptions(ASSUMPTIONS_FILE)


def load_assumptions(path: str | Path | None = None) -> TcoAssumptions:
    """The shipped (sourced) defaults, or a user file."""
    return _default() if path is None else read_assumptions(path)


def as_range(value: Any, field: str, source: str = "user-override") -> Range:
    """A number (-> exact Range citing ``source``) or a low/base/high mapping -> Range."""
    if isinstance(value, Range):
        return value
    if isinstance(value, bool) or value is None:
        raise InputError(field, value, "a number or a {low, base, high} mapping")
    if isinstance(value, int | float | str):
        try:
            number = float(value)
        except (ValueError, OverflowError):
            raise InputError(field, value, "a finite number") from None
        if not math.isfinite(number):
            raise InputError(field, value, "a finite number")
        return Range.exact(number, [source])
    if isinstance(value, dict):
        data = {"source": [source], **value}
        if "base" in data:
            data.setdefault("low", data["base"])
            data.setdefault("high", data["base"])
        try:
            return Range.model_validate(data)
        except ValidationError as exc:
            raise InputError(field, value, _first_msg(exc)) from None
    raise InputError(field, value, "a number or a {low, base, high} mapping")


def _first_msg(exc: ValidationError) -> str:
    err = exc.errors()[0]
    loc = ".".join(str(p) for p in err["loc"])
    msg = str(err["msg"]).removeprefix("Value error, ")
    return f"{loc}: {msg}" if loc else msg


def _check_entry(name: str, entry: str, table: Mapping[str, Any], chip_ids: Iterable[str]) -> None:
    """A table entry must name something that exists, so a typo is an error, not a no-op:
    ``utilization.<chip id or vendor/family prefix>``, ``facility_capex_usd_per_kw.<ISO-2>``."""
    if not entry or entry in table:
        return
    if name == "facility_capex_usd_per_kw":
        if not re.fullmatch(r"[A-Z]{2}", entry):
            raise InputError(f"{name}.{entry}", entry, "an ISO-3166 alpha-2 country such as CN")
        return
    ids = set(chip_ids)
    if entry in ids or any(c.startswith(f"{entry}-") for c in ids):
        return
    vendors = sorted({c.split("-")[0] for c in ids})
    raise InputError(
        f"{name}.{entry}",
        entry,
        f"a chip id or a vendor/family prefix such as {', '.join(vendors)}",
    )


def with_overrides(
    base: TcoAssumptions,
    overrides: Mapping[str, Any],
    source: str = "user-override",
    chip_ids: Iterable[str] | None = None,
) -> TcoAssumptions:
    """Replace assumptions by name. Keys: a field (``cost_of_capital``) or a table entry
    (``utilization.huawei``, ``facility_capex_usd_per_kw.CN``); values: a number or a Range
    mapping. Unknown names (and table entries that match no chip, vendor or country) raise
    InputError naming them; bounds are checked. ``chip_ids``: the chips entries may name (the
    catalog's by default)."""
    data: dict[str, Any] = {name: getattr(base, name) for name in type(base).model_fields}
    fields = list(type(base).model_fields)
    known_chips = list(load_accelerators()) + list(chip_ids or [])
    for key, value in overrides.items():
        if not isinstance(key, str):
            raise InputError("assumption", key, f"a name, one of {', '.join(fields)}")
        name, _, entry = key.partition(".")
        if name not in fields:
            raise InputError("assumption", key, f"one of {', '.join(fields)}")
        if name in ("utilization", "facility_capex_usd_per_kw"):
            named = [entry]
            if isinstance(value, dict) and not entry and not {"low", "base", "high"} & set(value):
                named = [str(k) for k in value]
            for e in named:
                _check_entry(name, e, data[name], known_chips)
        if name in ("utilization", "facility_capex_usd_per_kw"):
            if isinstance(value, dict) and not entry and not {"low", "base", "high"} & set(value):
                table = dict(data[name])
                for k, v in value.items():
                    table[str(k)] = as_range(v, f"{name}.{k}", source)
                data[name] = table
                continue
            table = dict(data[name])
            table[entry or "default"] = as_range(value, key, source)
            data[name] = table
        elif entry:
            raise InputError("assumption", key, f"{name} has no entries; use {name}=VALUE")
        else:
            data[name] = as_range(value, key, source)
    for name, value in data.items():
        entries = value.items() if isinstance(value, dict) else [("", value)]
        for _, rng in entries:
            if isinstance(rng, Range):
                _check_bounds(name, rng)
    for name, value in data.items():  # the user's values only: the shipped ones are sourced
        entries = value.items() if isinstance(value, dict) else [("", value)]
        for entry, rng in entries:
            if isinstance(rng, Range) and source in rng.source:
                check_plausible(f"{name}.{entry}" if entry else name, rng)
    try:
        return TcoAssumptions.model_validate(data)
    except ValidationError as exc:
        raise InputError("assumption", dict(overrides), _first_msg(exc)) from None


def check_data(sources: dict[str, Source]) -> list[str]:
    """Checker for ``chipwar data validate``: the file loads and every source id resolves."""
    try:
        assumptions = read_assumptions(ASSUMPTIONS_FILE)
    except DataError as exc:
        return str(exc).splitlines()
    problems: list[str] = []
    for name, rng in assumptions.ranges():
        problems += check_source_ids(rng.source, f"tco_assumptions.yaml[{name}]", sources)
    return problems
