"""The equipment catalog (``data/tools.yaml``): lithography tools by model and category-level
entries for the other tool kinds the rules name, with the derived resolution.

Minimum resolvable feature (Wassenaar / EU Annex I Technical Note to 3B001.f.1.b and 3B501.f.1.b,
source ``eu-annex-i-2025-11-15``)::

    MRF [nm] = wavelength_nm [nm] × K / numerical_aperture

with K = 0.35 in the multilateral entry 3B001.f.1.b and K = 0.25 with the *maximum* NA in the EU
entry 3B501.f.1.b and the Dutch national list. The K factors themselves live in the rule files
(``data/rules/equipment``); this module only evaluates the formula.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal, get_args

import numpy as np
import pandas as pd
from pydantic import Field

from chipwar.catalog.io import DATA_DIR, lookup, read_table
from chipwar.catalog.types import Country, Slug, SourceIds, Strict

Category = Literal[
    "lithography", "lithography-track", "etch", "deposition", "metrology-inspection"
]  # fmt: skip
Kind = Literal[
    "euv", "high-na-euv", "duv-immersion", "duv-dry-arf", "krf", "i-line",
    "resist-coater-developer-euv", "etch-isotropic-sige-selective", "etch-anisotropic-pulsed-rf",
    "deposition-ald-metal", "epitaxy-si-sige-low-temp", "metrology-inspection-advanced",
    "sem-ic-imaging",
]  # fmt: skip
KINDS: tuple[str, ...] = get_args(Kind)
"""Tool kinds. Lithography kinds are classified by their parameters; the other kinds are matched
by the entries that list them (category-level entries)."""
PARAMS: tuple[str, ...] = ("wavelength_nm", "numerical_aperture", "dedicated_chuck_overlay_nm")
"""Numeric tool parameters the rule conditions may test (plus the derived ``mrf_nm``)."""
MRF_DECIMALS = 6
"""MRF is rounded to 1e-6 nm before comparison, so a tool built exactly at a threshold (e.g.
193 nm × 0.25 / (193 × 0.25 / 45)) is not pushed across it by floating-point error."""


class Tool(Strict):
    """One tool model, or one category of tool defined by a rule's parameters."""

    id: Slug
    name: str
    vendor: str
    vendor_country: Country | None = None
    category: Category
    kind: Kind
    wavelength_nm: float | None = Field(default=None, gt=0)
    numerical_aperture: float | None = Field(default=None, gt=0, le=2)
    dedicated_chuck_overlay_nm: float | None = Field(default=None, gt=0)
    throughput_wph: float | None = Field(default=None, gt=0)
    resolution_nm: float | None = Field(default=None, gt=0)
    """Vendor-stated resolution (half-pitch); not the rules' MRF."""
    release_year: int | None = Field(default=None, ge=1980, le=2100)
    parameters: dict[str, float] = {}
    """Rule-text parameters that define a category entry (e.g. ``sige_si_etch_selectivity``)."""
    source: SourceIds
    unverified: list[str] = []
    """Fields whose value is an upper/lower bound, a family value or not from a primary source."""
    notes: str = ""

    def mrf_nm(self, k_factor: float) -> float | None:
        """MRF = wavelength_nm × k_factor / numerical_aperture [nm]; None if either is unknown."""
        if self.wavelength_nm is None or self.numerical_aperture is None:
            return None
        return round(self.wavelength_nm * k_factor / self.numerical_aperture, MRF_DECIMALS)


def mrf_nm(
    wavelength_nm: np.ndarray, numerical_aperture: np.ndarray, k_factor: float
) -> np.ndarray:
    """Vectorised MRF = wavelength_nm × k_factor / numerical_aperture [nm] (NaN where unknown)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.round(wavelength_nm * k_factor / numerical_aperture, MRF_DECIMALS)


def read_tools(path: str | Path) -> list[Tool]:
    """Read and validate a tool file (a list of rows, a ``tools:`` section, or a single mapping)."""
    return read_table(Tool, path, "tools")


@cache
def _default() -> tuple[Tool, ...]:
    return tuple(read_tools(DATA_DIR / "tools.yaml"))


def load_tools(path: str | Path | None = None) -> dict[str, Tool]:
    """The catalog as id -> Tool (the shipped one, or a user file)."""
    rows = _default() if path is None else read_tools(path)
    return {t.id: t for t in rows}


def get_tool(tool_id: str, extra: dict[str, Tool] | None = None) -> Tool:
    """Look a tool up in ``extra`` (user specs) then in the shipped catalog."""
    return lookup({**load_tools(), **(extra or {})}, tool_id, "tool")


def tool_frame(tools: list[Tool] | None = None) -> pd.DataFrame:
    """One row per tool: the catalog fields (parameters flattened as ``param_<name>``); NaN where
    unknown. The engine's input columns are ``PARAMS``, ``kind``, ``vendor_country``, ``tool``."""
    tools = list(load_tools().values()) if tools is None else tools
    rows = []
    for t in tools:
        row: dict[str, object] = {"tool": t.id, **t.model_dump(exclude={"id", "parameters"})}
        for name, value in t.parameters.items():
            row[f"param_{name}"] = value
        rows.append(row)
    frame = pd.DataFrame(rows)
    for p in PARAMS:
        frame[p] = pd.to_numeric(frame[p], errors="coerce").astype(float)
    frame["release_year"] = frame["release_year"].astype("Int64")
    return frame
