"""Content rules over a bill of materials: the US de minimis test and China's rare-earth rule.

share = Σ value of the counted parts / product value  [fraction]
* US de minimis (15 CFR 734.4, source ecfr-734-4): counted = U.S.-origin parts that are
  controlled (classification other than EAR99; all U.S. content for some destinations); the item
  is subject to the EAR when share > threshold (25 %, 10 % for E:1, 0 % for some ECCNs).
* China, MOFCOM No. 61 of 2025 (source mofcom-2025-61-rare-earth): counted = rare-earth value of
  Chinese origin; a licence is needed when share ≥ 0.1 %, unless suspended (No. 70, mofcom-2025-70).
Thresholds and dates come from ``data/rules/*.yaml``.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import Field, model_validator

from chipwar.catalog.io import csv_records, parse_rows, raise_problems, read_csv, read_structured
from chipwar.catalog.types import Country, Strict, parse_date
from chipwar.controls.rules import ContentPeriod, ContentRegime, Measure, RuleBook, load_rules
from chipwar.errors import DataError, InputError

NOT_CONTROLLED = "EAR99"


class BomPart(Strict):
    """One line of a bill of materials."""

    part: str
    origin: Country
    value_usd: float = Field(ge=0)
    classification: str = NOT_CONTROLLED
    rare_earth_value_usd: float = Field(default=0.0, ge=0)
    rare_earth_origin: Country | None = None

    @model_validator(mode="after")
    def _re_within_value(self) -> BomPart:
        if self.rare_earth_value_usd > self.value_usd:
            re, v = self.rare_earth_value_usd, self.value_usd
            raise ValueError(f"rare_earth_value_usd {re} exceeds value_usd {v}")
        return self


def read_bom(path: str | Path) -> tuple[pd.DataFrame, float | None]:
    """Read a BOM (CSV, or YAML/JSON with ``parts`` and optional ``product_value_usd``)."""
    path = Path(path)
    product_value: float | None = None
    if path.suffix.lower() == ".csv":
        table = read_csv(path)
        problems: list[str] = []
        rows: Any = [
            {k: v for k, v in r.items() if v != ""}
            for _, r in csv_records(table, path.name, problems)
        ]
        raise_problems(problems)
    else:
        data = read_structured(path)
        if isinstance(data, dict):
            product_value = _product_value(data.get("product_value_usd"), path.name)
            rows = data.get("parts")
        else:
            rows = data
    parts = parse_rows(BomPart, rows, path.name, key="part")
    if not parts:
        raise DataError(f"{path.name}: the bill of materials has no parts")
    frame = pd.DataFrame([p.model_dump() for p in parts])
    frame["rare_earth_origin"] = frame["rare_earth_origin"].fillna(frame["origin"])
    return frame, product_value


def _product_value(raw: Any, where: str) -> float | None:
    """``product_value_usd`` of a BOM file: absent, or a positive finite number (not a bool)."""
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
        raise InputError(f"{where}: product_value_usd", raw, "a positive number of USD")
    if raw <= 0:
        raise InputError(f"{where}: product_value_usd", raw, "a positive number of USD")
    return float(raw)


def period_at(regime: ContentRegime | Measure, date: dt.date) -> ContentPeriod | None:
    """The regime's (or measure's) period on ``date``; None before it existed."""
    current = [p for p in regime.periods if p.start <= date]
    return current[-1] if current else None


def _pct(x: float) -> str:
    return f"{x * 100:.4g} %"


def content_shares(
    bom: pd.DataFrame,
    destination: str,
    date: dt.date | str | None = None,
    *,
    product_value_usd: float | None = None,
    book: RuleBook | None = None,
) -> pd.DataFrame:
    """One row per content regime: ``regime, date, destination, status, share, threshold,
    applies, would_apply, counted_usd, product_value_usd, reasons``. ``applies`` is None when the
    share crosses the threshold but the regime's status on the date is undetermined."""
    book = book or load_rules()
    day = parse_date(date)
    dest = book.destination(destination)
    value = bom["value_usd"].to_numpy(dtype=float)
    parts_total = float(value.sum())
    total = parts_total if product_value_usd is None else float(product_value_usd)
    if not (math.isfinite(total) and total > 0):
        raise InputError("product_value_usd", total, "a positive, finite value (USD)")
    if total < parts_total * (1 - 1e-9):
        raise InputError(
            "product_value_usd",
            total,
            f"at least the parts' total of {parts_total:,.2f} USD (a product is worth at least "
            "the parts it is made of; shares above 100 % would follow)",
        )
    origin = bom["origin"].to_numpy(dtype=str)
    cls = np.char.upper(bom["classification"].to_numpy(dtype=str))
    re_value = bom["rare_earth_value_usd"].to_numpy(dtype=float)
    re_origin = bom["rare_earth_origin"].to_numpy(dtype=str)
    first = min(p.start for r in book.regimes.values() for p in r.periods)
    if day < first:
        raise InputError("date", day.isoformat(), f"on or after {first.isoformat()} (first regime)")
    rows = []
    for regime in book.regimes.values():
        period = period_at(regime, day)
        t = next(
            (
                t
                for t in regime.thresholds
                if book.matches(t.destinations, dest)
                and (t.valid_from is None or t.valid_from <= day)
                and (t.valid_until is None or day <= t.valid_until)
            ),
            None,
        )
        if t is None:
            continue
        reasons: list[str] = []
        threshold = t.threshold
        if t.counts == "cn-rare-earth":
            mask = (re_origin == "CN") & (re_value > 0)
            counted = float(re_value[mask].sum())
            reasons.append(
                f"Chinese-origin rare-earth content {counted:,.2f} USD in {int(mask.sum())} part(s)"
            )
        else:
            us = origin == "US"
            mask = us if t.counts == "all-us-origin" else us & (cls != NOT_CONTROLLED)
            counted = float(value[mask].sum())
            what = "U.S.-origin" if t.counts == "all-us-origin" else "controlled U.S.-origin"
            reasons.append(f"{what} content {counted:,.2f} USD in {int(mask.sum())} part(s)")
            zero = sorted(set(cls[us]) & {e.upper() for e in regime.zero_de_minimis_eccns})
            if zero:
                threshold = 0.0
                reasons.append(f"U.S.-origin {', '.join(zero)} has no de minimis level: 0 %")
        share = counted / total
        hit = share >= threshold if t.comparison == ">=" else share > threshold
        sym = (">=" if hit else "<") if t.comparison == ">=" else (">" if hit else "≤")
        reasons.append(
            f"{t.id}: share {_pct(share)} {sym.replace('>=', '≥')} {_pct(threshold)} [{t.cite}]"
        )
        status = period.status if period else "not-yet-adopted"
        in_force = status == "in-force"
        if period is None:
            reasons.append(f"not adopted before {regime.periods[0].start.isoformat()}")
        elif status == "undetermined":
            since = (period.start - dt.timedelta(days=1)).isoformat()
            reasons.append(
                f"undetermined after {since}: {period.instrument}. {period.note}".strip()
            )
        elif not in_force:
            reasons.append(f"{status} on {day.isoformat()}: {period.instrument}")
        rows.append(
            {
                "regime": regime.id,
                "date": day,
                "destination": dest,
                "status": status,
                "share": share,
                "threshold": threshold,
                "applies": None if hit and status == "undetermined" else bool(hit and in_force),
                "would_apply": bool(hit),
                "counted_usd": counted,
                "product_value_usd": total,
                "reasons": reasons,
            }
        )
    return pd.DataFrame(rows)
