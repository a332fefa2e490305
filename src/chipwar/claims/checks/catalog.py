"""Checks on the shipped catalogs (accelerators, sites): a ratio of two chips' fields, the largest
electricity subsidy, the lowest electricity price. Observations (datasheets, published tariffs)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from chipwar.catalog.accelerators import load_accelerators
from chipwar.catalog.fx import usd_per_unit
from chipwar.catalog.sites import load_sites
from chipwar.claims.base import DataMissing, Modelled, register
from chipwar.errors import DataError


def scale_if(knob: str, name: str, value: float) -> float:
    """The knob's factor when it names ``name``, else 1."""
    return value if knob == name else 1.0


def aggregate(values: pd.Series, how: str) -> float:
    """max, min or mean of ``values``."""
    if how == "max":
        return float(values.max())
    if how == "min":
        return float(values.min())
    if how == "mean":
        return float(values.mean())
    raise DataError(f"check.params.aggregate: {how!r} is not allowed; expected max, min, mean")


def accelerator(chip_id: str) -> Any:
    """The catalog chip ``chip_id`` (DataMissing when absent)."""
    chips = load_accelerators()
    if chip_id not in chips:
        raise DataMissing(f"chip {chip_id!r} is not in the accelerator catalog")
    return chips[chip_id]


def _field(obj: Any, path: str) -> float:
    cur: Any = obj
    for part in path.split("."):
        cur = cur.get(part) if isinstance(cur, dict) else getattr(cur, part, None)
        if cur is None:
            raise DataMissing(f"{getattr(obj, 'id', obj)}: field {path!r} is empty")
    return float(cur)


@register(
    "catalog.ratio", engine="chipwar.catalog", knobs=("chip_performance",), basis="observation"
)
def catalog_ratio(params: dict[str, Any], knob: str, value: float) -> Modelled:
    """Ratio of one catalog field between two chips: chip.field / reference.field."""
    chip, ref = accelerator(params["chip"]), accelerator(params["reference"])
    path = str(params["field"])
    a = _field(chip, path) * scale_if(knob, "chip_performance", value)
    b = _field(ref, path)
    rows = [{"chip": chip.id, path: a}, {"chip": ref.id, path: b}]
    extra = []
    for other in ("dense_tflops.fp8", "memory_bandwidth_tbps"):
        try:
            rows.append({"chip": "ratio", other: _field(chip, other) / _field(ref, other)})
        except DataMissing:
            extra.append(f"{other} not available for both chips")
    return Modelled(
        value=a / b,
        sources=list(chip.source) + list(ref.source),
        basis=f"{chip.id}.{path} / {ref.id}.{path} (accelerator catalog)",
        rows=rows,
        assumptions=extra,
    )


def sites(country: str | None = None) -> list[Any]:
    """Catalog sites, optionally of one country (DataMissing when none)."""
    out = [s for s in load_sites().values() if country is None or s.country == country]
    if not out:
        raise DataMissing(f"no sites with country {country!r} in the site catalog")
    return out


@register(
    "catalog.subsidy", engine="chipwar.catalog", knobs=("subsidy_fraction",), basis="observation"
)
def catalog_subsidy(params: dict[str, Any], knob: str, value: float) -> Modelled:
    """Largest electricity-bill discount for chips of ``designer_country`` at sites in ``country``
    (base value = the largest 'up to' figure; range = largest base ... largest high)."""
    k = scale_if(knob, "subsidy_fraction", value)
    rows, sources = [], []
    for site in sites(params.get("country")):
        for sub in site.subsidies:
            if not sub.eligible(str(params.get("designer_country", "CN"))):
                continue
            r = sub.power_discount_fraction
            rows.append(
                {
                    "site": site.id,
                    "subsidy": sub.id,
                    "low": r.low * k,
                    "base": r.base * k,
                    "high": r.high * k,
                }
            )
            sources += list(sub.source) + list(r.source)
    if not rows:
        raise DataMissing("no eligible electricity subsidies in the site catalog")
    frame = pd.DataFrame(rows)
    return Modelled(
        value=float(frame["high"].max()),
        low=float(frame["base"].max()),
        high=float(frame["high"].max()),
        sources=sorted(set(sources)),
        basis="max over sites of the subsidy's 'up to' power discount (site catalog)",
        rows=rows,
    )


@register(
    "catalog.site_price",
    engine="chipwar.catalog",
    knobs=("electricity_price",),
    basis="observation",
)
def catalog_site_price(params: dict[str, Any], knob: str, value: float) -> Modelled:
    """Electricity price across sites in ``currency`` [per kWh]: min/max/mean of a bound."""
    currency = str(params.get("currency", "USD"))
    bound = str(params.get("bound", "base"))
    k = scale_if(knob, "electricity_price", value)
    rows, sources = [], []
    for site in sites(params.get("country")):
        p = site.electricity.price_usd_per_kwh
        per = usd_per_unit(currency, site.electricity.year)
        rows.append(
            {"site": site.id, f"price_{currency.lower()}_per_kwh": getattr(p, bound) * k / per}
        )
        sources += list(p.source)
    frame = pd.DataFrame(rows)
    col = frame.columns[1]
    return Modelled(
        value=aggregate(frame[col], str(params.get("aggregate", "min"))),
        unit=f"{currency}/kWh",
        sources=sorted(set(sources)),
        basis=f"{params.get('aggregate', 'min')} over sites of the {bound} electricity price",
        rows=rows,
    )
