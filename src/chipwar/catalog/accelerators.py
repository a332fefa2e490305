"""The accelerator catalog (schema: ``docs/data.md``) and its derived BIS metrics.

``tpp`` = max over precisions of dense TOPS × operand bit length (BIS 3A090 Technical Note,
source ``bis-2023-acs-ifr``); ``performance_density`` = tpp / die_area_mm2.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import pandas as pd
from pydantic import Field, field_validator

from chipwar.catalog.constants import PRECISIONS as PRECISIONS
from chipwar.catalog.io import DATA_DIR, lookup, read_table
from chipwar.catalog.types import Country, Range, Slug, SourceIds, Strict

BIT_LENGTH: dict[str, int] = {
    "fp64": 64, "fp32": 32, "tf32": 32, "bf16": 16, "fp16": 16, "fp8": 8, "int8": 8, "fp4": 4,
}  # fmt: skip
"""Operand bit length per precision used by the TPP formula. TF32 is counted at 32 bits, as the
BIS note counts the declared operand width (bis-2023-acs-ifr)."""


class Accelerator(Strict):
    """One accelerator (a chip or a packaged module that is sold as one unit)."""

    id: Slug
    name: str
    vendor: str
    designer_country: Country
    foundry: str | None = None
    process_nm: float | None = Field(default=None, gt=0)
    release_date: dt.date | None = None
    dense_tflops: dict[str, float] = {}
    """Dense peak TFLOPS/TOPS per precision; empty when no figure is published (TPP unknown)."""
    memory_gb: float | None = Field(default=None, gt=0)
    memory_bandwidth_tbps: float | None = Field(default=None, gt=0)
    interconnect_gbps: float | None = Field(default=None, ge=0)
    tdp_w: float | None = Field(default=None, gt=0)
    die_area_mm2: float | None = Field(default=None, gt=0)
    datacenter: bool
    price_usd: Range | None = None
    system_power_w: Range | None = None
    """All-in IT power per accelerator: its TDP plus its share of host CPUs, network and optics."""
    system_capex_usd: Range | None = None
    """All-in IT capex per accelerator: chip plus its share of server, network and optics."""
    source: SourceIds
    unverified: list[str] = []
    """Fields whose value is an estimate or not found in a primary source."""
    notes: str = ""

    @field_validator("dense_tflops")
    @classmethod
    def _positive(cls, v: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(v) - set(PRECISIONS))
        if unknown:
            raise ValueError(f"unknown precision(s) {unknown}; allowed: {', '.join(PRECISIONS)}")
        bad = {k: x for k, x in v.items() if not x > 0}
        if bad:
            raise ValueError(f"every dense_tflops value must be > 0, got {bad}")
        return v

    @property
    def tpp(self) -> float:
        """BIS Total Processing Performance: max(dense TOPS × bit length) over precisions; NaN
        when no dense rate is published."""
        return max(
            (tops * BIT_LENGTH[p] for p, tops in self.dense_tflops.items()), default=float("nan")
        )

    @property
    def performance_density(self) -> float | None:
        """TPP per mm² of logic die area; None when the die area is not known."""
        return None if self.die_area_mm2 is None else self.tpp / self.die_area_mm2


def read_accelerators(path: str | Path) -> list[Accelerator]:
    """Read and validate an accelerator file (a list of rows, or a single mapping)."""
    return read_table(Accelerator, path, "accelerators")


@cache
def _default() -> tuple[Accelerator, ...]:
    return tuple(read_accelerators(DATA_DIR / "accelerators.yaml"))


def load_accelerators(path: str | Path | None = None) -> dict[str, Accelerator]:
    """The catalog as id -> Accelerator (the shipped one, or a user file)."""
    rows = _default() if path is None else read_accelerators(path)
    return {a.id: a for a in rows}


def get_accelerator(chip_id: str, extra: dict[str, Accelerator] | None = None) -> Accelerator:
    """Look a chip up in ``extra`` (user specs) then in the shipped catalog."""
    return lookup({**load_accelerators(), **(extra or {})}, chip_id, "chip")


def accelerator_frame(chips: list[Accelerator] | None = None) -> pd.DataFrame:
    """Flatten accelerators into one row each: ``dense_tflops_<precision>``, price low/base/high,
    and the derived ``tpp`` and ``performance_density``. Missing values are NaN."""
    chips = list(load_accelerators().values()) if chips is None else chips
    rows = []
    for a in chips:
        row: dict[str, object] = {
            k: getattr(a, k)
            for k in (
                "id", "name", "vendor", "designer_country", "foundry", "process_nm",
                "release_date", "memory_gb", "memory_bandwidth_tbps", "interconnect_gbps",
                "tdp_w", "die_area_mm2", "datacenter",
            )
        }  # fmt: skip
        for p in PRECISIONS:
            row[f"dense_tflops_{p}"] = a.dense_tflops.get(p, float("nan"))
        for name in ("price_usd", "system_power_w", "system_capex_usd"):
            rng: Range | None = getattr(a, name)
            for q in ("low", "base", "high"):
                row[f"{name}_{q}"] = getattr(rng, q) if rng else float("nan")
        row["tpp"] = a.tpp
        row["performance_density"] = a.performance_density
        rows.append(row)
    frame = pd.DataFrame(rows)
    return frame.set_index("id", drop=False) if len(frame) else frame
