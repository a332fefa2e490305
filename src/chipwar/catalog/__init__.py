"""Loading and validation of the sourced reference tables (the *data* layer).

Pydantic models check each row at the boundary; engines receive pandas/NumPy objects.

The names below are loaded on first use (PEP 562), so that importing a light module of this
package (``chipwar.catalog.constants``) does not import pydantic and pandas.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chipwar.catalog.accelerators import Accelerator, accelerator_frame, load_accelerators
    from chipwar.catalog.fx import FxRate, load_fx, usd_per_unit
    from chipwar.catalog.sites import Site, Subsidy, load_sites, site_frame
    from chipwar.catalog.sources import Source, check_source_ids, load_sources
    from chipwar.catalog.types import Range

_HOME = {
    "Accelerator": "accelerators",
    "accelerator_frame": "accelerators",
    "load_accelerators": "accelerators",
    "FxRate": "fx",
    "load_fx": "fx",
    "usd_per_unit": "fx",
    "Site": "sites",
    "Subsidy": "sites",
    "load_sites": "sites",
    "site_frame": "sites",
    "Source": "sources",
    "check_source_ids": "sources",
    "load_sources": "sources",
    "Range": "types",
}

__all__ = [
    "Accelerator",
    "FxRate",
    "Range",
    "Site",
    "Source",
    "Subsidy",
    "accelerator_frame",
    "check_source_ids",
    "load_accelerators",
    "load_fx",
    "load_sites",
    "load_sources",
    "site_frame",
    "usd_per_unit",
]


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'chipwar.catalog' has no attribute {name!r}")
    return getattr(importlib.import_module(f"chipwar.catalog.{_HOME[name]}"), name)


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOME])
